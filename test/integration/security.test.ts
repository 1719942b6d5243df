import { PassThrough } from 'node:stream';
import WebSocket from 'ws';
import { print } from 'graphql';
import * as ops from '../../src/rest/operations/__generated__/operations';
import { codes, gql, startTestApp, type TestApp } from '../helpers/app';
import { auditCount, createUser, type Actor } from '../helpers/factories';
import { rest } from '../helpers/rest';

/**
 * Regression tests for issue 11 (a hostile probe's findings), one block per numbered point, all
 * through HTTP. Each failed on the code before the fix.
 */

const CREATE_INVITE = `mutation($input: CreateInviteInput!) { createInvite(input: $input) { id token grantRoles grantPrivileges } }`;
const INVITES = `{ invites(first: 100) { nodes { id token grantRoles } } }`;
const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { token user { username privileges roles { name } } } }`;
const CREATE_ROLE = `mutation($input: CreateRoleInput!) { createRole(input: $input) { id name } }`;
const UPDATE_ROLE = `mutation($id: ID!, $input: UpdateRoleInput!) { updateRole(id: $id, input: $input) { id name privileges } }`;
const SIGN_IN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`;
const LOGIN = `mutation($u: String!, $p: String!, $n: String) { login(username: $u, password: $p, newPassword: $n) { token } }`;

async function usesOf(t: TestApp, id: string): Promise<number> {
  const row = (await t.app.deps.db.knex('invites').where('id', Number(id)).first('uses')) as { uses: number };
  return Number(row.uses);
}

