import { getOperationAST, parse, type ExecutionResult } from 'graphql';
import { OperationExecutor, type ExecutionPath } from '../../../src/graphql/executor';
import { buildSchema } from '../../../src/schema';
import { gql, startTestApp, type TestApp } from '../../helpers/app';
import { createGroup, createUser, type Actor } from '../../helpers/factories';
import { LoginDocument, SetUserPrivilegesDocument } from '../../__generated__/operations';
import { Privilege } from '../../../src/shared/privileges';
import { PrivilegeChangeMode } from '../../../src/modules/privileges/privilege.service';

/**
 * The compiled executor (graphql-jit) runs query operations only where it answers exactly what
 * graphql-js answers. These tests name which operations take which path, and run the same operations
 * through both executors on the same data and the same kind of context, comparing the whole result.
 */
describe('the compiled executor', () => {
  let t: TestApp;
  let admin: Actor;
  let plain: Actor;
  const schema = buildSchema();
  const compiled = new OperationExecutor(schema, true);
  const reference = new OperationExecutor(schema, false);

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, { username: 'exec-admin', roles: ['admin'] });
    plain = await createUser(t, { username: 'exec-plain', email: 'plain@example.org' });
    const members = [];
    for (let i = 0; i < 6; i++) members.push(await createUser(t, { username: `exec-member-${i}`, roles: i % 2 ? ['admin'] : [] }));
    await createGroup(t, admin, 'exec-group', members);
    await createGroup(t, plain, 'exec-other', [admin]);
  });
  afterAll(() => t.close());

  const pathOf = (query: string, variables: Record<string, unknown> = {}): ExecutionPath => {
    const document = parse(query);
    const operation = getOperationAST(document)!;
    return compiled.pathFor(document, operation, operation.name?.value ?? null, variables).path;
  };

  it('compiles queries, and leaves mutations, introspection, defaulted inputs and bad variables to graphql-js', () => {
    expect(pathOf('query { viewer { id } }')).toBe('compiled');
    expect(
      pathOf('query U($f: UserFilter, $n: Int) { users(filter: $f, first: $n) { nodes { id } } }', { f: { active: true }, n: 2 }),
    ).toBe('compiled');
    expect(pathOf('mutation { logout }')).toBe('mutation');
    expect(pathOf('{ __schema { queryType { name } } }')).toBe('introspection');
    // CreateRoleInput has a field default (privileges = []): graphql-jit would not apply it to a variable.
    expect(pathOf('query D($r: CreateRoleInput) { viewer { id } }', { r: { name: 'x' } })).toBe('input-defaults');
    expect(pathOf('query B($n: Int) { users(first: $n) { nodes { id } } }', { n: 'ten' })).toBe('variables');
    expect(pathOf('query B($f: UserFilter) { users(filter: $f) { nodes { id } } }', { f: { nope: 1 } })).toBe('variables');
    expect(reference.pathFor(parse('{ viewer { id } }'), getOperationAST(parse('{ viewer { id } }'))!, null, {}).path).toBe('disabled');
  });

  async function both(token: string | null, query: string, variables: Record<string, unknown> = {}) {
    const document = parse(query);
    const operation = getOperationAST(document)!;
    const run = async (executor: OperationExecutor) => {
      const context = await t.app.deps.buildContext({ token, ip: '127.0.0.1', log: t.app.deps.log as never });
      const result: ExecutionResult = await executor.run({
        document,
        operation,
        operationName: operation.name?.value ?? null,
        variables,
        context,
      });
      // Everything a client receives of an error, and which error it was.
      return JSON.parse(
        JSON.stringify({
          data: result.data,
          errors: result.errors?.map((e) => ({
            message: e.message,
            path: e.path,
            locations: e.locations,
            extensions: e.extensions,
            original: e.originalError?.constructor.name,
          })),
        }),
      ) as unknown;
    };
    return { compiled: await run(compiled), reference: await run(reference) };
  }

  // Every case has its variables (jest hands each.it callbacks exactly the tuple's length).
  const CASES: Array<[string, string, Record<string, unknown>]> = [
    ['a nested list', 'query { users(first: 5) { totalCount nodes { id username email roles { name privileges } groups { name } } } }', {}],
    [
      'a filter variable with absent and null fields, fragments and aliases',
      `query U($f: UserFilter, $n: Int) { a: users(filter: $f, first: $n) { nodes { ...F } pageInfo { hasNextPage endCursor } }
         b: users(first: 1, newestFirst: true) { nodes { ...F } } }
       fragment F on User { id username active createdAt tags privileges matrixId deactivation { reason } }`,
      { f: { username: 'exec-member', active: null }, n: 3 },
    ],
    [
      '@include and @skip on variables',
      'query S($a: Boolean!, $b: Boolean!) { viewer { id username @include(if: $a) email @skip(if: $b) __typename } }',
      { a: true, b: true },
    ],
    ['a user not found (null and an error)', 'query { user(id: "999999") { id username } }', {}],
    ['an argument the rule refuses', 'query { user(id: "1", username: "exec-plain") { id } }', {}],
    [
      'groups with members and owners',
      'query { groups(first: 5) { nodes { name owner { username } members(first: 3) { nodes { username } } } } }',
      {},
    ],
    ['enum and JSON scalars', 'query { settings { registration { mode } } privilegeCatalog { name } }', {}],
    [
      'the audit log with a filter literal',
      'query { auditLog(first: 3, filter: { action: "user.create" }) { nodes { action message } totalCount } }',
      {},
    ],
  ];

  it.each(CASES)('answers %s exactly as graphql-js does (administrator)', async (_name, query, variables) => {
    const r = await both(admin.token, query, variables);
    expect(r.compiled).toEqual(r.reference);
  });

  it.each(CASES)('answers %s exactly as graphql-js does (a user without privileges)', async (_name, query, variables) => {
    const r = await both(plain.token, query, variables);
    expect(r.compiled).toEqual(r.reference);
  });

  it.each(CASES)('answers %s exactly as graphql-js does (anonymous)', async (_name, query, variables) => {
    const r = await both(null, query, variables);
    expect(r.compiled).toEqual(r.reference);
  });

  it('is what /graphql runs: the executions metric counts the compiled and the graphql-js paths', async () => {
    const metric = async (path: string) => {
      const text = await (await fetch(`${t.url}/metrics`)).text();
      return Number(new RegExp(`gatehouse_graphql_executions_total\\{path="${path}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    };
    const [compiledBefore, mutationBefore] = [await metric('compiled'), await metric('mutation')];
    const res = await gql(t, LoginDocument, { username: 'nobody-here', password: 'wrong-password-1' });
    expect(res.errors).toBeDefined();
    const viewer = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
      body: JSON.stringify({ query: '{ viewer { username } }' }),
    });
    expect(await viewer.json()).toEqual({ data: { viewer: { username: 'exec-admin' } } });
    expect(await metric('compiled')).toBe(compiledBefore + 1);
    expect(await metric('mutation')).toBe(mutationBefore + 1);
  });

  it('reads a page in one statement for roles and groups, and a selection it cannot narrow with the loaders, with the same answer', async () => {
    const statements: string[] = [];
    const db = t.app.deps.db;
    const rows = db.rows.bind(db);
    db.rows = (async (sql: string, bindings: readonly unknown[]) => {
      statements.push(sql);
      return rows(sql, bindings);
    }) as typeof db.rows;
    try {
      const narrow = await both(admin.token, 'query { users(first: 8) { nodes { id username roles { name } groups { name } } } }', {});
      const wide = await both(
        admin.token,
        'query { users(first: 8) { nodes { id username roles { name members { username } } groups { name memberCount } } } }',
        {},
      );
      expect(narrow.compiled).toEqual(narrow.reference);
      expect(wide.compiled).toEqual(wide.reference);
      const page = (d: unknown) =>
        (d as { data: { users: { nodes: Array<{ username: string; roles: Array<{ name: string }>; groups: Array<{ name: string }> }> } } })
          .data.users.nodes;
      // The same users, roles and groups, in the same order, whichever way they were read.
      expect(page(narrow.compiled).map((u) => [u.username, u.roles.map((r) => r.name), u.groups.map((g) => g.name)])).toEqual(
        page(wide.compiled).map((u) => [u.username, u.roles.map((r) => r.name), u.groups.map((g) => g.name)]),
      );
      expect(page(narrow.compiled).some((u) => u.groups.length > 0 && u.roles.length > 0)).toBe(true);
    } finally {
      db.rows = rows;
    }
    const pageStatements = statements.filter((s) => /from users u/.test(s));
    expect(pageStatements.some((s) => s.includes('embedded_roles') && s.includes('embedded_groups') && !s.includes('u.email'))).toBe(true);
    // No relation statement for the narrow page: two page reads per executor, relations inside.
    expect(statements.filter((s) => /from user_roles ur join roles r/.test(s)).length).toBe(2);
  });

  it("answers the viewer's own privileges from authentication in a query, and from the database after a change in a mutation", async () => {
    const self = await createUser(t, { username: 'exec-self', privileges: ['GRANT_PRIVILEGES', 'VIEW_USERS'] });
    const viaQuery = await both(
      self.token,
      'query { viewer { id username privileges } user(username: "exec-self") { privileges directPrivileges } }',
      {},
    );
    expect(viaQuery.compiled).toEqual(viaQuery.reference);
    expect(viaQuery.compiled).toEqual({
      data: {
        viewer: { id: self.id, username: 'exec-self', privileges: ['GRANT_PRIVILEGES', 'VIEW_USERS'] },
        user: { privileges: ['GRANT_PRIVILEGES', 'VIEW_USERS'], directPrivileges: ['GRANT_PRIVILEGES', 'VIEW_USERS'] },
      },
    });
    const changed = await gql(
      t,
      SetUserPrivilegesDocument,
      { userId: self.id, privileges: [Privilege.VIEW_USERS], mode: PrivilegeChangeMode.REMOVE },
      self.token,
    );
    expect(changed.errors).toBeUndefined();
    expect(changed.data!.setUserPrivileges.privileges).toEqual(['GRANT_PRIVILEGES']);
  });
});
