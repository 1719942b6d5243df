import { startTestApp, type TestApp } from '../../helpers/app';
import { createUser, type Actor } from '../../helpers/factories';
import { rest } from '../../helpers/rest';
import { awayFromStepBoundary, enrolMfa, totpAt } from '../../helpers/mfa';

/** What admin-fe needs to sign in and file reports. */
describe('Mastodon/OAuth endpoints', () => {
  let t: TestApp;
  let admin: Actor;
  let target: Actor;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, { username: 'admin', password: 'admin-password', roles: ['admin'] });
    target = await createUser(t, { username: 'target' });
  });
  afterAll(() => t.close());

  const form = async (path: string, fields: Record<string, string>, token?: string) => {
    const res = await fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: new URLSearchParams(fields).toString(),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('POST /apps registers a client (form or JSON)', async () => {
    const res = await form('/api/v1/apps', {
      client_name: 'admin-fe',
      redirect_uris: 'urn:ietf:wg:oauth:2.0:oob',
      scopes: 'read write admin',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: 'admin-fe',
      redirect_uri: 'urn:ietf:wg:oauth:2.0:oob',
      client_id: expect.any(String),
      client_secret: expect.any(String),
    });
    const json = await rest(t, 'POST', '/api/v1/apps', { body: { client_name: 'script' } });
    expect(json.status).toBe(200);
    expect((await rest(t, 'POST', '/api/v1/apps', { body: {} })).status).toBe(400);
  });

  it('POST /token (password grant) answers a bearer token that the admin API accepts; POST /revoke revokes it', async () => {
    const res = await form('/oauth/token', {
      grant_type: 'password',
      username: 'admin',
      password: 'admin-password',
      client_id: 'x',
      client_secret: 'y',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String), expires_in: expect.any(Number) });
    const token = res.body.access_token;
    expect((await rest(t, 'GET', '/api/v1/pleroma/admin/users', { token })).status).toBe(200);
    const wrong = await form('/oauth/token', { grant_type: 'password', username: 'admin', password: 'nope-nope' });
    expect(wrong).toEqual({ status: 400, body: { error: 'Invalid credentials' } });
    expect((await form('/oauth/token', { grant_type: 'client_credentials' })).status).toBe(400);
    const revoked = await form('/oauth/revoke', { token });
    expect(revoked).toEqual({ status: 200, body: {} });
    expect((await rest(t, 'GET', '/api/v1/pleroma/admin/users', { token })).status).toBe(403);
  });

  it('GET /accounts/verify_credentials answers the account with its staff flags; 401 without a token', async () => {
    const res = await rest(t, 'GET', '/api/v1/accounts/verify_credentials', { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: admin.id, username: 'admin', acct: 'admin', pleroma: { is_admin: true, is_moderator: false } });
    expect((await rest(t, 'GET', '/api/v1/accounts/verify_credentials')).status).toBe(401);
  });

  it('GET /instance answers the Mastodon instance document from the settings; GET /instance/peers an empty list', async () => {
    const res = await rest(t, 'GET', '/api/v1/instance');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      title: 'Gatehouse',
      registrations: false,
      invites_enabled: true,
      stats: { user_count: expect.any(Number), status_count: 0 },
    });
    expect(await rest(t, 'GET', '/api/v1/instance/peers')).toMatchObject({ status: 200, body: [] });
  });

  it('POST /reports files a report (account_id, status_ids, comment)', async () => {
    const reporter = await createUser(t);
    const res = await rest(t, 'POST', '/api/v1/reports', {
      token: reporter.token,
      body: { account_id: target.id, status_ids: ['s1', 's2'], comment: 'spam' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ action_taken: false, comment: 'spam', status_ids: ['s1', 's2'], target_account: { id: target.id } });
    const listed = await rest(t, 'GET', '/api/v1/pleroma/admin/reports', { token: admin.token });
    expect(listed.body.reports[0]).toMatchObject({ id: res.body.id, content: 'spam', account: { nickname: 'target' } });
    expect((await rest(t, 'POST', '/api/v1/reports', { token: reporter.token, body: {} })).status).toBe(400);
    expect((await rest(t, 'POST', '/api/v1/reports', { body: { account_id: target.id } })).status).toBe(401);
  });

  it('POST /mfa/challenge: /oauth/token answers Akkoma\'s mfa_required with an mfa_token; a TOTP or a recovery code completes the sign-in; anything wrong answers 400 "Invalid code"', async () => {
    const user = await createUser(t, { username: 'twofactor', password: 'twofactor-password-1', roles: ['admin'] });
    const { secret, recoveryCodes } = await enrolMfa(t, user);
    await awayFromStepBoundary();
    const password = {
      grant_type: 'password',
      username: 'twofactor',
      password: 'twofactor-password-1',
      client_id: 'x',
      client_secret: 'y',
    };
    const first = await form('/oauth/token', password);
    expect(first.status).toBe(403);
    expect(first.body).toEqual({ error: 'mfa_required', mfa_token: expect.any(String), supported_challenge_types: 'totp' });

    const wrong = await form('/oauth/mfa/challenge', { mfa_token: first.body.mfa_token, challenge_type: 'totp', code: '12345x' });
    expect(wrong).toEqual({ status: 400, body: { error: 'Invalid code' } });
    expect(await form('/oauth/mfa/challenge', { mfa_token: first.body.mfa_token, challenge_type: 'sms', code: '123456' })).toEqual({
      status: 400,
      body: { error: 'Invalid code' },
    });
    expect(await form('/oauth/mfa/challenge', { mfa_token: 'nope', challenge_type: 'totp', code: totpAt(secret, 1) })).toEqual({
      status: 400,
      body: { error: 'Invalid code' },
    });
    const ok = await form('/oauth/mfa/challenge', { mfa_token: first.body.mfa_token, challenge_type: 'totp', code: totpAt(secret, 1) });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String), me: user.id });
    expect((await rest(t, 'GET', '/api/v1/pleroma/admin/users', { token: ok.body.access_token })).status).toBe(200);

    const second = await form('/oauth/token', password);
    const recovery = await form('/oauth/mfa/challenge', {
      mfa_token: second.body.mfa_token,
      challenge_type: 'recovery',
      code: recoveryCodes[0],
    });
    expect(recovery.status).toBe(200);
    const third = await form('/oauth/token', password);
    expect(
      await form('/oauth/mfa/challenge', { mfa_token: third.body.mfa_token, challenge_type: 'recovery', code: recoveryCodes[0] }),
    ).toEqual({
      status: 400,
      body: { error: 'Invalid code' },
    });
  });
});
