import { BadInputError } from '../../errors/errors';
import * as ops from '../operations/__generated__/operations';
import { intParam, listParam, row, type RestRequest, type RouteRow, type UnimplementedRow } from '../route';
import { pleromaLogItem, pleromaUser } from './serializers';

/** Request parameters may come in the query string or the JSON body (DELETE included). */
const params = (req: RestRequest): Record<string, unknown> => ({ ...req.query, ...req.body });

function nicknames(req: RestRequest): string[] {
  const p = params(req);
  const list = listParam(p, 'nicknames') ?? listParam(p, 'nickname');
  if (!list || list.length === 0) throw new BadInputError('nicknames is required', 'nicknames');
  return list;
}

function page(req: RestRequest, defaultSize = 50) {
  const p = params(req);
  const pageNo = intParam(p, 'page', 1);
  const size = intParam(p, 'page_size', defaultSize);
  if (!(pageNo >= 1)) throw new BadInputError('page must be a positive integer', 'page');
  if (!(size >= 1 && size <= 500)) throw new BadInputError('page_size must be between 1 and 500', 'page_size');
  return { first: size, offset: (pageNo - 1) * size, size };
}

/** Akkoma's `filters` words onto the GraphQL user filter. */
function userFilter(req: RestRequest) {
  const p = params(req);
  const words = new Set(listParam(p, 'filters') ?? []);
  const roles = [...(words.has('is_admin') ? ['admin'] : []), ...(words.has('is_moderator') ? ['moderator'] : [])];
  const str = (k: string) => (typeof p[k] === 'string' && p[k] !== '' ? (p[k] as string) : undefined);
  return {
    query: str('query'),
    displayName: str('name'),
    email: str('email'),
    tags: listParam(p, 'tags'),
    roles: roles.length ? roles : undefined,
    local: words.has('external') && !words.has('local') ? false : undefined,
    active: words.has('active') && !words.has('deactivated') ? true : words.has('deactivated') && !words.has('active') ? false : undefined,
    approved: words.has('need_approval') ? false : undefined,
    emailConfirmed: words.has('unconfirmed') ? false : undefined,
  };
}

