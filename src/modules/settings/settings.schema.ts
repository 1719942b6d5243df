import { z } from 'zod';

/**
 * The one settings document, validated on every write. Telodendria's config, Pleroma's config and
 * Pryv's platform settings are views of it. Unknown keys are refused (a typo must not pass silently).
 */
export const SettingsSchema = z
  .object({
    instanceName: z.string().min(1).max(128),
    /** Matrix server name: user ids read @localpart:serverName. */
    serverName: z
      .string()
      .min(1)
      .max(255)
      .regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, 'must be a host name, optionally with :port'),
    /** Base URL used in links sent by email (registration). */
    publicUrl: z.string().url().max(2048),
    registration: z.object({ mode: z.enum(['open', 'invite', 'closed']) }).strict(),
    tokenLifetimeSeconds: z
      .number()
      .int()
      .min(60)
      .max(365 * 24 * 3600),
    privileges: z
      .object({
        /** Telodendria's looser GRANT_PRIVILEGES: grant what you do not hold (audited either way). */
        allowEscalation: z.boolean(),
      })
      .strict(),
    rateLimits: z
      .object({
        login: z
          .object({
            perUser: z.number().int().min(1).max(100000),
            perAddress: z.number().int().min(1).max(1000000),
            windowSeconds: z.number().int().min(1).max(86400),
          })
          .strict(),
        register: z.object({ perAddress: z.number().int().min(1), windowSeconds: z.number().int().min(1) }).strict(),
        reports: z.object({ perUser: z.number().int().min(1), windowSeconds: z.number().int().min(1) }).strict(),
        kv: z.object({ perAddress: z.number().int().min(1), windowSeconds: z.number().int().min(1) }).strict(),
        /** Every GraphQL operation (REST rows included), per signed-in user or else per address. */
        api: z.object({ perCaller: z.number().int().min(1), windowSeconds: z.number().int().min(1) }).strict(),
      })
      .strict(),
    smtp: z
      .object({
        host: z.string().max(255).nullable(),
        port: z.number().int().min(1).max(65535),
        secure: z.boolean(),
        user: z.string().max(255).nullable(),
        /** Write-only: reads answer null (with passwordSet). */
        password: z.string().max(1024).nullable(),
        from: z.string().min(3).max(320),
      })
      .strict(),
    /**
     * Pryv.io platform-settings groups that Gatehouse does not model, kept as the admin app wrote them
     * (`{name, description?, optional?, settings: {KEY: {value, description?}}}`) so they read back.
     */
    pryvGroups: z
      .record(
        z.string().regex(/^[A-Za-z0-9_]{1,64}$/, 'group names are 1–64 characters of A-Z a-z 0-9 _'),
        z
          .object({
            name: z.string().max(256).optional(),
            description: z.string().max(4096).optional(),
            optional: z.boolean().optional(),
            settings: z.record(
              z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, 'setting names are 1–128 characters of A-Z a-z 0-9 _ . -'),
              z.object({ value: z.unknown(), description: z.string().max(4096).optional() }).strict(),
            ),
          })
          .strict(),
      )
      .refine((groups) => JSON.stringify(groups).length <= 256 * 1024, 'the Pryv groups may hold at most 256 KiB of JSON'),
    /**
     * Telodendria config keys Gatehouse does not model (listen, log, federation, maxCache, runAs, pid,
     * identityServer, and any other), kept as a Telodendria tool wrote them so they read back.
     */
    telodendria: z
      .record(z.string().max(128), z.unknown())
      .refine((doc) => JSON.stringify(doc).length <= 64 * 1024, 'the Telodendria config may hold at most 64 KiB of JSON'),
  })
  .strict();

export type Settings = z.infer<typeof SettingsSchema>;

/** Keys whose change needs a restart before it takes full effect. */
export const RESTART_KEYS: ReadonlyArray<string> = ['serverName'];

/**
 * What the first settings document is seeded from (the environment, read by the wiring): a shape of its
 * own, so the domain does not depend on the configuration loader.
 */
export interface SettingsSeed {
  host: string;
  port: number;
  tokenTtlSeconds: number;
  allowPrivilegeEscalation: boolean;
  login: { maxPerUser: number; maxPerAddress: number; windowSeconds: number };
}

export function defaultSettings(config: SettingsSeed): Settings {
  return {
    instanceName: 'Gatehouse',
    serverName: 'localhost',
    publicUrl: `http://${config.host}:${config.port}`,
    registration: { mode: 'invite' },
    tokenLifetimeSeconds: config.tokenTtlSeconds,
    privileges: { allowEscalation: config.allowPrivilegeEscalation },
    rateLimits: {
      login: { perUser: config.login.maxPerUser, perAddress: config.login.maxPerAddress, windowSeconds: config.login.windowSeconds },
      register: { perAddress: 20, windowSeconds: 3600 },
      reports: { perUser: 30, windowSeconds: 3600 },
      kv: { perAddress: 120, windowSeconds: 60 },
      api: { perCaller: 1200, windowSeconds: 60 },
    },
    smtp: { host: null, port: 587, secure: false, user: null, password: null, from: 'gatehouse@localhost' },
    pryvGroups: {},
    telodendria: {},
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge: objects merge key by key, anything else (arrays included) replaces. */
export function deepMerge(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = deepMerge(base[k], v);
  return out;
}

/** Paths (a.b.c) whose values differ between two documents. */
export function changedPaths(a: unknown, b: unknown, prefix = ''): string[] {
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => changedPaths(a[k], b[k], prefix ? `${prefix}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix];
}

/** What a client may read: secrets are write-only. */
export function redact(s: Settings): Record<string, unknown> {
  return { ...s, smtp: { ...s.smtp, password: null, passwordSet: s.smtp.password != null } };
}
