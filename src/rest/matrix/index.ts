import { randomBytes } from 'node:crypto';
import { BadInputError } from '../../errors/errors';
import type { Dialect } from '../dialect';
import * as ops from '../operations/__generated__/operations';
import { Answer, row, type RestRequest, type RouteRow } from '../route';
import { matrixError, MATRIX_ERRORS } from '../telodendria/errors';
import { matrixToken } from '../telodendria';

/**
 * The Matrix client-server endpoints a client needs to sign in and to register with a registration
 * token (user-interactive authentication). Sessions are Gatehouse tokens; user ids read
 * `@localpart:serverName` with the server name from the settings.
 */
const SPEC_VERSIONS = ['r0.6.1', 'v1.1', 'v1.2', 'v1.3', 'v1.4', 'v1.5', 'v1.6', 'v1.7', 'v1.8', 'v1.9', 'v1.10', 'v1.11'];

/** `@bob:example.org` or `bob` → `bob`. */
function localpart(user: string): string {
  const m = /^@([^:]+)(:.*)?$/.exec(user);
  return (m ? m[1] : user).toLowerCase();
}

function loginUser(req: RestRequest): string {
  const b = req.body;
  if (b.type !== 'm.login.password') throw new BadInputError('Unknown login type', 'type', { reason: 'UNKNOWN_LOGIN' });
  const identifier = b.identifier as Record<string, unknown> | undefined;
  const user = identifier?.type === 'm.id.user' ? identifier.user : b.user;
  if (typeof user !== 'string' || user === '') throw new BadInputError('identifier.user is required', 'identifier', { reason: 'MISSING_PARAM' });
  if (typeof b.password !== 'string') throw new BadInputError('password is required', 'password', { reason: 'MISSING_PARAM' });
  return localpart(user);
}

/** The UIA answer that tells a client which stages registration takes. */
function uiaFlows(mode: string, session: string, error?: { errcode: string; error: string }) {
  const flows = [{ stages: ['m.login.registration_token'] }, ...(mode === 'open' ? [{ stages: ['m.login.dummy'] }] : [])];
  return new Answer(401, { flows, params: {}, session, completed: [], ...(error ?? {}) });
}

const UIA_STAGES = ['m.login.registration_token', 'm.login.dummy'];

/** The client's UIA session, kept across a failed stage (a new one when it sent none). */
function uiaSession(req: RestRequest): string {
  const auth = req.body.auth as Record<string, unknown> | undefined;
  return typeof auth?.session === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(auth.session) ? auth.session : randomBytes(12).toString('base64url');
}

/**
 * Which registration row serves the request: without `auth`, the UIA 401 naming the flows; with a stage
 * Gatehouse knows, the registration; with another stage, the flows again (the spec's answer).
 */
function selectRegistration(req: RestRequest): RouteRow {
  const auth = req.body.auth;
  if (auth === undefined || auth === null) return registerFlows;
  if (typeof auth !== 'object' || Array.isArray(auth)) throw new BadInputError("'auth' is not an object.", 'auth', { reason: 'BAD_JSON' });
  const type = (auth as Record<string, unknown>).type;
  if (typeof type !== 'string') throw new BadInputError("'auth->type' is unset or not a string.", 'auth.type', { reason: 'BAD_JSON' });
  return UIA_STAGES.includes(type) ? registerWithAuth : registerFlows;
}

const registerWithAuth = row({
  method: 'POST',
  path: '/v3/register',
  operation: ops.MatrixRegisterDocument,
  variables: (req) => {
    const b = req.body;
    const auth = b.auth as Record<string, unknown>;
    if (typeof b.username !== 'string' || b.username === '') throw new BadInputError('username is required', 'username', { reason: 'MISSING_PARAM' });
    if (typeof b.password !== 'string') throw new BadInputError('password is required', 'password', { reason: 'MISSING_PARAM' });
    const inviteToken = auth.type === 'm.login.registration_token' ? auth.token : undefined;
    if (auth.type === 'm.login.registration_token' && typeof inviteToken !== 'string') {
      throw new BadInputError('auth.token is required', 'auth.token', { reason: 'MISSING_PARAM' });
    }
    return { input: { username: localpart(b.username), password: b.password, inviteToken: (inviteToken as string | undefined) ?? null } };
  },
  serialize: (data) => ({
    user_id: data.register.user.matrixId,
    access_token: data.register.token,
    device_id: randomBytes(5).toString('hex').toUpperCase(),
  }),
  // A failed stage answers the whole UIA object again, with the client's session, so it can re-prompt.
  onError: (e, req) =>
    e.code === 'FORBIDDEN' && e.extensions.reason === 'INVALID_INVITE'
      ? uiaFlows(String(e.extensions.registrationMode ?? 'invite'), uiaSession(req), { errcode: 'M_FORBIDDEN', error: e.message })
      : undefined,
});

