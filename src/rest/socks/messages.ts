import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { z } from 'zod';
import * as ops from '../operations/__generated__/operations';

/** What a connection (or an HTTP caller's bearer token) carries between messages. */
export interface SocksSession {
  token: string | null;
  username: string | null;
}

/**
 * One message type: the shape of its `data` (zod), the GraphQL operation it runs, the variables and
 * the reply's fields beside `status: "OK"`. Like a REST row, it translates and never decides.
 */
export interface MessageRow<TData = any, TVars = any, TIn = any> {
  type: number;
  data: z.ZodType<TIn>;
  operation: TypedDocumentNode<TData, TVars>;
  variables(data: TIn, session: SocksSession): TVars;
  reply(result: TData, data: TIn): Record<string, unknown>;
  /** The message signs the connection in with the token it answers (300, 301). */
  signIn?(result: TData): { token: string; username: string };
  /** The message needs the session's username (HTTP callers only send a token). */
  needsUsername?: boolean;
  /** For one type whose data decides the operation (321 with `remove`). */
  select?(data: TIn): MessageRow | undefined;
}

function message<TData, TVars, TIn>(m: MessageRow<TData, TVars, TIn>): MessageRow<TData, TVars, TIn> {
  return m;
}

const name = z.string().min(1).max(256);
const text = z.string().max(1000);
/** Pages are numbered from 1; a page holds at most 500 (the GraphQL maximum). */
const paging = z.object({
  filter: z.string().max(256).optional().default(''),
  page: z.number().int().min(1).max(1_000_000).optional().default(1),
  pageSize: z.number().int().min(1).max(500).optional().default(10),
});
const pageVars = (d: z.infer<typeof paging>) => ({ query: d.filter || null, offset: (d.page - 1) * d.pageSize, first: d.pageSize });
const pages = (total: number, pageSize: number) => Math.ceil(total / pageSize);

const signedIn = (r: { token: string; user: { username: string; displayName?: string | null; roles: Array<{ name: string }> } }) => ({
  user: r.user.username,
  displayName: r.user.displayName ?? r.user.username,
  roles: r.user.roles.map((x) => x.name),
});

const removeRole = message({
  type: 321,
  data: z.object({ name, remove: z.literal(true) }),
  operation: ops.Socks321RemoveRoleDocument,
  variables: (d) => ({ name: d.name }),
  reply: () => ({}),
});

export const MESSAGES: MessageRow[] = [
  message({
    type: 300,
    data: z.object({ user: name, password: z.string().min(1).max(1024) }),
    operation: ops.Socks300LoginDocument,
    variables: (d) => ({ username: d.user, password: d.password }),
    reply: (r) => signedIn(r.login),
    signIn: (r) => ({ token: r.login.token, username: r.login.user.username }),
  }),
  message({
    type: 301,
    data: z.object({
      user: name,
      password: z.string().min(1).max(1024),
      email: z.string().max(320).optional(),
      inviteToken: z.string().max(64).optional(),
    }),
    operation: ops.Socks301RegisterDocument,
    variables: (d) => ({ input: { username: d.user, password: d.password, email: d.email ?? null, inviteToken: d.inviteToken ?? null } }),
    reply: (r) => signedIn(r.register),
    signIn: (r) => ({ token: r.register.token, username: r.register.user.username }),
  }),
  message({
    type: 302,
    needsUsername: true,
    data: z.object({
      user: name.optional(),
      displayName: z.string().max(256).nullable().optional(),
      email: z.string().max(320).nullable().optional(),
      password: z.string().max(1024).optional(),
      newPassword: z.string().max(1024).optional(),
    }),
    operation: ops.Socks302EditDocument,
    variables: (d, session) => {
      const target = d.user ?? session.username;
      if (!target) throw new SocksInputError('Authentication required.');
      const self = target === session.username;
      // Editing oneself needs the current password (data.password) and sets data.newPassword;
      // an administrator editing someone else sets data.password directly.
      if (self && !d.password) throw new SocksInputError('password (the current one) is required to edit your own data.');
      return {
        username: target,
        input: {
          displayName: d.displayName,
          email: d.email,
          password: self ? (d.newPassword ?? null) : (d.password ?? d.newPassword ?? null),
          currentPassword: self ? d.password : null,
        },
      };
    },
    reply: () => ({}),
  }),
  message({
    type: 310,
    data: paging,
    operation: ops.Socks310UsersDocument,
    variables: pageVars,
    reply: (r, d) => ({
      pages: pages(r.users.totalCount, d.pageSize),
      users: r.users.nodes.map((u) => ({
        user: u.username,
        displayName: u.displayName ?? u.username,
        email: u.email ?? null,
        roles: (u.roles ?? []).map((x) => x.name),
      })),
    }),
  }),
  message({
    type: 320,
    data: z.object({}),
    operation: ops.Socks320RolesDocument,
    variables: () => ({}),
    reply: (r) => ({ roles: r.roles.map((x) => ({ name: x.name, description: x.description ?? '' })) }),
  }),
  message({
    type: 321,
    data: z.object({ name, description: text.optional(), remove: z.boolean().optional() }),
    operation: ops.Socks321CreateRoleDocument,
    variables: (d) => ({ input: { name: d.name, description: d.description ?? null } }),
    reply: () => ({}),
    select: (d) => (d.remove === true ? removeRole : undefined),
  }),
  message({
    type: 322,
    data: z.object({ name, user: name }),
    operation: ops.Socks322AssignRoleDocument,
    variables: (d) => ({ role: d.name, user: d.user }),
    reply: () => ({}),
  }),
  message({
    type: 330,
    data: paging,
    operation: ops.Socks330GroupsDocument,
    variables: pageVars,
    reply: (r, d) => ({
      pages: pages(r.groups.totalCount, d.pageSize),
      groups: r.groups.nodes.map((g) => ({ name: g.name, description: g.description ?? '', owner: g.owner?.username ?? null })),
    }),
  }),
  message({
    type: 331,
    data: z.object({ name, description: text.optional() }),
    operation: ops.Socks331SaveGroupDocument,
    variables: (d) => ({ input: { name: d.name, description: d.description ?? null } }),
    reply: () => ({}),
  }),
  message({
    type: 332,
    data: z.object({ user: name, group: name }),
    operation: ops.Socks332AddMemberDocument,
    variables: (d) => ({ group: d.group, user: d.user }),
    reply: () => ({}),
  }),
  message({
    type: 333,
    data: z.object({ user: name }),
    operation: ops.Socks333UserGroupsDocument,
    variables: (d) => ({ user: d.user }),
    reply: (r, d) => ({ user: d.user, groups: r.groups.nodes.map((g) => ({ name: g.name, description: g.description ?? '' })) }),
  }),
  message({
    type: 340,
    data: z.object({ key: z.string().min(1).max(256) }),
    operation: ops.Socks340KvGetDocument,
    variables: (d) => ({ key: d.key }),
    reply: (r, d) => ({ key: d.key, value: r.kv?.value ?? null }),
  }),
  message({
    type: 341,
    data: z.object({ key: z.string().min(1).max(256), value: z.unknown() }),
    operation: ops.Socks341KvSetDocument,
    variables: (d) => ({ key: d.key, value: d.value ?? null }),
    reply: () => ({}),
  }),
];

/** Data the protocol cannot even translate: answered KO without running anything. */
export class SocksInputError extends Error {}
