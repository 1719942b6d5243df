import { rule } from 'graphql-shield';
import type { Viewer } from '../auth/authenticate';
import type { Db } from '../db/db';

/**
 * What the rules read of a request's context. The domain's request context has all of it; the rules
 * name only this, so the permission layer does not depend on the domain.
 */
export interface Context {
  viewer: Viewer | null;
  authError: 'invalid_token' | null;
  /** The account a login or registration in this request signed in. */
  signedIn: { userId: number | null };
  /** Accounts this request created. */
  createdUserIds: ReadonlySet<number>;
  db: Db;
  loaders: { groupById: { load(id: number): Promise<{ ownerId: number | null } | null | undefined> } };
}
import { BadInputError, ForbiddenError, UnauthenticatedError } from '../errors/errors';
import { holds, type Privilege } from '../shared/privileges';

/*
 * One-sentence rules. Each depends on the viewer or the arguments, so each uses `no_cache`: shield's
 * `contextual` cache would reuse one decision across aliases such as `a: user(id: 1) b: user(id: 2)`.
 * A rule answers true or a coded error carrying `rule` (and `requiredPrivilege`), so clients and the
 * REST dialects can name what was missing, and domain FORBIDDEN errors stay distinguishable.
 */

/** Shield requires one instance per rule name: parametrised rules are memoised by name. */
const named = new Map<string, unknown>();
function memo<R>(name: string, make: () => R): R {
  if (!named.has(name)) named.set(name, make());
  return named.get(name) as R;
}

function unauthenticated(ctx: Context, name: string) {
  return ctx.authError
    ? new UnauthenticatedError('Invalid or expired token.', { rule: name, reason: 'INVALID_TOKEN' })
    : new UnauthenticatedError('Authentication required.', { rule: name });
}

/** `staff`: the viewer holds some privilege (Akkoma tells staff "User is not an admin." and others "…not a staff member."). */
function missing(privilege: Privilege, name: string, viewer?: { privileges: ReadonlySet<string> } | null) {
  return new ForbiddenError(`You need the ${privilege} privilege.`, {
    rule: name,
    requiredPrivilege: privilege,
    staff: !!viewer && viewer.privileges.size > 0,
  });
}

/**
 * A decision that needs only the parent object and the viewer, taken synchronously: object fields
 * guarded this way run it per row without shield's promise and cache machinery.
 */
export type FieldCheck = (parent: unknown, ctx: Context) => true | Error;

/** Anyone, signed in or not. */
export const isPublic = rule('public', { cache: 'no_cache' })(() => true);

/** Anyone signed in with a valid token. */
export const isAuthenticated = rule('authenticated', { cache: 'no_cache' })((_p, _a, ctx: Context) =>
  ctx.viewer ? true : unauthenticated(ctx, 'authenticated'),
);

/** The viewer holds `privilege` (ALL holds everything). */
export function can(privilege: Privilege) {
  const name = `can-${privilege}`;
  return memo(name, () =>
    rule(name, { cache: 'no_cache' })((_p, _a, ctx: Context) => {
      if (!ctx.viewer) return unauthenticated(ctx, name);
      return holds(ctx.viewer.privileges, privilege) ? true : missing(privilege, name, ctx.viewer);
    }),
  );
}

/** When the argument `arg` is given, it names the viewer (self-service fields reached by a path naming the user). */
export function selfArg(arg: string) {
  const name = `self-arg-${arg}`;
  return memo(name, () =>
    rule(name, { cache: 'no_cache' })((_p, args: Record<string, unknown>, ctx: Context) => {
      const v = ctx.viewer;
      if (!v) return unauthenticated(ctx, name);
      if (args[arg] == null || args[arg] === v.username) return true;
      return new ForbiddenError('You can only change your own password.', { rule: name });
    }),
  );
}

/** The viewer holds any one of `privileges` (a lighter privilege beside the one that implies it). */
export function canAny(...privileges: Privilege[]) {
  if (privileges.length === 1) return can(privileges[0]);
  const name = `can-any-${privileges.join('-')}`;
  return memo(name, () =>
    rule(name, { cache: 'no_cache' })((_p, _a, ctx: Context) => {
      if (!ctx.viewer) return unauthenticated(ctx, name);
      const held = ctx.viewer.privileges;
      if (privileges.some((p) => holds(held, p))) return true;
      // requiredPrivilege names the first (the field's main privilege, as the dialects report it).
      return new ForbiddenError(`You need one of the privileges ${privileges.join(', ')}.`, {
        rule: name,
        requiredPrivilege: privileges[0],
        anyOf: privileges,
        staff: held.size > 0,
      });
    }),
  );
}

/** The argument `arg` (an id, or `username` when given) names the viewer, or the viewer holds `privilege`. */
export function selfOrCan(privilege: Privilege, arg = 'id') {
  const name = `self-arg-${arg}-or-${privilege}`;
  return memo(name, () =>
    rule(name, { cache: 'no_cache' })((_p, args: Record<string, unknown>, ctx: Context) => {
      const v = ctx.viewer;
      if (!v) return unauthenticated(ctx, name);
      if (holds(v.privileges, privilege)) return true;
      // Two ways of naming the user: the rule must not decide on one while the service reads the other.
      if ([arg, 'username', 'idOrUsername'].filter((a, i, all) => all.indexOf(a) === i && args[a] != null).length > 1)
        return missing(privilege, name);
      const self =
        args[arg] != null
          ? String(args[arg]) === String(v.id)
          : args.idOrUsername != null
            ? args.idOrUsername === String(v.id) || args.idOrUsername === v.username
            : args.username != null && args.username === v.username;
      return self ? true : missing(privilege, name);
    }),
  );
}

