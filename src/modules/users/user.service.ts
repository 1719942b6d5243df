import { validate } from 'class-validator';
import type { EntityManager } from '@mikro-orm/core';
import { AccessToken } from '../auth/access-token.entity';
import { BadInputError, ConflictError, NotFoundError, UnauthenticatedError } from '../../errors/errors';
import { pageRequest, toPage, type PageArgs } from '../../graphql/pagination';
import { subject } from '../audit/audit.service';
import { BaseService, parseId, parseIds } from '../base.service';
import { keepingAnAllHolder } from '../privileges/all-holders';
import { PrivilegeService } from '../privileges/privilege.service';
import { normalizePrivileges } from '../privileges/privilege.enum';
import { assertCanActFor, assertCanActOn, assertCanDelete, assertCanGrant } from '../../permissions/guards';
import { resolveOpenReports } from '../reports/report.service';
import { User } from './user.entity';
import { MAX_BULK, TAG_PATTERN, UpdateUserInput, type CreateUserInput, type UserFilter } from './user.inputs';
import { findUserByUsername, listUsers, type UserPageShape, type UserRecord } from './user.queries';
import type { Selection } from '../../graphql/selection';

/** Users: accounts, their activation state and tags. Every change is one transaction with its audit entry. */
/** Viewer fields answered from authentication (`User.privileges` reads the viewer's set in a query). */
const FROM_AUTHENTICATION = new Set(['__typename', 'id', 'username', 'matrixId', 'privileges']);

export class UserService extends BaseService {
  async get(id: string): Promise<UserRecord> {
    const user = await this.ctx.loaders.userById.load(parseId(id));
    if (!user) throw new NotFoundError('User', id);
    return user;
  }

  async getByUsername(username: string): Promise<UserRecord> {
    const user = await findUserByUsername(this.ctx.db, username);
    if (!user) throw new NotFoundError('User', username);
    return user;
  }

  async getByIdOrUsername(ref: string): Promise<UserRecord> {
    const byId = /^[1-9]\d{0,14}$/.test(ref) ? await this.ctx.loaders.userById.load(Number(ref)) : null;
    return byId ?? this.getByUsername(ref);
  }

  /**
   * Acting on another account (its password, its second factor, its sessions) needs every privilege it
   * holds; one's own account is always fair game.
   */
  async assertCanActFor(user: { id: number; username: string }): Promise<void> {
    if (user.id === this.viewer.id) return;
    assertCanActFor(this.viewer, user.username, await this.effectivePrivileges(String(user.id)), await this.allowEscalation());
  }

  /** Effective privileges of a user (of the viewer when no user is named). */
  async effectivePrivileges(idOrUsername?: string | null) {
    const user = idOrUsername != null ? await this.getByIdOrUsername(idOrUsername) : await this.viewerRecord();
    if (!user) throw new UnauthenticatedError();
    const roles = await this.ctx.loaders.rolesByUser.load(user.id);
    return PrivilegeService.effective(
      user.privileges,
      roles.map((r) => r.privileges),
    );
  }

  async list(
    filter: (UserFilter & { usernames?: string[] | null }) | null | undefined,
    args: PageArgs,
    newestFirst = false,
    shape?: UserPageShape,
  ) {
    const page = pageRequest(args);
    if (filter?.usernames && filter.usernames.length > MAX_BULK)
      throw new BadInputError(`usernames may hold at most ${MAX_BULK} items.`, 'usernames');
    const { rows, count } = await listUsers(
      this.ctx.db,
      { ...filter, groupId: filter?.group != null ? parseId(filter.group, 'filter.group') : null },
      page,
      newestFirst,
      shape,
    );
    return { ...toPage(rows, page.limit), count };
  }

