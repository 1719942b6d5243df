import type { Knex } from '@mikro-orm/knex';
import type { Db } from '../../db/db';
import { likeContains, placeholders } from '../../db/db';
import { toBool, toDate, toDateOrNull } from '../../db/rows';
import { decodeStringSet, setMemberPattern } from '../../db/string-set.type';
import type { PageRequest } from '../../graphql/pagination';
import type { User } from './user.entity';

/** A user as read for display: the entity's columns as plain data, never the password hash. */
export type UserRecord = Omit<User, 'roles' | 'passwordHash'>;

export const USER_COLUMNS = [
  'u.id',
  'u.username',
  'u.email',
  'u.display_name',
  'u.active',
  'u.deactivation_reason',
  'u.deactivated_at',
  'u.deactivated_by_id',
  'u.email_confirmed',
  'u.approved',
  'u.must_change_password',
  'u.admin_console',
  'u.language',
  'u.privileges',
  'u.tags',
  'u.created_at',
  'u.updated_at',
  'u.last_login_at',
];

export function mapUserRow(r: Record<string, unknown>): UserRecord {
  return {
    id: Number(r.id),
    username: String(r.username),
    email: (r.email as string | null) ?? null,
    displayName: (r.display_name as string | null) ?? null,
    active: toBool(r.active),
    deactivationReason: (r.deactivation_reason as string | null) ?? null,
    deactivatedAt: toDateOrNull(r.deactivated_at),
    deactivatedById: r.deactivated_by_id == null ? null : Number(r.deactivated_by_id),
    emailConfirmed: toBool(r.email_confirmed),
    approved: toBool(r.approved),
    mustChangePassword: toBool(r.must_change_password),
    adminConsole: toBool(r.admin_console),
    language: (r.language as string | null) ?? null,
    privileges: decodeStringSet(r.privileges as string),
    tags: decodeStringSet(r.tags as string),
    createdAt: toDate(r.created_at),
    updatedAt: toDate(r.updated_at),
    lastLoginAt: toDateOrNull(r.last_login_at),
  };
}

export interface UserFilterValues {
  query?: string | null;
  username?: string | null;
  displayName?: string | null;
  local?: boolean | null;
  email?: string | null;
  active?: boolean | null;
  approved?: boolean | null;
  emailConfirmed?: boolean | null;
  role?: string | null;
  roles?: string[] | null;
  tags?: string[] | null;
  groupId?: number | null;
  /** Accounts holding a privilege, directly or through a role, and admin-console accounts (Pryv's admin users). */
  staff?: boolean | null;
  /** Exact usernames. */
  usernames?: string[] | null;
  emailIs?: string | null;
  allRoles?: string[] | null;
  actorTypes?: string[] | null;
}

function applyUserFilter(db: Db, qb: Knex.QueryBuilder, f: UserFilterValues): Knex.QueryBuilder {
  const { knex } = db;
  if (f.query) {
    const pattern = likeContains(f.query);
    qb.where((w) =>
      w
        .whereRaw(db.ilike('u.username'), [pattern])
        .orWhereRaw(db.ilike('u.email'), [pattern])
        .orWhereRaw(db.ilike('u.display_name'), [pattern]),
    );
  }
  if (f.username) qb.whereRaw(db.ilike('u.username'), [likeContains(f.username)]);
  if (f.email) qb.whereRaw(db.ilike('u.email'), [likeContains(f.email)]);
  if (f.displayName) qb.whereRaw(db.ilike('u.display_name'), [likeContains(f.displayName)]);
  if (f.local === false) qb.whereRaw('1 = 0');
  if (f.active != null) qb.where('u.active', f.active);
  if (f.approved != null) qb.where('u.approved', f.approved);
  if (f.emailConfirmed != null) qb.where('u.email_confirmed', f.emailConfirmed);
  const roles = [...(f.roles ?? []), ...(f.role ? [f.role] : [])];
  if (roles.length > 0) {
    qb.whereExists(
      knex('user_roles as fur').join('roles as fr', 'fr.id', 'fur.role_id').whereRaw('fur.user_id = u.id').whereIn('fr.name', roles),
    );
  }
  if (f.tags && f.tags.length > 0) {
    // Any of the given tags (Pleroma's tags[] semantics).
    qb.where((w) => {
      for (const tag of f.tags!) w.orWhereRaw(`u.tags LIKE ? ESCAPE '\\'`, [setMemberPattern(tag)]);
    });
  }
  if (f.groupId != null) {
    qb.whereExists(knex('group_members as fgm').whereRaw('fgm.user_id = u.id').where('fgm.group_id', f.groupId));
  }
  if (f.usernames) qb.whereIn('u.username', f.usernames);
  if (f.emailIs) qb.where('u.email', f.emailIs);
  for (const role of f.allRoles ?? []) {
    qb.whereExists(
      knex('user_roles as aur').join('roles as ar', 'ar.id', 'aur.role_id').whereRaw('aur.user_id = u.id').where('ar.name', role),
    );
  }
  // Every Gatehouse account is a Person.
  if (f.actorTypes && !f.actorTypes.includes('Person')) qb.whereRaw('1 = 0');
  if (f.staff != null) {
    const holdsAny = (w: Knex.QueryBuilder) =>
      w
        .where('u.admin_console', true)
        .orWhere('u.privileges', '<>', '')
        .orWhereExists(
          knex('user_roles as sur')
            .join('roles as sr', 'sr.id', 'sur.role_id')
            .whereRaw('sur.user_id = u.id')
            .where('sr.privileges', '<>', ''),
        );
    if (f.staff) qb.where(holdsAny);
    else qb.whereNot(holdsAny);
  }
  return qb;
}

