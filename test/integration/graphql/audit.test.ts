import { AuditLogDocument, CreateUsersDocument, DeactivateUsersDocument, TagUsersDocument } from '../../__generated__/operations';
import { codes, gql, startTestApp, type TestApp } from '../../helpers/app';
import { createUser, type Actor } from '../../helpers/factories';
import { buildBaseSchema } from '../../../src/schema';

describe('audit log', () => {
  let t: TestApp;
  let admin: Actor;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, { username: 'auditor', roles: ['admin'] });
  });
  afterAll(() => t.close());

  it('every mutation writes one entry with actor, action, subjects and data', async () => {
    const created = await gql(t, CreateUsersDocument, { inputs: [{ username: 'zed' }] }, admin.token);
    const zed = created.data!.createUsers[0].id;
    await gql(t, TagUsersDocument, { ids: [zed], tags: ['suspicious'] }, admin.token);
    await gql(t, DeactivateUsersDocument, { ids: [zed], reason: 'bot' }, admin.token);
    const log = await gql(t, AuditLogDocument, { first: 3 }, admin.token);
    expect(log.data!.auditLog.nodes.map((n) => n.action)).toEqual(['user.deactivate', 'user.tag', 'user.create']);
    const [deact] = log.data!.auditLog.nodes;
    expect(deact).toMatchObject({
      actorUsername: 'auditor',
      subjects: [{ type: 'user', id: zed, name: 'zed' }],
      data: { reason: 'bot' },
    });
    expect(deact.message).toBe('@auditor deactivated @zed (reason: bot)');
  });

  it('a failed mutation writes no entry', async () => {
    const before = (await gql(t, AuditLogDocument, {}, admin.token)).data!.auditLog.totalCount;
    await gql(t, CreateUsersDocument, { inputs: [{ username: 'zed' }] }, admin.token);
    expect((await gql(t, AuditLogDocument, {}, admin.token)).data!.auditLog.totalCount).toBe(before);
  });

  it('filters by actor, action (or family), time range and text, and pages newest first', async () => {
    const other = await createUser(t, { privileges: ['MANAGE_USERS'] });
    await gql(t, CreateUsersDocument, { inputs: [{ username: 'by-other' }] }, other.token);
    const byActor = await gql(t, AuditLogDocument, { filter: { actorId: other.id } }, admin.token);
    expect(byActor.data!.auditLog.nodes.map((n) => n.message)).toEqual([`@${other.username} created @by-other`]);
    const family = await gql(t, AuditLogDocument, { filter: { action: 'user' } }, admin.token);
    expect(family.data!.auditLog.nodes.every((n) => n.action.startsWith('user.'))).toBe(true);
    expect(family.data!.auditLog.totalCount).toBe(4);
    const exact = await gql(t, AuditLogDocument, { filter: { action: 'user.tag' } }, admin.token);
    expect(exact.data!.auditLog.totalCount).toBe(1);
    const text = await gql(t, AuditLogDocument, { filter: { search: 'BY-OTHER' } }, admin.token);
    expect(text.data!.auditLog.totalCount).toBe(1);
    const future = await gql(t, AuditLogDocument, { filter: { from: new Date(Date.now() + 60_000).toISOString() } }, admin.token);
    expect(future.data!.auditLog.totalCount).toBe(0);
    const past = await gql(t, AuditLogDocument, { filter: { to: new Date(Date.now() + 60_000).toISOString() } }, admin.token);
    expect(past.data!.auditLog.totalCount).toBe(4);

    const p1 = await gql(t, AuditLogDocument, { first: 2 }, admin.token);
    const p2 = await gql(t, AuditLogDocument, { first: 2, after: p1.data!.auditLog.pageInfo.endCursor }, admin.token);
    const ids = [...p1.data!.auditLog.nodes, ...p2.data!.auditLog.nodes].map((n) => Number(n.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(new Set(ids).size).toBe(4);
  });

  it('needs VIEW_AUDIT_LOG, and no mutation edits or deletes entries', async () => {
    const plain = await createUser(t);
    expect(codes(await gql(t, AuditLogDocument, {}, plain.token))).toEqual(['FORBIDDEN']);
    const mutations = Object.keys(buildBaseSchema().getMutationType()!.getFields());
    expect(mutations.filter((m) => /audit/i.test(m))).toEqual([]);
  });
});
