import { BadInputError } from '../../errors/errors';

/**
 * Gatehouse's settings in Akkoma's `/config` formats, both ways, and their descriptions.
 *
 * admin-fe's Settings tabs look settings up by Akkoma's group and key, so the settings that have an
 * Akkoma counterpart appear there: `:pleroma, :instance` (`:name`, `:registrations_open`,
 * `:invites_enabled`, `:notify_email`) and `:pleroma, Pleroma.Emails.Mailer` (the SMTP server). Every
 * Gatehouse setting is also under the group `:gatehouse`, one key per top-level setting, objects encoded
 * as Akkoma keyword lists (`[{"tuple": [":key", value]}]`), which admin-fe's parser reads. Akkoma's other
 * groups do not exist here and are not described.
 */

type Json = unknown;
type Tuple = { tuple: [string, Json] };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isTupleList = (v: unknown): v is Tuple[] =>
  Array.isArray(v) &&
  v.length > 0 &&
  v.every((t) => isObject(t) && Array.isArray(t.tuple) && t.tuple.length === 2 && typeof t.tuple[0] === 'string');

/** A JSON object as an Akkoma keyword list (recursively); anything else as is. */
export function toKeyword(value: Json): Json {
  if (!isObject(value)) return value;
  return Object.entries(value).map(([k, v]) => ({ tuple: [`:${k}`, toKeyword(v)] }));
}

/** An Akkoma keyword list as a JSON object (recursively); anything else as is. */
export function fromKeyword(value: Json): Json {
  if (!isTupleList(value)) return value;
  return Object.fromEntries(value.map(({ tuple: [k, v] }) => [k.replace(/^:/, ''), fromKeyword(v)]));
}

interface SettingsDoc {
  instanceName?: string;
  registration?: { mode?: string };
  smtp?: { host?: string | null; port?: number; secure?: boolean; user?: string | null; passwordSet?: boolean; from?: string };
  [key: string]: unknown;
}

/** GET /config: the Akkoma-keyed entries admin-fe's tabs read, then every setting under `:gatehouse`. */
export function toPleromaConfigs(s: SettingsDoc) {
  const mode = s.registration?.mode;
  const instance = [
    { tuple: [':name', s.instanceName ?? ''] },
    { tuple: [':registrations_open', mode === 'open'] },
    { tuple: [':invites_enabled', mode === 'invite'] },
    { tuple: [':notify_email', s.smtp?.from ?? ''] },
  ];
  const smtp = s.smtp ?? {};
  const mailer = [
    { tuple: [':enabled', smtp.host != null] },
    { tuple: [':adapter', 'Swoosh.Adapters.SMTP'] },
    { tuple: [':relay', smtp.host ?? ''] },
    { tuple: [':port', smtp.port ?? 587] },
    { tuple: [':username', smtp.user ?? ''] },
    // Write-only: never sent back.
    { tuple: [':password', ''] },
    { tuple: [':ssl', smtp.secure ?? false] },
  ];
  const subkeys = (list: Array<{ tuple: unknown[] }>) => list.map((t) => t.tuple[0] as string);
  return [
    { group: ':pleroma', key: ':instance', value: instance, db: subkeys(instance) },
    { group: ':pleroma', key: 'Pleroma.Emails.Mailer', value: mailer, db: subkeys(mailer) },
    ...Object.entries(s).map(([key, value]) => ({ group: ':gatehouse', key: `:${key}`, value: toKeyword(value), db: [`:${key}`] })),
  ];
}

