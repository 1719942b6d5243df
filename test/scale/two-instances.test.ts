/**
 * Two real Gatehouse processes (A and B) on one PostgreSQL database: what one instance does, the other
 * honours. Rate-limit counters are checked on PostgreSQL and on Redis.
 */
import WebSocket from 'ws';
import { Client } from 'pg';
import { scratchPostgres } from '../helpers/app';
import { ensureBuilt, gqlAt, loginAt, PG_BASE, REDIS_URL, restAt, startInstance, within, type Instance } from './harness';

jest.setTimeout(120_000);

const ROOT = { GATEHOUSE_ADMIN: 'root:root-password-1' };
const PROTECTED = '{ currentSession { id } }';
const refused = async (url: string, token: string) =>
  (await gqlAt(url, PROTECTED, {}, token)).errors?.[0]?.extensions?.code === 'UNAUTHENTICATED';
const accepted = async (url: string, token: string) => (await gqlAt(url, PROTECTED, {}, token)).data?.currentSession != null;

async function createUser(url: string, token: string, username: string, password: string, privileges: string[] = []) {
  const r = await gqlAt(
    url,
    'mutation($i: [CreateUserInput!]!) { createUsers(inputs: $i) { id } }',
    { i: [{ username, password, privileges }] },
    token,
  );
  if (r.errors) throw new Error(JSON.stringify(r.errors));
}

async function patchSettings(url: string, token: string, patch: Record<string, unknown>) {
  const r = await gqlAt(url, 'mutation($p: JSON!) { patchSettings(patch: $p) { restartRequired } }', { p: patch }, token);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
}

