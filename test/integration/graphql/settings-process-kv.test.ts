import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  KvDocument,
  KvSetDocument,
  LoginDocument,
  PatchSettingsDocument,
  ProcessStatsDocument,
  ReplaceSettingsDocument,
  RestartDocument,
  SettingsDocument,
} from '../../__generated__/operations';
import { codes, gql, startTestApp, type TestApp } from '../../helpers/app';
import { createUser, type Actor } from '../../helpers/factories';

describe('settings', () => {
  let t: TestApp;
  let admin: Actor;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, { privileges: ['CONFIG', 'VIEW_AUDIT_LOG', 'PROC_CONTROL'] });
  });
  afterAll(() => t.close());

  it('reads the validated document (CONFIG only)', async () => {
    const res = await gql(t, SettingsDocument, {}, admin.token);
    expect(res.data!.settings.settings).toMatchObject({ registration: { mode: 'invite' }, serverName: 'localhost' });
    expect(res.data!.settings.restartRequired).toBe(false);
    const plain = await createUser(t);
    expect(codes(await gql(t, SettingsDocument, {}, plain.token))).toEqual(['FORBIDDEN']);
  });

  it('patches by deep merge and audits the before/after difference', async () => {
    const res = await gql(
      t,
      PatchSettingsDocument,
      { patch: { instanceName: 'Moderated Place', rateLimits: { kv: { perAddress: 5 } } } },
      admin.token,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.patchSettings.settings).toMatchObject({
      instanceName: 'Moderated Place',
      rateLimits: { kv: { perAddress: 5, windowSeconds: 60 } },
    });
    const entry = await t.app.deps.db.knex('audit_entries').where('action', 'settings.patch').orderBy('id', 'desc').first();
    const data = typeof entry.data === 'string' ? JSON.parse(entry.data) : entry.data;
    expect(data.changed.sort()).toEqual(['instanceName', 'rateLimits.kv.perAddress']);
    expect(data.before.instanceName).toBe('Gatehouse');
    expect(data.after.instanceName).toBe('Moderated Place');
  });

  it('an invalid patch answers BAD_USER_INPUT naming the path and changes nothing', async () => {
    const before = (await gql(t, SettingsDocument, {}, admin.token)).data!.settings.settings;
    const bad = await gql(t, PatchSettingsDocument, { patch: { instanceName: 'ok', registration: { mode: 'sometimes' } } }, admin.token);
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
    expect(bad.errors![0].extensions!.field).toBe('settings.registration.mode');
    const unknown = await gql(t, PatchSettingsDocument, { patch: { registraton: { mode: 'open' } } }, admin.token);
    expect(codes(unknown)).toEqual(['BAD_USER_INPUT']);
    expect(codes(await gql(t, PatchSettingsDocument, { patch: [1, 2] }, admin.token))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await gql(t, ReplaceSettingsDocument, { settings: { instanceName: 'only this' } }, admin.token))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect((await gql(t, SettingsDocument, {}, admin.token)).data!.settings.settings).toEqual(before);
  });

  it('accepts the patch as an inline literal as well as a variable', async () => {
    const res = await gql(t, 'mutation { patchSettings(patch: { instanceName: "Inline" }) { settings } }', {}, admin.token);
    expect(res.errors).toBeUndefined();
    expect(res.data!.patchSettings.settings.instanceName).toBe('Inline');
  });

  it('replaces the whole document', async () => {
    const current = (await gql(t, SettingsDocument, {}, admin.token)).data!.settings.settings as Record<string, any>;
    const next = { ...current, instanceName: 'Replaced', smtp: { ...current.smtp } };
    delete next.smtp.passwordSet;
    const res = await gql(t, ReplaceSettingsDocument, { settings: next }, admin.token);
    expect(res.errors).toBeUndefined();
    expect(res.data!.replaceSettings.settings.instanceName).toBe('Replaced');
  });

  it('the SMTP password is write-only', async () => {
    const res = await gql(t, PatchSettingsDocument, { patch: { smtp: { password: 's3cret-pw' } } }, admin.token);
    expect((res.data!.patchSettings.settings as any).smtp).toMatchObject({ password: null, passwordSet: true });
    const read = await gql(t, SettingsDocument, {}, admin.token);
    expect(JSON.stringify(read.data)).not.toContain('s3cret-pw');
    const log = await gql(t, `{ auditLog(first: 1) { nodes { data } } }`, {}, admin.token);
    expect(JSON.stringify(log.data)).not.toContain('s3cret-pw');
    // Patching something else keeps the stored secret.
    await gql(t, PatchSettingsDocument, { patch: { instanceName: 'Again' } }, admin.token);
    const again = await gql(t, SettingsDocument, {}, admin.token);
    expect((again.data!.settings.settings as any).smtp.passwordSet).toBe(true);
  });

  it('a change that needs a restart says so until restart runs; settings apply at once', async () => {
    const res = await gql(t, PatchSettingsDocument, { patch: { serverName: 'matrix.example.org' } }, admin.token);
    expect(res.data!.patchSettings.restartRequired).toBe(true);
    expect((await gql(t, SettingsDocument, {}, admin.token)).data!.settings.restartRequired).toBe(true);
    expect((await gql(t, RestartDocument, {}, admin.token)).data!.restart).toBe(true);
    expect((await gql(t, SettingsDocument, {}, admin.token)).data!.settings.restartRequired).toBe(false);
    const entries = await t.app.deps.db.knex('audit_entries').where('action', 'process.restart').count({ n: '*' }).first();
    expect(Number((entries as { n: unknown }).n)).toBe(1);
  });

  it('login limits come from settings', async () => {
    await gql(t, PatchSettingsDocument, { patch: { rateLimits: { login: { perUser: 2 } } } }, admin.token);
    await createUser(t, { username: 'limited', password: 'limited-password' });
    const r = [];
    for (let i = 0; i < 3; i++) r.push(codes(await gql(t, LoginDocument, { username: 'limited', password: 'wrong-password' })));
    expect(r).toEqual([['UNAUTHENTICATED'], ['UNAUTHENTICATED'], ['RATE_LIMITED']]);
  });
});

