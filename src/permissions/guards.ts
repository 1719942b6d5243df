import type { Viewer } from '../auth/authenticate';
import { ForbiddenError } from '../errors/errors';
import { holds, Privilege } from '../shared/privileges';

/**
 * Data-dependent permission checks that services run inside their transaction (the static map in
 * permissions.ts decides who may call a field at all; these decide what a caller may hand out).
 */

/** Nobody grants (or takes away) a privilege they do not hold, unless the escalation setting allows it. */
export function assertCanGrant(viewer: Viewer, privileges: Iterable<string>, allowEscalation: boolean): void {
  if (allowEscalation) return;
  const missing = [...new Set(privileges)].filter((p) => !holds(viewer.privileges, p as Privilege));
  if (missing.length > 0) {
    throw new ForbiddenError(`You cannot grant or remove privileges you do not hold: ${missing.sort().join(', ')}.`, {
      reason: 'PRIVILEGE_ESCALATION',
      privileges: missing,
    });
  }
}

export function viewerHolds(viewer: Viewer | null, privilege: Privilege): boolean {
  return !!viewer && holds(viewer.privileges, privilege);
}

/**
 * Deleting a staff account (one holding a privilege) needs DELETE_STAFF, any other account
 * DELETE_USERS; MANAGE_USERS deletes either (Pryv's admin users vs platform users).
 */
export function assertCanDelete(viewer: Viewer, targets: ReadonlyArray<{ username: string; staff: boolean }>): void {
  if (holds(viewer.privileges, Privilege.MANAGE_USERS)) return;
  for (const t of targets) {
    const needed = t.staff ? Privilege.DELETE_STAFF : Privilege.DELETE_USERS;
    if (!holds(viewer.privileges, needed)) {
      throw new ForbiddenError(`Deleting @${t.username} needs the ${needed} privilege.`, {
        reason: 'DELETE_TARGET',
        requiredPrivilege: needed,
      });
    }
  }
}

/**
 * Taking over an account (setting or resetting its password) needs every privilege it holds:
 * otherwise a password reset would be a way up to an administrator's rights.
 */
export function assertCanActFor(viewer: Viewer, username: string, targetPrivileges: Iterable<string>, allowEscalation: boolean): void {
  if (allowEscalation) return;
  const missing = [...new Set(targetPrivileges)].filter((p) => !holds(viewer.privileges, p as Privilege));
  if (missing.length > 0) {
    throw new ForbiddenError(`@${username} holds privileges you do not hold: ${missing.sort().join(', ')}.`, {
      reason: 'PRIVILEGE_ESCALATION',
      privileges: missing,
    });
  }
}

/** The privileges of `wanted` that `held` lacks (ALL holds everything). */
export function lacking(held: ReadonlySet<string>, wanted: Iterable<string>): string[] {
  return [...new Set(wanted)].filter((p) => !holds(held, p as Privilege)).sort();
}

/**
 * A stored grant (an invite, a role) may be read in full, changed or re-enabled only by whoever holds
 * every privilege it carries: otherwise reading its token or reviving it is a way up.
 */
export function mayHandleGrant(viewer: Viewer | null, granted: Iterable<string>, allowEscalation: boolean): boolean {
  return !!viewer && (allowEscalation || lacking(viewer.privileges, granted).length === 0);
}

export function assertMayHandleGrant(viewer: Viewer, what: string, granted: Iterable<string>, allowEscalation: boolean): void {
  if (allowEscalation) return;
  const missing = lacking(viewer.privileges, granted);
  if (missing.length > 0) {
    throw new ForbiddenError(`${what} grants privileges you do not hold: ${missing.join(', ')}.`, {
      reason: 'PRIVILEGE_ESCALATION',
      privileges: missing,
    });
  }
}

/**
 * Acting on other accounts (delete, (de)activate, email, password, forced reset, tags, approval,
 * privileges) needs every privilege each of them holds; one's own account is always fair game.
 */
export function assertCanActOn(
  viewer: Viewer,
  targets: ReadonlyArray<{ id: number; username: string; privileges: Iterable<string> }>,
  allowEscalation: boolean,
): void {
  for (const t of targets) if (t.id !== viewer.id) assertCanActFor(viewer, t.username, t.privileges, allowEscalation);
}