describe('issue 11 · 1: an invite is a stored grant', () => {
  let t: TestApp;
  let admin: Actor;
  let issuer: Actor;
  let adminInvite: { id: string; token: string };
  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, { username: 'boss', roles: ['admin'] });
    issuer = await createUser(t, { username: 'issuer', privileges: ['ISSUE_TOKENS'] });
    const res = await gql(t, CREATE_INVITE, { input: { token: 'admin-invite', grants: { roles: ['admin'] } } }, admin.token);
    adminInvite = res.data!.createInvite;
  });
  afterAll(() => t.close());

  it('a token issuer sees no token of an invite that grants more than they hold, in any dialect', async () => {
    const own = await gql(t, CREATE_INVITE, { input: { token: 'issuer-own' } }, issuer.token);
    expect(own.errors).toBeUndefined();
    const list = await gql(t, INVITES, {}, issuer.token);
    expect(list.errors).toBeUndefined();
    const nodes = list.data!.invites.nodes as Array<{ id: string; token: string | null; grantRoles: string[] }>;
    expect(nodes.find((n) => n.id === adminInvite.id)).toEqual({ id: adminInvite.id, token: null, grantRoles: ['admin'] });
    expect(nodes.find((n) => n.token === 'issuer-own')).toBeDefined();
    // The admin, who holds what it grants, reads it.
    const asAdmin = await gql(t, INVITES, {}, admin.token);
    expect(asAdmin.data!.invites.nodes.find((n: { id: string }) => n.id === adminInvite.id).token).toBe('admin-invite');
    // Named by its token, it is not found for the issuer.
    expect(codes(await gql(t, `{ invite(token: "admin-invite") { id } }`, {}, issuer.token))).toEqual(['NOT_FOUND']);

    const telo = await rest(t, 'GET', '/_telodendria/admin/v1/tokens', { token: issuer.token });
    expect(telo.status).toBe(200);
    expect(JSON.stringify(telo.body)).not.toContain('admin-invite');
    expect(telo.body.tokens.map((x: { name: string }) => x.name)).toContain('issuer-own');
    const telo1 = await rest(t, 'GET', '/_telodendria/admin/v1/tokens/admin-invite', { token: issuer.token });
    expect(telo1.status).toBe(404);
    for (const prefix of ['/api/pleroma/admin', '/api/v1/pleroma/admin']) {
      const pl = await rest(t, 'GET', `${prefix}/users/invites`, { token: issuer.token });
      expect(pl.status).toBe(200);
      expect(JSON.stringify(pl.body)).not.toContain('admin-invite');
      expect(pl.body.invites.map((x: { token: string }) => x.token)).toContain('issuer-own');
    }
  });

  it('nobody revives, extends, revokes or deletes an invite granting what they lack', async () => {
    const used = await gql(t, CREATE_INVITE, { input: { token: 'used-up-all', maxUses: 1, grants: { privileges: ['ALL'] } } }, admin.token);
    await t.app.deps.db.knex('invites').where('id', Number(used.data!.createInvite.id)).update({ uses: 1 });
    const before = await auditCount(t);
    for (const doc of [
      `mutation { updateInvite(token: "used-up-all", input: { maxUses: null }) { uses } }`,
      `mutation { updateInvite(token: "${used.data!.createInvite.id}", input: { maxUses: 5 }) { uses } }`,
      `mutation { revokeInvite(token: "admin-invite") { id } }`,
      `mutation { deleteInvite(token: "admin-invite") }`,
    ]) {
      const res = await gql(t, doc, {}, issuer.token);
      expect(codes(res)).toEqual(['FORBIDDEN']);
      expect(res.errors![0].extensions!.reason).toBe('PRIVILEGE_ESCALATION');
    }
    const revive = await rest(t, 'DELETE', '/_telodendria/admin/v1/tokens/admin-invite', { token: issuer.token });
    expect(revive.status).toBe(403);
    expect(await auditCount(t)).toBe(before);
    // Still used up: registering with it fails.
    const reg = await gql(t, REGISTER, { input: { username: 'climber', password: 'climber-password', inviteToken: 'used-up-all' } });
    expect(codes(reg)).toEqual(['FORBIDDEN']);
  });

  it('an invite whose grants now exceed what its creator holds no longer registers anyone', async () => {
    const lead = await createUser(t, { username: 'lead', privileges: ['ISSUE_TOKENS', 'DEACTIVATE'] });
    const inv = await gql(t, CREATE_INVITE, { input: { token: 'lead-invite', grants: { privileges: ['DEACTIVATE'] } } }, lead.token);
    expect(inv.errors).toBeUndefined();
    // The creator loses DEACTIVATE.
    const demote = await gql(
      t,
      `mutation($id: ID!) { setUserPrivileges(userId: $id, privileges: [ISSUE_TOKENS]) { privileges } }`,
      { id: lead.id },
      admin.token,
    );
    expect(demote.errors).toBeUndefined();
    const reg = await gql(t, REGISTER, { input: { username: 'via-lead', password: 'via-lead-password', inviteToken: 'lead-invite' } });
    expect(codes(reg)).toEqual(['FORBIDDEN']);
    expect(reg.errors![0].extensions!.reason).toBe('INVALID_INVITE');
    expect(await usesOf(t, inv.data!.createInvite.id)).toBe(0);
    expect(await t.app.deps.db.knex('users').where('username', 'via-lead').first()).toBeUndefined();
    // Given back, the invite works again.
    await gql(
      t,
      `mutation($id: ID!) { setUserPrivileges(userId: $id, privileges: [ISSUE_TOKENS, DEACTIVATE]) { privileges } }`,
      { id: lead.id },
      admin.token,
    );
    const ok = await gql(t, REGISTER, { input: { username: 'via-lead', password: 'via-lead-password', inviteToken: 'lead-invite' } });
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.register.user.privileges).toEqual(['DEACTIVATE']);
  });
});

