import { startTestApp, type TestApp } from '../../helpers/app';
import { createUser, type Actor } from '../../helpers/factories';
import { rest } from '../../helpers/rest';

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
    expect(v.body.versions).toContain('v1.11');
    expect((await rest(t, 'GET', '/_matrix/client/v3/login')).body).toEqual({ flows: [{ type: 'm.login.password' }] });
  });

  it('POST /v3/login signs in with identifier or the older user field; wrong passwords are 403 M_FORBIDDEN', async () => {
    const res = await rest(t, 'POST', '/_matrix/client/v3/login', {
      body: { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'admin' }, password: 'admin-password' },
    });
    expect(res).toMatchObject({ status: 200, body: { user_id: '@admin:example.org', access_token: expect.any(String), device_id: expect.any(String) } });
    const old = await rest(t, 'POST', '/_matrix/client/v3/login', { body: { type: 'm.login.password', user: '@admin:example.org', password: 'admin-password' } });
    expect(old.status).toBe(200);
    const wrong = await rest(t, 'POST', '/_matrix/client/v3/login', { body: { type: 'm.login.password', user: 'admin', password: 'nope-nope' } });
    expect(wrong).toMatchObject({ status: 403, body: { errcode: 'M_FORBIDDEN' } });
    expect((await rest(t, 'POST', '/_matrix/client/v3/login', { body: { type: 'm.login.token', token: 'x' } })).body.errcode).toBe('M_UNKNOWN');
    expect((await rest(t, 'POST', '/_matrix/client/v3/login', { body: { type: 'm.login.password' } })).body.errcode).toBe('M_MISSING_PARAM');
  });

  it('GET /v3/account/whoami answers the user id; POST /v3/logout ends the session', async () => {
    const login = await rest(t, 'POST', '/_matrix/client/v3/login', { body: { type: 'm.login.password', user: 'admin', password: 'admin-password' } });
    const token = login.body.access_token;
    expect((await rest(t, 'GET', '/_matrix/client/v3/account/whoami', { token })).body).toEqual({ user_id: '@admin:example.org', is_guest: false });
    expect(await rest(t, 'POST', '/_matrix/client/v3/logout', { token })).toMatchObject({ status: 200, body: {} });
    expect((await rest(t, 'GET', '/_matrix/client/v3/account/whoami', { token })).status).toBe(401);
    expect((await rest(t, 'GET', '/_matrix/client/v3/account/whoami')).status).toBe(401);
  });

  it('GET /v1/register/m.login.registration_token/validity checks a token', async () => {
    const created = await rest(t, 'POST', '/_telodendria/admin/v1/tokens', { token: admin.token, body: { name: 'valid-one', uses: 1 } });
    expect(created.status).toBe(200);
    expect((await rest(t, 'GET', '/_matrix/client/v1/register/m.login.registration_token/validity?token=valid-one')).body).toEqual({ valid: true });
    expect((await rest(t, 'GET', '/_matrix/client/v1/register/m.login.registration_token/validity?token=nope')).body).toEqual({ valid: false });
    expect((await rest(t, 'GET', '/_matrix/client/v1/register/m.login.registration_token/validity')).body.errcode).toBe('M_MISSING_PARAM');
  });

  it('POST /v3/register runs the UIA flow with m.login.registration_token; the token’s grants apply', async () => {
    await rest(t, 'POST', '/_telodendria/admin/v1/tokens', { token: admin.token, body: { name: 'for-bob', uses: 1, grants: ['DEACTIVATE'] } });
    const first = await rest(t, 'POST', '/_matrix/client/v3/register', { body: { username: 'bob', password: 'bob-password' } });
    expect(first.status).toBe(401);
    expect(first.body).toMatchObject({ flows: [{ stages: ['m.login.registration_token'] }], session: expect.any(String) });
    const done = await rest(t, 'POST', '/_matrix/client/v3/register', {
      body: { username: 'bob', password: 'bob-password', auth: { type: 'm.login.registration_token', token: 'for-bob', session: first.body.session } },
    });
    expect(done).toMatchObject({ status: 200, body: { user_id: '@bob:example.org', access_token: expect.any(String) } });
    const again = await rest(t, 'POST', '/_matrix/client/v3/register', {
      body: { username: 'bob2', password: 'bob-password', auth: { type: 'm.login.registration_token', token: 'for-bob' } },
    });
    expect(again).toMatchObject({ status: 401, body: { errcode: 'M_FORBIDDEN', flows: [{ stages: ['m.login.registration_token'] }], session: expect.any(String) } });
    const taken = await rest(t, 'POST', '/_matrix/client/v3/register', {
      body: { username: 'admin', password: 'xxxxxxxxx', auth: { type: 'm.login.dummy' } },
    });
    expect(taken.status).toBe(400);
  });

  it('the full flow a new operator tries: token granting DEACTIVATE, bob registers, needs GRANT_PRIVILEGES to read his privileges, then deactivates a user', async () => {
    const login = await rest(t, 'POST', '/_matrix/client/v3/login', { body: { type: 'm.login.password', user: 'admin', password: 'admin-password' } });
    const adminToken = login.body.access_token;
    await rest(t, 'POST', '/_telodendria/admin/v1/tokens', { token: adminToken, body: { name: 'for-carol', uses: 1, grants: ['DEACTIVATE'] } });
    const uia = await rest(t, 'POST', '/_matrix/client/v3/register', { body: { username: 'carol', password: 'carol-password' } });
    const reg = await rest(t, 'POST', '/_matrix/client/v3/register', {
      body: { username: 'carol', password: 'carol-password', auth: { type: 'm.login.registration_token', token: 'for-carol', session: uia.body.session } },
    });
    const carol = reg.body.access_token;
    expect(await rest(t, 'GET', '/_telodendria/admin/v1/privileges', { token: carol })).toMatchObject({ status: 403, body: { errcode: 'M_FORBIDDEN' } });
    expect((await rest(t, 'PUT', '/_telodendria/admin/v1/privileges/carol', { token: adminToken, body: { privileges: ['GRANT_PRIVILEGES'] } })).body).toEqual({
      privileges: ['DEACTIVATE', 'GRANT_PRIVILEGES'],
    });
    expect((await rest(t, 'GET', '/_telodendria/admin/v1/privileges', { token: carol })).body).toEqual({ privileges: ['DEACTIVATE', 'GRANT_PRIVILEGES'] });
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
      body: { flows: [{ stages: ['m.login.registration_token'] }], params: {}, session, completed: [], errcode: 'M_FORBIDDEN', error: expect.any(String) },
    });
    const unknown = await rest(t, 'POST', '/_matrix/client/v3/register', {
      body: { username: 'erin', password: 'erin-password', auth: { type: 'm.login.recaptcha', session } },
    });
    expect(unknown).toMatchObject({ status: 401, body: { flows: [{ stages: ['m.login.registration_token'] }], session, completed: [] } });
    expect(unknown.body.errcode).toBeUndefined();
    expect(await rest(t, 'POST', '/_matrix/client/v3/register', { body: { username: 'erin', password: 'erin-password', auth: 'token' } })).toMatchObject({
      status: 400,
      body: { errcode: 'M_BAD_JSON', error: "'auth' is not an object." },
    });
    expect(await rest(t, 'POST', '/_matrix/client/v3/register', { body: { username: 'erin', password: 'erin-password', auth: { session } } })).toMatchObject({
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
    const bad = await rest(t, 'POST', '/_matrix/client/v3/register', { body: { username: 'Bad Name', password: 'dora-password', auth: { type: 'm.login.dummy' } } });
    expect(bad).toMatchObject({ status: 400, body: { errcode: 'M_INVALID_USERNAME' } });
    await rest(t, 'PUT', '/_telodendria/admin/v1/config', { token: admin.token, body: { registration: false } });
  });

  it('malformed JSON is 400 M_NOT_JSON, never 500', async () => {
    const res = await fetch(`${t.url}/_matrix/client/v3/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errcode: string }).errcode).toBe('M_NOT_JSON');
  });
});
