/**
 * The benchmark suite: a node:http + one prepared statement baseline and Gatehouse on the same seeded
 * database, measured in one run with autocannon; every figure is also a ratio to the baseline.
 *   npm run bench   (BENCH_DURATION seconds per round, default 4; BENCH_ROUNDS, default 3;
 *                    BENCH_SOAK requests, default 200000; BENCH_KEYSET_USERS, default 100000;
 *                    BENCH_ONLY=name,name to run some scenarios; BENCH_SMOKE=1 for a short check)
 */
import 'reflect-metadata';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { print } from 'graphql';
import { encodeCursor } from '../src/graphql/pagination';
import { PleromaUsersDocument } from '../src/rest/operations/__generated__/operations';
import { PLEROMA_ROWS } from '../src/rest/pleroma/routes';
import { build, graphql, median, ROOT, startServer, type Server } from './lib';
import { FULL, seedDataset } from './seed';

const SMOKE = process.env.BENCH_SMOKE === '1';
const DURATION = Number(process.env.BENCH_DURATION ?? (SMOKE ? 1 : 4));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (SMOKE ? 1 : 3));
const WARMUP = SMOKE ? 1 : 2;
const CONNECTIONS = 50;
const SOAK = Number(process.env.BENCH_SOAK ?? (SMOKE ? 2_000 : 200_000));
const KEYSET_USERS = Number(process.env.BENCH_KEYSET_USERS ?? (SMOKE ? 10_000 : 100_000));
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : null;

interface Request {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

interface Scenario {
  name: string;
  /** read scenarios carry the p99 < 50 ms target */
  kind: 'baseline' | 'read' | 'write' | 'login';
  request: Request;
  /** the answer every request must contain (a wrong answer would measure the wrong thing) */
  expect: (body: any) => boolean;
  connections?: number;
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
  vsBaseline: number;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

const gqlBody = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });
const hasErrors = (buf: Buffer) => buf.includes('"errors"') || buf.includes('"error"') || buf.includes('"errcode"');

