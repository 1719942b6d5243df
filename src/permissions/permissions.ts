import { isObjectType, type GraphQLSchema } from 'graphql';
import type { IMiddlewareFieldMap, IMiddlewareFunction } from 'graphql-middleware';
import type { Context } from './rules';
import { allow, deny, shield, type IRules } from 'graphql-shield';
import { ForbiddenError } from '../errors/errors';
import { Privilege as P } from '../shared/privileges';
import {
  type FieldCheck,
  can,
  oneUserRefSelfOrCan,
  canAny,
  groupOwnerOrCan,
  isAuthenticated,
  isPublic,
  newGroupOrOwnerOrCan,
  ownRecordOrAny,
  selfArg,
  selfOrCan,
  sessionOwnerOrCan,
} from './rules';

/**
 * The one permission map. Every Query and Mutation field has an explicit rule here (a contract test
 * fails otherwise); anything missing is denied by `fallbackRule`. Object types are allowed at type level
 * because access is decided at the root field, except the User fields only the user or user administrators may read.
 */
export const queryRules = {
  viewer: isPublic,
  currentSession: isAuthenticated,
  user: oneUserRefSelfOrCan(P.VIEW_USERS),
  users: can(P.VIEW_USERS),
  staff: canAny(P.VIEW_PRIVILEGES, P.GRANT_PRIVILEGES),
  roles: isAuthenticated,
  role: isAuthenticated,
  privilegeCatalog: isAuthenticated,
  groups: isAuthenticated,
  group: isAuthenticated,
  auditLog: can(P.VIEW_AUDIT_LOG),
  invites: can(P.ISSUE_TOKENS),
  invite: can(P.ISSUE_TOKENS),
  reports: can(P.MODERATE_REPORTS),
  report: can(P.MODERATE_REPORTS),
  reportsByAccount: can(P.MODERATE_REPORTS),
  settings: canAny(P.CONFIG, P.VIEW_CONFIG),
  processStats: can(P.PROC_CONTROL),
  kv: isPublic,
  userPrivileges: can(P.GRANT_PRIVILEGES),
  serverInfo: isPublic,
  inviteTokenValid: isPublic,
};

export const mutationRules = {
  login: isPublic,
  logout: isAuthenticated,
  changePassword: selfArg('username'),
  createUsers: canAny(P.MANAGE_USERS, P.CREATE_USERS),
  updateUser: selfOrCan(P.MANAGE_USERS, 'id'),
  deleteUsers: canAny(P.MANAGE_USERS, P.DELETE_USERS, P.DELETE_STAFF),
  activateUsers: can(P.DEACTIVATE),
  deactivateUsers: can(P.DEACTIVATE),
  tagUsers: can(P.MANAGE_USERS),
  untagUsers: can(P.MANAGE_USERS),
  setUserPrivileges: can(P.GRANT_PRIVILEGES),
  createRole: can(P.MANAGE_ROLES),
  updateRole: can(P.MANAGE_ROLES),
  deleteRole: can(P.MANAGE_ROLES),
  assignRole: can(P.GRANT_PRIVILEGES),
  unassignRole: can(P.GRANT_PRIVILEGES),
  createGroup: isAuthenticated,
  updateGroup: groupOwnerOrCan(P.MANAGE_GROUPS, 'id'),
  deleteGroup: groupOwnerOrCan(P.MANAGE_GROUPS, 'id'),
  addGroupMembers: groupOwnerOrCan(P.MANAGE_GROUPS, 'groupId'),
  removeGroupMembers: groupOwnerOrCan(P.MANAGE_GROUPS, 'groupId'),
  upsertGroup: newGroupOrOwnerOrCan(P.MANAGE_GROUPS),
  register: isPublic,
  createInvite: can(P.ISSUE_TOKENS),
  createInvites: can(P.ISSUE_TOKENS),
  updateInvite: can(P.ISSUE_TOKENS),
  revokeInvite: can(P.ISSUE_TOKENS),
  deleteInvite: can(P.ISSUE_TOKENS),
  sendInviteEmail: can(P.ISSUE_TOKENS),
  fileReport: isAuthenticated,
  setReportStates: can(P.MODERATE_REPORTS),
  addReportNote: can(P.MODERATE_REPORTS),
  deleteReportNote: can(P.MODERATE_REPORTS),
  assignReport: can(P.MODERATE_REPORTS),
  replaceSettings: canAny(P.CONFIG, P.UPDATE_CONFIG),
  patchSettings: canAny(P.CONFIG, P.UPDATE_CONFIG),
  applySettings: canAny(P.CONFIG, P.UPDATE_CONFIG),
  restart: can(P.PROC_CONTROL),
  shutdown: can(P.PROC_CONTROL),
  kvSet: isPublic,
  registerClientApp: isPublic,
  toggleUserActivation: can(P.DEACTIVATE),
  approveUsers: can(P.MANAGE_USERS),
  forcePasswordReset: canAny(P.MANAGE_USERS, P.RESET_PASSWORDS),
  confirmUserEmails: can(P.MANAGE_USERS),
  resendConfirmationEmails: can(P.MANAGE_USERS),
  createPasswordResetToken: canAny(P.MANAGE_USERS, P.RESET_PASSWORDS),
  resetUserPassword: canAny(P.MANAGE_USERS, P.RESET_PASSWORDS),
  resetPassword: isPublic,
  confirmEmail: isPublic,
  startMfaEnrolment: isAuthenticated,
  confirmMfaEnrolment: isAuthenticated,
  disableMfa: isAuthenticated,
  regenerateRecoveryCodes: isAuthenticated,
  verifyMfa: isPublic,
  // The service also requires every privilege the user holds.
  resetUserMfa: can(P.MANAGE_USERS),
  revokeSession: sessionOwnerOrCan(P.MANAGE_USERS),
  revokeAllSessions: oneUserRefSelfOrCan(P.MANAGE_USERS),
};

