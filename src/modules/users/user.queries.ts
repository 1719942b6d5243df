import type { Knex } from '@mikro-orm/knex';
import type { Db } from '../../db/db';
import { likeContains, placeholders } from '../../db/db';
import { toBool, toDate, toDateOrNull } from '../../db/rows';
import { decodeStringSet, setMemberPattern } from '../../db/string-set.type';
import type { PageRequest } from '../../graphql/pagination';
import type { Selection } from '../../graphql/selection';
import type { GroupRecord, RoleRecord } from '../loaders';
import type { User } from './user.entity';

/**
 * A user as read for display: the entity's columns as plain data, never the password hash. A page read
 * for a known selection may carry its roles and groups, read in the page's own statement.
 */
export type UserRecord = Omit<User, 'roles' | 'passwordHash'> & { embedded?: { roles?: RoleRecord[]; groups?: GroupRecord[] } };

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

/** A full row (every USER_COLUMNS column) as a record: the one mapping, USER_PROPS, read whole. */
export function mapUserRow(r: Record<string, unknown>): UserRecord {
  return mapPartial<UserRecord>(USER_PROPS, r);
}

type Convert = (v: unknown) => unknown;
const str: Convert = (v) => String(v);
const strOrNull: Convert = (v) => (v as string | null) ?? null;
const num: Convert = (v) => Number(v);
const numOrNull: Convert = (v) => (v == null ? null : Number(v));
const set: Convert = (v) => decodeStringSet(v as string);

/** Property, column, conversion: what a partial row maps to (only the columns it holds). */
const USER_PROPS: Array<[string, string, Convert]> = [
  ['id', 'id', num],
  ['username', 'username', str],
  ['email', 'email', strOrNull],
  ['displayName', 'display_name', strOrNull],
  ['active', 'active', toBool],
  ['deactivationReason', 'deactivation_reason', strOrNull],
  ['deactivatedAt', 'deactivated_at', toDateOrNull],
  ['deactivatedById', 'deactivated_by_id', numOrNull],
  ['emailConfirmed', 'email_confirmed', toBool],
  ['approved', 'approved', toBool],
  ['mustChangePassword', 'must_change_password', toBool],
  ['adminConsole', 'admin_console', toBool],
  ['language', 'language', strOrNull],
  ['privileges', 'privileges', set],
  ['tags', 'tags', set],
  ['createdAt', 'created_at', toDate],
  ['updatedAt', 'updated_at', toDate],
  ['lastLoginAt', 'last_login_at', toDateOrNull],
];
const ROLE_PROPS: Array<[string, string, Convert]> = [
  ['id', 'id', num],
  ['name', 'name', str],
  ['description', 'description', strOrNull],
  ['privileges', 'privileges', set],
  ['builtIn', 'built_in', toBool],
  ['createdAt', 'created_at', toDate],
  ['updatedAt', 'updated_at', toDate],
];
const GROUP_PROPS: Array<[string, string, Convert]> = [
  ['id', 'id', num],
  ['name', 'name', str],
  ['description', 'description', strOrNull],
  ['ownerId', 'owner_id', numOrNull],
  ['createdAt', 'created_at', toDate],
  ['updatedAt', 'updated_at', toDate],
];

/** Maps only the columns a row holds: a property the read did not select stays absent (undefined). */
function mapPartial<T>(props: Array<[string, string, Convert]>, r: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [prop, column, convert] of props) if (r[column] !== undefined) out[prop] = convert(r[column]);
  return out as T;
}

/**
 * The columns each GraphQL field of a type reads (the id is always read: cursors, loaders and the
 * permission rules use it). A field missing here (a field resolver reading more) makes the whole row read.
 */