  /**
   * Users named by ids or by usernames (exactly one of the two): the REST dialects name users by
   * nickname or localpart. Fails naming the first unknown one, before anything changes.
   */
  async resolveRefs(ids?: readonly string[] | null, usernames?: readonly string[] | null): Promise<number[]> {
    if ((ids == null) === (usernames == null)) throw new BadInputError('Give exactly one of ids or usernames.', 'ids');
    if (ids != null) return parseIds(ids);
    const names = [...new Set(usernames!)];
    if (names.length === 0) throw new BadInputError('usernames must not be empty.', 'usernames');
    if (names.length > 500) throw new BadInputError('usernames may hold at most 500 items.', 'usernames');
    const rows = (await this.ctx.db.knex('users').whereIn('username', names).select('id', 'username')) as Array<{
      id: number;
      username: string;
    }>;
    const byName = new Map(rows.map((r) => [r.username, Number(r.id)]));
    for (const n of names) if (!byName.has(n)) throw new NotFoundError('User', n);
    return names.map((n) => byName.get(n)!);
  }

  /** Loads every id or fails naming the first missing one: bulk changes are all-or-nothing. */
  async loadAll(em: EntityManager, ids: number[]): Promise<User[]> {
    const users = await em.find(User, { id: { $in: ids } });
    const byId = new Map(users.map((u) => [u.id, u]));
    for (const id of ids) if (!byId.has(id)) throw new NotFoundError('User', id);
    return ids.map((id) => byId.get(id)!);
  }

  /**
   * Refuses acting on any of `users` (loaded in `em`) unless the viewer holds every privilege each of
   * them holds; the viewer's own account passes.
   */
  async assertCanActOn(em: EntityManager, users: User[], allowEscalation?: boolean): Promise<void> {
    const viewer = this.viewer;
    const others = users.filter((u) => u.id !== viewer.id);
    if (others.length === 0) return;
    await em.populate(others, ['roles']);
    assertCanActOn(
      viewer,
      others.map((u) => ({
        id: u.id,
        username: u.username,
        privileges: PrivilegeService.effective(
          u.privileges,
          u.roles.getItems().map((r) => r.privileges),
        ),
      })),
      allowEscalation ?? (await this.allowEscalation()),
    );
  }

  private async assertFree(em: EntityManager, usernames: string[], emails: string[], exceptId?: number) {
    const dupName = usernames.find((n, i) => usernames.indexOf(n) !== i);
    if (dupName) throw new ConflictError(`Username given twice: ${dupName}`, { field: 'username', value: dupName });
    const dupMail = emails.find((m, i) => emails.indexOf(m) !== i);
    if (dupMail) throw new ConflictError(`Email given twice: ${dupMail}`, { field: 'email', value: dupMail });
    if (usernames.length) {
      const taken = await em.findOne(User, { username: { $in: usernames }, id: { $ne: exceptId ?? 0 } });
      if (taken) throw new ConflictError(`Username is taken: ${taken.username}`, { field: 'username', value: taken.username });
    }
    if (emails.length) {
      const taken = await em.findOne(User, { email: { $in: emails }, id: { $ne: exceptId ?? 0 } });
      if (taken) throw new ConflictError(`Email is taken: ${taken.email}`, { field: 'email', value: taken.email });
    }
  }

  async create(inputs: CreateUserInput[]): Promise<User[]> {
    if (inputs.length === 0) throw new BadInputError('inputs must not be empty.', 'inputs');
    if (inputs.length > 500) throw new BadInputError('inputs may hold at most 500 items.', 'inputs');
    const granted = inputs.flatMap((i) => i.privileges ?? []);
    if (granted.length > 0) assertCanGrant(this.viewer, granted, await this.allowEscalation());
    // Hash before the transaction: ~30 ms each must not hold the database.
    const hashes = await Promise.all(inputs.map((i) => (i.password ? this.ctx.deps.hasher.hash(i.password) : Promise.resolve(null))));
    return this.tx(async (em) => {
      const emails = inputs.map((i) => i.email?.toLowerCase()).filter((e): e is string => !!e);
      await this.assertFree(
        em,
        inputs.map((i) => i.username),
        emails,
      );
      const users = inputs.map((input, i) =>
        em.create(User, {
          username: input.username,
          email: input.email?.toLowerCase() ?? null,
          displayName: input.displayName ?? null,
          language: input.language ?? null,
          passwordHash: hashes[i],
          privileges: normalizePrivileges(input.privileges ?? []),
          adminConsole: input.adminConsole ?? false,
        }),
      );
      await em.flush();
      for (const u of users) this.ctx.createdUserIds.add(u.id);
      this.ctx.services.audit.record(em, {
        action: 'user.create',
        subjects: users.map(subject.user),
        data: granted.length > 0 ? { privileges: Object.fromEntries(users.map((u) => [u.username, u.privileges])) } : null,
        message: `created ${users.map((u) => `@${u.username}`).join(', ')}`,
      });
      return users;
    });
  }