/** Whoever administers users in any way may read the fields their work touches. */
const ownOrViewUsers = ownRecordOrAny([P.VIEW_USERS, P.MANAGE_USERS, P.GRANT_PRIVILEGES, P.DEACTIVATE]);
/** Who holds what: also for those who read the staff list. */
const ownOrViewPrivileges = ownRecordOrAny([P.VIEW_USERS, P.MANAGE_USERS, P.GRANT_PRIVILEGES, P.DEACTIVATE, P.VIEW_PRIVILEGES]);

/** User fields that reveal more than a name: visible to the user themself or to user administrators. */
const userRules = {
  '*': allow,
  email: ownOrViewUsers,
  privileges: ownOrViewPrivileges,
  directPrivileges: ownOrViewPrivileges,
  roles: ownOrViewPrivileges,
  tags: ownOrViewUsers,
  deactivation: ownOrViewUsers,
  lastLoginAt: ownOrViewUsers,
  emailConfirmed: ownOrViewUsers,
  approved: ownOrViewUsers,
  mustChangePassword: ownOrViewUsers,
  adminConsole: ownOrViewPrivileges,
  language: ownOrViewUsers,
  mfaEnabled: ownOrViewUsers,
  // Where and from what a user signs in: the user themself and user administrators only.
  sessions: ownRecordOrAny([P.MANAGE_USERS]),
};

export function buildRuleTree(schema: GraphQLSchema): IRules {
  const tree: Record<string, unknown> = { Query: queryRules, Mutation: mutationRules, User: userRules };
  for (const type of Object.values(schema.getTypeMap())) {
    if (isObjectType(type) && !type.name.startsWith('__') && !(type.name in tree)) tree[type.name] = allow;
  }
  return tree as IRules;
}

/** Field middleware running a synchronous check before the resolver; a refusal is the field's error. */
function syncGuard(check: FieldCheck): IMiddlewareFunction {
  return (resolve, parent, args, ctx: Context, info) => {
    const decision = check(parent, ctx);
    if (decision !== true) throw decision;
    return resolve(parent, args, ctx, info);
  };
}

export function permissions(schema: GraphQLSchema): IMiddlewareFieldMap {
  const tree = buildRuleTree(schema) as Record<string, unknown>;
  const generated = shield(tree as IRules, {
    fallbackRule: deny,
    fallbackError: () => new ForbiddenError('You are not allowed to do this.', { rule: 'deny' }),
    // Coded domain errors pass through; formatError masks everything uncoded.
    allowExternalErrors: true,
    debug: false,
  }).generate(schema) as Record<string, Record<string, unknown>>;

  // Shield wraps every field of every type, `allow` included: one extra promise per field per row.
  // Keep the wrapper only where a rule can say no: every root field (unlisted ones get the deny
  // fallback) and the guarded fields of partly-allowed types. Allowed types stay unwrapped.
  const guarded: Record<string, Record<string, unknown>> = {};
  for (const [typeName, fields] of Object.entries(generated)) {
    const rules = tree[typeName];
    if (typeName === 'Query' || typeName === 'Mutation') {
      guarded[typeName] = fields;
    } else if (rules && typeof rules === 'object' && !('resolve' in rules)) {
      const fieldRules = rules as Record<string, unknown>;
      const kept = Object.fromEntries(
        Object.entries(fields)
          .filter(([field]) => (fieldRules[field] ?? fieldRules['*']) !== allow)
          .map(([field, middleware]) => {
            // A per-row rule with a synchronous check skips shield's wrapper (one promise per field per row).
            const check = (fieldRules[field] as { check?: FieldCheck } | undefined)?.check;
            return [field, check ? syncGuard(check) : middleware];
          }),
      );
      if (Object.keys(kept).length > 0) guarded[typeName] = kept;
    } else if (rules !== allow) {
      guarded[typeName] = fields;
    }
  }
  return guarded as IMiddlewareFieldMap;
}
