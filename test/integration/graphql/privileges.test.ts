import {
  AssignRoleDocument,
  CreateRoleDocument,
  DeactivateUsersDocument,
  DeleteRoleDocument,
  DeleteUsersDocument,
  RolesDocument,
  SetUserPrivilegesDocument,
  UnassignRoleDocument,
  UpdateRoleDocument,
  UserDocument,
  ViewerDocument,
} from '../../__generated__/operations';
import { codes, gql, startTestApp, type TestApp } from '../../helpers/app';
import { auditCount, createUser, type Actor } from '../../helpers/factories';

async function roleId(t: TestApp, token: string, name: string): Promise<string> {
  const res = await gql(t, RolesDocument, {}, token);
  return res.data!.roles.find((r) => r.name === name)!.id;
}

describe('privileges and roles', () => {
  let t: TestApp;
  let admin: Actor;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, { username: 'admin', roles: ['admin'] });
  });
  afterAll(() => t.close());

  it('has the built-in roles admin (ALL) and moderator', async () => {
    const res = await gql(t, RolesDocument, {}, admin.token);
    expect(res.data!.roles).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'admin', privileges: ['ALL'], builtIn: true }),
        expect.objectContaining({ name: 'moderator', builtIn: true }),
      ]),
    );
  });

  it('replaces, adds and removes direct privileges (the three Telodendria operations)', async () => {
    const u = await createUser(t);
    const set = (privileges: string[], mode: 'REPLACE' | 'ADD' | 'REMOVE') =>
      gql(t, SetUserPrivilegesDocument, { userId: u.id, privileges: privileges as never, mode }, admin.token);
    expect((await set(['DEACTIVATE', 'CONFIG'], 'REPLACE')).data!.setUserPrivileges.directPrivileges).toEqual(['DEACTIVATE', 'CONFIG']);
    expect((await set(['ISSUE_TOKENS'], 'ADD')).data!.setUserPrivileges.directPrivileges).toEqual(['DEACTIVATE', 'ISSUE_TOKENS', 'CONFIG']);
    expect((await set(['CONFIG'], 'REMOVE')).data!.setUserPrivileges.directPrivileges).toEqual(['DEACTIVATE', 'ISSUE_TOKENS']);
    expect((await set(['ALL', 'CONFIG'], 'ADD')).data!.setUserPrivileges.privileges).toEqual(['ALL']);
    const audit = await auditCount(t, 'privileges.set');
    expect(audit).toBeGreaterThanOrEqual(4);
  });

  it('effective privileges are direct ∪ roles, and ALL implies every privilege', async () => {
    const u = await createUser(t, { privileges: ['CONFIG'], roles: ['moderator'] });
    const res = await gql(t, UserDocument, { id: u.id }, admin.token);
    expect(res.data!.user!.privileges).toEqual(['CONFIG', 'VIEW_USERS', 'MODERATE_REPORTS']);
    // ALL passes every privilege check, including ones no rule names explicitly.
    const all = await createUser(t, { privileges: ['ALL'] });
    expect((await gql(t, RolesDocument, {}, all.token)).errors).toBeUndefined();
    expect(
      (await gql(t, CreateRoleDocument, { input: { name: 'via-all', privileges: ['PROC_CONTROL'] } }, all.token)).errors,
    ).toBeUndefined();
  });

  it('a GRANT_PRIVILEGES holder cannot grant what they do not hold', async () => {
    const granter = await createUser(t, { privileges: ['GRANT_PRIVILEGES', 'DEACTIVATE'] });
    const target = await createUser(t);
    const ok = await gql(t, SetUserPrivilegesDocument, { userId: target.id, privileges: ['DEACTIVATE'], mode: 'ADD' }, granter.token);
    expect(ok.errors).toBeUndefined();
    const esc = await gql(t, SetUserPrivilegesDocument, { userId: granter.id, privileges: ['ALL'], mode: 'ADD' }, granter.token);
    expect(codes(esc)).toEqual(['FORBIDDEN']);
    expect(esc.errors![0].extensions!.reason).toBe('PRIVILEGE_ESCALATION');
    const adminRole = await roleId(t, admin.token, 'admin');
    const viaRole = await gql(t, AssignRoleDocument, { roleId: adminRole, userIds: [granter.id] }, granter.token);
    expect(codes(viaRole)).toEqual(['FORBIDDEN']);
    const me = await gql(t, ViewerDocument, {}, granter.token);
    expect(me.data!.viewer!.privileges).toEqual(['DEACTIVATE', 'GRANT_PRIVILEGES']);
  });

  it('the documented setting restores Telodendria’s looser GRANT_PRIVILEGES, audited', async () => {
    const t2 = await startTestApp({ ALLOW_PRIVILEGE_ESCALATION: 'true' });
    try {
      await createUser(t2, { roles: ['admin'] });
      const granter = await createUser(t2, { privileges: ['GRANT_PRIVILEGES'] });
      const res = await gql(t2, SetUserPrivilegesDocument, { userId: granter.id, privileges: ['ALL'], mode: 'ADD' }, granter.token);
      expect(res.errors).toBeUndefined();
      expect(res.data!.setUserPrivileges.privileges).toEqual(['ALL']);
      const entry = await t2.app.deps.db.knex('audit_entries').where('action', 'privileges.set').first();
      expect(typeof entry.data === 'string' ? JSON.parse(entry.data) : entry.data).toMatchObject({ selfGrant: true, after: ['ALL'] });
    } finally {
      await t2.close();
    }
  });

  it('roles: create, update, delete; a role cannot carry more than its creator holds', async () => {
    const roleMgr = await createUser(t, { privileges: ['MANAGE_ROLES', 'CONFIG'] });
    const created = await gql(t, CreateRoleDocument, { input: { name: 'config-editors', privileges: ['CONFIG'] } }, roleMgr.token);
    expect(created.data!.createRole).toMatchObject({ name: 'config-editors', privileges: ['CONFIG'] });
    const tooMuch = await gql(t, CreateRoleDocument, { input: { name: 'root-ish', privileges: ['ALL'] } }, roleMgr.token);
    expect(codes(tooMuch)).toEqual(['FORBIDDEN']);
    const dup = await gql(t, CreateRoleDocument, { input: { name: 'config-editors', privileges: [] } }, roleMgr.token);
    expect(codes(dup)).toEqual(['CONFLICT']);
    const id = created.data!.createRole.id;
    const renamed = await gql(t, UpdateRoleDocument, { id, input: { name: 'cfg' } }, roleMgr.token);
    expect(renamed.data!.updateRole.name).toBe('cfg');
    expect((await gql(t, DeleteRoleDocument, { id }, roleMgr.token)).data!.deleteRole).toBe(id);
    expect(codes(await gql(t, DeleteRoleDocument, { id }, roleMgr.token))).toEqual(['NOT_FOUND']);
  });

  it('built-in roles cannot be deleted or renamed, and admin keeps ALL', async () => {
    const adminRole = await roleId(t, admin.token, 'admin');
    const modRole = await roleId(t, admin.token, 'moderator');
    expect(codes(await gql(t, DeleteRoleDocument, { id: adminRole }, admin.token))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(t, DeleteRoleDocument, { id: modRole }, admin.token))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(t, UpdateRoleDocument, { id: modRole, input: { name: 'mods' } }, admin.token))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(t, UpdateRoleDocument, { id: adminRole, input: { privileges: ['CONFIG'] } }, admin.token))).toEqual([
      'FORBIDDEN',
    ]);
  });

  it('assigns and unassigns roles; nobody revokes their own admin role', async () => {
    const modRole = await roleId(t, admin.token, 'moderator');
    const adminRole = await roleId(t, admin.token, 'admin');
    const u = await createUser(t);
    const given = await gql(t, AssignRoleDocument, { roleId: modRole, userIds: [u.id] }, admin.token);
    expect(given.data!.assignRole[0].roles).toEqual([{ name: 'moderator' }]);
    const taken = await gql(t, UnassignRoleDocument, { roleId: modRole, userIds: [u.id] }, admin.token);
    expect(taken.data!.unassignRole[0].roles).toEqual([]);

    const second = await createUser(t, { roles: ['admin'] });
    const own = await gql(t, UnassignRoleDocument, { roleId: adminRole, userIds: [second.id] }, second.token);
    expect(codes(own)).toEqual(['FORBIDDEN']);
    expect(own.errors![0].message).toBe("You can't revoke your own admin status.");
    expect((await gql(t, UnassignRoleDocument, { roleId: adminRole, userIds: [second.id] }, admin.token)).errors).toBeUndefined();
  });
});

