/**
 * Where one scenario's time goes: seeds the bench dataset, starts the server with `--cpu-prof`, loads
 * one GraphQL document for PROFILE_SECONDS (10) at 50 connections, stops the server and prints the
 * heaviest functions by self time (main thread), grouped by package.
 *   npx ts-node --transpile-only bench/profile.ts viewer|scalars|nested
 */
import 'reflect-metadata';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { build, graphql, scratchDatabase, startServer } from './lib';
import { FULL, seedDataset } from './seed';

const DOCUMENTS: Record<string, string> = {
  viewer: '{ viewer { id username privileges } }',
  scalars: '{ users(first: 20) { nodes { id username email createdAt active } } }',
  nested: '{ users(first: 20) { nodes { id username roles { name } groups { name } } } }',
};

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
}

function bucket(url: string): string {
  if (!url) return '(native/gc/idle)';
  const m = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (m) return m[1];
  if (url.includes('/dist/')) return 'gatehouse';
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  return url;
}

async function main() {
  const which = process.argv[2] ?? 'viewer';
  const query = DOCUMENTS[which];
  if (!query) throw new Error(`unknown scenario ${which}`);
  build();
  const dir = mkdtempSync(join(tmpdir(), 'gh-prof-'));
  const file = join(dir, 'bench.db');
  // BENCH_DATABASE_URL profiles on a scratch PostgreSQL database of that server instead of a SQLite file.
  const pg = process.env.BENCH_DATABASE_URL ? await scratchDatabase(process.env.BENCH_DATABASE_URL, 'gatehouse_bench_profile') : null;
  await seedDataset(pg ? { driver: 'postgresql', clientUrl: pg.url } : { driver: 'sqlite', dbName: file }, FULL);
  const server = await startServer({ DATABASE_URL: pg ? pg.url : `sqlite:${file}`, GATEHOUSE_ADMIN: 'bench:bench-password-1' }, 4719, [
    '--cpu-prof',
    `--cpu-prof-dir=${dir}`,
  ]);
  const login = await graphql(server.url, 'mutation { login(username: "bench", password: "bench-password-1") { token } }', {});
  const token: string = login.data.login.token;
  await graphql(
    server.url,
    'mutation($p: JSON!) { patchSettings(patch: $p) { restartRequired } }',
    { p: { rateLimits: { api: { perCaller: 1_000_000_000, windowSeconds: 1 } } } },
    token,
  );
  const result = await autocannon({
    url: `${server.url}/graphql`,
    method: 'POST',
    connections: 50,
    duration: Number(process.env.PROFILE_SECONDS ?? 10),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  console.log(`${which}: ${result.requests.average} req/s, p99 ${result.latency.p99} ms, errors ${result.errors + result.non2xx}`);
  await server.stop();
  await pg?.drop();
  const profile = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!profile) throw new Error('no profile written');
  const { nodes } = JSON.parse(readFileSync(join(dir, profile), 'utf8')) as { nodes: Node[] };
  const total = nodes.reduce((n, x) => n + x.hitCount, 0);
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const own = new Map<string, number>();
  for (const n of nodes) {
    const pkg = bucket(n.callFrame.url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + n.hitCount);
    const name = `${n.callFrame.functionName || '(anonymous)'} ${pkg === 'gatehouse' ? n.callFrame.url.split('/dist/')[1] : pkg}:${n.callFrame.lineNumber}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + n.hitCount);
    if (pkg === 'gatehouse') own.set(name, (own.get(name) ?? 0) + n.hitCount);
  }
  const top = (m: Map<string, number>, k: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([name, hits]) => `${((100 * hits) / total).toFixed(1).padStart(5)}%  ${name}`)
      .join('\n');
  console.log(
    `\nby package (self time):\n${top(byPackage, 25)}\n\nby function:\n${top(byFunction, 40)}\n\nGatehouse's own functions:\n${top(own, 20)}`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
