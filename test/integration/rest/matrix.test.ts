import { startTestApp, type TestApp } from '../../helpers/app';
import { createUser, type Actor } from '../../helpers/factories';
import { rest } from '../../helpers/rest';
import { enrolMfa } from '../../helpers/mfa';

/** Status and body only, for exact comparison of an answer. */
const sb = (r: { status: number; body: unknown }) => ({ status: r.status, body: r.body });

describe('Matrix client endpoints', () => {
  let t: TestApp;
  let admin: Actor;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, { username: 'admin', password: 'admin-password', roles: ['admin'] });
    await rest(t, 'PUT', '/_telodendria/admin/v1/config', { token: admin.token, body: { serverName: 'example.org' } });
  });
  afterAll(() => t.close());

  it('GET /versions and GET /v3/login describe the server', async () => {
    const v = await rest(t, 'GET', '/_matrix/client/versions');
    expect(v.status).toBe(200);
    // Telodendria's list: the versions whose endpoints these are.
    expect(v.body).toEqual({ versions: ['v1.2', 'v1.3', 'v1.4', 'v1.5', 'v1.6', 'v1.7'] });
    expect((await rest(t, 'GET', '/_matrix/client/v3/login')).body).toEqual({ flows: [{ type: 'm.login.password' }] });
  });

  it('POST /v3/login signs in with identifier or the older user field; wrong passwords are 403 M_FORBIDDEN', async () => {
    const res = await rest(t, 'POST', '/_matrix/client/v3/login', {
      body: { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'admin' }, password: 'admin-password' },
    });
    expect(res).toMatchObject({
      status: 200,
      body: { user_id: '@admin:example.org', access_token: expect.any(String), device_id: expect.any(String) },
    });
    const old = await rest(t, 'POST', '/_matrix/client/v3/login', {
      body: { type: 'm.login.password', user: '@admin:example.org', password: 'admin-password' },
    });
    expect(old.status).toBe(200);
    const wrong = await rest(t, 'POST', '/_matrix/client/v3/login', {
      body: { type: 'm.login.password', user: 'admin', password: 'nope-nope' },
    });
    expect(sb(wrong)).toEqual({ status: 403, body: { errcode: 'M_FORBIDDEN', error: 'Invalid creditentials for user.' } });
    // An unknown user gets the very same answer: no probing for accounts.
    const ghost = await rest(t, 'POST', '/_matrix/client/v3/login', {
      body: { type: 'm.login.password', user: 'ghost', password: 'nope-nope' },
    });
    expect(sb(ghost)).toEqual(sb(wrong));
    const login = (body: Record<string, unknown>) => rest(t, 'POST', '/_matrix/client/v3/login', { body });
    expect((await login({ type: 'm.login.token', token: 'x' })).body).toEqual({
      errcode: 'M_BAD_JSON',
      error: 'Invalid value for LoginRequest.type.',
    });
    expect((await login({ password: 'x' })).body).toEqual({ errcode: 'M_UNRECOGNIZED', error: 'Unsupported login type.' });
    expect((await login({ type: 'm.login.password', identifier: {}, password: 'x' })).body).toEqual({
      errcode: 'M_MISSING_PARAM',
      error: 'A required parameter was missing from the request.',
    });
    expect((await login({ type: 'm.login.password', identifier: { type: 'm.id.thirdparty' }, password: 'x' })).body).toEqual({
      errcode: 'M_UNRECOGNIZED',
      error: 'Invalid login identifier type.',
    });
    expect((await login({ type: 'm.login.password' })).body).toEqual({ errcode: 'M_BAD_JSON', error: 'Invalid user ID.' });
  });

  it('GET /v3/account/whoami answers the user id; POST /v3/logout ends the session', async () => {
    const login = await rest(t, 'POST', '/_matrix/client/v3/login', {
      body: { type: 'm.login.password', user: 'admin', password: 'admin-password' },
    });
    const token = login.body.access_token;
    expect((await rest(t, 'GET', '/_matrix/client/v3/account/whoami', { token })).body).toEqual({
      user_id: '@admin:example.org',
      device_id: login.body.device_id,
      is_guest: false,
    });
    expect(await rest(t, 'POST', '/_matrix/client/v3/logout', { token })).toMatchObject({ status: 200, body: {} });
    expect(sb(await rest(t, 'GET', '/_matrix/client/v3/account/whoami', { token }))).toEqual({
      status: 401,
      body: { errcode: 'M_UNKNOWN_TOKEN', error: 'The access or refresh token specified was not recognized.' },
    });
    expect(sb(await rest(t, 'GET', '/_matrix/client/v3/account/whoami'))).toEqual({
      status: 401,
      body: { errcode: 'M_MISSING_TOKEN', error: 'No access token was specified for the request.' },
    });
  });

  it('GET /v1/register/m.login.registration_token/validity checks a token', async () => {
    const created = await rest(t, 'POST', '/_telodendria/admin/v1/tokens', { token: admin.token, body: { name: 'valid-one', uses: 1 } });
    expect(created.status).toBe(200);
    expect((await rest(t, 'GET', '/_matrix/client/v1/register/m.login.registration_token/validity?token=valid-one')).body).toEqual({
      valid: true,
    });
    expect((await rest(t, 'GET', '/_matrix/client/v1/register/m.login.registration_token/validity?token=nope')).body).toEqual({
      valid: false,
    });
    expect((await rest(t, 'GET', '/_matrix/client/v1/register/m.login.registration_token/validity')).body.errcode).toBe('M_MISSING_PARAM');
  });

  it('POST /v3/register runs the UIA flow with m.login.registration_token; the token’s grants apply', async () => {
    await rest(t, 'POST', '/_telodendria/admin/v1/tokens', {
      token: admin.token,
      body: { name: 'for-bob', uses: 1, grants: ['DEACTIVATE'] },
    });
    const first = await rest(t, 'POST', '/_matrix/client/v3/register', { body: { username: 'bob', password: 'bob-password' } });
    expect(first.status).toBe(401);
    expect(first.body).toMatchObject({ flows: [{ stages: ['m.login.registration_token'] }], session: expect.any(String) });
    const done = await rest(t, 'POST', '/_matrix/client/v3/register', {
      body: {
        username: 'bob',
        password: 'bob-password',
        auth: { type: 'm.login.registration_token', token: 'for-bob', session: first.body.session },
      },
    });
    expect(done).toMatchObject({ status: 200, body: { user_id: '@bob:example.org', access_token: expect.any(String) } });
    const again = await rest(t, 'POST', '/_matrix/client/v3/register', {
      body: { username: 'bob2', password: 'bob-password', auth: { type: 'm.login.registration_token', token: 'for-bob' } },
    });
    expect(again).toMatchObject({
      status: 401,
      body: { errcode: 'M_FORBIDDEN', flows: [{ stages: ['m.login.registration_token'] }], session: expect.any(String) },
    });
    const unused = await rest(t, 'POST', '/_telodendria/admin/v1/tokens', { token: admin.token, body: { uses: 1 } });
    const taken = await rest(t, 'POST', '/_matrix/client/v3/register', {
      body: { username: 'admin', password: 'xxxxxxxxx', auth: { type: 'm.login.registration_token', token: unused.body.name } },
    });
    expect(sb(taken)).toEqual({ status: 400, body: { errcode: 'M_USER_IN_USE', error: 'The user ID specified has already been taken.' } });
  });

  it('the full flow a new operator tries: token granting DEACTIVATE, bob registers, needs GRANT_PRIVILEGES to read his privileges, then deactivates a user', async () => {
    const login = await rest(t, 'POST', '/_matrix/client/v3/login', {
      body: { type: 'm.login.password', user: 'admin', password: 'admin-password' },
    });
    const adminToken = login.body.access_token;
    await rest(t, 'POST', '/_telodendria/admin/v1/tokens', {
      token: adminToken,
      body: { name: 'for-carol', uses: 1, grants: ['DEACTIVATE'] },
    });
    const uia = await rest(t, 'POST', '/_matrix/client/v3/register', { body: { username: 'carol', password: 'carol-password' } });
    const reg = await rest(t, 'POST', '/_matrix/client/v3/register', {
      body: {
        username: 'carol',
        password: 'carol-password',
        auth: { type: 'm.login.registration_token', token: 'for-carol', session: uia.body.session },
      },
    });
    const carol = reg.body.access_token;
    expect(await rest(t, 'GET', '/_telodendria/admin/v1/privileges', { token: carol })).toMatchObject({
      status: 403,
      body: { errcode: 'M_FORBIDDEN' },
    });
    expect(
      (await rest(t, 'PUT', '/_telodendria/admin/v1/privileges/carol', { token: adminToken, body: { privileges: ['GRANT_PRIVILEGES'] } }))
        .body,
    ).toEqual({
      privileges: ['DEACTIVATE', 'GRANT_PRIVILEGES'],
    });
    expect((await rest(t, 'GET', '/_telodendria/admin/v1/privileges', { token: carol })).body).toEqual({
      privileges: ['DEACTIVATE', 'GRANT_PRIVILEGES'],
    });
    await createUser(t, { username: 'troll' });
    const deact = await rest(t, 'DELETE', '/_telodendria/admin/v1/deactivate/troll', { token: carol, body: { reason: 'trolling' } });
    expect(deact).toMatchObject({ status: 200, body: { user: 'troll', reason: 'trolling', banned_by: 'carol' } });
  });

  it('POST /v3/register: a failed stage answers the full UIA object with the same session (and errcode), an unknown stage the flows, a malformed auth 400 M_BAD_JSON', async () => {
    const first = await rest(t, 'POST', '/_matrix/client/v3/register', { body: { username: 'erin', password: 'erin-password' } });
    const session = first.body.session;
    const failed = await rest(t, 'POST', '/_matrix/client/v3/register', {
      body: { username: 'erin', password: 'erin-password', auth: { type: 'm.login.registration_token', token: 'mistyped', session } },
    });
    expect(failed).toMatchObject({
      status: 401,
      body: {
        flows: [{ stages: ['m.login.registration_token'] }],
        params: {},
        session,
        completed: [],
        errcode: 'M_FORBIDDEN',
        error: expect.any(String),
      },
    });
    const unknown = await rest(t, 'POST', '/_matrix/client/v3/register', {
      body: { username: 'erin', password: 'erin-password', auth: { type: 'm.login.recaptcha', session } },
    });
    expect(unknown).toMatchObject({ status: 401, body: { flows: [{ stages: ['m.login.registration_token'] }], session, completed: [] } });
    expect(unknown.body.errcode).toBeUndefined();
    expect(
      await rest(t, 'POST', '/_matrix/client/v3/register', { body: { username: 'erin', password: 'erin-password', auth: 'token' } }),
    ).toMatchObject({
      status: 400,
      body: { errcode: 'M_BAD_JSON', error: "'auth' is not an object." },
    });
    expect(
      await rest(t, 'POST', '/_matrix/client/v3/register', { body: { username: 'erin', password: 'erin-password', auth: { session } } }),
    ).toMatchObject({
      status: 400,
      body: { errcode: 'M_BAD_JSON', error: "'auth->type' is unset or not a string." },
    });
  });

  it('POST /v3/register offers m.login.dummy when registration is open', async () => {
    await rest(t, 'PUT', '/_telodendria/admin/v1/config', { token: admin.token, body: { registration: true } });
    const flows = await rest(t, 'POST', '/_matrix/client/v3/register', { body: { username: 'dora', password: 'dora-password' } });
    expect(flows.body.flows).toEqual([{ stages: ['m.login.registration_token'] }, { stages: ['m.login.dummy'] }]);
    const done = await rest(t, 'POST', '/_matrix/client/v3/register', {
      body: { username: 'dora', password: 'dora-password', auth: { type: 'm.login.dummy', session: flows.body.session } },
    });
    expect(done).toMatchObject({ status: 200, body: { user_id: '@dora:example.org' } });
    const bad = await rest(t, 'POST', '/_matrix/client/v3/register', {
      body: { username: 'Bad Name', password: 'dora-password', auth: { type: 'm.login.dummy' } },
    });
    expect(bad).toMatchObject({ status: 400, body: { errcode: 'M_INVALID_USERNAME' } });
    await rest(t, 'PUT', '/_telodendria/admin/v1/config', { token: admin.token, body: { registration: false } });
  });

  it('malformed JSON is 400 M_NOT_JSON, never 500', async () => {
    const res = await fetch(`${t.url}/_matrix/client/v3/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"type":',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errcode: string }).errcode).toBe('M_NOT_JSON');
  });

  it('a dummy stage while registration is closed answers the flows again, not a registration', async () => {
    const flows = await rest(t, 'POST', '/_matrix/client/v3/register', { body: { username: 'finn', password: 'finn-password' } });
    const dummy = await rest(t, 'POST', '/_matrix/client/v3/register', {
      body: { username: 'finn', password: 'x', auth: { type: 'm.login.dummy', session: flows.body.session } },
    });
    expect(sb(dummy)).toEqual({
      status: 401,
      body: { flows: [{ stages: ['m.login.registration_token'] }], params: {}, session: flows.body.session, completed: [] },
    });
  });

  it('login and register answer device_id; a device the client names is kept and whoami reads it back; login answers well_known', async () => {
    const login = await rest(t, 'POST', '/_matrix/client/v3/login', {
      body: {
        type: 'm.login.password',
        identifier: { type: 'm.id.user', user: 'admin' },
        password: 'admin-password',
        device_id: 'MYPHONE',
      },
    });
    expect(login.body).toEqual({
      user_id: '@admin:example.org',
      access_token: expect.any(String),
      device_id: 'MYPHONE',
      well_known: { 'm.homeserver': { base_url: expect.stringMatching(/^https?:\/\//) } },
    });
    expect((await rest(t, 'GET', '/_matrix/client/v3/account/whoami', { token: login.body.access_token })).body.device_id).toBe('MYPHONE');
    // A device id Gatehouse gives: ten capital letters, the same one whoami answers.
    const given = await rest(t, 'POST', '/_matrix/client/v3/login', {
      body: { type: 'm.login.password', user: 'admin', password: 'admin-password' },
    });
    expect(given.body.device_id).toMatch(/^[A-Z]{10}$/);
    expect((await rest(t, 'GET', '/_matrix/client/v3/account/whoami', { token: given.body.access_token })).body.device_id).toBe(
      given.body.device_id,
    );
    // well_known follows the settings: baseUrl, and the identity server once one is configured.
    await rest(t, 'PUT', '/_telodendria/admin/v1/config', {
      token: admin.token,
      body: { baseUrl: 'https://matrix.example.org/', identityServer: 'https://id.example.org' },
    });
    const again = await rest(t, 'POST', '/_matrix/client/v3/login', {
      body: { type: 'm.login.password', user: 'admin', password: 'admin-password' },
    });
    expect(again.body.well_known).toEqual({
      'm.homeserver': { base_url: 'https://matrix.example.org/' },
      'm.identity_server': { base_url: 'https://id.example.org' },
    });
    expect(
      (
        await rest(t, 'POST', '/_matrix/client/v3/login', {
          body: { type: 'm.login.password', user: 'admin', password: 'admin-password', device_id: 'has space' },
        })
      ).status,
    ).toBe(400);
    // Registration keeps a named device too.
    const tok = await rest(t, 'POST', '/_telodendria/admin/v1/tokens', { token: admin.token, body: { uses: 1 } });
    const reg = await rest(t, 'POST', '/_matrix/client/v3/register', {
      body: {
        username: 'gina',
        password: 'gina-password',
        device_id: 'GINADEVICE',
        auth: { type: 'm.login.registration_token', token: tok.body.name },
      },
    });
    expect(reg.body).toEqual({ user_id: '@gina:example.org', access_token: expect.any(String), device_id: 'GINADEVICE' });
    expect((await rest(t, 'GET', '/_matrix/client/v3/account/whoami', { token: reg.body.access_token })).body.device_id).toBe('GINADEVICE');
  });

  it('a deactivated account with the right password is 403 M_USER_DEACTIVATED; with a wrong one, the usual M_FORBIDDEN', async () => {
    await createUser(t, { username: 'henry', password: 'henry-password' });
    await rest(t, 'DELETE', '/_telodendria/admin/v1/deactivate/henry', { token: admin.token, body: {} });
    const right = await rest(t, 'POST', '/_matrix/client/v3/login', {
      body: { type: 'm.login.password', user: 'henry', password: 'henry-password' },
    });
    expect(sb(right)).toEqual({
      status: 403,
      body: { errcode: 'M_USER_DEACTIVATED', error: 'The user ID assocated with the request has been deactivated.' },
    });
    const wrong = await rest(t, 'POST', '/_matrix/client/v3/login', {
      body: { type: 'm.login.password', user: 'henry', password: 'not-his-password' },
    });
    expect(sb(wrong)).toEqual({ status: 403, body: { errcode: 'M_FORBIDDEN', error: 'Invalid creditentials for user.' } });
  });

  it("a wrong method answers 405 with Telodendria's text for the route; not JSON is Telodendria's M_NOT_JSON text", async () => {
    expect(sb(await rest(t, 'PUT', '/_matrix/client/v3/login', { body: {} }))).toEqual({
      status: 405,
      body: { errcode: 'M_UNRECOGNIZED', error: 'Route only accepts GET and POST.' },
    });
    expect(sb(await rest(t, 'GET', '/_matrix/client/v3/logout'))).toEqual({
      status: 405,
      body: { errcode: 'M_UNRECOGNIZED', error: 'This route only accepts POST.' },
    });
    expect(sb(await rest(t, 'GET', '/_matrix/client/v3/register'))).toEqual({
      status: 405,
      body: { errcode: 'M_UNRECOGNIZED', error: 'The server did not understand the request.' },
    });
    const res = await fetch(`${t.url}/_matrix/client/v3/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{nope',
    });
    expect(await res.json()).toEqual({ errcode: 'M_NOT_JSON', error: 'Request did not contain valid JSON.' });
  });

  it('CORS as the Matrix spec and Telodendria: any origin on every answer, a preflight is 204 before any route logic', async () => {
    const pre = await fetch(`${t.url}/_matrix/client/v3/login`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.element.io',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-methods')).toBe('GET, POST, PUT, DELETE, OPTIONS');
    expect(pre.headers.get('access-control-allow-headers')).toBe('X-Requested-With, Content-Type, Authorization');
    const bare = await fetch(`${t.url}/_telodendria/admin/v1/tokens`, { method: 'OPTIONS' });
    expect(bare.status).toBe(204);
    const get = await fetch(`${t.url}/_matrix/client/versions`, { headers: { origin: 'https://app.element.io' } });
    expect(get.headers.get('access-control-allow-origin')).toBe('*');
    expect(get.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('POST /v3/login refuses a password-only sign-in for an account with two-factor sign-in: 403 M_FORBIDDEN naming the way in', async () => {
    const user = await createUser(t, { username: 'mfa-matrix', password: 'mfa-matrix-password' });
    await enrolMfa(t, user);
    const res = await rest(t, 'POST', '/_matrix/client/v3/login', {
      body: { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'mfa-matrix' }, password: 'mfa-matrix-password' },
    });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ errcode: 'M_FORBIDDEN', error: expect.stringMatching(/^Two-factor authentication is enabled/) });
    const wrong = await rest(t, 'POST', '/_matrix/client/v3/login', {
      body: { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'mfa-matrix' }, password: 'not-the-password' },
    });
    expect(wrong.body.error).toBe('Invalid creditentials for user.');
  });
});
