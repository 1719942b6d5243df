import type { EntityManager } from '@mikro-orm/core';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError } from '../../errors/errors';
import { mapRoleRow, ROLE_COLUMNS, type RoleRecord } from '../loaders';
import { assertCanGrant, assertMayHandleGrant } from '../../permissions/guards';
import { subject } from '../audit/audit.service';
import { BaseService, parseId, parseIds } from '../base.service';
import { keepingAnAllHolder } from '../privileges/all-holders';
import { normalizePrivileges, Privilege } from '../privileges/privilege.enum';
import { type User } from '../users/user.entity';
import { Role } from './role.entity';
import type { CreateRoleInput, UpdateRoleInput } from './role.inputs';

export const BUILT_IN_ROLES: ReadonlyArray<{ name: string; description: string; privileges: Privilege[] }> = [
  { name: 'admin', description: 'Administrators: every privilege.', privileges: [Privilege.ALL] },
  {
    name: 'moderator',
    description: 'Moderators: read accounts and act on reports.',
    privileges: [Privilege.VIEW_USERS, Privilege.MODERATE_REPORTS],
  },
];

/** Creates the built-in roles when missing (idempotent, runs at start). */
export async function ensureBuiltInRoles(em: EntityManager): Promise<void> {
  for (const def of BUILT_IN_ROLES) {
    const existing = await em.findOne(Role, { name: def.name });
    if (!existing) em.create(Role, { ...def, builtIn: true });
  }
  await em.flush();
}

export class RoleService extends BaseService {
  async list(): Promise<RoleRecord[]> {
    const rows = await this.ctx.db.knex('roles as r').select(ROLE_COLUMNS).orderBy('r.name');
    return (rows as Array<Record<string, unknown>>).map(mapRoleRow);
  }

  async get(id?: string | null, name?: string | null): Promise<RoleRecord> {
    if ((id == null) === (name == null)) throw new BadInputError('Give exactly one of id or name.', 'id');
    const qb = this.ctx.db.knex('roles as r').select(ROLE_COLUMNS);
    if (id != null) qb.where('r.id', parseId(id));
    else qb.where('r.name', name!);
    const row = await qb.first();
    if (!row) throw new NotFoundError('Role', (id ?? name)!);
    return mapRoleRow(row as Record<string, unknown>);
  }

  private async load(em: EntityManager, id: string, field = 'id'): Promise<Role> {
    const role = await em.findOne(Role, { id: parseId(id, field) });
    if (!role) throw new NotFoundError('Role', id);
    return role;
  }

  async create(input: CreateRoleInput): Promise<Role> {
    const privileges = normalizePrivileges(input.privileges);
    assertCanGrant(this.viewer, privileges, await this.allowEscalation());
    return this.tx(async (em) => {
      if (await em.findOne(Role, { name: input.name })) throw new ConflictError(`Role name is taken: ${input.name}`);
      const role = em.create(Role, { name: input.name, description: input.description ?? null, privileges });
      await em.flush();
      this.ctx.services.audit.record(em, {
        action: 'role.create',
        subjects: [subject.role(role)],
        data: { privileges },
        message: `created role ${role.name} (${privileges.join(', ') || 'no privileges'})`,
      });
      return role;
    });
  }

