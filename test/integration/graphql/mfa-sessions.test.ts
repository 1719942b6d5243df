import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { buildApp } from '../../../src/app';
import { hashToken } from '../../../src/auth/tokens';
import { AccessToken } from '../../../src/modules/auth/access-token.entity';
import { User } from '../../../src/modules/users/user.entity';
import { codes, gql, startTestApp, type TestApp } from '../../helpers/app';
import { auditCount, createUser, type Actor } from '../../helpers/factories';
import { awayFromStepBoundary, enrolMfa, totpAt } from '../../helpers/mfa';
import { rest } from '../../helpers/rest';

const LOGIN = 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token user { username } } }';
const VERIFY =
  'mutation($c: String!, $code: String!, $m: MfaMethod! = TOTP) { verifyMfa(challenge: $c, code: $code, method: $m) { token user { username } } }';
const VIEWER = '{ viewer { username mfaEnabled } }';

/** Signs in with a password; answers the MFA challenge the FORBIDDEN answer carries. */
async function challengeFor(t: TestApp, username: string, password: string): Promise<string> {
  const res = await gql(t, LOGIN, { u: username, p: password });
  expect(res.data?.login ?? null).toBeNull();
  expect(res.errors?.[0].extensions).toMatchObject({
    code: 'FORBIDDEN',
    reason: 'MFA_REQUIRED',
    mfaChallenge: expect.any(String),
    methods: ['TOTP', 'RECOVERY_CODE'],
  });
  return res.errors![0].extensions!.mfaChallenge as string;
}

function reasons(res: { errors?: Array<{ extensions?: Record<string, unknown> }> }): unknown[] {
  return (res.errors ?? []).map((e) => e.extensions?.reason);
}

