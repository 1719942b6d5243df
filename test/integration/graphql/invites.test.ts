import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import {
  CreateInviteDocument,
  DeleteInviteDocument,
  InviteDocument,
  InvitesDocument,
  PatchSettingsDocument,
  RegisterDocument,
  RevokeInviteDocument,
  SendInviteEmailDocument,
  UpdateInviteDocument,
} from '../../__generated__/operations';
import { codes, gql, startTestApp, type TestApp } from '../../helpers/app';
import { auditCount, createUser, type Actor } from '../../helpers/factories';

describe('invites', () => {
  let t: TestApp;
  let issuer: Actor;
  beforeAll(async () => {
    t = await startTestApp();
    await createUser(t, { roles: ['admin'] });
    issuer = await createUser(t, { username: 'issuer', privileges: ['ISSUE_TOKENS', 'DEACTIVATE'] });
  });
  afterAll(() => t.close());

  it('creates invites with derived type, validity and uses', async () => {
    const one = await gql(t, CreateInviteDocument, { input: { maxUses: 1, name: 'for bob' } }, issuer.token);
    expect(one.data!.createInvite).toMatchObject({
      maxUses: 1,
      uses: 0,
      valid: true,
      used: false,
      inviteType: 'ONE_TIME',
      name: 'for bob',
      createdByUsername: 'issuer',
    });
    expect(one.data!.createInvite.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const unlimited = await gql(t, CreateInviteDocument, { input: {} }, issuer.token);
    expect(unlimited.data!.createInvite).toMatchObject({ maxUses: null, inviteType: 'REUSABLE' });
    const future = new Date(Date.now() + 86400_000).toISOString();
    // Akkoma's kinds: a date without a use limit is date_limited; a date with one, reusable_date_limited.
    const dated = await gql(t, CreateInviteDocument, { input: { expiresAt: future } }, issuer.token);
    expect(dated.data!.createInvite).toMatchObject({ inviteType: 'DATE_LIMITED', maxUses: null });
    const datedOnce = await gql(t, CreateInviteDocument, { input: { maxUses: 1, expiresAt: future } }, issuer.token);
    expect(datedOnce.data!.createInvite.inviteType).toBe('REUSABLE_DATE_LIMITED');
    const both = await gql(t, CreateInviteDocument, { input: { maxUses: 5, expiresAt: future, token: 'my.Token~1' } }, issuer.token);
    expect(both.data!.createInvite).toMatchObject({ inviteType: 'REUSABLE_DATE_LIMITED', token: 'my.Token~1' });
  });

  it('validates tokens, uses and expiry', async () => {
    expect(codes(await gql(t, CreateInviteDocument, { input: { token: 'has space' } }, issuer.token))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await gql(t, CreateInviteDocument, { input: { token: 'x'.repeat(65) } }, issuer.token))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await gql(t, CreateInviteDocument, { input: { maxUses: 0 } }, issuer.token))).toEqual(['BAD_USER_INPUT']);
    const past = new Date(Date.now() - 1000).toISOString();
    expect(codes(await gql(t, CreateInviteDocument, { input: { expiresAt: past } }, issuer.token))).toEqual(['BAD_USER_INPUT']);
    expect((await gql(t, CreateInviteDocument, { input: { token: 'twice' } }, issuer.token)).errors).toBeUndefined();
    expect(codes(await gql(t, CreateInviteDocument, { input: { token: 'twice' } }, issuer.token))).toEqual(['CONFLICT']);
  });

  it('grants cannot exceed what the creator holds', async () => {
    const ok = await gql(t, CreateInviteDocument, { input: { grants: { privileges: ['DEACTIVATE'] } } }, issuer.token);
    expect(ok.data!.createInvite.grantPrivileges).toEqual(['DEACTIVATE']);
    const esc = await gql(t, CreateInviteDocument, { input: { grants: { privileges: ['CONFIG'] } } }, issuer.token);
    expect(codes(esc)).toEqual(['FORBIDDEN']);
    const viaRole = await gql(t, CreateInviteDocument, { input: { grants: { roles: ['admin'] } } }, issuer.token);
    expect(codes(viaRole)).toEqual(['FORBIDDEN']);
    const unknownRole = await gql(t, CreateInviteDocument, { input: { grants: { roles: ['nope'] } } }, issuer.token);
    expect(codes(unknownRole)).toEqual(['BAD_USER_INPUT']);
  });

  it('lists with status filters; gets, updates, revokes and deletes', async () => {
    const created = await gql(t, CreateInviteDocument, { input: { maxUses: 2, token: 'lifecycle' } }, issuer.token);
    expect(created.errors).toBeUndefined();
    const got = await gql(t, InviteDocument, { token: 'lifecycle' }, issuer.token);
    expect(got.data!.invite!.maxUses).toBe(2);
    const upd = await gql(t, UpdateInviteDocument, { token: 'lifecycle', input: { maxUses: null } }, issuer.token);
    expect(upd.data!.updateInvite.maxUses).toBeNull();
    const rev = await gql(t, RevokeInviteDocument, { token: 'lifecycle' }, issuer.token);
    expect(rev.data!.revokeInvite).toMatchObject({ revoked: true, valid: false, used: true });
    const revoked = await gql(t, InvitesDocument, { filter: { status: 'REVOKED' } }, issuer.token);
    expect(revoked.data!.invites.nodes.map((i) => i.token)).toEqual(['lifecycle']);
    const valid = await gql(t, InvitesDocument, { filter: { status: 'VALID' } }, issuer.token);
    expect(valid.data!.invites.nodes.every((i) => i.valid)).toBe(true);
    expect(valid.data!.invites.totalCount).toBe(valid.data!.invites.nodes.length);
    expect((await gql(t, DeleteInviteDocument, { token: 'lifecycle' }, issuer.token)).data!.deleteInvite).toBe('lifecycle');
    expect(codes(await gql(t, InviteDocument, { token: 'lifecycle' }, issuer.token))).toEqual(['NOT_FOUND']);
    expect(await auditCount(t, 'invite.revoke')).toBe(1);
  });
});

