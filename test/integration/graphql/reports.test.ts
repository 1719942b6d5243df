import {
  AddReportNoteDocument,
  AssignReportDocument,
  DeactivateAndResolveDocument,
  DeleteReportNoteDocument,
  FileReportDocument,
  PatchSettingsDocument,
  ReportDocument,
  ReportsByAccountDocument,
  ReportsDocument,
  SetReportStatesDocument,
} from '../../__generated__/operations';
import { codes, gql, startTestApp, type TestApp } from '../../helpers/app';
import { auditCount, createUser, type Actor } from '../../helpers/factories';

describe('moderation reports', () => {
  let t: TestApp;
  let mod: Actor;
  let reporter: Actor;
  let spammer: Actor;
  let troll: Actor;
  const filed: string[] = [];
  beforeAll(async () => {
    t = await startTestApp();
    mod = await createUser(t, { username: 'mod', roles: ['moderator'] });
    reporter = await createUser(t, { username: 'reporter' });
    spammer = await createUser(t, { username: 'spammer' });
    troll = await createUser(t, { username: 'troll' });
  });
  afterAll(() => t.close());

  it('any signed-in user files a report with content snapshots', async () => {
    const res = await gql(
      t,
      FileReportDocument,
      { input: { accountId: spammer.id, comment: 'spam links', content: [{ id: 's1', uri: 'https://x/s1', text: 'buy now' }] } },
      reporter.token,
    );
    expect(res.errors).toBeUndefined();
    filed.push(res.data!.fileReport.id);
    expect(res.data!.fileReport).toMatchObject({
      state: 'open',
      comment: 'spam links',
      content: [{ id: 's1', uri: 'https://x/s1', text: 'buy now' }],
      reporter: { username: 'reporter' },
      account: { username: 'spammer' },
      notes: [],
    });
    for (const [who, target] of [
      [mod, spammer],
      [reporter, troll],
      [mod, troll],
    ] as const) {
      filed.push((await gql(t, FileReportDocument, { input: { accountId: target.id } }, who.token)).data!.fileReport.id);
    }
    expect(codes(await gql(t, FileReportDocument, { input: { accountId: '99999' } }, reporter.token))).toEqual(['NOT_FOUND']);
    expect(codes(await gql(t, FileReportDocument, { input: { accountId: spammer.id } }))).toEqual(['UNAUTHENTICATED']);
  });

  it('moderators list newest first with filters and totalCount; others cannot', async () => {
    const all = await gql(t, ReportsDocument, {}, mod.token);
    expect(all.data!.reports.totalCount).toBe(4);
    expect(all.data!.reports.nodes.map((r) => r.id)).toEqual([...filed].reverse());
    const aboutTroll = await gql(t, ReportsDocument, { filter: { accountId: troll.id } }, mod.token);
    expect(aboutTroll.data!.reports.totalCount).toBe(2);
    const byReporter = await gql(t, ReportsDocument, { filter: { reporterId: reporter.id } }, mod.token);
    expect(byReporter.data!.reports.nodes.map((r) => r.account!.username)).toEqual(['troll', 'spammer']);
    const p1 = await gql(t, ReportsDocument, { first: 3 }, mod.token);
    const p2 = await gql(t, ReportsDocument, { first: 3, after: p1.data!.reports.pageInfo.endCursor }, mod.token);
    expect([...p1.data!.reports.nodes, ...p2.data!.reports.nodes].map((r) => r.id)).toEqual([...filed].reverse());
    expect(codes(await gql(t, ReportsDocument, {}, reporter.token))).toEqual(['FORBIDDEN']);
    expect((await gql(t, ReportDocument, { id: filed[0] }, mod.token)).data!.report!.comment).toBe('spam links');
  });

  it('batch state changes apply the valid items and report the bad ones', async () => {
    const res = await gql(
      t,
      SetReportStatesDocument,
      {
        updates: [
          { id: filed[0], state: 'resolved' },
          { id: '99999', state: 'closed' },
          { id: filed[1], state: 'bogus' },
          { id: filed[2], state: 'closed' },
        ],
      },
      mod.token,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.setReportStates).toEqual([
      { id: filed[0], ok: true, code: null, error: null, report: { id: filed[0], state: 'resolved' } },
      { id: '99999', ok: false, code: 'NOT_FOUND', error: 'Report not found: 99999', report: null },
      { id: filed[1], ok: false, code: 'BAD_USER_INPUT', error: 'Unsupported state: bogus', report: null },
      { id: filed[2], ok: true, code: null, error: null, report: { id: filed[2], state: 'closed' } },
    ]);
    expect((await gql(t, ReportDocument, { id: filed[1] }, mod.token)).data!.report!.state).toBe('open');
    const open = await gql(t, ReportsDocument, { filter: { state: 'open' } }, mod.token);
    expect(open.data!.reports.nodes.map((r) => r.id).sort()).toEqual([filed[1], filed[3]].sort());
    expect(await auditCount(t, 'report.update_state')).toBe(2);
  });

  it('adds and deletes notes, and assigns to a moderator', async () => {
    const note = await gql(t, AddReportNoteDocument, { reportId: filed[1], content: 'looking into it' }, mod.token);
    expect(note.data!.addReportNote).toMatchObject({ content: 'looking into it', authorUsername: 'mod' });
    const read = await gql(t, ReportDocument, { id: filed[1] }, mod.token);
    expect(read.data!.report!.notes.map((n) => n.content)).toEqual(['looking into it']);
    const noteId = note.data!.addReportNote.id;
    expect(codes(await gql(t, DeleteReportNoteDocument, { reportId: filed[0], noteId }, mod.token))).toEqual(['NOT_FOUND']);
    expect((await gql(t, DeleteReportNoteDocument, { reportId: filed[1], noteId }, mod.token)).data!.deleteReportNote).toBe(noteId);
    expect(codes(await gql(t, AddReportNoteDocument, { reportId: filed[1], content: '   ' }, mod.token))).toEqual(['BAD_USER_INPUT']);

    const assigned = await gql(t, AssignReportDocument, { reportId: filed[1], assigneeId: mod.id }, mod.token);
    expect(assigned.data!.assignReport.assignee).toEqual({ username: 'mod' });
    expect(codes(await gql(t, AssignReportDocument, { reportId: filed[1], assigneeId: reporter.id }, mod.token))).toEqual([
      'BAD_USER_INPUT',
    ]);
    const unassigned = await gql(t, AssignReportDocument, { reportId: filed[1], assigneeId: null }, mod.token);
    expect(unassigned.data!.assignReport.assignee).toBeNull();
  });

  it('groups reports by reported account', async () => {
    const res = await gql(t, ReportsByAccountDocument, {}, mod.token);
    expect(res.data!.reportsByAccount.totalCount).toBe(2);
    expect(res.data!.reportsByAccount.groups.map((g) => [g.account!.username, g.count])).toEqual([
      ['troll', 2],
      ['spammer', 2],
    ]);
    const open = await gql(t, ReportsByAccountDocument, { state: 'open' }, mod.token);
    expect(open.data!.reportsByAccount.groups.map((g) => [g.account!.username, g.count])).toEqual([
      ['troll', 1],
      ['spammer', 1],
    ]);
  });

  it('deactivating an account can resolve its open reports in the same transaction', async () => {
    const admin = await createUser(t, { roles: ['admin'] });
    const res = await gql(t, DeactivateAndResolveDocument, { ids: [troll.id], reason: 'trolling' }, admin.token);
    expect(res.data!.deactivateUsers).toEqual([{ id: troll.id, active: false }]);
    const about = await gql(t, ReportsDocument, { filter: { accountId: troll.id } }, mod.token);
    expect(about.data!.reports.nodes.map((r) => r.state)).toEqual(['resolved', 'closed']);
    const spam = await gql(t, ReportsDocument, { filter: { accountId: spammer.id, state: 'open' } }, mod.token);
    expect(spam.data!.reports.totalCount).toBe(1);
  });

  it('filing is rate limited per user', async () => {
    const admin = await createUser(t, { roles: ['admin'] });
    await gql(t, PatchSettingsDocument, { patch: { rateLimits: { reports: { perUser: 2, windowSeconds: 600 } } } }, admin.token);
    const u = await createUser(t);
    const r = [];
    for (let i = 0; i < 3; i++) r.push(codes(await gql(t, FileReportDocument, { input: { accountId: spammer.id } }, u.token)));
    expect(r).toEqual([[], [], ['RATE_LIMITED']]);
  });
});
