import { randomBytes } from 'node:crypto';
import { isEmail } from 'class-validator';
import type { EntityManager } from '@mikro-orm/core';
import { BadInputError, ConflictError, NotFoundError } from '../../errors/errors';
import { emKnex } from '../../db/db';
import { pageRequest, toPage, type PageArgs } from '../../graphql/pagination';
import { assertCanGrant, assertMayHandleGrant, lacking, mayHandleGrant } from '../../permissions/guards';
import { PrivilegeService } from '../privileges/privilege.service';
import { User } from '../users/user.entity';
import { BaseService, parseId } from '../base.service';
import { normalizePrivileges, type Privilege } from '../privileges/privilege.enum';
import { Role } from '../roles/role.entity';
import { Invite, inviteState } from './invite.entity';
import { OutboxMessage } from '../mail/outbox.entity';
import { sendMail } from '../mail/mailer';
import { InviteStatus, type CreateInviteInput, type InviteFilter, type UpdateInviteInput } from './invite.inputs';

export function newInviteToken(): string {
  return randomBytes(24).toString('base64url');
}

const inviteSubject = (i: Invite) => ({ type: 'invite', id: String(i.id), name: i.name ?? i.token.slice(0, 8) });

/** Invites (registration tokens), behind ISSUE_TOKENS. */
export class InviteService extends BaseService {
  async list(filter: InviteFilter | null | undefined, args: PageArgs) {
    const page = pageRequest(args);
    const { db } = this.ctx;
    const now = db.date(new Date());
    const where = (qb: import('@mikro-orm/knex').Knex.QueryBuilder) => {
      switch (filter?.status) {
        case InviteStatus.REVOKED:
          return qb.where('i.revoked', true);
        case InviteStatus.EXPIRED:
          return qb.where('i.revoked', false).whereNotNull('i.expires_at').where('i.expires_at', '<=', now);
        case InviteStatus.USED_UP:
          return qb.where('i.revoked', false).whereNotNull('i.max_uses').whereRaw('i.uses >= i.max_uses');
        case InviteStatus.VALID:
          return qb
            .where('i.revoked', false)
            .where((w) => w.whereNull('i.expires_at').orWhere('i.expires_at', '>', now))
            .where((w) => w.whereNull('i.max_uses').orWhereRaw('i.uses < i.max_uses'));
        default:
          return qb;
      }
    };
    const qb = where(db.knex('invites as i').select('i.id'));
    if (page.afterId != null) qb.where('i.id', '<', page.afterId);
    qb.orderBy('i.id', 'desc').limit(page.limit + 1);
    if (page.offset) qb.offset(page.offset);
    const ids = ((await qb) as Array<{ id: number }>).map((r) => Number(r.id));
    const invites = ids.length ? await this.em.find(Invite, { id: { $in: ids } }, { orderBy: { id: 'desc' } }) : [];
    const count = async () => Number(((await where(db.knex('invites as i').count({ n: '*' })).first()) as { n: unknown }).n);
    return { ...toPage(invites, page.limit), count };
  }

  /** Whether registering with this token would work now (rate-limited: it reveals tokens' existence). */
  async isUsable(token: string): Promise<boolean> {
    const { register } = (await this.ctx.settings()).rateLimits;
    await this.ctx.deps.rateLimits.consume([
      [{ keyPrefix: 'token_validity_addr', points: register.perAddress * 5, durationSeconds: register.windowSeconds }, this.ctx.ip],
    ]);
    const invite = await this.em.findOne(Invite, { token });
    return !!invite && inviteState(invite).valid;
  }

  /** What registering with `invite` hands out today: its privileges and those of the roles it names (by id). */
  async granted(invite: Pick<Invite, 'grantPrivileges' | 'grantRoleIds'>): Promise<string[]> {
    const roles = await this.ctx.loaders.roleById.loadMany(invite.grantRoleIds.map(Number));
    return [...invite.grantPrivileges, ...roles.flatMap((r) => (r && !(r instanceof Error) ? r.privileges : []))];
  }

  /** The invite's token, for a viewer who holds everything it grants; null for anyone else. */
  async readableToken(invite: Invite): Promise<string | null> {
    return mayHandleGrant(this.ctx.viewer, await this.granted(invite), await this.allowEscalation()) ? invite.token : null;
  }

  /** Names of the roles the invite grants (roles deleted since are gone from the list: they grant nothing). */
  async grantRoleNames(invite: Invite): Promise<string[]> {
    const roles = await this.ctx.loaders.roleById.loadMany(invite.grantRoleIds.map(Number));
    return roles.flatMap((r) => (r && !(r instanceof Error) ? [r.name] : [])).sort();
  }