describe('process control', () => {
  it('processStats needs PROC_CONTROL', async () => {
    const t = await startTestApp();
    try {
      const ops = await createUser(t, { privileges: ['PROC_CONTROL'] });
      const res = await gql(t, ProcessStatsDocument, {}, ops.token);
      expect(res.data!.processStats.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(res.data!.processStats.uptimeSeconds).toBeGreaterThan(0);
      expect(res.data!.processStats.memory.rss).toBeGreaterThan(res.data!.processStats.memory.heapUsed);
      const other = await createUser(t, { privileges: ['CONFIG'] });
      expect(codes(await gql(t, ProcessStatsDocument, {}, other.token))).toEqual(['FORBIDDEN']);
    } finally {
      await t.close();
    }
  });

  it('shutdown answers, finishes in-flight requests, and the process exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-shutdown-'));
    const port = 4900 + Math.floor(Math.random() * 90);
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, '../../../src/main.ts'), 'serve'], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: `sqlite:${join(dir, 'g.db')}`,
        GATEHOUSE_ADMIN: 'ops:ops-password-1',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = once(child, 'exit');
    const url = `http://127.0.0.1:${port}/graphql`;
    const post = async (query: string, variables: unknown, token?: string) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as { data?: any; errors?: any[] };
    };
    try {
      for (let i = 0; i < 150; i++) {
        try {
          if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
        } catch {
          /* starting */
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      const login = await post('mutation { login(username: "ops", password: "ops-password-1") { token } }', {});
      const token = login.data.login.token;
      // In flight while shutdown arrives: a login pays a full argon2id verification.
      const inflight = post('mutation { login(username: "ops", password: "ops-password-1") { token } }', {});
      const shutdown = post('mutation { shutdown }', {}, token);
      const [a, b] = await Promise.all([inflight, shutdown]);
      expect(b).toEqual({ data: { shutdown: true } });
      expect(a.data.login.token).toBeTruthy();
      const [code] = await exited;
      expect(code).toBe(0);
      expect(stderr).not.toMatch(/error/i);
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

describe('public key/value store', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('anyone, anonymous included, sets and reads values', async () => {
    expect((await gql(t, KvDocument, { key: 'motd' })).data!.kv).toBeNull();
    const set = await gql(t, KvSetDocument, { key: 'motd', value: { text: 'hello', n: [1, 2] } });
    expect(set.data!.kvSet).toEqual({ key: 'motd', value: { text: 'hello', n: [1, 2] } });
    const u = await createUser(t);
    await gql(t, KvSetDocument, { key: 'motd', value: 'replaced' }, u.token);
    expect((await gql(t, KvDocument, { key: 'motd' })).data!.kv).toMatchObject({ key: 'motd', value: 'replaced' });
  });

  it('oversize keys and values answer BAD_USER_INPUT and store nothing', async () => {
    expect(codes(await gql(t, KvSetDocument, { key: 'k'.repeat(257), value: 1 }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await gql(t, KvSetDocument, { key: '', value: 1 }))).toEqual(['BAD_USER_INPUT']);
    const big = 'x'.repeat(64 * 1024);
    const res = await gql(t, KvSetDocument, { key: 'big', value: big });
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0].extensions!.field).toBe('value');
    expect((await gql(t, KvDocument, { key: 'big' })).data!.kv).toBeNull();
    const fits = await gql(t, KvSetDocument, { key: 'fits', value: 'x'.repeat(64 * 1024 - 2) });
    expect(fits.errors).toBeUndefined();
  });

  it('writes are rate limited per address', async () => {
    // A fresh server whose limit is set before its first write, so every counter store agrees.
    const t2 = await startTestApp();
    try {
      const admin = await createUser(t2, { roles: ['admin'] });
      await gql(t2, PatchSettingsDocument, { patch: { rateLimits: { kv: { perAddress: 3, windowSeconds: 60 } } } }, admin.token);
      const r = [];
      for (let i = 0; i < 4; i++) r.push(codes(await gql(t2, KvSetDocument, { key: `k${i}`, value: i })));
      expect(r).toEqual([[], [], [], ['RATE_LIMITED']]);
    } finally {
      await t2.close();
    }
  });
});
