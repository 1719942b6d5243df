import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
} from 'graphql';
import { buildBaseSchema } from '../../../src/schema';
import { CONCRETE_PRIVILEGES, Privilege } from '../../../src/modules/privileges/privilege.enum';
import { mutationRules, queryRules } from '../../../src/permissions/permissions';
import { gql, startTestApp, type GqlResponse, type TestApp } from '../../helpers/app';
import { createUser } from '../../helpers/factories';

/**
 * The expected decision for every Query and Mutation field, written independently of the permission
 * map. A new field without a row here (or without a rule in the map) fails this test.
 */
type Expectation =
  | 'public'
  | 'authenticated'
  | { privilege: Privilege }
  | { selfOr: Privilege } // the argument names the viewer, or the viewer holds the privilege
  | { groupOwnerOr: Privilege }
  | { anyOf: Privilege[] };

const EXPECTED: Record<'Query' | 'Mutation', Record<string, Expectation>> = {
  Query: {
    viewer: 'public',
    currentSession: 'authenticated',
    user: { selfOr: Privilege.VIEW_USERS },
    users: { privilege: Privilege.VIEW_USERS },
    staff: { anyOf: [Privilege.VIEW_PRIVILEGES, Privilege.GRANT_PRIVILEGES] },
    roles: 'authenticated',
    role: 'authenticated',
    privilegeCatalog: 'authenticated',
    groups: 'authenticated',
    group: 'authenticated',
    auditLog: { privilege: Privilege.VIEW_AUDIT_LOG },
    invites: { privilege: Privilege.ISSUE_TOKENS },
    invite: { privilege: Privilege.ISSUE_TOKENS },
    reports: { privilege: Privilege.MODERATE_REPORTS },
    report: { privilege: Privilege.MODERATE_REPORTS },
    reportsByAccount: { privilege: Privilege.MODERATE_REPORTS },
    settings: { anyOf: [Privilege.CONFIG, Privilege.VIEW_CONFIG] },
    processStats: { privilege: Privilege.PROC_CONTROL },
    kv: 'public',
    userPrivileges: { privilege: Privilege.GRANT_PRIVILEGES },
    serverInfo: 'public',
    inviteTokenValid: 'public',
  },
  Mutation: {
    login: 'public',
    logout: 'authenticated',
    changePassword: 'authenticated',
    createUsers: { anyOf: [Privilege.MANAGE_USERS, Privilege.CREATE_USERS] },
    updateUser: { selfOr: Privilege.MANAGE_USERS },
    deleteUsers: { anyOf: [Privilege.MANAGE_USERS, Privilege.DELETE_USERS, Privilege.DELETE_STAFF] },
    activateUsers: { privilege: Privilege.DEACTIVATE },
    deactivateUsers: { privilege: Privilege.DEACTIVATE },
    tagUsers: { privilege: Privilege.MANAGE_USERS },
    untagUsers: { privilege: Privilege.MANAGE_USERS },
    setUserPrivileges: { privilege: Privilege.GRANT_PRIVILEGES },
    createRole: { privilege: Privilege.MANAGE_ROLES },
    updateRole: { privilege: Privilege.MANAGE_ROLES },
    deleteRole: { privilege: Privilege.MANAGE_ROLES },
    assignRole: { privilege: Privilege.GRANT_PRIVILEGES },
    unassignRole: { privilege: Privilege.GRANT_PRIVILEGES },
    createGroup: 'authenticated',
    updateGroup: { groupOwnerOr: Privilege.MANAGE_GROUPS },
    deleteGroup: { groupOwnerOr: Privilege.MANAGE_GROUPS },
    addGroupMembers: { groupOwnerOr: Privilege.MANAGE_GROUPS },
    removeGroupMembers: { groupOwnerOr: Privilege.MANAGE_GROUPS },
    // A new name each time (see below): creating is for anyone signed in; the owner rule for an existing name is in groups.test.ts.
    upsertGroup: 'authenticated',
    register: 'public',
    createInvite: { privilege: Privilege.ISSUE_TOKENS },
    createInvites: { privilege: Privilege.ISSUE_TOKENS },
    updateInvite: { privilege: Privilege.ISSUE_TOKENS },
    revokeInvite: { privilege: Privilege.ISSUE_TOKENS },
    deleteInvite: { privilege: Privilege.ISSUE_TOKENS },
    sendInviteEmail: { privilege: Privilege.ISSUE_TOKENS },
    fileReport: 'authenticated',
    setReportStates: { privilege: Privilege.MODERATE_REPORTS },
    addReportNote: { privilege: Privilege.MODERATE_REPORTS },
    deleteReportNote: { privilege: Privilege.MODERATE_REPORTS },
    assignReport: { privilege: Privilege.MODERATE_REPORTS },
    replaceSettings: { anyOf: [Privilege.CONFIG, Privilege.UPDATE_CONFIG] },
    patchSettings: { anyOf: [Privilege.CONFIG, Privilege.UPDATE_CONFIG] },
    applySettings: { anyOf: [Privilege.CONFIG, Privilege.UPDATE_CONFIG] },
    restart: { privilege: Privilege.PROC_CONTROL },
    shutdown: { privilege: Privilege.PROC_CONTROL },
    kvSet: 'public',
    registerClientApp: 'public',
    toggleUserActivation: { privilege: Privilege.DEACTIVATE },
    approveUsers: { privilege: Privilege.MANAGE_USERS },
    forcePasswordReset: { anyOf: [Privilege.MANAGE_USERS, Privilege.RESET_PASSWORDS] },
    confirmUserEmails: { privilege: Privilege.MANAGE_USERS },
    resendConfirmationEmails: { privilege: Privilege.MANAGE_USERS },
    createPasswordResetToken: { anyOf: [Privilege.MANAGE_USERS, Privilege.RESET_PASSWORDS] },
    resetUserPassword: { anyOf: [Privilege.MANAGE_USERS, Privilege.RESET_PASSWORDS] },
    resetPassword: 'public',
    confirmEmail: 'public',
    startMfaEnrolment: 'authenticated',
    confirmMfaEnrolment: 'authenticated',
    disableMfa: 'authenticated',
    regenerateRecoveryCodes: 'authenticated',
    verifyMfa: 'public',
    resetUserMfa: { privilege: Privilege.MANAGE_USERS },
    // The session named is the caller's own, or the caller holds MANAGE_USERS (the dummy id names none).
    revokeSession: { selfOr: Privilege.MANAGE_USERS },
    revokeAllSessions: { selfOr: Privilege.MANAGE_USERS },
  },
};

