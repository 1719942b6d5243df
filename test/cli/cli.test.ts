/** The operator's CLI (`npx gatehouse <command>`), each command run as a real process on a scratch SQLite file. */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { ensureBuilt, gqlAt, loginAt, startInstance } from '../scale/harness';

jest.setTimeout(60_000);
const ROOT = join(__dirname, '..', '..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function gatehouse(args: string[], env: Record<string, string>, stdin?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      'npx',
      ['--no-install', 'gatehouse', ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', ...env } },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (stdin !== undefined) child.stdin!.end(stdin);
    else child.stdin!.end();
  });
}

function rows(file: string, sql: string): Promise<any[]> {
  const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY);
  return new Promise((resolve, reject) => db.all(sql, (e, r) => db.close(() => (e ? reject(e) : resolve(r)))));
}

describe('npx gatehouse', () => {
  let dir: string;
  let env: Record<string, string>;
  let file: string;
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'gh-cli-'));
    file = join(dir, 'g.db');
    env = { DATABASE_URL: `sqlite:${file}` };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--help lists every command', async () => {
    const r = await gatehouse(['--help'], env);
    expect(r.code).toBe(0);
    for (const c of ['serve', 'migrate', 'create-admin', 'reset-password', 'list-users', 'emit-schema', 'backup', 'restore'])
      expect(r.stdout).toContain(c);
  });

  it('migrate creates the schema and exits', async () => {
    const r = await gatehouse(['migrate'], env);
    expect(r).toMatchObject({ code: 0, stdout: 'migrations applied\n' });
    expect((await rows(file, `select name from sqlite_master where name = 'users'`)).length).toBe(1);
  });

  it('create-admin makes an administrator from a password on standard input; a short password is refused', async () => {
    expect(await gatehouse(['create-admin', 'ops'], env, 'ops-password-1\n')).toMatchObject({
      code: 0,
      stdout: 'created administrator ops\n',
    });
    expect(await gatehouse(['create-admin', 'ops'], env, 'ops-password-1\n')).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('already exists'),
    });
    expect(await gatehouse(['create-admin', 'shorty'], env, 'short\n')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('at least'),
    });
  });

  it('list-users prints the users, as lines or as JSON', async () => {
    const lines = await gatehouse(['list-users'], env);
    expect(lines.code).toBe(0);
    expect(lines.stdout).toMatch(/^ops\tactive\tadmin\t-\t\d{4}-/);
    const json = await gatehouse(['list-users', '--json'], env);
    expect(JSON.parse(json.stdout)).toEqual([
      { username: 'ops', active: true, roles: ['admin'], privileges: [], createdAt: expect.any(String) },
    ]);
  });

  it('reset-password sets a new password, ends the sessions and is audited; an unknown user is an error', async () => {
    const server = await startInstance({ name: 'cli', databaseUrl: env.DATABASE_URL });
    try {
      const token = await loginAt(server.url, 'ops', 'ops-password-1');
      const r = await gatehouse(['reset-password', 'ops'], env, 'new-ops-password-2\n');
      expect(r).toMatchObject({ code: 0, stdout: expect.stringContaining('password of ops set') });
      expect((await gqlAt(server.url, '{ currentSession { id } }', {}, token)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      await expect(loginAt(server.url, 'ops', 'ops-password-1')).rejects.toThrow();
      expect(await loginAt(server.url, 'ops', 'new-ops-password-2')).toEqual(expect.any(String));
    } finally {
      await server.stop();
    }
    expect((await rows(file, `select message from audit_entries where action = 'user.reset_password'`)).map((x) => x.message)).toEqual([
      'system reset the password of @ops',
    ]);
    expect(await gatehouse(['reset-password', 'nobody'], env, 'whatever-password-1\n')).toMatchObject({
      code: 1,
      stderr: 'no user named nobody\n',
    });
  });

  it('emit-schema prints the checked-in schema.graphql; --check passes on it', async () => {
    const r = await gatehouse(['emit-schema'], env);
    expect(r.stdout.trim()).toBe(readFileSync(join(ROOT, 'schema.graphql'), 'utf8').trim());
    expect((await gatehouse(['emit-schema', '--check', join(ROOT, 'schema.graphql')], env)).code).toBe(0);
  });

  it('backup writes a restorable copy; restore puts it back', async () => {
    const copy = join(dir, 'copy.db');
    expect(await gatehouse(['backup', copy], env)).toMatchObject({ code: 0, stdout: `backed up to ${copy}\n` });
    expect(existsSync(copy)).toBe(true);
    const other = { DATABASE_URL: `sqlite:${join(dir, 'other.db')}` };
    expect(await gatehouse(['restore', copy], other)).toMatchObject({ code: 0, stdout: `restored from ${copy}\n` });
    expect(JSON.parse((await gatehouse(['list-users', '--json'], other)).stdout).map((u: { username: string }) => u.username)).toEqual([
      'ops',
    ]);
  });
});
