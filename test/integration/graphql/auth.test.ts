import { DeactivateUsersDocument, LoginDocument, LogoutDocument, UpdateUserDocument, ViewerDocument } from '../../__generated__/operations';
import { codes, gql, startTestApp, type TestApp } from '../../helpers/app';
import { auditCount, createUser } from '../../helpers/factories';

describe('authentication', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ GATEHOUSE_ADMIN: 'root:root-password-1', LOGIN_MAX_ATTEMPTS_PER_USER: '5' });
  });
  afterAll(() => t.close());

  it('GATEHOUSE_ADMIN can log in and holds ALL; the token is 256-bit and stored only hashed', async () => {
    const res = await gql(t, LoginDocument, { username: 'root', password: 'root-password-1' });
    expect(res.errors).toBeUndefined();
    const token = res.data!.login.token;
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(new Date(res.data!.login.expiresAt).getTime()).toBeGreaterThan(Date.now());
    const viewer = await gql(t, ViewerDocument, {}, token);
    expect(viewer.data!.viewer).toMatchObject({ username: 'root', privileges: ['ALL'] });
    const stored = await t.app.deps.db.knex('access_tokens').select('token_hash');
    expect(stored.map((r) => r.token_hash)).not.toContain(token);
    expect(stored.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash))).toBe(true);
    expect(await auditCount(t, 'session.login')).toBeGreaterThanOrEqual(1);
  });

  it('currentSession answers the device of the session a request is made with (named at login, or given), never its token', async () => {
    const named = await gql(
      t,
      'mutation { login(username: "root", password: "root-password-1", deviceId: "LAPTOP", deviceName: "my laptop") { token deviceId } }',
    );
    expect(named.data!.login.deviceId).toBe('LAPTOP');
    const given = await gql(t, 'mutation { login(username: "root", password: "root-password-1") { token deviceId } }');
    expect(given.data!.login.deviceId).toMatch(/^[A-Z]{10}$/);
    const query = '{ currentSession { id deviceId deviceName createdAt expiresAt } }';
    const mine = await gql(t, query, {}, named.data!.login.token);
    expect(mine.data!.currentSession).toMatchObject({ deviceId: 'LAPTOP', deviceName: 'my laptop' });
    expect(JSON.stringify(mine.data)).not.toContain(named.data!.login.token);
    expect((await gql(t, query, {}, given.data!.login.token)).data!.currentSession.deviceId).toBe(given.data!.login.deviceId);
    expect(codes(await gql(t, query))).toEqual(['UNAUTHENTICATED']);
    const bad = await gql(t, 'mutation { login(username: "root", password: "root-password-1", deviceId: "two words") { token } }');
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
  });

  it('a deactivated account: the same refusal, marked deactivated only for the right password', async () => {
    await createUser(t, { username: 'gone', password: 'gone-password-1' });
    await t.app.deps.db.knex('users').where('username', 'gone').update({ active: false });
    const right = await gql(t, LoginDocument, { username: 'gone', password: 'gone-password-1' });
    const wrong = await gql(t, LoginDocument, { username: 'gone', password: 'not-the-password' });
    expect(codes(right)).toEqual(['UNAUTHENTICATED']);
    expect(right.errors![0].message).toBe(wrong.errors![0].message);
    expect(right.errors![0].extensions).toMatchObject({ deactivated: true });
    expect(wrong.errors![0].extensions?.deactivated).toBeUndefined();
  });

  it('answers the same error for an unknown user and a wrong password', async () => {
    const unknown = await gql(t, LoginDocument, { username: 'nobody-here', password: 'whatever-123' });
    const wrong = await gql(t, LoginDocument, { username: 'root', password: 'not-the-password' });
    expect(codes(unknown)).toEqual(['UNAUTHENTICATED']);
    expect(unknown.errors![0].message).toBe(wrong.errors![0].message);
    expect(unknown.errors![0].extensions).toEqual(wrong.errors![0].extensions);
    expect(unknown.status).toBe(wrong.status);
  });

  it('viewer is null without a token, and a bad token is UNAUTHENTICATED where sign-in is needed', async () => {
    expect((await gql(t, ViewerDocument, {})).data!.viewer).toBeNull();
    const res = await gql(t, LogoutDocument, {}, 'not-a-real-token');
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    expect(res.errors![0].extensions!.reason).toBe('INVALID_TOKEN');
  });

  it('deactivation stops existing tokens on the very next request and blocks login', async () => {
    const admin = await createUser(t, { privileges: ['ALL'] });
    const bob = await createUser(t, { username: 'bob', password: 'bob-password-1' });
    const login = await gql(t, LoginDocument, { username: 'bob', password: 'bob-password-1' });
    const bobToken = login.data!.login.token;
    expect((await gql(t, ViewerDocument, {}, bobToken)).data!.viewer!.username).toBe('bob');

    const deact = await gql(t, DeactivateUsersDocument, { ids: [bob.id], reason: 'spam' }, admin.token);
    expect(deact.errors).toBeUndefined();
    expect((await gql(t, ViewerDocument, {}, bobToken)).data!.viewer).toBeNull();
    expect((await gql(t, ViewerDocument, {}, bob.token)).data!.viewer).toBeNull();
    const again = await gql(t, LoginDocument, { username: 'bob', password: 'bob-password-1' });
    expect(codes(again)).toEqual(['UNAUTHENTICATED']);
  });

  it('logout revokes the token', async () => {
    await createUser(t, { username: 'carol', password: 'carol-password' });
    const token = (await gql(t, LoginDocument, { username: 'carol', password: 'carol-password' })).data!.login.token;
    expect((await gql(t, LogoutDocument, {}, token)).data!.logout).toBe(true);
    expect((await gql(t, ViewerDocument, {}, token)).data!.viewer).toBeNull();
  });

  it('changing the password signs the user out everywhere', async () => {
    const dave = await createUser(t, { username: 'dave', password: 'dave-password' });
    const res = await gql(
      t,
      UpdateUserDocument,
      { id: dave.id, input: { password: 'dave-new-password', currentPassword: 'dave-password' } },
      dave.token,
    );
    expect(res.errors).toBeUndefined();
    expect((await gql(t, ViewerDocument, {}, dave.token)).data!.viewer).toBeNull();
    expect((await gql(t, LoginDocument, { username: 'dave', password: 'dave-new-password' })).errors).toBeUndefined();
  });

  it('rate-limits login per account with retryAfterMs, and aliases cannot multiply attempts', async () => {
    await createUser(t, { username: 'erin', password: 'erin-password' });
    // Several attempts packed into one document as aliases: the first failure ends the operation.
    const aliased = `mutation { ${[1, 2, 3, 4, 5]
      .map((i) => `a${i}: login(username: "erin", password: "wrong-${i}") { token }`)
      .join(' ')} }`;
    expect(codes(await gql(t, aliased))).toEqual(['UNAUTHENTICATED']);
    for (let i = 0; i < 4; i++) {
      expect(codes(await gql(t, LoginDocument, { username: 'erin', password: `wrong-again-${i}` }))).toEqual(['UNAUTHENTICATED']);
    }
    // Five attempts used: even the right password is now refused until the window passes.
    const blocked = await gql(t, LoginDocument, { username: 'erin', password: 'erin-password' });
    expect(codes(blocked)).toEqual(['RATE_LIMITED']);
    expect(blocked.errors![0].extensions!.retryAfterMs).toBeGreaterThan(0);
    // Another account from the same address is unaffected.
    expect((await gql(t, LoginDocument, { username: 'root', password: 'root-password-1' })).errors).toBeUndefined();
  });

  it('rate-limits login per client address across usernames', async () => {
    const t2 = await startTestApp({ LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '3' });
    try {
      for (let i = 0; i < 3; i++) {
        expect(codes(await gql(t2, LoginDocument, { username: `u${i}`, password: 'xxxxxxxxx' }))).toEqual(['UNAUTHENTICATED']);
      }
      const res = await gql(t2, LoginDocument, { username: 'another', password: 'xxxxxxxxx' });
      expect(codes(res)).toEqual(['RATE_LIMITED']);
    } finally {
      await t2.close();
    }
  });
});