describe('registration', () => {
  let t: TestApp;
  let admin: Actor;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('the first registered user on an empty database becomes admin, even without an invite', async () => {
    const res = await gql(t, RegisterDocument, { input: { username: 'founder', password: 'founder-password' } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.register.user).toMatchObject({ username: 'founder', privileges: ['ALL'], roles: [{ name: 'admin' }] });
    admin = { id: res.data!.register.user.id, username: 'founder', token: res.data!.register.token };
    // The tests below register from one address many times.
    const raised = await gql(t, PatchSettingsDocument, { patch: { rateLimits: { register: { perAddress: 1000 } } } }, admin.token);
    expect(raised.errors).toBeUndefined();
  });

  it('by default registration needs a valid invite', async () => {
    const none = await gql(t, RegisterDocument, { input: { username: 'noinvite', password: 'password-123' } });
    expect(codes(none)).toEqual(['BAD_USER_INPUT']);
    expect(none.errors![0].extensions!.field).toBe('input.inviteToken');
    const bogus = await gql(t, RegisterDocument, { input: { username: 'bogus', password: 'password-123', inviteToken: 'nope' } });
    expect(codes(bogus)).toEqual(['FORBIDDEN']);
  });

  it('explicit username and password rules', async () => {
    const bad = await gql(t, RegisterDocument, { input: { username: 'Has Caps', password: 'short', inviteToken: 'x' } });
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
    expect(bad.errors![0].extensions!.fields).toEqual(expect.arrayContaining(['username', 'password']));
    const long = await gql(t, RegisterDocument, { input: { username: 'a'.repeat(65), password: 'password-123', inviteToken: 'x' } });
    expect(codes(long)).toEqual(['BAD_USER_INPUT']);
  });

  it('applies the invite grants in the same transaction and counts the use', async () => {
    const inv = await gql(
      t,
      CreateInviteDocument,
      { input: { maxUses: 2, grants: { privileges: ['DEACTIVATE'], roles: ['moderator'] } } },
      admin.token,
    );
    const token = inv.data!.createInvite.token!;
    const res = await gql(t, RegisterDocument, {
      input: { username: 'bob', password: 'bob-password', inviteToken: token, email: 'bob@ex.org' },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!.register.user.privileges).toEqual(['DEACTIVATE', 'VIEW_USERS', 'MODERATE_REPORTS']);
    expect(res.data!.register.user.roles).toEqual([{ name: 'moderator' }]);
    expect((await gql(t, InviteDocument, { token }, admin.token)).data!.invite!.uses).toBe(1);
    // The session works at once.
    expect((await gql(t, `{ viewer { username } }`, {}, res.data!.register.token)).data!.viewer.username).toBe('bob');
    // A taken username fails without using the invite.
    const dup = await gql(t, RegisterDocument, { input: { username: 'bob', password: 'bob-password', inviteToken: token } });
    expect(codes(dup)).toEqual(['CONFLICT']);
    expect((await gql(t, InviteDocument, { token }, admin.token)).data!.invite!.uses).toBe(1);
  });

  it('20 concurrent registrations on a one-use invite give exactly one account', async () => {
    const inv = await gql(t, CreateInviteDocument, { input: { maxUses: 1 } }, admin.token);
    const token = inv.data!.createInvite.token!;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        gql(t, RegisterDocument, { input: { username: `racer${i}`, password: 'racer-password', inviteToken: token } }),
      ),
    );
    const winners = results.filter((r) => !r.errors);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.errors).every((r) => codes(r)[0] === 'FORBIDDEN')).toBe(true);
    const users = await t.app.deps.db.knex('users').where('username', 'like', 'racer%').count({ n: '*' }).first();
    expect(Number((users as { n: unknown }).n)).toBe(1);
    const after = (await gql(t, InviteDocument, { token }, admin.token)).data!.invite!;
    expect(after).toMatchObject({ uses: 1, valid: false, used: true });
  });

  it('honours expiry', async () => {
    const inv = await gql(t, CreateInviteDocument, { input: { expiresAt: new Date(Date.now() + 1500).toISOString() } }, admin.token);
    const token = inv.data!.createInvite.token!;
    await new Promise((r) => setTimeout(r, 1600));
    const res = await gql(t, RegisterDocument, { input: { username: 'late', password: 'late-password', inviteToken: token } });
    expect(codes(res)).toEqual(['FORBIDDEN']);
    const expired = await gql(t, InvitesDocument, { filter: { status: 'EXPIRED' } }, admin.token);
    expect(expired.data!.invites.nodes.map((i) => i.token)).toContain(token);
  });

  it('open and closed modes', async () => {
    await gql(t, PatchSettingsDocument, { patch: { registration: { mode: 'open' } } }, admin.token);
    expect((await gql(t, RegisterDocument, { input: { username: 'walkin', password: 'walkin-password' } })).errors).toBeUndefined();
    await gql(t, PatchSettingsDocument, { patch: { registration: { mode: 'closed' } } }, admin.token);
    const inv = await gql(t, CreateInviteDocument, { input: {} }, admin.token);
    const closed = await gql(t, RegisterDocument, {
      input: { username: 'closedout', password: 'closed-password', inviteToken: inv.data!.createInvite.token },
    });
    expect(codes(closed)).toEqual(['FORBIDDEN']);
    expect(closed.errors![0].extensions!.reason).toBe('REGISTRATION_CLOSED');
  });
});

