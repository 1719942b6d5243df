import { BadInputError, NotFoundError } from '../../errors/errors';
import * as ops from '../operations/__generated__/operations';
import { Answer, intParam, listParam, row, type RestRequest, type RouteRow, type UnimplementedRow } from '../route';
import { PLEROMA_ERRORS } from './errors';
import { fromPleromaConfigs, pleromaConfigDescriptions, toPleromaConfigs } from './config';
import { expiresAtFromDate, pleromaAccount, pleromaInvite, pleromaLogItem, pleromaReport, pleromaUser } from './serializers';

/** Request parameters may come in the query string or the JSON body (DELETE included). */
const params = (req: RestRequest): Record<string, unknown> => ({ ...req.query, ...req.body });

/** A real calendar day written YYYY-MM-DD (2019-13-45 and 2019-02-30 are not). */
function isCalendarDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00.000Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === s;
}

/** A required string body field, or Akkoma's OpenApiSpex answer for a missing one. */
function requiredField(req: RestRequest, name: string): string {
  const value = params(req)[name];
  if (typeof value !== 'string' || value === '')
    throw new BadInputError(`Missing field: ${name}.`, name, { pointer: `/${name}`, detail: `Missing field: ${name}` });
  return value;
}

function nicknames(req: RestRequest): string[] {
  const p = params(req);
  const list = listParam(p, 'nicknames') ?? listParam(p, 'nickname');
  if (!list || list.length === 0) throw new BadInputError('nicknames is required', 'nicknames');
  return list;
}

/** Akkoma's OpenApiSpex cast error for a query parameter that is not an integer. */
function integerParam(p: Record<string, unknown>, name: string, fallback: number): number {
  const v = p[name];
  if (v === undefined || v === null || v === '') return fallback;
  const n = typeof v === 'number' ? v : /^-?\d+$/.test(String(v)) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) throw new BadInputError(`${name} - Invalid integer. Got: string.`, name, { pointer: `/${name}` });
  return n;
}

function page(req: RestRequest, defaultSize = 50) {
  const p = params(req);
  const pageNo = integerParam(p, 'page', 1);
  const size = integerParam(p, 'page_size', defaultSize);
  if (!(pageNo >= 1)) throw new BadInputError('page must be a positive integer', 'page');
  if (!(size >= 1 && size <= 500)) throw new BadInputError('page_size must be between 1 and 500', 'page_size');
  return { first: size, offset: (pageNo - 1) * size, size };
}

const ACTOR_TYPES = ['Application', 'Group', 'Organization', 'Person', 'Service'];

/**
 * Akkoma's list parameters onto the GraphQL user filter: `query` matches the nickname only, `name` the
 * display name, `email` exactly; `tags[]` any; `actor_types[]` from Akkoma's enum; `filters` words
 * combine with AND (unknown words dropped), so contradictory words match nothing, as upstream.
 */
function userFilter(req: RestRequest) {
  const p = params(req);
  const words = new Set(listParam(p, 'filters') ?? []);
  const str = (k: string) => (typeof p[k] === 'string' && p[k] !== '' ? (p[k] as string) : undefined);
  const actorTypes = listParam(p, 'actor_types');
  for (const t of actorTypes ?? []) {
    if (!ACTOR_TYPES.includes(t)) throw new BadInputError(`${t} - Invalid value for enum.`, 'actor_types', { pointer: '/actor_types' });
  }
  const wanted: Record<'active' | 'approved' | 'emailConfirmed', Set<boolean>> = {
    active: new Set(),
    approved: new Set(),
    emailConfirmed: new Set(),
  };
  if (words.has('active')) ['active', 'approved', 'emailConfirmed'].forEach((k) => wanted[k as keyof typeof wanted].add(true));
  if (words.has('deactivated')) wanted.active.add(false);
  if (words.has('need_approval')) wanted.approved.add(false);
  if (words.has('unconfirmed')) wanted.emailConfirmed.add(false);
  const contradiction = Object.values(wanted).some((v) => v.size > 1);
  const one = (v: Set<boolean>) => (v.size === 1 ? [...v][0] : undefined);
  const roles = [...(words.has('is_admin') ? ['admin'] : []), ...(words.has('is_moderator') ? ['moderator'] : [])];
  return {
    username: str('query'),
    displayName: str('name'),
    emailIs: str('email'),
    tags: listParam(p, 'tags'),
    allRoles: roles.length ? roles : undefined,
    // Every Gatehouse account is local: `external` matches none.
    local: words.has('external') ? false : undefined,
    active: one(wanted.active),
    approved: one(wanted.approved),
    emailConfirmed: one(wanted.emailConfirmed),
    // Contradictory words (active,deactivated) match nothing: an empty actor-type list is such a filter.
    actorTypes: contradiction ? [] : (actorTypes?.map((t) => t.toUpperCase()) as never),
  };
}

