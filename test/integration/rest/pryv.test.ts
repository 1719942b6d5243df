import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { startTestApp, type TestApp } from '../../helpers/app';
import { auditCount, createUser, type Actor } from '../../helpers/factories';
import { rest } from '../../helpers/rest';
import { enrolMfa } from '../../helpers/mfa';

const ALL_PERMISSIONS = {
  users: ['read', 'create', 'delete', 'resetPassword', 'changePermissions'],
  settings: ['read', 'update'],
  platformUsers: ['read', 'delete', 'modify'],
};

/** Pryv's admin app sends the JWT raw in Authorization (no "Bearer "). */
const raw = (token: string) => ({ headers: { authorization: token } });

describe('Pryv.io admin API', () => {
  let t: TestApp;
  let admin: Actor;
  let adminJwt: string;

  async function login(username: string, password: string): Promise<string> {
    const res = await rest(t, 'POST', '/auth/login', { body: { username, password } });
    expect(res.status).toBe(200);
    return res.body.token as string;
  }

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, { username: 'lead', password: 'lead-password-1', roles: ['admin'] });
    adminJwt = await login('lead', 'lead-password-1');
  });
  afterAll(() => t.close());

  it('POST /login answers a JWT that decodes to {username, permissions}, HS256, valid 24 h', async () => {
    const header = decodeProtectedHeader(adminJwt);
    expect(header.alg).toBe('HS256');
    const payload = decodeJwt(adminJwt);
    expect(payload).toMatchObject({ username: 'lead', permissions: ALL_PERMISSIONS });
    expect(payload.exp! - payload.iat!).toBe(24 * 3600);
    // Raw and Bearer forms both work.
    expect((await rest(t, 'GET', '/users', raw(adminJwt))).status).toBe(200);
    expect((await rest(t, 'GET', '/users', { token: adminJwt })).status).toBe(200);
  });

  it('POST /login: an unknown user and a wrong password answer the same 401 "Authentication failed"; bad input answers Joi\'s text', async () => {
    const wrong = await rest(t, 'POST', '/auth/login', { body: { username: 'lead', password: 'nope-nope-nope' } });
    const unknown = await rest(t, 'POST', '/auth/login', { body: { username: 'nobody', password: 'nope-nope-nope' } });
    expect(wrong.status).toBe(401);
    expect(unknown).toEqual(wrong);
    expect(wrong.body).toBe('Authentication failed');
    const missing = await rest(t, 'POST', '/auth/login', { body: { username: 'lead' } });
    expect(missing).toMatchObject({ status: 400, body: 'Error validating request body. "password" is required.' });
    expect(missing.contentType).toMatch(/^text\/plain/);
    const all = await rest(t, 'POST', '/auth/login', { body: { username: '', password: 5, foo: 1 } });
    expect(all.body).toBe(
      'Error validating request body. "username" is not allowed to be empty. "password" must be a string. "foo" is not allowed.',
    );
    const notJson = await fetch(`${t.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as any).error.id).toBe('invalid-input');
  });

  it('POST /logout revokes the token: it then answers 401 "Invalid token"', async () => {
    const jwt = await login('lead', 'lead-password-1');
    const out = await rest(t, 'POST', '/auth/logout', raw(jwt));
    expect(out).toMatchObject({ status: 200, body: { token: jwt } });
    const after = await rest(t, 'GET', '/users', raw(jwt));
    expect(after).toMatchObject({ status: 401, body: { error: { id: 'invalid-access-token', message: 'Invalid token' } } });
  });

  it('rejects forged, tampered, algorithm-swapped and expired JWTs with 401 "Invalid token"', async () => {
    const [h, p, s] = adminJwt.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...decodeJwt(adminJwt), username: 'other' })).toString('base64url')}.${s}`;
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
    const foreign = await new SignJWT({ username: 'lead' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('1')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('x'.repeat(48)));
    for (const bad of [tampered, none, foreign, 'garbage']) {
      expect(await rest(t, 'GET', '/users', raw(bad))).toMatchObject({
        status: 401,
        body: { error: { id: 'invalid-access-token', message: 'Invalid token' } },
      });
    }
    expect(await rest(t, 'GET', '/users')).toMatchObject({ status: 401, body: { error: { id: 'invalid-access-token' } } });
  });

  it('GET /users lists the admin users (accounts holding a privilege) as {username, permissions}', async () => {
    await createUser(t, { username: 'ordinary' });
    const res = await rest(t, 'GET', '/users', raw(adminJwt));
    expect(res.status).toBe(200);
    expect(res.body.users).toContainEqual({ username: 'lead', permissions: ALL_PERMISSIONS });
    expect(res.body.users.map((u: { username: string }) => u.username)).not.toContain('ordinary');
  });

  it('POST /users creates an admin user (201) whose permissions read back identically through GET /users/:username', async () => {
    const permissions = { users: ['read', 'delete'], settings: ['read'], platformUsers: ['read', 'modify'] };
    const created = await rest(t, 'POST', '/users', {
      ...raw(adminJwt),
      body: { username: 'helper', password: 'helper-password-1', permissions },
    });
    expect(created).toEqual(
      expect.objectContaining({
        status: 201,
        body: { user: { username: 'helper', permissions: { ...permissions, users: ['read', 'delete'] } } },
      }),
    );
    const read = await rest(t, 'GET', '/users/helper', raw(adminJwt));
    expect(read).toMatchObject({ status: 200, body: { user: { username: 'helper', permissions } } });
    // The JWT of the new user carries the same permissions.
    expect(decodeJwt(await login('helper', 'helper-password-1')).permissions).toEqual(permissions);
    expect(await auditCount(t, 'user.create')).toBeGreaterThan(0);
  });

  it('POST /users: duplicates answer 409 item-already-exists, bad permissions 400, and nothing is created', async () => {
    const none = { users: [], settings: [], platformUsers: [] };
    const dup = await rest(t, 'POST', '/users', {
      ...raw(adminJwt),
      body: { username: 'helper', password: 'another-password', permissions: none },
    });
    expect(dup).toMatchObject({ status: 409, body: { error: { id: 'item-already-exists' } } });
    const bad = await rest(t, 'POST', '/users', {
      ...raw(adminJwt),
      body: { username: 'x1', password: 'another-password', permissions: { ...none, users: ['fly'] } },
    });
    expect(bad).toMatchObject({
      status: 400,
      body: 'Error validating request body. "permissions.users[0]" must be one of [read, create, changePermissions, resetPassword, delete].',
    });
    const badGroup = await rest(t, 'POST', '/users', {
      ...raw(adminJwt),
      body: { username: 'x2', password: 'another-password', permissions: { rockets: [] } },
    });
    expect(badGroup).toMatchObject({
      status: 400,
      body: 'Error validating request body. "permissions.users" is required. "permissions.settings" is required. "permissions.platformUsers" is required. "permissions.rockets" is not allowed.',
    });
    expect((await rest(t, 'GET', '/platform-users/x1', raw(adminJwt))).status).toBe(404);
  });

  it('POST /users: nobody grants more than they hold (401 Insufficient permissions, as upstream), and users:create alone cannot read', async () => {
    await rest(t, 'POST', '/users', {
      ...raw(adminJwt),
      body: {
        username: 'creator',
        password: 'creator-password-1',
        permissions: { users: ['create'], settings: [], platformUsers: ['read'] },
      },
    });
    const jwt = await login('creator', 'creator-password-1');
    const esc = await rest(t, 'POST', '/users', {
      ...raw(jwt),
      body: { username: 'x3', password: 'x3-password-1', permissions: { users: [], settings: ['update'], platformUsers: [] } },
    });
    expect(esc).toMatchObject({ status: 401, body: { error: { id: 'forbidden', message: 'Insufficient permissions' } } });
    const ok = await rest(t, 'POST', '/users', {
      ...raw(jwt),
      body: { username: 'x4', password: 'x4-password-1', permissions: { users: [], settings: [], platformUsers: ['read'] } },
    });
    expect(ok).toMatchObject({
      status: 201,
      body: { user: { username: 'x4', permissions: { users: [], settings: [], platformUsers: ['read'] } } },
    });
    expect(await rest(t, 'GET', '/users', raw(jwt))).toMatchObject({
      status: 401,
      body: { error: { id: 'forbidden', message: 'Insufficient permissions' } },
    });
  });

  it('PUT /users/:username/permissions replaces the Pryv permissions and keeps privileges Pryv does not name', async () => {
    await createUser(t, { username: 'mixed', privileges: ['ISSUE_TOKENS', 'VIEW_USERS'] });
    const permissions = { users: ['read'], settings: ['read', 'update'], platformUsers: [] };
    const res = await rest(t, 'PUT', '/users/mixed/permissions', { ...raw(adminJwt), body: { permissions } });
    expect(res).toMatchObject({ status: 200, body: { user: { username: 'mixed', permissions } } });
    const gql = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
      body: JSON.stringify({ query: '{ user(username: "mixed") { directPrivileges } }' }),
    });
    expect(((await gql.json()) as any).data.user.directPrivileges).toEqual([
      'ISSUE_TOKENS',
      'VIEW_PRIVILEGES',
      'VIEW_CONFIG',
      'UPDATE_CONFIG',
    ]);
    expect(await rest(t, 'PUT', '/users/mixed/permissions', { ...raw(adminJwt), body: {} })).toMatchObject({
      status: 400,
      body: 'Error validating request body. "permissions" is required.',
    });
    expect(await rest(t, 'PUT', '/users/ghost/permissions', { ...raw(adminJwt), body: { permissions } })).toMatchObject({
      status: 404,
      body: 'User ghost not found',
    });
  });

  it('GET /users/:username answers 404 unknown-resource for an account that is not an admin user', async () => {
    expect(await rest(t, 'GET', '/users/ordinary', raw(adminJwt))).toEqual(
      expect.objectContaining({ status: 404, body: 'User ordinary not found' }),
    );
  });

  it('POST /users/:username/reset-password answers a generated password that signs in; the old one stops working', async () => {
    const res = await rest(t, 'POST', '/users/helper/reset-password', raw(adminJwt));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ username: 'helper', password: expect.stringMatching(/^[A-Za-z0-9]{15}$/) });
    await login('helper', res.body.password);
    expect((await rest(t, 'POST', '/auth/login', { body: { username: 'helper', password: 'helper-password-1' } })).status).toBe(401);
    // Resetting the password of someone holding more than the caller would be a way up: refused.
    const resetter = await createUser(t, { username: 'resetter', password: 'resetter-password', privileges: ['RESET_PASSWORDS'] });
    const jwt = await login(resetter.username, 'resetter-password');
    expect(await rest(t, 'POST', '/users/lead/reset-password', raw(jwt))).toMatchObject({
      status: 401,
      body: { error: { id: 'forbidden', message: 'Insufficient permissions' } },
    });
  });

  it('POST /users/:username/change-password changes one’s own password and revokes the token', async () => {
    await createUser(t, { username: 'changer', password: 'changer-password', privileges: ['VIEW_USERS'] });
    const jwt = await login('changer', 'changer-password');
    const mismatch = await rest(t, 'POST', '/users/changer/change-password', {
      ...raw(jwt),
      body: { oldPassword: 'changer-password', newPassword: 'new-password-1', newPasswordCheck: 'new-password-2' },
    });
    expect(mismatch).toMatchObject({ status: 400, body: { error: { message: 'Passwords do not match' } } });
    // Even an administrator cannot change someone else's password here (upstream: self only).
    const other = await rest(t, 'POST', '/users/changer/change-password', {
      ...raw(adminJwt),
      body: { oldPassword: 'x', newPassword: 'new-password-1', newPasswordCheck: 'new-password-1' },
    });
    expect(other).toMatchObject({ status: 401, body: { error: { id: 'forbidden', message: 'Insufficient permissions' } } });
    const wrongOld = await rest(t, 'POST', '/users/changer/change-password', {
      ...raw(jwt),
      body: { oldPassword: 'wrong-password', newPassword: 'new-password-1', newPasswordCheck: 'new-password-1' },
    });
    expect(wrongOld).toMatchObject({ status: 401, body: { error: { message: 'Invalid password' } } });
    const ok = await rest(t, 'POST', '/users/changer/change-password', {
      ...raw(jwt),
      body: { oldPassword: 'changer-password', newPassword: 'new-password-1', newPasswordCheck: 'new-password-1' },
    });
    expect(ok).toMatchObject({ status: 200, body: {} });
    expect(await rest(t, 'GET', '/platform-users/changer', raw(jwt))).toMatchObject({
      status: 401,
      body: { error: { message: 'Invalid token' } },
    });
    await login('changer', 'new-password-1');
  });

  it('DELETE /users/:username deletes an admin user and answers {username}; staff deletion needs users:delete', async () => {
    await rest(t, 'POST', '/users', {
      ...raw(adminJwt),
      body: { username: 'gone', password: 'gone-password-1', permissions: { users: ['read'], settings: [], platformUsers: [] } },
    });
    const pu = await createUser(t, { username: 'pudeleter', password: 'pudeleter-password', privileges: ['DELETE_USERS'] });
    const puJwt = await login(pu.username, 'pudeleter-password');
    expect(await rest(t, 'DELETE', '/users/gone', raw(puJwt))).toMatchObject({
      status: 401,
      body: { error: { id: 'forbidden', message: 'Insufficient permissions' } },
    });
    expect(await rest(t, 'DELETE', '/users/gone', raw(adminJwt))).toMatchObject({ status: 200, body: { username: 'gone' } });
    expect((await rest(t, 'GET', '/users/gone', raw(adminJwt))).status).toBe(404);
    expect(await rest(t, 'DELETE', '/users/gone', raw(adminJwt))).toMatchObject({ status: 404, body: 'User gone not found' });
  });

  it('GET /settings answers Pryv platform-settings groups; PUT /settings takes the whole document back as the app sends it', async () => {
    const before = await rest(t, 'GET', '/admin/settings', raw(adminJwt));
    expect(before.status).toBe(200);
    const groups = before.body.settings;
    // The shape the admin app renders: a titled tab per group, {value, description} per key.
    for (const g of Object.values(groups) as Array<{ name: string; settings: Record<string, { value: unknown; description: string }> }>) {
      expect(typeof g.name).toBe('string');
      for (const entry of Object.values(g.settings)) expect(entry).toEqual({ value: entry.value, description: expect.any(String) });
    }
    expect(groups.SERVICE_INFORMATION_SETTINGS.settings.INSTANCE_NAME.value).toEqual(expect.any(String));
    expect(groups.API_SETTINGS.settings.REGISTRATION_MODE.value).toBe('invite');
    expect(groups.EMAIL_CONFIGURATION_SETTINGS.settings.SMTP_PASSWORD.value).toBeNull();
    // The app edits a value and sends the entire object back, with a group of its own.
    const edited = structuredClone(groups);
    edited.SERVICE_INFORMATION_SETTINGS.settings.INSTANCE_NAME.value = 'Pryv Lab';
    edited.API_SETTINGS.settings.TOKEN_LIFETIME_SECONDS.value = 7200;
    edited.MFA_SETTINGS = { name: 'MFA', settings: { MFA_SMS_API_URL: { value: 'https://sms.example/api', description: 'SMS endpoint' } } };
    const put = await rest(t, 'PUT', '/admin/settings', { ...raw(adminJwt), body: edited });
    expect(put.status).toBe(200);
    expect(put.body.settings.SERVICE_INFORMATION_SETTINGS.settings.INSTANCE_NAME.value).toBe('Pryv Lab');
    expect(put.body.settings.MFA_SETTINGS).toEqual(edited.MFA_SETTINGS);
    const again = (await rest(t, 'GET', '/admin/settings', raw(adminJwt))).body.settings;
    expect(again.API_SETTINGS.settings.TOKEN_LIFETIME_SECONDS.value).toBe(7200);
    expect(again.MFA_SETTINGS.settings.MFA_SMS_API_URL.value).toBe('https://sms.example/api');
    // Gatehouse itself runs on the values: the GraphQL settings say the same.
    const viaGql = (await (
      await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
        body: JSON.stringify({ query: '{ settings { settings } }' }),
      })
    ).json()) as any;
    expect(viaGql.data.settings.settings).toMatchObject({ instanceName: 'Pryv Lab', tokenLifetimeSeconds: 7200 });
    // Invalid values and shapes are refused whole.
    const bad = structuredClone(again);
    bad.SERVICE_INFORMATION_SETTINGS.settings.INSTANCE_NAME.value = 'Never';
    bad.SERVICE_INFORMATION_SETTINGS.settings.SERVER_NAME.value = 'not a host!';
    expect(await rest(t, 'PUT', '/admin/settings', { ...raw(adminJwt), body: bad })).toMatchObject({
      status: 400,
      body: { error: { id: 'invalid-input' } },
    });
    expect(await rest(t, 'PUT', '/admin/settings', { ...raw(adminJwt), body: { API_SETTINGS: { name: 'x' } } })).toMatchObject({
      status: 400,
    });
    expect(
      await rest(t, 'PUT', '/admin/settings', { ...raw(adminJwt), body: { API_SETTINGS: { settings: { NOPE: { value: 1 } } } } }),
    ).toMatchObject({ status: 400 });
    expect(
      (await rest(t, 'GET', '/admin/settings', raw(adminJwt))).body.settings.SERVICE_INFORMATION_SETTINGS.settings.INSTANCE_NAME.value,
    ).toBe('Pryv Lab');
    // settings:read alone reads but does not write.
    await rest(t, 'POST', '/users', {
      ...raw(adminJwt),
      body: { username: 'reader', password: 'reader-password', permissions: { users: [], settings: ['read'], platformUsers: [] } },
    });
    const jwt = await login('reader', 'reader-password');
    expect((await rest(t, 'GET', '/admin/settings', raw(jwt))).status).toBe(200);
    expect(await rest(t, 'PUT', '/admin/settings', { ...raw(jwt), body: {} })).toMatchObject({
      status: 401,
      body: { error: { id: 'forbidden', message: 'Insufficient permissions' } },
    });
  });

  it('POST /notify re-applies the settings in this instance and answers {successes, failures}', async () => {
    const res = await rest(t, 'POST', '/admin/notify', { ...raw(adminJwt), body: { services: ['core'] } });
    expect(res).toMatchObject({ status: 200, body: { successes: [{ url: expect.any(String), role: 'gatehouse' }], failures: [] } });
    expect(await auditCount(t, 'settings.apply')).toBe(1);
  });

  it('GET /platform-users/:username answers the PlatformUser shape; 404 when unknown', async () => {
    await createUser(t, { username: 'carol', email: 'carol@example.org' });
    const res = await rest(t, 'GET', '/platform-users/carol', raw(adminJwt));
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({
      username: 'carol',
      email: 'carol@example.org',
      language: null,
      invitationToken: null,
      referer: null,
      registeredTimestamp: expect.any(Number),
      server: expect.stringMatching(/^http/),
      registeredDate: expect.any(String),
    });
    expect(await rest(t, 'GET', '/platform-users/nobody', raw(adminJwt))).toMatchObject({ status: 404, body: 'User nobody not found' });
  });

  it('DELETE /platform-users/:username deletes an account and answers {username}; platformUsers:delete cannot delete staff', async () => {
    const deleter = await createUser(t, { username: 'deleter', password: 'deleter-password', privileges: ['DELETE_USERS'] });
    const jwt = await login(deleter.username, 'deleter-password');
    await createUser(t, { username: 'dave' });
    expect(await rest(t, 'DELETE', '/platform-users/dave', raw(jwt))).toMatchObject({ status: 200, body: { username: 'dave' } });
    expect((await rest(t, 'GET', '/platform-users/dave', raw(adminJwt))).status).toBe(404);
    expect(await rest(t, 'DELETE', '/platform-users/lead', raw(jwt))).toMatchObject({
      status: 401,
      body: { error: { id: 'forbidden', message: 'Insufficient permissions' } },
    });
  });

  it('answers unknown paths with 404 unknown-resource and unbuilt upstream endpoints with 501', async () => {
    expect(await rest(t, 'GET', '/admin/nothing', raw(adminJwt))).toMatchObject({
      status: 404,
      body: { error: { id: 'unknown-resource' } },
    });
    expect(await rest(t, 'GET', '/admin/migrations', raw(adminJwt))).toMatchObject({
      status: 501,
      body: { error: { id: 'unsupported-operation' } },
    });
    expect((await rest(t, 'POST', '/admin/migrations/apply', raw(adminJwt))).status).toBe(501);
  });

  it('DELETE /platform-users/:username/mfa turns MFA off (204, platformUsers:modify); POST /login refuses an MFA account with 403 mfa-required', async () => {
    const user = await createUser(t, { username: 'mfa-staff', password: 'mfa-staff-password-1', privileges: ['VIEW_USERS'] });
    await enrolMfa(t, user);
    const refused = await rest(t, 'POST', '/auth/login', { body: { username: 'mfa-staff', password: 'mfa-staff-password-1' } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.id).toBe('mfa-required');
    expect(refused.body.error.message).toMatch(/Two-factor authentication is enabled/);
    expect(JSON.stringify(refused.body)).not.toMatch(/mfaChallenge/);

    const reader = await createUser(t, { privileges: ['VIEW_USERS'] });
    expect((await rest(t, 'DELETE', '/platform-users/mfa-staff/mfa', raw(reader.token))).status).toBe(401);
    const res = await rest(t, 'DELETE', '/platform-users/mfa-staff/mfa', raw(adminJwt));
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    expect((await rest(t, 'DELETE', '/platform-users/no-such-user/mfa', raw(adminJwt))).status).toBe(404);
    expect((await rest(t, 'POST', '/auth/login', { body: { username: 'mfa-staff', password: 'mfa-staff-password-1' } })).status).toBe(200);
  });
});