describe('the last holder of ALL', () => {
  let t: TestApp;
  let admin: Actor;
  let helper: Actor;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, { username: 'only-admin', roles: ['admin'] });
    helper = await createUser(t, { privileges: ['DEACTIVATE', 'MANAGE_USERS', 'GRANT_PRIVILEGES', 'VIEW_USERS'] });
  });
  afterAll(() => t.close());

  async function unchanged() {
    const res = await gql(t, UserDocument, { id: admin.id }, admin.token);
    expect(res.data!.user).toMatchObject({ active: true, privileges: ['ALL'], roles: [{ name: 'admin' }] });
  }

  it('cannot be deactivated: a clear coded error, nothing changed', async () => {
    const before = await auditCount(t);
    // Someone without ALL may not act on an ALL holder at all.
    const weaker = await gql(t, DeactivateUsersDocument, { ids: [admin.id] }, helper.token);
    expect(codes(weaker)).toEqual(['FORBIDDEN']);
    expect(weaker.errors![0].extensions!.reason).toBe('PRIVILEGE_ESCALATION');
    // The last holder themself is stopped by the last-holder rule.
    const res = await gql(t, DeactivateUsersDocument, { ids: [admin.id] }, admin.token);
    expect(codes(res)).toEqual(['CONFLICT']);
    expect(res.errors![0].extensions!.reason).toBe('LAST_ALL_HOLDER');
    expect(res.errors![0].message).toMatch(/last active holder of the ALL privilege/);
    await unchanged();
    expect(await auditCount(t)).toBe(before);
    expect((await gql(t, ViewerDocument, {}, admin.token)).data!.viewer!.username).toBe('only-admin');
  });

  it('cannot be deleted, lose the admin role, or lose ALL when held directly', async () => {
    expect(codes(await gql(t, DeleteUsersDocument, { ids: [admin.id] }, helper.token))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(t, DeleteUsersDocument, { ids: [admin.id] }, admin.token))).toEqual(['CONFLICT']);
    const adminRole = await roleId(t, admin.token, 'admin');
    const other = await createUser(t, { roles: ['admin'] });
    // Two holders: removing one is fine; then the remaining one is protected.
    expect((await gql(t, UnassignRoleDocument, { roleId: adminRole, userIds: [other.id] }, admin.token)).errors).toBeUndefined();
    const direct = await createUser(t, { privileges: ['ALL'] });
    await gql(t, DeactivateUsersDocument, { ids: [admin.id] }, direct.token);
    const res = await gql(t, SetUserPrivilegesDocument, { userId: direct.id, privileges: ['ALL'], mode: 'REMOVE' }, direct.token);
    expect(codes(res)).toEqual(['CONFLICT']);
    expect((await gql(t, ViewerDocument, {}, direct.token)).data!.viewer!.privileges).toEqual(['ALL']);
  });
});
