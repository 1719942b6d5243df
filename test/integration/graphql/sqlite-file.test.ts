import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateUsersDocument, DeactivateUsersDocument, LoginDocument, UsersDocument, ViewerDocument } from '../../__generated__/operations';
import { codes, gql, startTestApp, type TestApp } from '../../helpers/app';

/**
 * On a SQLite file, plain-row reads use a pool of their own beside the ORM's single writer:
 * every committed write must be visible to the very next read.
 */
describe('SQLite file database (read pool beside the writer)', () => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-file-'));
    t = await startTestApp({ DATABASE_URL: `sqlite:${join(dir, 'g.db')}`, GATEHOUSE_ADMIN: 'root:root-password-1' });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads see each committed write at once: login, create, list, deactivate, token refused', async () => {
    expect(t.app.deps.db.knex).not.toBe(t.app.deps.db.writer);
    const token = (await gql(t, LoginDocument, { username: 'root', password: 'root-password-1' })).data!.login.token;
    expect((await gql(t, ViewerDocument, {}, token)).data!.viewer!.username).toBe('root');
    const created = await gql(t, CreateUsersDocument, { inputs: [{ username: 'fileuser', password: 'file-password' }] }, token);
    const id = created.data!.createUsers[0].id;
    const list = await gql(t, UsersDocument, { filter: { username: 'fileuser' } }, token);
    expect(list.data!.users.nodes.map((n) => n.id)).toEqual([id]);
    const userToken = (await gql(t, LoginDocument, { username: 'fileuser', password: 'file-password' })).data!.login.token;
    expect((await gql(t, ViewerDocument, {}, userToken)).data!.viewer!.username).toBe('fileuser');
    await gql(t, DeactivateUsersDocument, { ids: [id] }, token);
    expect((await gql(t, ViewerDocument, {}, userToken)).data!.viewer).toBeNull();
  });

  it('serves concurrent reads and writes without a locked-database error', async () => {
    const token = (await gql(t, LoginDocument, { username: 'root', password: 'root-password-1' })).data!.login.token;
    const work = Array.from({ length: 40 }, (_, i) =>
      i % 4 === 0
        ? gql(t, CreateUsersDocument, { inputs: [{ username: `conc${i}` }] }, token)
        : gql(t, UsersDocument, { first: 20 }, token),
    );
    const results = await Promise.all(work);
    expect(results.flatMap(codes)).toEqual([]);
    const all = await gql(t, UsersDocument, { filter: { query: 'conc' } }, token);
    expect(all.data!.users.totalCount).toBe(10);
  });
});