/** POST /config `configs` as one settings patch (validated whole by the settings service). */
export function fromPleromaConfigs(configs: unknown): Record<string, unknown> {
  if (!Array.isArray(configs) || configs.length === 0) throw new BadInputError('configs is required', 'configs');
  const patch: Record<string, any> = {};
  configs.forEach((c, i) => {
    const at = `configs[${i}]`;
    if (!isObject(c) || typeof c.group !== 'string' || typeof c.key !== 'string')
      throw new BadInputError(`${at} needs a group and a key`, at);
    if (c.delete === true) throw new BadInputError('Gatehouse settings cannot be deleted, only changed', `${at}.delete`);
    const value = fromKeyword(c.value);
    if (c.group === ':gatehouse' && c.key.startsWith(':')) {
      patch[c.key.slice(1)] = value;
      return;
    }
    if (c.group === ':pleroma' && c.key === ':instance' && isObject(value)) {
      for (const [k, v] of Object.entries(value)) {
        if (k === 'name') patch.instanceName = v;
        else if (k === 'notify_email') (patch.smtp ??= {}).from = v;
        // Akkoma's two switches: the settings service resolves them against the stored mode.
        else if (k === 'registrations_open') (patch.registration ??= {}).open = v;
        else if (k === 'invites_enabled') (patch.registration ??= {}).invites = v;
        else throw new BadInputError(`${at}: Gatehouse has no :instance setting :${k}`, `${at}.value`);
      }
      return;
    }
    if (c.group === ':pleroma' && c.key === 'Pleroma.Emails.Mailer' && isObject(value)) {
      const smtp: Record<string, unknown> = (patch.smtp ??= {});
      for (const [k, v] of Object.entries(value)) {
        if (k === 'enabled') {
          if (v === false) smtp.host = null;
        } else if (k === 'relay') smtp.host = v === '' ? null : v;
        else if (k === 'port') smtp.port = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
        else if (k === 'username') smtp.user = v === '' ? null : v;
        else if (k === 'password') {
          if (v !== '' && v != null) smtp.password = v;
        } else if (k === 'ssl') smtp.secure = v;
        else if (k !== 'adapter') throw new BadInputError(`${at}: Gatehouse has no mailer setting :${k}`, `${at}.value`);
      }
      return;
    }
    throw new BadInputError(`${at}: Gatehouse has no setting ${c.group} ${c.key}`, at);
  });
  return patch;
}

const child = (key: string, type: unknown, description: string, suggestions?: unknown[]) => ({
  key,
  type,
  description,
  ...(suggestions ? { suggestions } : {}),
});

/** GET /config/descriptions: the settings above, in Akkoma's description format. */
export function pleromaConfigDescriptions() {
  return [
    {
      group: ':pleroma',
      key: ':instance',
      label: 'Instance',
      type: 'group',
      description: "Instance-wide settings (those Gatehouse has: the rest of Akkoma's are not here)",
      children: [
        child(':name', 'string', 'Name of the instance', ['Gatehouse']),
        child(':registrations_open', 'boolean', 'Enable registrations for anyone. Invitations require this setting to be disabled.'),
        child(':invites_enabled', 'boolean', 'Enable user invitations for admins (depends on `registrations_open` being disabled)'),
        child(':notify_email', 'string', 'Envelope FROM address for mail sent via Pleroma.Emails.Mailer', ['notify@example.com']),
      ],
    },
    {
      group: ':pleroma',
      key: 'Pleroma.Emails.Mailer',
      label: 'Mailer',
      type: 'group',
      description: 'Mailer-related settings (SMTP only: without a relay, mail waits in the outbox)',
      children: [
        child(':enabled', 'boolean', 'Allow/disallow sending emails'),
        child(':adapter', 'module', 'One of the mail adapters listed in Swoosh documentation', ['Swoosh.Adapters.SMTP']),
        child(':relay', 'string', 'SMTP relay (e.g. smtp.gmail.com)', ['smtp.gmail.com']),
        child(':port', 'integer', 'SMTP port', [1025]),
        child(':username', 'string', 'SMTP AUTH username', ['pleroma']),
        child(':password', 'string', 'SMTP AUTH password (write-only: shown empty; empty keeps it)', ['password']),
        child(':ssl', 'boolean', 'Use Implicit SSL/TLS. e.g. port 465'),
      ],
    },
    {
      group: ':gatehouse',
      label: 'Gatehouse',
      type: 'group',
      description: "Gatehouse's settings document, one key per top-level setting",
      children: [
        child(':instanceName', 'string', 'The instance name shown to users and in emails'),
        child(':serverName', 'string', 'The Matrix server name: user ids read @localpart:serverName (needs a restart)'),
        child(':publicUrl', 'string', 'The base URL used in links sent by email'),
        child(':registration', 'keyword', 'Who may register', undefined),
        child(':tokenLifetimeSeconds', 'integer', 'Session token lifetime in seconds'),
        child(':privileges', 'keyword', 'allowEscalation: grant privileges one does not hold (audited)'),
        child(':rateLimits', 'keyword', 'Per-window budgets: login, register, reports, kv, api'),
        child(':smtp', 'keyword', 'SMTP server (password write-only)'),
        child(':pryvGroups', 'map', 'Pryv.io platform-settings groups Gatehouse keeps as written'),
      ],
    },
  ];
}