interface MatrixActor {
  name: string;
  token: string | null;
  privileges: Privilege[];
}

/** Dummy argument values: ids name nothing that exists, so "allowed" ends in NOT_FOUND or similar. */
function dummyValue(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return dummyValue(type.ofType);
  if (isListType(type)) return [dummyValue(type.ofType)];
  if (isEnumType(type)) return type.getValues()[0].value;
  if (isInputObjectType(type)) {
    const out: Record<string, unknown> = {};
    for (const f of Object.values(type.getFields())) {
      if (isNonNullType(f.type) && f.defaultValue === undefined) out[f.name] = dummyValue(f.type);
    }
    return out;
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'ID':
        return '999999';
      case 'Int':
        return 1;
      case 'Boolean':
        return true;
      case 'DateTimeISO':
        return new Date().toISOString();
      case 'JSON':
      case 'JSONObject':
        return {};
      default:
        return 'x-matrix';
    }
  }
  throw new Error(`no dummy for ${String(type)}`);
}

function operationFor(kind: 'Query' | 'Mutation', field: GraphQLField<unknown, unknown>) {
  const required = field.args.filter((a: GraphQLArgument) => isNonNullType(a.type) && a.defaultValue === undefined);
  const decl = required.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const call = required.map((a) => `${a.name}: $${a.name}`).join(', ');
  const selection = isObjectType(getNamedType(field.type)) ? ' { __typename }' : '';
  const doc = `${kind === 'Query' ? 'query' : 'mutation'}${decl ? `(${decl})` : ''} { ${field.name}${call ? `(${call})` : ''}${selection} }`;
  const variables = Object.fromEntries(required.map((a) => [a.name, dummyValue(a.type)]));
  return { doc, variables };
}

/** Denied by the permission map (not by a domain rule): a coded error carrying the deciding rule. */
function deniedByRule(res: GqlResponse<unknown>): boolean {
  return (res.errors ?? []).some(
    (e) => e.extensions?.rule !== undefined && ['FORBIDDEN', 'UNAUTHENTICATED'].includes(String(e.extensions?.code)),
  );
}