  async update(id: string | null | undefined, input: UpdateUserInput, username?: string | null): Promise<User> {
    const [userId] = await this.resolveRefs(id != null ? [id] : null, username != null ? [username] : null);
    const viewer = this.viewer;
    const self = viewer.id === userId;
    let newHash: string | null = null;
    if (self && input.password != null && !input.currentPassword) {
      throw new BadInputError('currentPassword is required to change your own password.', 'input.currentPassword');
    }
    // A current password given for one's own account is checked whatever else changes (Socks 302).
    if (self && input.currentPassword != null) {
      const current = await this.em.findOne(User, { id: userId }, { populate: ['passwordHash'] });
      if (!(await this.ctx.deps.hasher.verify(current?.passwordHash, input.currentPassword))) {
        throw new BadInputError('currentPassword is wrong.', 'input.currentPassword');
      }
    }
    if (input.password != null) {
      if (!self) await this.assertCanActFor(await this.get(String(userId)));
      newHash = await this.ctx.deps.hasher.hash(input.password);
    }
    const allowEscalation = await this.allowEscalation();
    return this.tx(async (em) => {
      const [user] = await this.loadAll(em, [userId]);
      await this.assertCanActOn(em, [user], allowEscalation);
      const changed: string[] = [];
      if (input.email !== undefined) {
        const email = input.email?.toLowerCase() ?? null;
        if (email) await this.assertFree(em, [], [email], userId);
        if (email !== user.email) changed.push('email');
        user.email = email;
      }
      if (input.displayName !== undefined && input.displayName !== user.displayName) {
        user.displayName = input.displayName;
        changed.push('displayName');
      }
      if (input.language !== undefined && input.language !== user.language) {
        user.language = input.language;
        changed.push('language');
      }
      if (newHash) {
        user.passwordHash = newHash;
        user.mustChangePassword = false;
        changed.push('password');
        // A new password signs the account out everywhere, this session included.
        await em.nativeDelete(AccessToken, { user: userId });
      }
      this.ctx.services.audit.record(em, {
        action: 'user.update',
        subjects: [subject.user(user)],
        data: { fields: changed },
        message: `updated @${user.username} (${changed.join(', ') || 'no changes'})`,
      });
      return user;
    });
  }

  /** Self-service password change through updateUser's checks (current password, length, sessions end). */
  async changeOwnPassword(currentPassword: string, newPassword: string): Promise<boolean> {
    const input = Object.assign(new UpdateUserInput(), { password: newPassword, currentPassword });
    const errors = await validate(input);
    if (errors.length > 0) {
      const c = errors[0];
      throw new BadInputError(
        Object.values(c.constraints ?? {})[0] ?? 'Invalid input.',
        c.property === 'password' ? 'newPassword' : c.property,
      );
    }
    await this.update(String(this.viewer.id), input);
    return true;
  }

  async delete(ids?: string[] | null, usernames?: string[] | null): Promise<string[]> {
    const userIds = await this.resolveRefs(ids, usernames);
    const allowEscalation = await this.allowEscalation();
    return this.tx(
      async (em) => {
        const users = await this.loadAll(em, userIds);
        await em.populate(users, ['roles']);
        await this.assertCanActOn(em, users, allowEscalation);
        assertCanDelete(
          this.viewer,
          users.map((u) => ({
            username: u.username,
            staff:
              u.adminConsole ||
              PrivilegeService.effective(
                u.privileges,
                u.roles.getItems().map((r) => r.privileges),
              ).length > 0,
          })),
        );
        await keepingAnAllHolder(
          em,
          async () => {
            em.remove(users);
          },
          this.ctx.viewer?.id,
        );
        this.ctx.services.audit.record(em, {
          action: 'user.delete',
          subjects: users.map(subject.user),
          message: `deleted ${users.map((u) => `@${u.username}`).join(', ')}`,
        });
        return userIds.map(String);
      },
      { serializable: true },
    );
  }