  /** Whoever names a token they may not read learns nothing of it: the same NOT_FOUND as an unknown one. */
  async getByToken(token: string): Promise<Invite> {
    const invite = await this.em.findOne(Invite, { token });
    if (!invite || (await this.readableToken(invite)) == null) throw new NotFoundError('Invite', token);
    return invite;
  }

  /** Loads an invite to change it: only whoever holds everything it grants may (revive, extend, revoke, delete). */
  private async load(em: EntityManager, ref: string, allowEscalation: boolean): Promise<Invite> {
    // An invite is named by its token (what every dialect uses) or by its numeric id.
    const invite = await em.findOne(Invite, /^\d+$/.test(ref) ? { $or: [{ token: ref }, { id: parseId(ref) }] } : { token: ref });
    if (!invite) throw new NotFoundError('Invite', ref);
    assertMayHandleGrant(this.viewer, 'This invite', await grantedIn(em, invite), allowEscalation);
    return invite;
  }

  /** Grants may not exceed what the creator holds (a role's privileges count as granted). Answers the roles' ids. */
  private async checkGrants(em: EntityManager, privileges: Privilege[], roleNames: string[], allowEscalation: boolean): Promise<string[]> {
    const roles = roleNames.length ? await em.find(Role, { name: { $in: roleNames } }) : [];
    const missing = roleNames.find((n) => !roles.some((r) => r.name === n));
    if (missing) throw new BadInputError(`Unknown role in grants: ${missing}`, 'input.grants.roles');
    assertCanGrant(this.viewer, [...privileges, ...roles.flatMap((r) => r.privileges)], allowEscalation);
    return roles.map((r) => String(r.id));
  }

  /** `count` invites alike (Pryv's batch of one-use invitations), all or none, one audit entry each. */
  createMany(count: number, input: CreateInviteInput): Promise<Invite[]> {
    if (!Number.isInteger(count) || count < 1 || count > 100) throw new BadInputError('count must be 1–100.', 'count');
    if (input.token != null) throw new BadInputError('A batch of invites cannot share a chosen token.', 'input.token');
    return this.createIn(count, input);
  }

  async create(input: CreateInviteInput): Promise<Invite> {
    const [invite] = await this.createIn(1, input);
    return invite;
  }

