import type { MikroORM } from '@mikro-orm/core';
import type { Db } from './db/db';
import type { FastifyBaseLogger } from 'fastify';
import type { PasswordHasher } from './auth/passwords';
import type { RateLimits } from './auth/rate-limits';
import type { Config } from './config/config';
import type { Lifecycle } from './modules/process/process.service';
import type { SettingsCache } from './modules/settings/settings.service';
import type { JwtSigner } from './auth/jwt';
import type { Metrics } from './observability/metrics';

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
  metrics: Metrics;
}