describe('issue 11 · 2: roles are granted by id, and renaming a role is granting it', () => {
  let t: TestApp;
  let admin: Actor;
  let schemer: Actor;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, { roles: ['admin'] });
    schemer = await createUser(t, { username: 'schemer', privileges: ['ISSUE_TOKENS', 'MANAGE_ROLES'] });
  });
  afterAll(() => t.close());

  it('the bait-and-rename path never yields ALL', async () => {
    const superRole = await gql(t, CREATE_ROLE, { input: { name: 'superadmins', privileges: ['ALL'] } }, admin.token);
    const bait = await gql(t, CREATE_ROLE, { input: { name: 'bait', privileges: [] } }, schemer.token);
    expect(bait.errors).toBeUndefined();
    const inv = await gql(t, CREATE_INVITE, { input: { token: 'bait-invite', grants: { roles: ['bait'] } } }, schemer.token);
    expect(inv.data!.createInvite.grantRoles).toEqual(['bait']);
    // Renaming the bait away is fine (it carries nothing); renaming an ALL role is granting ALL: refused.
    expect(
      (await gql(t, UPDATE_ROLE, { id: bait.data!.createRole.id, input: { name: 'bait-old' } }, schemer.token)).errors,
    ).toBeUndefined();
    const rename = await gql(t, UPDATE_ROLE, { id: superRole.data!.createRole.id, input: { name: 'bait' } }, schemer.token);
    expect(codes(rename)).toEqual(['FORBIDDEN']);
    const redescribe = await gql(t, UPDATE_ROLE, { id: superRole.data!.createRole.id, input: { description: 'mine' } }, schemer.token);
    expect(codes(redescribe)).toEqual(['FORBIDDEN']);
    // Even when an administrator renames the ALL role to the bait's old name, the invite still names
    // the bait role by id.
    expect((await gql(t, UPDATE_ROLE, { id: superRole.data!.createRole.id, input: { name: 'bait' } }, admin.token)).errors).toBeUndefined();
    const list = await gql(t, INVITES, {}, schemer.token);
    expect(list.data!.invites.nodes.find((n: { token: string }) => n.token === 'bait-invite').grantRoles).toEqual(['bait-old']);
    const reg = await gql(t, REGISTER, { input: { username: 'baited', password: 'baited-password', inviteToken: 'bait-invite' } });
    expect(reg.errors).toBeUndefined();
    expect(reg.data!.register.user).toMatchObject({ privileges: [], roles: [{ name: 'bait-old' }] });
  });

  it('a deleted role grants nothing through an invite that named it', async () => {
    const role = await gql(t, CREATE_ROLE, { input: { name: 'temp', privileges: [] } }, schemer.token);
    await gql(t, CREATE_INVITE, { input: { token: 'temp-invite', grants: { roles: ['temp'] } } }, schemer.token);
    await gql(t, `mutation($id: ID!) { deleteRole(id: $id) }`, { id: role.data!.createRole.id }, schemer.token);
    // A new role of the same name is another role.
    await gql(t, CREATE_ROLE, { input: { name: 'temp', privileges: ['ALL'] } }, admin.token);
    const reg = await gql(t, REGISTER, { input: { username: 'temper', password: 'temper-password', inviteToken: 'temp-invite' } });
    expect(reg.errors).toBeUndefined();
    expect(reg.data!.register.user).toMatchObject({ privileges: [], roles: [] });
  });
});

