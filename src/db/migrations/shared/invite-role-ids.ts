import type { Migration } from '@mikro-orm/migrations';

type Exec = Migration['execute'];

/**
 * Invites named the roles they grant; they now name them by id (a rename must not change a grant).
 * Rewrites each invite's role names as ids of the roles that carry those names today; names of roles
 * that no longer exist are dropped (they granted nothing). Runs between adding the new column and
 * dropping the old one, in the migration's transaction.
 */
export async function inviteRoleNamesToIds(execute: (sql: string, params?: unknown[]) => ReturnType<Exec>): Promise<void> {
  const roles = (await execute('select id, name from roles')) as Array<{ id: number; name: string }>;
  const idByName = new Map(roles.map((r) => [String(r.name), String(r.id)]));
  const invites = (await execute(`select id, grant_roles from invites where grant_roles <> ''`)) as Array<{
    id: number;
    grant_roles: string;
  }>;
  for (const invite of invites) {
    const ids = String(invite.grant_roles)
      .split(',')
      .filter(Boolean)
      .map((name) => idByName.get(name))
      .filter((id): id is string => id != null);
    const set = ids.length ? `,${[...new Set(ids)].sort().join(',')},` : '';
    await execute('update invites set grant_role_ids = ? where id = ?', [set, invite.id]);
  }
}