  /** Deactivation signs the users out at once (their tokens are deleted in the same transaction). */
  async setActive(
    refs: { ids?: string[] | null; usernames?: string[] | null },
    active: boolean,
    reason?: string | null,
    resolveReports = false,
  ): Promise<User[]> {
    const userIds = await this.resolveRefs(refs.ids, refs.usernames);
    if (reason && reason.length > 1000) throw new BadInputError('reason may be at most 1000 characters.', 'reason');
    const actor = this.ctx.viewer;
    const allowEscalation = await this.allowEscalation();
    return this.tx(
      async (em) => {
        const users = await this.loadAll(em, userIds);
        await this.assertCanActOn(em, users, allowEscalation);
        await keepingAnAllHolder(
          em,
          async () => {
            for (const u of users) {
              u.active = active;
              u.deactivationReason = active ? null : (reason ?? null);
              u.deactivatedAt = active ? null : new Date();
              u.deactivatedById = active ? null : (actor?.id ?? null);
            }
            if (!active) await em.nativeDelete(AccessToken, { user: { $in: userIds } });
          },
          this.ctx.viewer?.id,
        );
        const resolved = !active && resolveReports ? await resolveOpenReports(em, userIds) : 0;
        this.ctx.services.audit.record(em, {
          action: active ? 'user.activate' : 'user.deactivate',
          subjects: users.map(subject.user),
          data: active ? null : { reason: reason ?? null, ...(resolveReports ? { resolvedReports: resolved } : {}) },
          message: `${active ? 'activated' : 'deactivated'} ${users.map((u) => `@${u.username}`).join(', ')}${
            !active && reason ? ` (reason: ${reason})` : ''
          }`,
        });
        return users;
      },
      { serializable: true },
    );
  }

  async setTags(refs: { ids?: string[] | null; usernames?: string[] | null }, tags: string[], add: boolean): Promise<User[]> {
    const userIds = await this.resolveRefs(refs.ids, refs.usernames);
    if (tags.length === 0 || tags.length > 50) throw new BadInputError('tags must hold 1–50 items.', 'tags');
    tags.forEach((t, i) => {
      if (!TAG_PATTERN.test(t)) throw new BadInputError(`tags[${i}] must be 1–64 characters of A-Z a-z 0-9 : . _ -`, `tags[${i}]`);
    });
    const allowEscalation = await this.allowEscalation();
    return this.tx(async (em) => {
      const users = await this.loadAll(em, userIds);
      await this.assertCanActOn(em, users, allowEscalation);
      for (const u of users) {
        const set = new Set(u.tags);
        for (const t of tags) {
          if (add) set.add(t);
          else set.delete(t);
        }
        u.tags = [...set].sort();
      }
      this.ctx.services.audit.record(em, {
        action: add ? 'user.tag' : 'user.untag',
        subjects: users.map(subject.user),
        data: { tags },
        message: `${add ? 'tagged' : 'untagged'} ${users.map((u) => `@${u.username}`).join(', ')} ${add ? 'with' : 'from'} ${tags.join(', ')}`,
      });
      return users;
    });
  }

  /** The viewer's own record; null when anonymous. */
  async viewerRecord(selection?: Selection): Promise<UserRecord | null> {
    const v = this.ctx.viewer;
    if (!v) return null;
    // What authentication already read (id, username, effective privileges) needs no second read.
    if (selection && [...selection.keys()].every((f) => FROM_AUTHENTICATION.has(f))) {
      return { id: v.id, username: v.username } as UserRecord;
    }
    const user = await this.ctx.loaders.userById.load(v.id);
    if (!user) throw new UnauthenticatedError();
    return user;
  }
}