describe('issue 11 · 3, 4, 14: who may act on which account', () => {
  let t: TestApp;
  let admin: Actor;
  let admin2: Actor;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, { username: 'root', roles: ['admin'], email: 'root@ex.org' });
    admin2 = await createUser(t, { username: 'root2', roles: ['admin'] });
  });
  afterAll(() => t.close());

  it('3: user(...) decides on the one argument the resolver reads; mixed arguments are refused', async () => {
    const plain = await createUser(t, { username: 'plainjane' });
    const mixed = await gql(
      t,
      `query($me: ID!, $o: String!) { user(id: $me, idOrUsername: $o) { username email } }`,
      { me: plain.id, o: 'root' },
      plain.token,
    );
    expect(mixed.data?.user ?? null).toBeNull();
    expect(codes(mixed)).toEqual(['FORBIDDEN']);
    const byName = await gql(
      t,
      `query($me: ID!, $o: String!) { user(id: $me, username: $o) { username } }`,
      { me: plain.id, o: 'root' },
      plain.token,
    );
    expect(codes(byName)).toEqual(['FORBIDDEN']);
    // Each argument alone still reaches one's own record.
    expect(
      (await gql(t, `query($o: String!) { user(idOrUsername: $o) { username } }`, { o: 'plainjane' }, plain.token)).data!.user.username,
    ).toBe('plainjane');
    expect(codes(await gql(t, `query($o: String!) { user(idOrUsername: $o) { username } }`, { o: 'root' }, plain.token))).toEqual([
      'FORBIDDEN',
    ]);
  });

  it('4: MANAGE_USERS, DELETE_STAFF and DEACTIVATE cannot act on an ALL holder; they still act on weaker accounts', async () => {
    const helper = await createUser(t, {
      privileges: ['MANAGE_USERS', 'DELETE_STAFF', 'DELETE_USERS', 'DEACTIVATE', 'RESET_PASSWORDS', 'VIEW_USERS'],
    });
    const before = await auditCount(t);
    const attempts = [
      `mutation($id: ID!) { deleteUsers(ids: [$id]) }`,
      `mutation($id: ID!) { deactivateUsers(ids: [$id]) { id } }`,
      `mutation($id: ID!) { activateUsers(ids: [$id]) { id } }`,
      `mutation($id: ID!) { updateUser(id: $id, input: { email: "mine@evil.org" }) { id } }`,
      `mutation($id: ID!) { forcePasswordReset(ids: [$id]) { id } }`,
      `mutation($id: ID!) { tagUsers(ids: [$id], tags: ["x"]) { id } }`,
      `mutation($id: ID!) { approveUsers(ids: [$id]) { id } }`,
      `mutation($id: ID!) { confirmUserEmails(ids: [$id]) { id } }`,
      `mutation($id: ID!) { resendConfirmationEmails(ids: [$id]) { id } }`,
      `mutation($id: String!) { toggleUserActivation(idOrUsername: $id) { id } }`,
      `mutation($id: String!) { resetUserPassword(idOrUsername: $id) { password } }`,
    ];
    for (const doc of attempts) {
      const res = await gql(t, doc, { id: admin.id }, helper.token);
      expect([doc, codes(res)]).toEqual([doc, ['FORBIDDEN']]);
    }
    expect(await auditCount(t)).toBe(before);
    const row = await t.app.deps.db.knex('users').where('id', Number(admin.id)).first();
    expect(row).toMatchObject({ email: 'root@ex.org', tags: '' });
    expect(Boolean(row.active)).toBe(true);
    expect(Boolean(row.must_change_password)).toBe(false);
    // Through the dialects too.
    const pl = await rest(t, 'PATCH', '/api/pleroma/admin/users/deactivate', { token: helper.token, body: { nicknames: ['root'] } });
    expect(pl.status).toBe(403);
    const pr = await rest(t, 'DELETE', '/users/root', { headers: { authorization: helper.token } });
    expect([401, 403]).toContain(pr.status);
    expect(await t.app.deps.db.knex('users').where('username', 'root').first()).toBeDefined();
    // A plain account is still theirs to manage.
    const victim = await createUser(t, { username: 'ordinary' });
    for (const doc of attempts.slice(1, 7)) {
      expect([doc, (await gql(t, doc, { id: victim.id }, helper.token)).errors]).toEqual([doc, undefined]);
    }
    expect((await gql(t, attempts[0], { id: victim.id }, helper.token)).errors).toBeUndefined();
  });

  it('14: nobody removes their own last way to ALL, by whatever path', async () => {
    const me = await createUser(t, { username: 'selfish', privileges: ['ALL'] });
    const root = await gql(t, CREATE_ROLE, { input: { name: 'root-role', privileges: ['ALL'] } }, admin.token);
    const roleId = root.data!.createRole.id;
    // Direct grant is the only path: removing it is refused.
    const direct = await gql(
      t,
      `mutation($id: ID!) { setUserPrivileges(userId: $id, privileges: [ALL], mode: REMOVE) { privileges } }`,
      { id: me.id },
      me.token,
    );
    expect(codes(direct)).toEqual(['FORBIDDEN']);
    expect(direct.errors![0].extensions!.reason).toBe('OWN_ALL');
    // With a second path (a custom role) the direct grant may go, then the role is the last path.
    expect(
      (await gql(t, `mutation($r: ID!, $id: ID!) { assignRole(roleId: $r, userIds: [$id]) { id } }`, { r: roleId, id: me.id }, me.token))
        .errors,
    ).toBeUndefined();
    expect(
      (
        await gql(
          t,
          `mutation($id: ID!) { setUserPrivileges(userId: $id, privileges: [ALL], mode: REMOVE) { privileges } }`,
          { id: me.id },
          me.token,
        )
      ).errors,
    ).toBeUndefined();
    const unassign = await gql(
      t,
      `mutation($r: ID!, $id: ID!) { unassignRole(roleId: $r, userIds: [$id]) { id } }`,
      { r: roleId, id: me.id },
      me.token,
    );
    expect(codes(unassign)).toEqual(['FORBIDDEN']);
    const strip = await gql(t, UPDATE_ROLE, { id: roleId, input: { privileges: ['VIEW_USERS'] } }, me.token);
    expect(codes(strip)).toEqual(['FORBIDDEN']);
    const del = await gql(t, `mutation($id: ID!) { deleteRole(id: $id) }`, { id: roleId }, me.token);
    expect(codes(del)).toEqual(['FORBIDDEN']);
    const deactivate = await gql(t, `mutation($id: ID!) { deactivateUsers(ids: [$id]) { id } }`, { id: me.id }, me.token);
    expect(codes(deactivate)).toEqual(['FORBIDDEN']);
    expect((await gql(t, `{ viewer { privileges } }`, {}, me.token)).data!.viewer.privileges).toEqual(['ALL']);
    // Another administrator may.
    expect(
      (
        await gql(
          t,
          `mutation($r: ID!, $id: ID!) { unassignRole(roleId: $r, userIds: [$id]) { id } }`,
          { r: roleId, id: me.id },
          admin2.token,
        )
      ).errors,
    ).toBeUndefined();
  });
});

