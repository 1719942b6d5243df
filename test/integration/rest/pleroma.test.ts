import { gql, startTestApp, type TestApp } from '../../helpers/app';
import { createUser, type Actor } from '../../helpers/factories';
import { rest } from '../../helpers/rest';
import { enrolMfa } from '../../helpers/mfa';

const PREFIXES = ['/api/v1/pleroma/admin', '/api/pleroma/admin'];

const USER_KEYS = [
  'id',
  'email',
  'avatar',
  'nickname',
  'display_name',
  'is_active',
  'local',
  'roles',
  'tags',
  'is_confirmed',
  'is_approved',
  'is_suggested',
  'url',
  'registration_reason',
  'actor_type',
  'created_at',
  'deactivated',
  'confirmation_pending',
  'approval_pending',
];

describe.each(PREFIXES)('Akkoma/Pleroma admin API under %s', (prefix) => {
  let t: TestApp;
  let admin: Actor;
  let mod: Actor;
  let plain: Actor;
  const P = (path: string) => `${prefix}${path}`;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, { username: 'admin', roles: ['admin'] });
    mod = await createUser(t, { username: 'mod', roles: ['moderator'] });
    plain = await createUser(t, { username: 'plain' });
  });
  afterAll(() => t.close());

  it('POST /users creates users in one transaction; 409 array on a taken nickname', async () => {
    const ok = await rest(t, 'POST', P('/users'), {
      token: admin.token,
      body: {
        users: [
          { nickname: 'alice', email: 'alice@ex.org', password: 'alice-password' },
          { nickname: 'bob', email: 'bob@ex.org', password: 'bob-password' },
        ],
      },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual([
      { type: 'success', code: 200, data: { nickname: 'alice', email: 'alice@ex.org' } },
      { type: 'success', code: 200, data: { nickname: 'bob', email: 'bob@ex.org' } },
    ]);
    const taken = await rest(t, 'POST', P('/users'), {
      token: admin.token,
      body: {
        users: [
          { nickname: 'carol', email: 'carol@ex.org', password: 'carol-password' },
          { nickname: 'alice', email: 'x@ex.org', password: 'xxxxxxxxx' },
        ],
      },
    });
    expect(taken.status).toBe(409);
    // One item per submitted user, in reverse order; only the culprit carries Akkoma's text.
    expect(taken.body).toEqual([
      { type: 'error', code: 409, error: 'nickname has already been taken', data: { nickname: 'alice', email: 'x@ex.org' } },
      { type: 'error', code: 409, error: '', data: { nickname: 'carol', email: 'carol@ex.org' } },
    ]);
    const mailTaken = await rest(t, 'POST', P('/users'), {
      token: admin.token,
      body: { users: [{ nickname: 'dora', email: 'bob@ex.org', password: 'dora-password' }] },
    });
    expect(mailTaken.body).toEqual([
      { type: 'error', code: 409, error: 'email has already been taken', data: { nickname: 'dora', email: 'bob@ex.org' } },
    ]);
    expect((await rest(t, 'GET', P('/users/carol'), { token: admin.token })).status).toBe(404);
    const bad = await rest(t, 'POST', P('/users'), {
      token: admin.token,
      body: { users: [{ nickname: 'Bad Name', password: 'xxxxxxxxx' }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/username/);
    expect((await rest(t, 'POST', P('/users'), { token: admin.token, body: {} })).status).toBe(400);
  });

  it("GET /users lists newest first with Akkoma's filters (query on nickname only, exact email, AND of filter words, actor_types[]) and paging in the upstream shape", async () => {
    const res = await rest(t, 'GET', P('/users?page=1&page_size=2'), { token: mod.token });
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/application\/json/);
    expect(res.body.count).toBe(5);
    expect(res.body.page_size).toBe(2);
    expect(res.body.users).toHaveLength(2);
    expect(Object.keys(res.body.users[0]).sort()).toEqual([...USER_KEYS].sort());
    // Newest account first (id DESC), as Akkoma sorts since 2021.
    expect(res.body.users.map((u: { nickname: string }) => u.nickname)).toEqual(['bob', 'alice']);
    const p3 = await rest(t, 'GET', P('/users?page=3&page_size=2'), { token: mod.token });
    expect(p3.body.users.map((u: { nickname: string }) => u.nickname)).toEqual(['admin']);
    const admins = await rest(t, 'GET', P('/users?filters=is_admin'), { token: mod.token });
    expect(admins.body.users.map((u: { nickname: string }) => u.nickname)).toEqual(['admin']);
    expect(admins.body.users[0].roles).toEqual({ admin: true, moderator: false });
    // Filter words combine with AND: nobody is both admin and moderator; local,external matches nothing.
    const both = await rest(t, 'GET', P('/users?filters=is_admin,is_moderator'), { token: mod.token });
    expect(both.body.count).toBe(0);
    const external = await rest(t, 'GET', P('/users?filters=external'), { token: mod.token });
    expect(external.body).toEqual({ users: [], count: 0, page_size: 50 });
    expect((await rest(t, 'GET', P('/users?filters=local,external'), { token: mod.token })).body.count).toBe(0);
    expect((await rest(t, 'GET', P('/users?filters=active,deactivated'), { token: mod.token })).body.count).toBe(0);
    expect((await rest(t, 'GET', P('/users?filters=local,nonsense'), { token: mod.token })).body.count).toBe(5);
    const q = await rest(t, 'GET', P('/users?query=ALI'), { token: mod.token });
    expect(q.body.users.map((u: { nickname: string }) => u.nickname)).toEqual(['alice']);
    // query matches the nickname only, not the email.
    expect((await rest(t, 'GET', P('/users?query=ex.org'), { token: mod.token })).body.count).toBe(0);
    expect((await rest(t, 'GET', P('/users?email=bob@'), { token: mod.token })).body.count).toBe(0);
    expect(
      (await rest(t, 'GET', P('/users?email=bob@ex.org'), { token: mod.token })).body.users.map((u: { nickname: string }) => u.nickname),
    ).toEqual(['bob']);
    // actor_types[]: every account is a Person; an unknown type is Akkoma's schema error.
    expect((await rest(t, 'GET', P('/users?actor_types[]=Person'), { token: mod.token })).body.count).toBe(5);
    expect((await rest(t, 'GET', P('/users?actor_types[]=Service&actor_types[]=Application'), { token: mod.token })).body.count).toBe(0);
    const bot = await rest(t, 'GET', P('/users?actor_types[]=Bot'), { token: mod.token });
    expect(bot).toMatchObject({
      status: 400,
      body: {
        error: 'Bot - Invalid value for enum.',
        errors: [{ title: 'Invalid value', source: { pointer: '/actor_types' }, message: 'Bot - Invalid value for enum.' }],
      },
    });
    expect((await rest(t, 'GET', P('/users?page=0'), { token: mod.token })).status).toBe(400);
  });

  it('GET /users/:nickname_or_id shows a user by nickname or id; 404 {"error":"Not found"}', async () => {
    const byName = await rest(t, 'GET', P('/users/alice'), { token: admin.token });
    expect(byName.status).toBe(200);
    expect(byName.body).toMatchObject({ nickname: 'alice', is_active: true, deactivated: false, local: true });
    const byId = await rest(t, 'GET', P(`/users/${byName.body.id}`), { token: admin.token });
    expect(byId.body.nickname).toBe('alice');
    const missing = await rest(t, 'GET', P('/users/nobody'), { token: admin.token });
    expect(missing).toMatchObject({ status: 404, body: { error: 'Not found' } });
    expect(missing.contentType).toMatch(/application\/json/);
  });

  it('PATCH /users/deactivate and /users/activate answer {users: [User]} with both field generations', async () => {
    const off = await rest(t, 'PATCH', P('/users/deactivate'), { token: admin.token, body: { nicknames: ['bob'] } });
    expect(off.status).toBe(200);
    expect(off.body.users).toHaveLength(1);
    expect(off.body.users[0]).toMatchObject({ nickname: 'bob', is_active: false, deactivated: true });
    const on = await rest(t, 'PATCH', P('/users/activate'), { token: admin.token, body: { nicknames: ['bob'] } });
    expect(on.body.users[0]).toMatchObject({ nickname: 'bob', is_active: true, deactivated: false });
    const unknown = await rest(t, 'PATCH', P('/users/deactivate'), { token: admin.token, body: { nicknames: ['bob', 'ghost'] } });
    expect(unknown).toMatchObject({ status: 404, body: { error: 'Not found' } });
    expect((await rest(t, 'GET', P('/users/bob'), { token: admin.token })).body.is_active).toBe(true);
    expect((await rest(t, 'PATCH', P('/users/activate'), { token: admin.token, body: {} })).status).toBe(400);
  });

  it('PUT and DELETE /users/tag answer 204 (DELETE with a JSON body)', async () => {
    const put = await rest(t, 'PUT', P('/users/tag'), {
      token: admin.token,
      body: { nicknames: ['alice', 'bob'], tags: ['mrf_tag:sandbox', 'vip'] },
    });
    expect(put.status).toBe(204);
    expect((await rest(t, 'GET', P('/users/alice'), { token: admin.token })).body.tags).toEqual(['mrf_tag:sandbox', 'vip']);
    const tagged = await rest(t, 'GET', P('/users?tags[]=vip'), { token: admin.token });
    expect(tagged.body.count).toBe(2);
    const del = await rest(t, 'DELETE', P('/users/tag'), { token: admin.token, body: { nicknames: ['alice'], tags: ['vip'] } });
    expect(del.status).toBe(204);
    expect((await rest(t, 'GET', P('/users/alice'), { token: admin.token })).body.tags).toEqual(['mrf_tag:sandbox']);
  });

  it('DELETE /users removes by nicknames or the deprecated nickname, answering the nicknames as an array either way', async () => {
    await rest(t, 'POST', P('/users'), {
      token: admin.token,
      body: {
        users: [
          { nickname: 'gone1', password: 'xxxxxxxxx' },
          { nickname: 'gone2', password: 'xxxxxxxxx' },
        ],
      },
    });
    const many = await rest(t, 'DELETE', P('/users'), { token: admin.token, body: { nicknames: ['gone1'] } });
    expect(many).toMatchObject({ status: 200, body: ['gone1'] });
    const one = await rest(t, 'DELETE', P('/users?nickname=gone2'), { token: admin.token });
    expect(one).toMatchObject({ status: 200, body: ['gone2'] });
    expect((await rest(t, 'GET', P('/users/gone2'), { token: admin.token })).status).toBe(404);
  });

  it('GET /moderation_log answers {items, total} in the upstream item shape', async () => {
    const res = await rest(t, 'GET', P('/moderation_log?page=1&page_size=3'), { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body.total).toBeGreaterThanOrEqual(5);
    expect(res.body.items).toHaveLength(3);
    const [item] = res.body.items;
    expect(item).toEqual({
      id: expect.any(Number),
      data: expect.objectContaining({ actor: { id: admin.id, nickname: 'admin', type: 'user' }, action: expect.any(String) }),
      time: expect.any(Number),
      // Akkoma's code writes no date prefix: the message starts with @actor (admin-fe shows `time` apart).
      message: expect.stringMatching(/^@admin /),
    });
    expect(item.data.message).toBe(item.message);
    const deact = await rest(t, 'GET', P('/moderation_log?search=deactivated'), { token: admin.token });
    expect(deact.body.items.map((i: { data: { action: string } }) => i.data.action)).toContain('deactivate');
    const byUser = await rest(t, 'GET', P(`/moderation_log?user_id=${mod.id}`), { token: admin.token });
    expect(byUser.body).toEqual({ items: [], total: 0 });
    // user_id is compared as a string: one that names no account matches nothing.
    expect((await rest(t, 'GET', P('/moderation_log?user_id=9vJOO3iFPyjNaEhJ5s'), { token: admin.token })).body).toEqual({
      items: [],
      total: 0,
    });
    expect((await rest(t, 'GET', P(`/moderation_log?user_id=${admin.id}`), { token: admin.token })).body.total).toBeGreaterThan(0);
    const future = await rest(t, 'GET', P(`/moderation_log?start_date=${new Date(Date.now() + 3600e3).toISOString()}`), {
      token: admin.token,
    });
    expect(future.body.total).toBe(0);
    expect((await rest(t, 'GET', P('/moderation_log?start_date=yesterday'), { token: admin.token })).status).toBe(400);
  });

  it('GET /users/:nickname/password_reset and other admin-only routes tell a moderator "User is not an admin."', async () => {
    expect(await rest(t, 'GET', P('/config'), { token: mod.token })).toMatchObject({
      status: 403,
      body: { error: 'User is not an admin.' },
    });
    expect(await rest(t, 'GET', P('/users/alice/password_reset'), { token: mod.token })).toMatchObject({
      status: 403,
      body: { error: 'User is not an admin.' },
    });
    expect(await rest(t, 'GET', P('/config'), { token: plain.token })).toMatchObject({
      status: 403,
      body: { error: 'User is not a staff member.' },
    });
  });

  it('anonymous and non-staff callers get 403 with a JSON {"error"}', async () => {
    const anon = await rest(t, 'GET', P('/users'));
    expect(anon).toMatchObject({ status: 403, body: { error: expect.any(String) } });
    expect(anon.contentType).toMatch(/application\/json/);
    const nonStaff = await rest(t, 'GET', P('/users'), { token: plain.token });
    expect(nonStaff).toMatchObject({ status: 403, body: { error: 'User is not a staff member.' } });
    const modCreates = await rest(t, 'POST', P('/users'), {
      token: mod.token,
      body: { users: [{ nickname: 'x1', password: 'xxxxxxxxx' }] },
    });
    expect(modCreates.status).toBe(403);
  });

  it('out-of-domain endpoints answer 501, unknown ones Akkoma\'s 404s (GET: "Not implemented", other methods: Phoenix\'s), all as JSON; 204s carry a JSON content type', async () => {
    const relay = await rest(t, 'GET', P('/relay'), { token: admin.token });
    expect(relay).toMatchObject({ status: 501, body: { error: 'Not implemented by Gatehouse' } });
    const statuses = await rest(t, 'DELETE', P('/statuses/123'), { token: admin.token });
    expect(statuses.status).toBe(501);
    const unknown = await rest(t, 'GET', P('/no/such/thing'), { token: admin.token });
    expect(unknown).toMatchObject({ status: 404, body: { error: 'Not implemented' } });
    expect(await rest(t, 'POST', P('/no/such/thing'), { token: admin.token, body: {} })).toMatchObject({
      status: 404,
      body: { errors: { detail: 'Page not found' } },
    });
    const empty = await rest(t, 'PUT', P('/users/tag'), { token: admin.token, body: { nicknames: ['alice'], tags: ['t'] } });
    expect([empty.status, empty.contentType, empty.body]).toEqual([204, 'application/json; charset=utf-8', undefined]);
    const notJson = await fetch(`${t.url}${P('/users/tag')}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
      body: '{not json',
    });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({ error: expect.any(String) });
  });
});

describe.each(PREFIXES)('Akkoma/Pleroma invites and reports under %s', (prefix) => {
  let t: TestApp;
  let admin: Actor;
  let mod: Actor;
  let reporter: Actor;
  let target: Actor;
  const P = (path: string) => `${prefix}${path}`;
  const reportIds: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, { username: 'admin', roles: ['admin'] });
    mod = await createUser(t, { username: 'mod', roles: ['moderator'], privileges: ['ISSUE_TOKENS'] });
    reporter = await createUser(t, { username: 'reporter' });
    target = await createUser(t, { username: 'target' });
    for (const comment of ['first', 'second', 'third']) {
      const res = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${reporter.token}` },
        body: JSON.stringify({
          query: 'mutation($i: FileReportInput!) { fileReport(input: $i) { id } }',
          variables: {
            i: { accountId: target.id, comment, content: [{ id: `s-${comment}`, uri: `https://x/${comment}`, text: comment }] },
          },
        }),
      });
      reportIds.push(((await res.json()) as { data: { fileReport: { id: string } } }).data.fileReport.id);
    }
  });
  afterAll(() => t.close());

  const INVITE_KEYS = ['id', 'token', 'used', 'expires_at', 'uses', 'max_use', 'invite_type'].sort();

  it('POST /users/invite_token creates invites in the upstream shape and types', async () => {
    const one = await rest(t, 'POST', P('/users/invite_token'), { token: mod.token, body: {} });
    expect(one.status).toBe(200);
    expect(Object.keys(one.body).sort()).toEqual(INVITE_KEYS);
    // Akkoma keeps max_use null for a one-time invite.
    expect(one.body).toMatchObject({ used: false, uses: 0, max_use: null, expires_at: null, invite_type: 'one_time' });
    const dated = await rest(t, 'POST', P('/users/invite_token'), { token: mod.token, body: { expires_at: '2099-04-07' } });
    // date_limited: no use limit until the date (max_use null), and its uses are not counted.
    expect(dated.body).toMatchObject({ expires_at: '2099-04-07', invite_type: 'date_limited', max_use: null, uses: 0 });
    for (const name of ['dl1', 'dl2']) {
      const r = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: 'mutation($i: RegisterInput!) { register(input: $i) { token } }',
          variables: { i: { username: name, password: 'dl-password-1', inviteToken: dated.body.token } },
        }),
      });
      expect(((await r.json()) as any).errors).toBeUndefined();
    }
    const dlAfter = (await rest(t, 'GET', P('/users/invites'), { token: mod.token })).body.invites.find(
      (i: { token: string }) => i.token === dated.body.token,
    );
    expect(dlAfter).toMatchObject({ used: false, uses: 0, invite_type: 'date_limited' });
    const reusable = await rest(t, 'POST', P('/users/invite_token'), { token: mod.token, body: { max_use: 5 } });
    expect(reusable.body).toMatchObject({ max_use: 5, invite_type: 'reusable' });
    const both = await rest(t, 'POST', P('/users/invite_token'), { token: mod.token, body: { max_use: 5, expires_at: '2099-04-07' } });
    expect(both.body.invite_type).toBe('reusable_date_limited');
    expect((await rest(t, 'POST', P('/users/invite_token'), { token: mod.token, body: { expires_at: 'soon' } })).status).toBe(400);
    expect((await rest(t, 'POST', P('/users/invite_token'), { token: mod.token, body: { max_use: 0 } })).status).toBe(400);
  });

  it('GET /users/invites lists invites oldest first; POST /users/revoke_invite marks one used', async () => {
    const list = await rest(t, 'GET', P('/users/invites'), { token: mod.token });
    expect(list.status).toBe(200);
    expect(list.body.invites).toHaveLength(4);
    const ids = list.body.invites.map((i: { id: number }) => i.id);
    expect(ids).toEqual([...ids].sort((a: number, b: number) => a - b));
    const token = list.body.invites[0].token;
    const revoked = await rest(t, 'POST', P('/users/revoke_invite'), { token: mod.token, body: { token } });
    expect(revoked).toMatchObject({ status: 200, body: { token, used: true } });
    expect(await rest(t, 'POST', P('/users/revoke_invite'), { token: mod.token, body: { token: 'nope' } })).toMatchObject({
      status: 404,
      body: { error: 'Not found' },
    });
  });

  it('POST /users/email_invite answers 204 (invite registration) or 400 with Akkoma’s reason', async () => {
    const ok = await rest(t, 'POST', P('/users/email_invite'), { token: mod.token, body: { email: 'new@ex.org', name: 'New' } });
    expect(ok.status).toBe(204);
    await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
      body: JSON.stringify({ query: 'mutation { patchSettings(patch: {registration: {mode: "open"}}) { restartRequired } }' }),
    });
    const open = await rest(t, 'POST', P('/users/email_invite'), { token: mod.token, body: { email: 'new2@ex.org' } });
    expect(open).toMatchObject({
      status: 400,
      body: { error: 'To send invites you need to set the `registrations_open` option to false.' },
    });
    expect((await rest(t, 'POST', P('/users/email_invite'), { token: mod.token, body: {} })).status).toBe(400);
  });

  it('GET /reports lists with state and paging, the count as total and totalReports', async () => {
    const res = await rest(t, 'GET', P('/reports?page=1&page_size=2'), { token: mod.token });
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(3);
    expect(res.body.totalReports).toBe(3);
    expect(res.body.reports).toHaveLength(2);
    const [r] = res.body.reports;
    expect(Object.keys(r).sort()).toEqual(['account', 'actor', 'content', 'created_at', 'id', 'notes', 'state', 'statuses']);
    expect(r).toMatchObject({ account: { nickname: 'target' }, actor: { nickname: 'reporter' }, content: 'third', state: 'open' });
    expect(r.statuses).toEqual([expect.objectContaining({ id: 's-third', uri: 'https://x/third', content: 'third' })]);
    expect((await rest(t, 'GET', P('/reports?limit=1'), { token: mod.token })).body.reports).toHaveLength(1);
    expect((await rest(t, 'GET', P('/reports?state=bogus'), { token: mod.token })).status).toBe(400);
    expect((await rest(t, 'GET', P('/reports'), { token: reporter.token })).status).toBe(403);
  });

  it('GET /reports/:id shows one; 404 otherwise', async () => {
    const res = await rest(t, 'GET', P(`/reports/${reportIds[0]}`), { token: mod.token });
    expect(res.body).toMatchObject({ id: reportIds[0], content: 'first' });
    expect(await rest(t, 'GET', P('/reports/99999'), { token: mod.token })).toMatchObject({ status: 404, body: { error: 'Not found' } });
  });

  it('PATCH /reports answers 204, or 400 [{id, error}] while the valid items apply', async () => {
    const ok = await rest(t, 'PATCH', P('/reports'), { token: mod.token, body: { reports: [{ id: reportIds[0], state: 'resolved' }] } });
    expect(ok.status).toBe(204);
    const mixed = await rest(t, 'PATCH', P('/reports'), {
      token: mod.token,
      body: {
        reports: [
          { id: reportIds[1], state: 'closed' },
          { id: '99999', state: 'closed' },
          { id: reportIds[2], state: 'nope' },
        ],
      },
    });
    expect(mixed.status).toBe(400);
    expect(mixed.body).toEqual([
      { id: '99999', error: expect.any(String) },
      { id: reportIds[2], error: expect.any(String) },
    ]);
    expect((await rest(t, 'GET', P(`/reports/${reportIds[1]}`), { token: mod.token })).body.state).toBe('closed');
    expect((await rest(t, 'GET', P(`/reports/${reportIds[2]}`), { token: mod.token })).body.state).toBe('open');
  });

  it('PUT /reports/:id (older form) answers the report, 400 "Unsupported state" or 404', async () => {
    const ok = await rest(t, 'PUT', P(`/reports/${reportIds[2]}`), { token: mod.token, body: { state: 'closed' } });
    expect(ok).toMatchObject({ status: 200, body: { id: reportIds[2], state: 'closed' } });
    expect(await rest(t, 'PUT', P(`/reports/${reportIds[2]}`), { token: mod.token, body: { state: 'weird' } })).toMatchObject({
      status: 400,
      body: { error: 'Unsupported state' },
    });
    expect((await rest(t, 'PUT', P('/reports/99999'), { token: mod.token, body: { state: 'closed' } })).status).toBe(404);
  });

  it('POST /reports/:id/notes adds a note (204); DELETE and the older POST /reports/:report_id/notes/:id delete one', async () => {
    expect((await rest(t, 'POST', P(`/reports/${reportIds[0]}/notes`), { token: mod.token, body: { content: 'note one' } })).status).toBe(
      204,
    );
    expect((await rest(t, 'POST', P(`/reports/${reportIds[0]}/notes`), { token: mod.token, body: { content: 'note two' } })).status).toBe(
      204,
    );
    expect((await rest(t, 'POST', P(`/reports/${reportIds[0]}/notes`), { token: mod.token, body: {} })).status).toBe(400);
    const notes = (await rest(t, 'GET', P(`/reports/${reportIds[0]}`), { token: mod.token })).body.notes;
    expect(notes.map((n: { content: string }) => n.content)).toEqual(['note one', 'note two']);
    expect(notes[0]).toMatchObject({ user: { nickname: 'mod' }, created_at: expect.any(String) });
    expect((await rest(t, 'DELETE', P(`/reports/${reportIds[0]}/notes/${notes[0].id}`), { token: mod.token })).status).toBe(204);
    expect((await rest(t, 'POST', P(`/reports/${reportIds[0]}/notes/${notes[1].id}`), { token: mod.token })).status).toBe(204);
    expect((await rest(t, 'GET', P(`/reports/${reportIds[0]}`), { token: mod.token })).body.notes).toEqual([]);
    expect((await rest(t, 'DELETE', P(`/reports/${reportIds[0]}/notes/${notes[0].id}`), { token: mod.token })).status).toBe(404);
  });

  it('GET /reports/:id: notes carry their author as an account with id, and every text admin-fe renders as HTML is sanitised', async () => {
    const hostile =
      '<img src=x onerror="alert(1)"><script>alert(2)</script><b>bold</b> <a href="javascript:alert(3)">x</a> <a href="https://ok.example">ok</a>';
    expect((await rest(t, 'POST', P(`/reports/${reportIds[1]}/notes`), { token: mod.token, body: { content: hostile } })).status).toBe(204);
    const report = (await rest(t, 'GET', P(`/reports/${reportIds[1]}`), { token: mod.token })).body;
    const note = report.notes.at(-1);
    expect(note.user).toMatchObject({ id: mod.id, nickname: 'mod', avatar: expect.any(String) });
    expect(typeof note.id).toBe('number');
    expect(note.content).not.toMatch(/onerror|<script|javascript:|<img/i);
    expect(note.content).toContain('<b>bold</b>');
    expect(note.content).toContain('href="https://ok.example"');
    // The stored note is kept as written (GraphQL clients decide how to show it).
    const raw = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
      body: JSON.stringify({ query: `{ report(id: "${reportIds[1]}") { notes { content author { username } } } }` }),
    });
    const notes = ((await raw.json()) as any).data.report.notes;
    expect(notes.at(-1)).toEqual({ content: hostile, author: { username: 'mod' } });
  });

  it("POST /users/revoke_invite without a token and GET /users?page=abc answer Akkoma's OpenApiSpex 400; one-time invites count no uses", async () => {
    expect(await rest(t, 'POST', P('/users/revoke_invite'), { token: mod.token, body: {} })).toMatchObject({
      status: 400,
      body: {
        error: 'Missing field: token.',
        errors: [{ title: 'Invalid value', source: { pointer: '/token' }, message: 'Missing field: token' }],
      },
    });
    expect(await rest(t, 'GET', P('/users?page=abc'), { token: admin.token })).toMatchObject({
      status: 400,
      body: { error: 'page - Invalid integer. Got: string.', errors: [{ source: { pointer: '/page' } }] },
    });
    const one = (await rest(t, 'POST', P('/users/invite_token'), { token: mod.token, body: {} })).body;
    const reg = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'mutation($i: RegisterInput!) { register(input: $i) { token } }',
        variables: { i: { username: 'invitee1', password: 'invitee-password', inviteToken: one.token } },
      }),
    });
    expect(((await reg.json()) as any).errors).toBeUndefined();
    const listed = (await rest(t, 'GET', P('/users/invites'), { token: mod.token })).body.invites.find(
      (i: { token: string }) => i.token === one.token,
    );
    expect(listed).toMatchObject({ invite_type: 'one_time', used: true, uses: 0, max_use: null });
  });

  it('GET /reports/:id answers 404 {"error":"Not found"} for an unknown id, whatever its form', async () => {
    for (const id of ['999999', 'AbCdEf9vJOO3iFPyjN', '0']) {
      expect([id, await rest(t, 'GET', P(`/reports/${id}`), { token: mod.token })]).toMatchObject([
        id,
        { status: 404, body: { error: 'Not found' } },
      ]);
    }
  });

  it('GET /grouped_reports groups by reported account', async () => {
    const res = await rest(t, 'GET', P('/grouped_reports'), { token: mod.token });
    expect(res.status).toBe(200);
    expect(res.body.reports).toHaveLength(1);
    expect(res.body.reports[0]).toMatchObject({ account: { nickname: 'target' }, actors: [{ nickname: 'reporter' }] });
    expect(res.body.reports[0].reports).toHaveLength(3);
  });
});

