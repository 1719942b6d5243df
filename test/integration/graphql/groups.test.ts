import {
  AddGroupMembersDocument,
  CreateGroupDocument,
  GroupsDocument,
  RemoveGroupMembersDocument,
  UpdateGroupDocument,
  UserDocument,
} from '../../__generated__/operations';
import { codes, gql, startTestApp, type TestApp } from '../../helpers/app';
import { createUser, type Actor } from '../../helpers/factories';

describe('groups', () => {
  let t: TestApp;
  let owner: Actor;
  let member: Actor;
  let stranger: Actor;
  let groupId: string;
  beforeAll(async () => {
    t = await startTestApp();
    owner = await createUser(t, { username: 'owner' });
    member = await createUser(t, { username: 'member' });
    stranger = await createUser(t, { username: 'stranger' });
  });
  afterAll(() => t.close());

  it('the creator becomes owner and first member', async () => {
    const res = await gql(t, CreateGroupDocument, { input: { name: 'writers' } }, owner.token);
    expect(res.errors).toBeUndefined();
    expect(res.data!.createGroup).toMatchObject({ name: 'writers', owner: { username: 'owner' }, members: [{ username: 'owner' }] });
    groupId = res.data!.createGroup.id;
    expect(codes(await gql(t, CreateGroupDocument, { input: { name: 'writers' } }, stranger.token))).toEqual(['CONFLICT']);
    expect(codes(await gql(t, CreateGroupDocument, { input: { name: 'writers2' } }))).toEqual(['UNAUTHENTICATED']);
  });

  it('the owner adds and removes members and edits the description; others cannot', async () => {
    const added = await gql(t, AddGroupMembersDocument, { groupId, userIds: [member.id] }, owner.token);
    expect(added.data!.addGroupMembers.memberCount).toBe(2);
    // Adding twice is harmless.
    expect((await gql(t, AddGroupMembersDocument, { groupId, userIds: [member.id] }, owner.token)).data!.addGroupMembers.memberCount).toBe(
      2,
    );
    expect(codes(await gql(t, AddGroupMembersDocument, { groupId, userIds: [stranger.id] }, member.token))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(t, UpdateGroupDocument, { id: groupId, input: { description: 'x' } }, stranger.token))).toEqual(['FORBIDDEN']);
    const upd = await gql(t, UpdateGroupDocument, { id: groupId, input: { description: 'We write.' } }, owner.token);
    expect(upd.data!.updateGroup.description).toBe('We write.');
    const groupsOfMember = await gql(t, `query($id: ID!) { user(id: $id) { groups { name } } }`, { id: member.id }, member.token);
    expect(groupsOfMember.data!.user.groups).toEqual([{ name: 'writers' }]);
    const removed = await gql(t, RemoveGroupMembersDocument, { groupId, userIds: [member.id] }, owner.token);
    expect(removed.data!.removeGroupMembers.memberCount).toBe(1);
  });

  it('MANAGE_GROUPS may edit any group', async () => {
    const mgr = await createUser(t, { privileges: ['MANAGE_GROUPS'] });
    const res = await gql(t, AddGroupMembersDocument, { groupId, userIds: [stranger.id] }, mgr.token);
    expect(res.data!.addGroupMembers.members.map((m) => m.username)).toEqual(['owner', 'stranger']);
    expect(codes(await gql(t, AddGroupMembersDocument, { groupId: '99999', userIds: [stranger.id] }, mgr.token))).toEqual(['NOT_FOUND']);
  });

  it('lists groups with a filter and paging', async () => {
    await gql(t, CreateGroupDocument, { input: { name: 'readers', description: 'we read' } }, member.token);
    const all = await gql(t, GroupsDocument, { first: 1 }, stranger.token);
    expect(all.data!.groups.totalCount).toBe(2);
    expect(all.data!.groups.nodes).toHaveLength(1);
    const filtered = await gql(t, GroupsDocument, { filter: { query: 'read' } }, stranger.token);
    expect(filtered.data!.groups.nodes.map((g) => g.name)).toEqual(['readers']);
  });

  it('a member list does not leak what only user administrators may read', async () => {
    const res = await gql(t, `query($id: ID!) { group(id: $id) { members { username email } } }`, { id: groupId }, member.token);
    expect(codes(res)).toContain('FORBIDDEN');
    const mine = await gql(t, UserDocument, { id: member.id }, member.token);
    expect(mine.errors).toBeUndefined();
  });
});
