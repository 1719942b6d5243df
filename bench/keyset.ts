/**
 * Keyset paging stays flat: page 1 vs page 2,000 of 100,000 users (50 per page), through /graphql,
 * with the OFFSET form of page 2,000 beside them for contrast.
 *   npm run bench:keyset   (BENCH_USERS, BENCH_DURATION, BENCH_ROUNDS to change the defaults)
 */
import 'reflect-metadata';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeCursor } from '../src/graphql/pagination';
import { build, graphql, liftApiLimit, load, median, seedUsers, startServer, type LoadResult } from './lib';

const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const PAGE = 50;
const DURATION = Number(process.env.BENCH_DURATION ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const QUERY = `query($first: Int, $after: String, $offset: Int) {
  users(first: $first, after: $after, offset: $offset) { pageInfo { hasNextPage endCursor } nodes { id username createdAt } }
}`;

async function main() {
  build();
  const dbFile = join(tmpdir(), `gatehouse-bench-keyset-${process.pid}.db`);
  const seedMs = await seedUsers(dbFile, USERS);
  console.log(`seeded ${USERS} users in ${seedMs} ms`);

  const server = await startServer({ DATABASE_URL: `sqlite:${dbFile}`, GATEHOUSE_ADMIN: 'bench:bench-password-1' }, 4701);
  try {
    const login = await graphql(server.url, 'mutation { login(username: "bench", password: "bench-password-1") { token } }', {});
    const token: string = login.data.login.token;
    await liftApiLimit(server.url, token);
    // The admin was created after the seed, so it is the last id; page 2,000 starts after row 99,950.
    const lastPageAfter = encodeCursor((USERS / PAGE - 1) * PAGE);
    const variants = {
      'page 1 (keyset)': { first: PAGE },
      'page 2,000 (keyset after)': { first: PAGE, after: lastPageAfter },
      'page 2,000 (offset)': { first: PAGE, offset: (USERS / PAGE - 1) * PAGE },
    };
    for (const [name, variables] of Object.entries(variants)) {
      const check = await graphql(server.url, QUERY, variables, token);
      if (check.errors || check.data.users.nodes.length !== PAGE)
        throw new Error(`${name}: bad answer ${JSON.stringify(check).slice(0, 300)}`);
    }
    const rows: LoadResult[] = [];
    for (const [name, variables] of Object.entries(variants)) {
      const body = JSON.stringify({ query: QUERY, variables });
      const headers = { authorization: `Bearer ${token}` };
      await load(name, { url: `${server.url}/graphql`, body, headers, duration: 2 }); // warm-up
      const rounds: LoadResult[] = [];
      for (let r = 0; r < ROUNDS; r++) rounds.push(await load(name, { url: `${server.url}/graphql`, body, headers, duration: DURATION }));
      rows.push({
        name,
        rps: median(rounds.map((x) => x.rps)),
        p50: median(rounds.map((x) => x.p50)),
        p99: median(rounds.map((x) => x.p99)),
        errors: rounds.reduce((a, x) => a + x.errors, 0),
      });
    }
    const base = rows[0];
    console.log(`\n${USERS} users, ${PAGE} per page, 50 connections, ${ROUNDS}×${DURATION}s rounds (median)`);
    console.log('| scenario | req/s | p50 ms | p99 ms | errors | req/s vs page 1 | p50 vs page 1 |');
    console.log('|---|---|---|---|---|---|---|');
    for (const r of rows) {
      console.log(
        `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.errors} | ${(r.rps / base.rps).toFixed(2)} | ${(r.p50 / Math.max(1, base.p50)).toFixed(2)} |`,
      );
    }
  } finally {
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