describe('two instances on one PostgreSQL', () => {
  let pg: Awaited<ReturnType<typeof scratchPostgres>>;
  let A: Instance;
  let B: Instance;
  let root: string;
  let sql: Client;
  beforeAll(async () => {
    ensureBuilt();
    pg = await scratchPostgres(PG_BASE);
    // A migrates the new database; B then starts on it.
    A = await startInstance({ name: 'A', databaseUrl: pg.url, env: ROOT });
    B = await startInstance({ name: 'B', databaseUrl: pg.url, env: ROOT });
    root = await loginAt(A.url, 'root', 'root-password-1');
    sql = new Client({ connectionString: pg.url });
    await sql.connect();
    await patchSettings(A.url, root, { rateLimits: { register: { perAddress: 100000, windowSeconds: 60 } } });
  });
  afterAll(async () => {
    await sql?.end();
    await Promise.all([A?.stop(), B?.stop()]);
    await pg?.drop();
  });

  it('a token revoked on A is refused on B on the very next request: logout, password change, deactivation, Pryv logout', async () => {
    await createUser(A.url, root, 'rev', 'rev-password-1');
    const t1 = await loginAt(A.url, 'rev', 'rev-password-1');
    expect(await accepted(B.url, t1)).toBe(true);
    await gqlAt(A.url, 'mutation { logout }', {}, t1);
    expect(await refused(B.url, t1)).toBe(true);

    const t2 = await loginAt(B.url, 'rev', 'rev-password-1');
    const t2b = await loginAt(B.url, 'rev', 'rev-password-1');
    expect(await accepted(B.url, t2b)).toBe(true);
    const changed = await gqlAt(
      A.url,
      'mutation { changePassword(currentPassword: "rev-password-1", newPassword: "rev-password-2") }',
      {},
      t2,
    );
    expect(changed.data?.changePassword).toBe(true);
    expect(await refused(B.url, t2b)).toBe(true);

    const t3 = await loginAt(A.url, 'rev', 'rev-password-2');
    expect(await accepted(B.url, t3)).toBe(true);
    await gqlAt(A.url, 'mutation { deactivateUsers(usernames: ["rev"]) { id } }', {}, root);
    expect(await refused(B.url, t3)).toBe(true);

    const jwt = (await restAt(A.url, 'POST', '/auth/login', { body: { username: 'root', password: 'root-password-1' } })).body
      .token as string;
    expect((await restAt(B.url, 'GET', '/users', { raw: jwt })).status).toBe(200);
    expect((await restAt(A.url, 'POST', '/auth/logout', { raw: jwt })).status).toBe(200);
    expect((await restAt(B.url, 'GET', '/users', { raw: jwt })).status).toBe(401);
  });

  it('a settings change on A is in force on B within 2 s: patchSettings, Pryv PUT /admin/settings + /admin/notify, Telodendria PUT /config, rate limits', async () => {
    const mode = async () => (await gqlAt(B.url, '{ serverInfo { registrationMode } }')).data.serverInfo.registrationMode as string;
    await patchSettings(A.url, root, { registration: { mode: 'closed' } });
    const viaGraphql = await within(2000, async () => (await mode()) === 'closed');

    const telo = await restAt(A.url, 'PUT', '/_telodendria/admin/v1/config', { token: root, body: { registration: true } });
    expect(telo.status).toBe(200);
    const viaTelodendria = await within(2000, async () => (await mode()) === 'open');

    const jwt = (await restAt(A.url, 'POST', '/auth/login', { body: { username: 'root', password: 'root-password-1' } })).body
      .token as string;
    const current = (await restAt(A.url, 'GET', '/admin/settings', { raw: jwt })).body.settings;
    current.SERVICE_INFORMATION_SETTINGS.settings.INSTANCE_NAME.value = 'Renamed on A';
    expect((await restAt(A.url, 'PUT', '/admin/settings', { raw: jwt, body: current })).status).toBe(200);
    expect((await restAt(A.url, 'POST', '/admin/notify', { raw: jwt, body: { services: ['core'] } })).status).toBe(200);
    const viaPryv = await within(
      2000,
      async () => (await gqlAt(B.url, '{ serverInfo { instanceName } }')).data.serverInfo.instanceName === 'Renamed on A',
    );

    // A lower API limit set on A: B refuses the caller past it within 2 s.
    await createUser(A.url, root, 'limited', 'limited-password-1');
    const limited = await loginAt(B.url, 'limited', 'limited-password-1');
    // A one-second window, so that the administrator's own calls are allowed again a second later.
    await patchSettings(A.url, root, { rateLimits: { api: { perCaller: 5, windowSeconds: 1 } } });
    const viaLimits = await within(2000, async () => (await gqlAt(B.url, PROTECTED, {}, limited)).status === 429);
    await new Promise((r) => setTimeout(r, 1100));
    await patchSettings(A.url, root, { rateLimits: { api: { perCaller: 100000, windowSeconds: 60 } } });
    await within(2000, async () => (await gqlAt(B.url, PROTECTED, {}, limited)).status === 200);
    // Figures for the closing note.
    console.log(
      `settings reached B in: graphql ${viaGraphql} ms, telodendria ${viaTelodendria} ms, pryv ${viaPryv} ms, rate limit ${viaLimits} ms`,
    );
  });

  it('40 concurrent registrations on a one-use invite, split across A and B: exactly one account, the grants applied once', async () => {
    await patchSettings(A.url, root, { registration: { mode: 'invite' } });
    await within(
      2000,
      async () => (await gqlAt(B.url, '{ serverInfo { registrationMode } }')).data.serverInfo.registrationMode === 'invite',
    );
    const inv = await gqlAt(
      A.url,
      'mutation { createInvite(input: {maxUses: 1, grants: {privileges: [DEACTIVATE]}}) { token } }',
      {},
      root,
    );
    const token = inv.data.createInvite.token as string;
    const attempts = Array.from({ length: 40 }, (_, i) =>
      gqlAt(i % 2 ? B.url : A.url, 'mutation($i: RegisterInput!) { register(input: $i) { user { username privileges } } }', {
        i: { username: `race${i}`, password: 'race-password-1', inviteToken: token },
      }),
    );
    const results = await Promise.all(attempts);
    const wins = results.filter((r) => r.data?.register);
    expect(wins).toHaveLength(1);
    expect(wins[0].data.register.user.privileges).toEqual(['DEACTIVATE']);
    expect(results.filter((r) => !r.data?.register).every((r) => r.errors?.[0]?.extensions?.code === 'FORBIDDEN')).toBe(true);
    const rows = await sql.query(`select count(*)::int as n from users where username like 'race%'`);
    expect(rows.rows[0].n).toBe(1);
    const invite = await sql.query('select uses from invites where token = $1', [token]);
    expect(invite.rows[0].uses).toBe(1);
    const audits = await sql.query(`select count(*)::int as n from audit_entries where action = 'user.register'`);
    expect(audits.rows[0].n).toBe(1);
  });

  it('the login and API rate limits count across both instances (PostgreSQL store)', async () => {
    await createUser(A.url, root, 'guessme', 'guessme-password-1');
    await patchSettings(A.url, root, { rateLimits: { login: { perUser: 4, perAddress: 100000, windowSeconds: 600 } } });
    await new Promise((r) => setTimeout(r, 2100));
    const attempt = (url: string) => gqlAt(url, 'mutation { login(username: "guessme", password: "wrong-password") { token } }');
    const codes: string[] = [];
    for (const url of [A.url, B.url, A.url, B.url, A.url, B.url]) codes.push(String((await attempt(url)).errors?.[0]?.extensions?.code));
    expect(codes).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'RATE_LIMITED', 'RATE_LIMITED']);

    await createUser(A.url, root, 'busy', 'busy-password-1');
    const busy = await loginAt(A.url, 'busy', 'busy-password-1');
    await patchSettings(A.url, root, { rateLimits: { api: { perCaller: 6, windowSeconds: 5 } } });
    // Both instances read the new limit (within 2 s), and a fresh window starts.
    await new Promise((r) => setTimeout(r, 5100));
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await gqlAt(i % 2 ? B.url : A.url, PROTECTED, {}, busy)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
    // The counters are rows of one table both instances write, kept out of the write-ahead log.
    const table = await sql.query(`select relpersistence from pg_class where relname = 'rate_limits'`);
    expect(table.rows).toEqual([{ relpersistence: 'u' }]);
    const counters = await sql.query(`select points from rate_limits where key like 'gh_api_6_5:user:%'`);
    expect(counters.rows.map((r) => Number(r.points))).toEqual([8]);
    await new Promise((r) => setTimeout(r, 5100));
    await patchSettings(A.url, root, { rateLimits: { api: { perCaller: 100000, windowSeconds: 60 } } });
    await new Promise((r) => setTimeout(r, 2100));
  });

  it('a Socks WebSocket session on A is refused after its user is deactivated on B', async () => {
    await createUser(A.url, root, 'socker', 'socker-password-1', ['VIEW_USERS']);
    const ws = new WebSocket(`${A.url.replace(/^http/, 'ws')}/socks`);
    const replies: any[] = [];
    const waiters: Array<(r: any) => void> = [];
    ws.on('message', (raw) => {
      const r = JSON.parse(raw.toString());
      const w = waiters.shift();
      if (w) w(r);
      else replies.push(r);
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const send = (type: number, data?: Record<string, unknown>) => {
      ws.send(JSON.stringify(data ? { type, data } : { type }));
      return replies.length ? Promise.resolve(replies.shift()) : new Promise<any>((r) => waiters.push(r));
    };
    expect((await send(300, { user: 'socker', password: 'socker-password-1' })).data.status).toBe('OK');
    expect((await send(310)).data.status).toBe('OK');
    await gqlAt(B.url, 'mutation { deactivateUsers(usernames: ["socker"]) { id } }', {}, root);
    expect((await send(310)).data.status).toBe('KO');
    ws.close();
  });

  it('two administrators on A and B removing each other\u2019s ALL at once, 20 rounds: never zero ALL holders', async () => {
    await createUser(A.url, root, 'adm1', 'adm1-password-1', ['ALL']);
    await createUser(A.url, root, 'adm2', 'adm2-password-1', ['ALL']);
    const adm1 = await loginAt(A.url, 'adm1', 'adm1-password-1');
    const adm2 = await loginAt(B.url, 'adm2', 'adm2-password-1');
    // Only adm1 and adm2 hold ALL: root gives up the admin role.
    const un = await gqlAt(A.url, 'mutation { unassignRole(roleName: "admin", usernames: ["root"]) { id } }', {}, adm1);
    expect(un.errors).toBeUndefined();
    const holders = async () =>
      (
        await sql.query(
          `select u.username from users u where u.active and (u.privileges like '%ALL%' or exists (
             select 1 from user_roles ur join roles r on r.id = ur.role_id where ur.user_id = u.id and r.privileges like '%ALL%'))`,
        )
      ).rows.map((r) => r.username as string);
    expect((await holders()).sort()).toEqual(['adm1', 'adm2']);
    const remove = 'mutation($u: String!) { setUserPrivileges(username: $u, privileges: [ALL], mode: REMOVE) { privileges } }';
    const add = 'mutation($u: String!) { setUserPrivileges(username: $u, privileges: [ALL], mode: ADD) { privileges } }';
    let oneWon = 0;
    for (let round = 0; round < 20; round++) {
      const [r1, r2] = await Promise.all([gqlAt(A.url, remove, { u: 'adm2' }, adm1), gqlAt(B.url, remove, { u: 'adm1' }, adm2)]);
      const left = await holders();
      expect(left.length).toBeGreaterThanOrEqual(1);
      if (!r1.errors !== !r2.errors) oneWon++;
      // The survivor gives ALL back.
      if (left.length === 1) {
        const [survivor, token, url] = left[0] === 'adm1' ? ['adm1', adm1, A.url] : ['adm2', adm2, B.url];
        const back = await gqlAt(url, add, { u: survivor === 'adm1' ? 'adm2' : 'adm1' }, token);
        expect(back.errors).toBeUndefined();
      }
      expect((await holders()).sort()).toEqual(['adm1', 'adm2']);
    }
    console.log(`ALL race: 20 rounds, ${oneWon} with exactly one removal, never zero holders`);
  });
});

