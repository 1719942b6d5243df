import { gql, startTestApp, type TestApp } from '../../helpers/app';
import { createGroup, createUser, type Actor } from '../../helpers/factories';

const QUERY = `query($first: Int) { users(first: $first) { nodes { id roles { name } groups { name } privileges } } }`;

describe('no N+1 on lists', () => {
  let t: TestApp;
  let viewer: Actor;
  beforeAll(async () => {
    t = await startTestApp();
    viewer = await createUser(t, { privileges: ['VIEW_USERS'] });
    const users: Actor[] = [];
    for (let i = 0; i < 60; i++) users.push(await createUser(t, { roles: i % 2 ? ['moderator'] : [] }));
    await createGroup(t, users[0], 'g1', users.slice(1, 30));
    await createGroup(t, users[1], 'g2', users.slice(20, 60));
  });
  afterAll(() => t.close());

  async function statementsFor(first: number): Promise<number> {
    let n = 0;
    const count = () => n++;
    const db = t.app.deps.db;
    // Hot reads run on a prepared-statement reader (PostgreSQL here) or through knex (in-memory SQLite):
    // count the reader's statements too, once each.
    const rows = db.rows.bind(db);
    const viaReader = (db as unknown as { reader?: unknown }).reader !== undefined;
    if (viaReader) db.rows = ((sql: string, bindings: readonly unknown[]) => (count(), rows(sql, bindings))) as typeof db.rows;
    db.knex.on('query', count);
    try {
      const res = await gql(t, QUERY, { first }, viewer.token);
      expect(res.errors).toBeUndefined();
      expect(res.data!.users.nodes).toHaveLength(first);
      return n;
    } finally {
      db.knex.removeListener('query', count);
      db.rows = rows;
    }
  }

  it('users(first: 50) { nodes { roles groups } } runs as many SQL statements as first: 5', async () => {
    await statementsFor(1); // warm-up: the first use of a token also records lastUsedAt
    const small = await statementsFor(5);
    const large = await statementsFor(50);
    expect(large).toBe(small);
    // authenticate + page + one batch each for roles and groups.
    expect(large).toBeLessThanOrEqual(5);
    // A floor: the counter sees the statements at all (a listener on the wrong knex would count none).
    expect(small).toBeGreaterThanOrEqual(2);
  });
});
