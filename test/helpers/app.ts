import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { print, type DocumentNode } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { buildApp, type App } from '../../src/app';
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

/** A real server on an ephemeral loopback port, over its own in-memory database. */
export async function startTestApp(env: Record<string, string> = {}, overrides: Partial<Config> = {}): Promise<TestApp> {
  const app = await buildApp(testConfig(env, overrides), { logger: false });
  await app.server.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.server.address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
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