describe('two instances sharing rate limits through Redis', () => {
  let pg: Awaited<ReturnType<typeof scratchPostgres>>;
  let A: Instance;
  let B: Instance;
  beforeAll(async () => {
    ensureBuilt();
    pg = await scratchPostgres(PG_BASE);
    // Keys of this run only: Redis outlives the test's databases.
    const env = { ...ROOT, REDIS_URL, REDIS_PREFIX: `ghtest${process.pid}${Date.now().toString(36)}` };
    A = await startInstance({ name: 'A', databaseUrl: pg.url, env });
    B = await startInstance({ name: 'B', databaseUrl: pg.url, env });
  });
  afterAll(async () => {
    await Promise.all([A?.stop(), B?.stop()]);
    await pg?.drop();
  });

  it('login failures and API calls count across both instances (Redis store)', async () => {
    const root = await loginAt(A.url, 'root', 'root-password-1');
    const name = 'redisuser';
    await createUser(A.url, root, name, 'redis-password-1');
    await patchSettings(A.url, root, { rateLimits: { login: { perUser: 3, perAddress: 100000, windowSeconds: 600 } } });
    await new Promise((r) => setTimeout(r, 2100));
    const codes: string[] = [];
    for (const url of [A.url, B.url, A.url, B.url]) {
      codes.push(
        String(
          (await gqlAt(url, 'mutation($u: String!) { login(username: $u, password: "wrong-password") { token } }', { u: name })).errors?.[0]
            ?.extensions?.code,
        ),
      );
    }
    expect(codes).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'RATE_LIMITED']);

    const busyName = `${name}b`;
    await createUser(A.url, root, busyName, 'redis-password-1');
    const busy = await loginAt(B.url, busyName, 'redis-password-1');
    await patchSettings(A.url, root, { rateLimits: { api: { perCaller: 4, windowSeconds: 60 } } });
    await new Promise((r) => setTimeout(r, 2100));
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await gqlAt(i % 2 ? B.url : A.url, PROTECTED, {}, busy)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });
});