export const PLEROMA_ROWS: RouteRow[] = [
  row({
    method: 'GET',
    path: '/users',
    operation: ops.PleromaUsersDocument,
    variables: (req) => {
      const { first, offset } = page(req);
      return { filter: userFilter(req), first, offset };
    },
    serialize: (data, req) => ({
      users: data.users.nodes.map(pleromaUser),
      count: data.users.totalCount,
      page_size: page(req).size,
    }),
  }),
  row({
    method: 'GET',
    path: '/users/:nickname_or_id',
    operation: ops.PleromaUserDocument,
    variables: (req) => ({ ref: req.params.nickname_or_id }),
    serialize: (data) => pleromaUser(data.user!),
  }),
  row({
    method: 'POST',
    path: '/users',
    operation: ops.PleromaCreateUsersDocument,
    variables: (req) => {
      const users = req.body.users;
      if (!Array.isArray(users) || users.length === 0) throw new BadInputError('users is required', 'users');
      return {
        inputs: users.map((u: Record<string, unknown>) => ({
          username: String(u?.nickname ?? ''),
          email: typeof u?.email === 'string' ? u.email : null,
          password: typeof u?.password === 'string' ? u.password : null,
        })),
      };
    },
    serialize: (data) => data.createUsers.map((u) => ({ type: 'success', code: 200, data: { nickname: u.username, email: u.email } })),
    // Akkoma answers a taken nickname or email with one item per submitted user, in reverse order (it
    // walks its Ecto.Multi backwards): the user that hit the constraint carries "<field> has already been
    // taken", the others an empty error. Nothing is created.
    onError: (e, req) => {
      if (e.code !== 'CONFLICT') return undefined;
      const field = e.extensions.field === 'email' ? 'email' : 'nickname';
      const value = String(e.extensions.value ?? '').toLowerCase();
      const users = req.body.users as Array<Record<string, unknown>>;
      const culprit = users.findIndex((u) => String(u?.[field] ?? '').toLowerCase() === value);
      return {
        status: 409,
        body: users
          .map((u, i) => ({
            type: 'error',
            code: 409,
            error: i === culprit ? `${field} has already been taken` : '',
            data: { nickname: u?.nickname ?? null, email: u?.email ?? null },
          }))
          .reverse(),
      };
    },
  }),
  row({
    method: 'DELETE',
    path: '/users',
    operation: ops.PleromaDeleteUsersDocument,
    variables: (req) => ({ usernames: nicknames(req) }),
    // Akkoma answers the nicknames as an array, for the older single form (`nickname`) too.
    serialize: (_data, req) => nicknames(req),
  }),
  row({
    method: 'PATCH',
    path: '/users/activate',
    operation: ops.PleromaActivateUsersDocument,
    variables: (req) => ({ usernames: nicknames(req) }),
    serialize: (data) => ({ users: data.activateUsers.map(pleromaUser) }),
  }),
  row({
    method: 'PATCH',
    path: '/users/deactivate',
    operation: ops.PleromaDeactivateUsersDocument,
    variables: (req) => ({ usernames: nicknames(req) }),
    serialize: (data) => ({ users: data.deactivateUsers.map(pleromaUser) }),
  }),
  row({
    method: 'PUT',
    path: '/users/tag',
    operation: ops.PleromaTagUsersDocument,
    variables: (req) => ({ usernames: nicknames(req), tags: listParam(params(req), 'tags') ?? [] }),
    status: 204,
  }),
  row({
    method: 'DELETE',
    path: '/users/tag',
    operation: ops.PleromaUntagUsersDocument,
    variables: (req) => ({ usernames: nicknames(req), tags: listParam(params(req), 'tags') ?? [] }),
    status: 204,
  }),
  row({
    method: 'GET',
    path: '/moderation_log',
    operation: ops.PleromaModerationLogDocument,
    variables: (req) => {
      const { first, offset } = page(req);
      const p = params(req);
      const date = (k: string) => {
        if (typeof p[k] !== 'string' || p[k] === '') return undefined;
        const d = new Date(p[k] as string);
        if (Number.isNaN(d.getTime())) throw new BadInputError(`${k} must be an ISO 8601 date`, k);
        return d.toISOString();
      };
      return {
        first,
        offset,
        filter: {
          actorId: typeof p.user_id === 'string' && /^[1-9]\d{0,14}$/.test(p.user_id) ? p.user_id : undefined,
          from: date('start_date'),
          to: date('end_date'),
          search: typeof p.search === 'string' && p.search !== '' ? p.search : undefined,
          // Only what Akkoma would log (no sign-ins, settings or invites); search matches its message.
          moderation: true,
        },
      };
    },
    // Akkoma compares user_id as a string: one that cannot name an account matches nothing.
    serialize: (data, req) => {
      const userId = params(req).user_id;
      if (typeof userId === 'string' && userId !== '' && !/^[1-9]\d{0,14}$/.test(userId)) return { items: [], total: 0 };
      return { items: data.auditLog.nodes.map(pleromaLogItem), total: data.auditLog.totalCount };
    },
  }),
  row({
    method: 'POST',
    path: '/users/invite_token',
    operation: ops.PleromaCreateInviteDocument,
    variables: (req) => {
      const p = params(req);
      const maxUse = p.max_use === undefined || p.max_use === null || p.max_use === '' ? undefined : Number(p.max_use);
      if (maxUse !== undefined && !(Number.isInteger(maxUse) && maxUse >= 1))
        throw new BadInputError('max_use must be a positive integer', 'max_use');
      let expiresAt: string | undefined;
      if (p.expires_at !== undefined && p.expires_at !== null && p.expires_at !== '') {
        if (typeof p.expires_at !== 'string' || !isCalendarDate(p.expires_at)) {
          throw new BadInputError('expires_at must be a date such as 2019-04-07', 'expires_at');
        }
        expiresAt = expiresAtFromDate(p.expires_at);
      }
      // Akkoma's kinds: neither field is one_time (one use); only expires_at is date_limited (any number of
      // uses until the date); max_use gives reusable (with the date, reusable_date_limited).
      return { input: { maxUses: maxUse ?? (expiresAt ? null : 1), expiresAt } };
    },
    serialize: (data) => pleromaInvite(data.createInvite),
  }),
  row({
    method: 'GET',
    path: '/users/invites',
    operation: ops.PleromaInvitesDocument,
    variables: () => ({}),
    // Akkoma lists invites by id, oldest first.
    // An invite whose token the caller may not read (it grants more than they hold) is not theirs to list.
    serialize: (data) => ({
      invites: [...data.invites.nodes]
        .reverse()
        .filter((i) => i.token != null)
        .map(pleromaInvite),
    }),
  }),
  row({
    method: 'POST',
    path: '/users/revoke_invite',
    operation: ops.PleromaRevokeInviteDocument,
    variables: (req) => ({ token: requiredField(req, 'token') }),
    serialize: (data) => pleromaInvite(data.revokeInvite),
  }),
  row({
    method: 'POST',
    path: '/users/email_invite',
    operation: ops.PleromaEmailInviteDocument,
    variables: (req) => {
      const p = params(req);
      if (typeof p.email !== 'string' || p.email === '') throw new BadInputError('email is required', 'email');
      return { email: p.email, name: typeof p.name === 'string' ? p.name : undefined };
    },
    status: 204,
  }),
  row({
    method: 'GET',
    path: '/reports',
    operation: ops.PleromaReportsDocument,
    variables: (req) => {
      const p = params(req);
      const state = typeof p.state === 'string' && p.state !== '' ? p.state : undefined;
      if (state && !['open', 'closed', 'resolved'].includes(state)) throw new BadInputError('Unsupported state', 'state');
      const limit = intParam(p, 'limit', NaN);
      const { first, offset } = page(req);
      return { filter: { state: state as never }, first: Number.isNaN(limit) ? first : Math.min(Math.max(limit, 1), 500), offset };
    },
    // The current code answers `total`, the older doc `totalReports`: both are sent.
    serialize: (data) => ({
      total: data.reports.totalCount,
      totalReports: data.reports.totalCount,
      reports: data.reports.nodes.map(pleromaReport),
    }),
  }),
  row({
    method: 'GET',
    path: '/reports/:id',
    operation: ops.PleromaReportDocument,
    variables: (req) => ({ id: req.params.id }),
    serialize: (data) => pleromaReport(data.report!),
    // Akkoma's ids are opaque strings: one that cannot name a report is simply not found.
    onError: (e) => (e.code === 'BAD_USER_INPUT' ? PLEROMA_ERRORS.NOT_FOUND() : undefined),
  }),
  row({
    method: 'PATCH',
    path: '/reports',
    operation: ops.PleromaSetReportStatesDocument,
    variables: (req) => {
      const reports = req.body.reports;
      if (!Array.isArray(reports) || reports.length === 0) throw new BadInputError('reports is required', 'reports');
      return { updates: reports.map((r: Record<string, unknown>) => ({ id: String(r?.id ?? ''), state: String(r?.state ?? '') })) };
    },
    // 204 when every item applied; else 400 with the failed items (the others are applied).
    serialize: (data) => {
      const failed = data.setReportStates.filter((r) => !r.ok).map((r) => ({ id: r.id, error: r.error }));
      return failed.length ? new Answer(400, failed) : undefined;
    },
    status: 204,
  }),
  row({
    method: 'PUT',
    path: '/reports/:id',
    operation: ops.PleromaSetReportStatesDocument,
    variables: (req) => ({ updates: [{ id: req.params.id, state: String(params(req).state ?? '') }] }),
    // The older single form answers the report, or Akkoma's plain errors.
    serialize: (data) => {
      const [r] = data.setReportStates;
      if (r.ok) return pleromaReport(r.report!);
      return r.code === 'NOT_FOUND' ? new Answer(404, { error: 'Not found' }) : new Answer(400, { error: 'Unsupported state' });
    },
  }),
  row({
    method: 'POST',
    path: '/reports/:id/notes',
    operation: ops.PleromaAddReportNoteDocument,
    variables: (req) => {
      const content = params(req).content;
      if (typeof content !== 'string' || content === '') throw new BadInputError('Invalid parameters', 'content');
      return { reportId: req.params.id, content };
    },
    status: 204,
  }),
  row({
    method: 'DELETE',
    path: '/reports/:report_id/notes/:id',
    operation: ops.PleromaDeleteReportNoteDocument,
    variables: (req) => ({ reportId: req.params.report_id, noteId: req.params.id }),
    status: 204,
  }),
  row({
    method: 'POST',
    path: '/reports/:report_id/notes/:id',
    operation: ops.PleromaDeleteReportNoteDocument,
    variables: (req) => ({ reportId: req.params.report_id, noteId: req.params.id }),
    status: 204,
  }),
  row({
    method: 'GET',
    path: '/grouped_reports',
    operation: ops.PleromaGroupedReportsDocument,
    variables: () => ({}),
    // The older doc's shape: one group per reported account (Gatehouse has no statuses to group by).
    serialize: (data) => ({
      reports: data.reportsByAccount.groups.map((g) => ({
        date: g.reports[0]?.createdAt ?? null,
        account: pleromaAccount(g.account),
        status: null,
        actors: [...new Map(g.reports.filter((r) => r.reporter).map((r) => [r.reporter!.id, pleromaAccount(r.reporter)])).values()],
        reports: g.reports.map(pleromaReport),
      })),
    }),
  }),
  row({
    method: 'PATCH',
    path: '/users/:nickname/toggle_activation',
    operation: ops.PleromaToggleActivationDocument,
    variables: (req) => ({ ref: req.params.nickname }),
    serialize: (data) => pleromaUser(data.toggleUserActivation),
  }),
  row({
    method: 'PATCH',
    path: '/users/approve',
    operation: ops.PleromaApproveUsersDocument,
    variables: (req) => ({ usernames: nicknames(req) }),
    serialize: (data) => ({ users: data.approveUsers.map(pleromaUser) }),
  }),
  row({
    method: 'GET',
    path: '/users/:nickname/permission_group',
    operation: ops.PleromaUserDocument,
    variables: (req) => ({ ref: req.params.nickname }),
    serialize: (data) => permissionGroups(data.user!),
  }),
  row({
    method: 'GET',
    path: '/users/:nickname/permission_group/:permission_group',
    operation: ops.PleromaUserDocument,
    variables: (req) => (permissionGroup(req), { ref: req.params.nickname }),
    serialize: (data, req) => {
      const group = permissionGroup(req);
      return { [`is_${group}`]: permissionGroups(data.user!)[`is_${group}`] };
    },
  }),
  row({
    method: 'POST',
    path: '/users/permission_group/:permission_group',
    operation: ops.PleromaAssignRoleDocument,
    variables: (req) => ({ roleName: permissionGroup(req), usernames: nicknames(req) }),
    serialize: (_data, req) => ({ [`is_${permissionGroup(req)}`]: true }),
  }),
  row({
    method: 'POST',
    path: '/users/:nickname/permission_group/:permission_group',
    operation: ops.PleromaAssignRoleDocument,
    variables: (req) => ({ roleName: permissionGroup(req), usernames: [req.params.nickname] }),
    serialize: (_data, req) => ({ [`is_${permissionGroup(req)}`]: true }),
  }),
  row({
    method: 'DELETE',
    path: '/users/permission_group/:permission_group',
    operation: ops.PleromaUnassignRoleDocument,
    variables: (req) => ({ roleName: permissionGroup(req), usernames: nicknames(req) }),
    serialize: (_data, req) => ({ [`is_${permissionGroup(req)}`]: false }),
    // Akkoma's wording on this (bulk) path.
    onError: (e) =>
      e.extensions.reason === 'OWN_ADMIN_ROLE' || e.extensions.reason === 'OWN_ALL'
        ? { status: 403, body: { error: "You can't revoke your own admin/moderator status." } }
        : undefined,
  }),
  row({
    method: 'DELETE',
    path: '/users/:nickname/permission_group/:permission_group',
    operation: ops.PleromaUnassignRoleDocument,
    variables: (req) => ({ roleName: permissionGroup(req), usernames: [req.params.nickname] }),
    serialize: (_data, req) => ({ [`is_${permissionGroup(req)}`]: false }),
  }),
  row({
    method: 'GET',
    path: '/users/:nickname/password_reset',
    operation: ops.PleromaPasswordResetDocument,
    variables: (req) => ({ ref: req.params.nickname }),
    serialize: (data) => ({ token: data.createPasswordResetToken.token, link: data.createPasswordResetToken.link }),
  }),
  row({
    method: 'PUT',
    path: '/users/disable_mfa',
    operation: ops.PleromaDisableMfaDocument,
    variables: (req) => ({ ref: requiredField(req, 'nickname') }),
    // Akkoma answers the nickname itself, as a JSON string.
    serialize: (data) => data.resetUserMfa.username,
  }),
  row({
    method: 'PATCH',
    path: '/users/force_password_reset',
    operation: ops.PleromaForcePasswordResetDocument,
    variables: (req) => ({ usernames: nicknames(req) }),
    status: 204,
  }),
  row({
    method: 'PATCH',
    path: '/users/confirm_email',
    operation: ops.PleromaConfirmEmailsDocument,
    variables: (req) => ({ usernames: nicknames(req) }),
    serialize: (data) => data.confirmUserEmails.map((u) => u.username),
  }),
  row({
    method: 'PATCH',
    path: '/users/resend_confirmation_email',
    operation: ops.PleromaResendConfirmationDocument,
    variables: (req) => ({ usernames: nicknames(req) }),
    serialize: (data) => data.resendConfirmationEmails.map((u) => u.username),
  }),
  row({
    method: 'GET',
    path: '/users/:nickname/credentials',
    operation: ops.PleromaCredentialsDocument,
    variables: (req) => ({ ref: req.params.nickname }),
    serialize: (data) => ({
      id: data.user!.id,
      nickname: data.user!.username,
      email: data.user!.email ?? null,
      name: data.user!.displayName ?? null,
      language: data.user!.language ?? null,
      bio: '',
      avatar: null,
      banner: null,
      locked: false,
      actor_type: 'Person',
    }),
  }),
  row({
    method: 'PATCH',
    path: '/users/:nickname/credentials',
    operation: ops.PleromaUpdateCredentialsDocument,
    variables: (req) => {
      const p = req.body;
      const input: Record<string, unknown> = {};
      if (p.email !== undefined) input.email = p.email;
      if (p.password !== undefined) input.password = p.password;
      if (p.name !== undefined) input.displayName = p.name;
      return { username: req.params.nickname, input };
    },
    serialize: () => ({ status: 'success' }),
    // Akkoma answers invalid credentials changes as changeset errors.
    onError: (e) =>
      e.code === 'BAD_USER_INPUT'
        ? {
            status: 400,
            body: {
              errors: { [String(e.extensions.field ?? (e.extensions.fields as string[] | undefined)?.[0] ?? 'input')]: [e.message] },
            },
          }
        : undefined,
  }),
  row({
    method: 'GET',
    path: '/config',
    operation: ops.PleromaConfigDocument,
    variables: () => ({}),
    serialize: (data) => pleromaConfig(data.settings),
  }),
  row({
    method: 'GET',
    path: '/config/descriptions',
    operation: ops.PleromaConfigDocument,
    variables: () => ({}),
    serialize: () => pleromaConfigDescriptions(),
  }),
  row({
    method: 'POST',
    path: '/config',
    operation: ops.PleromaPatchConfigDocument,
    variables: (req) => ({ patch: fromPleromaConfigs(req.body.configs) }),
    serialize: (data) => pleromaConfig(data.patchSettings),
  }),
  row({
    method: 'GET',
    path: '/need_reboot',
    operation: ops.PleromaConfigDocument,
    variables: () => ({}),
    serialize: (data) => ({ need_reboot: data.settings.restartRequired }),
  }),
  row({
    method: 'GET',
    path: '/restart',
    operation: ops.PleromaRestartDocument,
    variables: () => ({}),
    serialize: () => ({}),
  }),
  row({
    method: 'GET',
    path: '/stats',
    operation: ops.PleromaStatsDocument,
    variables: () => ({}),
    // Gatehouse keeps no statuses: every visibility counts zero.
    serialize: () => ({ status_visibility: { direct: 0, private: 0, public: 0, unlisted: 0 } }),
  }),
];