const USER_FIELD_COLUMNS: Record<string, readonly string[]> = {
  __typename: [],
  id: [],
  username: ['username'],
  matrixId: ['username'],
  email: ['email'],
  displayName: ['display_name'],
  active: ['active'],
  deactivation: ['active', 'deactivation_reason', 'deactivated_at', 'deactivated_by_id'],
  emailConfirmed: ['email_confirmed'],
  approved: ['approved'],
  mustChangePassword: ['must_change_password'],
  adminConsole: ['admin_console'],
  language: ['language'],
  // Direct privileges; the effective ones add the roles' (read by the roles loader).
  privileges: ['privileges'],
  directPrivileges: ['privileges'],
  tags: ['tags'],
  createdAt: ['created_at'],
  updatedAt: ['updated_at'],
  lastLoginAt: ['last_login_at'],
  roles: [],
  groups: [],
};
const ROLE_FIELD_COLUMNS: Record<string, readonly string[]> = {
  __typename: [],
  id: [],
  name: ['name'],
  description: ['description'],
  privileges: ['privileges'],
  builtIn: ['built_in'],
  createdAt: ['created_at'],
  updatedAt: ['updated_at'],
};
const GROUP_FIELD_COLUMNS: Record<string, readonly string[]> = {
  __typename: [],
  id: [],
  name: ['name'],
  description: ['description'],
  createdAt: ['created_at'],
  updatedAt: ['updated_at'],
};

/** The columns a selection needs, or null when it selects a field not in the table (read everything). */
function columnsFor(selection: Selection, table: Record<string, readonly string[]>): string[] | null {
  const columns = new Set<string>(['id']);
  for (const field of selection.keys()) {
    const needs = table[field];
    if (!needs) return null;
    for (const c of needs) columns.add(c);
  }
  return [...columns];
}

/**
 * How a page of users is read for a selection: the user columns, and the roles and groups to read in
 * the same statement (as JSON), only the columns their selection needs. Null columns = every column.
 */
export interface UserPageShape {
  key: string;
  columns: string[] | null;
  roles: string[] | null;
  groups: string[] | null;
}

export const FULL_SHAPE: UserPageShape = { key: 'full', columns: null, roles: null, groups: null };
const shapes = new WeakMap<Selection, UserPageShape>();

/** The shape for what a client selected under a list's `nodes`. */
export function userPageShape(nodes: Selection | undefined): UserPageShape {
  if (!nodes) return { key: 'id', columns: ['id'], roles: null, groups: null };
  let shape = shapes.get(nodes);
  if (!shape) {
    const columns = columnsFor(nodes, USER_FIELD_COLUMNS);
    const roles = nodes.has('roles') ? columnsFor(nodes.get('roles')!, ROLE_FIELD_COLUMNS) : null;
    const groups = nodes.has('groups') ? columnsFor(nodes.get('groups')!, GROUP_FIELD_COLUMNS) : null;
    shape = { key: `${columns?.join() ?? '*'}|${roles?.join() ?? '-'}|${groups?.join() ?? '-'}`, columns, roles, groups };
    shapes.set(nodes, shape);
  }
  return shape;
}

/** One relation of a user as a JSON array of objects, ordered by name, read inside the page statement. */
function embeddedSql(
  driver: Db['driver'],
  columns: string[],
  relation: { table: string; alias: string; link: string; linkColumn: string },
  as: string,
): string {
  const { table, alias, link, linkColumn } = relation;
  const from = `${link} l join ${table} ${alias} on ${alias}.id = l.${linkColumn} where l.user_id = u.id`;
  if (driver === 'postgresql') {
    const obj = columns.map((c) => `'${c}', ${alias}.${c}`).join(', ');
    return `(select coalesce(json_agg(json_build_object(${obj}) order by ${alias}.name), '[]'::json) from ${from}) as ${as}`;
  }
  // SQLite keeps the order of an ordered subquery in json_group_array.
  const obj = columns.map((c) => `'${c}', x.${c}`).join(', ');
  const inner = columns.map((c) => `${alias}.${c}`).join(', ');
  return `(select json_group_array(json_object(${obj})) from (select ${inner} from ${from} order by ${alias}.name) x) as ${as}`;
}

const ROLES_RELATION = { table: 'roles', alias: 'r', link: 'user_roles', linkColumn: 'role_id' };
const GROUPS_RELATION = { table: '"groups"', alias: 'g', link: 'group_members', linkColumn: 'group_id' };

