/**
 * The benchmark suite: Gatehouse against a baseline (node:http + one prepared statement answering the
 * first 20 users) on the same seeded database, both running for the whole run. Each scenario is measured
 * in rounds that alternate with baseline rounds of the same length (B S, S B, …), each on a settled
 * core, so drift hits both alike; a figure is the median of the per-pair ratios, with their spread,
 * and the main thread's CPU time per request from /proc.
 * Two "floor" scenarios measure the fixed stack alone (bench/floor-server.ts: Fastify, Apollo, type-graphql,
 * no Gatehouse code) on the scalar list and the viewer: the most any server on that stack reaches there.
 *   npm run bench   (SQLite file)
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench   (a scratch database is
 *                    created on that server and dropped after; adds a two-instance run)
 * BENCH_DURATION seconds per round (1), BENCH_ROUNDS pairs (16), BENCH_SOAK requests (200000),
 * BENCH_KEYSET_USERS (100000), BENCH_ONLY=name,name, BENCH_SMOKE=1 for a short check.
 */
import 'reflect-metadata';
import { execSync, fork } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { print } from 'graphql';
import type { DatabaseConfig } from '../src/config/config';
import { encodeCursor } from '../src/graphql/pagination';
import { PleromaUsersDocument } from '../src/rest/operations/__generated__/operations';
import { PLEROMA_ROWS } from '../src/rest/pleroma/routes';
import { build, graphql, median, ROOT, scratchDatabase, startServer, type Server } from './lib';
import { FULL, seedDataset } from './seed';

const SMOKE = process.env.BENCH_SMOKE === '1';
const DURATION = Number(process.env.BENCH_DURATION ?? 1);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (SMOKE ? 1 : 16));
const WARMUP = SMOKE ? 1 : 2;
const CONNECTIONS = 50;
const SOAK = Number(process.env.BENCH_SOAK ?? (SMOKE ? 2_000 : 200_000));
const KEYSET_USERS = Number(process.env.BENCH_KEYSET_USERS ?? (SMOKE ? 10_000 : 100_000));
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : null;
const PG_BASE = process.env.BENCH_DATABASE_URL;
const CLK_TCK = Number(execSync('getconf CLK_TCK').toString().trim()) || 100;
/**
 * On two or more cores, the load generator (this process, autocannon included) keeps to CPU 0 and each
 * server, every thread of it, to CPU 1 (see pinServer). Without it the scheduler now and then puts
 * autocannon on a server's core, and a round's figures halve. BENCH_PIN=0 turns it off.
 */
const PIN = process.env.BENCH_PIN !== '0' && cpus().length >= 2 && existsSync('/usr/bin/taskset');

/**
 * Each server gets one core of its own for all its threads (main, libuv pool with its SQLite work, GC
 * helpers); the load generator keeps CPU 0. A server thread left free to run on CPU 0 competed with
 * autocannon there: the baseline's query thread did, and its req/s swung from 3,500 to 8,900 between
 * rounds (pinned whole, it holds 11,000 ± 4%). `cpu` null gives every core (the second instance).
 */
function pinServer(pid: number, cpu: number | null = 1): void {
  if (PIN) taskset(pid, cpu, true);
}

/** Pins a process (`allThreads`: every thread of it) to one CPU, or to every CPU when `cpu` is null. */
function taskset(pid: number, cpu: number | null, allThreads: boolean): void {
  execSync(`taskset ${allThreads ? '-a ' : ''}-pc ${cpu === null ? `0-${cpus().length - 1}` : cpu} ${pid}`, { stdio: 'ignore' });
}

/** The scratch PostgreSQL databases of this run (their backends are pinned with the servers). */
const pgDatabases = new Set<string>();

/**
 * On PostgreSQL the database's work runs in its backends, outside the servers' processes. Unpinned, they
 * ran on either core, now beside autocannon and now beside a server, and two runs' ratios differed by up
 * to 18%. Pinned to the servers' core, a server and its database share one core, as a server and its
 * SQLite threads do, and the load generator keeps its own. Backends are opened lazily, so this runs after
 * each warm-up. `cpu` null gives every core (two instances).
 */
async function pinBackends(cpu: number | null): Promise<void> {
  if (!PIN || !PG_BASE || pgDatabases.size === 0) return;
  const client = new Client({ connectionString: PG_BASE });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('select pid from pg_stat_activity where datname = any($1)', [[...pgDatabases]]);
    for (const { pid } of rows) {
      try {
        taskset(pid, cpu, false);
      } catch {
        // a backend that has gone since the query
      }
    }
  } finally {
    await client.end();
  }
}

