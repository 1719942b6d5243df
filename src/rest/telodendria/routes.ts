import { BadInputError } from '../../errors/errors';
import { ALL_PRIVILEGES } from '../../shared/privileges';
import * as ops from '../operations/__generated__/operations';
import { Answer, row, type RestRequest, type RouteRow } from '../route';
import { matrixError, privilegeRefusal } from './errors';
import { telodendriaPatch, toTelodendriaConfig, validateTelodendriaConfig } from './config';

const PRIVILEGE_NAMES: ReadonlySet<string> = new Set(ALL_PRIVILEGES);

/** The last millisecond a JavaScript Date can hold (year 275760). */
const MAX_DATE_MS = 8.64e15;

/** A body field that must be a list of privilege names; unknown names are ignored, as upstream does. */
function privilegeList(req: RestRequest): string[] {
  const v = req.body.privileges;
  // Telodendria's one text for a missing or non-array list.
  if (!Array.isArray(v)) throw new BadInputError("'privileges' is unset or not an array.", 'privileges', { reason: 'BAD_JSON' });
  // Unknown names and non-strings are ignored, as upstream does.
  return v.filter((p): p is string => typeof p === 'string' && PRIVILEGE_NAMES.has(p));
}

interface RegTokenFields {
  token: string | null;
  createdByUsername?: string | null;
  createdAt: string;
  expiresAt?: string | null;
  uses: number;
  maxUses?: number | null;
  grantPrivileges: string[];
}

/** Telodendria's RegToken: times in milliseconds (0 = never), `uses` -1 = unlimited. */
function regToken(t: RegTokenFields) {
  return {
    name: t.token,
    created_by: t.createdByUsername ?? null,
    created_on: new Date(t.createdAt).getTime(),
    expires_on: t.expiresAt ? new Date(t.expiresAt).getTime() : 0,
    used: t.uses,
    uses: t.maxUses ?? -1,
    grants: t.grantPrivileges,
  };
}

/** Telodendria's text for a user that does not exist (the status stays the spec's 404). */
const unknownUser = (e: { code: string }) => (e.code === 'NOT_FOUND' ? matrixError(404, 'M_NOT_FOUND', 'Unknown user.') : undefined);

function privilegeRows(withLocalpart: boolean): RouteRow[] {
  const path = withLocalpart ? '/privileges/:localpart' : '/privileges';
  const target = (req: RestRequest) => (withLocalpart ? req.params.localpart : undefined);
  const change = (method: 'POST' | 'PUT' | 'DELETE', mode: 'REPLACE' | 'ADD' | 'REMOVE') =>
    row({
      method,
      path,
      // Without a localpart the caller changes their own privileges.
      operation: ops.TelodendriaSetPrivilegesDocument,
      variables: (req: RestRequest) => ({ username: target(req), privileges: privilegeList(req) as never, mode }),
      serialize: (data) => ({ privileges: data.setUserPrivileges.privileges }),
      onError: unknownUser,
    });
  return [
    row({
      method: 'GET',
      path,
      operation: ops.TelodendriaPrivilegesDocument,
      variables: (req) => ({ ref: target(req) ?? null }),
      serialize: (data) => ({ privileges: data.userPrivileges }),
      onError: unknownUser,
    }),
    change('POST', 'REPLACE'),
    change('PUT', 'ADD'),
    change('DELETE', 'REMOVE'),
  ];
}

