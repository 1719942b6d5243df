import { BadInputError } from '../../errors/errors';
import { ALL_PRIVILEGES } from '../../modules/privileges/privilege.enum';
import * as ops from '../operations/__generated__/operations';
import { row, type RestRequest, type RouteRow } from '../route';
import { telodendriaPatch, toTelodendriaConfig, validateTelodendriaConfig } from './config';

const PRIVILEGE_NAMES: ReadonlySet<string> = new Set(ALL_PRIVILEGES);

/** The last millisecond a JavaScript Date can hold (year 275760). */
const MAX_DATE_MS = 8.64e15;

/** A body field that must be a list of privilege names; unknown names are ignored, as upstream does. */
function privilegeList(req: RestRequest): string[] {
  const v = req.body.privileges;
  if (v === undefined) throw new BadInputError('privileges is required.', 'privileges', { reason: 'MISSING_PARAM' });
  if (!Array.isArray(v) || v.some((p) => typeof p !== 'string')) {
    throw new BadInputError('privileges must be an array of strings.', 'privileges', { reason: 'BAD_JSON' });
  }
  return v.filter((p) => PRIVILEGE_NAMES.has(p));
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
    });
  return [
    row({
      method: 'GET',
      path,
      operation: ops.TelodendriaPrivilegesDocument,
      variables: (req) => ({ ref: target(req) ?? null }),
      serialize: (data) => ({ privileges: data.userPrivileges }),
    }),
    change('POST', 'REPLACE'),
    change('PUT', 'ADD'),
    change('DELETE', 'REMOVE'),
  ];
}

export const TELODENDRIA_ROWS: RouteRow[] = [
  ...privilegeRows(false),
  ...privilegeRows(true),
  row({
    method: 'GET',
    path: '/tokens',
    operation: ops.TelodendriaTokensDocument,
    variables: () => ({}),
    // A token the caller may not read (it grants more than they hold) is not theirs to list.
    serialize: (data) => ({ tokens: [...data.invites.nodes].reverse().filter((t) => t.token != null).map(regToken) }),
  }),
  row({
    method: 'GET',
    path: '/tokens/:name',
    operation: ops.TelodendriaTokenDocument,
    variables: (req) => ({ token: req.params.name }),
    serialize: (data) => regToken(data.invite!),
  }),
  row({
    method: 'POST',
    path: '/tokens',
    operation: ops.TelodendriaCreateTokenDocument,
    variables: (req) => {
      const b = req.body;
      if (b.name !== undefined && typeof b.name !== 'string') throw new BadInputError('name must be a string.', 'name', { reason: 'BAD_JSON' });
      if (b.uses !== undefined && (!Number.isInteger(b.uses) || (b.uses as number) < -1 || b.uses === 0)) {
        throw new BadInputError('uses must be -1 (unlimited) or a positive integer.', 'uses');
      }
      // JavaScript dates end at 8.64e15 ms: a later one is no date at all.
      if (b.expires_on !== undefined && (!Number.isInteger(b.expires_on) || (b.expires_on as number) < 0 || (b.expires_on as number) > MAX_DATE_MS)) {
        throw new BadInputError('expires_on must be a timestamp in milliseconds (0 = never).', 'expires_on');
      }
      if (b.grants !== undefined && (!Array.isArray(b.grants) || b.grants.some((g) => typeof g !== 'string'))) {
        throw new BadInputError('grants must be an array of privilege names.', 'grants', { reason: 'BAD_JSON' });
      }
      const uses = b.uses as number | undefined;
      const expires = b.expires_on as number | undefined;
      return {
        input: {
          token: (b.name as string | undefined) ?? undefined,
          // An omitted `uses` means unlimited here (upstream makes such a token unusable at once).
          maxUses: uses === undefined || uses === -1 ? null : uses,
          expiresAt: expires ? new Date(expires).toISOString() : null,
          grants: { privileges: ((b.grants as string[] | undefined) ?? []).filter((g) => PRIVILEGE_NAMES.has(g)) as never, roles: [] },
        },
      };
    },
    serialize: (data) => regToken(data.createInvite),
  }),
  row({
    method: 'DELETE',
    path: '/tokens/:name',
    operation: ops.TelodendriaDeleteTokenDocument,
    variables: (req) => ({ token: req.params.name }),
    serialize: () => ({}),
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
    serialize: (data) => ({ memory_allocated: data.processStats.memory.rss, version: data.processStats.version }),
  }),
  row({ method: 'POST', path: '/restart', operation: ops.TelodendriaRestartDocument, variables: () => ({}), serialize: () => ({}) }),
  row({ method: 'POST', path: '/shutdown', operation: ops.TelodendriaShutdownDocument, variables: () => ({}), serialize: () => ({}) }),
  row({
    method: 'DELETE',
    path: '/deactivate/:localpart',
    operation: ops.TelodendriaDeactivateDocument,
    variables: (req) => {
      const reason = req.body.reason;
      if (reason !== undefined && typeof reason !== 'string') throw new BadInputError('reason must be a string.', 'reason', { reason: 'BAD_JSON' });
      return { username: req.params.localpart, reason: (reason as string | undefined) ?? 'Deactivated by admin' };
    },
    serialize: (data) => {
      const [u] = data.deactivateUsers;
      return { user: u.username, reason: u.deactivation?.reason ?? null, banned_by: u.deactivation?.by?.username ?? null };
    },
  }),
  row({
    method: 'PUT',
    path: '/deactivate/:localpart',
    operation: ops.TelodendriaReactivateDocument,
    variables: (req) => ({ username: req.params.localpart }),
    status: 204,
  }),
];