/** Akkoma's two permission groups; any other is 404. */
function permissionGroup(req: RestRequest): 'admin' | 'moderator' {
  const g = req.params.permission_group;
  if (g !== 'admin' && g !== 'moderator') throw new NotFoundError('Permission group', g);
  return g;
}

function permissionGroups(u: { roles: Array<{ name: string }> }) {
  const roles = new Set(u.roles.map((r) => r.name));
  return { is_admin: roles.has('admin'), is_moderator: roles.has('moderator') };
}

/** Gatehouse settings as Akkoma config entries: one `:gatehouse` group, a key per top-level setting. */
function pleromaConfig(s: { settings: Record<string, unknown>; restartRequired: boolean }) {
  return { configs: toPleromaConfigs(s.settings), need_reboot: s.restartRequired };
}

/** Outside Gatehouse's domain: answered 501 {"error":"Not implemented by Gatehouse"} (README lists them). */
export const PLEROMA_UNIMPLEMENTED: UnimplementedRow[] = [
  { method: 'POST', path: '/users/follow' },
  { method: 'POST', path: '/users/unfollow' },
  { method: 'PATCH', path: '/users/suggest' },
  { method: 'PATCH', path: '/users/unsuggest' },
  { method: 'GET', path: '/users/:nickname/statuses' },
  { method: 'GET', path: '/statuses' },
  { method: 'GET', path: '/statuses/:id' },
  { method: 'PUT', path: '/statuses/:id' },
  { method: 'DELETE', path: '/statuses/:id' },
  { method: 'GET', path: '/relay' },
  { method: 'POST', path: '/relay' },
  { method: 'DELETE', path: '/relay' },
  { method: 'POST', path: '/reload_emoji' },
  { method: 'GET', path: '/instances/:instance/statuses' },
  { method: 'DELETE', path: '/instances/:instance' },
  { method: 'GET', path: '/config/migrate_to_db' },
  { method: 'GET', path: '/config/migrate_from_db' },
  { method: 'GET', path: '/frontends' },
  { method: 'POST', path: '/frontends/install' },
  { method: 'GET', path: '/backups' },
  { method: 'GET', path: '/chats/:id' },
  { method: 'GET', path: '/chats/:id/messages' },
  { method: 'DELETE', path: '/chats/:id/messages/:message_id' },
  { method: 'GET', path: '/users/:nickname/chats' },
  { method: 'GET', path: '/instance_document/:name' },
  { method: 'PATCH', path: '/instance_document/:name' },
  { method: 'DELETE', path: '/instance_document/:name' },
  { method: 'GET', path: '/media_proxy_caches' },
  { method: 'POST', path: '/media_proxy_caches/delete' },
  { method: 'POST', path: '/media_proxy_caches/purge' },
];