interface Request {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

interface Scenario {
  name: string;
  /** read scenarios carry the p99 target */
  kind: 'baseline' | 'floor' | 'read' | 'write' | 'login';
  request: Request;
  /** the answer every request must contain (a wrong answer would measure the wrong thing) */
  expect: (body: any) => boolean;
  connections?: number;
  /** seconds per round, when DURATION is too short to count this scenario's requests */
  duration?: number;
}

/** A process under load: where to send requests and whose CPU time to read. */
interface Target {
  url: string;
  pid: number;
}

export interface Figure {
  name: string;
  kind: Scenario['kind'];
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  /** Median over the rounds of this scenario's req/s ÷ the baseline's req/s in the paired round. */
  vsBaseline: number;
  /** The lowest and highest per-pair ratio. */
  spread: [number, number];
  /** Every pair: this scenario's req/s and the baseline's. */
  pairs: Array<[number, number]>;
  /** The paired baseline rounds' median req/s. */
  baselineRps: number;
  /** Main-thread CPU milliseconds per request (user + system, /proc/<pid>/task/<pid>/stat). */
  cpuMsPerRequest: number;
  /** The whole process's CPU milliseconds per request (with the libuv pool and GC helpers). */
  processCpuMsPerRequest: number;
  /** The baseline's main-thread CPU per request ÷ this scenario's (same run). */
  cpuVsBaseline: number;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** CPU time (user + system, ms) of a process, or of its main thread. */
function cpuMs(pid: number, mainThread: boolean): number {
  const stat = readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8');
  // After "pid (comm) ": state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

/**
 * Waits, at most a second, until the servers' processes stop using CPU after a round: requests still in
 * flight when autocannon stopped, garbage collection, sign-in hashes still queued. Without it that work
 * ran into the first part of the next round, on the same core, and counted against the other server:
 * over four runs, a baseline round straight after a scenario's round ran slower than one after a
 * baseline round, by a median 16–23% after `createInvite`, 3–16% after sign-ins.
 */
async function settle(targets: Target[]): Promise<void> {
  const used = () => targets.reduce((a, t) => a + cpuMs(t.pid, false), 0);
  let last = used();
  for (let waited = 0; waited < 1000; waited += 50) {
    await new Promise((r) => setTimeout(r, 50));
    const now = used();
    // CPU time moves in clock ticks (10 ms): no tick in 50 ms is an idle process.
    if (now === last) return;
    last = now;
  }
}

const gqlBody = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });
const hasErrors = (buf: Buffer) => buf.includes('"errors"') || buf.includes('"error"') || buf.includes('"errcode"');

interface Round {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
  cpuMain: number;
  cpuProcess: number;
}

/** One autocannon run against one or more targets at once (connections shared out); errors are transport errors, non-2xx answers and error bodies. */
async function round(targets: Target[], r: Request, duration: number, connections = CONNECTIONS): Promise<Round> {
  const cpuBefore = targets.map((t) => [cpuMs(t.pid, true), cpuMs(t.pid, false)]);
  const runs = await Promise.all(
    targets.map(async (t) => {
      let bodyErrors = 0;
      const res = await autocannon({
        url: t.url + r.path,
        method: r.method,
        connections: Math.max(1, Math.round(connections / targets.length)),
        duration,
        headers: { ...(r.body ? { 'content-type': 'application/json' } : {}), ...r.headers },
        body: r.body,
        setupClient(client) {
          client.on('body', (buf: Buffer) => {
            if (hasErrors(buf)) bodyErrors++;
          });
        },
      });
      return { res, bodyErrors };
    }),
  );
  const cpuAfter = targets.map((t) => [cpuMs(t.pid, true), cpuMs(t.pid, false)]);
  const requests = runs.reduce((a, { res }) => a + res.requests.total, 0);
  const sum = (i: number) => targets.reduce((a, _t, k) => a + cpuAfter[k][i] - cpuBefore[k][i], 0);
  return {
    rps: runs.reduce((a, { res }) => a + res.requests.average, 0),
    p50: Math.max(...runs.map(({ res }) => res.latency.p50)),
    p99: Math.max(...runs.map(({ res }) => res.latency.p99)),
    errors: runs.reduce((a, { res, bodyErrors }) => a + res.errors + res.timeouts + res.non2xx + bodyErrors, 0),
    requests,
    cpuMain: sum(0) / Math.max(1, requests),
    cpuProcess: sum(1) / Math.max(1, requests),
  };
}

async function check(url: string, s: Scenario) {
  const res = await fetch(url + s.request.path, {
    method: s.request.method,
    headers: { ...(s.request.body ? { 'content-type': 'application/json' } : {}), ...s.request.headers },
    body: s.request.body,
  });
  const body = await res.json().catch(() => null);
  if (!res.ok || !s.expect(body)) throw new Error(`${s.name}: unexpected answer ${res.status} ${JSON.stringify(body).slice(0, 400)}`);
}

const BASELINE_REQUEST: Request = { method: 'POST', path: '/', body: '{}' };
/** The scalar list: Gatehouse's scenario and the floor's (the same document, the same answer). */
const SCALARS_BODY = gqlBody('query Users { users(first: 20) { nodes { id username createdAt } } }');
const VIEWER_BODY = gqlBody('query Viewer { viewer { id username privileges } }');
const FLOOR_SCALARS = 'floor: Fastify + Apollo + type-graphql, the scalar list, no Gatehouse code';
const FLOOR_VIEWER = 'floor: Fastify + Apollo + type-graphql, the viewer as a constant, no database';

/**
 * Warm-up of both, then ROUNDS pairs of rounds, the order alternating (B S, S B, …); medians of each
 * figure and of the per-pair ratios. Without a baseline (`null`) the scenario's rounds alone.
 */
async function measure(baseline: Target | null, servers: Target[], s: Scenario): Promise<Figure> {
  for (const t of servers) await check(t.url, s);
  const rssBeforeMb = servers.reduce((a, t) => a + rssMb(t.pid), 0);
  const duration = s.duration ?? DURATION;
  await round(servers, s.request, WARMUP, s.connections);
  if (baseline) await round([baseline], BASELINE_REQUEST, WARMUP);
  await pinBackends(servers.length === 1 ? 1 : null);
  const mine: Round[] = [];
  const theirs: Round[] = [];
  // A pair's two rounds last as long as each other (a sign-in round's 6 s against 6 s of the
  // baseline), and each starts on a settled core (see settle).
  const settledRound = async (targets: Target[], r: Request, connections?: number) => {
    const result = await round(targets, r, duration, connections);
    await settle(targets);
    return result;
  };
  for (let i = 0; i < ROUNDS; i++) {
    if (baseline && i % 2 === 0) theirs.push(await settledRound([baseline], BASELINE_REQUEST));
    mine.push(await settledRound(servers, s.request, s.connections));
    if (baseline && i % 2 === 1) theirs.push(await settledRound([baseline], BASELINE_REQUEST));
  }
  const ratios = baseline ? mine.map((m, i) => m.rps / theirs[i].rps) : [];
  const cpuMain = median(mine.map((m) => m.cpuMain));
  const baseCpu = baseline ? median(theirs.map((m) => m.cpuMain)) : Number.NaN;
  const figure: Figure = {
    name: s.name,
    kind: s.kind,
    rps: median(mine.map((r) => r.rps)),
    p50: median(mine.map((r) => r.p50)),
    p99: median(mine.map((r) => r.p99)),
    errors: mine.reduce((a, r) => a + r.errors, 0),
    rssBeforeMb,
    rssAfterMb: servers.reduce((a, t) => a + rssMb(t.pid), 0),
    // NaN: a different request from the baseline's (the keyset pages list 50 users).
    vsBaseline: baseline ? median(ratios) : Number.NaN,
    spread: baseline ? [Math.min(...ratios), Math.max(...ratios)] : [Number.NaN, Number.NaN],
    pairs: mine.map((m, i) => [Math.round(m.rps), Math.round(theirs[i]?.rps ?? Number.NaN)]),
    baselineRps: baseline ? median(theirs.map((r) => r.rps)) : Number.NaN,
    cpuMsPerRequest: cpuMain,
    processCpuMsPerRequest: median(mine.map((m) => m.cpuProcess)),
    cpuVsBaseline: baseCpu / cpuMain,
  };
  console.log(
    `  ${s.name}: ${figure.rps.toFixed(0)} req/s, p50 ${figure.p50} ms, p99 ${figure.p99} ms, errors ${figure.errors}, ` +
      `CPU ${cpuMain.toFixed(3)} ms/req (process ${figure.processCpuMsPerRequest.toFixed(3)}), ` +
      `RSS ${rssBeforeMb.toFixed(0)}→${figure.rssAfterMb.toFixed(0)} MB` +
      (baseline
        ? `, ${pct(figure.vsBaseline)} of baseline (${pct(figure.spread[0])}–${pct(figure.spread[1])}), CPU ${pct(figure.cpuVsBaseline)}`
        : ''),
  );
  return figure;
}

const pct = (x: number) => (Number.isNaN(x) ? '—' : `${(x * 100).toFixed(1)}%`);

/** Starts one of the bench's own servers (baseline-server.ts, floor-server.ts) on `port`, pinned like Gatehouse. */
async function startHelper(script: string, database: string, port: number) {
  const child = fork(join(__dirname, script), [database, String(port)], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await once(child, 'message');
  pinServer(child.pid!);
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

async function forceGc(server: Server): Promise<number> {
  for (let i = 0; i < 3; i++) {
    server.child.kill('SIGUSR2');
    await new Promise((r) => setTimeout(r, 300));
  }
  return rssMb(server.child.pid!);
}

/** Where a run's data lives: a SQLite file, or a scratch PostgreSQL database. */
async function database(label: string): Promise<{ config: DatabaseConfig; url: string; drop(): Promise<void> }> {
  if (PG_BASE) {
    const name = `gatehouse_bench_${label}`;
    const db = await scratchDatabase(PG_BASE, name);
    pgDatabases.add(name);
    return { config: { driver: 'postgresql', clientUrl: db.url }, url: db.url, drop: db.drop };
  }
  const file = join(tmpdir(), `gatehouse-bench-${label}-${process.pid}.db`);
  return { config: { driver: 'sqlite', dbName: file }, url: `sqlite:${file}`, drop: async () => {} };
}

async function signIn(url: string): Promise<string> {
  const login = await graphql(url, 'mutation { login(username: "bench", password: "bench-password-1") { token } }', {});
  if (!login.data) throw new Error(`bench sign-in failed: ${JSON.stringify(login.errors)}`);
  const token: string = login.data.login.token;
  // One client hammering on purpose is not abuse: lift the per-caller budgets for the run.
  const lifted = await graphql(
    url,
    'mutation($p: JSON!) { patchSettings(patch: $p) { restartRequired } }',
    {
      p: {
        rateLimits: {
          api: { perCaller: 1_000_000_000, windowSeconds: 1 },
          login: { perUser: 100_000, perAddress: 1_000_000, windowSeconds: 1 },
          kv: { perAddress: 1_000_000_000, windowSeconds: 1 },
        },
      },
    },
    token,
  );
  if (lifted.errors) throw new Error(`could not lift the limits: ${JSON.stringify(lifted.errors)}`);
  return token;
}

function scenarios(token: string): Scenario[] {
  const auth = { authorization: `Bearer ${token}` };
  const pleromaRow = PLEROMA_ROWS.find((r) => r.method === 'GET' && r.path === '/users')!;
  const pleromaVars = pleromaRow.variables({ params: {}, query: { page_size: '20' }, body: {} });
  const nodes = (n: number) => (b: any) => b?.data?.users?.nodes?.length === n;
  return [
    {
      name: 'graphql users(first:20) scalars',
      kind: 'read',
      request: {
        method: 'POST',
        path: '/graphql',
        headers: auth,
        body: SCALARS_BODY,
      },
      expect: nodes(20),
    },
    {
      name: 'graphql users(first:20) + roles, groups',
      kind: 'read',
      request: {
        method: 'POST',
        path: '/graphql',
        headers: auth,
        body: gqlBody('query UsersDeep { users(first: 20) { nodes { id username createdAt roles { name } groups { name } } } }'),
      },
      expect: (b) => nodes(20)(b) && b.data.users.nodes.every((u: any) => u.roles.length === 1 && u.groups.length >= 1),
    },
    {
      name: 'graphql PleromaUsers(20) (the Pleroma row’s document)',
      kind: 'read',
      request: {
        method: 'POST',
        path: '/graphql',
        headers: auth,
        body: gqlBody(print(PleromaUsersDocument), pleromaVars as Record<string, unknown>),
      },
      expect: nodes(20),
    },
    {
      name: 'pleroma GET /users?page_size=20',
      kind: 'read',
      request: { method: 'GET', path: '/api/pleroma/admin/users?page_size=20', headers: auth },
      expect: (b) => b?.users?.length === 20,
    },
    {
      name: 'telodendria GET /privileges/{localpart}',
      kind: 'read',
      request: { method: 'GET', path: '/_telodendria/admin/v1/privileges/user0000005', headers: auth },
      expect: (b) => Array.isArray(b?.privileges),
    },
    {
      name: 'graphql viewer',
      kind: 'read',
      request: { method: 'POST', path: '/graphql', headers: auth, body: VIEWER_BODY },
      expect: (b) => b?.data?.viewer?.username === 'bench',
    },
    {
      name: 'graphql auditLog(first:20, action filter)',
      kind: 'read',
      request: {
        method: 'POST',
        path: '/graphql',
        headers: auth,
        body: gqlBody(
          'query Audit { auditLog(first: 20, filter: { action: "user.update" }) { nodes { id action actorUsername message createdAt } } }',
        ),
      },
      expect: (b) => b?.data?.auditLog?.nodes?.length === 20,
    },
    {
      name: 'graphql createInvite (mutation)',
      kind: 'write',
      request: {
        method: 'POST',
        path: '/graphql',
        headers: auth,
        body: gqlBody('mutation Invite { createInvite(input: { maxUses: 1 }) { token } }'),
      },
      expect: (b) => typeof b?.data?.createInvite?.token === 'string',
    },
    {
      name: 'graphql login (argon2id included)',
      kind: 'login',
      // Sign-ins run two argon2id hashes at a time (HASH_CONCURRENCY). At 50 connections a 2-second
      // round counted some 40 of them while the rest waited in the hash queue, and the hashes left
      // queued when a round stopped ran on into the next round. Four connections keep the queue full
      // without a backlog; 6-second rounds count some 300 sign-ins (about 50 a second).
      connections: 4,
      duration: SMOKE ? DURATION : 6,
      request: {
        method: 'POST',
        path: '/graphql',
        body: gqlBody('mutation Login { login(username: "bench", password: "bench-password-1") { token } }'),
      },
      expect: (b) => typeof b?.data?.login?.token === 'string',
    },
  ];
}

/** 200,000 mixed reads and writes after a warm-up of a tenth as many; RSS after a forced GC, before and after. */
async function soak(server: Server, token: string) {
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const requests = [
    {
      method: 'POST' as const,
      path: '/graphql',
      headers: auth,
      body: gqlBody('query Users { users(first: 20) { nodes { id username createdAt roles { name } } } }'),
    },
    { method: 'GET' as const, path: '/api/pleroma/admin/users?page_size=20', headers: auth },
    { method: 'GET' as const, path: '/_telodendria/admin/v1/privileges/user0000005', headers: auth },
    { method: 'POST' as const, path: '/graphql', headers: auth, body: VIEWER_BODY },
    {
      method: 'POST' as const,
      path: '/graphql',
      headers: auth,
      body: gqlBody('mutation Kv($v: JSON) { kvSet(key: "soak", value: $v) { key } }', { v: { n: 1 } }),
    },
  ];
  // The same mix first, so the heap, the JIT and SQLite's page caches reach their working size:
  // growth after that is creep, not warm-up.
  await autocannon({ url: server.url, connections: CONNECTIONS, amount: Math.max(5_000, Math.round(SOAK / 10)), requests });
  const before = await forceGc(server);
  const started = Date.now();
  const res = await autocannon({ url: server.url, connections: CONNECTIONS, amount: SOAK, requests });
  const after = await forceGc(server);
  return {
    requests: res.requests.total,
    seconds: (Date.now() - started) / 1000,
    errors: res.errors + res.timeouts + res.non2xx,
    rssBeforeMb: before,
    rssAfterMb: after,
    growthMb: after - before,
  };
}

/** Page 1 against page 2,000 of a users-only database (keyset cursors), on a server of its own. */
async function keyset(): Promise<{ seedMs: number; first: Figure; deep: Figure }> {
  const db = await database('keyset');
  try {
    const seedMs = await seedDataset(db.config, { users: KEYSET_USERS, groups: 0, invites: 0, reports: 0, auditEntries: 0 });
    console.log(`seeded ${KEYSET_USERS} users for the keyset scenario in ${seedMs} ms`);
    const server = await startServer({ DATABASE_URL: db.url, GATEHOUSE_ADMIN: 'bench:bench-password-1' }, 4712);
    pinServer(server.child.pid!);
    try {
      const token = await signIn(server.url);
      const auth = { authorization: `Bearer ${token}` };
      const q = 'query Page($after: String) { users(first: 50, after: $after) { nodes { id username createdAt } } }';
      const lastPage = KEYSET_USERS / 50;
      const target = [{ url: server.url, pid: server.child.pid! }];
      const page = (name: string, variables: Record<string, unknown>): Scenario => ({
        name,
        kind: 'read',
        request: { method: 'POST', path: '/graphql', headers: auth, body: gqlBody(q, variables) },
        expect: (b) => b?.data?.users?.nodes?.length === 50,
      });
      const first = await measure(null, target, page('keyset page 1 (50 users)', {}));
      const deep = await measure(
        null,
        target,
        page(`keyset page ${lastPage.toLocaleString('en')} of ${KEYSET_USERS.toLocaleString('en')}`, {
          after: encodeCursor((lastPage - 1) * 50),
        }),
      );
      return { seedMs, first, deep };
    } finally {
      await server.stop();
    }
  } finally {
    await db.drop();
  }
}

const fmt = (n: number, digits = 0) => (Number.isNaN(n) ? '—' : n.toFixed(digits));
/** A relative change as a signed percentage: +3.4%, -11.7%. */
const signed = (change: number) => `${change >= 0 ? '+' : ''}${fmt(change * 100, 1)}%`;

/** The previous full run on this database kind, if any, for the run-to-run comparison. */
function previousRun(file: string): { figures: Figure[] } | null {
  const path = join(ROOT, 'bench/results', file);
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { figures: Figure[] };
  } catch {
    return null;
  }
}

async function main() {
  const startedAt = Date.now();
  const kind = PG_BASE ? 'postgresql' : 'sqlite';
  build();
  if (PIN) execSync(`taskset -a -pc 0 ${process.pid}`, { stdio: 'ignore' });
  const db = await database('main');
  const figures: Figure[] = [];
  let soakResult: Awaited<ReturnType<typeof soak>> | null = null;
  let seedMs = 0;
  let ks: Awaited<ReturnType<typeof keyset>> | null = null;
  try {
    seedMs = await seedDataset(db.config, FULL);
    console.log(
      `${kind}: seeded ${FULL.users} users (roles, 2 groups each), ${FULL.groups} groups, ${FULL.invites} invites, ${FULL.reports} reports with 2 notes each, ${FULL.auditEntries} audit entries in ${seedMs} ms`,
    );
    const dbArg = PG_BASE ? db.url : (db.config as { dbName: string }).dbName;
    const baseline = await startHelper('baseline-server.ts', dbArg, 4710);
    const server = await startServer({ DATABASE_URL: db.url, GATEHOUSE_ADMIN: 'bench:bench-password-1' }, 4711, ['--expose-gc']);
    pinServer(server.child.pid!);
    try {
      const token = await signIn(server.url);
      const me = [{ url: server.url, pid: server.child.pid! }];
      const base = await measure(null, [baseline], {
        name: `baseline node:http + prepared statement (20 users, ${kind})`,
        kind: 'baseline',
        request: BASELINE_REQUEST,
        expect: (b) => b?.data?.users?.nodes?.length === 20,
      });
      base.vsBaseline = 1;
      base.spread = [1, 1];
      base.cpuVsBaseline = 1;
      figures.push(base);
      if (!ONLY || ONLY.has('floor')) {
        // The fixed stack alone on two of the documents: the most any server on it could reach there.
        const floor = await startHelper('floor-server.ts', dbArg, 4714);
        try {
          const floorScenario = (name: string, body: string, expect: Scenario['expect']): Scenario => ({
            name,
            kind: 'floor',
            request: { method: 'POST', path: '/graphql', body },
            expect,
          });
          figures.push(
            await measure(
              baseline,
              [floor],
              floorScenario(FLOOR_SCALARS, SCALARS_BODY, (b) => b?.data?.users?.nodes?.length === 20),
            ),
            await measure(
              baseline,
              [floor],
              floorScenario(FLOOR_VIEWER, VIEWER_BODY, (b) => b?.data?.viewer?.username === 'bench'),
            ),
          );
        } finally {
          await floor.stop();
        }
      }
      // One warm-up over every read scenario first: the JIT then treats the first measured scenario
      // like the later ones.
      for (const s of scenarios(token).filter((x) => x.kind === 'read')) await round(me, s.request, WARMUP);
      for (const s of scenarios(token)) {
        if (ONLY && !ONLY.has(s.name) && ![...ONLY].some((o) => s.name.includes(o))) continue;
        figures.push(await measure(baseline, me, s));
      }
      if (PG_BASE && (!ONLY || ONLY.has('two-instances'))) {
        // A second instance on the same database; the load shared between the two (25 connections each).
        const second = await startServer({ DATABASE_URL: db.url }, 4713);
        // Two servers and the load generator on two cores: the second one may run anywhere.
        pinServer(second.child.pid!, null);
        try {
          const both = [...me, { url: second.url, pid: second.child.pid! }];
          for (const s of scenarios(token).filter((x) => x.kind === 'read' && !x.name.startsWith('graphql auditLog'))) {
            figures.push(await measure(baseline, both, { ...s, name: `two instances: ${s.name}` }));
          }
        } finally {
          await second.stop();
        }
      }
      if (!ONLY || ONLY.has('soak')) {
        soakResult = await soak(server, token);
        console.log(
          `  soak: ${soakResult.requests} requests in ${fmt(soakResult.seconds)} s, errors ${soakResult.errors}, RSS after GC ${fmt(soakResult.rssBeforeMb)} → ${fmt(soakResult.rssAfterMb)} MB`,
        );
      }
    } finally {
      await server.stop();
      await baseline.stop();
    }
    ks = !ONLY || ONLY.has('keyset') ? await keyset() : null;
    if (ks) figures.push(ks.first, ks.deep);
  } finally {
    await db.drop();
  }

  const find = (prefix: string) => figures.find((f) => f.name.startsWith(prefix));
  const reads = figures.filter((f) => f.kind === 'read' && !f.name.startsWith('two instances'));
  const targets = [
    {
      target: 'users(first:20) scalars ≥ 35% of baseline req/s',
      value: find('graphql users(first:20) scalars')?.vsBaseline,
      limit: 0.35,
      higher: true,
    },
    {
      target: 'users(first:20) + roles, groups ≥ 20%',
      value: find('graphql users(first:20) + roles')?.vsBaseline,
      limit: 0.2,
      higher: true,
    },
    { target: 'Pleroma GET /users?page_size=20 ≥ 20%', value: find('pleroma GET')?.vsBaseline, limit: 0.2, higher: true },
    { target: 'viewer ≥ 50%', value: find('graphql viewer')?.vsBaseline, limit: 0.5, higher: true },
    {
      target: 'p99 < 120 ms for every read scenario at 50 connections (worst shown)',
      value: reads.length ? Math.max(...reads.map((f) => f.p99)) : undefined,
      limit: 120,
      higher: false,
    },
    {
      target: 'deep keyset page p50 within 1.3× of page 1',
      value: ks ? ks.deep.p50 / Math.max(1, ks.first.p50) : undefined,
      limit: 1.3,
      higher: false,
    },
    { target: 'memory soak: RSS growth < 30 MB', value: soakResult?.growthMb, limit: 30, higher: false },
  ].map((t) => ({ ...t, met: t.value === undefined ? null : t.higher ? t.value >= t.limit : t.value < t.limit }));

  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  console.log(
    `\nMachine: ${machine}. Database: ${kind}. Load generator on CPU 0, each server (all its threads) on CPU 1: ${PIN ? 'yes' : 'no'}. ${CONNECTIONS} connections, ${ROUNDS} pairs of ${DURATION} s rounds alternating with the baseline after a ${WARMUP} s warm-up, medians.`,
  );
  console.log(
    '| scenario | req/s | % of baseline (spread) | CPU ms/req main (process) | CPU vs baseline | p50 ms | p99 ms | errors | RSS MB |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const f of figures) {
    const ratio =
      f.kind === 'baseline'
        ? '100'
        : Number.isNaN(f.vsBaseline)
          ? '—'
          : `${fmt(f.vsBaseline * 100, 1)} (${fmt(f.spread[0] * 100, 1)}–${fmt(f.spread[1] * 100, 1)})`;
    console.log(
      `| ${f.name} | ${fmt(f.rps)} | ${ratio} | ${fmt(f.cpuMsPerRequest, 3)} (${fmt(f.processCpuMsPerRequest, 3)}) | ${f.kind === 'baseline' ? '100' : fmt(f.cpuVsBaseline * 100, 1)} | ${f.p50} | ${f.p99} | ${f.errors} | ${fmt(f.rssBeforeMb)} → ${fmt(f.rssAfterMb)} |`,
    );
  }
  if (soakResult) {
    console.log(
      `\nSoak: ${soakResult.requests} mixed requests in ${fmt(soakResult.seconds)} s, ${soakResult.errors} errors; RSS after forced GC ${fmt(soakResult.rssBeforeMb, 1)} → ${fmt(soakResult.rssAfterMb, 1)} MB (growth ${fmt(soakResult.growthMb, 1)} MB).`,
    );
  }
  console.log('\n| target | measured | met |');
  console.log('|---|---|---|');
  for (const t of targets)
    console.log(
      `| ${t.target} | ${t.value === undefined ? 'not run' : fmt(t.value, 3)} | ${t.met === null ? '—' : t.met ? 'yes' : 'no'} |`,
    );

  // What the stack leaves: a floor's ratio bounds its scenario's target; Gatehouse's own work is the rest.
  for (const [floorName, mineName] of [
    [FLOOR_SCALARS, 'graphql users(first:20) scalars'],
    [FLOOR_VIEWER, 'graphql viewer'],
  ]) {
    const floor = find(floorName);
    const mine = find(mineName);
    if (!floor || !mine) continue;
    console.log(
      `\n${floorName}: ${pct(floor.vsBaseline)} of the baseline's req/s (CPU ${pct(floor.cpuVsBaseline)}); ` +
        `${mineName} ran at ${pct(mine.vsBaseline / floor.vsBaseline)} of the floor's req/s, ` +
        `${fmt(mine.cpuMsPerRequest, 3)} against ${fmt(floor.cpuMsPerRequest, 3)} ms of main-thread CPU per request.`,
    );
  }

  const file = SMOKE ? `smoke-${kind}.json` : ONLY ? `partial-${kind}.json` : kind === 'sqlite' ? 'latest.json' : `latest-${kind}.json`;
  const previous = SMOKE || ONLY ? null : previousRun(file);
  if (previous) {
    // Two consecutive full runs should agree within ±10% on every ratio.
    console.log('\n| scenario | % of baseline, previous run | this run | change |');
    console.log('|---|---|---|---|');
    for (const f of figures) {
      const p = previous.figures.find((x) => x.name === f.name);
      if (!p || f.kind === 'baseline' || Number.isNaN(f.vsBaseline) || p.vsBaseline == null) continue;
      const change = f.vsBaseline / p.vsBaseline - 1;
      console.log(
        `| ${f.name} | ${fmt(p.vsBaseline * 100, 1)} | ${fmt(f.vsBaseline * 100, 1)} | ${signed(change)}${Math.abs(change) > 0.1 ? ' (over ±10%)' : ''} |`,
      );
    }
    // The baseline's own CPU time per request, alone, tells how fast the host ran. A slower host slows
    // Gatehouse's larger code and heap more than the baseline's few lines: the ratios then move together.
    const pb = previous.figures.find((x) => x.kind === 'baseline');
    const tb = figures.find((x) => x.kind === 'baseline');
    if (pb && tb) {
      const change = tb.processCpuMsPerRequest / pb.processCpuMsPerRequest - 1;
      console.log(
        `\nThe host's speed: the baseline's CPU per request alone was ${fmt(pb.processCpuMsPerRequest, 3)} ms in the previous run, ${fmt(tb.processCpuMsPerRequest, 3)} ms in this one (${signed(change)}).`,
      );
    }
  }

  const out = {
    date: new Date().toISOString(),
    machine,
    database: kind,
    settings: { pinned: PIN, connections: CONNECTIONS, rounds: ROUNDS, durationSeconds: DURATION, warmupSeconds: WARMUP, smoke: SMOKE },
    dataset: { ...FULL, seedMs, keysetUsers: KEYSET_USERS, keysetSeedMs: ks?.seedMs ?? null },
    figures,
    soak: soakResult,
    targets,
    totalSeconds: (Date.now() - startedAt) / 1000,
  };
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  // Only a full run replaces latest*.json (the one before it is kept as previous-*.json, not committed).
  if (previous) copyFileSync(join(ROOT, 'bench/results', file), join(ROOT, 'bench/results', `previous-${file}`));
  writeFileSync(join(ROOT, 'bench/results', file), JSON.stringify(out, null, 2) + '\n');
  console.log(`\nwritten bench/results/${file} (${fmt(out.totalSeconds)} s)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
