import { randomBytes } from 'node:crypto';
import { BadInputError } from '../../errors/errors';
import type { Dialect } from '../dialect';
import * as ops from '../operations/__generated__/operations';
import type { MatrixServerQuery } from '../operations/__generated__/operations';
import { Answer, row, type RestRequest, type RouteRow } from '../route';
import { matrixError, MATRIX_ERRORS, NOT_JSON } from '../telodendria/errors';
import { MATRIX_CORS, MATRIX_PREFLIGHT, matrixToken } from '../telodendria';

/**
 * The Matrix client-server endpoints a client needs to sign in and to register with a registration
 * token (user-interactive authentication). Sessions are Gatehouse tokens; user ids read
 * `@localpart:serverName` with the server name from the settings. Texts are Telodendria's.
 */
/** The spec versions Telodendria announces; Gatehouse serves the same endpoints. */
/** Matrix password login for an account with two-factor sign-in: the API has no step for a TOTP code. */
export const MATRIX_MFA_REFUSAL =
  'Two-factor authentication is enabled for this account; Matrix password login cannot ask for the code. Sign in through the GraphQL API (login, then verifyMfa).';

const SPEC_VERSIONS = ['v1.2', 'v1.3', 'v1.4', 'v1.5', 'v1.6', 'v1.7'];

/** `@bob:example.org` or `bob` → `bob`. */
function localpart(user: string): string {
  const m = /^@([^:]+)(:.*)?$/.exec(user);
  return (m ? m[1] : user).toLowerCase();
}

const bad = (message: string, field: string, reason: string) => new BadInputError(message, field, { reason });

/** Telodendria's login checks, in its order (WIRE-FACTS §2h). */
function loginUser(req: RestRequest): string {
  const b = req.body;
  if (b.type === undefined) throw bad('Unsupported login type.', 'type', 'UNRECOGNIZED');
  if (b.type !== 'm.login.password') throw bad('Invalid value for LoginRequest.type.', 'type', 'BAD_JSON');
  let user = b.user;
  if (b.identifier !== undefined) {
    const identifier = b.identifier as Record<string, unknown> | null;
    if (typeof identifier !== 'object' || identifier === null || Array.isArray(identifier)) {
      throw bad('LoginRequest.identifier must be of type object.', 'identifier', 'BAD_JSON');
    }
    if (identifier.type === undefined) throw bad('A required parameter was missing from the request.', 'identifier.type', 'MISSING_PARAM');
    if (typeof identifier.type !== 'string') throw bad('Invalid login identifier type.', 'identifier.type', 'BAD_JSON');
    if (identifier.type !== 'm.id.user') throw bad('Invalid login identifier type.', 'identifier.type', 'UNRECOGNIZED');
    user = identifier.user;
  }
  if (typeof user !== 'string' || user === '' || !/^(@[^:]+(:.+)?|[^@:]+)$/.test(user))
    throw bad('Invalid user ID.', 'identifier.user', 'BAD_JSON');
  if (typeof b.password !== 'string') throw bad('LoginRequest.password must be of type string.', 'password', 'BAD_JSON');
  if (b.device_id !== undefined && typeof b.device_id !== 'string')
    throw bad('LoginRequest.device_id must be of type string.', 'device_id', 'BAD_JSON');
  return localpart(user);
}

/** The UIA answer that tells a client which stages registration takes. */
function uiaFlows(mode: string, session: string, error?: { errcode: string; error: string }) {
  const flows = [{ stages: ['m.login.registration_token'] }, ...(mode === 'open' ? [{ stages: ['m.login.dummy'] }] : [])];
  return new Answer(401, { flows, params: {}, session, completed: [], ...(error ?? {}) });
}

/** The client's UIA session, kept across a failed stage (a new one when it sent none). */
function uiaSession(req: RestRequest): string {
  const auth = req.body.auth as Record<string, unknown> | undefined;
  return typeof auth?.session === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(auth.session)
    ? auth.session
    : randomBytes(12).toString('base64url');
}

