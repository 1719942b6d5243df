import { BadInputError } from '../errors/errors';
import { holds, Privilege } from './privileges';

/**
 * The one table from Pryv.io admin permissions to Gatehouse privileges. Each permission names its own
 * privilege, so a grant made through Pryv reads back identically through Pryv. Pryv's "admin users" are
 * Gatehouse's staff (accounts holding a privilege); its "platform users" are every account.
 */
export const PRYV_PERMISSIONS = {
  users: {
    read: Privilege.VIEW_PRIVILEGES,
    create: Privilege.CREATE_USERS,
    delete: Privilege.DELETE_STAFF,
    resetPassword: Privilege.RESET_PASSWORDS,
    changePermissions: Privilege.GRANT_PRIVILEGES,
  },
  settings: {
    read: Privilege.VIEW_CONFIG,
    update: Privilege.UPDATE_CONFIG,
  },
  platformUsers: {
    read: Privilege.VIEW_USERS,
    delete: Privilege.DELETE_USERS,
    modify: Privilege.MANAGE_USERS,
  },
} as const satisfies Record<string, Record<string, Privilege>>;

export type PryvPermissions = { [G in keyof typeof PRYV_PERMISSIONS]: Array<keyof (typeof PRYV_PERMISSIONS)[G]> };
type Group = keyof typeof PRYV_PERMISSIONS;
const GROUPS = Object.keys(PRYV_PERMISSIONS) as Group[];

/** What a holder of `privileges` may do, in Pryv's words (ALL reads as every permission). */
export function toPryvPermissions(privileges: Iterable<string>): PryvPermissions {
  const held = new Set(privileges) as ReadonlySet<Privilege>;
  const out = {} as Record<Group, string[]>;
  for (const g of GROUPS) {
    out[g] = Object.entries(PRYV_PERMISSIONS[g])
      .filter(([, p]) => holds(held, p))
      .map(([name]) => name);
  }
  return out as PryvPermissions;
}

/**
 * The privileges a Pryv permissions object grants. Unknown groups or words, and anything that is not
 * an object of string arrays, are refused naming the culprit (nothing half-applies).
 */
export function fromPryvPermissions(value: unknown, field = 'permissions'): Privilege[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'object' || Array.isArray(value)) throw new BadInputError(`${field} must be an object.`, field);
  const out = new Set<Privilege>();
  for (const [group, words] of Object.entries(value as Record<string, unknown>)) {
    const table = (PRYV_PERMISSIONS as Record<string, Record<string, Privilege>>)[group];
    if (!table) throw new BadInputError(`Unknown permission group: ${group}.`, `${field}.${group}`);
    if (!Array.isArray(words)) throw new BadInputError(`${field}.${group} must be an array.`, `${field}.${group}`);
    for (const w of words) {
      if (typeof w !== 'string' || !Object.hasOwn(table, w)) {
        throw new BadInputError(`Unknown permission ${group}:${String(w)}.`, `${field}.${group}`);
      }
      out.add(table[w]);
    }
  }
  return [...out];
}
