/**
 * The stack's floor: two of the bench's documents served by the layers the product card fixes and
 * nothing of Gatehouse's own: Fastify 5, Apollo Server through its Fastify integration, a type-graphql
 * schema and graphql-js executing it. No authentication, permissions, rate limits, query limits,
 * metrics or CORS.
 * - The scalar list (`query Users { users(first: 20) { nodes { id username createdAt } } }`) runs the
 *   baseline's one prepared statement.
 * - The viewer (`query Viewer { viewer { id username privileges } }`) answers a constant: no database.
 * Their ratios to the baseline are the most any server on this stack can reach for those scenarios on
 * this host. Run as its own process by bench/run.ts:
 *   node -r ts-node/register/transpile-only bench/floor-server.ts <db file | postgres url> <port>
 */
import 'reflect-metadata';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import fastifyApollo from '@as-integrations/fastify';
import Fastify from 'fastify';
import { Client } from 'pg';
import sqlite3 from 'sqlite3';
import { Arg, buildSchema, Field, ID, Int, ObjectType, Query, Resolver } from 'type-graphql';

const [database, port] = process.argv.slice(2);
const SQL_SQLITE = 'SELECT id, username, created_at FROM users ORDER BY id LIMIT ?';
const SQL_PG = 'SELECT id, username, created_at FROM users ORDER BY id LIMIT $1';

interface Row {
  id: number;
  username: string;
  created_at: number | string | Date;
}

type Query = (first: number) => Promise<Row[]>;

async function openQuery(): Promise<Query> {
  if (database.startsWith('postgres')) {
    const client = new Client({ connectionString: database });
    await client.connect();
    return async (first) => (await client.query<Row>({ name: 'first-users', text: SQL_PG, values: [first] })).rows;
  }
  const db = new sqlite3.Database(database, sqlite3.OPEN_READONLY);
  const stmt = db.prepare(SQL_SQLITE);
  return (first) => new Promise((resolve, reject) => stmt.all<Row>([first], (err, rows) => (err ? reject(err) : resolve(rows))));
}

@ObjectType('User')
class FloorUser {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  username!: string;

  @Field(() => Date)
  createdAt!: Date;
}

@ObjectType('UserConnection')
class FloorUserPage {
  @Field(() => [FloorUser])
  nodes!: FloorUser[];
}

@ObjectType('Viewer')
class FloorViewer {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  username!: string;

  @Field(() => [String])
  privileges!: string[];
}

const VIEWER: FloorViewer = { id: '1', username: 'bench', privileges: ['ALL'] };

let query: Query;

@Resolver()
class FloorResolver {
  @Query(() => FloorUserPage)
  async users(@Arg('first', () => Int) first: number): Promise<FloorUserPage> {
    const rows = await query(first);
    return { nodes: rows.map((r) => ({ id: String(r.id), username: r.username, createdAt: new Date(r.created_at) })) };
  }

  @Query(() => FloorViewer)
  viewer(): FloorViewer {
    return VIEWER;
  }
}

async function main() {
  query = await openQuery();
  const schema = await buildSchema({ resolvers: [FloorResolver], validate: false });
  const apollo = new ApolloServer({
    schema,
    // The two defaults Gatehouse turns off as well: cache hints wrap every field resolver, and no landing page.
    plugins: [ApolloServerPluginCacheControlDisabled(), ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();
  const server = Fastify({ logger: false });
  await server.register(fastifyApollo(apollo));
  await server.listen({ port: Number(port), host: '127.0.0.1' });
  process.send?.('ready');
}

void main();
