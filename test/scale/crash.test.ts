/**
 * `kill -9` of a real server during a burst of concurrent writes, ten rounds on SQLite and ten on
 * PostgreSQL: every acknowledged write is there after the restart, no batch is half-applied, every
 * change has exactly its audit entry, and SQLite's integrity check passes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import sqlite3 from 'sqlite3';
import { scratchPostgres } from '../helpers/app';
import { ensureBuilt, freePort, gqlAt, loginAt, PG_BASE, startInstance, type Instance } from './harness';

jest.setTimeout(240_000);

const ROUNDS = 10;
const BATCH = 5;

interface Sql {
  rows(text: string, params?: unknown[]): Promise<Array<Record<string, any>>>;
  close(): Promise<void>;
}

function sqliteSql(file: string): Sql {
  const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY);
  return {
    rows: (text, params = []) =>
      new Promise((resolve, reject) => db.all(text, params, (err, rows) => (err ? reject(err) : resolve(rows as any)))),
    close: () => new Promise((resolve) => db.close(() => resolve())),
  };
}

async function pgSql(url: string): Promise<Sql> {
  const c = new Client({ connectionString: url });
  await c.connect();
  return {
    rows: async (text, params = []) => {
      let i = 0;
      return (
        await c.query(
          text.replace(/\?/g, () => `$${++i}`),
          params,
        )
      ).rows;
    },
    close: () => c.end(),
  };
}

interface Acked {
  invites: string[];
  kv: Array<[string, number]>;
  userBatches: string[];
  attemptedBatches: string[];
  reportBatches: Array<{ ids: string[]; state: string }>;
  attemptedReportBatches: Array<{ ids: string[]; state: string }>;
}

/** Runs `writer` in `lanes` concurrent loops until the server stops answering. */
async function lanes(n: number, writer: (lane: number, i: number) => Promise<void>) {
  await Promise.all(
    Array.from({ length: n }, async (_, lane) => {
      for (let i = 0; ; i++) {
        try {
          await writer(lane, i);
        } catch {
          return; // the server is gone
        }
      }
    }),
  );
}

