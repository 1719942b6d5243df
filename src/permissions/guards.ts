import type { Viewer } from '../auth/authenticate';
import { ForbiddenError } from '../errors/errors';
import { holds, Privilege } from '../modules/privileges/privilege.enum';

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