/** The select list of a page of a shape (memoised: a few shapes per deployment). */
const selectLists = new Map<string, string[]>();
function selectList(driver: Db['driver'], shape: UserPageShape): string[] {
  const key = `${driver}|${shape.key}`;
  let list = selectLists.get(key);
  if (!list) {
    list = shape.columns ? shape.columns.map((c) => `u.${c}`) : [...USER_COLUMNS];
    if (shape.roles) list.push(embeddedSql(driver, shape.roles, ROLES_RELATION, 'embedded_roles'));
    if (shape.groups) list.push(embeddedSql(driver, shape.groups, GROUPS_RELATION, 'embedded_groups'));
    if (selectLists.size < 500) selectLists.set(key, list);
  }
  return list;
}

const parseEmbedded = (v: unknown): Array<Record<string, unknown>> =>
  (typeof v === 'string' ? JSON.parse(v) : v) as Array<Record<string, unknown>>;

function mapPageRow(shape: UserPageShape): (r: Record<string, unknown>) => UserRecord {
  return (r) => {
    const user = mapPartial<UserRecord>(USER_PROPS, r);
    if (shape.roles || shape.groups) {
      user.embedded = {};
      if (shape.roles) user.embedded.roles = parseEmbedded(r.embedded_roles).map((x) => mapPartial<RoleRecord>(ROLE_PROPS, x));
      if (shape.groups) user.embedded.groups = parseEmbedded(r.embedded_groups).map((x) => mapPartial<GroupRecord>(GROUP_PROPS, x));
    }
    return user;
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

const COUNT_ALL = 'select count(*) as n from users';

/** The unfiltered list's texts, the hot path of every admin screen: fixed per shape, no query builder. */
const plainTexts = new Map<string, { first: string; after: string; offset: string }>();
function plainList(driver: Db['driver'], shape: UserPageShape, newestFirst: boolean) {
  const key = `${driver}|${shape.key}|${newestFirst}`;
  let texts = plainTexts.get(key);
  if (!texts) {
    const cols = selectList(driver, shape).join(', ');
    const [dir, cmp] = newestFirst ? ['desc', '<'] : ['asc', '>'];
    texts = {
      first: `select ${cols} from users u order by u.id ${dir} limit ?`,
      after: `select ${cols} from users u where u.id ${cmp} ? order by u.id ${dir} limit ?`,
      offset: `select ${cols} from users u order by u.id ${dir} limit ? offset ?`,
    };
    if (plainTexts.size < 500) plainTexts.set(key, texts);
  }
  return texts;
}

/**
 * One keyset (or offset) page of users in id order (or newest first), plus a lazy count. Reads plain
 * rows: the columns and relations `shape` asks for, in one statement.
 */
export async function listUsers(db: Db, filter: UserFilterValues, page: PageRequest, newestFirst = false, shape = FULL_SHAPE) {
  const map = mapPageRow(shape);
  if (isEmptyFilter(filter)) {
    const texts = plainList(db.driver, shape, newestFirst);
    const rows =
      page.afterId != null
        ? await db.rows(texts.after, [page.afterId, page.limit + 1])
        : page.offset
          ? await db.rows(texts.offset, [page.limit + 1, page.offset])
          : await db.rows(texts.first, [page.limit + 1]);
    const count = async () => Number((await db.rows<{ n: unknown }>(COUNT_ALL, []))[0].n);
    return { rows: rows.map(map), count };
  }
  const qb = applyUserFilter(db, db.knex('users as u').select(selectList(db.driver, shape).map((c) => db.knex.raw(c))), filter);
  if (page.afterId != null) qb.where('u.id', newestFirst ? '<' : '>', page.afterId);
  qb.orderBy('u.id', newestFirst ? 'desc' : 'asc').limit(page.limit + 1);
  if (page.offset) qb.offset(page.offset);
  const rows = (await qb) as Array<Record<string, unknown>>;
  const count = async () => {
    const r = await applyUserFilter(db, db.knex('users as u').count({ n: '*' }), filter).first();
    return Number((r as { n: unknown }).n);
  };
  return { rows: rows.map(map), count };
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
