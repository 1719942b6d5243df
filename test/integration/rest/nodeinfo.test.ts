import { gql, startTestApp, type TestApp } from '../../helpers/app';
import { createUser } from '../../helpers/factories';
import { rest } from '../../helpers/rest';

describe('nodeinfo, as admin-fe reads it before its pages render', () => {
  let t: TestApp;
  let adminToken: string;
  beforeAll(async () => {
    t = await startTestApp();
    adminToken = (await createUser(t, { roles: ['admin'] })).token;
    await createUser(t, { username: 'someone' });
  });
  afterAll(() => t.close());

  it('GET /2.0.json and GET /2.1.json answer the nodeinfo documents with metadata.invitesEnabled and mailerEnabled from the settings', async () => {
    const res = await fetch(`${t.url}/nodeinfo/2.0.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(
      'application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.0#"; charset=utf-8',
    );
    const doc = (await res.json()) as any;
    expect(doc).toMatchObject({
      version: '2.0',
      software: { name: 'gatehouse', version: expect.any(String) },
      openRegistrations: false,
      usage: { users: { total: 2 } },
      metadata: { nodeName: 'Gatehouse', invitesEnabled: true, mailerEnabled: false, features: [] },
    });
    await gql(
      t,
      `mutation { patchSettings(patch: { registration: { mode: "open" }, smtp: { host: "mail.example.org" } }) { restartRequired } }`,
      {},
      adminToken,
    );
    const after = (await rest(t, 'GET', '/nodeinfo/2.1.json')).body;
    expect(after).toMatchObject({ version: '2.1', openRegistrations: true, metadata: { invitesEnabled: false, mailerEnabled: true } });
    expect((await rest(t, 'GET', '/nodeinfo/2.0')).status).toBe(200);
    expect((await rest(t, 'GET', '/nodeinfo/2.1')).status).toBe(200);
  });

  it('an unknown version answers 404 "Nodeinfo schema version not handled"; GET /nodeinfo under /.well-known links both documents', async () => {
    expect(await rest(t, 'GET', '/nodeinfo/1.0.json')).toMatchObject({
      status: 404,
      body: { error: 'Nodeinfo schema version not handled' },
    });
    const wk = await rest(t, 'GET', '/.well-known/nodeinfo');
    expect(wk.status).toBe(200);
    expect(wk.body.links.map((l: { rel: string }) => l.rel)).toEqual([
      'http://nodeinfo.diaspora.software/ns/schema/2.0',
      'http://nodeinfo.diaspora.software/ns/schema/2.1',
    ]);
    expect(wk.body.links[0].href).toMatch(/\/nodeinfo\/2\.0\.json$/);
  });
});
