import type { MikroORM } from '@mikro-orm/core';
import type { Db } from './db/db';
import type { FastifyBaseLogger } from 'fastify';
import type { PasswordHasher } from './auth/passwords';
import type { RateLimits } from './auth/rate-limits';
import type { Config } from './config/config';
import type { Lifecycle } from './modules/process/process.service';
import type { SettingsCache } from './modules/settings/settings.service';
import type { JwtSigner } from './auth/jwt';
import type { SecretBox } from './auth/secret-box';
import type { Metrics } from './observability/metrics';
import type { Context, RequestInfo } from './modules/context';

/** The request context, for the layers that run operations without building one themselves (REST rows, Socks). */
export type { Context, RequestInfo };

/** Process-wide singletons a request context borrows from. */
export interface AppDeps {
  config: Config;
  orm: MikroORM;
  db: Db;
  hasher: PasswordHasher;
  rateLimits: RateLimits;
  log: FastifyBaseLogger;
  lifecycle: Lifecycle;
  settingsCache: SettingsCache;
  jwt: JwtSigner;
  /** Seals and opens the TOTP seeds stored in the database. */
  secretBox: SecretBox;
  metrics: Metrics;
  /** Builds a request's context exactly as /graphql does (the REST runner's way to one, without importing the domain). */
  buildContext(req: RequestInfo): Promise<Context>;
}