/** One autocannon run; errors are transport errors, non-2xx answers and error bodies. */
async function loadOnce(url: string, r: Request, duration: number, connections = CONNECTIONS) {
  let bodyErrors = 0;
  const res = await autocannon({
    url: url + r.path,
    method: r.method,
    connections,
    duration,
    headers: { ...(r.body ? { 'content-type': 'application/json' } : {}), ...r.headers },
    body: r.body,
    setupClient(client) {
      client.on('body', (buf: Buffer) => {
        if (hasErrors(buf)) bodyErrors++;
      });
    },
  });
  return {
    rps: res.requests.average,
    p50: res.latency.p50,
    p99: res.latency.p99,
    errors: res.errors + res.timeouts + res.non2xx + bodyErrors,
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

/** Warm-up, then ROUNDS rounds; the median of each figure. */
async function measure(server: { url: string; pid: number }, s: Scenario, baselineRps: number): Promise<Figure> {
  await check(server.url, s);
  const rssBeforeMb = rssMb(server.pid);
  await loadOnce(server.url, s.request, WARMUP, s.connections);
  const rounds = [];
  for (let i = 0; i < ROUNDS; i++) rounds.push(await loadOnce(server.url, s.request, DURATION, s.connections));
  const rps = median(rounds.map((r) => r.rps));
  const figure: Figure = {
    name: s.name,
    kind: s.kind,
    rps,
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    errors: rounds.reduce((a, r) => a + r.errors, 0),
    rssBeforeMb,
    rssAfterMb: rssMb(server.pid),
    // NaN: a different request from the baseline's (the keyset pages list 50 users).
    vsBaseline: baselineRps > 0 ? rps / baselineRps : Number.NaN,
  };
  console.log(
    `  ${s.name}: ${rps.toFixed(0)} req/s, p50 ${figure.p50} ms, p99 ${figure.p99} ms, errors ${figure.errors}, ` +
      `RSS ${rssBeforeMb.toFixed(0)}→${figure.rssAfterMb.toFixed(0)} MB` +
      (Number.isNaN(figure.vsBaseline) ? '' : `, ${(figure.vsBaseline * 100).toFixed(1)}% of baseline`),
  );
  return figure;
}

async function startBaseline(dbFile: string, port: number) {
  const child = fork(join(__dirname, 'baseline-server.ts'), [dbFile, String(port)], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await once(child, 'message');
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
        body: gqlBody('query Users { users(first: 20) { nodes { id username createdAt } } }'),
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
      request: { method: 'POST', path: '/graphql', headers: auth, body: gqlBody('query Viewer { viewer { id username privileges } }') },
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
    { method: 'POST' as const, path: '/graphql', headers: auth, body: gqlBody('query Viewer { viewer { id username privileges } }') },
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
async function keyset(dbFile: string): Promise<{ seedMs: number; first: Figure; deep: Figure }> {
  const seedMs = await seedDataset(dbFile, { users: KEYSET_USERS, groups: 0, invites: 0, reports: 0, auditEntries: 0 });
  console.log(`seeded ${KEYSET_USERS} users for the keyset scenario in ${seedMs} ms`);
  const server = await startServer({ DATABASE_URL: `sqlite:${dbFile}`, GATEHOUSE_ADMIN: 'bench:bench-password-1' }, 4712);
  try {
    const token = await signIn(server.url);
    const auth = { authorization: `Bearer ${token}` };
    const q = 'query Page($after: String) { users(first: 50, after: $after) { nodes { id username createdAt } } }';
    const lastPage = KEYSET_USERS / 50;
    const target = { url: server.url, pid: server.child.pid! };
    const first = await measure(
      target,
      {
        name: 'keyset page 1 (50 users)',
        kind: 'read',
        request: { method: 'POST', path: '/graphql', headers: auth, body: gqlBody(q) },
        expect: (b) => b?.data?.users?.nodes?.length === 50,
      },
      0,
    );
    const deep = await measure(
      target,
      {
        name: `keyset page ${lastPage.toLocaleString('en')} of ${KEYSET_USERS.toLocaleString('en')}`,
        kind: 'read',
        request: { method: 'POST', path: '/graphql', headers: auth, body: gqlBody(q, { after: encodeCursor((lastPage - 1) * 50) }) },
        expect: (b) => b?.data?.users?.nodes?.length === 50,
      },
      0,
    );
    return { seedMs, first, deep };
  } finally {
    await server.stop();
  }
}

const fmt = (n: number, digits = 0) => n.toFixed(digits);

async function main() {
  const startedAt = Date.now();
  build();
  const dbFile = join(tmpdir(), `gatehouse-bench-${process.pid}.db`);
  const seedMs = await seedDataset(dbFile, FULL);
  console.log(
    `seeded ${FULL.users} users (roles, 2 groups each), ${FULL.groups} groups, ${FULL.invites} invites, ${FULL.reports} reports with 2 notes each, ${FULL.auditEntries} audit entries in ${seedMs} ms`,
  );

  // The baseline first, on the same file, alone on the machine.
  const baseline = await startBaseline(dbFile, 4710);
  let base: Figure;
  try {
    base = await measure(
      baseline,
      {
        name: 'baseline node:http + prepared statement (20 users)',
        kind: 'baseline',
        request: { method: 'POST', path: '/', body: '{}' },
        expect: (b) => b?.data?.users?.nodes?.length === 20,
      },
      0,
    );
    base.vsBaseline = 1;
    base.kind = 'baseline';
  } finally {
    await baseline.stop();
  }

  const server = await startServer({ DATABASE_URL: `sqlite:${dbFile}`, GATEHOUSE_ADMIN: 'bench:bench-password-1' }, 4711, ['--expose-gc']);
  const figures: Figure[] = [base];
  let soakResult: Awaited<ReturnType<typeof soak>> | null = null;
  try {
    const token = await signIn(server.url);
    // One warm-up over every read scenario first: the JIT then treats the first measured scenario
    // like the later ones (the baseline's few lines warm up within its own warm-up).
    for (const s of scenarios(token).filter((x) => x.kind === 'read')) await loadOnce(server.url, s.request, WARMUP);
    for (const s of scenarios(token)) {
      if (ONLY && !ONLY.has(s.name) && ![...ONLY].some((o) => s.name.includes(o))) continue;
      figures.push(await measure({ url: server.url, pid: server.child.pid! }, s, base.rps));
    }
    if (!ONLY || ONLY.has('soak')) {
      soakResult = await soak(server, token);
      console.log(
        `  soak: ${soakResult.requests} requests in ${fmt(soakResult.seconds)} s, errors ${soakResult.errors}, RSS after GC ${fmt(soakResult.rssBeforeMb)} → ${fmt(soakResult.rssAfterMb)} MB`,
      );
    }
  } finally {
    await server.stop();
  }
  const ks = !ONLY || ONLY.has('keyset') ? await keyset(join(tmpdir(), `gatehouse-bench-keyset-${process.pid}.db`)) : null;
  if (ks) figures.push(ks.first, ks.deep);

  const find = (prefix: string) => figures.find((f) => f.name.startsWith(prefix));
  const plGql = find('graphql PleromaUsers');
  const plRest = find('pleroma GET');
  const targets = [
    {
      target: 'users(first:20) scalars ≥ 30% of baseline req/s',
      value: find('graphql users(first:20) scalars')?.vsBaseline,
      limit: 0.3,
      higher: true,
    },
    {
      target: 'users(first:20) + roles, groups ≥ 20% of baseline req/s',
      value: find('graphql users(first:20) + roles')?.vsBaseline,
      limit: 0.2,
      higher: true,
    },
    {
      target: 'Pleroma users list ≥ 90% of the equivalent GraphQL request',
      value: plGql && plRest ? plRest.rps / plGql.rps : undefined,
      limit: 0.9,
      higher: true,
    },
    {
      target: 'p99 < 50 ms for every read scenario (worst shown)',
      value: Math.max(...figures.filter((f) => f.kind === 'read').map((f) => f.p99)),
      limit: 50,
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
  console.log(`\nMachine: ${machine}. ${CONNECTIONS} connections, ${ROUNDS} × ${DURATION} s rounds after a ${WARMUP} s warm-up, medians.`);
  console.log('| scenario | req/s | % of baseline | p50 ms | p99 ms | errors | server RSS MB before → after |');
  console.log('|---|---|---|---|---|---|---|');
  for (const f of figures) {
    console.log(
      `| ${f.name} | ${fmt(f.rps)} | ${f.kind === 'baseline' ? '100' : Number.isNaN(f.vsBaseline) ? '—' : fmt(f.vsBaseline * 100, 1)} | ${f.p50} | ${f.p99} | ${f.errors} | ${fmt(f.rssBeforeMb)} → ${fmt(f.rssAfterMb)} |`,
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
      `| ${t.target} | ${t.value === undefined ? 'not run' : fmt(t.value, 2)} | ${t.met === null ? '—' : t.met ? 'yes' : 'no'} |`,
    );

  const out = {
    date: new Date().toISOString(),
    machine,
    settings: { connections: CONNECTIONS, rounds: ROUNDS, durationSeconds: DURATION, warmupSeconds: WARMUP, smoke: SMOKE },
    dataset: { ...FULL, seedMs, keysetUsers: KEYSET_USERS, keysetSeedMs: ks?.seedMs ?? null },
    figures,
    soak: soakResult,
    targets,
    totalSeconds: (Date.now() - startedAt) / 1000,
  };
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  // Only a full run replaces latest.json; smoke and partial runs write beside it (not committed).
  const file = SMOKE ? 'smoke.json' : ONLY ? 'partial.json' : 'latest.json';
  writeFileSync(join(ROOT, 'bench/results', file), JSON.stringify(out, null, 2) + '\n');
  console.log(`\nwritten bench/results/${file} (${fmt(out.totalSeconds)} s)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
