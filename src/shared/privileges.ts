/**
 * The one privilege catalogue, shared by the domain (modules), the permission map and the REST dialects
 * (which may read this folder but not the modules). Telodendria's names are kept verbatim (ALL … PROC_CONTROL);
 * Gatehouse's own follow in the same style. ALL implies every privilege, including ones added later.
 */
export enum Privilege {
  ALL = 'ALL',
  DEACTIVATE = 'DEACTIVATE',
  ISSUE_TOKENS = 'ISSUE_TOKENS',
  CONFIG = 'CONFIG',
  GRANT_PRIVILEGES = 'GRANT_PRIVILEGES',
  ALIAS = 'ALIAS',
  PROC_CONTROL = 'PROC_CONTROL',
  VIEW_USERS = 'VIEW_USERS',
  MANAGE_USERS = 'MANAGE_USERS',
  MANAGE_ROLES = 'MANAGE_ROLES',
  MANAGE_GROUPS = 'MANAGE_GROUPS',
  MODERATE_REPORTS = 'MODERATE_REPORTS',
  VIEW_AUDIT_LOG = 'VIEW_AUDIT_LOG',
  VIEW_PRIVILEGES = 'VIEW_PRIVILEGES',
  CREATE_USERS = 'CREATE_USERS',
  DELETE_USERS = 'DELETE_USERS',
  DELETE_STAFF = 'DELETE_STAFF',
  RESET_PASSWORDS = 'RESET_PASSWORDS',
  VIEW_CONFIG = 'VIEW_CONFIG',
  UPDATE_CONFIG = 'UPDATE_CONFIG',
}

export const PRIVILEGE_DESCRIPTIONS: Record<Privilege, string> = {
  ALL: 'Every privilege, including ones added in later versions.',
  DEACTIVATE: 'Deactivate and reactivate other users.',
  ISSUE_TOKENS: 'Create, modify and delete registration tokens (invites).',
  CONFIG: 'Read and change the server configuration.',
  GRANT_PRIVILEGES: "Change users' privileges and role assignments.",
  ALIAS: 'Modify room aliases created by others (guards nothing until rooms exist).',
  PROC_CONTROL: 'Process statistics, restart and shutdown.',
  VIEW_USERS: 'List and read user accounts.',
  MANAGE_USERS: 'Create, edit, tag, delete and reset the password of user accounts.',
  MANAGE_ROLES: 'Create, edit and delete roles.',
  MANAGE_GROUPS: 'Edit any group and its members.',
  MODERATE_REPORTS: 'Read and act on moderation reports.',
  VIEW_AUDIT_LOG: 'Read the audit (moderation) log.',
  VIEW_PRIVILEGES: 'Read the staff list: who holds which privileges and roles.',
  CREATE_USERS: 'Create user accounts (with privileges the creator holds).',
  DELETE_USERS: 'Delete user accounts that hold no privilege.',
  DELETE_STAFF: 'Delete staff accounts (accounts holding a privilege, directly or by role).',
  RESET_PASSWORDS: 'Reset the password of accounts whose privileges the caller holds.',
  VIEW_CONFIG: 'Read the server configuration.',
  UPDATE_CONFIG: "Change the server configuration (Pryv.io's settings:update); reading it is VIEW_CONFIG.",
};

/** Privileges that include others: CONFIG is reading and changing the configuration. */
const IMPLIED: Partial<Record<Privilege, readonly Privilege[]>> = {
  [Privilege.CONFIG]: [Privilege.VIEW_CONFIG, Privilege.UPDATE_CONFIG],
};
const IMPLIED_BY = new Map<Privilege, Privilege[]>();
for (const [outer, inner] of Object.entries(IMPLIED) as Array<[Privilege, readonly Privilege[]]>) {
  for (const p of inner) IMPLIED_BY.set(p, [...(IMPLIED_BY.get(p) ?? []), outer]);
}

export const ALL_PRIVILEGES: readonly Privilege[] = Object.values(Privilege);
/** Every concrete privilege (ALL excluded): what ALL expands to today. */
export const CONCRETE_PRIVILEGES: readonly Privilege[] = ALL_PRIVILEGES.filter((p) => p !== Privilege.ALL);

export function isPrivilege(value: string): value is Privilege {
  return (ALL_PRIVILEGES as readonly string[]).includes(value);
}

/** Holding ALL means holding every privilege; holding CONFIG means holding what it includes. */
export function holds(held: ReadonlySet<string>, privilege: Privilege): boolean {
  return held.has(Privilege.ALL) || held.has(privilege) || (IMPLIED_BY.get(privilege)?.some((p) => held.has(p)) ?? false);
}

/** Canonical effective set: ['ALL'] when ALL is held, otherwise the sorted individual names. */
export function normalizePrivileges(privileges: Iterable<string>): Privilege[] {
  const set = new Set<Privilege>();
  for (const p of privileges) if (isPrivilege(p)) set.add(p);
  if (set.has(Privilege.ALL)) return [Privilege.ALL];
  return ALL_PRIVILEGES.filter((p) => set.has(p));
}
