import {
  ActivateUsersDocument,
  CreateUsersDocument,
  DeactivateUsersDocument,
  DeleteUsersDocument,
  LoginDocument,
  TagUsersDocument,
  UntagUsersDocument,
  UpdateUserDocument,
  UserDocument,
  UsersDocument,
} from '../../__generated__/operations';
import { codes, gql, startTestApp, type TestApp } from '../../helpers/app';
import { auditCount, createGroup, createUser, type Actor } from '../../helpers/factories';

describe('users', () => {
  let t: TestApp;
  let manager: Actor;
  beforeAll(async () => {
    t = await startTestApp();
    manager = await createUser(t, { username: 'manager', privileges: ['MANAGE_USERS', 'VIEW_USERS', 'DEACTIVATE'] });
  });
  afterAll(() => t.close());

  const count = async () => Number(((await t.app.deps.db.knex('users').count({ n: '*' }).first()) as { n: unknown }).n);

  it('creates many users in one call, and they can sign in', async () => {
    const res = await gql(
      t,
      CreateUsersDocument,
      {
        inputs: [
          { username: 'alice', password: 'alice-password', email: 'Alice@Example.org', displayName: 'Alice' },
          { username: 'alfred', password: 'alfred-password' },
        ],
      },
      manager.token,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.createUsers.map((u) => u.username)).toEqual(['alice', 'alfred']);
    expect(res.data!.createUsers[0].email).toBe('alice@example.org');
    expect((await gql(t, LoginDocument, { username: 'alice', password: 'alice-password' })).errors).toBeUndefined();
    const hash = await t.app.deps.db.knex('users').where('username', 'alice').first('password_hash');
    expect(hash.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('a batch with one taken username changes nothing (CONFLICT)', async () => {
    const before = await count();
    const audits = await auditCount(t);
    const res = await gql(t, CreateUsersDocument, { inputs: [{ username: 'newcomer' }, { username: 'alice' }] }, manager.token);
    expect(codes(res)).toEqual(['CONFLICT']);
    expect(res.errors![0].message).toContain('alice');
    expect(await count()).toBe(before);
    expect(await auditCount(t)).toBe(audits);
  });

  it('rejects invalid input with BAD_USER_INPUT naming the field', async () => {
    const res = await gql(t, CreateUsersDocument, { inputs: [{ username: 'Bad Name!', password: 'short' }] }, manager.token);
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    const fields = (res.errors![0].extensions!.fields as string[]).join(',');
    expect(fields).toContain('username');
    expect(fields).toContain('password');
  });

  it('an extra field (privileges) in a user update is rejected and changes nothing', async () => {
    const bob = await createUser(t, { username: 'bob-extra' });
    const res = await gql(
      t,
      `mutation($id: ID!) { updateUser(id: $id, input: { displayName: "Bob", privileges: [ALL] }) { id } }`,
      { id: bob.id },
      bob.token,
    );
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0].message).not.toMatch(/did you mean/i);
    const viaVars = await gql(
      t,
      UpdateUserDocument,
      { id: bob.id, input: { displayName: 'Bob', privileges: ['ALL'] } as never },
      bob.token,
    );
    expect(codes(viaVars)).toEqual(['BAD_USER_INPUT']);
    const user = await gql(t, UserDocument, { id: bob.id }, bob.token);
    expect(user.data!.user).toMatchObject({ displayName: null, directPrivileges: [], privileges: [] });
  });

  it('own password change needs the current password; MANAGE_USERS does not', async () => {
    const u = await createUser(t, { username: 'pw-user', password: 'first-password' });
    const noCurrent = await gql(t, UpdateUserDocument, { id: u.id, input: { password: 'second-password' } }, u.token);
    expect(codes(noCurrent)).toEqual(['BAD_USER_INPUT']);
    expect(noCurrent.errors![0].extensions!.field).toBe('input.currentPassword');
    const wrong = await gql(
      t,
      UpdateUserDocument,
      { id: u.id, input: { password: 'second-password', currentPassword: 'nope-nope' } },
      u.token,
    );
    expect(codes(wrong)).toEqual(['BAD_USER_INPUT']);
    const byManager = await gql(t, UpdateUserDocument, { id: u.id, input: { password: 'third-password' } }, manager.token);
    expect(byManager.errors).toBeUndefined();
    expect((await gql(t, LoginDocument, { username: 'pw-user', password: 'third-password' })).errors).toBeUndefined();
  });

  it('a plain user cannot update someone else', async () => {
    const a = await createUser(t);
    const b = await createUser(t);
    const res = await gql(t, UpdateUserDocument, { id: b.id, input: { displayName: 'x' } }, a.token);
    expect(codes(res)).toEqual(['FORBIDDEN']);
  });

  it('updating to a taken email is CONFLICT', async () => {
    const a = await createUser(t, { email: 'taken@example.org' });
    const b = await createUser(t);
    expect(a.id).not.toBe(b.id);
    const res = await gql(t, UpdateUserDocument, { id: b.id, input: { email: 'TAKEN@example.org' } }, manager.token);
    expect(codes(res)).toEqual(['CONFLICT']);
  });

  it('deactivates with a reason (recorded who and when) and reactivates', async () => {
    const u = await createUser(t, { username: 'to-deactivate' });
    const res = await gql(t, DeactivateUsersDocument, { ids: [u.id], reason: 'spam' }, manager.token);
    expect(res.data!.deactivateUsers).toEqual([{ id: u.id, active: false }]);
    const read = await gql(t, UserDocument, { id: u.id }, manager.token);
    expect(read.data!.user!.deactivation).toMatchObject({ reason: 'spam', by: { username: 'manager' } });
    expect(read.data!.user!.deactivation!.at).toBeTruthy();
    const back = await gql(t, ActivateUsersDocument, { ids: [u.id] }, manager.token);
    expect(back.data!.activateUsers).toEqual([{ id: u.id, active: true }]);
  });

  it('bulk changes with one unknown id change nothing (NOT_FOUND)', async () => {
    const u = await createUser(t);
    const res = await gql(t, DeactivateUsersDocument, { ids: [u.id, '999999'] }, manager.token);
    expect(codes(res)).toEqual(['NOT_FOUND']);
    const read = await gql(t, UserDocument, { id: u.id }, manager.token);
    expect(read.data!.user!.active).toBe(true);
    expect(codes(await gql(t, DeactivateUsersDocument, { ids: ['abc'] }, manager.token))).toEqual(['BAD_USER_INPUT']);
  });

  it('tags and untags many users', async () => {
    const a = await createUser(t);
    const b = await createUser(t, { tags: ['old'] });
    const tagged = await gql(t, TagUsersDocument, { ids: [a.id, b.id], tags: ['mrf_tag:sandbox', 'vip'] }, manager.token);
    expect(tagged.data!.tagUsers.map((u) => u.tags)).toEqual([
      ['mrf_tag:sandbox', 'vip'],
      ['mrf_tag:sandbox', 'old', 'vip'],
    ]);
    const untagged = await gql(t, UntagUsersDocument, { ids: [b.id], tags: ['vip'] }, manager.token);
    expect(untagged.data!.untagUsers[0].tags).toEqual(['mrf_tag:sandbox', 'old']);
    const list = await gql(t, UsersDocument, { filter: { tags: ['vip'] } }, manager.token);
    expect(list.data!.users.nodes.map((n) => n.id)).toEqual([a.id]);
    expect(codes(await gql(t, TagUsersDocument, { ids: [a.id], tags: ['has,comma'] }, manager.token))).toEqual(['BAD_USER_INPUT']);
  });

  it('deletes users, all or nothing', async () => {
    const a = await createUser(t, { username: 'del-a' });
    const res = await gql(t, DeleteUsersDocument, { ids: [a.id] }, manager.token);
    expect(res.data!.deleteUsers).toEqual([a.id]);
    expect(codes(await gql(t, UserDocument, { id: a.id }, manager.token))).toEqual(['NOT_FOUND']);
    expect(codes(await gql(t, DeleteUsersDocument, { ids: [manager.id, '999998'] }, manager.token))).toEqual(['NOT_FOUND']);
    expect((await gql(t, UserDocument, { id: manager.id }, manager.token)).data!.user!.username).toBe('manager');
  });

  it('lists with search, filters, keyset cursor, offset and totalCount', async () => {
    const t2 = await startTestApp();
    try {
      const viewer = await createUser(t2, { username: 'viewer', privileges: ['VIEW_USERS'] });
      const made: Actor[] = [];
      for (let i = 0; i < 12; i++)
        made.push(await createUser(t2, { username: `member-${String(i).padStart(2, '0')}`, email: `m${i}@ex.org` }));
      await createUser(t2, { username: 'moddy', roles: ['moderator'], active: false });
      const groupId = await createGroup(t2, made[0], 'crew', [made[1], made[2]]);

      const all: string[] = [];
      let after: string | null | undefined = undefined;
      for (;;) {
        const page: Awaited<ReturnType<typeof gql<any>>> = await gql(t2, UsersDocument, { first: 5, after }, viewer.token);
        expect(page.data!.users.totalCount).toBe(14);
        all.push(...page.data!.users.nodes.map((n: { username: string }) => n.username));
        if (!page.data!.users.pageInfo.hasNextPage) break;
        after = page.data!.users.pageInfo.endCursor;
      }
      expect(all).toHaveLength(14);
      expect(new Set(all).size).toBe(14);

      const offset = await gql(t2, UsersDocument, { first: 3, offset: 3 }, viewer.token);
      expect(offset.data!.users.nodes.map((n) => n.username)).toEqual(all.slice(3, 6));

      const search = await gql(t2, UsersDocument, { filter: { query: 'MEMBER-0' } }, viewer.token);
      expect(search.data!.users.totalCount).toBe(10);
      const byMail = await gql(t2, UsersDocument, { filter: { email: 'm11@' } }, viewer.token);
      expect(byMail.data!.users.nodes.map((n) => n.username)).toEqual(['member-11']);
      const inactive = await gql(t2, UsersDocument, { filter: { active: false } }, viewer.token);
      expect(inactive.data!.users.nodes.map((n) => n.username)).toEqual(['moddy']);
      const byRole = await gql(t2, UsersDocument, { filter: { roles: ['moderator'] } }, viewer.token);
      expect(byRole.data!.users.nodes.map((n) => n.username)).toEqual(['moddy']);
      const byGroup = await gql(t2, UsersDocument, { filter: { group: groupId } }, viewer.token);
      expect(byGroup.data!.users.nodes.map((n) => n.username)).toEqual(['member-00', 'member-01', 'member-02']);
      const wildcard = await gql(t2, UsersDocument, { filter: { query: '%' } }, viewer.token);
      expect(wildcard.data!.users.totalCount).toBe(0);

      expect(codes(await gql(t2, UsersDocument, { first: 501 }, viewer.token))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await gql(t2, UsersDocument, { after: 'garbage' }, viewer.token))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await gql(t2, UsersDocument, { after: all[0], offset: 2 }, viewer.token))).toEqual(['BAD_USER_INPUT']);
    } finally {
      await t2.close();
    }
  });

  it('reads a user by username; self may read themself without VIEW_USERS', async () => {
    const u = await createUser(t, { username: 'selfie' });
    const res = await gql(t, UserDocument, { username: 'selfie' }, u.token);
    expect(res.data!.user!.username).toBe('selfie');
    const other = await createUser(t);
    expect(codes(await gql(t, UserDocument, { username: 'selfie' }, other.token))).toEqual(['FORBIDDEN']);
  });
});
