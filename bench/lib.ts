/**
 * Shared bench plumbing: seed a SQLite file, start the built server as a child process, drive it
 * with autocannon. Figures are compared within one run, never against fixed numbers.
 */
import 'reflect-metadata';
import { spawn, execSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { createOrm } from '../src/db/orm';
import { ENTITIES } from '../src/modules/entities';
import { ensureBuiltInRoles } from '../src/modules/roles/role.service';

export const ROOT = join(__dirname, '..');

export function build(): void {
  execSync('npm run -s build', { cwd: ROOT, stdio: 'inherit' });
}

/** Creates (or replaces) a migrated SQLite file with `count` users; answers the seeding time in ms. */
export async function seedUsers(dbFile: string, count: number): Promise<number> {
  for (const suffix of ['', '-wal', '-shm']) rmSync(dbFile + suffix, { force: true });
  const started = Date.now();
  const orm = await createOrm({ driver: 'sqlite', dbName: dbFile }, { entities: ENTITIES, migrate: true });
  await ensureBuiltInRoles(orm.em.fork());
  const knex = (orm.em as SqlEntityManager).getKnex();
  const now = Date.now();
  await knex.transaction(async (trx) => {
    const chunk = 500;
    for (let i = 0; i < count; i += chunk) {
      const rows = [];
      for (let j = i; j < Math.min(count, i + chunk); j++) {
        rows.push({
          username: `user${String(j).padStart(7, '0')}`,
          email: `user${j}@bench.example`,
          privileges: '',
          tags: j % 10 === 0 ? ',bench,' : '',
          created_at: now + j,
          updated_at: now + j,
        });
      }
      // SQLite caps bound variables per statement; 500 rows × 6 columns stays under it.
      await trx('users').insert(rows);
    }
  });
  await orm.close(true);
  return Date.now() - started;
}

export interface Server {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts dist/main.js on a free port with the given environment; resolves when /healthz answers. */
/** The node flags `npm start` uses (a larger young generation: fewer scavenges under load). */
export const START_FLAGS = ['--max-semi-space-size=32'];

export async function startServer(env: Record<string, string>, port: number, nodeArgs: string[] = []): Promise<Server> {
  const child = spawn(process.execPath, [...START_FLAGS, ...nodeArgs, join(ROOT, 'dist/main.js'), 'serve'], {
    env: { ...process.env, LOG_LEVEL: 'warn', NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

export async function graphql(url: string, query: string, variables: unknown, token?: string) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: any; errors?: any[] };
}

export interface LoadResult {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** One autocannon run of a POST; errors count transport errors, non-2xx answers and GraphQL errors. */
export async function load(
  name: string,
  opts: { url: string; body: string; headers?: Record<string, string>; connections?: number; duration?: number },
): Promise<LoadResult> {
  let gqlErrors = 0;
  const result = await autocannon({
    url: opts.url,
    method: 'POST',
    connections: opts.connections ?? 50,
    duration: opts.duration ?? 8,
    headers: { 'content-type': 'application/json', ...opts.headers },
    body: opts.body,
    setupClient(client) {
      client.on('body', (buf: Buffer) => {
        if (buf.includes('"errors"')) gqlErrors++;
      });
    },
  });
  return {
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + gqlErrors,
  };
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** The bench is one caller hammering on purpose: lift the per-caller API budget for the run. */
export async function liftApiLimit(url: string, token: string): Promise<void> {
  const res = await graphql(
    url,
    'mutation($p: JSON!) { patchSettings(patch: $p) { restartRequired } }',
    { p: { rateLimits: { api: { perCaller: 1_000_000_000, windowSeconds: 1 } } } },
    token,
  );
  if (res.errors) throw new Error(`could not lift the API limit: ${JSON.stringify(res.errors)}`);
}

/** A scratch PostgreSQL database on BENCH_DATABASE_URL's server, dropped after the run. */
export async function scratchDatabase(baseUrl: string, name: string): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = async (sql: string) => {
    const c = new Client({ connectionString: baseUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
