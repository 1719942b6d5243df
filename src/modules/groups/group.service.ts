import type { EntityManager } from '@mikro-orm/core';
import { BadInputError, ConflictError, NotFoundError } from '../../errors/errors';
import { likeContains } from '../../db/db';
import { GROUP_COLUMNS, mapGroupRow, type GroupRecord } from '../loaders';
import { pageRequest, toPage, type PageArgs } from '../../graphql/pagination';
import { subject } from '../audit/audit.service';
import { BaseService, parseId, parseIds } from '../base.service';
import { User } from '../users/user.entity';
import { Group, GroupMember } from './group.entity';
import type { CreateGroupInput, GroupFilter, UpdateGroupInput } from './group.inputs';

/** Groups: the creator owns it and is its first member. Who may edit is decided by the permission map. */
export class GroupService extends BaseService {
  async get(id: string): Promise<GroupRecord> {
    const group = await this.ctx.loaders.groupById.load(parseId(id));
    if (!group) throw new NotFoundError('Group', id);
    return group;
  }

  async list(filter: GroupFilter | null | undefined, args: PageArgs) {
    const page = pageRequest(args);
    const { db } = this.ctx;
    const where = (qb: import('@mikro-orm/knex').Knex.QueryBuilder) => {
      if (filter?.query) {
        const p = likeContains(filter.query);
        qb.where((w) => w.whereRaw(db.ilike('g.name'), [p]).orWhereRaw(db.ilike('g.description'), [p]));
      }
      if (filter?.member) {
        qb.whereExists(
          db
            .knex('group_members as fm')
            .join('users as fu', 'fu.id', 'fm.user_id')
            .whereRaw('fm.group_id = g.id')
            .where('fu.username', filter.member),
        );
      }
      return qb;
    };
    const qb = where(db.knex('groups as g').select(GROUP_COLUMNS));
    if (page.afterId != null) qb.where('g.id', '>', page.afterId);
    qb.orderBy('g.id').limit(page.limit + 1);
    if (page.offset) qb.offset(page.offset);
    const rows = ((await qb) as Array<Record<string, unknown>>).map(mapGroupRow);
    const count = async () => Number(((await where(db.knex('groups as g').count({ n: '*' })).first()) as { n: unknown }).n);
    return { ...toPage(rows, page.limit), count };
  }

  private async load(em: EntityManager, id: string, field = 'id'): Promise<Group> {
    const group = await em.findOne(Group, { id: parseId(id, field) });
    if (!group) throw new NotFoundError('Group', id);
    return group;
  }

  private static record(g: Group): GroupRecord {
    return {
      id: g.id,
      name: g.name,
      description: g.description ?? null,
      ownerId: g.owner?.id ?? null,
      createdAt: g.createdAt,
      updatedAt: g.updatedAt,
    };
  }

  async create(input: CreateGroupInput): Promise<GroupRecord> {
    const viewer = this.viewer;
    return this.tx(async (em) => {
      if (await em.findOne(Group, { name: input.name })) throw new ConflictError(`Group name is taken: ${input.name}`);
      const owner = em.getReference(User, viewer.id);
      const group = em.create(Group, { name: input.name, description: input.description ?? null, owner });
      em.create(GroupMember, { group, user: owner });
      await em.flush();
      this.ctx.services.audit.record(em, {
        action: 'group.create',
        subjects: [subject.group(group)],
        message: `created group ${group.name}`,
      });
      return GroupService.record(group);
    });
  }

  /**
   * Creates the group, or changes the description of the group of that name (Socks 331). Whether the
   * caller may change an existing group was decided by the permission map.
   */
  async upsert(input: CreateGroupInput): Promise<GroupRecord> {
    const existing = await this.ctx.db.knex('groups').where('name', input.name).first('id');
    if (!existing) return this.create(input);
    return this.update(String((existing as { id: number }).id), { description: input.description ?? null });
  }

  /** A group id from an id or a name (exactly one). */
  async resolve(id?: string | null, name?: string | null): Promise<string> {
    if ((id == null) === (name == null)) throw new BadInputError('Give exactly one of groupId or groupName.', 'groupId');
    if (id != null) return id;
    const row = await this.ctx.db.knex('groups').where('name', name!).first('id');
    if (!row) throw new NotFoundError('Group', name!);
    return String((row as { id: number }).id);
  }

  async update(id: string, input: UpdateGroupInput): Promise<GroupRecord> {
    return this.tx(async (em) => {
      const group = await this.load(em, id);
      const before = { name: group.name, description: group.description ?? null };
      if (input.name != null && input.name !== group.name) {
        if (await em.findOne(Group, { name: input.name })) throw new ConflictError(`Group name is taken: ${input.name}`);
        group.name = input.name;
      }
      if (input.description !== undefined) group.description = input.description;
      await em.flush();
      this.ctx.services.audit.record(em, {
        action: 'group.update',
        subjects: [subject.group(group)],
        data: { before, after: { name: group.name, description: group.description ?? null } },
        message: `updated group ${group.name}`,
      });
      return GroupService.record(group);
    });
  }

  async delete(id: string): Promise<string> {
    return this.tx(async (em) => {
      const group = await this.load(em, id);
      await em.nativeDelete(GroupMember, { group: group.id });
      em.remove(group);
      this.ctx.services.audit.record(em, {
        action: 'group.delete',
        subjects: [subject.group(group)],
        message: `deleted group ${group.name}`,
      });
      return String(group.id);
    });
  }

  async changeMembers(groupId: string, userIds: string[], add: boolean): Promise<GroupRecord> {
    const ids = parseIds(userIds, 'userIds');
    return this.tx(async (em) => {
      const group = await this.load(em, groupId, 'groupId');
      const users = await this.ctx.services.users.loadAll(em, ids);
      const existing = await em.find(GroupMember, { group: group.id, user: { $in: ids } });
      const present = new Set(existing.map((m) => m.user.id));
      if (add) {
        for (const u of users) if (!present.has(u.id)) em.create(GroupMember, { group, user: u });
      } else {
        for (const m of existing) em.remove(m);
      }
      await em.flush();
      this.ctx.services.audit.record(em, {
        action: add ? 'group.add_members' : 'group.remove_members',
        subjects: [subject.group(group), ...users.map(subject.user)],
        message: `${add ? 'added' : 'removed'} ${users.map((u) => `@${u.username}`).join(', ')} ${add ? 'to' : 'from'} group ${group.name}`,
      });
      return GroupService.record(group);
    });
  }
}