describe.each(PREFIXES)('Akkoma/Pleroma config and process under %s', (prefix) => {
  let t: TestApp;
  let admin: Actor;
  let mod: Actor;
  const P = (path: string) => `${prefix}${path}`;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, { username: 'admin', roles: ['admin'] });
    mod = await createUser(t, { username: 'mod', roles: ['moderator'] });
  });
  afterAll(() => t.close());

  it("GET /config answers {configs, need_reboot} in Akkoma's tuple format: :pleroma :instance and the Mailer for admin-fe's tabs, every setting under :gatehouse; admins only", async () => {
    const res = await rest(t, 'GET', P('/config'), { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body.need_reboot).toBe(false);
    const byKey = new Map(res.body.configs.map((c: { group: string; key: string }) => [`${c.group} ${c.key}`, c]));
    expect(byKey.get(':pleroma :instance')).toEqual({
      group: ':pleroma',
      key: ':instance',
      value: [
        { tuple: [':name', 'Gatehouse'] },
        { tuple: [':registrations_open', false] },
        { tuple: [':invites_enabled', true] },
        { tuple: [':notify_email', 'gatehouse@localhost'] },
      ],
      db: [':name', ':registrations_open', ':invites_enabled', ':notify_email'],
    });
    expect(byKey.get(':pleroma Pleroma.Emails.Mailer')).toMatchObject({
      value: expect.arrayContaining([{ tuple: [':enabled', false] }, { tuple: [':password', ''] }]),
    });
    expect(byKey.get(':gatehouse :instanceName')).toEqual({
      group: ':gatehouse',
      key: ':instanceName',
      value: 'Gatehouse',
      db: [':instanceName'],
    });
    // Objects travel as keyword lists (admin-fe's parser reduces over them).
    expect(byKey.get(':gatehouse :registration')).toMatchObject({ value: [{ tuple: [':mode', 'invite'] }] });
    for (const c of res.body.configs) {
      const v = c.value;
      const scalar = v === null || typeof v !== 'object' || (Array.isArray(v) && v.every((x: unknown) => typeof x !== 'object'));
      expect([c.key, scalar || (Array.isArray(v) && v.every((x: { tuple?: unknown }) => Array.isArray(x.tuple)))]).toEqual([c.key, true]);
    }
    expect((await rest(t, 'GET', P('/config'), { token: mod.token })).status).toBe(403);
  });

  it("GET /config/descriptions describes those settings in Akkoma's description format", async () => {
    const res = await rest(t, 'GET', P('/config/descriptions'), { token: admin.token });
    expect(res.status).toBe(200);
    const instance = res.body.find((d: { key?: string }) => d.key === ':instance');
    expect(instance).toMatchObject({ group: ':pleroma', type: 'group', label: 'Instance' });
    expect(instance.children.map((c: { key: string }) => c.key)).toEqual([
      ':name',
      ':registrations_open',
      ':invites_enabled',
      ':notify_email',
    ]);
    expect(
      res.body
        .find((d: { key?: string }) => d.key === 'Pleroma.Emails.Mailer')
        .children.every((c: { type: unknown; description: unknown }) => c.type && typeof c.description === 'string'),
    ).toBe(true);
    // Akkoma's own groups are not described here.
    expect(res.body.find((d: { key?: string }) => d.key === ':mrf')).toBeUndefined();
  });

  it('POST /config changes settings as admin-fe sends them (updated subkeys only); an invalid value answers 400 and changes nothing', async () => {
    const res = await rest(t, 'POST', P('/config'), {
      token: admin.token,
      body: { configs: [{ group: ':pleroma', key: ':instance', value: [{ tuple: [':name', 'Via admin-fe'] }] }] },
    });
    expect(res.status).toBe(200);
    expect(res.body.configs).toEqual(
      expect.arrayContaining([expect.objectContaining({ group: ':gatehouse', key: ':instanceName', value: 'Via admin-fe' })]),
    );
    // Akkoma's registration switches: open wins, else invites, else closed; one switch alone keeps the other.
    const reg = async (tuples: unknown[]) => {
      await rest(t, 'POST', P('/config'), {
        token: admin.token,
        body: { configs: [{ group: ':pleroma', key: ':instance', value: tuples }] },
      });
      const c = (await rest(t, 'GET', P('/config'), { token: admin.token })).body.configs.find(
        (x: { key: string }) => x.key === ':registration',
      );
      return c.value[0].tuple[1];
    };
    expect(await reg([{ tuple: [':registrations_open', true] }])).toBe('open');
    expect(await reg([{ tuple: [':registrations_open', false] }])).toBe('closed');
    expect(await reg([{ tuple: [':invites_enabled', true] }])).toBe('invite');
    // The mailer, as admin-fe's Mailer tab writes it.
    const mail = await rest(t, 'POST', P('/config'), {
      token: admin.token,
      body: {
        configs: [
          {
            group: ':pleroma',
            key: 'Pleroma.Emails.Mailer',
            value: [{ tuple: [':relay', 'smtp.example.org'] }, { tuple: [':port', 2525] }, { tuple: [':ssl', true] }],
          },
        ],
      },
    });
    expect(mail.status).toBe(200);
    expect((await rest(t, 'GET', '/nodeinfo/2.0.json')).body.metadata.mailerEnabled).toBe(true);
    const bad = await rest(t, 'POST', P('/config'), {
      token: admin.token,
      body: { configs: [{ group: ':gatehouse', key: ':registration', value: [{ tuple: [':mode', 'maybe'] }] }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/registration\.mode/);
    expect(
      (await rest(t, 'POST', P('/config'), { token: admin.token, body: { configs: [{ group: ':pleroma', key: ':mrf', value: [] }] } }))
        .status,
    ).toBe(400);
    expect(
      (
        await rest(t, 'POST', P('/config'), {
          token: admin.token,
          body: { configs: [{ group: ':pleroma', key: ':instance', value: [{ tuple: [':registrations_open', 'yes'] }] }] },
        })
      ).status,
    ).toBe(400);
    const after = await rest(t, 'GET', P('/config'), { token: admin.token });
    expect(after.body.configs).toEqual(
      expect.arrayContaining([expect.objectContaining({ key: ':registration', value: [{ tuple: [':mode', 'invite'] }] })]),
    );
  });

  it('GET /need_reboot follows restart-requiring changes and GET /restart clears it', async () => {
    await rest(t, 'POST', P('/config'), {
      token: admin.token,
      body: { configs: [{ group: ':gatehouse', key: ':serverName', value: 'example.org' }] },
    });
    expect((await rest(t, 'GET', P('/need_reboot'), { token: admin.token })).body).toEqual({ need_reboot: true });
    expect(await rest(t, 'GET', P('/restart'), { token: admin.token })).toMatchObject({ status: 200, body: {} });
    expect((await rest(t, 'GET', P('/need_reboot'), { token: admin.token })).body).toEqual({ need_reboot: false });
  });

  it('GET /stats answers the status visibility counts (Gatehouse keeps no statuses)', async () => {
    const res = await rest(t, 'GET', P('/stats'), { token: admin.token });
    expect(res).toMatchObject({ status: 200, body: { status_visibility: { direct: 0, private: 0, public: 0, unlisted: 0 } } });
  });
});

describe.each(PREFIXES)('Akkoma/Pleroma account management under %s', (prefix) => {
  let t: TestApp;
  let admin: Actor;
  const P = (path: string) => `${prefix}${path}`;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, { username: 'admin', roles: ['admin'] });
    await createUser(t, { username: 'bob', email: 'bob@ex.org', password: 'bob-password' });
    await createUser(t, { username: 'carl', email: 'carl@ex.org' });
  });
  afterAll(() => t.close());

  it('PATCH /users/:nickname/toggle_activation flips activation and answers the User', async () => {
    const off = await rest(t, 'PATCH', P('/users/bob/toggle_activation'), { token: admin.token });
    expect(off).toMatchObject({ status: 200, body: { nickname: 'bob', is_active: false, deactivated: true } });
    const on = await rest(t, 'PATCH', P('/users/bob/toggle_activation'), { token: admin.token });
    expect(on.body.is_active).toBe(true);
    expect((await rest(t, 'PATCH', P('/users/ghost/toggle_activation'), { token: admin.token })).status).toBe(404);
  });

  it('PATCH /users/approve answers {users}', async () => {
    const res = await rest(t, 'PATCH', P('/users/approve'), { token: admin.token, body: { nicknames: ['carl'] } });
    expect(res).toMatchObject({ status: 200, body: { users: [{ nickname: 'carl', is_approved: true, approval_pending: false }] } });
  });

  it('GET /users/:nickname/permission_group and GET /users/:nickname/permission_group/:permission_group read membership; other groups 404', async () => {
    expect((await rest(t, 'GET', P('/users/admin/permission_group'), { token: admin.token })).body).toEqual({
      is_admin: true,
      is_moderator: false,
    });
    expect((await rest(t, 'GET', P('/users/bob/permission_group/moderator'), { token: admin.token })).body).toEqual({
      is_moderator: false,
    });
    expect(await rest(t, 'GET', P('/users/bob/permission_group/owner'), { token: admin.token })).toMatchObject({
      status: 404,
      body: { error: 'Not found' },
    });
  });

  it('POST /users/permission_group/:permission_group and the deprecated POST /users/:nickname/permission_group/:permission_group grant', async () => {
    const batch = await rest(t, 'POST', P('/users/permission_group/moderator'), {
      token: admin.token,
      body: { nicknames: ['bob', 'carl'] },
    });
    expect(batch).toMatchObject({ status: 200, body: { is_moderator: true } });
    const single = await rest(t, 'POST', P('/users/carl/permission_group/admin'), { token: admin.token });
    expect(single.body).toEqual({ is_admin: true });
    expect((await rest(t, 'GET', P('/users/carl/permission_group'), { token: admin.token })).body).toEqual({
      is_admin: true,
      is_moderator: true,
    });
    expect((await rest(t, 'POST', P('/users/permission_group/owner'), { token: admin.token, body: { nicknames: ['bob'] } })).status).toBe(
      404,
    );
  });

  it('DELETE /users/permission_group/:permission_group and DELETE /users/:nickname/permission_group/:permission_group revoke; not your own admin', async () => {
    const batch = await rest(t, 'DELETE', P('/users/permission_group/moderator'), { token: admin.token, body: { nicknames: ['bob'] } });
    expect(batch).toMatchObject({ status: 200, body: { is_moderator: false } });
    const single = await rest(t, 'DELETE', P('/users/carl/permission_group/moderator'), { token: admin.token });
    expect(single.body).toEqual({ is_moderator: false });
    const own = await rest(t, 'DELETE', P('/users/admin/permission_group/admin'), { token: admin.token });
    expect(own).toMatchObject({ status: 403, body: { error: "You can't revoke your own admin status." } });
    const ownBulk = await rest(t, 'DELETE', P('/users/permission_group/admin'), { token: admin.token, body: { nicknames: ['admin'] } });
    expect(ownBulk).toMatchObject({ status: 403, body: { error: "You can't revoke your own admin/moderator status." } });
  });

  it('GET /users/:nickname/password_reset answers {token, link}; the token resets the password once', async () => {
    const res = await rest(t, 'GET', P('/users/bob/password_reset'), { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body.link).toMatch(new RegExp(`/api/v1/pleroma/password_reset/${res.body.token}$`));
    const reset = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'mutation($t: String!) { resetPassword(token: $t, password: "bob-new-password") }',
        variables: { t: res.body.token },
      }),
    });
    expect(await reset.json()).toEqual({ data: { resetPassword: true } });
    const again = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'mutation($t: String!) { resetPassword(token: $t, password: "bob-other-password") }',
        variables: { t: res.body.token },
      }),
    });
    expect(((await again.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code).toBe('FORBIDDEN');
    const login = await rest(t, 'POST', '/oauth/token', {
      body: { grant_type: 'password', username: 'bob', password: 'bob-new-password' },
    });
    expect(login.status).toBe(200);
  });

  it('PATCH /users/force_password_reset answers 204', async () => {
    expect((await rest(t, 'PATCH', P('/users/force_password_reset'), { token: admin.token, body: { nicknames: ['bob'] } })).status).toBe(
      204,
    );
    const u = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
      body: JSON.stringify({ query: '{ user(username: "bob") { mustChangePassword } }' }),
    });
    expect(await u.json()).toEqual({ data: { user: { mustChangePassword: true } } });
  });

  it('PATCH /users/resend_confirmation_email mails a token; PATCH /users/confirm_email confirms; both answer nicknames', async () => {
    await t.app.deps.db.knex('users').where('username', 'carl').update({ email_confirmed: false });
    const resend = await rest(t, 'PATCH', P('/users/resend_confirmation_email'), { token: admin.token, body: { nicknames: ['carl'] } });
    expect(resend).toMatchObject({ status: 200, body: ['carl'] });
    const mail = await t.app.deps.db.knex('outbox').where('to', 'carl@ex.org').orderBy('id', 'desc').first();
    expect(mail.subject).toMatch(/Confirm your email/);
    const confirmed = await rest(t, 'PATCH', P('/users/confirm_email'), { token: admin.token, body: { nicknames: ['carl'] } });
    expect(confirmed).toMatchObject({ status: 200, body: ['carl'] });
    expect((await rest(t, 'GET', P('/users/carl'), { token: admin.token })).body).toMatchObject({
      is_confirmed: true,
      confirmation_pending: false,
    });
  });

  it('GET /users/:nickname/credentials reads and PATCH /users/:nickname/credentials changes them', async () => {
    const read = await rest(t, 'GET', P('/users/carl/credentials'), { token: admin.token });
    expect(read).toMatchObject({ status: 200, body: { nickname: 'carl', email: 'carl@ex.org', name: null } });
    const patched = await rest(t, 'PATCH', P('/users/carl/credentials'), {
      token: admin.token,
      body: { name: 'Carl C.', email: 'carl2@ex.org' },
    });
    expect(patched).toEqual({ status: 200, contentType: expect.any(String), body: { status: 'success' } });
    expect((await rest(t, 'GET', P('/users/carl/credentials'), { token: admin.token })).body).toMatchObject({
      name: 'Carl C.',
      email: 'carl2@ex.org',
    });
    const bad = await rest(t, 'PATCH', P('/users/carl/credentials'), { token: admin.token, body: { email: 'not-an-email' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toBeDefined();
  });

  it("PUT /users/disable_mfa turns a user's MFA off and answers the nickname; 404 for an unknown one; staff only", async () => {
    const user = await createUser(t, { username: `phoneless${prefix.length}`, password: 'phoneless-password-1' });
    await enrolMfa(t, user);
    const MFA = '{ viewer { mfaEnabled } }';
    expect((await gql(t, MFA, {}, user.token)).data!.viewer.mfaEnabled).toBe(true);
    const plain = await createUser(t);
    expect((await rest(t, 'PUT', P('/users/disable_mfa'), { token: plain.token, body: { nickname: user.username } })).status).toBe(403);
    const res = await rest(t, 'PUT', P('/users/disable_mfa'), { token: admin.token, body: { nickname: user.username } });
    expect(res.status).toBe(200);
    expect(res.body).toBe(user.username);
    expect((await gql(t, MFA, {}, user.token)).data!.viewer.mfaEnabled).toBe(false);
    expect(await rest(t, 'PUT', P('/users/disable_mfa'), { token: admin.token, body: { nickname: 'nobody-here' } })).toMatchObject({
      status: 404,
      body: { error: 'Not found' },
    });
    expect((await rest(t, 'PUT', P('/users/disable_mfa'), { token: admin.token, body: {} })).status).toBe(400);
    // Signing in through OAuth needs the password only again.
    const token = await fetch(`${t.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'password', username: user.username, password: 'phoneless-password-1' }),
    });
    expect(token.status).toBe(200);
  });
});

describe.each(PREFIXES)('Akkoma moderation log under %s: one exact message per action, and only what Akkoma logs', (A) => {
  let t: TestApp;
  let admin: Actor;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, { username: 'boss', roles: ['admin'], password: 'boss-password' });
  });
  afterAll(() => t.close());

  async function latest() {
    const res = await rest(t, 'GET', `${A}/moderation_log?page=1&page_size=1`, { token: admin.token });
    return res.body.items[0] as { message: string; data: Record<string, any> };
  }

  it('GET /moderation_log messages: users created, deleted, (de)activated, approved, tagged, granted, revoked, reset, confirmed', async () => {
    const ok = (r: { status: number }) => expect(r.status).toBeLessThan(300);
    ok(
      await rest(t, 'POST', `${A}/users`, {
        token: admin.token,
        body: {
          users: [
            { nickname: 'ann', email: 'ann@ex.org', password: 'ann-password' },
            { nickname: 'ben', email: 'ben@ex.org', password: 'ben-password' },
          ],
        },
      }),
    );
    let e = await latest();
    expect(e.message).toBe('@boss created users: @ann, @ben');
    expect(e.data).toMatchObject({
      action: 'create',
      actor: { id: admin.id, nickname: 'boss', type: 'user' },
      subjects: [
        { nickname: 'ann', type: 'user' },
        { nickname: 'ben', type: 'user' },
      ],
      message: e.message,
    });
    const steps: Array<[string, string, unknown, string, string]> = [
      ['PATCH', '/users/deactivate', { nicknames: ['ann', 'ben'] }, '@boss deactivated users: @ann, @ben', 'deactivate'],
      ['PATCH', '/users/activate', { nicknames: ['ann'] }, '@boss activated users: @ann', 'activate'],
      ['PATCH', '/users/approve', { nicknames: ['ann'] }, '@boss approved users: @ann', 'approve'],
      ['PUT', '/users/tag', { nicknames: ['ann', 'ben'], tags: ['x', 'y'] }, '@boss added tags: x, y to users: @ann, @ben', 'tag'],
      ['DELETE', '/users/tag', { nicknames: ['ann'], tags: ['x'] }, '@boss removed tags: x from users: @ann', 'untag'],
      ['POST', '/users/permission_group/moderator', { nicknames: ['ann', 'ben'] }, '@boss made @ann, @ben moderator', 'grant'],
      ['DELETE', '/users/permission_group/moderator', { nicknames: ['ben'] }, '@boss revoked moderator role from @ben', 'revoke'],
      [
        'PATCH',
        '/users/force_password_reset',
        { nicknames: ['ben'] },
        '@boss forced password reset for users: @ben',
        'force_password_reset',
      ],
      ['PATCH', '/users/confirm_email', { nicknames: ['ben'] }, '@boss confirmed email for users: @ben', 'confirm_email'],
      [
        'PATCH',
        '/users/resend_confirmation_email',
        { nicknames: ['ann'] },
        '@boss re-sent confirmation email for users: @ann',
        'resend_confirmation_email',
      ],
      ['DELETE', '/users', { nicknames: ['ben'] }, '@boss deleted users: @ben', 'delete'],
    ];
    await gql(t, `mutation { updateUser(username: "ann", input: { email: "ann2@ex.org" }) { id } }`, {}, admin.token);
    expect((await latest()).message).toBe('@boss updated users: @ann');
    for (const [method, path, body, message, action] of steps) {
      ok(await rest(t, method, `${A}${path}`, { token: admin.token, body }));
      e = await latest();
      expect([path, e.message, e.data.action]).toEqual([path, message, action]);
    }
    e = await latest();
    expect(e.data.subject).toEqual([{ id: expect.any(String), nickname: 'ben', type: 'user' }]);
  });

  it('GET /moderation_log messages for reports: state updates and notes name the reporter; sign-ins, invites and settings are not logged; search matches the message', async () => {
    const reporter = await createUser(t, { username: 'rita' });
    const target = await createUser(t, { username: 'tom' });
    const filed = await gql(
      t,
      `mutation($i: FileReportInput!) { fileReport(input: $i) { id } }`,
      { i: { accountId: target.id, comment: 'spam' } },
      reporter.token,
    );
    const id = filed.data!.fileReport.id;
    await rest(t, 'PATCH', `${A}/reports`, { token: admin.token, body: { reports: [{ id, state: 'resolved' }] } });
    let e = await latest();
    expect(e.message).toBe(`@boss updated report #${id} (on user @rita) with 'resolved' state`);
    expect(e.data).toMatchObject({
      action: 'report_update',
      subject: { type: 'report', id, state: 'resolved' },
      subject_actor: { nickname: 'rita', type: 'user' },
    });
    await rest(t, 'POST', `${A}/reports/${id}/notes`, { token: admin.token, body: { content: 'looked at it' } });
    e = await latest();
    expect(e.message).toBe(`@boss added note 'looked at it' to report #${id} on user @rita`);
    expect(e.data).toMatchObject({ action: 'report_note', text: 'looked at it' });
    const note = (await rest(t, 'GET', `${A}/reports/${id}`, { token: admin.token })).body.notes[0];
    await rest(t, 'DELETE', `${A}/reports/${id}/notes/${note.id}`, { token: admin.token });
    expect((await latest()).message).toBe(`@boss deleted note 'looked at it' from report #${id} on user @rita`);
    const before = (await rest(t, 'GET', `${A}/moderation_log`, { token: admin.token })).body.total;
    await rest(t, 'POST', '/graphql', { body: { query: 'mutation { login(username: "boss", password: "boss-password") { token } }' } });
    await rest(t, 'POST', `${A}/users/invite_token`, { token: admin.token, body: {} });
    await gql(t, `mutation { patchSettings(patch: { instanceName: "Quiet" }) { restartRequired } }`, {}, admin.token);
    expect((await rest(t, 'GET', `${A}/moderation_log`, { token: admin.token })).body.total).toBe(before);
    // They stay in Gatehouse's own audit log.
    const audit = await gql(t, `{ auditLog(first: 3) { nodes { action } } }`, {}, admin.token);
    expect(audit.data!.auditLog.nodes.map((n: { action: string }) => n.action)).toEqual([
      'settings.patch',
      'invite.create',
      'session.login',
    ]);
    const search = await rest(t, 'GET', `${A}/moderation_log?search=ON%20USER%20@RITA`, { token: admin.token });
    expect(search.body.total).toBe(3);
    expect(search.body.items.every((i: { message: string }) => /on user @rita/.test(i.message))).toBe(true);
  });
});
