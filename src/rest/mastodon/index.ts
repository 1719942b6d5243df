import { bearerToken } from '../../shared/bearer';
import { BadInputError } from '../../errors/errors';
import type { Dialect } from '../dialect';
import * as ops from '../operations/__generated__/operations';
import { Answer, listParam, row, stringParam, type RestRequest, type RouteRow } from '../route';
import { PLEROMA_ERRORS, PLEROMA_NOT_FOUND, PLEROMA_NOT_IMPLEMENTED } from '../pleroma/errors';

/**
 * The Mastodon/OAuth endpoints admin-fe signs in and files reports with. Sessions are Gatehouse
 * tokens obtained with the password grant; errors are written the Pleroma way.
 */
const params = (req: RestRequest): Record<string, unknown> => ({ ...req.query, ...req.body });

const str = (req: RestRequest, name: string, required = true) => stringParam(params(req), name, required);

const API_ROWS: RouteRow[] = [
  row({
    method: 'POST',
    path: '/apps',
    operation: ops.MastodonRegisterAppDocument,
    variables: (req) => {
      const scopes = str(req, 'scopes', false);
      return {
        input: {
          name: str(req, 'client_name')!,
          redirectUris: (str(req, 'redirect_uris', false) ?? 'urn:ietf:wg:oauth:2.0:oob').split(/\s+/),
          scopes: scopes ? scopes.split(/\s+/) : ['read'],
          website: str(req, 'website', false) ?? null,
        },
      };
    },
    serialize: (data) => ({
      id: data.registerClientApp.id,
      name: data.registerClientApp.name,
      website: data.registerClientApp.website,
      redirect_uri: data.registerClientApp.redirectUris.join(' '),
      client_id: data.registerClientApp.clientId,
      client_secret: data.registerClientApp.clientSecret,
      vapid_key: null,
    }),
  }),
  row({
    method: 'GET',
    path: '/accounts/verify_credentials',
    operation: ops.MastodonVerifyCredentialsDocument,
    variables: () => ({}),
    serialize: (data) => {
      const v = data.viewer;
      // `viewer` is null without a valid token: Mastodon's 401.
      if (!v) return new Answer(401, { error: 'The access token is invalid' });
      const roles = new Set(v.roles.map((r) => r.name));
      return {
        id: v.id,
        username: v.username,
        acct: v.username,
        display_name: v.displayName ?? v.username,
        created_at: v.createdAt,
        locked: false,
        bot: false,
        note: '',
        url: `/users/${v.username}`,
        avatar: '',
        pleroma: { is_admin: roles.has('admin'), is_moderator: roles.has('moderator') },
        role: roles.has('admin') ? 'admin' : roles.has('moderator') ? 'moderator' : 'user',
      };
    },
  }),
  row({
    method: 'POST',
    path: '/reports',
    operation: ops.MastodonFileReportDocument,
    variables: (req) => {
      const statusIds = listParam(params(req), 'status_ids') ?? [];
      return {
        input: {
          accountId: str(req, 'account_id')!,
          comment: str(req, 'comment', false) ?? null,
          content: statusIds.map((id) => ({ id })),
        },
      };
    },
    serialize: (data) => ({
      id: data.fileReport.id,
      action_taken: false,
      comment: data.fileReport.comment ?? '',
      created_at: data.fileReport.createdAt,
      status_ids: data.fileReport.content.map((c) => c.id),
      target_account: { id: data.fileReport.account?.id ?? null },
    }),
  }),
];

/** Mastodon's instance document (v1), from the settings; Gatehouse has no posts and no peers. */
API_ROWS.push(
  row({
    method: 'GET',
    path: '/instance',
    operation: ops.NodeInfoDocument,
    variables: () => ({}),
    token: () => null,
    serialize: (data) => {
      const s = data.serverInfo;
      const url = new URL(s.publicUrl);
      return {
        uri: url.host,
        title: s.instanceName,
        short_description: '',
        description: '',
        email: '',
        version: `3.0.0 (compatible; Gatehouse ${s.version})`,
        urls: { streaming_api: '' },
        stats: { user_count: s.usage.users, status_count: 0, domain_count: 0 },
        thumbnail: null,
        languages: ['en'],
        registrations: s.registrationMode === 'open',
        approval_required: false,
        invites_enabled: s.registrationMode === 'invite',
        contact_account: null,
        rules: [],
      };
    },
  }),
);