/**
 * For fields naming one user by exactly one of `id`, `username` or `idOrUsername` (the resolver reads
 * whichever is given): that one names the viewer, or the viewer holds `privilege`. Two or none given
 * is refused, so the rule can never decide on one argument while the resolver reads another.
 */
export function oneUserRefSelfOrCan(privilege: Privilege) {
  const name = `one-user-ref-self-or-${privilege}`;
  return memo(name, () =>
    rule(name, { cache: 'no_cache' })((_p, args: Record<string, unknown>, ctx: Context) => {
      const v = ctx.viewer;
      if (!v) return unauthenticated(ctx, name);
      const given = USER_REF_ARGS.filter((a) => args[a] != null);
      const privileged = holds(v.privileges, privilege);
      if (given.length !== 1)
        return privileged ? new BadInputError('Give exactly one of id, username or idOrUsername.', 'id') : missing(privilege, name);
      if (privileged) return true;
      const value = String(args[given[0]]);
      const self =
        given[0] === 'id'
          ? value === String(v.id)
          : given[0] === 'username'
            ? value === v.username
            : value === String(v.id) || value === v.username;
      return self ? true : missing(privilege, name);
    }),
  );
}
const USER_REF_ARGS = ['id', 'username', 'idOrUsername'] as const;

/**
 * The field's parent object is the viewer's own user (or the account this request just signed in, or
 * one this request just created: its creator reads back what they wrote), or the viewer holds any of `privileges`.
 */
export function ownRecordOrAny(privileges: Privilege[]) {
  const name = `own-record-or-${privileges.join('-')}`;
  return memo(name, () => {
    const check: FieldCheck = (parent, ctx) => {
      const v = ctx.viewer;
      const own = v?.id ?? ctx.signedIn.userId;
      const id = (parent as { id?: unknown })?.id;
      if (own != null && String(id) === String(own)) return true;
      if (ctx.createdUserIds.has(Number(id))) return true;
      if (!v) return unauthenticated(ctx, name);
      if (privileges.some((p) => holds(v.privileges, p))) return true;
      return missing(privileges[0], name);
    };
    return Object.assign(
      rule(name, { cache: 'no_cache' })((parent, _a, ctx: Context) => check(parent, ctx)),
      { check },
    );
  });
}

/** The group's owner id, from an id argument or (when absent) a `groupName` argument; undefined = no such group. */
async function groupOwner(ctx: Context, id: unknown, name: unknown): Promise<number | null | undefined> {
  if (id != null) {
    const n = Number(id);
    const group = Number.isSafeInteger(n) && n > 0 ? await ctx.loaders.groupById.load(n) : null;
    return group ? group.ownerId : undefined;
  }
  if (typeof name === 'string') {
    const row = (await ctx.db.knex('groups').where('name', name).first('owner_id')) as { owner_id: number | null } | undefined;
    return row ? (row.owner_id == null ? null : Number(row.owner_id)) : undefined;
  }
  return undefined;
}

/** The viewer owns the group named by argument `arg` (or `groupName`), or holds `privilege` (MANAGE_GROUPS). */
export function groupOwnerOrCan(privilege: Privilege, arg: string) {
  const name = `group-owner-arg-${arg}-or-${privilege}`;
  return memo(name, () =>
    rule(name, { cache: 'no_cache' })(async (_p, args: Record<string, unknown>, ctx: Context) => {
      const v = ctx.viewer;
      if (!v) return unauthenticated(ctx, name);
      if (holds(v.privileges, privilege)) return true;
      const owner = await groupOwner(ctx, args[arg], args.groupName);
      return owner === v.id ? true : missing(privilege, name);
    }),
  );
}

/** Creating a group is for anyone signed in; changing the existing group of that name, for its owner or a `privilege` holder. */
export function newGroupOrOwnerOrCan(privilege: Privilege) {
  const name = `new-group-or-owner-or-${privilege}`;
  return memo(name, () =>
    rule(name, { cache: 'no_cache' })(async (_p, args: { input?: { name?: unknown } }, ctx: Context) => {
      const v = ctx.viewer;
      if (!v) return unauthenticated(ctx, name);
      if (holds(v.privileges, privilege)) return true;
      const owner = await groupOwner(ctx, null, args.input?.name);
      return owner === undefined || owner === v.id ? true : missing(privilege, name);
    }),
  );
}

/**
 * The session named by argument `arg` is one of the viewer's own, or the viewer holds `privilege`
 * (MANAGE_USERS; the service then requires every privilege of the session's owner). Someone without
 * the privilege learns nothing about other sessions: unknown and foreign ids are refused alike.
 */
export function sessionOwnerOrCan(privilege: Privilege, arg = 'id') {
  const name = `session-owner-arg-${arg}-or-${privilege}`;
  return memo(name, () =>
    rule(name, { cache: 'no_cache' })(async (_p, args: Record<string, unknown>, ctx: Context) => {
      const v = ctx.viewer;
      if (!v) return unauthenticated(ctx, name);
      if (holds(v.privileges, privilege)) return true;
      const id = Number(args[arg]);
      if (!Number.isSafeInteger(id) || id <= 0) return missing(privilege, name);
      const rows = await ctx.db.rows('select user_id from access_tokens where id = ?', [id]);
      return rows.length === 1 && Number(rows[0].user_id) === v.id ? true : missing(privilege, name);
    }),
  );
}
