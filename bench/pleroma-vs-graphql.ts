/**
 * The Pleroma dialect's users list against the same operation sent to /graphql, side by side on one
 * seeded server: GET /api/v1/pleroma/admin/users?page_size=50 vs POST /graphql (PleromaUsers).
 *   npm run bench:pleroma   (BENCH_USERS, BENCH_DURATION, BENCH_ROUNDS)
 */
import 'reflect-metadata';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { print } from 'graphql';
import { PleromaUsersDocument } from '../src/rest/operations/__generated__/operations';
import { build, graphql, liftApiLimit, load, median, seedUsers, startServer, type LoadResult } from './lib';

const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const DURATION = Number(process.env.BENCH_DURATION ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

async function main() {
  build();
  const dbFile = join(tmpdir(), `gatehouse-bench-pleroma-${process.pid}.db`);
  console.log(`seeded ${USERS} users in ${await seedUsers(dbFile, USERS)} ms`);
  const server = await startServer({ DATABASE_URL: `sqlite:${dbFile}`, GATEHOUSE_ADMIN: 'bench:bench-password-1' }, 4703);
  try {
    const login = await graphql(server.url, 'mutation { login(username: "bench", password: "bench-password-1") { token } }', {});
    const token: string = login.data.login.token;
    await liftApiLimit(server.url, token);
    const headers = { authorization: `Bearer ${token}` };
    const gqlBody = JSON.stringify({ query: print(PleromaUsersDocument), variables: { filter: {}, first: 50, offset: 0 } });
    const restUrl = `${server.url}/api/v1/pleroma/admin/users?page_size=50`;
    // Same answer size both ways, checked before measuring.
    const viaRest = (await (await fetch(restUrl, { headers })).json()) as { users: unknown[] };
    const viaGql = await graphql(server.url, print(PleromaUsersDocument), { filter: {}, first: 50, offset: 0 }, token);
    if (viaRest.users.length !== 50 || viaGql.data.users.nodes.length !== 50) throw new Error('unexpected answers');

    const scenarios: Array<[string, () => Promise<LoadResult>]> = [
      [
        'POST /graphql (PleromaUsers, 50)',
        () => load('graphql', { url: `${server.url}/graphql`, body: gqlBody, headers, duration: DURATION }),
      ],
      ['GET pleroma /users?page_size=50', () => loadGet(restUrl, headers)],
    ];
    const rows: LoadResult[] = [];
    for (const [name, run] of scenarios) {
      await run(); // warm-up
      const rounds: LoadResult[] = [];
      for (let r = 0; r < ROUNDS; r++) rounds.push(await run());
      rows.push({
        name,
        rps: median(rounds.map((x) => x.rps)),
        p50: median(rounds.map((x) => x.p50)),
        p99: median(rounds.map((x) => x.p99)),
        errors: rounds.reduce((a, x) => a + x.errors, 0),
      });
    }
    console.log(`\n${USERS} users, 50 per page, 50 connections, ${ROUNDS}×${DURATION}s rounds (median)`);
    console.log('| scenario | req/s | p50 ms | p99 ms | errors | vs /graphql |');
    console.log('|---|---|---|---|---|---|');
    for (const r of rows)
      console.log(`| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.errors} | ${(r.rps / rows[0].rps).toFixed(2)} |`);
  } finally {
    await server.stop();
  }

  async function loadGet(url: string, headers: Record<string, string>): Promise<LoadResult> {
    const autocannon = (await import('autocannon')).default;
    const r = await autocannon({ url, method: 'GET', connections: 50, duration: DURATION, headers });
    return { name: 'rest', rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
