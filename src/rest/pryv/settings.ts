import { BadInputError } from '../../errors/errors';

/**
 * Gatehouse's settings in Pryv.io's platform-settings shape, and back: groups of
 * `{name, description?, settings: {KEY: {value, description}}}` as `platform.yml`'s `vars`, the form the
 * admin app renders (a tab per group, a row per key) and sends back whole. Groups Gatehouse does not
 * model are kept as written (settings `pryvGroups`) so that they read back.
 */

interface Entry {
  /** Where the value lives in Gatehouse's settings document. */
  path: readonly string[];
  description: string;
  /** Shown as null and never written from a null (SMTP's password is write-only). */
  secret?: boolean;
}

interface Group {
  name: string;
  description: string;
  settings: Record<string, Entry>;
}

export const PRYV_SETTING_GROUPS: Record<string, Group> = {
  SERVICE_INFORMATION_SETTINGS: {
    name: 'Service information',
    description: 'How this Gatehouse names itself to users and in links.',
    settings: {
      INSTANCE_NAME: { path: ['instanceName'], description: 'The instance name shown to users and in emails.' },
      PUBLIC_URL: { path: ['publicUrl'], description: 'The base URL used in links sent by email (registration, password reset).' },
      SERVER_NAME: {
        path: ['serverName'],
        description: 'The Matrix server name: user ids read @localpart:SERVER_NAME. Changing it needs a restart.',
      },
    },
  },
  API_SETTINGS: {
    name: 'API settings',
    description: 'Registration and sessions.',
    settings: {
      REGISTRATION_MODE: {
        path: ['registration', 'mode'],
        description: 'Who may register: "open", "invite" (an invitation token is required) or "closed".',
      },
      TOKEN_LIFETIME_SECONDS: {
        path: ['tokenLifetimeSeconds'],
        description: 'How long a session token stays valid, in seconds (60 to one year).',
      },
      ALLOW_PRIVILEGE_ESCALATION: {
        path: ['privileges', 'allowEscalation'],
        description: 'When true, administrators may grant permissions they do not hold themselves (audited either way).',
      },
    },
  },
  ADVANCED_API_SETTINGS: {
    name: 'Advanced API settings',
    description: 'Rate limits.',
    settings: {
      RATE_LIMITS: {
        path: ['rateLimits'],
        description: 'Per-window budgets: login (perUser, perAddress, windowSeconds), register, reports, kv and api (perCaller).',
      },
    },
  },
  EMAIL_CONFIGURATION_SETTINGS: {
    name: 'Email configuration',
    description: 'The SMTP server that sends invitations and confirmations; without a host, messages wait in the outbox.',
    settings: {
      SMTP_HOST: { path: ['smtp', 'host'], description: 'SMTP host name, or null to keep messages in the outbox.' },
      SMTP_PORT: { path: ['smtp', 'port'], description: 'SMTP port.' },
      SMTP_SECURE: { path: ['smtp', 'secure'], description: 'true for TLS from the start (port 465), false for STARTTLS.' },
      SMTP_USER: { path: ['smtp', 'user'], description: 'SMTP user name, or null.' },
      SMTP_PASSWORD: {
        path: ['smtp', 'password'],
        description: 'SMTP password: write-only (shown as null; null keeps the stored one).',
        secret: true,
      },
      SMTP_FROM: { path: ['smtp', 'from'], description: 'The sender address of outgoing mail.' },
    },
  },
};

function at(doc: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), doc);
}

function put(target: Record<string, unknown>, path: readonly string[], value: unknown) {
  let o = target;
  for (const k of path.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  o[path[path.length - 1]] = value;
}

/** Gatehouse's (redacted) settings document as Pryv's `settings` map. */
export function toPryvSettings(settings: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, group] of Object.entries(PRYV_SETTING_GROUPS)) {
    out[key] = {
      name: group.name,
      description: group.description,
      settings: Object.fromEntries(
        Object.entries(group.settings).map(([name, e]) => [
          name,
          { value: e.secret ? null : (at(settings, e.path) ?? null), description: e.description },
        ]),
      ),
    };
  }
  const free = (settings.pryvGroups ?? {}) as Record<string, unknown>;
  for (const [key, group] of Object.entries(free)) if (!(key in out)) out[key] = group;
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A PUT body (a map of groups, as the app sends the whole document) as a settings patch. Known groups
 * set the keys they carry; other groups are kept as written. A group that is not `{settings: {…}}`, or
 * an unknown key in a known group, is refused before anything changes.
 */
export function fromPryvSettings(body: unknown): Record<string, unknown> {
  if (!isObject(body)) throw new BadInputError('Configuration format invalid', 'settings');
  const patch: Record<string, unknown> = {};
  const free: Record<string, unknown> = {};
  for (const [key, group] of Object.entries(body)) {
    if (!isObject(group) || !isObject(group.settings))
      throw new BadInputError(`Configuration format invalid: ${key} has no settings object.`, key);
    const known = PRYV_SETTING_GROUPS[key];
    if (!known) {
      free[key] = group;
      continue;
    }
    for (const [name, entry] of Object.entries(group.settings)) {
      const def = known.settings[name];
      if (!def) throw new BadInputError(`Configuration format invalid: unknown setting ${key}.${name}.`, `${key}.${name}`);
      const value = isObject(entry) && 'value' in entry ? entry.value : entry;
      if (def.secret && (value === null || value === undefined || value === '')) continue;
      put(patch, def.path, value);
    }
  }
  if (Object.keys(free).length > 0) patch.pryvGroups = free;
  return patch;
}
