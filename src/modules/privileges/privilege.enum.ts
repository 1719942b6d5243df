import { registerEnumType } from 'type-graphql';

/**
 * The one privilege catalogue. Telodendria's names are kept verbatim (ALL … PROC_CONTROL);
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
  MANAGE_USERS: 'Create, edit, tag and delete user accounts.',
  MANAGE_ROLES: 'Create, edit and delete roles.',
  MANAGE_GROUPS: 'Edit any group and its members.',
  MODERATE_REPORTS: 'Read and act on moderation reports.',
  VIEW_AUDIT_LOG: 'Read the audit (moderation) log.',
};

registerEnumType(Privilege, {
  name: 'Privilege',
  description: 'A privilege from the catalogue. ALL implies every other, present and future.',
  valuesConfig: Object.fromEntries(
    Object.entries(PRIVILEGE_DESCRIPTIONS).map(([k, description]) => [k, { description }]),
  ),
});

export const ALL_PRIVILEGES: readonly Privilege[] = Object.values(Privilege);
/** Every concrete privilege (ALL excluded): what ALL expands to today. */
export const CONCRETE_PRIVILEGES: readonly Privilege[] = ALL_PRIVILEGES.filter((p) => p !== Privilege.ALL);

export function isPrivilege(value: string): value is Privilege {
  return (ALL_PRIVILEGES as readonly string[]).includes(value);
}

/** Holding ALL means holding every privilege. */
export function holds(held: ReadonlySet<string>, privilege: Privilege): boolean {
  return held.has(Privilege.ALL) || held.has(privilege);
}

/** Canonical effective set: ['ALL'] when ALL is held, otherwise the sorted individual names. */
export function normalizePrivileges(privileges: Iterable<string>): Privilege[] {
  const set = new Set<Privilege>();
  for (const p of privileges) if (isPrivilege(p)) set.add(p);
  if (set.has(Privilege.ALL)) return [Privilege.ALL];
  return ALL_PRIVILEGES.filter((p) => set.has(p));
}