const isEmptyFilter = (f: UserFilterValues) =>
  Object.entries(f).every(
    // An empty actorTypes list matches nothing: it is a filter.
    ([k, v]) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0 && k !== 'actorTypes'),
  );

/** The unfiltered list, the hot path of every admin screen: fixed SQL texts, no query builder. */
const PLAIN_LIST = {
  first: `select ${USER_COLUMNS.join(', ')} from users u order by u.id asc limit ?`,
  after: `select ${USER_COLUMNS.join(', ')} from users u where u.id > ? order by u.id asc limit ?`,
  offset: `select ${USER_COLUMNS.join(', ')} from users u order by u.id asc limit ? offset ?`,
  count: 'select count(*) as n from users',
};

/** The same texts, newest first (Akkoma's admin list order). */
const PLAIN_LIST_DESC = {
  first: `select ${USER_COLUMNS.join(', ')} from users u order by u.id desc limit ?`,
  after: `select ${USER_COLUMNS.join(', ')} from users u where u.id < ? order by u.id desc limit ?`,
  offset: `select ${USER_COLUMNS.join(', ')} from users u order by u.id desc limit ? offset ?`,
};

/** One keyset (or offset) page of users in id order (or newest first), plus a lazy count. Reads plain rows. */
export async function listUsers(db: Db, filter: UserFilterValues, page: PageRequest, newestFirst = false) {
  if (isEmptyFilter(filter)) {
    const texts = newestFirst ? PLAIN_LIST_DESC : PLAIN_LIST;
    const rows =
      page.afterId != null
        ? await db.rows(texts.after, [page.afterId, page.limit + 1])
        : page.offset
          ? await db.rows(texts.offset, [page.limit + 1, page.offset])
          : await db.rows(texts.first, [page.limit + 1]);
    const count = async () => Number((await db.rows<{ n: unknown }>(PLAIN_LIST.count, []))[0].n);
    return { rows: rows.map(mapUserRow), count };
  }
  const qb = applyUserFilter(db, db.knex('users as u').select(USER_COLUMNS), filter);
  if (page.afterId != null) qb.where('u.id', newestFirst ? '<' : '>', page.afterId);
  qb.orderBy('u.id', newestFirst ? 'desc' : 'asc').limit(page.limit + 1);
  if (page.offset) qb.offset(page.offset);
  const rows = (await qb) as Array<Record<string, unknown>>;
  const count = async () => {
    const r = await applyUserFilter(db, db.knex('users as u').count({ n: '*' }), filter).first();
    return Number((r as { n: unknown }).n);
  };
  return { rows: rows.map(mapUserRow), count };
}

export async function findUsersByIds(db: Db, ids: readonly number[]): Promise<UserRecord[]> {
  if (ids.length === 0) return [];
  const rows = await db.rows(`select ${USER_COLUMNS.join(', ')} from users u where u.id in (${placeholders(ids.length)})`, ids);
  return rows.map(mapUserRow);
}

export async function findUserByUsername(db: Db, username: string): Promise<UserRecord | null> {
  const row = await db.knex('users as u').select(USER_COLUMNS).where('u.username', username).first();
  return row ? mapUserRow(row as Record<string, unknown>) : null;
}