describe('issue 11 · 5, 6, 11, 15: registration and sign-in', () => {
  let t: TestApp;
  let admin: Actor;
  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: 'true' });
    admin = await createUser(t, { username: 'chief', roles: ['admin'], password: 'chief-password' });
    await createUser(t, { username: 'taken' });
  });
  afterAll(() => t.close());

  const from = (ip: string) => ({ 'x-forwarded-for': ip });

  it('5: a bogus invite answers the invalid-invite error whether or not the username is taken', async () => {
    const taken = await gql(
      t,
      REGISTER,
      { input: { username: 'taken', password: 'some-password', inviteToken: 'bogus' } },
      null,
      from('10.9.0.1'),
    );
    const free = await gql(
      t,
      REGISTER,
      { input: { username: 'free-name', password: 'some-password', inviteToken: 'bogus' } },
      null,
      from('10.9.0.1'),
    );
    expect(taken.errors![0]).toEqual(free.errors![0]);
    expect(taken.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'INVALID_INVITE' });
    const none = await gql(t, REGISTER, { input: { username: 'taken', password: 'some-password' } }, null, from('10.9.0.1'));
    expect(codes(none)).toEqual(['BAD_USER_INPUT']);
    const matrix = await rest(t, 'POST', '/_matrix/client/v3/register', {
      body: { username: 'taken', password: 'some-password', auth: { type: 'm.login.registration_token', token: 'bogus' } },
      headers: from('10.9.0.1'),
    });
    expect(matrix.body.errcode).not.toBe('M_USER_IN_USE');
  });

  it('6: wrong passwords from one address do not lock the account out from another', async () => {
    for (let i = 0; i < 12; i++) {
      const res = await gql(t, SIGN_IN, { u: 'chief', p: 'wrong-password' }, null, from('10.1.1.1'));
      expect(codes(res)).toEqual([i < 10 ? 'UNAUTHENTICATED' : 'RATE_LIMITED']);
    }
    // The attacker's address is blocked even with the right password…
    expect(codes(await gql(t, SIGN_IN, { u: 'chief', p: 'chief-password' }, null, from('10.1.1.1')))).toEqual(['RATE_LIMITED']);
    // …the owner, elsewhere, signs in.
    const owner = await gql(t, SIGN_IN, { u: 'chief', p: 'chief-password' }, null, from('10.2.2.2'));
    expect(owner.errors).toBeUndefined();
    expect(owner.data!.login.token).toBeTruthy();
  });

  it('6: a success resets the consecutive-failure count for that address', async () => {
    await createUser(t, { username: 'forgetful', password: 'forgetful-password' });
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 9; i++) await gql(t, SIGN_IN, { u: 'forgetful', p: 'nope-nope' }, null, from('10.3.3.3'));
      expect((await gql(t, SIGN_IN, { u: 'forgetful', p: 'forgetful-password' }, null, from('10.3.3.3'))).errors).toBeUndefined();
    }
  });

  it('15: a rate-limited login or registration answers HTTP 429', async () => {
    const res = await gql(t, SIGN_IN, { u: 'chief', p: 'wrong-password' }, null, from('10.1.1.1'));
    expect(codes(res)).toEqual(['RATE_LIMITED']);
    expect(res.status).toBe(429);
    let last = await gql(t, REGISTER, { input: { username: 'flood0', password: 'flood-password' } }, null, from('10.4.4.4'));
    for (let i = 1; i < 25 && codes(last)[0] !== 'RATE_LIMITED'; i++) {
      last = await gql(t, REGISTER, { input: { username: `flood${i}`, password: 'flood-password' } }, null, from('10.4.4.4'));
    }
    expect(codes(last)).toEqual(['RATE_LIMITED']);
    expect(last.status).toBe(429);
  });

  it('11: a forced password reset ends sessions and is enforced at the next sign-in, in every dialect', async () => {
    const user = await createUser(t, { username: 'resetme', password: 'old-password' });
    const res = await gql(t, `mutation($id: ID!) { forcePasswordReset(ids: [$id]) { mustChangePassword } }`, { id: user.id }, admin.token);
    expect(res.data!.forcePasswordReset).toEqual([{ mustChangePassword: true }]);
    expect((await gql(t, `{ viewer { username } }`, {}, user.token)).data!.viewer).toBeNull();
    const login = await gql(t, LOGIN, { u: 'resetme', p: 'old-password' }, null, from('10.5.5.5'));
    expect(codes(login)).toEqual(['FORBIDDEN']);
    expect(login.errors![0].extensions!.reason).toBe('PASSWORD_RESET_REQUIRED');
    // A wrong password still answers the one invalid-credentials error (nothing learnt).
    expect(codes(await gql(t, LOGIN, { u: 'resetme', p: 'bad-password' }, null, from('10.5.5.5')))).toEqual(['UNAUTHENTICATED']);
    const oauth = await rest(t, 'POST', '/oauth/token', {
      body: { grant_type: 'password', username: 'resetme', password: 'old-password', client_id: 'x', client_secret: 'y' },
      headers: from('10.5.5.6'),
    });
    expect(oauth.status).toBe(403);
    expect(oauth.body).toEqual({ error: 'Password reset is required', identifier: 'password_reset_required' });
    const matrix = await rest(t, 'POST', '/_matrix/client/v3/login', {
      body: { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'resetme' }, password: 'old-password' },
      headers: from('10.5.5.7'),
    });
    expect(matrix.status).toBe(403);
    expect(matrix.body.errcode).toBe('M_FORBIDDEN');
    const pryv = await rest(t, 'POST', '/auth/login', {
      body: { username: 'resetme', password: 'old-password' },
      headers: from('10.5.5.8'),
    });
    expect(pryv.status).toBe(403);
    // Setting a new password in the sign-in step lets the user in, and clears the requirement.
    const changed = await gql(t, LOGIN, { u: 'resetme', p: 'old-password', n: 'brand-new-password' }, null, from('10.5.5.5'));
    expect(changed.errors).toBeUndefined();
    expect(codes(await gql(t, LOGIN, { u: 'resetme', p: 'old-password' }, null, from('10.5.5.5')))).toEqual(['UNAUTHENTICATED']);
    expect((await gql(t, LOGIN, { u: 'resetme', p: 'brand-new-password' }, null, from('10.5.5.5'))).errors).toBeUndefined();
  });
});