/**
 * Which answer the registration request gets, once the registration mode is known: without `auth`,
 * the UIA 401 naming the flows; with a stage the current flows offer, the registration; with any other
 * stage (a dummy stage while registration is closed), the flows again (the spec's answer).
 */
function selectRegistration(req: RestRequest, data: MatrixServerQuery): RouteRow | Answer {
  const mode = data.serverInfo.registrationMode;
  const auth = req.body.auth;
  if (auth === undefined || auth === null) return uiaFlows(mode, uiaSession(req));
  if (typeof auth !== 'object' || Array.isArray(auth)) throw bad("'auth' is not an object.", 'auth', 'BAD_JSON');
  const type = (auth as Record<string, unknown>).type;
  if (typeof type !== 'string') throw bad("'auth->type' is unset or not a string.", 'auth.type', 'BAD_JSON');
  const offered = mode === 'open' ? ['m.login.registration_token', 'm.login.dummy'] : ['m.login.registration_token'];
  return offered.includes(type) ? registerWithAuth : uiaFlows(mode, uiaSession(req));
}

const registerWithAuth = row({
  method: 'POST',
  path: '/v3/register',
  operation: ops.MatrixRegisterDocument,
  variables: (req) => {
    const b = req.body;
    const auth = b.auth as Record<string, unknown>;
    if (typeof b.username !== 'string' || b.username === '') throw bad("'username' field is unset", 'username', 'MISSING_PARAM');
    if (typeof b.password !== 'string') throw bad("'password' field is unset", 'password', 'MISSING_PARAM');
    if (b.device_id !== undefined && typeof b.device_id !== 'string')
      throw bad('RegistrationRequest.device_id must be of type string.', 'device_id', 'BAD_JSON');
    const inviteToken = auth.type === 'm.login.registration_token' ? auth.token : undefined;
    if (auth.type === 'm.login.registration_token' && typeof inviteToken !== 'string') {
      throw bad("'auth->token' is unset or not a string.", 'auth.token', 'BAD_JSON');
    }
    return {
      input: {
        username: localpart(b.username),
        password: b.password,
        inviteToken: (inviteToken as string | undefined) ?? null,
        deviceId: (b.device_id as string | undefined) ?? null,
      },
    };
  },
  serialize: (data) => ({ user_id: data.register.user.matrixId, access_token: data.register.token, device_id: data.register.deviceId }),
  // A failed stage answers the whole UIA object again, with the client's session, so it can re-prompt.
  onError: (e, req) =>
    e.code === 'FORBIDDEN' && e.extensions.reason === 'INVALID_INVITE'
      ? uiaFlows(String(e.extensions.registrationMode ?? 'invite'), uiaSession(req), { errcode: 'M_FORBIDDEN', error: e.message })
      : undefined,
});

/** Where the client finds this server again (the spec's `.well-known/matrix/client` shape). */
function wellKnown(info: MatrixServerQuery['serverInfo']) {
  return {
    'm.homeserver': { base_url: info.publicUrl },
    ...(info.matrixIdentityServer ? { 'm.identity_server': { base_url: info.matrixIdentityServer } } : {}),
  };
}