export const PLEROMA_ROWS: RouteRow[] = [
  row({
    method: 'GET',
    path: '/users',
    operation: ops.PleromaUsersDocument,
    variables: (req) => {
      const { first, offset } = page(req);
      return { filter: userFilter(req), first, offset };
    },
    serialize: (data, req) => ({
      users: data.users.nodes.map(pleromaUser),
      count: data.users.totalCount,
      page_size: page(req).size,
    }),
  }),
  row({
    method: 'GET',
    path: '/users/:nickname_or_id',
    operation: ops.PleromaUserDocument,
    variables: (req) => ({ ref: req.params.nickname_or_id }),
    serialize: (data) => pleromaUser(data.user!),
  }),
  row({
    method: 'POST',
    path: '/users',
    operation: ops.PleromaCreateUsersDocument,
    variables: (req) => {
      const users = req.body.users;
      if (!Array.isArray(users) || users.length === 0) throw new BadInputError('users is required', 'users');
      return {
        inputs: users.map((u: Record<string, unknown>) => ({
          username: String(u?.nickname ?? ''),
          email: typeof u?.email === 'string' ? u.email : null,
          password: typeof u?.password === 'string' ? u.password : null,
        })),
      };
    },
    serialize: (data) => data.createUsers.map((u) => ({ type: 'success', code: 200, data: { nickname: u.username, email: u.email } })),
    // Akkoma answers a taken nickname or email with an array of per-user errors (nothing is created).
    onError: (e, req) =>
      e.code === 'CONFLICT'
        ? {
            status: 409,
            body: (req.body.users as Array<Record<string, unknown>>).map((u) => ({
              type: 'error',
              code: 409,
              error: e.message,
              data: { nickname: u?.nickname ?? null, email: u?.email ?? null },
            })),
          }
        : undefined,
  }),
  row({
    method: 'DELETE',
    path: '/users',
    operation: ops.PleromaDeleteUsersDocument,
    variables: (req) => ({ usernames: nicknames(req) }),
    // The deprecated single form (`nickname`) answers the nickname itself.
    serialize: (_data, req) => {
      const names = nicknames(req);
      return params(req).nicknames === undefined && params(req)['nicknames[]'] === undefined ? names[0] : names;
    },
  }),
  row({
    method: 'PATCH',
    path: '/users/activate',
    operation: ops.PleromaActivateUsersDocument,
    variables: (req) => ({ usernames: nicknames(req) }),
    serialize: (data) => ({ users: data.activateUsers.map(pleromaUser) }),
  }),
  row({
    method: 'PATCH',
    path: '/users/deactivate',
    operation: ops.PleromaDeactivateUsersDocument,
    variables: (req) => ({ usernames: nicknames(req) }),
    serialize: (data) => ({ users: data.deactivateUsers.map(pleromaUser) }),
  }),
  row({
    method: 'PUT',
    path: '/users/tag',
    operation: ops.PleromaTagUsersDocument,
    variables: (req) => ({ usernames: nicknames(req), tags: listParam(params(req), 'tags') ?? [] }),
    status: 204,
  }),
  row({
    method: 'DELETE',
    path: '/users/tag',
    operation: ops.PleromaUntagUsersDocument,
    variables: (req) => ({ usernames: nicknames(req), tags: listParam(params(req), 'tags') ?? [] }),
    status: 204,
  }),
  row({
    method: 'GET',
    path: '/moderation_log',
    operation: ops.PleromaModerationLogDocument,
    variables: (req) => {
      const { first, offset } = page(req);
      const p = params(req);
      const date = (k: string) => {
        if (typeof p[k] !== 'string' || p[k] === '') return undefined;
        const d = new Date(p[k] as string);
        if (Number.isNaN(d.getTime())) throw new BadInputError(`${k} must be an ISO 8601 date`, k);
        return d.toISOString();
      };
      return {
        first,
        offset,
        filter: {
          actorId: typeof p.user_id === 'string' && p.user_id !== '' ? p.user_id : undefined,
          from: date('start_date'),
          to: date('end_date'),
          search: typeof p.search === 'string' && p.search !== '' ? p.search : undefined,
        },
      };
    },
    serialize: (data) => ({ items: data.auditLog.nodes.map(pleromaLogItem), total: data.auditLog.totalCount }),
  }),
];

/** Outside Gatehouse's domain: answered 501 {"error":"Not implemented by Gatehouse"} (README lists them). */
export const PLEROMA_UNIMPLEMENTED: UnimplementedRow[] = [
  { method: 'POST', path: '/users/follow' },
  { method: 'POST', path: '/users/unfollow' },
  { method: 'PATCH', path: '/users/suggest' },
  { method: 'PATCH', path: '/users/unsuggest' },
  { method: 'GET', path: '/users/:nickname/statuses' },
  { method: 'GET', path: '/statuses' },
  { method: 'GET', path: '/statuses/:id' },
  { method: 'PUT', path: '/statuses/:id' },
  { method: 'DELETE', path: '/statuses/:id' },
  { method: 'GET', path: '/relay' },
  { method: 'POST', path: '/relay' },
  { method: 'DELETE', path: '/relay' },
  { method: 'POST', path: '/reload_emoji' },
  { method: 'GET', path: '/instances/:instance/statuses' },
  { method: 'DELETE', path: '/instances/:instance' },
  { method: 'GET', path: '/config/migrate_to_db' },
  { method: 'GET', path: '/config/migrate_from_db' },
  { method: 'GET', path: '/frontends' },
  { method: 'POST', path: '/frontends/install' },
  { method: 'GET', path: '/backups' },
  { method: 'GET', path: '/chats/:id' },
];
