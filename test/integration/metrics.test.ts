import { gql, startTestApp, type TestApp } from '../helpers/app';
import { createUser } from '../helpers/factories';
import { rest } from '../helpers/rest';

/** The value of one sample line of a Prometheus text exposition, or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('/metrics (Prometheus)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('counts requests by entry point with latency, errors by code, login failures, rate-limit refusals, the hash queue, the DB pool and the process', async () => {
    const admin = await createUser(t, { username: 'admin', password: 'admin-password', roles: ['admin'] });
    await gql(t, 'query Dashboard { viewer { username } }', {}, admin.token);
    await gql(t, 'mutation { login(username: "admin", password: "wrong-password") { token } }');
    await rest(t, 'GET', '/api/pleroma/admin/users', { token: admin.token });
    await rest(t, 'POST', '/socks', { token: admin.token, body: { type: 310 } });
    await gql(
      t,
      'mutation { patchSettings(patch: {rateLimits: {kv: {perAddress: 1, windowSeconds: 60}}}) { restartRequired } }',
      {},
      admin.token,
    );
    t.app.deps.settingsCache.invalidate();
    await gql(t, 'mutation { kvSet(key: "a", value: 1) { key } }');
    await gql(t, 'mutation { kvSet(key: "a", value: 2) { key } }');

    const res = await fetch(`${t.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(sample(text, 'gatehouse_requests_total', { entry: 'graphql', route: 'Dashboard', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'gatehouse_request_duration_seconds_count', { entry: 'graphql', route: 'Dashboard' })).toBe(1);
    expect(sample(text, 'gatehouse_requests_total', { entry: 'rest', route: 'GET /api/pleroma/admin/users', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'gatehouse_requests_total', { entry: 'socks', route: '310', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'gatehouse_login_failures_total')).toBe(1);
    expect(sample(text, 'gatehouse_errors_total', { code: 'UNAUTHENTICATED' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'gatehouse_errors_total', { code: 'RATE_LIMITED' })).toBe(1);
    expect(sample(text, 'gatehouse_rate_limited_total', { limiter: 'kv_addr' })).toBe(1);
    expect(sample(text, 'gatehouse_hash_queue', { state: 'pending' })).toBe(0);
    expect(sample(text, 'gatehouse_db_pool_connections', { pool: 'writer', state: 'used' })).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'gatehouse_process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});

describe('/metrics access', () => {
  it('with METRICS_TOKEN: only that bearer token reads it', async () => {
    const t = await startTestApp({ METRICS_TOKEN: 'a-scraper-token-of-some-length' });
    try {
      expect((await fetch(`${t.url}/metrics`)).status).toBe(403);
      expect((await fetch(`${t.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(403);
      expect((await fetch(`${t.url}/metrics`, { headers: { authorization: 'Bearer a-scraper-token-of-some-length' } })).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('without a token: only the allowed addresses (METRICS_ALLOW, loopback by default)', async () => {
    const t = await startTestApp({ METRICS_ALLOW: '10.0.0.5' });
    try {
      expect((await fetch(`${t.url}/metrics`)).status).toBe(403);
    } finally {
      await t.close();
    }
  });
});