/** Akkoma's token answer (password grant and MFA challenge alike). */
function tokenAnswer(session: { token: string; expiresAt: string; user: { id: string } }) {
  return {
    access_token: session.token,
    token_type: 'Bearer',
    scope: 'read write follow push admin',
    created_at: Math.floor(Date.now() / 1000),
    expires_in: Math.max(0, Math.floor((new Date(session.expiresAt).getTime() - Date.now()) / 1000)),
    me: session.user.id,
  };
}

const OAUTH_ROWS: RouteRow[] = [
  row({
    method: 'POST',
    path: '/token',
    operation: ops.MastodonLoginDocument,
    variables: (req) => {
      const grant = str(req, 'grant_type');
      if (grant !== 'password') throw new BadInputError('Only the password grant is supported', 'grant_type');
      return { username: str(req, 'username')!, password: str(req, 'password')! };
    },
    serialize: (data) => tokenAnswer(data.login),
    onError: (e) =>
      e.code === 'UNAUTHENTICATED'
        ? { status: 400, body: { error: 'Invalid credentials' } }
        : e.extensions.reason === 'PASSWORD_RESET_REQUIRED'
          ? // Pleroma's answer for password_reset_pending.
            { status: 403, body: { error: 'Password reset is required', identifier: 'password_reset_required' } }
          : e.extensions.reason === 'MFA_REQUIRED' && typeof e.extensions.mfaChallenge === 'string'
            ? // Akkoma's MFA answer: the token for /oauth/mfa/challenge (recovery codes are always accepted there).
              { status: 403, body: { error: 'mfa_required', mfa_token: e.extensions.mfaChallenge, supported_challenge_types: 'totp' } }
            : undefined,
  }),
  row({
    method: 'POST',
    path: '/mfa/challenge',
    operation: ops.MastodonVerifyMfaDocument,
    token: () => null,
    variables: (req) => {
      const type = str(req, 'challenge_type', false);
      if (type !== 'totp' && type !== 'recovery') throw new BadInputError('Invalid code', 'challenge_type', { reason: 'INVALID_MFA_CODE' });
      return {
        challenge: str(req, 'mfa_token')!,
        code: str(req, 'code')!,
        method: type === 'recovery' ? ('RECOVERY_CODE' as const) : ('TOTP' as const),
      };
    },
    serialize: (data) => tokenAnswer(data.verifyMfa),
    // Akkoma answers every failure "Invalid code" (400); a refusal by the login limits keeps its 429.
    onError: (e) => (e.code === 'RATE_LIMITED' ? undefined : { status: 400, body: { error: 'Invalid code' } }),
  }),
  row({
    method: 'POST',
    path: '/revoke',
    operation: ops.MastodonRevokeDocument,
    token: (req) => str(req, 'token')!,
    variables: () => ({}),
    serialize: () => ({}),
  }),
];

const common = {
  unimplemented: [],
  token: (req: import('fastify').FastifyRequest) => bearerToken(req.headers.authorization),
  error: (e: Parameters<Dialect['error']>[0]) =>
    e.code === 'UNAUTHENTICATED' ? { status: 401, body: { error: 'The access token is invalid' } } : PLEROMA_ERRORS[e.code](e),
  notFound: PLEROMA_NOT_FOUND,
  notImplemented: PLEROMA_NOT_IMPLEMENTED,
  badRequest: (message: string) => ({ status: 400, body: { error: message } }),
};

export const mastodonApiDialect: Dialect = {
  name: 'mastodon',
  entryPoint: 'PLEROMA',
  prefixes: ['/api/v1'],
  rows: API_ROWS,
  ...common,
  // admin-fe's statuses page lists known instances: a Gatehouse federates with none.
  statics: [{ method: 'GET', path: '/instance/peers', answer: { status: 200, body: [] } }],
};
export const oauthDialect: Dialect = { name: 'oauth', entryPoint: 'PLEROMA', prefixes: ['/oauth'], rows: OAUTH_ROWS, ...common };