describe('two-factor sign-in (TOTP) through GraphQL', () => {
  let t: TestApp;
  let admin: Actor;
  const logLines: string[] = [];
  beforeAll(async () => {
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => logLines.push(chunk.toString()));
    t = await startTestApp({ LOG_LEVEL: 'debug' }, {}, { logger: true, logStream: stream });
    admin = await createUser(t, { username: 'admin', password: 'admin-password-1', roles: ['admin'] });
  });
  afterAll(() => t.close());

  it('enrolment answers a seed and an otpauth URI; a wrong first code leaves MFA off; the right one turns it on with ten recovery codes', async () => {
    const user = await createUser(t, { username: 'enrol', password: 'enrol-password-1' });
    const start = await gql(t, 'mutation { startMfaEnrolment { secret otpauthUri } }', {}, user.token);
    const { secret, otpauthUri } = start.data!.startMfaEnrolment;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\/Gatehouse:enrol\?/);
    expect(new URL(otpauthUri).searchParams.get('secret')).toBe(secret);
    expect(new URL(otpauthUri).searchParams.get('issuer')).toBe('Gatehouse');

    await awayFromStepBoundary();
    const wrongCode = totpAt(secret) === '000000' ? '111111' : '000000';
    const wrong = await gql(t, 'mutation($c: String!) { confirmMfaEnrolment(code: $c) }', { c: wrongCode }, user.token);
    expect(codes(wrong)).toEqual(['BAD_USER_INPUT']);
    expect((await gql(t, VIEWER, {}, user.token)).data!.viewer).toEqual({ username: 'enrol', mfaEnabled: false });
    // Until confirmed, the password alone still signs in.
    expect((await gql(t, LOGIN, { u: 'enrol', p: 'enrol-password-1' })).errors).toBeUndefined();

    const ok = await gql(t, 'mutation($c: String!) { confirmMfaEnrolment(code: $c) }', { c: totpAt(secret) }, user.token);
    expect(ok.errors).toBeUndefined();
    const recovery: string[] = ok.data!.confirmMfaEnrolment;
    expect(recovery).toHaveLength(10);
    expect(new Set(recovery).size).toBe(10);
    for (const c of recovery) expect(c).toMatch(/^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
    expect((await gql(t, VIEWER, {}, user.token)).data!.viewer).toEqual({ username: 'enrol', mfaEnabled: true });
    // A second enrolment would replace a working seed: refused while MFA is on.
    expect(codes(await gql(t, 'mutation { startMfaEnrolment { secret } }', {}, user.token))).toEqual(['CONFLICT']);
    expect(await auditCount(t, 'mfa.enable')).toBeGreaterThanOrEqual(1);
  });

  it('login answers MFA_REQUIRED with a challenge; verifyMfa with a code opens the session; a replayed, an older and an expired code are refused', async () => {
    const user = await createUser(t, { username: 'second', password: 'second-password-1' });
    const { secret } = await enrolMfa(t, user);
    await awayFromStepBoundary();
    const challenge = await challengeFor(t, 'second', 'second-password-1');
    // A wrong password still answers the one INVALID_CREDENTIALS (the challenge needs the password).
    expect(reasons(await gql(t, LOGIN, { u: 'second', p: 'not-the-password' }))).toEqual(['INVALID_CREDENTIALS']);

    const next = totpAt(secret, 1);
    const signedIn = await gql(t, VERIFY, { c: challenge, code: next });
    expect(signedIn.errors).toBeUndefined();
    expect(signedIn.data!.verifyMfa.user.username).toBe('second');
    expect((await gql(t, VIEWER, {}, signedIn.data!.verifyMfa.token)).data!.viewer.username).toBe('second');
    // The challenge opened its one session.
    expect(reasons(await gql(t, VERIFY, { c: challenge, code: next }))).toEqual(['INVALID_MFA_CHALLENGE']);

    const again = await challengeFor(t, 'second', 'second-password-1');
    // The same code again (a replay), the enrolment's code (an older step) and one two steps old.
    for (const code of [next, totpAt(secret, 0), totpAt(secret, -2)]) {
      const res = await gql(t, VERIFY, { c: again, code });
      expect(res.data).toBeNull();
      expect(codes(res)).toEqual(['UNAUTHENTICATED']);
      expect(reasons(res)).toEqual(['INVALID_MFA_CODE']);
    }
    expect(reasons(await gql(t, VERIFY, { c: 'no-such-challenge', code: next }))).toEqual(['INVALID_MFA_CHALLENGE']);
    expect(codes(await gql(t, VERIFY, { c: again, code: 'x'.repeat(65) }))).toEqual(['BAD_USER_INPUT']);
  });

  it('a recovery code signs in once; a challenge is spent after five wrong codes', async () => {
    const user = await createUser(t, { username: 'recover', password: 'recover-password-1' });
    const { recoveryCodes } = await enrolMfa(t, user);
    const challenge = await challengeFor(t, 'recover', 'recover-password-1');
    const code = recoveryCodes[3].toUpperCase().replace(/-/g, ' ');
    const ok = await gql(t, VERIFY, { c: challenge, code, m: 'RECOVERY_CODE' });
    expect(ok.errors).toBeUndefined();
    const again = await challengeFor(t, 'recover', 'recover-password-1');
    expect(reasons(await gql(t, VERIFY, { c: again, code: recoveryCodes[3], m: 'RECOVERY_CODE' }))).toEqual(['INVALID_MFA_CODE']);
    for (let i = 0; i < 4; i++) {
      expect(reasons(await gql(t, VERIFY, { c: again, code: `wrong-${i}`, m: 'RECOVERY_CODE' }))).toEqual(['INVALID_MFA_CODE']);
    }
    // Five wrong codes: the challenge is gone even for a right code.
    expect(reasons(await gql(t, VERIFY, { c: again, code: recoveryCodes[4], m: 'RECOVERY_CODE' }))).toEqual(['INVALID_MFA_CHALLENGE']);
    const fresh = await challengeFor(t, 'recover', 'recover-password-1');
    expect((await gql(t, VERIFY, { c: fresh, code: recoveryCodes[4], m: 'RECOVERY_CODE' })).errors).toBeUndefined();
  });

  it('disableMfa needs a code; regenerateRecoveryCodes replaces the old codes', async () => {
    const user = await createUser(t, { username: 'turnoff', password: 'turnoff-password-1' });
    const { secret, recoveryCodes } = await enrolMfa(t, user);
    await awayFromStepBoundary();
    const fresh = await gql(t, 'mutation($c: String!) { regenerateRecoveryCodes(code: $c) }', { c: totpAt(secret, 1) }, user.token);
    expect(fresh.errors).toBeUndefined();
    const newCodes: string[] = fresh.data!.regenerateRecoveryCodes;
    expect(newCodes).toHaveLength(10);
    const DISABLE = 'mutation($c: String!, $m: MfaMethod!) { disableMfa(code: $c, method: $m) }';
    expect(codes(await gql(t, DISABLE, { c: recoveryCodes[0], m: 'RECOVERY_CODE' }, user.token))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await gql(t, DISABLE, { c: 'nope', m: 'TOTP' }, user.token))).toEqual(['BAD_USER_INPUT']);
    expect((await gql(t, DISABLE, { c: newCodes[0], m: 'RECOVERY_CODE' }, user.token)).data!.disableMfa).toBe(true);
    expect((await gql(t, VIEWER, {}, user.token)).data!.viewer.mfaEnabled).toBe(false);
    expect((await gql(t, LOGIN, { u: 'turnoff', p: 'turnoff-password-1' })).errors).toBeUndefined();
    expect(codes(await gql(t, DISABLE, { c: newCodes[1], m: 'RECOVERY_CODE' }, user.token))).toEqual(['BAD_USER_INPUT']);
  });

  it('resetUserMfa needs MANAGE_USERS and every privilege the user holds; it is audited and the password alone signs in again', async () => {
    const staff = await createUser(t, { username: 'lost-phone-admin', password: 'lost-phone-admin-1', roles: ['admin'] });
    await enrolMfa(t, staff);
    const user = await createUser(t, { username: 'lostphone', password: 'lostphone-password-1' });
    await enrolMfa(t, user);
    const manager = await createUser(t, { privileges: ['MANAGE_USERS'] });
    const nobody = await createUser(t);
    const RESET = 'mutation($u: String!) { resetUserMfa(idOrUsername: $u) { username mfaEnabled } }';

    expect(codes(await gql(t, RESET, { u: 'lostphone' }, nobody.token))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(t, RESET, { u: 'lostphone' }))).toEqual(['UNAUTHENTICATED']);
    const escalation = await gql(t, RESET, { u: 'lost-phone-admin' }, manager.token);
    expect(reasons(escalation)).toEqual(['PRIVILEGE_ESCALATION']);
    expect(codes(await gql(t, RESET, { u: 'no-such-user' }, manager.token))).toEqual(['NOT_FOUND']);

    const before = await auditCount(t, 'mfa.reset');
    const reset = await gql(t, RESET, { u: 'lostphone' }, manager.token);
    expect(reset.data!.resetUserMfa).toEqual({ username: 'lostphone', mfaEnabled: false });
    expect(await auditCount(t, 'mfa.reset')).toBe(before + 1);
    expect((await gql(t, LOGIN, { u: 'lostphone', p: 'lostphone-password-1' })).errors).toBeUndefined();
    // Nothing left to reset: answered, not audited again.
    expect((await gql(t, RESET, { u: 'lostphone' }, manager.token)).errors).toBeUndefined();
    expect(await auditCount(t, 'mfa.reset')).toBe(before + 1);
    // An administrator holding everything may reset the other administrator.
    expect((await gql(t, RESET, { u: 'lost-phone-admin' }, admin.token)).data!.resetUserMfa.mfaEnabled).toBe(false);
  });

  it('mfaEnabled is visible to the user and user administrators only', async () => {
    const user = await createUser(t, { username: 'private-mfa', password: 'private-mfa-password' });
    await enrolMfa(t, user);
    const other = await createUser(t);
    const Q = '{ user(username: "private-mfa") { username mfaEnabled } }';
    expect((await gql(t, Q, {}, admin.token)).data!.user.mfaEnabled).toBe(true);
    expect(codes(await gql(t, Q, {}, other.token))).toEqual(['FORBIDDEN']);
    const list = await gql(t, '{ users(first: 50) { nodes { username mfaEnabled } } }', {}, admin.token);
    const rows = list.data!.users.nodes as Array<{ username: string; mfaEnabled: boolean }>;
    expect(rows.find((r) => r.username === 'private-mfa')?.mfaEnabled).toBe(true);
    expect(rows.find((r) => r.username === 'admin')?.mfaEnabled).toBe(false);
  });

  it('the seed never appears in an answer, a log line, the audit log or the database in clear', async () => {
    const user = await createUser(t, { username: 'scanned', password: 'scanned-password-1' });
    const { secret, recoveryCodes } = await enrolMfa(t, user);
    await awayFromStepBoundary();
    const challenge = await challengeFor(t, 'scanned', 'scanned-password-1');
    const session = await gql(t, VERIFY, { c: challenge, code: totpAt(secret, 1) });
    const token = session.data!.verifyMfa.token as string;
    const answers = [
      JSON.stringify(session),
      JSON.stringify(await gql(t, '{ viewer { id username mfaEnabled sessions { id deviceName entryPoint } } }', {}, token)),
      JSON.stringify(await gql(t, '{ user(username: "scanned") { id username email mfaEnabled tags } }', {}, admin.token)),
      JSON.stringify(
        await gql(
          t,
          '{ auditLog(first: 200) { nodes { action message data subjects { id name } moderationMessage moderationData } } }',
          {},
          admin.token,
        ),
      ),
      JSON.stringify((await rest(t, 'GET', '/api/v1/pleroma/admin/users?page_size=100', { token: admin.token })).body),
      JSON.stringify((await rest(t, 'GET', '/api/v1/pleroma/admin/moderation_log', { token: admin.token })).body),
    ].join('\n');
    expect(answers).toContain('scanned');
    expect(answers).not.toContain(secret);
    await new Promise((r) => setTimeout(r, 50));
    const log = logLines.join('');
    expect(log.length).toBeGreaterThan(0);
    expect(log).not.toContain(secret);
    for (const c of recoveryCodes) expect(log).not.toContain(c);
    const rows = await t.app.deps.db.knex('user_mfa').select('secret');
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(String(r.secret)).toMatch(/^v1\./);
      expect(String(r.secret)).not.toContain(secret);
    }
    const codesStored = JSON.stringify(await t.app.deps.db.knex('mfa_recovery_codes').select('*'));
    for (const c of recoveryCodes) expect(codesStored).not.toContain(c);
  });
});

