import { BadInputError } from '../../errors/errors';
import { fromPryvPermissions, PRYV_PERMISSIONS, toPryvPermissions } from '../../shared/pryv-permissions';
import * as ops from '../operations/__generated__/operations';
import { Answer, row, stringParam, type RestRequest, type RouteRow, type UnimplementedRow } from '../route';
import { pryvError } from './errors';
import { fromPryvSettings, toPryvSettings } from './settings';
import { PRYV_BODIES, validatePryvBody } from './validation';

/**
 * Every privilege the Pryv table names, and CONFIG (which is settings read + update): a permissions
 * update replaces these and keeps the others.
 */
const PRYV_PRIVILEGES = [...new Set([...Object.values(PRYV_PERMISSIONS).flatMap((g) => Object.values(g)), 'CONFIG'])];

const stringField = (req: RestRequest, name: string) => stringParam(req.body, name, true);

/** Pryv's AdminUser: `{username, permissions}`. */
const adminUser = (u: { username: string; privileges: readonly string[] }) => ({
  username: u.username,
  permissions: toPryvPermissions(u.privileges),
});

/** service-register's invitation: times in milliseconds, `consumedAt`/`consumedBy` once used up. */
function invitation(i: ops.PryvInvitationFragment) {
  const usedUp = i.maxUses != null && i.uses >= i.maxUses;
  return {
    id: i.token,
    createdAt: new Date(i.createdAt).getTime(),
    createdBy: i.createdByUsername ?? null,
    description: i.name ?? '',
    ...(usedUp && i.lastUsedAt ? { consumedAt: new Date(i.lastUsedAt).getTime(), consumedBy: i.lastUsedBy ?? null } : {}),
  };
}

/** Admin users and platform users are the same accounts: both DELETEs answer `{username}`. */
/** Pryv admin login for an account with two-factor sign-in: the admin app has no step for a TOTP code. */
export const PRYV_MFA_REFUSAL =
  'Two-factor authentication is enabled for this account; the Pryv.io admin login cannot ask for the code. Sign in through the GraphQL API (login, then verifyMfa).';

const deleteByUsername = row({
  method: 'DELETE',
  path: '/:username',
  operation: ops.PryvDeleteUserDocument,
  variables: (req) => ({ username: req.params.username }),
  serialize: (_data, req) => ({ username: req.params.username }),
});

export const PRYV_AUTH_ROWS: RouteRow[] = [
  row({
    method: 'POST',
    path: '/login',
    operation: ops.PryvLoginDocument,
    variables: (req) => {
      validatePryvBody(PRYV_BODIES.login, req.body);
      return { username: stringField(req, 'username'), password: stringField(req, 'password') };
    },
    // No token is read here: a stale one in the header must not turn a sign-in into a 401.
    token: () => null,
    serialize: (data) => ({ token: data.login.token }),
    // The admin app has no second step: an account with two-factor sign-in is refused here (README).
    onError: (e) => (e.extensions.reason === 'MFA_REQUIRED' ? pryvError(403, 'mfa-required', PRYV_MFA_REFUSAL) : undefined),
  }),
  row({
    method: 'POST',
    path: '/logout',
    operation: ops.PryvLogoutDocument,
    variables: () => ({}),
    serialize: (_data, req) => ({ token: req.token }),
  }),
];

