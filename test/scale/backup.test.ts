/**
 * `gatehouse backup FILE` taken under write load and `gatehouse restore FILE` into a new database: the
 * restored server holds exactly the source as it was at one instant (SQLite and PostgreSQL).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import sqlite3 from 'sqlite3';
import { scratchPostgres } from '../helpers/app';
import { ensureBuilt, gqlAt, loginAt, PG_BASE, startInstance } from './harness';

jest.setTimeout(120_000);
const exec = promisify(execFile);
const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');
const TABLES: Array<[string, string]> = [
  ['users', 'id'],
  ['roles', 'id'],
  ['user_roles', 'user_id, role_id'],
  ['invites', 'id'],
  ['reports', 'id'],
  ['audit_entries', 'id'],
  ['settings', 'id'],
  ['kv_entries', 'key'],
];

async function dump(url: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  if (url.startsWith('sqlite:')) {
    const db = new sqlite3.Database(url.slice(7), sqlite3.OPEN_READONLY);
    for (const [t, key] of TABLES) {
      const rows = await new Promise<any[]>((res, rej) => db.all(`select * from ${t} order by ${key}`, (e, r) => (e ? rej(e) : res(r))));
      out[t] = rows.map((r) => JSON.stringify(r));
    }
    await new Promise<void>((r) => db.close(() => r()));
  } else {
    const c = new Client({ connectionString: url });
    await c.connect();
    for (const [t, key] of TABLES) out[t] = (await c.query(`select * from ${t} order by ${key}`)).rows.map((r) => JSON.stringify(r));
    await c.end();
  }
  return out;
}

const cli = (args: string[], databaseUrl: string) =>
  exec(process.execPath, [MAIN, ...args], { env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' } });

async function roundTrip(kind: 'sqlite' | 'postgresql') {
  const dir = mkdtempSync(join(tmpdir(), 'gh-backup-'));
  const source = kind === 'postgresql' ? await scratchPostgres(PG_BASE) : null;
  const target = kind === 'postgresql' ? await scratchPostgres(PG_BASE) : null;
  const sourceUrl = source ? source.url : `sqlite:${join(dir, 'source.db')}`;
  const targetUrl = target ? target.url : `sqlite:${join(dir, 'target.db')}`;
  const file = join(dir, kind === 'postgresql' ? 'backup.dump' : 'backup.db');
  try {
    const server = await startInstance({ name: 'source', databaseUrl: sourceUrl, env: { GATEHOUSE_ADMIN: 'root:root-password-1' } });
    const root = await loginAt(server.url, 'root', 'root-password-1');
    await gqlAt(
      server.url,
      'mutation { patchSettings(patch: {instanceName: "Backed up", rateLimits: {kv: {perAddress: 1000000, windowSeconds: 60}}}) { restartRequired } }',
      {},
      root,
    );
    let writing = true;
    let acked = 0;
    const load = Promise.all(
      Array.from({ length: 4 }, async (_, lane) => {
        for (let i = 0; writing; i++) {
          const r =
            lane === 0
              ? await gqlAt(server.url, 'mutation($k: String!) { kvSet(key: $k, value: 1) { key } }', { k: `load:${i}` }, root)
              : lane === 1
                ? await gqlAt(server.url, 'mutation { createInvite(input: {maxUses: 2}) { token } }', {}, root)
                : await gqlAt(
                    server.url,
                    'mutation($i: [CreateUserInput!]!) { createUsers(inputs: $i) { id } }',
                    { i: [{ username: `l${lane}n${i}a` }, { username: `l${lane}n${i}b` }] },
                    root,
                  );
          if (r.errors) throw new Error(JSON.stringify(r.errors));
          acked++;
        }
      }),
    );
    await new Promise((r) => setTimeout(r, 400));
    const before = acked;
    await cli(['backup', file], sourceUrl);
    await new Promise((r) => setTimeout(r, 300));
    writing = false;
    await load;
    await server.stop();
    await expect(cli(['backup', file], sourceUrl)).rejects.toMatchObject({ stderr: expect.stringContaining('exists') });

    await cli(['restore', file], targetUrl);
    const [src, dst] = await Promise.all([dump(sourceUrl), dump(targetUrl)]);
    // Taken under load: the backup holds some of the load and not what came after it.
    expect(dst.audit_entries.length).toBeGreaterThan(before > 0 ? 3 : 0);
    expect(dst.audit_entries.length).toBeLessThan(src.audit_entries.length);
    // SQLite commits one writer at a time, in id order: the restored audit log is a prefix of the source's.
    // On PostgreSQL ids are drawn before commit, so a snapshot may hold id 101 without 100; there the
    // checks below (every row the source's, and each change with its audit entry) carry the proof.
    if (kind === 'sqlite') expect(dst.audit_entries).toEqual(src.audit_entries.slice(0, dst.audit_entries.length));
    // Every other table: each restored row is the source's row, unchanged, and only rows that existed at that instant.
    for (const [t] of TABLES) {
      const inSource = new Set(src[t]);
      for (const row of dst[t]) expect(inSource.has(row)).toBe(true);
    }
    const count = (action: string) => dst.audit_entries.filter((r) => JSON.parse(r).action === action).length;
    expect(dst.kv_entries.length).toBe(count('kv.set'));
    expect(dst.invites.length).toBe(count('invite.create'));
    const created = dst.audit_entries.map((r) => JSON.parse(r)).filter((e) => e.action === 'user.create');
    const subjects = (e: { subjects: unknown }) => (typeof e.subjects === 'string' ? JSON.parse(e.subjects) : e.subjects) as unknown[];
    const userSubjects = (e: { subjects: unknown }) => subjects(e).filter((s) => (s as { type: string }).type === 'user').length;
    expect(dst.users.length).toBe(created.reduce((n, e) => n + userSubjects(e), 0));
    expect(dst.roles).toEqual(src.roles);
    expect(dst.settings).toEqual(src.settings);

    // A server on the restored database works: root signs in and sees the restored users.
    const restored = await startInstance({ name: 'restored', databaseUrl: targetUrl });
    try {
      const token = await loginAt(restored.url, 'root', 'root-password-1');
      const users = await gqlAt(restored.url, '{ users(first: 1) { totalCount } serverInfo { instanceName } }', {}, token);
      expect(users.data).toEqual({ users: { totalCount: dst.users.length }, serverInfo: { instanceName: 'Backed up' } });
    } finally {
      await restored.stop();
    }
    console.log(
      `${kind}: backup under load held ${dst.audit_entries.length} of ${src.audit_entries.length} audit entries (${acked} writes acknowledged in all)`,
    );
  } finally {
    await source?.drop();
    await target?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('gatehouse backup and restore', () => {
  beforeAll(() => ensureBuilt());

  it('SQLite: VACUUM INTO under write load restores the source as it was at one instant', async () => {
    await roundTrip('sqlite');
  });

  it('PostgreSQL: pg_dump under write load, pg_restore into a new database, restores the source at one instant', async () => {
    await roundTrip('postgresql');
  });

  it('restore refuses a file that is not a database, and leaves the target as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-backup-'));
    try {
      const bogus = join(dir, 'bogus.db');
      require('node:fs').writeFileSync(bogus, 'not a database at all');
      const target = `sqlite:${join(dir, 'target.db')}`;
      await cli(['migrate'], target);
      const before = await dump(target);
      await expect(cli(['restore', bogus], target)).rejects.toMatchObject({
        stderr: expect.stringMatching(/not a SQLite database|integrity/),
      });
      expect(await dump(target)).toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
