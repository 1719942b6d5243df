import DataLoader from 'dataloader';
import { placeholders, type Db } from '../db/db';
import { toDate } from '../db/rows';
import { decodeStringSet } from '../db/string-set.type';
import type { Group } from './groups/group.entity';
import type { Role } from './roles/role.entity';
import type { ReportNote } from './reports/report.entity';
import { findUsersByIds, mapUserRow, USER_COLUMNS, type UserRecord } from './users/user.queries';
import { toBool } from '../db/rows';

export type RoleRecord = Role;
export type GroupRecord = Omit<Group, 'owner'> & { ownerId: number | null };

export function mapRoleRow(r: Record<string, unknown>): RoleRecord {
  return {
    id: Number(r.id),
    name: String(r.name),
    description: (r.description as string | null) ?? null,
    privileges: decodeStringSet(r.privileges as string),
    builtIn: toBool(r.built_in),
    createdAt: toDate(r.created_at),
    updatedAt: toDate(r.updated_at),
  };
}

export function mapGroupRow(r: Record<string, unknown>): GroupRecord {
  return {
    id: Number(r.id),
    name: String(r.name),
    description: (r.description as string | null) ?? null,
    ownerId: r.owner_id == null ? null : Number(r.owner_id),
    createdAt: toDate(r.created_at),
    updatedAt: toDate(r.updated_at),
  };
}

export const ROLE_COLUMNS = ['r.id', 'r.name', 'r.description', 'r.privileges', 'r.built_in', 'r.created_at', 'r.updated_at'];
export const GROUP_COLUMNS = ['g.id', 'g.name', 'g.description', 'g.owner_id', 'g.created_at', 'g.updated_at'];

function groupBy<T>(keys: readonly number[], rows: Array<{ key: number; value: T }>): T[][] {
  const map = new Map<number, T[]>(keys.map((k) => [k, []]));
  for (const { key, value } of rows) map.get(key)?.push(value);
  return keys.map((k) => map.get(k) ?? []);
}

/**
 * Per-request batch loaders: one query per relation per request, whatever the page size (no N+1).
 */
export class Loaders {
  constructor(private readonly db: Db) {}

  readonly userById = new DataLoader<number, UserRecord | null>(async (ids) => {
    const users = await findUsersByIds(this.db, ids);
    const byId = new Map(users.map((u) => [u.id, u]));
    return ids.map((id) => byId.get(id) ?? null);
  });

  // The per-page relation loads are fixed SQL texts (only the IN list varies): no query builder per request.
  readonly rolesByUser = new DataLoader<number, RoleRecord[]>(async (userIds) => {
    const rows = await this.db.rows(
      `select ur.user_id as key_id, ${ROLE_COLUMNS.join(', ')} from user_roles ur join roles r on r.id = ur.role_id
       where ur.user_id in (${placeholders(userIds.length)}) order by r.name`,
      userIds,
    );
    return groupBy(
      userIds,
      rows.map((r) => ({ key: Number(r.key_id), value: mapRoleRow(r) })),
    );
  });

  readonly groupsByUser = new DataLoader<number, GroupRecord[]>(async (userIds) => {
    const rows = await this.db.rows(
      `select gm.user_id as key_id, ${GROUP_COLUMNS.join(', ')} from group_members gm join "groups" g on g.id = gm.group_id
       where gm.user_id in (${placeholders(userIds.length)}) order by g.name`,
      userIds,
    );
    return groupBy(
      userIds,
      rows.map((r) => ({ key: Number(r.key_id), value: mapGroupRow(r) })),
    );
  });

  readonly membersByGroup = new DataLoader<number, UserRecord[]>(async (groupIds) => {
    const rows = (await this.db
      .knex('group_members as gm')
      .join('users as u', 'u.id', 'gm.user_id')
      .whereIn('gm.group_id', groupIds as number[])
      .orderBy('u.id')
      .select(['gm.group_id as key_id', ...USER_COLUMNS])) as Array<Record<string, unknown>>;
    return groupBy(
      groupIds,
      rows.map((r) => ({ key: Number(r.key_id), value: mapUserRow(r) })),
    );
  });

  /** Whether each user has two-factor sign-in on (one statement per page). */
  readonly mfaEnabledByUser = new DataLoader<number, boolean>(async (userIds) => {
    const rows = await this.db.rows(
      `select user_id from user_mfa where enabled = ${this.db.driver === 'postgresql' ? 'true' : '1'} and user_id in (${placeholders(userIds.length)})`,
      userIds,
    );
    const on = new Set(rows.map((r) => Number(r.user_id)));
    return userIds.map((id) => on.has(id));
  });

  readonly notesByReport = new DataLoader<number, ReportNote[]>(async (reportIds) => {
    const rows = (await this.db
      .knex('report_notes as n')
      .whereIn('n.report_id', reportIds as number[])
      .orderBy('n.id')
      .select('n.*')) as Array<Record<string, unknown>>;
    return groupBy(
      reportIds,
      rows.map((r) => ({
        key: Number(r.report_id),
        value: {
          id: Number(r.id),
          authorId: r.author_id == null ? null : Number(r.author_id),
          authorUsername: (r.author_username as string | null) ?? null,
          content: String(r.content),
          createdAt: toDate(r.created_at),
        } as ReportNote,
      })),
    );
  });

  readonly roleById = new DataLoader<number, RoleRecord | null>(async (ids) => {
    const rows = (await this.db
      .knex('roles as r')
      .whereIn('r.id', ids as number[])
      .select(ROLE_COLUMNS)) as Array<Record<string, unknown>>;
    const byId = new Map(rows.map((r) => [Number(r.id), mapRoleRow(r)]));
    return ids.map((id) => byId.get(id) ?? null);
  });

  readonly groupById = new DataLoader<number, GroupRecord | null>(async (ids) => {
    const rows = (await this.db
      .knex('groups as g')
      .whereIn('g.id', ids as number[])
      .select(GROUP_COLUMNS)) as Array<Record<string, unknown>>;
    const byId = new Map(rows.map((r) => [Number(r.id), mapGroupRow(r)]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}