async function crashRounds(kind: 'sqlite' | 'postgresql') {
  const scratch = kind === 'postgresql' ? await scratchPostgres(PG_BASE) : null;
  const dir = kind === 'sqlite' ? mkdtempSync(join(tmpdir(), 'gh-crash-')) : null;
  const file = dir ? join(dir, 'gatehouse.db') : '';
  const databaseUrl = scratch ? scratch.url : `sqlite:${file}`;
  const port = await freePort();
  const start = () => startInstance({ name: kind, databaseUrl, port, env: { GATEHOUSE_ADMIN: 'root:root-password-1' } });
  let server: Instance = await start();
  const figures = { rounds: 0, acked: 0, found: 0, batchesSeen: 0 };
  try {
    const root = await loginAt(server.url, 'root', 'root-password-1');
    const limits = {
      kv: { perAddress: 1000000, windowSeconds: 60 },
      reports: { perUser: 1000000, windowSeconds: 60 },
      api: { perCaller: 1000000, windowSeconds: 60 },
    };
    await gqlAt(server.url, 'mutation($p: JSON!) { patchSettings(patch: $p) { restartRequired } }', { p: { rateLimits: limits } }, root);
    const made = await gqlAt(
      server.url,
      'mutation { createUsers(inputs: [{username: "reporter", password: "reporter-password-1"}, {username: "target"}]) { id username } }',
      {},
      root,
    );
    const targetId = made.data.createUsers[1].id as string;
    const reporter = await loginAt(server.url, 'reporter', 'reporter-password-1');

    for (let round = 0; round < ROUNDS; round++) {
      // Reports whose states the batches will change, in disjoint sets of three.
      const reportIds: string[] = [];
      for (let i = 0; i < 18; i++) {
        const r = await gqlAt(
          server.url,
          'mutation($a: ID!) { fileReport(input: {accountId: $a, comment: "crash"}) { id } }',
          { a: targetId },
          reporter,
        );
        reportIds.push(r.data.fileReport.id);
      }
      const acked: Acked = { invites: [], kv: [], userBatches: [], attemptedBatches: [], reportBatches: [], attemptedReportBatches: [] };
      const url = server.url;
      const burst = Promise.all([
        lanes(3, async (lane, i) => {
          const token = `crash-${round}-${lane}-${i}`;
          const r = await gqlAt(
            url,
            'mutation($t: String!) { createInvite(input: {token: $t, maxUses: 1}) { token } }',
            { t: token },
            root,
          );
          if (r.data?.createInvite) acked.invites.push(token);
        }),
        lanes(3, async (lane, i) => {
          const key = `crash:${round}:${lane}:${i}`;
          const r = await gqlAt(url, 'mutation($k: String!, $v: JSON) { kvSet(key: $k, value: $v) { key } }', { k: key, v: i }, root);
          if (r.data?.kvSet) acked.kv.push([key, i]);
        }),
        lanes(2, async (lane, i) => {
          const prefix = `b${round}x${lane}x${i}`;
          acked.attemptedBatches.push(prefix);
          // Without passwords: the batch is about rows and their audit entry, not hashing time.
          const inputs = Array.from({ length: BATCH }, (_, k) => ({ username: `${prefix}u${k}` }));
          const r = await gqlAt(url, 'mutation($i: [CreateUserInput!]!) { createUsers(inputs: $i) { id } }', { i: inputs }, root);
          if (r.data?.createUsers) acked.userBatches.push(prefix);
        }),
        lanes(2, async (lane, i) => {
          const slot = lane * 3 + (i % 3);
          if (i >= 3) throw new Error('three batches per lane and round');
          const ids = reportIds.slice(slot * 3, slot * 3 + 3);
          const state = i % 2 ? 'closed' : 'resolved';
          acked.attemptedReportBatches.push({ ids, state });
          const r = await gqlAt(
            url,
            'mutation($u: [ReportStateUpdate!]!) { setReportStates(updates: $u) { ok } }',
            { u: ids.map((id) => ({ id, state })) },
            root,
          );
          if (r.data?.setReportStates?.every((x: { ok: boolean }) => x.ok)) acked.reportBatches.push({ ids, state });
        }),
      ]);
      await new Promise((r) => setTimeout(r, 300 + Math.floor(Math.random() * 400)));
      server.proc.kill('SIGKILL');
      await server.exited;
      await burst;

      if (kind === 'sqlite') {
        const check = sqliteSql(file);
        const [row] = await check.rows('PRAGMA integrity_check');
        await check.close();
        expect(row.integrity_check).toBe('ok');
      }
      server = await start();
      const sql = kind === 'sqlite' ? sqliteSql(file) : await pgSql(databaseUrl);
      try {
        // Invites: every acknowledged one, and one audit entry per invite that exists.
        const invites = new Set((await sql.rows(`select token from invites where token like 'crash-%'`)).map((r) => r.token as string));
        for (const t of acked.invites) expect(invites.has(t)).toBe(true);
        const [inv] = await sql.rows(`select count(*) as n from audit_entries where action = 'invite.create'`);
        expect(Number(inv.n)).toBe(invites.size);
        // KV: every acknowledged value; one audit entry per key written (keys are never rewritten here).
        const kv = new Map(
          (await sql.rows(`select key, value from kv_entries where key like 'crash:%'`)).map((r) => [r.key as string, r.value]),
        );
        for (const [k, v] of acked.kv) expect(JSON.parse(String(kv.get(k)))).toBe(v);
        const [kva] = await sql.rows(`select count(*) as n from audit_entries where action = 'kv.set'`);
        expect(Number(kva.n)).toBe(kv.size);
        // Bulk user creation: each batch all or nothing, acknowledged ones all, one audit entry per batch.
        for (const prefix of acked.attemptedBatches) {
          const [n] = await sql.rows(`select count(*) as n from users where username like ?`, [`${prefix}u%`]);
          const count = Number(n.n);
          expect([0, BATCH]).toContain(count);
          if (acked.userBatches.includes(prefix)) expect(count).toBe(BATCH);
          const [a] = await sql.rows(`select count(*) as n from audit_entries where action = 'user.create' and message like ?`, [
            `% created @${prefix}u0,%`,
          ]);
          expect(Number(a.n)).toBe(count === BATCH ? 1 : 0);
          if (count === BATCH) figures.batchesSeen++;
        }
        // Report state batches: each all or nothing, acknowledged ones applied, one audit entry per change.
        for (const b of acked.attemptedReportBatches) {
          const states = (await sql.rows(`select id, state from reports where id in (?, ?, ?)`, b.ids.map(Number))).map(
            (r) => r.state as string,
          );
          expect(new Set(states).size).toBe(1);
          if (acked.reportBatches.some((x) => x.ids[0] === b.ids[0] && x.state === b.state)) expect(states[0]).toBe(b.state);
          for (const id of b.ids) {
            const [a] = await sql.rows(`select count(*) as n from audit_entries where action = 'report.update_state' and message like ?`, [
              `% set report #${id} to %`,
            ]);
            expect(Number(a.n)).toBe(states[0] === 'open' ? 0 : 1);
          }
        }
        figures.rounds++;
        figures.acked += acked.invites.length + acked.kv.length + acked.userBatches.length + acked.reportBatches.length;
        figures.found +=
          acked.invites.filter((t) => invites.has(t)).length +
          acked.kv.filter(([k]) => kv.has(k)).length +
          acked.userBatches.length +
          acked.reportBatches.length;
      } finally {
        await sql.close();
      }
    }
  } finally {
    await server.stop();
    if (kind === 'sqlite') {
      const check = sqliteSql(file);
      const [row] = await check.rows('PRAGMA integrity_check');
      await check.close();
      expect(row.integrity_check).toBe('ok');
    }
    await scratch?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `${kind}: ${figures.rounds} kill -9 rounds, ${figures.acked} acknowledged writes, ${figures.found} found after restart, ${figures.batchesSeen} whole user batches`,
  );
  expect(figures.found).toBe(figures.acked);
  expect(figures.acked).toBeGreaterThan(ROUNDS * 4);
}

describe('kill -9 during concurrent writes', () => {
  beforeAll(() => ensureBuilt());

  it('SQLite: ten rounds, every acknowledged write present, no half batch, each change with its audit entry, integrity_check ok', async () => {
    await crashRounds('sqlite');
  });

  it('PostgreSQL: ten rounds, every acknowledged write present, no half batch, each change with its audit entry', async () => {
    await crashRounds('postgresql');
  });
});