function expectedAllowed(exp: Expectation, actor: MatrixActor): boolean {
  if (exp === 'public') return true;
  if (!actor.token) return false;
  if (exp === 'authenticated') return true;
  if ('anyOf' in exp) return actor.privileges.includes(Privilege.ALL) || exp.anyOf.some((p) => actor.privileges.includes(p));
  const p = 'privilege' in exp ? exp.privilege : 'selfOr' in exp ? exp.selfOr : exp.groupOwnerOr;
  return actor.privileges.includes(Privilege.ALL) || actor.privileges.includes(p);
}

describe('permission matrix', () => {
  let t: TestApp;
  const actors: MatrixActor[] = [];
  const schema = buildBaseSchema();

  beforeAll(async () => {
    // restart and shutdown are decided here, not carried out: the server must stay up for the matrix.
    t = await startTestApp({}, {}, { lifecycle: { restart: async () => undefined, shutdown: async () => undefined } });
    actors.push({ name: 'anonymous', token: null, privileges: [] });
    actors.push({ name: 'plain user', token: (await createUser(t, { username: 'plain' })).token, privileges: [] });
    for (const p of CONCRETE_PRIVILEGES) {
      actors.push({ name: `holder of ${p}`, token: (await createUser(t, { privileges: [p] })).token, privileges: [p] });
    }
    actors.push({ name: 'admin', token: (await createUser(t, { roles: ['admin'] })).token, privileges: [Privilege.ALL] });
  });
  afterAll(() => t.close());

  it('lists an expectation and a rule for every Query and Mutation field, and nothing else', () => {
    const queryFields = Object.keys(schema.getQueryType()!.getFields()).sort();
    const mutationFields = Object.keys(schema.getMutationType()!.getFields()).sort();
    expect(Object.keys(EXPECTED.Query).sort()).toEqual(queryFields);
    expect(Object.keys(EXPECTED.Mutation).sort()).toEqual(mutationFields);
    expect(Object.keys(queryRules).sort()).toEqual(queryFields);
    expect(Object.keys(mutationRules).sort()).toEqual(mutationFields);
  });

  it('decides every field × actor as expected', async () => {
    const rows: Array<{ kind: 'Query' | 'Mutation'; field: GraphQLField<unknown, unknown> }> = [
      ...Object.values(schema.getQueryType()!.getFields()).map((field) => ({ kind: 'Query' as const, field })),
      ...Object.values(schema.getMutationType()!.getFields()).map((field) => ({ kind: 'Mutation' as const, field })),
    ];
    // logout revokes the caller's token: run it last.
    rows.sort((a, b) => Number(a.field.name === 'logout') - Number(b.field.name === 'logout'));

    const mismatches: string[] = [];
    let checked = 0;
    for (const { kind, field } of rows) {
      const { doc, variables } = operationFor(kind, field);
      const exp = EXPECTED[kind][field.name];
      for (const actor of actors) {
        const vars = field.name === 'upsertGroup' ? { input: { name: `matrix-${actor.name.replace(/\W+/g, '-')}` } } : variables;
        const res = await gql(t, doc, vars, actor.token);
        const allowed = !deniedByRule(res);
        checked++;
        if (allowed !== expectedAllowed(exp, actor)) {
          mismatches.push(`${kind}.${field.name} as ${actor.name}: ${allowed ? 'allowed' : 'denied'} (${JSON.stringify(res.errors?.[0])})`);
        }
        // Whatever the outcome, it is coded: never a masked INTERNAL error.
        if ((res.errors ?? []).some((e) => e.extensions?.code === 'INTERNAL')) {
          mismatches.push(`${kind}.${field.name} as ${actor.name}: INTERNAL`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBe(rows.length * actors.length);
  });

  it('two aliases of one field with different arguments get independent decisions', async () => {
    const me = await createUser(t, { username: 'alias-me' });
    const other = await createUser(t, { username: 'alias-other' });
    const res = await gql(
      t,
      `query($me: ID!, $other: ID!) { a: user(id: $me) { username } b: user(id: $other) { username } }`,
      { me: me.id, other: other.id },
      me.token,
    );
    expect(res.data).toEqual({ a: { username: 'alias-me' }, b: null });
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]).toMatchObject({ path: ['b'], extensions: { code: 'FORBIDDEN' } });
    // And in the other order, so no cached decision leaks either way.
    const rev = await gql(
      t,
      `query($me: ID!, $other: ID!) { b: user(id: $other) { username } a: user(id: $me) { username } }`,
      { me: me.id, other: other.id },
      me.token,
    );
    expect(rev.data).toEqual({ b: null, a: { username: 'alias-me' } });
  });
});
