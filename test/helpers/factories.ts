import { AccessToken } from '../../src/modules/auth/access-token.entity';
import { generateToken, hashToken } from '../../src/auth/tokens';
import { Group, GroupMember } from '../../src/modules/groups/group.entity';
import type { Privilege } from '../../src/modules/privileges/privilege.enum';
import { Role } from '../../src/modules/roles/role.entity';
import { User } from '../../src/modules/users/user.entity';
import type { TestApp } from './app';

let seq = 0;

export interface Actor {
  id: string;
  username: string;
  token: string;
}

export interface UserSpec {
  username?: string;
  password?: string;
  email?: string;
  privileges?: Array<`${Privilege}`>;
  roles?: string[];
  active?: boolean;
  tags?: string[];
}

/**
 * Seeds a user holding the given privileges and roles, with a live session token. Seeding goes to the
 * database directly (fast set-up); everything under test goes through HTTP.
 */
export async function createUser(t: TestApp, spec: UserSpec = {}): Promise<Actor> {
  const em = t.app.deps.orm.em.fork();
  const username = spec.username ?? `user${++seq}-${Date.now().toString(36)}`;
  const user = em.create(User, {
    username,
    email: spec.email ?? null,
    privileges: spec.privileges ?? [],
    active: spec.active ?? true,
    tags: spec.tags ?? [],
    passwordHash: spec.password ? await t.app.deps.hasher.hash(spec.password) : null,
  });
  for (const name of spec.roles ?? []) user.roles.add(await em.findOneOrFail(Role, { name }));
  const token = generateToken();
  em.create(AccessToken, { tokenHash: hashToken(token), user, expiresAt: new Date(Date.now() + 3600_000) });
  await em.flush();
  return { id: String(user.id), username, token };
}

export async function createGroup(t: TestApp, owner: Actor, name: string, members: Actor[] = []): Promise<string> {
  const em = t.app.deps.orm.em.fork();
  const ownerRef = em.getReference(User, Number(owner.id));
  const group = em.create(Group, { name, owner: ownerRef });
  em.create(GroupMember, { group, user: ownerRef });
  for (const m of members) em.create(GroupMember, { group, user: em.getReference(User, Number(m.id)) });
  await em.flush();
  return String(group.id);
}

/** Counts audit entries with this action (read straight from the table). */
export async function auditCount(t: TestApp, action?: string): Promise<number> {
  const qb = t.app.deps.db.knex('audit_entries');
  if (action) qb.where('action', action);
  const row = await qb.count({ n: '*' }).first();
  return Number((row as { n: unknown }).n);
}