/** What a browser checks before it lets a page on another origin read an answer. */
async function raw_(t: TestApp, method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('Pryv.io CORS, as service-config-leader sends it', () => {
  const APP = 'https://adm.pryv.example';
  let t: TestApp;
  let jwt: string;
  beforeAll(async () => {
    t = await startTestApp();
    await createUser(t, { username: 'lead', password: 'lead-password-1', roles: ['admin'] });
    jwt = (await rest(t, 'POST', '/auth/login', { body: { username: 'lead', password: 'lead-password-1' } })).body.token;
  });
  afterAll(() => t.close());

  it('OPTIONS preflights answer 200 "OK" before any authentication, echoing origin, method and headers', async () => {
    for (const [path, method] of [
      ['/users/bob/permissions', 'PUT'],
      ['/users/bob', 'DELETE'],
      ['/admin/settings', 'PUT'],
      ['/auth/login', 'POST'],
      ['/users', 'GET'],
      ['/platform-users/bob/mfa', 'DELETE'],
    ]) {
      const res = await raw_(t, 'OPTIONS', path, {
        origin: APP,
        'access-control-request-method': method,
        'access-control-request-headers': 'authorization,content-type',
      });
      expect([path, res.status, res.text]).toEqual([path, 200, 'OK']);
      expect(res.headers.get('access-control-allow-origin')).toBe(APP);
      expect(res.headers.get('access-control-allow-methods')).toBe(method);
      expect(res.headers.get('access-control-allow-headers')).toBe('Authorization, Content-Type');
      expect(res.headers.get('access-control-allow-credentials')).toBe('true');
      expect(res.headers.get('access-control-max-age')).toBe('31536000');
    }
  });

  it('a cross-origin GET /users, its 401s and its errors carry the headers a browser needs to read them', async () => {
    const ok = await raw_(t, 'GET', '/users', { origin: APP, authorization: jwt });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(APP);
    expect(ok.headers.get('access-control-allow-methods')).toBe('POST, GET, PUT, OPTIONS, DELETE');
    expect(JSON.parse(ok.text).users.map((u: { username: string }) => u.username)).toContain('lead');
    const noToken = await raw_(t, 'GET', '/users', { origin: APP });
    expect(noToken.status).toBe(401);
    expect(JSON.parse(noToken.text).error.message).toBe('Invalid token');
    expect(noToken.headers.get('access-control-allow-origin')).toBe(APP);
    const unknown = await raw_(t, 'GET', '/admin/nothing', { origin: APP, authorization: jwt });
    expect([unknown.status, unknown.headers.get('access-control-allow-origin')]).toEqual([404, APP]);
    // Without an Origin (a script, curl): `*`, as upstream.
    expect((await raw_(t, 'GET', '/users', { authorization: jwt })).headers.get('access-control-allow-origin')).toBe('*');
  });

  it('PRYV_CORS_ORIGINS narrows the origins answered; /graphql keeps its own policy', async () => {
    const narrow = await startTestApp({ PRYV_CORS_ORIGINS: APP });
    try {
      const other = await raw_(narrow, 'OPTIONS', '/users', { origin: 'https://evil.example', 'access-control-request-method': 'GET' });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      const mine = await raw_(narrow, 'OPTIONS', '/users', { origin: APP, 'access-control-request-method': 'GET' });
      expect(mine.headers.get('access-control-allow-origin')).toBe(APP);
    } finally {
      await narrow.close();
    }
    const gqlPreflight = await raw_(t, 'OPTIONS', '/graphql', { origin: APP, 'access-control-request-method': 'POST' });
    expect(gqlPreflight.headers.get('access-control-allow-origin')).toBeNull();
    const sandbox = await raw_(t, 'OPTIONS', '/graphql', {
      origin: 'https://studio.apollographql.com',
      'access-control-request-method': 'POST',
    });
    expect([sandbox.status, sandbox.headers.get('access-control-allow-origin')]).toEqual([204, 'https://studio.apollographql.com']);
  });
});

describe('Pryv.io permissions mean what they mean upstream', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await createUser(t, { username: 'lead', password: 'lead-password-1', roles: ['admin'] });
  });
  afterAll(() => t.close());

  it('PUT /admin/settings with settings:update alone: it may change, not read, and reads back as [update]', async () => {
    const lead = (await rest(t, 'POST', '/auth/login', { body: { username: 'lead', password: 'lead-password-1' } })).body.token;
    const created = await rest(t, 'POST', '/users', {
      ...raw(lead),
      body: { username: 'updater', password: 'updater-password', permissions: { users: [], settings: ['update'], platformUsers: [] } },
    });
    expect(created).toMatchObject({ status: 201, body: { user: { permissions: { settings: ['update'] } } } });
    const jwt = (await rest(t, 'POST', '/auth/login', { body: { username: 'updater', password: 'updater-password' } })).body.token;
    expect(await rest(t, 'GET', '/admin/settings', raw(jwt))).toMatchObject({
      status: 401,
      body: { error: { message: 'Insufficient permissions' } },
    });
    expect((await rest(t, 'POST', '/admin/notify', { ...raw(jwt), body: {} })).status).toBe(200);
    expect(await rest(t, 'GET', '/users/updater', raw(lead))).toMatchObject({
      status: 200,
      body: { user: { permissions: { settings: ['update'] } } },
    });
    // Telodendria's CONFIG still reads and changes: in Pryv's words, both.
    await createUser(t, { username: 'telo', privileges: ['CONFIG'] });
    expect(await rest(t, 'GET', '/users/telo', raw(lead))).toMatchObject({
      status: 200,
      body: { user: { permissions: { settings: ['read', 'update'] } } },
    });
  });

  it('POST /users with no permissions makes an admin-console user: listed by GET /users and GET /users/:username, deleted as staff', async () => {
    const lead = (await rest(t, 'POST', '/auth/login', { body: { username: 'lead', password: 'lead-password-1' } })).body.token;
    const none = { users: [], settings: [], platformUsers: [] };
    const created = await rest(t, 'POST', '/users', {
      ...raw(lead),
      body: { username: 'viewer0', password: 'viewer0-password', permissions: none },
    });
    expect(created).toMatchObject({ status: 201, body: { user: { username: 'viewer0', permissions: none } } });
    const list = await rest(t, 'GET', '/users', raw(lead));
    expect(list.body.users).toContainEqual({ username: 'viewer0', permissions: none });
    expect(await rest(t, 'GET', '/users/viewer0', raw(lead))).toMatchObject({
      status: 200,
      body: { user: { username: 'viewer0', permissions: none } },
    });
    // An ordinary account without privileges is a platform user, not listed.
    await createUser(t, { username: 'someone' });
    expect((await rest(t, 'GET', '/users', raw(lead))).body.users.map((u: { username: string }) => u.username)).not.toContain('someone');
    // Deleting it needs users:delete (DELETE_STAFF), not platformUsers:delete.
    await createUser(t, { username: 'pu-deleter', password: 'pu-deleter-password', privileges: ['DELETE_USERS'] });
    const pu = (await rest(t, 'POST', '/auth/login', { body: { username: 'pu-deleter', password: 'pu-deleter-password' } })).body.token;
    expect((await rest(t, 'DELETE', '/platform-users/viewer0', raw(pu))).status).toBe(401);
    expect(await rest(t, 'DELETE', '/users/viewer0', raw(lead))).toMatchObject({ status: 200, body: { username: 'viewer0' } });
  });

  it('GET /admin/invitations/post?count=&message= makes one-use invitations; GET /admin/invitations lists them, consumed ones with who and when', async () => {
    const lead = (await rest(t, 'POST', '/auth/login', { body: { username: 'lead', password: 'lead-password-1' } })).body.token;
    const made = await rest(t, 'GET', '/admin/invitations/post?count=3&message=for%20the%20lab', raw(lead));
    expect(made.status).toBe(200);
    expect(made.body.data).toHaveLength(3);
    for (const inv of made.body.data) {
      expect(inv).toEqual({
        id: expect.stringMatching(/^[A-Za-z0-9_-]{20,}$/),
        createdAt: expect.any(Number),
        createdBy: 'lead',
        description: 'for the lab',
      });
    }
    // One of them is used to register.
    const reg = await rest(t, 'POST', '/graphql', {
      body: {
        query: 'mutation($i: RegisterInput!) { register(input: $i) { token } }',
        variables: { i: { username: 'newbie', password: 'newbie-password', inviteToken: made.body.data[0].id } },
      },
    });
    expect(reg.body.errors).toBeUndefined();
    const list = await rest(t, 'GET', '/admin/invitations', raw(lead));
    expect(list.status).toBe(200);
    const byId = new Map(list.body.invitations.map((i: { id: string }) => [i.id, i]));
    expect(byId.get(made.body.data[0].id)).toEqual({ ...made.body.data[0], consumedAt: expect.any(Number), consumedBy: 'newbie' });
    expect(byId.get(made.body.data[1].id)).toEqual(made.body.data[1]);
    // A used invitation cannot be used again.
    const again = await rest(t, 'POST', '/graphql', {
      body: {
        query: 'mutation($i: RegisterInput!) { register(input: $i) { token } }',
        variables: { i: { username: 'newbie2', password: 'newbie-password', inviteToken: made.body.data[0].id } },
      },
    });
    expect(again.body.errors[0].extensions.reason).toBe('INVALID_INVITE');
    expect((await rest(t, 'GET', '/admin/invitations/post?count=0', raw(lead))).status).toBe(400);
    expect((await rest(t, 'GET', '/admin/invitations/post?count=1000', raw(lead))).status).toBe(400);
    // Issuing invitations needs ISSUE_TOKENS.
    await createUser(t, { username: 'reader2', password: 'reader2-password', privileges: ['VIEW_CONFIG'] });
    const reader = (await rest(t, 'POST', '/auth/login', { body: { username: 'reader2', password: 'reader2-password' } })).body.token;
    expect(await rest(t, 'GET', '/admin/invitations', raw(reader))).toMatchObject({
      status: 401,
      body: { error: { message: 'Insufficient permissions' } },
    });
  });
});

describe('bodies', () => {
  it('DELETE with Content-Type application/json and no body is a request without a body (as Express reads it), and poisoned JSON is refused', async () => {
    const t = await startTestApp();
    try {
      await createUser(t, { username: 'lead', password: 'lead-password-1', roles: ['admin'] });
      await createUser(t, { username: 'victim' });
      const jwt = (await rest(t, 'POST', '/auth/login', { body: { username: 'lead', password: 'lead-password-1' } })).body.token;
      const res = await fetch(`${t.url}/platform-users/victim`, {
        method: 'DELETE',
        headers: { authorization: jwt, 'content-type': 'application/json' },
      });
      expect([res.status, await res.json()]).toEqual([200, { username: 'victim' }]);
      const poisoned = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query":"{ viewer { id } }","__proto__":{"polluted":true}}',
      });
      expect(poisoned.status).toBe(400);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});