describe('issue 11 · 7, 8, 10, 12, 13: logs, bad input, answers, trust and origins', () => {
  let t: TestApp;
  let admin: Actor;
  const logLines: string[] = [];
  beforeAll(async () => {
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => logLines.push(...chunk.toString().split('\n').filter(Boolean)));
    t = await startTestApp({ LOG_LEVEL: 'info', CORS_ORIGINS: 'https://admin.example.org' }, {}, { logger: true, logStream: stream });
    admin = await createUser(t, { username: 'admin', roles: ['admin'] });
  });
  afterAll(() => t.close());

  it('7: a token in ?access_token= is never written to the request log', async () => {
    const res = await rest(t, 'GET', `/_telodendria/admin/v1/privileges?access_token=${admin.token}`);
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    const lines = logLines.filter((l) => l.includes('/_telodendria/admin/v1/privileges'));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).toContain('access_token=[Redacted]');
    expect(logLines.join('\n')).not.toContain(admin.token);
  });

  it("8: impossible dates, a non-object smtp, NUL bytes and deep JSON answer each dialect's 400", async () => {
    const errorsBefore = logLines.filter((l) => /"level":50/.test(l)).length;
    const pl = await rest(t, 'POST', '/api/pleroma/admin/users/invite_token', { token: admin.token, body: { expires_at: '2019-13-45' } });
    expect([pl.status, pl.body]).toEqual([400, { error: expect.stringContaining('expires_at') }]);
    const pl2 = await rest(t, 'POST', '/api/pleroma/admin/users/invite_token', { token: admin.token, body: { expires_at: '2019-02-30' } });
    expect(pl2.status).toBe(400);
    const telo = await rest(t, 'POST', '/_telodendria/admin/v1/tokens', { token: admin.token, body: { expires_on: 9e15 } });
    expect([telo.status, telo.body.errcode]).toEqual([400, expect.any(String)]);
    const smtp = await gql(t, `mutation { patchSettings(patch: { smtp: "mail.example.org" }) { restartRequired } }`, {}, admin.token);
    expect(codes(smtp)).toEqual(['BAD_USER_INPUT']);
    const smtpR = await gql(
      t,
      `mutation($s: JSON!) { replaceSettings(settings: $s) { restartRequired } }`,
      { s: { smtp: 5 } },
      admin.token,
    );
    expect(codes(smtpR)).toEqual(['BAD_USER_INPUT']);
    const nulLogin = await gql(t, LOGIN, { u: 'ad\u0000min', p: 'x\u0000' });
    expect([nulLogin.status, codes(nulLogin)]).toEqual([400, ['BAD_USER_INPUT']]);
    const nulValid = await rest(t, 'GET', '/_matrix/client/v1/register/m.login.registration_token/validity?token=a%00b');
    expect(nulValid.status).toBe(400);
    expect(codes(await gql(t, `query($t: String!) { inviteTokenValid(token: $t) }`, { t: 'a\u0000' }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await gql(t, `query($k: String!) { kv(key: $k) { key } }`, { k: 'k\u0000' }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await gql(t, `{ kv(key: "k\\u0000") { key } }`))).toEqual(['BAD_USER_INPUT']);
    // 5,000 levels, written as text (JSON.stringify itself would overflow on it).
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const post = (path: string, body: string) =>
      fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as any,
      }));
    const deepKv = await post(
      '/graphql',
      `{"query":"mutation($v: JSON) { kvSet(key: \\"deep\\", value: $v) { key } }","variables":{"v":${deep}}}`,
    );
    expect([deepKv.status, deepKv.body.errors?.[0]?.extensions?.code]).toEqual([400, 'BAD_USER_INPUT']);
    const socks = await post('/socks', `{"type":341,"data":{"key":"deep","value":${deep}}}`);
    expect(socks.status).toBeLessThan(500);
    expect(socks.body.data.status).toBe('KO');
    const health = await rest(t, 'GET', '/healthz');
    expect(health.status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    // Nothing of this reached the error log (no SQL text, no stack).
    expect(logLines.filter((l) => /"level":50/.test(l)).length).toBe(errorsBefore);
  });

  it('10: creating a user through POST /users with CREATE_USERS answers success, as it happened', async () => {
    const creator = await createUser(t, { privileges: ['CREATE_USERS'] });
    const pl = await rest(t, 'POST', '/api/pleroma/admin/users', {
      token: creator.token,
      body: { users: [{ nickname: 'made-by-creator', email: 'made@ex.org', password: 'made-password' }] },
    });
    expect(pl.status).toBe(200);
    expect(pl.body).toEqual([{ type: 'success', code: 200, data: { nickname: 'made-by-creator', email: 'made@ex.org' } }]);
    const pryv = await rest(t, 'POST', '/users', {
      headers: { authorization: creator.token },
      body: { username: 'pryvmade', password: 'pryv-password', permissions: { users: [], settings: [], platformUsers: [] } },
    });
    expect(pryv.status).toBeLessThan(300);
    expect(await t.app.deps.db.knex('users').where('username', 'pryvmade').first()).toBeDefined();
    // Reading another existing account's email is still refused.
    const other = await gql(t, `query($id: ID!) { user(id: $id) { email } }`, { id: admin.id }, creator.token);
    expect(codes(other)).toEqual(['FORBIDDEN']);
  });

  it("12: a REST row's document sent to /graphql by a client is held to the query limits", async () => {
    // Akkoma's grouped reports: reviewed code run by the REST row, far over the cost limit by the armor's formula.
    const text = print(ops.PleromaGroupedReportsDocument);
    const row = await rest(t, 'GET', '/api/pleroma/admin/grouped_reports', { token: admin.token });
    expect(row.status).toBe(200);
    const costly = text;
    const res = await gql(t, costly, {}, admin.token);
    expect(res.status).toBe(400);
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
  });

  it('13: the Socks WebSocket refuses a foreign Origin, accepts allowed ones and none', async () => {
    const wsUrl = `${t.url.replace('http', 'ws')}/socks`;
    const attempt = (origin?: string) =>
      new Promise<number | 'open'>((resolve) => {
        const ws = new WebSocket(wsUrl, origin ? { origin } : {});
        ws.on('open', () => {
          ws.close();
          resolve('open');
        });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => undefined);
      });
    expect(await attempt('https://evil.example')).toBe(403);
    expect(await attempt('https://admin.example.org')).toBe('open');
    expect(await attempt(t.url)).toBe('open');
    expect(await attempt()).toBe('open');
  });
});