describe('wrong codes count against the login limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ LOGIN_MAX_ATTEMPTS_PER_USER: '4' });
  });
  afterAll(() => t.close());

  it('the password attempt stays charged until the code is right; further wrong codes reach RATE_LIMITED', async () => {
    const user = await createUser(t, { username: 'limited', password: 'limited-password-1' });
    const { secret } = await enrolMfa(t, user);
    await awayFromStepBoundary();
    const challenge = await challengeFor(t, 'limited', 'limited-password-1');
    // The login took one point of four; three wrong codes take the rest.
    for (let i = 0; i < 3; i++) expect(reasons(await gql(t, VERIFY, { c: challenge, code: `00000${i}` }))).toEqual(['INVALID_MFA_CODE']);
    expect(codes(await gql(t, VERIFY, { c: challenge, code: totpAt(secret, 1) }))).toEqual(['RATE_LIMITED']);
    expect(codes(await gql(t, LOGIN, { u: 'limited', p: 'limited-password-1' }))).toEqual(['RATE_LIMITED']);
  });
});

describe('sessions', () => {
  let t: TestApp;
  let admin: Actor;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, { username: 'admin', roles: ['admin'] });
  });
  afterAll(() => t.close());

  const SESSIONS = `query($u: String!) { user(username: $u) { sessions { id entryPoint tokenFormat deviceName clientAddress userAgent current createdAt lastUsedAt expiresAt } } }`;

  /** Signs `username` in once through each entry point; answers the tokens by entry point. */
  async function signInEverywhere(username: string, password: string): Promise<Record<string, string>> {
    const oauth = await fetch(`${t.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'admin-fe/2.0' },
      body: new URLSearchParams({ grant_type: 'password', username, password }).toString(),
    });
    const matrix = await rest(t, 'POST', '/_matrix/client/v3/login', {
      body: { type: 'm.login.password', identifier: { type: 'm.id.user', user: username }, password },
      headers: { 'user-agent': 'telodendria-tool' },
    });
    const pryv = await rest(t, 'POST', '/auth/login', { body: { username, password } });
    const graphql = await gql(t, LOGIN, { u: username, p: password }, null, { 'user-agent': 'codegen-client' });
    const socks = await rest(t, 'POST', '/socks', { body: { type: 300, data: { user: username, password } } });
    return {
      PLEROMA: ((await oauth.json()) as { access_token: string }).access_token,
      MATRIX: matrix.body.access_token,
      PRYV: pryv.body.token,
      GRAPHQL: graphql.data!.login.token,
      SOCKS: socks.body.data.token,
    };
  }

  it('User.sessions shows a Pleroma, a Matrix, a Pryv, a GraphQL and a Socks session with their entry points; revoking one ends exactly that one', async () => {
    await createUser(t, { username: 'everywhere', password: 'everywhere-password-1', roles: ['admin'] });
    const tokens = await signInEverywhere('everywhere', 'everywhere-password-1');
    for (const token of Object.values(tokens)) expect(typeof token).toBe('string');

    const listed = await gql(t, SESSIONS, { u: 'everywhere' }, tokens.GRAPHQL);
    expect(listed.errors).toBeUndefined();
    const sessions = listed.data!.user.sessions as Array<Record<string, unknown>>;
    const byEntry = new Map(sessions.filter((s) => s.entryPoint).map((s) => [s.entryPoint as string, s]));
    expect([...byEntry.keys()].sort()).toEqual(['GRAPHQL', 'MATRIX', 'PLEROMA', 'PRYV', 'SOCKS']);
    expect(byEntry.get('PRYV')).toMatchObject({ tokenFormat: 'JWT', current: false });
    expect(byEntry.get('GRAPHQL')).toMatchObject({
      tokenFormat: 'OPAQUE',
      current: true,
      userAgent: 'codegen-client',
      clientAddress: '127.0.0.1',
    });
    expect(byEntry.get('PLEROMA')).toMatchObject({ userAgent: 'admin-fe/2.0', deviceName: 'oauth' });
    expect(byEntry.get('MATRIX')).toMatchObject({ userAgent: 'telodendria-tool' });
    for (const s of sessions) expect(JSON.stringify(s)).not.toMatch(/token"?:\s*"[A-Za-z0-9_-]{20,}/);

    const revoke = await gql(t, 'mutation($id: ID!) { revokeSession(id: $id) }', { id: byEntry.get('MATRIX')!.id }, tokens.GRAPHQL);
    expect(revoke.data!.revokeSession).toBe(true);
    // That one ends at once; the others go on.
    const whoami = await rest(t, 'GET', '/_matrix/client/v3/account/whoami', { token: tokens.MATRIX });
    expect(whoami.status).toBe(401);
    expect((await rest(t, 'GET', '/api/v1/pleroma/admin/users', { token: tokens.PLEROMA })).status).toBe(200);
    expect((await rest(t, 'GET', '/users', { headers: { authorization: tokens.PRYV } })).status).toBe(200);
    expect((await gql(t, '{ viewer { username } }', {}, tokens.GRAPHQL)).data!.viewer.username).toBe('everywhere');
    expect((await rest(t, 'POST', '/socks', { body: { type: 310, data: {} }, token: tokens.SOCKS })).body.data.status).toBe('OK');
    const after = await gql(t, SESSIONS, { u: 'everywhere' }, tokens.GRAPHQL);
    expect((after.data!.user.sessions as Array<{ entryPoint: string }>).map((s) => s.entryPoint)).not.toContain('MATRIX');
    expect(await auditCount(t, 'session.revoke')).toBeGreaterThanOrEqual(1);
  });

  it("another user's sessions: hidden and untouchable without MANAGE_USERS; an administrator needs the owner's privileges; revokeAllSessions ends them all", async () => {
    const owner = await createUser(t, { username: 'owned', password: 'owned-password-1' });
    const tokens = await signInEverywhere('owned', 'owned-password-1');
    const stranger = await createUser(t);
    const manager = await createUser(t, { privileges: ['MANAGE_USERS'] });
    const listed = await gql(t, SESSIONS, { u: 'owned' }, admin.token);
    const ids = (listed.data!.user.sessions as Array<{ id: string }>).map((s) => s.id);
    expect(ids.length).toBeGreaterThanOrEqual(5);

    expect(codes(await gql(t, SESSIONS, { u: 'owned' }, stranger.token))).toContain('FORBIDDEN');
    const REVOKE = 'mutation($id: ID!) { revokeSession(id: $id) }';
    // Someone else's session and one that does not exist read the same to a stranger.
    expect(codes(await gql(t, REVOKE, { id: ids[0] }, stranger.token))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(t, REVOKE, { id: '999999' }, stranger.token))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(t, REVOKE, { id: '999999' }, manager.token))).toEqual(['NOT_FOUND']);
    expect(codes(await gql(t, REVOKE, { id: 'abc' }, manager.token))).toEqual(['BAD_USER_INPUT']);
    // The manager lacks ALL: an administrator's sessions are out of reach.
    const adminSession = (await gql(t, SESSIONS, { u: 'admin' }, admin.token)).data!.user.sessions[0].id;
    expect(reasons(await gql(t, REVOKE, { id: adminSession }, manager.token))).toEqual(['PRIVILEGE_ESCALATION']);

    expect((await gql(t, REVOKE, { id: ids[0] }, manager.token)).data!.revokeSession).toBe(true);
    const ALL = 'mutation($u: String!) { revokeAllSessions(username: $u) }';
    expect(codes(await gql(t, ALL, { u: 'owned' }, stranger.token))).toEqual(['FORBIDDEN']);
    const ended = await gql(t, ALL, { u: 'owned' }, manager.token);
    expect(ended.data!.revokeAllSessions).toBe(ids.length - 1);
    for (const token of [owner.token, ...Object.values(tokens)]) {
      expect((await gql(t, '{ viewer { username } }', {}, token)).data!.viewer).toBeNull();
    }
    expect(await auditCount(t, 'session.revoke_all')).toBe(1);
  });

  it('User.sessions lists the 200 newest live sessions, newest first; expired ones are left out', async () => {
    const user = await createUser(t, { username: 'manysessions' });
    const em = t.app.deps.orm.em.fork();
    const ref = em.getReference(User, Number(user.id));
    for (let i = 0; i < 210; i++) {
      em.create(AccessToken, {
        tokenHash: hashToken(`many-${i}`),
        user: ref,
        expiresAt: new Date(Date.now() + 3600_000),
        deviceName: `d${i}`,
      });
    }
    em.create(AccessToken, {
      tokenHash: hashToken('many-expired'),
      user: ref,
      expiresAt: new Date(Date.now() - 1000),
      deviceName: 'expired',
    });
    await em.flush();
    const res = await gql(t, '{ viewer { sessions { id deviceName } } }', {}, user.token);
    const sessions = res.data!.viewer.sessions as Array<{ id: string; deviceName: string | null }>;
    expect(sessions).toHaveLength(200);
    expect(sessions[0].deviceName).toBe('d209');
    expect(sessions.map((s) => Number(s.id))).toEqual([...sessions.map((s) => Number(s.id))].sort((a, b) => b - a));
    expect(sessions.some((s) => s.deviceName === 'expired')).toBe(false);
  });

  it('a revocation made through one instance ends the session on another at once (both read the same table)', async () => {
    // A second server on the same database (its config and its connection), as a second instance would be.
    const app = await buildApp(t.app.deps.config, { logger: false, orm: t.app.deps.orm });
    await app.server.listen({ host: '127.0.0.1', port: 0 });
    const second: TestApp = {
      app,
      url: `http://127.0.0.1:${(app.server.server.address() as AddressInfo).port}`,
      close: () => app.close(),
    };
    try {
      const user = await createUser(t, { username: 'twoplaces', password: 'twoplaces-password-1' });
      const login = await gql(second, LOGIN, { u: 'twoplaces', p: 'twoplaces-password-1' });
      const token = login.data!.login.token as string;
      expect((await gql(second, '{ viewer { username } }', {}, token)).data!.viewer.username).toBe('twoplaces');
      const sessions = (await gql(t, SESSIONS, { u: 'twoplaces' }, user.token)).data!.user.sessions as Array<{
        id: string;
        current: boolean;
      }>;
      const other = sessions.find((s) => !s.current)!;
      expect((await gql(t, 'mutation($id: ID!) { revokeSession(id: $id) }', { id: other.id }, user.token)).data!.revokeSession).toBe(true);
      expect((await gql(second, '{ viewer { username } }', {}, token)).data!.viewer).toBeNull();
    } finally {
      await second.close();
    }
  });
});