const ROWS: RouteRow[] = [
  ...privilegeRows(false),
  ...privilegeRows(true),
  row({
    method: 'GET',
    path: '/tokens',
    operation: ops.TelodendriaTokensDocument,
    variables: () => ({}),
    // A token the caller may not read (it grants more than they hold) is not theirs to list.
    serialize: (data) => ({
      tokens: [...data.invites.nodes]
        .reverse()
        .filter((t) => t.token != null)
        .map(regToken),
    }),
  }),
  row({
    method: 'GET',
    path: '/tokens/:name',
    operation: ops.TelodendriaTokenDocument,
    variables: (req) => ({ token: req.params.name }),
    serialize: (data) => regToken(data.invite!),
    onError: (e) => (e.code === 'NOT_FOUND' ? matrixError(404, 'M_NOT_FOUND', "Token doesn't exist.") : undefined),
  }),
  row({
    method: 'DELETE',
    path: '/tokens',
    operation: ops.TelodendriaTokensAllowedDocument,
    variables: () => ({}),
    serialize: () => new Answer(400, { errcode: 'M_INVALID_PARAM', error: 'No registration token given to DELETE /tokens/[token].' }),
  }),
  row({
    method: 'POST',
    path: '/tokens',
    operation: ops.TelodendriaCreateTokenDocument,
    variables: (req) => {
      const b = req.body;
      // Telodendria's generated type checks (RegTokenInfo), then its one refusal text.
      const typeError = (field: string, type: string) =>
        new BadInputError(`RegTokenInfo.${field} must be of type ${type}.`, field, { reason: 'BAD_JSON' });
      if (b.name !== undefined && typeof b.name !== 'string') throw typeError('name', 'string');
      if (b.uses !== undefined && !Number.isInteger(b.uses)) throw typeError('uses', 'integer');
      if (b.expires_on !== undefined && !Number.isInteger(b.expires_on)) throw typeError('expires_on', 'integer');
      if (b.grants !== undefined && !Array.isArray(b.grants)) throw typeError('grants', 'array');
      const cannot = () => new BadInputError('Cannot create token.', 'name');
      if (b.uses !== undefined && ((b.uses as number) < -1 || b.uses === 0)) throw cannot();
      // JavaScript dates end at 8.64e15 ms: a later one is no date at all.
      if (b.expires_on !== undefined && ((b.expires_on as number) < 0 || (b.expires_on as number) > MAX_DATE_MS)) throw cannot();
      if (typeof b.name === 'string' && !/^[A-Za-z0-9._~-]{1,64}$/.test(b.name)) throw cannot();
      const uses = b.uses as number | undefined;
      const expires = b.expires_on as number | undefined;
      return {
        input: {
          token: (b.name as string | undefined) ?? undefined,
          // An omitted `uses` means unlimited here (upstream makes such a token unusable at once).
          maxUses: uses === undefined || uses === -1 ? null : uses,
          expiresAt: expires ? new Date(expires).toISOString() : null,
          grants: {
            privileges: ((b.grants as unknown[] | undefined) ?? []).filter(
              (g): g is string => typeof g === 'string' && PRIVILEGE_NAMES.has(g),
            ) as never,
            roles: [],
          },
        },
      };
    },
    serialize: (data) => regToken(data.createInvite),
    // A taken name or a past expiry: Telodendria's one text.
    onError: (e) =>
      e.code === 'CONFLICT' || (e.code === 'BAD_USER_INPUT' && e.extensions.field === 'input.expiresAt')
        ? matrixError(400, 'M_INVALID_PARAM', 'Cannot create token.')
        : undefined,
  }),
  row({
    method: 'DELETE',
    path: '/tokens/:name',
    operation: ops.TelodendriaDeleteTokenDocument,
    variables: (req) => ({ token: req.params.name }),
    serialize: () => ({}),
    onError: (e) => (e.code === 'NOT_FOUND' ? matrixError(404, 'M_NOT_FOUND', "Token doesn't exist.") : undefined),
  }),
  row({
    method: 'GET',
    path: '/config',
    operation: ops.TelodendriaConfigDocument,
    variables: () => ({}),
    serialize: (data) => toTelodendriaConfig(data.settings.settings as Record<string, unknown>, data.serverInfo.port),
  }),
  // Telodendria answers restart_required: true to every write.
  row({
    method: 'POST',
    path: '/config',
    operation: ops.TelodendriaReplaceConfigDocument,
    variables: (req) => ({ patch: telodendriaPatch(validateTelodendriaConfig(req.body, true)) }),
    serialize: () => ({ restart_required: true }),
  }),
  row({
    method: 'PUT',
    path: '/config',
    operation: ops.TelodendriaPatchConfigDocument,
    variables: (req) => ({ patch: telodendriaPatch(validateTelodendriaConfig(req.body, false)) }),
    serialize: () => ({ restart_required: true }),
  }),
  row({
    method: 'GET',
    path: '/stats',
    operation: ops.TelodendriaStatsDocument,
    variables: () => ({}),
    // The JavaScript heap in use: what the process allocated, not its whole resident memory.
    serialize: (data) => ({ memory_allocated: data.processStats.memory.heapUsed, version: data.processStats.version }),
  }),
  row({ method: 'POST', path: '/restart', operation: ops.TelodendriaRestartDocument, variables: () => ({}), serialize: () => ({}) }),
  row({ method: 'POST', path: '/shutdown', operation: ops.TelodendriaShutdownDocument, variables: () => ({}), serialize: () => ({}) }),
  row({
    method: 'DELETE',
    path: '/deactivate/:localpart',
    operation: ops.TelodendriaDeactivateDocument,
    variables: (req) => {
      const reason = req.body.reason;
      if (reason !== undefined && typeof reason !== 'string')
        throw new BadInputError('reason must be a string.', 'reason', { reason: 'BAD_JSON' });
      return { username: req.params.localpart, reason: (reason as string | undefined) ?? 'Deactivated by admin' };
    },
    serialize: (data) => {
      const [u] = data.deactivateUsers;
      return { user: u.username, reason: u.deactivation?.reason ?? null, banned_by: u.deactivation?.by?.username ?? null };
    },
    onError: unknownUser,
  }),
  row({
    method: 'PUT',
    path: '/deactivate/:localpart',
    operation: ops.TelodendriaReactivateDocument,
    variables: (req) => ({ username: req.params.localpart }),
    status: 204,
    onError: unknownUser,
  }),
];

/** Telodendria's text when a known path is asked with another method (the status stays the spec's 405). */
export function telodendriaWrongMethod(path: string): string {
  if (path.startsWith('/tokens')) return 'Route only supports GET, POST, and DELETE';
  if (path.startsWith('/privileges')) return 'Route only accepts POST, PUT, DELETE, and GET.';
  if (path.startsWith('/config')) return 'Unknown request method.';
  if (/^\/(stats|restart|shutdown)/.test(path)) return 'Unknown operation.';
  if (path.startsWith('/deactivate')) return 'Route only supports DELETE and PUT as for now.';
  return 'The server did not understand the request.';
}

/** How Telodendria words a missing privilege on each route (WIRE-FACTS §2c); tokens and deactivate use the default. */
const REFUSALS: Array<[RegExp, (privilege: string) => string]> = [
  [/^\/privileges/, (p) => `User doesn't have the ${p} privilege`],
  [/^\/config/, (p) => `User does not have the '${p}' privilege.`],
  [/^\/(stats|restart|shutdown)/, (p) => `User doesn't have ${p} privilege.`],
];

export const TELODENDRIA_ROWS: RouteRow[] = ROWS.map((r) => {
  const wording = REFUSALS.find(([path]) => path.test(r.path))?.[1];
  if (!wording) return r;
  const refusal = privilegeRefusal(wording);
  return { ...r, onError: (e, req) => r.onError?.(e, req) ?? refusal(e) };
});
