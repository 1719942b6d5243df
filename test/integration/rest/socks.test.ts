import WebSocket from 'ws';
import { startTestApp, type TestApp } from '../../helpers/app';
import { rest } from '../../helpers/rest';
import { createUser } from '../../helpers/factories';
import { enrolMfa } from '../../helpers/mfa';

interface Reply {
  type: number | null;
  data: { status: 'OK' | 'KO'; error?: string; [k: string]: unknown };
}

/** A real WebSocket client that sends one message and waits for the next reply. */
class SocksClient {
  private readonly replies: Reply[] = [];
  private waiting: Array<(r: Reply) => void> = [];
  closed: { code: number; reason: string } | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const reply = JSON.parse(raw.toString()) as Reply;
      const w = this.waiting.shift();
      if (w) w(reply);
      else this.replies.push(reply);
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
    });
  }

  static open(t: TestApp): Promise<SocksClient> {
    const ws = new WebSocket(`${t.url.replace(/^http/, 'ws')}/socks`);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new SocksClient(ws)));
      ws.once('error', reject);
    });
  }

  next(): Promise<Reply> {
    const r = this.replies.shift();
    return r ? Promise.resolve(r) : new Promise((resolve) => this.waiting.push(resolve));
  }

  sendRaw(data: string | Buffer): Promise<Reply> {
    this.ws.send(data);
    return this.next();
  }

  send(type: number, data?: Record<string, unknown>): Promise<Reply> {
    return this.sendRaw(JSON.stringify(data === undefined ? { type } : { type, data }));
  }

  close() {
    this.ws.close();
  }
}

const ok = (extra: Record<string, unknown> = {}) => ({ data: expect.objectContaining({ status: 'OK', ...extra }) });

