import { startTestApp, type TestApp } from '../../helpers/app';
import { createUser, type Actor } from '../../helpers/factories';
import { rest } from '../../helpers/rest';

/** Status and body only, for exact comparison of an answer. */
const sb = (r: { status: number; body: unknown }) => ({ status: r.status, body: r.body });

const PREFIXES = ['/_telodendria/admin/v1', '/_telodendria/admin'];

describe.each(PREFIXES)('Telodendria admin API under %s', (prefix) => {
  let t: TestApp;
  let admin: Actor;
  let granter: Actor;
  let plain: Actor;
  const P = (path: string) => `${prefix}${path}`;
  beforeAll(async () => {
    t = await startTestApp({}, {}, { lifecycle: { restart: async () => undefined, shutdown: async () => undefined } });
    admin = await createUser(t, { username: 'admin', roles: ['admin'] });
    granter = await createUser(t, { username: 'granter', privileges: ['GRANT_PRIVILEGES', 'DEACTIVATE'] });
    plain = await createUser(t, { username: 'plain' });
  });
  afterAll(() => t.close());

  it('GET /privileges reads the caller’s privileges (GRANT_PRIVILEGES needed even for one’s own)', async () => {
    expect(await rest(t, 'GET', P('/privileges'), { token: admin.token })).toMatchObject({ status: 200, body: { privileges: ['ALL'] } });
    const denied = await rest(t, 'GET', P('/privileges'), { token: plain.token });
    expect(denied).toMatchObject({
      status: 403,
      body: { errcode: 'M_FORBIDDEN', error: "User doesn't have the GRANT_PRIVILEGES privilege" },
    });
  });

  it('POST, PUT and DELETE /privileges change the caller’s own privileges', async () => {
    const put = await rest(t, 'PUT', P('/privileges'), { token: granter.token, body: { privileges: ['DEACTIVATE', 'NOT_A_PRIVILEGE'] } });
    expect(put).toMatchObject({ status: 200, body: { privileges: ['DEACTIVATE', 'GRANT_PRIVILEGES'] } });
    const post = await rest(t, 'POST', P('/privileges'), {
      token: granter.token,
      body: { privileges: ['GRANT_PRIVILEGES', 'DEACTIVATE'] },
    });
    expect(post.body.privileges).toEqual(['DEACTIVATE', 'GRANT_PRIVILEGES']);
    const del = await rest(t, 'DELETE', P('/privileges'), { token: admin.token, body: { privileges: [] } });
    expect(del).toMatchObject({ status: 200, body: { privileges: ['ALL'] } });
  });

  it('GET, POST, PUT and DELETE /privileges/:localpart read and change a user’s privileges', async () => {
    expect((await rest(t, 'GET', P('/privileges/plain'), { token: admin.token })).body).toEqual({ privileges: [] });
    expect((await rest(t, 'PUT', P('/privileges/plain'), { token: admin.token, body: { privileges: ['CONFIG', 'ALIAS'] } })).body).toEqual({
      privileges: ['CONFIG', 'ALIAS'],
    });
    expect((await rest(t, 'DELETE', P('/privileges/plain'), { token: admin.token, body: { privileges: ['CONFIG'] } })).body).toEqual({
      privileges: ['ALIAS'],
    });
    expect((await rest(t, 'POST', P('/privileges/plain'), { token: admin.token, body: { privileges: [] } })).body).toEqual({
      privileges: [],
    });
    const esc = await rest(t, 'PUT', P('/privileges/plain'), { token: granter.token, body: { privileges: ['CONFIG'] } });
    expect(esc).toMatchObject({ status: 403, body: { errcode: 'M_FORBIDDEN' } });
    expect(await rest(t, 'GET', P('/privileges/ghost'), { token: admin.token })).toMatchObject({
      status: 404,
      body: { errcode: 'M_NOT_FOUND' },
    });
    expect(await rest(t, 'PUT', P('/privileges/plain'), { token: admin.token, body: {} })).toMatchObject({
      status: 400,
      body: { errcode: 'M_BAD_JSON', error: "'privileges' is unset or not an array." },
    });
    expect(await rest(t, 'PUT', P('/privileges/plain'), { token: admin.token, body: { privileges: 'ALL' } })).toMatchObject({
      status: 400,
      body: { errcode: 'M_BAD_JSON' },
    });
  });

  it('DELETE /privileges/:localpart on a holder of ALL expands ALL into the concrete privileges minus the removed ones; removing ALL leaves none', async () => {
    await rest(t, 'POST', P('/privileges/plain'), { token: admin.token, body: { privileges: ['ALL'] } });
    const res = await rest(t, 'DELETE', P('/privileges/plain'), { token: admin.token, body: { privileges: ['ALIAS', 'CONFIG'] } });
    expect(res.status).toBe(200);
    expect(res.body.privileges).toEqual(expect.arrayContaining(['DEACTIVATE', 'ISSUE_TOKENS', 'GRANT_PRIVILEGES', 'PROC_CONTROL']));
    expect(res.body.privileges).not.toContain('ALL');
    expect(res.body.privileges).not.toContain('ALIAS');
    expect(res.body.privileges).not.toContain('CONFIG');
    await rest(t, 'POST', P('/privileges/plain'), { token: admin.token, body: { privileges: ['ALL'] } });
    expect((await rest(t, 'DELETE', P('/privileges/plain'), { token: admin.token, body: { privileges: ['ALL'] } })).body).toEqual({
      privileges: [],
    });
    // Someone without ALL cannot do it (they do not hold what it takes away).
    await rest(t, 'POST', P('/privileges/plain'), { token: admin.token, body: { privileges: ['ALL'] } });
    expect(await rest(t, 'DELETE', P('/privileges/plain'), { token: granter.token, body: { privileges: ['ALIAS'] } })).toMatchObject({
      status: 403,
    });
    await rest(t, 'POST', P('/privileges/plain'), { token: admin.token, body: { privileges: [] } });
  });

  it('POST /tokens creates a RegToken; GET /tokens lists; GET /tokens/:name reads; DELETE /tokens/:name deletes', async () => {
    const expires = Date.now() + 86400_000;
    const created = await rest(t, 'POST', P('/tokens'), {
      token: admin.token,
      body: { name: 'q34jgapo8uq34hg', uses: 5, expires_on: expires, grants: ['DEACTIVATE'] },
    });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      name: 'q34jgapo8uq34hg',
      created_by: 'admin',
      created_on: expect.any(Number),
      expires_on: expires,
      used: 0,
      uses: 5,
      grants: ['DEACTIVATE'],
    });
    const unlimited = await rest(t, 'POST', P('/tokens'), { token: admin.token, body: {} });
    expect(unlimited.body).toMatchObject({ uses: -1, expires_on: 0, used: 0 });
    expect(unlimited.body.name).toMatch(/^[A-Za-z0-9_-]+$/);
    const list = await rest(t, 'GET', P('/tokens'), { token: admin.token });
    expect(list.body.tokens.map((x: { name: string }) => x.name)).toEqual(['q34jgapo8uq34hg', unlimited.body.name]);
    expect((await rest(t, 'GET', P('/tokens/q34jgapo8uq34hg'), { token: admin.token })).body.uses).toBe(5);
    expect(await rest(t, 'DELETE', P('/tokens/q34jgapo8uq34hg'), { token: admin.token })).toMatchObject({ status: 200, body: {} });
    expect(sb(await rest(t, 'GET', P('/tokens/q34jgapo8uq34hg'), { token: admin.token }))).toEqual({
      status: 404,
      body: { errcode: 'M_NOT_FOUND', error: "Token doesn't exist." },
    });
    expect((await rest(t, 'POST', P('/tokens'), { token: admin.token, body: { uses: -2 } })).body.errcode).toBe('M_INVALID_PARAM');
    expect((await rest(t, 'POST', P('/tokens'), { token: admin.token, body: { expires_on: Date.now() - 1000 } })).body.errcode).toBe(
      'M_INVALID_PARAM',
    );
    expect((await rest(t, 'POST', P('/tokens'), { token: admin.token, body: { name: 'has space' } })).status).toBe(400);
    expect(await rest(t, 'GET', P('/tokens'), { token: plain.token })).toMatchObject({
      status: 403,
      body: { errcode: 'M_FORBIDDEN', error: "User doesn't have the ISSUE_TOKENS privilege." },
    });
  });

  it('GET /config reads the Telodendria config document; PUT /config merges and POST /config replaces, answering {restart_required: true}', async () => {
    const read = await rest(t, 'GET', P('/config'), { token: admin.token });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      listen: [{ port: expect.any(Number), threads: 4, maxConnections: 32 }],
      serverName: 'localhost',
      baseUrl: expect.any(String),
      registration: false,
      federation: false,
      maxCache: 0,
      log: { output: 'stdout' },
    });
    // A tool edits Telodendria's keys: the mapped ones change Gatehouse, the others read back as written.
    const put = await rest(t, 'PUT', P('/config'), {
      token: admin.token,
      body: {
        serverName: 'matrix.example.org',
        registration: true,
        log: { level: 'debug' },
        maxCache: 512,
        identityServer: 'https://id.example.org',
      },
    });
    expect(put).toMatchObject({ status: 200, body: { restart_required: true } });
    const after = (await rest(t, 'GET', P('/config'), { token: admin.token })).body;
    expect(after).toMatchObject({
      serverName: 'matrix.example.org',
      registration: true,
      log: { output: 'stdout', level: 'debug' },
      maxCache: 512,
      identityServer: 'https://id.example.org',
    });
    const info = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ serverInfo { serverName registrationMode } }' }),
    });
    expect(((await info.json()) as any).data.serverInfo).toEqual({ serverName: 'matrix.example.org', registrationMode: 'open' });
    // POST stores the document as sent: keys not sent are gone.
    const { identityServer: _gone, ...whole } = after;
    const post = await rest(t, 'POST', P('/config'), { token: admin.token, body: { ...whole, registration: false } });
    expect(post).toMatchObject({ status: 200, body: { restart_required: true } });
    const replaced = (await rest(t, 'GET', P('/config'), { token: admin.token })).body;
    expect(replaced.identityServer).toBeUndefined();
    expect(replaced.registration).toBe(false);
    // Telodendria's validation texts, first failure only.
    const cases: Array<[string, unknown, string]> = [
      ['PUT', { registration: { mode: 'open' } }, 'Config.registration must be of type boolean.'],
      ['PUT', { listen: 8008 }, 'Config.listen must be of type [ConfigListener].'],
      ['PUT', { listen: [{}] }, 'ConfigListener.port is required.'],
      ['PUT', { listen: [5] }, 'Config.listen[] contains an invalid value.'],
      ['PUT', { log: { output: 'printer' } }, 'Invalid value for ConfigLogConfig.output.'],
      ['PUT', { serverName: 5 }, 'Config.serverName must be of type string.'],
      ['POST', { listen: [{ port: 1 }], log: { output: 'stdout' }, serverName: 'x', federation: true }, 'Config.registration is required.'],
      ['POST', {}, 'Config.listen is required.'],
    ];
    for (const [method, body, error] of cases) {
      expect([JSON.stringify(body), await rest(t, method, P('/config'), { token: admin.token, body })]).toMatchObject([
        JSON.stringify(body),
        { status: 400, body: { errcode: 'M_BAD_JSON', error } },
      ]);
    }
    expect((await rest(t, 'GET', P('/config'), { token: admin.token })).body.registration).toBe(false);
    await rest(t, 'PUT', P('/config'), { token: admin.token, body: { serverName: 'example.org' } });
  });

  it('GET /config, GET /stats and POST /tokens word refusals and token errors as Telodendria does, route by route', async () => {
    const nobody = await createUser(t, { username: 'nobody' });
    expect(await rest(t, 'GET', P('/config'), { token: nobody.token })).toMatchObject({
      status: 403,
      body: { errcode: 'M_FORBIDDEN', error: "User does not have the 'CONFIG' privilege." },
    });
    expect(await rest(t, 'GET', P('/stats'), { token: nobody.token })).toMatchObject({
      status: 403,
      body: { error: "User doesn't have PROC_CONTROL privilege." },
    });
    expect(await rest(t, 'GET', P('/tokens'), { token: nobody.token })).toMatchObject({
      status: 403,
      body: { error: "User doesn't have the ISSUE_TOKENS privilege." },
    });
    expect(await rest(t, 'POST', P('/tokens'), { token: admin.token, body: { uses: 'many' } })).toMatchObject({
      status: 400,
      body: { errcode: 'M_BAD_JSON', error: 'RegTokenInfo.uses must be of type integer.' },
    });
    expect(await rest(t, 'POST', P('/tokens'), { token: admin.token, body: { grants: 'ALL' } })).toMatchObject({
      body: { error: 'RegTokenInfo.grants must be of type array.' },
    });
    await rest(t, 'POST', P('/tokens'), { token: admin.token, body: { name: 'dup-token', uses: 1 } });
    for (const body of [{ name: 'dup-token', uses: 1 }, { name: 'bad name!' }, { uses: -2 }, { expires_on: 1000 }]) {
      expect([body, await rest(t, 'POST', P('/tokens'), { token: admin.token, body })]).toMatchObject([
        body,
        { status: 400, body: { errcode: 'M_INVALID_PARAM', error: 'Cannot create token.' } },
      ]);
    }
    expect(await rest(t, 'GET', P('/config'))).toMatchObject({
      status: 401,
      body: { errcode: 'M_MISSING_TOKEN', error: 'No access token was specified for the request.' },
    });
  });

  it('GET /stats answers memory_allocated and version; POST /restart and POST /shutdown answer {}', async () => {
    const stats = await rest(t, 'GET', P('/stats'), { token: admin.token });
    expect(stats.body).toEqual({ memory_allocated: expect.any(Number), version: expect.any(String) });
    expect(await rest(t, 'POST', P('/restart'), { token: admin.token })).toMatchObject({ status: 200, body: {} });
    expect(await rest(t, 'POST', P('/shutdown'), { token: admin.token })).toMatchObject({ status: 200, body: {} });
    expect((await rest(t, 'GET', P('/stats'), { token: granter.token })).status).toBe(403);
  });

  it('DELETE /deactivate/:localpart answers {user, reason, banned_by}; PUT /deactivate/:localpart reactivates (204)', async () => {
    const victim = await createUser(t, { username: `victim${prefix.length}` });
    const del = await rest(t, 'DELETE', P(`/deactivate/${victim.username}`), { token: granter.token, body: { reason: 'spam' } });
    expect(del).toMatchObject({ status: 200, body: { user: victim.username, reason: 'spam', banned_by: 'granter' } });
    const again = await rest(t, 'PUT', P(`/deactivate/${victim.username}`), { token: granter.token });
    expect(again.status).toBe(204);
    const noReason = await rest(t, 'DELETE', P(`/deactivate/${victim.username}`), { token: granter.token, body: {} });
    expect(noReason.body.reason).toBe('Deactivated by admin');
  });

  it('DELETE /tokens without a name answers Telodendria\u2019s 400 M_INVALID_PARAM, after the caller\u2019s right to tokens is checked', async () => {
    expect(sb(await rest(t, 'DELETE', P('/tokens'), { token: admin.token }))).toEqual({
      status: 400,
      body: { errcode: 'M_INVALID_PARAM', error: 'No registration token given to DELETE /tokens/[token].' },
    });
    expect(await rest(t, 'DELETE', P('/tokens'), { token: plain.token })).toMatchObject({
      status: 403,
      body: { error: "User doesn't have the ISSUE_TOKENS privilege." },
    });
    expect((await rest(t, 'DELETE', P('/tokens'))).status).toBe(401);
  });

  it('Matrix errors: missing and unknown tokens, ?access_token=, wrong method, unknown path, malformed JSON', async () => {
    expect(sb(await rest(t, 'GET', P('/stats')))).toEqual({
      status: 401,
      body: { errcode: 'M_MISSING_TOKEN', error: 'No access token was specified for the request.' },
    });
    expect(sb(await rest(t, 'GET', P('/stats'), { token: 'nope' }))).toEqual({
      status: 401,
      body: { errcode: 'M_UNKNOWN_TOKEN', error: 'The access or refresh token specified was not recognized.' },
    });
    expect((await rest(t, 'GET', P(`/stats?access_token=${admin.token}`))).status).toBe(200);
    // 405 (the spec) with Telodendria's text for each route.
    const wrong = async (method: string, path: string) => (await rest(t, method as never, P(path), { token: admin.token })).body.error;
    expect(sb(await rest(t, 'PATCH', P('/stats'), { token: admin.token }))).toEqual({
      status: 405,
      body: { errcode: 'M_UNRECOGNIZED', error: 'Unknown operation.' },
    });
    expect(await wrong('GET', '/restart')).toBe('Unknown operation.');
    expect(await wrong('PUT', '/tokens')).toBe('Route only supports GET, POST, and DELETE');
    expect(await wrong('PATCH', '/privileges/plain')).toBe('Route only accepts POST, PUT, DELETE, and GET.');
    expect(await wrong('DELETE', '/config')).toBe('Unknown request method.');
    expect(await wrong('GET', '/deactivate/plain')).toBe('Route only supports DELETE and PUT as for now.');
    expect(sb(await rest(t, 'GET', P('/privileges/nobody-here'), { token: admin.token }))).toEqual({
      status: 404,
      body: { errcode: 'M_NOT_FOUND', error: 'Unknown user.' },
    });
    expect(sb(await rest(t, 'DELETE', P('/deactivate/nobody-here'), { token: admin.token, body: {} }))).toEqual({
      status: 404,
      body: { errcode: 'M_NOT_FOUND', error: 'Unknown user.' },
    });
    expect(await rest(t, 'GET', P('/nothing'), { token: admin.token })).toMatchObject({ status: 404, body: { errcode: 'M_UNRECOGNIZED' } });
    const res = await fetch(`${t.url}${P('/privileges/plain')}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
      body: '{"privileges": [',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errcode: 'M_NOT_JSON', error: 'Request did not contain valid JSON.' });
  });
});

describe('rate limiting (from settings)', () => {
  it('answers 429 M_LIMIT_EXCEEDED with retry_after_ms and Retry-After, and RATE_LIMITED on /graphql', async () => {
    const t = await startTestApp();
    try {
      const admin = await createUser(t, { roles: ['admin'] });
      const ops = await createUser(t, { privileges: ['PROC_CONTROL'] });
      const patched = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
        body: JSON.stringify({
          query: 'mutation { patchSettings(patch: { rateLimits: { api: { perCaller: 3, windowSeconds: 60 } } }) { restartRequired } }',
        }),
      });
      expect(patched.status).toBe(200);
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await rest(t, 'GET', '/_telodendria/admin/v1/stats', { token: ops.token })).status);
      expect(statuses).toEqual([200, 200, 200]);
      const res = await fetch(`${t.url}/_telodendria/admin/v1/stats`, { headers: { authorization: `Bearer ${ops.token}` } });
      expect(res.status).toBe(429);
      const body = (await res.json()) as { errcode: string; retry_after_ms: number };
      expect(body).toEqual({ errcode: 'M_LIMIT_EXCEEDED', error: 'Too Many Requests', retry_after_ms: expect.any(Number) });
      expect(body.retry_after_ms).toBeGreaterThan(0);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      const gql = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ops.token}` },
        body: JSON.stringify({ query: '{ viewer { id } }' }),
      });
      expect(gql.status).toBe(429);
      const g = (await gql.json()) as { errors: Array<{ extensions: { code: string; retryAfterMs: number } }> };
      expect(g.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) });
      // Another caller is unaffected.
      expect((await rest(t, 'GET', '/_telodendria/admin/v1/stats', { token: admin.token })).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