export const PRYV_USERS_ROWS: RouteRow[] = [
  row({
    method: 'GET',
    path: '/',
    operation: ops.PryvAdminUsersDocument,
    variables: () => ({}),
    serialize: (data) => ({ users: data.staff.nodes.map(adminUser) }),
  }),
  row({
    method: 'GET',
    path: '/:username',
    operation: ops.PryvAdminUserDocument,
    variables: (req) => ({ username: req.params.username }),
    serialize: (data, req) => {
      const [user] = data.staff.nodes;
      return user ? { user: adminUser(user) } : new Answer(404, `User ${req.params.username} not found`);
    },
  }),
  row({
    method: 'POST',
    path: '/',
    operation: ops.PryvCreateAdminUserDocument,
    variables: (req) => {
      validatePryvBody(PRYV_BODIES.createUser, req.body);
      return {
        input: {
          username: stringField(req, 'username'),
          password: stringField(req, 'password'),
          privileges: fromPryvPermissions(req.body.permissions) as never,
          // Every account the Pryv admin API creates is an admin-console user, listed whatever it holds.
          adminConsole: true,
        },
      };
    },
    status: 201,
    serialize: (data) => ({ user: adminUser(data.createUsers[0]) }),
  }),
  row({
    method: 'PUT',
    path: '/:username/permissions',
    operation: ops.PryvSetPermissionsDocument,
    variables: (req) => {
      validatePryvBody(PRYV_BODIES.permissions, req.body);
      return {
        username: req.params.username,
        privileges: fromPryvPermissions(req.body.permissions) as never,
        within: PRYV_PRIVILEGES as never,
      };
    },
    serialize: (data) => ({ user: adminUser(data.setUserPrivileges) }),
  }),
  row({
    method: 'POST',
    path: '/:username/reset-password',
    operation: ops.PryvResetPasswordDocument,
    variables: (req) => ({ username: req.params.username }),
    serialize: (data) => ({ username: data.resetUserPassword.username, password: data.resetUserPassword.password }),
  }),
  row({
    method: 'POST',
    path: '/:username/change-password',
    operation: ops.PryvChangePasswordDocument,
    variables: (req) => {
      validatePryvBody(PRYV_BODIES.changePassword, req.body);
      const newPassword = stringField(req, 'newPassword');
      if (req.body.newPasswordCheck !== newPassword) throw new BadInputError('Passwords do not match', 'newPasswordCheck');
      return { username: req.params.username, currentPassword: stringField(req, 'oldPassword'), newPassword };
    },
    serialize: () => ({}),
    // Upstream: a wrong old password is 401 "Invalid password".
    onError: (e) =>
      e.code === 'BAD_USER_INPUT' && e.extensions.field === 'input.currentPassword'
        ? pryvError(401, 'invalid-credentials', 'Invalid password')
        : undefined,
  }),
  deleteByUsername,
];

export const PRYV_ADMIN_ROWS: RouteRow[] = [
  row({
    method: 'GET',
    path: '/settings',
    operation: ops.PryvSettingsDocument,
    variables: () => ({}),
    serialize: (data) => ({ settings: toPryvSettings(data.settings.settings as Record<string, unknown>) }),
  }),
  row({
    method: 'PUT',
    path: '/settings',
    operation: ops.PryvUpdateSettingsDocument,
    // The app sends the whole document back: known groups set Gatehouse's settings, others are kept.
    variables: (req) => ({ patch: fromPryvSettings(req.body) }),
    serialize: (data) => ({ settings: toPryvSettings(data.patchSettings.settings as Record<string, unknown>) }),
  }),
  // The register service's invitation tokens are Gatehouse's one-use invites.
  row({
    method: 'GET',
    path: '/invitations',
    operation: ops.PryvInvitationsDocument,
    variables: () => ({}),
    // An invite whose token the caller may not read (it grants more than they hold) is not listed.
    serialize: (data) => ({ invitations: data.invites.nodes.filter((i) => i.token != null).map(invitation) }),
  }),
  row({
    method: 'GET',
    path: '/invitations/post',
    operation: ops.PryvCreateInvitationsDocument,
    variables: (req) => {
      const count = Number(stringParam(req.query, 'count', true));
      if (!Number.isInteger(count) || count < 1 || count > 100) throw new BadInputError('count must be an integer from 1 to 100.', 'count');
      const message = stringParam(req.query, 'message', false);
      return { count, message: message ? message.slice(0, 256) : null };
    },
    serialize: (data) => ({ data: data.createInvites.map(invitation) }),
  }),
  row({
    method: 'POST',
    path: '/notify',
    operation: ops.PryvNotifyDocument,
    variables: () => ({}),
    serialize: (data) => ({ successes: data.applySettings.map((i) => ({ url: i.url, role: i.role })), failures: [] }),
  }),
];

export const PRYV_ADMIN_UNIMPLEMENTED: UnimplementedRow[] = [
  { method: 'GET', path: '/migrations' },
  { method: 'POST', path: '/migrations/apply' },
];

export const PRYV_PLATFORM_ROWS: RouteRow[] = [
  row({
    method: 'GET',
    path: '/:username',
    operation: ops.PryvPlatformUserDocument,
    variables: (req) => ({ username: req.params.username }),
    serialize: (data) => {
      const u = data.user!;
      const registered = new Date(u.createdAt);
      return {
        user: {
          username: u.username,
          email: u.email ?? null,
          language: u.language ?? null,
          // Gatehouse does not keep which invite or referer an account came with.
          invitationToken: null,
          referer: null,
          registeredTimestamp: registered.getTime(),
          server: data.serverInfo.publicUrl,
          registeredDate: registered.toUTCString(),
        },
      };
    },
  }),
  deleteByUsername,
  row({
    method: 'DELETE',
    path: '/:username/mfa',
    operation: ops.PryvResetMfaDocument,
    variables: (req) => ({ username: req.params.username }),
    status: 204,
  }),
];

export const PRYV_PLATFORM_UNIMPLEMENTED: UnimplementedRow[] = [];