describe('Socks message protocol over WebSocket /socks', () => {
  let t: TestApp;
  let admin: SocksClient;
  let second: SocksClient;

  beforeAll(async () => {
    t = await startTestApp({ SOCKS_IDLE_SECONDS: '5' });
    admin = await SocksClient.open(t);
    second = await SocksClient.open(t);
  });
  afterAll(async () => {
    admin.close();
    second.close();
    await t.close();
  });

  it('301 registers the first user as admin; 300 signs in and binds the user to the connection', async () => {
    const reg = await admin.send(301, { user: 'root', password: 'root-password-1', email: 'root@example.org' });
    expect(reg).toMatchObject({ type: 301, data: { status: 'OK', user: 'root', roles: ['admin'] } });
    const wrong = await admin.send(300, { user: 'root', password: 'wrong-password' });
    expect(wrong).toMatchObject({ type: 300, data: { status: 'KO', error: expect.any(String) } });
    const login = await admin.send(300, { user: 'root', password: 'root-password-1' });
    expect(login).toEqual({ type: 300, data: { status: 'OK', user: 'root', displayName: 'root', roles: ['admin'] } });
  });

  it('301 answers KO for an existing user or a short password; registration mode applies after the first user', async () => {
    expect(await second.send(301, { user: 'root', password: 'another-password' })).toMatchObject({ type: 301, data: { status: 'KO' } });
    // The default registration mode is "invite": a second account needs an invite (or the open mode).
    expect(await second.send(301, { user: 'bob', password: 'bob-password-1' })).toMatchObject({ type: 301, data: { status: 'KO' } });
    expect(await admin.send(341, { key: 'probe', value: 1 })).toMatchObject(ok());
    const gql = await rest(t, 'POST', '/socks', { body: { type: 300, data: { user: 'root', password: 'root-password-1' } } });
    const token = gql.body.data.token as string;
    const open = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'mutation { patchSettings(patch: {registration: {mode: "open"}}) { restartRequired } }' }),
    });
    expect(open.status).toBe(200);
    expect(await second.send(301, { user: 'bob', password: 'x' })).toMatchObject({
      type: 301,
      data: { status: 'KO', error: expect.stringMatching(/password/) },
    });
    expect(await second.send(301, { user: 'bob', password: 'bob-password-1', email: 'bob@example.org' })).toMatchObject({
      type: 301,
      data: { status: 'OK', user: 'bob', roles: [] },
    });
  });

  it('310 lists users with pages; a second connection without admin rights is refused 321', async () => {
    const list = await admin.send(310, { filter: '', page: 1, pageSize: 1 });
    expect(list).toEqual({
      type: 310,
      data: { status: 'OK', pages: 2, users: [{ user: 'root', displayName: 'root', email: 'root@example.org', roles: ['admin'] }] },
    });
    const page2 = await admin.send(310, { filter: '', page: 2, pageSize: 1 });
    expect((page2.data.users as Array<{ user: string }>).map((u) => u.user)).toEqual(['bob']);
    const filtered = await admin.send(310, { filter: 'bo', page: 1, pageSize: 10 });
    expect(filtered).toMatchObject({ data: { status: 'OK', pages: 1, users: [{ user: 'bob' }] } });
    const refused = await second.send(321, { name: 'editors', description: 'Edit things' });
    expect(refused).toMatchObject({ type: 321, data: { status: 'KO', error: expect.stringMatching(/MANAGE_ROLES/) } });
  });

  it('320 lists roles; 321 creates and with remove:true deletes a role; 322 assigns it (admin only)', async () => {
    expect(await admin.send(321, { name: 'editors', description: 'Edit things' })).toMatchObject({ type: 321, data: { status: 'OK' } });
    const roles = await admin.send(320);
    expect(roles.data.roles).toEqual(
      expect.arrayContaining([
        { name: 'editors', description: 'Edit things' },
        { name: 'admin', description: expect.any(String) },
      ]),
    );
    expect(await admin.send(322, { name: 'editors', user: 'bob' })).toMatchObject({ type: 322, data: { status: 'OK' } });
    expect((await admin.send(310, { filter: 'bob' })).data.users).toEqual([
      { user: 'bob', displayName: 'bob', email: 'bob@example.org', roles: ['editors'] },
    ]);
    expect(await second.send(322, { name: 'admin', user: 'bob' })).toMatchObject({ type: 322, data: { status: 'KO' } });
    expect(await admin.send(321, { name: 'editors', remove: true })).toMatchObject({ type: 321, data: { status: 'OK' } });
    expect((await admin.send(320)).data.roles).not.toContainEqual(expect.objectContaining({ name: 'editors' }));
    expect(await admin.send(321, { name: 'nonexistent', remove: true })).toMatchObject({ type: 321, data: { status: 'KO' } });
  });

  it('302 edits one’s own data with the current password, or any user’s as admin', async () => {
    expect(await second.send(302, { displayName: 'Bobby' })).toMatchObject({
      type: 302,
      data: { status: 'KO', error: expect.stringMatching(/password/) },
    });
    expect(await second.send(302, { displayName: 'Bobby', password: 'wrong-password' })).toMatchObject({ data: { status: 'KO' } });
    expect(await second.send(302, { displayName: 'Bobby', password: 'bob-password-1' })).toMatchObject({
      type: 302,
      data: { status: 'OK' },
    });
    expect(await second.send(302, { user: 'root', displayName: 'Mallory' })).toMatchObject({ type: 302, data: { status: 'KO' } });
    expect(await admin.send(302, { user: 'bob', email: 'bobby@example.org', password: 'reset-by-admin' })).toMatchObject({
      data: { status: 'OK' },
    });
    expect((await admin.send(310, { filter: 'bob' })).data.users).toEqual([
      { user: 'bob', displayName: 'Bobby', email: 'bobby@example.org', roles: [] },
    ]);
    // The admin's password change signed bob out everywhere; the new password signs in.
    expect(await second.send(310, {})).toMatchObject({ data: { status: 'KO' } });
    expect(await second.send(300, { user: 'bob', password: 'reset-by-admin' })).toMatchObject({
      data: { status: 'OK', user: 'bob', displayName: 'Bobby' },
    });
  });

  it('330 lists groups; 331 creates (owner and member) or edits by owner/admin; 332 adds by owner only; 333 lists a user’s groups', async () => {
    expect(await second.send(331, { name: 'band', description: 'Music' })).toMatchObject({ type: 331, data: { status: 'OK' } });
    expect(await second.send(331, { name: 'band', description: 'Music and more' })).toMatchObject({ data: { status: 'OK' } });
    expect(await admin.send(331, { name: 'band', description: 'Edited by admin' })).toMatchObject({ data: { status: 'OK' } });
    const groups = await second.send(330, { filter: 'ban', page: 1, pageSize: 10 });
    expect(groups).toEqual({
      type: 330,
      data: { status: 'OK', pages: 1, groups: [{ name: 'band', description: 'Edited by admin', owner: 'bob' }] },
    });
    expect(await admin.send(331, { name: 'staff' })).toMatchObject({ data: { status: 'OK' } });
    expect(await second.send(331, { name: 'staff', description: 'taken over' })).toMatchObject({ type: 331, data: { status: 'KO' } });
    expect(await second.send(332, { user: 'root', group: 'band' })).toMatchObject({ type: 332, data: { status: 'OK' } });
    expect(await second.send(332, { user: 'bob', group: 'staff' })).toMatchObject({ type: 332, data: { status: 'KO' } });
    expect(await second.send(332, { user: 'root', group: 'nothing' })).toMatchObject({ data: { status: 'KO' } });
    const rootGroups = await second.send(333, { user: 'root' });
    expect(rootGroups).toEqual({
      type: 333,
      data: {
        status: 'OK',
        user: 'root',
        groups: [
          { name: 'band', description: 'Edited by admin' },
          { name: 'staff', description: '' },
        ],
      },
    });
  });

  it('340 reads and 341 upserts the public key/value store, signed in or not', async () => {
    const anon = await SocksClient.open(t);
    try {
      expect(await anon.send(340, { key: 'motd' })).toEqual({ type: 340, data: { status: 'OK', key: 'motd', value: null } });
      expect(await anon.send(341, { key: 'motd', value: { text: 'hello' } })).toEqual({ type: 341, data: { status: 'OK' } });
      expect(await admin.send(340, { key: 'motd' })).toEqual({ type: 340, data: { status: 'OK', key: 'motd', value: { text: 'hello' } } });
      expect(await anon.send(341, { key: 'motd', value: 'bye' })).toMatchObject({ data: { status: 'OK' } });
      expect((await anon.send(340, { key: 'motd' })).data.value).toBe('bye');
      expect(await anon.send(310, {})).toMatchObject({ type: 310, data: { status: 'KO', error: 'Authentication required.' } });
    } finally {
      anon.close();
    }
  });

  it('answers KO, and keeps the connection, for malformed JSON, unknown types, missing fields and oversize messages', async () => {
    const c = await SocksClient.open(t);
    try {
      expect(await c.sendRaw('{not json')).toEqual({ type: null, data: { status: 'KO', error: 'Malformed JSON.' } });
      expect(await c.sendRaw('[1,2]')).toMatchObject({ type: null, data: { status: 'KO' } });
      expect(await c.sendRaw('{"type":"300"}')).toMatchObject({ type: null, data: { status: 'KO', error: 'type must be an integer.' } });
      expect(await c.send(999, {})).toEqual({ type: 999, data: { status: 'KO', error: 'Unknown message type 999.' } });
      expect(await c.send(300, { user: 'root' })).toMatchObject({
        type: 300,
        data: { status: 'KO', error: expect.stringMatching(/^password/) },
      });
      expect(await c.sendRaw(JSON.stringify({ type: 300, data: 'x' }))).toMatchObject({ type: 300, data: { status: 'KO' } });
      expect(await c.send(310, { page: 0 })).toMatchObject({ type: 310, data: { status: 'KO', error: expect.stringMatching(/^page/) } });
      const big = await c.sendRaw(JSON.stringify({ type: 341, data: { key: 'big', value: 'x'.repeat(70 * 1024) } }));
      expect(big).toMatchObject({ type: null, data: { status: 'KO', error: expect.stringMatching(/too large/) } });
      expect(await c.send(340, { key: 'motd' })).toMatchObject({ data: { status: 'OK' } });
      expect(c.closed).toBeNull();
    } finally {
      c.close();
    }
  });

  it('rate limits messages per connection with KO replies, then recovers', async () => {
    const c = await SocksClient.open(t);
    try {
      for (let i = 0; i < 40; i++) c.ws.send(JSON.stringify({ type: 340, data: { key: 'motd' } }));
      const replies: Reply[] = [];
      for (let i = 0; i < 40; i++) replies.push(await c.next());
      const refused = replies.filter((r) => r.data.status === 'KO');
      expect(refused.length).toBeGreaterThan(0);
      expect(refused[0]).toMatchObject({ type: 340, data: { error: expect.stringMatching(/^Too many messages/) } });
      expect(replies.every((r) => r.type === 340)).toBe(true);
      await new Promise((r) => setTimeout(r, 1100));
      expect(await c.send(340, { key: 'motd' })).toMatchObject({ data: { status: 'OK' } });
    } finally {
      c.close();
    }
  });

  it('closes idle connections, and a closed connection’s session ends', async () => {
    const c = await SocksClient.open(t);
    expect(await c.send(301, { user: 'idler', password: 'idler-password-1' })).toMatchObject({ data: { status: 'OK', user: 'idler' } });
    const sessions = () =>
      t.app.deps.db
        .knex('access_tokens as a')
        .join('users as u', 'u.id', 'a.user_id')
        .where('u.username', 'idler')
        .count({ n: '*' })
        .first();
    expect(Number(((await sessions()) as { n: unknown }).n)).toBe(1);
    await new Promise((r) => setTimeout(r, 5600));
    expect(c.closed).toEqual({ code: 4000, reason: 'Idle timeout' });
    await new Promise((r) => setTimeout(r, 200));
    expect(Number(((await sessions()) as { n: unknown }).n)).toBe(0);
  }, 15_000);

  it('POST /socks takes one message; 300 answers a token that later messages send as Bearer', async () => {
    const login = await rest(t, 'POST', '/socks', { body: { type: 300, data: { user: 'root', password: 'root-password-1' } } });
    expect(login).toMatchObject({
      status: 200,
      body: { type: 300, data: { status: 'OK', user: 'root', roles: ['admin'], token: expect.any(String) } },
    });
    const token = login.body.data.token as string;
    const list = await rest(t, 'POST', '/socks', { token, body: { type: 310, data: { pageSize: 5 } } });
    expect(list).toMatchObject({ status: 200, body: { type: 310, data: { status: 'OK', pages: 1 } } });
    const edit = await rest(t, 'POST', '/socks', {
      token,
      body: { type: 302, data: { displayName: 'Root', password: 'root-password-1' } },
    });
    expect(edit).toMatchObject({ status: 200, body: { type: 302, data: { status: 'OK' } } });
    expect(await rest(t, 'POST', '/socks', { body: { type: 310, data: {} } })).toMatchObject({
      body: { type: 310, data: { status: 'KO' } },
    });
    const bad = await fetch(`${t.url}/socks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ type: null, data: { status: 'KO' } });
    expect(await rest(t, 'POST', '/socks', { body: { type: 12 } })).toMatchObject({
      status: 200,
      body: { type: 12, data: { status: 'KO' } },
    });
    // A plain GET is told to upgrade.
    expect(await rest(t, 'GET', '/socks')).toMatchObject({ status: 426, body: { type: null, data: { status: 'KO' } } });
  });

  it('300 answers KO for an account with two-factor sign-in (the protocol has no step for a code); the connection stays signed out', async () => {
    const user = await createUser(t, { username: 'mfa-socks', password: 'mfa-socks-password' });
    await enrolMfa(t, user);
    const client = await SocksClient.open(t);
    try {
      const res = await client.send(300, { user: 'mfa-socks', password: 'mfa-socks-password' });
      expect(res).toEqual({ type: 300, data: { status: 'KO', error: expect.stringMatching(/^Two-factor authentication is required/) } });
      expect(JSON.stringify(res)).not.toMatch(/mfaChallenge/);
      expect(await client.send(310, {})).toMatchObject({ type: 310, data: { status: 'KO' } });
    } finally {
      client.close();
    }
  });
});
