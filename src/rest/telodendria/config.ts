import { BadInputError } from '../../errors/errors';

/**
 * Telodendria's config document on `/config`, mapped onto Gatehouse's settings: `serverName` is the
 * Matrix server name, `baseUrl` the public URL, `registration` (a boolean) open registration (false:
 * by registration token). The listen port reads as the port Gatehouse listens on. Every other key
 * (`listen`, `log`, `federation`, `maxCache`, `runAs`, `pid`, `identityServer`, unknown ones) is validated
 * against Telodendria's schema and kept as written (settings `telodendria`), so what a tool writes reads back.
 * Validation texts are Telodendria's (its generated schema code), first failure only.
 */

type Doc = Record<string, unknown>;

const isObject = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);
const fail = (message: string): never => {
  throw new BadInputError(message, 'config', { reason: 'BAD_JSON' });
};

const MAPPED = new Set(['serverName', 'baseUrl', 'registration']);
const LOG_OUTPUTS = ['stdout', 'file', 'syslog'];
const LOG_LEVELS = ['error', 'warning', 'notice', 'message', 'debug'];

function checkType(owner: string, key: string, value: unknown, type: 'string' | 'integer' | 'boolean' | 'object', typeName = type) {
  const ok = type === 'integer' ? Number.isInteger(value) : type === 'object' ? isObject(value) : typeof value === type;
  if (!ok) fail(`${owner}.${key} must be of type ${typeName}.`);
}

function checkListener(l: unknown) {
  if (!isObject(l)) return fail('Config.listen[] contains an invalid value.');
  if (l.port === undefined) fail('ConfigListener.port is required.');
  checkType('ConfigListener', 'port', l.port, 'integer');
  if (l.threads !== undefined) checkType('ConfigListener', 'threads', l.threads, 'integer');
  if (l.maxConnections !== undefined) checkType('ConfigListener', 'maxConnections', l.maxConnections, 'integer');
  if (l.tls !== undefined) {
    if (!isObject(l.tls)) fail('ConfigListener.tls must be of type ConfigTls.');
    const tls = l.tls as Doc;
    if (tls.cert === undefined) fail('ConfigTls.cert is required.');
    checkType('ConfigTls', 'cert', tls.cert, 'string');
    if (tls.key === undefined) fail('ConfigTls.key is required.');
    checkType('ConfigTls', 'key', tls.key, 'string');
  }
}

function checkLog(log: Doc, whole: boolean) {
  if (whole && log.output === undefined) fail('ConfigLogConfig.output is required.');
  if (log.output !== undefined && (typeof log.output !== 'string' || !LOG_OUTPUTS.includes(log.output)))
    fail('Invalid value for ConfigLogConfig.output.');
  if (log.level !== undefined && (typeof log.level !== 'string' || !LOG_LEVELS.includes(log.level)))
    fail('Invalid value for ConfigLogConfig.level.');
  if (log.timestampFormat !== undefined) checkType('ConfigLogConfig', 'timestampFormat', log.timestampFormat, 'string');
  if (log.color !== undefined) checkType('ConfigLogConfig', 'color', log.color, 'boolean');
}

/**
 * Checks a config document against Telodendria's schema. `whole`: a POST (every required key); else
 * a PUT body, whose objects merge into the stored ones (arrays replace, so listeners are checked whole).
 */
export function validateTelodendriaConfig(body: unknown, whole: boolean): Doc {
  if (!isObject(body)) return fail('Invalid object given as config.');
  const required = ['listen', 'log', 'serverName', 'federation', 'registration'];
  if (whole) for (const k of required) if (body[k] === undefined) fail(`Config.${k} is required.`);
  if (body.listen !== undefined) {
    if (!Array.isArray(body.listen)) fail('Config.listen must be of type [ConfigListener].');
    (body.listen as unknown[]).forEach(checkListener);
  }
  if (body.serverName !== undefined) checkType('Config', 'serverName', body.serverName, 'string');
  if (body.baseUrl !== undefined) checkType('Config', 'baseUrl', body.baseUrl, 'string');
  if (body.identityServer !== undefined) checkType('Config', 'identityServer', body.identityServer, 'string');
  if (body.pid !== undefined) checkType('Config', 'pid', body.pid, 'string');
  if (body.runAs !== undefined) {
    if (!isObject(body.runAs)) fail('Config.runAs must be of type ConfigRunAs.');
    const runAs = body.runAs as Doc;
    if (whole && runAs.gid === undefined) fail('ConfigRunAs.gid is required.');
    if (runAs.uid !== undefined) checkType('ConfigRunAs', 'uid', runAs.uid, 'string');
    if (runAs.gid !== undefined) checkType('ConfigRunAs', 'gid', runAs.gid, 'string');
  }
  if (body.log !== undefined) {
    if (!isObject(body.log)) fail('Config.log must be of type ConfigLogConfig.');
    checkLog(body.log as Doc, whole);
  }
  if (body.maxCache !== undefined) checkType('Config', 'maxCache', body.maxCache, 'integer');
  if (body.federation !== undefined) checkType('Config', 'federation', body.federation, 'boolean');
  if (body.registration !== undefined) checkType('Config', 'registration', body.registration, 'boolean');
  return body;
}

/**
 * The settings patch a Telodendria config body makes. POST applies it shallowly (the kept keys are
 * replaced as Telodendria stores the body as sent); PUT deep-merges it (objects merge, arrays replace).
 */
export function telodendriaPatch(body: Doc): Doc {
  const patch: Doc = {};
  if (typeof body.serverName === 'string') patch.serverName = body.serverName;
  if (typeof body.baseUrl === 'string') patch.publicUrl = body.baseUrl;
  if (typeof body.registration === 'boolean') patch.registration = { mode: body.registration ? 'open' : 'invite' };
  const kept = Object.fromEntries(Object.entries(body).filter(([k]) => !MAPPED.has(k)));
  patch.telodendria = kept;
  return patch;
}

/** The settings as Telodendria's config document: the kept keys, the mapped ones, first-boot defaults. */
export function toTelodendriaConfig(settings: Doc, port: number): Doc {
  const kept = (isObject(settings.telodendria) ? settings.telodendria : {}) as Doc;
  const listen = Array.isArray(kept.listen) && kept.listen.length > 0 ? kept.listen : [{ port, threads: 4, maxConnections: 32 }];
  const log = { output: 'stdout', level: 'message', color: false };
  return {
    maxCache: 0,
    federation: false,
    ...kept,
    // The first-boot log settings under what was written (a PUT of one log key keeps the others).
    log: isObject(kept.log) ? { ...log, ...kept.log } : log,
    // The first listener's port is the one Gatehouse listens on.
    listen: listen.map((l, i) => (i === 0 && isObject(l) ? { ...l, port } : l)),
    serverName: settings.serverName,
    baseUrl: settings.publicUrl,
    registration: (settings.registration as { mode?: string } | undefined)?.mode === 'open',
  };
}