describe('registration rate limit', () => {
  it('throttles registrations per client address', async () => {
    const t = await startTestApp();
    try {
      // The limit is set before the first registration, so memory, PostgreSQL and Redis counters agree.
      const admin = await createUser(t, { roles: ['admin'] });
      await gql(
        t,
        PatchSettingsDocument,
        { patch: { registration: { mode: 'open' }, rateLimits: { register: { perAddress: 3 } } } },
        admin.token,
      );
      const res = [];
      for (let i = 0; i < 4; i++) res.push(await gql(t, RegisterDocument, { input: { username: `r${i}`, password: 'password-123' } }));
      expect(res.map(codes)).toEqual([[], [], [], ['RATE_LIMITED']]);
    } finally {
      await t.close();
    }
  });
});

describe('email invites', () => {
  let t: TestApp;
  let admin: Actor;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, { roles: ['admin'] });
  });
  afterAll(() => t.close());

  it('without SMTP the message waits in the outbox', async () => {
    const res = await gql(t, SendInviteEmailDocument, { email: 'nosmtp@example.org', name: 'Nora' }, admin.token);
    expect(res.errors).toBeUndefined();
    expect(res.data!.sendInviteEmail).toMatchObject({ delivered: false, invite: { maxUses: 1, inviteType: 'ONE_TIME' } });
    const row = await t.app.deps.db.knex('outbox').where('id', res.data!.sendInviteEmail.outboxId).first();
    expect(row.to).toBe('nosmtp@example.org');
    expect(row.text).toContain(res.data!.sendInviteEmail.invite.token);
    expect(row.sent_at).toBeNull();
  });

  it('sends a real email through SMTP with the registration link', async () => {
    const received: Array<{ from: string; to: string[]; data: string }> = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let data = '';
        stream.on('data', (c: Buffer) => (data += c.toString('utf8')));
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            data,
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as AddressInfo).port;
    try {
      const patched = await gql(
        t,
        PatchSettingsDocument,
        { patch: { publicUrl: 'https://gate.example', smtp: { host: '127.0.0.1', port, secure: false, from: 'gate@example.org' } } },
        admin.token,
      );
      expect(patched.errors).toBeUndefined();
      const res = await gql(t, SendInviteEmailDocument, { email: 'friend@example.org', name: 'Fred' }, admin.token);
      expect(res.errors).toBeUndefined();
      expect(res.data!.sendInviteEmail.delivered).toBe(true);
      expect(received).toHaveLength(1);
      expect(received[0].to).toEqual(['friend@example.org']);
      expect(received[0].from).toBe('gate@example.org');
      const token = res.data!.sendInviteEmail.invite.token;
      const body = received[0].data
        .replace(/=\r\n/g, '')
        .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
      expect(body).toContain(`https://gate.example/register?invite=${token}`);
      const row = await t.app.deps.db.knex('outbox').where('id', res.data!.sendInviteEmail.outboxId).first();
      expect(row.sent_at).not.toBeNull();
    } finally {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });
});