const ROWS: RouteRow[] = [
  row({
    method: 'POST',
    path: '/v3/login',
    operation: ops.MatrixLoginDocument,
    variables: (req) => ({
      username: loginUser(req),
      password: req.body.password as string,
      device: typeof req.body.initial_device_display_name === 'string' ? req.body.initial_device_display_name : 'matrix',
      deviceId: typeof req.body.device_id === 'string' ? req.body.device_id : null,
    }),
    extra: { operation: ops.MatrixServerDocument },
    serialize: (data, _req, extra: MatrixServerQuery) => ({
      user_id: data.login.user.matrixId,
      access_token: data.login.token,
      device_id: data.login.deviceId,
      well_known: wellKnown(extra.serverInfo),
    }),
    onError: (e) => {
      // The Matrix login API has no TOTP step: refused with the spec's 403 M_FORBIDDEN (README).
      if (e.extensions.reason === 'MFA_REQUIRED') return matrixError(403, 'M_FORBIDDEN', MATRIX_MFA_REFUSAL);
      if (e.code !== 'UNAUTHENTICATED' || e.extensions.reason !== 'INVALID_CREDENTIALS') return undefined;
      // Telodendria's text (sic), one for an unknown user and a wrong password alike.
      if (e.extensions.deactivated === true)
        return matrixError(403, 'M_USER_DEACTIVATED', 'The user ID assocated with the request has been deactivated.');
      return matrixError(403, 'M_FORBIDDEN', 'Invalid creditentials for user.');
    },
  }),
  row({
    method: 'POST',
    path: '/v3/logout',
    operation: ops.MatrixLogoutDocument,
    variables: () => ({}),
    serialize: () => ({}),
  }),
  row({
    method: 'GET',
    path: '/v3/account/whoami',
    operation: ops.MatrixWhoamiDocument,
    variables: () => ({}),
    serialize: (data) => ({
      user_id: data.viewer!.matrixId,
      ...(data.currentSession.deviceId ? { device_id: data.currentSession.deviceId } : {}),
      is_guest: false,
    }),
  }),
  row({
    method: 'POST',
    path: '/v3/register',
    // The registration mode decides which stages are offered; then the request decides what runs.
    operation: ops.MatrixServerDocument,
    select: selectRegistration,
    variables: () => ({}),
  }),
  row({
    method: 'GET',
    path: '/v1/register/m.login.registration_token/validity',
    operation: ops.MatrixTokenValidityDocument,
    variables: (req) => {
      if (typeof req.query.token !== 'string' || req.query.token === '') throw bad('token is required', 'token', 'MISSING_PARAM');
      return { token: req.query.token };
    },
    serialize: (data) => ({ valid: data.inviteTokenValid }),
  }),
];

/** Telodendria's text when a known path is asked with another method (the status stays the spec's 405). */
function matrixWrongMethod(path: string): string {
  if (path === '/v3/login') return 'Route only accepts GET and POST.';
  if (path === '/v3/logout') return 'This route only accepts POST.';
  if (path.endsWith('/validity')) return 'This route only accepts GET.';
  return 'The server did not understand the request.';
}

export const matrixClientDialect: Dialect = {
  name: 'matrix',
  entryPoint: 'MATRIX',
  prefixes: ['/_matrix/client'],
  rows: ROWS,
  unimplemented: [],
  statics: [
    { method: 'GET', path: '/versions', answer: { status: 200, body: { versions: SPEC_VERSIONS } } },
    { method: 'GET', path: '/v3/login', answer: { status: 200, body: { flows: [{ type: 'm.login.password' }] } } },
  ],
  token: matrixToken,
  error: (e) => {
    if (e.code === 'CONFLICT' && e.extensions.field === 'username')
      return matrixError(400, 'M_USER_IN_USE', 'The user ID specified has already been taken.');
    if (
      e.code === 'BAD_USER_INPUT' &&
      Array.isArray(e.extensions.fields) &&
      (e.extensions.fields as string[]).some((f) => f.endsWith('username'))
    ) {
      return matrixError(400, 'M_INVALID_USERNAME', 'The user ID specified is not valid.');
    }
    if (e.code === 'FORBIDDEN' && e.extensions.reason === 'INVALID_INVITE') return matrixError(401, 'M_FORBIDDEN', e.message);
    return MATRIX_ERRORS[e.code](e);
  },
  notFound: matrixError(404, 'M_UNRECOGNIZED', 'Unrecognized request.'),
  notImplemented: matrixError(501, 'M_UNRECOGNIZED', 'Not implemented by Gatehouse.'),
  wrongMethod: (path) => matrixError(405, 'M_UNRECOGNIZED', matrixWrongMethod(path)),
  badRequest: () => matrixError(400, 'M_NOT_JSON', NOT_JSON),
  cors: () => MATRIX_CORS,
  preflight: MATRIX_PREFLIGHT,
};