const ROWS: RouteRow[] = [
  row({
    method: 'POST',
    path: '/v3/login',
    operation: ops.MatrixLoginDocument,
    variables: (req) => ({
      username: loginUser(req),
      password: req.body.password as string,
      device: typeof req.body.initial_device_display_name === 'string' ? req.body.initial_device_display_name : 'matrix',
    }),
    serialize: (data, req) => ({
      user_id: data.login.user.matrixId,
      access_token: data.login.token,
      device_id: typeof req.body.device_id === 'string' ? req.body.device_id : randomBytes(5).toString('hex').toUpperCase(),
    }),
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
    serialize: (data) =>
      data.viewer
        ? { user_id: data.viewer.matrixId, is_guest: false }
        : new Answer(401, { errcode: 'M_UNKNOWN_TOKEN', error: 'Unrecognised access token.' }),
  }),
  row({
    method: 'POST',
    path: '/v3/register',
    operation: ops.MatrixServerDocument,
    // Without an `auth` stage the answer is the UIA 401 naming the flows; with one, it registers.
    select: selectRegistration,
    variables: () => ({}),
  }),
  row({
    method: 'GET',
    path: '/v1/register/m.login.registration_token/validity',
    operation: ops.MatrixTokenValidityDocument,
    variables: (req) => {
      if (typeof req.query.token !== 'string' || req.query.token === '') throw new BadInputError('token is required', 'token', { reason: 'MISSING_PARAM' });
      return { token: req.query.token };
    },
    serialize: (data) => ({ valid: data.inviteTokenValid }),
  }),
];

const registerFlows = row({
  method: 'POST',
  path: '/v3/register',
  operation: ops.MatrixServerDocument,
  variables: () => ({}),
  serialize: (data, req) => uiaFlows(data.serverInfo.registrationMode, uiaSession(req)),
});

export const matrixClientDialect: Dialect = {
  name: 'matrix',
  prefixes: ['/_matrix/client'],
  rows: ROWS,
  unimplemented: [],
  statics: [
    { method: 'GET', path: '/versions', answer: { status: 200, body: { versions: SPEC_VERSIONS, unstable_features: {} } } },
    { method: 'GET', path: '/v3/login', answer: { status: 200, body: { flows: [{ type: 'm.login.password' }] } } },
  ],
  token: matrixToken,
  error: (e) => {
    if (e.extensions.reason === 'UNKNOWN_LOGIN') return matrixError(400, 'M_UNKNOWN', e.message);
    if (e.code === 'CONFLICT' && e.extensions.field === 'username') return matrixError(400, 'M_USER_IN_USE', 'Desired user ID is already taken.');
    if (e.code === 'BAD_USER_INPUT' && Array.isArray(e.extensions.fields) && (e.extensions.fields as string[]).some((f) => f.endsWith('username'))) {
      return matrixError(400, 'M_INVALID_USERNAME', e.message);
    }
    if (e.code === 'FORBIDDEN' && e.extensions.reason === 'INVALID_INVITE') return matrixError(401, 'M_FORBIDDEN', e.message);
    return MATRIX_ERRORS[e.code](e);
  },
  notFound: matrixError(404, 'M_UNRECOGNIZED', 'Unrecognized request.'),
  notImplemented: matrixError(501, 'M_UNRECOGNIZED', 'Not implemented by Gatehouse.'),
  wrongMethod: matrixError(405, 'M_UNRECOGNIZED', 'Unrecognized request method.'),
  badRequest: () => matrixError(400, 'M_NOT_JSON', 'Request body is not valid JSON.'),
};