  private async createIn(count: number, input: CreateInviteInput): Promise<Invite[]> {
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      throw new BadInputError('expiresAt must lie in the future.', 'input.expiresAt');
    }
    const allowEscalation = await this.allowEscalation();
    const viewer = this.viewer;
    return this.tx(async (em) => {
      const privileges = normalizePrivileges(input.grants?.privileges ?? []);
      const roles = [...new Set(input.grants?.roles ?? [])];
      const roleIds = await this.checkGrants(em, privileges, roles, allowEscalation);
      const invites: Invite[] = [];
      for (let i = 0; i < count; i++) {
        const token = input.token ?? newInviteToken();
        if (await em.findOne(Invite, { token })) throw new ConflictError('That invite token is taken.', { field: 'token' });
        invites.push(
          em.create(Invite, {
            token,
            name: input.name ?? null,
            maxUses: input.maxUses ?? null,
            expiresAt: input.expiresAt ?? null,
            grantPrivileges: privileges,
            grantRoleIds: roleIds,
            email: input.email?.toLowerCase() ?? null,
            createdById: viewer.id,
            createdByUsername: viewer.username,
          }),
        );
      }
      await em.flush();
      for (const invite of invites) {
        this.ctx.services.audit.record(em, {
          action: 'invite.create',
          subjects: [inviteSubject(invite)],
          data: { maxUses: invite.maxUses, expiresAt: invite.expiresAt, grants: { privileges, roles } },
          message: `created an invite${invite.name ? ` (${invite.name})` : ''}`,
        });
      }
      return invites;
    });
  }

  /**
   * Creates a one-use invite for `email` and mails its registration link: through SMTP when the
   * settings name a server, else into the outbox table (and the log) for an operator to pass on.
   */
  async sendEmail(email: string, name?: string | null): Promise<{ invite: Invite; delivered: boolean; outboxId: number }> {
    if (email.length > 320 || !isEmail(email)) throw new BadInputError('email must be a valid address', 'email');
    if (name != null && name.length > 256) throw new BadInputError('name may be at most 256 characters.', 'name');
    const settings = await this.ctx.settings();
    // Akkoma's rule and words: an emailed invite makes sense only while registration is by invite.
    if (settings.registration.mode === 'open') {
      throw new BadInputError('To send invites you need to set the `registrations_open` option to false.', 'email');
    }
    if (settings.registration.mode === 'closed') {
      throw new BadInputError('To send invites you need to set the `invites_enabled` option to true.', 'email');
    }
    const invite = await this.create({ email, name: name ?? null, maxUses: 1 });
    const link = `${settings.publicUrl.replace(/\/$/, '')}/register?invite=${encodeURIComponent(invite.token)}`;
    const message = {
      to: invite.email!,
      subject: `You are invited to ${settings.instanceName}`,
      text: `${name ? `Hello ${name},\n\n` : ''}You are invited to join ${settings.instanceName}.\n\nRegister here: ${link}\n\nInvite token: ${invite.token}\n`,
    };
    const outbox = await this.tx(async (em) => {
      const row = em.create(OutboxMessage, message);
      await em.flush();
      this.ctx.services.audit.record(em, {
        action: 'invite.email',
        subjects: [inviteSubject(invite)],
        data: { email: message.to, outboxId: row.id },
        message: `mailed an invite to ${message.to}`,
      });
      return row;
    });
    let delivered = false;
    let error: string | null = null;
    try {
      delivered = await sendMail(settings.smtp, message);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      this.ctx.log.error({ err, outboxId: outbox.id }, 'invite email could not be sent');
    }
    if (!settings.smtp.host)
      this.ctx.log.info({ outboxId: outbox.id, to: message.to, link }, 'SMTP not configured: invite email kept in the outbox');
    await this.em.nativeUpdate(OutboxMessage, { id: outbox.id }, delivered ? { sentAt: new Date() } : { error });
    return { invite, delivered, outboxId: outbox.id };
  }

  async update(ref: string, input: UpdateInviteInput): Promise<Invite> {
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      throw new BadInputError('expiresAt must lie in the future.', 'input.expiresAt');
    }
    const allowEscalation = await this.allowEscalation();
    return this.tx(async (em) => {
      const invite = await this.load(em, ref, allowEscalation);
      const before = { maxUses: invite.maxUses ?? null, expiresAt: invite.expiresAt ?? null };
      if (input.maxUses !== undefined) invite.maxUses = input.maxUses;
      if (input.expiresAt !== undefined) invite.expiresAt = input.expiresAt;
      this.ctx.services.audit.record(em, {
        action: 'invite.update',
        subjects: [inviteSubject(invite)],
        data: { before, after: { maxUses: invite.maxUses ?? null, expiresAt: invite.expiresAt ?? null } },
        message: 'updated an invite',
      });
      return invite;
    });
  }

  async revoke(ref: string): Promise<Invite> {
    const allowEscalation = await this.allowEscalation();
    return this.tx(async (em) => {
      const invite = await this.load(em, ref, allowEscalation);
      invite.revoked = true;
      this.ctx.services.audit.record(em, { action: 'invite.revoke', subjects: [inviteSubject(invite)], message: 'revoked an invite' });
      return invite;
    });
  }

  async delete(ref: string): Promise<string> {
    const allowEscalation = await this.allowEscalation();
    return this.tx(async (em) => {
      const invite = await this.load(em, ref, allowEscalation);
      em.remove(invite);
      this.ctx.services.audit.record(em, { action: 'invite.delete', subjects: [inviteSubject(invite)], message: 'deleted an invite' });
      return invite.token;
    });
  }
}

/** What `invite` grants, read inside the caller's transaction (roles by id; deleted roles grant nothing). */
export async function grantedIn(em: EntityManager, invite: Pick<Invite, 'grantPrivileges' | 'grantRoleIds'>): Promise<string[]> {
  const ids = invite.grantRoleIds.map(Number);
  const roles = ids.length ? await em.find(Role, { id: { $in: ids } }) : [];
  return [...invite.grantPrivileges, ...roles.flatMap((r) => r.privileges)];
}

/**
 * An invite is a stored grant: it is honoured only while its creator still holds everything it hands
 * out (a demoted, deactivated or deleted creator's invites stop granting). Answers what the creator
 * lacks; empty when the invite may be used.
 */
export async function grantsBeyondCreator(em: EntityManager, invite: Invite): Promise<string[]> {
  const granted = await grantedIn(em, invite);
  if (granted.length === 0) return [];
  const creator = invite.createdById != null ? await em.findOne(User, { id: invite.createdById }, { populate: ['roles'] }) : null;
  const held = creator?.active
    ? PrivilegeService.effective(
        creator.privileges,
        creator.roles.getItems().map((r) => r.privileges),
      )
    : [];
  return lacking(new Set(held), granted);
}

/**
 * Takes one use of an invite atomically inside the caller's transaction: the conditional UPDATE is
 * the check, so of concurrent registrations on a 1-use invite exactly one gets a row back.
 */
export async function consumeInvite(em: EntityManager, token: string, now: number | Date): Promise<Invite | null> {
  const knex = emKnex(em);
  const updated = await knex('invites')
    .where('token', token)
    .where('revoked', false)
    .where((w) => w.whereNull('max_uses').orWhereRaw('uses < max_uses'))
    .where((w) => w.whereNull('expires_at').orWhere('expires_at', '>', now))
    .increment('uses', 1);
  if (!updated) return null;
  return em.findOne(Invite, { token }, { refresh: true });
}
