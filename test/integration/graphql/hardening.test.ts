import { gql, startTestApp, type TestApp, codes } from '../../helpers/app';
import { createUser } from '../../helpers/factories';
import { SANDBOX_ORIGIN } from '../../../src/app';

describe('HTTP surface and hardening', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('GET /healthz answers 200 once the database is reachable', async () => {
    const res = await fetch(`${t.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('serves the Apollo Sandbox landing page on GET /graphql outside production', async () => {
    const res = await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/sandbox/i);
  });

  it('lets Apollo Sandbox reach the endpoint (CORS preflight)', async () => {
    const res = await fetch(`${t.url}/graphql`, {
      method: 'OPTIONS',
      headers: {
        origin: SANDBOX_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization',
      },
    });
    expect(res.status).toBeLessThan(300);
    expect(res.headers.get('access-control-allow-origin')).toBe(SANDBOX_ORIGIN);
    const evil = await fetch(`${t.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers GET queries when the CSRF preflight header is present, and refuses them otherwise', async () => {
    const q = encodeURIComponent('{ viewer { id } }');
    const ok = await fetch(`${t.url}/graphql?query=${q}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ data: { viewer: null } });
    const csrf = await fetch(`${t.url}/graphql?query=${q}`);
    expect(csrf.status).toBe(400);
    const textPlain = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{"query":"{viewer{id}}"}',
    });
    expect(textPlain.status).toBe(400);
  });

  it('refuses batched requests', async () => {
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ viewer { id } }' }, { query: '{ viewer { id } }' }]),
    });
    expect(res.status).toBe(400);
  });

  it('codes syntax and validation errors as BAD_USER_INPUT without suggestions', async () => {
    expect(codes(await gql(t, '{ viewer { id '))).toEqual(['BAD_USER_INPUT']);
    const typo = await gql(t, '{ viewr { id } }');
    expect(codes(typo)).toEqual(['BAD_USER_INPUT']);
    expect(typo.errors![0].message).not.toMatch(/did you mean/i);
  });

  it('enforces depth, alias and cost limits', async () => {
    const admin = await createUser(t, { roles: ['admin'] });
    let deep = 'id';
    for (let i = 0; i < 6; i++) deep = `groups { members { ${deep} } }`;
    const tooDeep = await gql(t, `{ viewer { ${deep} } }`, {}, admin.token);
    expect(codes(tooDeep)).toEqual(['BAD_USER_INPUT']);
    expect(tooDeep.errors![0].message).toMatch(/depth/i);
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: viewer { id }`).join(' ');
    const tooMany = await gql(t, `{ ${aliases} }`, {}, admin.token);
    expect(codes(tooMany)[0]).toBe('BAD_USER_INPUT');
    expect(tooMany.errors![0].message).toMatch(/alias/i);
    const huge = `{ ${'viewer { id } '.repeat(3000)} }`;
    expect(codes(await gql(t, huge))[0]).toBe('BAD_USER_INPUT');
  });
});

describe('production mode', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ NODE_ENV: 'production' });
  });
  afterAll(() => t.close());

  it('turns introspection and the landing page off', async () => {
    const res = await gql(t, '{ __schema { queryType { name } } }');
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    const page = await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toMatch(/sandbox/i);
  });

  it('masks unexpected errors as INTERNAL with no SQL, path or stack', async () => {
    const admin = await createUser(t, { roles: ['admin'] });
    // Break the database under the server: the resolver's SQL now fails unexpectedly.
    await t.app.deps.db.knex.raw('ALTER TABLE roles RENAME TO roles_gone');
    try {
      const res = await gql(t, '{ roles { name } }', {}, admin.token);
      expect(codes(res)).toEqual(['INTERNAL']);
      const text = JSON.stringify(res.errors);
      expect(text).not.toMatch(/roles_gone|SQLITE|select|stack|\.ts/i);
      expect(res.errors![0].message).toBe('Internal server error.');
    } finally {
      await t.app.deps.db.knex.raw('ALTER TABLE roles_gone RENAME TO roles');
    }
  });
});