  async update(id: string, input: UpdateRoleInput): Promise<Role> {
    const allowEscalation = await this.allowEscalation();
    return this.tx(
      async (em) => {
        const role = await this.load(em, id);
        // A role hands out its privileges to everyone holding it (and to invites naming it): renaming,
        // describing or re-scoping it is granting them, so it needs every privilege it carries.
        assertMayHandleGrant(this.viewer, `Role ${role.name}`, role.privileges, allowEscalation);
        const before = { name: role.name, privileges: [...role.privileges] };
        if (input.name != null && input.name !== role.name) {
          if (role.builtIn) throw new ForbiddenError('Built-in roles cannot be renamed.', { reason: 'BUILT_IN_ROLE' });
          if (await em.findOne(Role, { name: input.name })) throw new ConflictError(`Role name is taken: ${input.name}`);
          role.name = input.name;
        }
        if (input.description !== undefined) role.description = input.description;
        await keepingAnAllHolder(
          em,
          async () => {
            if (input.privileges != null) {
              const next = normalizePrivileges(input.privileges);
              if (role.name === 'admin' && role.builtIn && !next.includes(Privilege.ALL)) {
                throw new ForbiddenError('The built-in admin role always holds ALL.', { reason: 'BUILT_IN_ROLE' });
              }
              const changed = [
                ...next.filter((p) => !role.privileges.includes(p)),
                ...role.privileges.filter((p) => !next.includes(p as Privilege)),
              ];
              assertCanGrant(this.viewer, changed, allowEscalation);
              role.privileges = next;
            }
          },
          this.ctx.viewer?.id,
        );
        this.ctx.services.audit.record(em, {
          action: 'role.update',
          subjects: [subject.role(role)],
          data: { before, after: { name: role.name, privileges: role.privileges } },
          message: `updated role ${role.name}`,
        });
        return role;
      },
      { serializable: true },
    );
  }

  async delete(id: string): Promise<string> {
    const allowEscalation = await this.allowEscalation();
    return this.tx(
      async (em) => {
        const role = await this.load(em, id);
        if (role.builtIn) throw new ForbiddenError(`The built-in role ${role.name} cannot be deleted.`, { reason: 'BUILT_IN_ROLE' });
        assertCanGrant(this.viewer, role.privileges, allowEscalation);
        await keepingAnAllHolder(
          em,
          async () => {
            em.remove(role);
          },
          this.ctx.viewer?.id,
        );
        this.ctx.services.audit.record(em, {
          action: 'role.delete',
          subjects: [subject.role(role)],
          message: `deleted role ${role.name}`,
        });
        return String(role.id);
      },
      { serializable: true },
    );
  }

  /** Assigning a role hands out its privileges: the escalation rule applies to them. */
  async assign(
    users: { ids?: string[] | null; usernames?: string[] | null },
    roleRef: { id?: string | null; name?: string | null },
    assign: boolean,
  ): Promise<User[]> {
    if ((roleRef.id == null) === (roleRef.name == null)) throw new BadInputError('Give exactly one of roleId or roleName.', 'roleId');
    const ids = users.ids != null ? parseIds(users.ids, 'userIds') : await this.ctx.services.users.resolveRefs(null, users.usernames);
    const viewer = this.viewer;
    const allowEscalation = await this.allowEscalation();
    return this.tx(
      async (em) => {
        const role = roleRef.id != null ? await this.load(em, roleRef.id, 'roleId') : await em.findOne(Role, { name: roleRef.name! });
        if (!role) throw new NotFoundError('Role', roleRef.name!);
        assertCanGrant(viewer, role.privileges, allowEscalation);
        if (!assign && role.name === 'admin' && ids.includes(viewer.id)) {
          throw new ForbiddenError("You can't revoke your own admin status.", { reason: 'OWN_ADMIN_ROLE' });
        }
        const users = await this.ctx.services.users.loadAll(em, ids);
        await em.populate(users, ['roles']);
        await this.ctx.services.users.assertCanActOn(em, users, allowEscalation);
        await keepingAnAllHolder(
          em,
          async () => {
            for (const u of users) {
              if (assign) u.roles.add(role);
              else u.roles.remove(role);
            }
          },
          this.ctx.viewer?.id,
        );
        this.ctx.services.audit.record(em, {
          action: assign ? 'role.assign' : 'role.unassign',
          subjects: [subject.role(role), ...users.map(subject.user)],
          data: { role: role.name, privileges: role.privileges },
          message: `${assign ? 'gave' : 'took'} role ${role.name} ${assign ? 'to' : 'from'} ${users.map((u) => `@${u.username}`).join(', ')}`,
        });
        return users;
      },
      { serializable: true },
    );
  }
}
