import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Environment variables Gatehouse reads; README "Configuration" documents each. */
const EnvSchema = z.object({
  NODE_ENV: z.string().default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  DATABASE_URL: z.string().min(1).default('sqlite:./data/gatehouse.db'),
  REDIS_URL: z.string().url().optional(),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, 'REDIS_PREFIX must be 1–32 letters, digits, _ or -')
    .default('gh'),
  GATEHOUSE_ADMIN: z.string().optional(),
  GATEHOUSE_MIGRATE: bool.default(true),
  CORS_ORIGINS: z.string().default(''),
  /** Origins the Pryv.io admin routes answer to (`*`: any, echoed, as upstream). */
  PRYV_CORS_ORIGINS: z.string().default('*'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(30 * 24 * 3600),
  LOGIN_MAX_ATTEMPTS_PER_USER: z.coerce.number().int().min(1).default(10),
  LOGIN_MAX_ATTEMPTS_PER_ADDRESS: z.coerce.number().int().min(1).default(100),
  LOGIN_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(15 * 60),
  ALLOW_PRIVILEGE_ESCALATION: bool.default(false),
  TRUST_PROXY: bool.default(false),
  HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters').optional(),
  MFA_ENCRYPTION_KEY: z.string().min(32, 'MFA_ENCRYPTION_KEY must be at least 32 characters').optional(),
  SOCKS_IDLE_SECONDS: z.coerce.number().int().min(5).default(300),
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must have at least 16 characters').optional(),
  METRICS_ALLOW: z.string().default('127.0.0.1,::1,::ffff:127.0.0.1'),
  EXPLORER: z.enum(['true', 'false']).optional(),
  GRAPHQL_EXECUTOR: z.enum(['compiled', 'graphql-js']).default('compiled'),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(60000).default(1000),
});

export type DatabaseConfig = { driver: 'sqlite'; dbName: string } | { driver: 'postgresql'; clientUrl: string };

export interface Config {
  production: boolean;
  host: string;
  port: number;
  database: DatabaseConfig;
  redisUrl?: string;
  /** Namespace of this deployment's keys in Redis (two deployments may share one Redis). */
  redisPrefix: string;
  admin?: { username: string; password: string };
  migrate: boolean;
  corsOrigins: string[];
  pryvCorsOrigins: string[];
  logLevel: string;
  tokenTtlSeconds: number;
  login: { maxPerUser: number; maxPerAddress: number; windowSeconds: number };
  /** Telodendria's looser rule: a GRANT_PRIVILEGES holder may grant privileges they do not hold. */
  allowPrivilegeEscalation: boolean;
  trustProxy: boolean;
  hashConcurrency: number;
  /** HS256 key for JWT sessions; absent = generated on first start and stored in the database. */
  jwtSecret?: string;
  /** Encrypts TOTP seeds at rest; absent = generated on first start and stored in the database. */
  mfaEncryptionKey?: string;
  /** A Socks WebSocket connection silent this long is closed. */
  socksIdleSeconds: number;
  /** On SIGTERM/SIGINT: how long to keep serving (health 503, Connection: close) before the listener closes. */
  shutdownGraceMs: number;
  /** GraphiQL at /explorer (default: on outside production). */
  explorer: boolean;
  /** Query operations compiled by graphql-jit where exactly equivalent (default), or every operation on graphql-js. */
  graphqlExecutor: 'compiled' | 'graphql-js';
  /** Who may read /metrics: the bearer token when set, else these client addresses. */
  metrics: { token?: string; allow: string[] };
  /** argon2id cost; lowered only by tests (never below OWASP outside them). */
  argon2: { memoryCost: number; timeCost: number; parallelism: number };
}

export class ConfigError extends Error {}

export function parseDatabaseUrl(url: string): DatabaseConfig {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (!path) throw new ConfigError('DATABASE_URL sqlite: needs a path or :memory:');
    return { driver: 'sqlite', dbName: path };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return { driver: 'postgresql', clientUrl: url };
  }
  throw new ConfigError('DATABASE_URL must start with sqlite: or postgres://');
}

/** Typed configuration from the environment, validated once at start; a bad value stops the process. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${issues}`);
  }
  const e = parsed.data;
  let admin: Config['admin'];
  if (e.GATEHOUSE_ADMIN) {
    const idx = e.GATEHOUSE_ADMIN.indexOf(':');
    if (idx <= 0 || idx === e.GATEHOUSE_ADMIN.length - 1) {
      throw new ConfigError('GATEHOUSE_ADMIN must be username:password');
    }
    admin = { username: e.GATEHOUSE_ADMIN.slice(0, idx), password: e.GATEHOUSE_ADMIN.slice(idx + 1) };
  }
  return {
    production: e.NODE_ENV === 'production',
    host: e.HOST,
    port: e.PORT,
    database: parseDatabaseUrl(e.DATABASE_URL),
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    admin,
    migrate: e.GATEHOUSE_MIGRATE,
    corsOrigins: e.CORS_ORIGINS.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    pryvCorsOrigins: e.PRYV_CORS_ORIGINS.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    logLevel: e.LOG_LEVEL,
    tokenTtlSeconds: e.TOKEN_TTL_SECONDS,
    login: {
      maxPerUser: e.LOGIN_MAX_ATTEMPTS_PER_USER,
      maxPerAddress: e.LOGIN_MAX_ATTEMPTS_PER_ADDRESS,
      windowSeconds: e.LOGIN_WINDOW_SECONDS,
    },
    allowPrivilegeEscalation: e.ALLOW_PRIVILEGE_ESCALATION,
    trustProxy: e.TRUST_PROXY,
    hashConcurrency: e.HASH_CONCURRENCY,
    jwtSecret: e.JWT_SECRET,
    mfaEncryptionKey: e.MFA_ENCRYPTION_KEY,
    socksIdleSeconds: e.SOCKS_IDLE_SECONDS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    explorer: e.EXPLORER === undefined ? e.NODE_ENV !== 'production' : e.EXPLORER === 'true',
    graphqlExecutor: e.GRAPHQL_EXECUTOR,
    metrics: {
      token: e.METRICS_TOKEN,
      allow: e.METRICS_ALLOW.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    },
    argon2: { memoryCost: 19456, timeCost: 2, parallelism: 1 },
    ...overrides,
  };
}
