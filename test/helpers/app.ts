import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { print, type DocumentNode } from 'graphql';
import { Client } from 'pg';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { buildApp, type App, type BuildAppOptions } from '../../src/app';
import { loadConfig, type Config } from '../../src/config/config';

export interface TestApp {
  app: App;
  url: string;
  close(): Promise<void>;
}

/** Test configuration: in-memory SQLite, quiet logs, cheap argon2 (the real cost is for production). */
export function testConfig(env: Record<string, string> = {}, overrides: Partial<Config> = {}): Config {
  return loadConfig(
    { DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'silent', NODE_ENV: 'test', ...env },
    { argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 }, ...overrides },
  );
}

/**
 * With TEST_DATABASE_URL=postgres://…/db the suite runs on PostgreSQL instead: each test app gets a
 * database of its own, created from that server and dropped afterwards.
 */
export async function scratchPostgres(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `gh_test_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A real server on an ephemeral loopback port, over its own in-memory database. */
export async function startTestApp(
  env: Record<string, string> = {},
  overrides: Partial<Config> = {},
  appOptions: BuildAppOptions = {},
): Promise<TestApp> {
  const pgBase = process.env.TEST_DATABASE_URL;
  const pg = pgBase ? await scratchPostgres(pgBase) : null;
  const app = await buildApp(testConfig({ ...(pg ? { DATABASE_URL: pg.url } : {}), ...env }, overrides), { logger: false, ...appOptions });
  await app.server.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.server.address() as AddressInfo;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    async close() {
      await app.close();
      await pg?.drop();
    },
  };
}

export interface GqlError {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: Record<string, unknown> & { code?: string };
}

export interface GqlResponse<T> {
  status: number;
  data?: T | null;
  errors?: GqlError[];
}

/** POSTs one GraphQL operation over HTTP, as any client would. */
export async function gql<T = Record<string, any>, V = Record<string, unknown>>(
  t: TestApp,
  query: TypedDocumentNode<T, V> | DocumentNode | string,
  variables?: V,
  token?: string | null,
  headers: Record<string, string> = {},
): Promise<GqlResponse<T>> {
  const res = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify({ query: typeof query === 'string' ? query : print(query), variables }),
  });
  const body = (await res.json()) as { data?: T | null; errors?: GqlError[] };
  return { status: res.status, data: body.data, errors: body.errors };
}

/** The codes of a response's errors, for compact assertions. */
export function codes(res: GqlResponse<unknown>): string[] {
  return (res.errors ?? []).map((e) => String(e.extensions?.code));
}
