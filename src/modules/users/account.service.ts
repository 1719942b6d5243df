import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { AccessToken } from '../auth/access-token.entity';
import { AccountToken } from '../auth/account-token.entity';
import { generateToken, hashToken } from '../../auth/tokens';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../auth/passwords';
import { BadInputError, ForbiddenError } from '../../errors/errors';
import { subject } from '../audit/audit.service';
import { BaseService } from '../base.service';
import { sendMail } from '../mail/mailer';
import { OutboxMessage } from '../mail/outbox.entity';
import { User } from './user.entity';

const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** A random password from an unambiguous alphabet, without modulo bias. */
export function generatePassword(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 256 - (256 % PASSWORD_ALPHABET.length) && out.length < length) out += PASSWORD_ALPHABET[b % PASSWORD_ALPHABET.length];
    }
  }
  return out;
}

const RESET_TTL_MS = 24 * 3600_000;
const CONFIRM_TTL_MS = 7 * 24 * 3600_000;

export interface Refs {
  ids?: string[] | null;
  usernames?: string[] | null;
}

/** Account life-cycle chores: approval, forced resets, email confirmation and password-reset tokens. */
export class AccountService extends BaseService {
  private async change(refs: Refs, action: string, verb: string, apply: (u: User, em: EntityManager) => unknown): Promise<User[]> {
    const ids = await this.ctx.services.users.resolveRefs(refs.ids, refs.usernames);
    const allowEscalation = await this.allowEscalation();
    return this.tx(async (em) => {
      const users = await this.ctx.services.users.loadAll(em, ids);
      await this.ctx.services.users.assertCanActOn(em, users, allowEscalation);
      for (const u of users) await apply(u, em);
      this.ctx.services.audit.record(em, {
        action,
        subjects: users.map(subject.user),
        message: `${verb} ${users.map((u) => `@${u.username}`).join(', ')}`,
      });
      return users;
    });
  }

  approve(refs: Refs) {
    return this.change(refs, 'user.approve', 'approved', (u) => (u.approved = true));
  }

  forcePasswordReset(refs: Refs) {
    // Like Pleroma's password_reset_pending: the account's sessions end, and signing in needs a new password.
    return this.change(refs, 'user.force_password_reset', 'required a password change from', async (u, em) => {
      u.mustChangePassword = true;
      await em.nativeDelete(AccessToken, { user: u.id });
    });
  }

  confirmEmails(refs: Refs) {
    return this.change(refs, 'user.confirm_email', 'confirmed the email of', (u) => (u.emailConfirmed = true));
  }

  /** Flips activation: deactivates an active account, reactivates a deactivated one. */
  async toggleActivation(ref: string): Promise<User> {
    const user = await this.ctx.services.users.getByIdOrUsername(ref);
    const [changed] = await this.ctx.services.users.setActive({ ids: [String(user.id)] }, !user.active);
    return changed;
  }

  private async issue(userId: number, purpose: string, ttlMs: number) {
    const token = generateToken();
    const expiresAt = new Date(Date.now() + ttlMs);
    await this.tx(async (em) => {
      em.create(AccountToken, { tokenHash: hashToken(token), user: em.getReference(User, userId), purpose, expiresAt });
    });
    return { token, expiresAt };
  }

  /**
   * Sets a generated password (15 characters, Pryv's reset) and ends the account's sessions; the
   * password is answered once, here.
   */
  async resetUserPassword(ref: string): Promise<{ username: string; password: string }> {
    const user = await this.ctx.services.users.getByIdOrUsername(ref);
    await this.ctx.services.users.assertCanActFor(user);
    const password = generatePassword(15);
    const hash = await this.ctx.deps.hasher.hash(password);
    await this.tx(async (em) => {
      const u = await em.findOneOrFail(User, user.id);
      u.passwordHash = hash;
      await em.nativeDelete(AccessToken, { user: u.id });
      this.ctx.services.audit.record(em, {
        action: 'user.password_reset',
        subjects: [subject.user(u)],
        message: `reset the password of @${u.username}`,
      });
    });
    return { username: user.username, password };
  }

  /** A one-use password-reset token and the link a user follows with it. */
  async createPasswordReset(ref: string) {
    const user = await this.ctx.services.users.getByIdOrUsername(ref);
    await this.ctx.services.users.assertCanActFor(user);
    const settings = await this.ctx.settings();
    const { token, expiresAt } = await this.issue(user.id, 'password_reset', RESET_TTL_MS);
    await this.tx(async (em) => {
      this.ctx.services.audit.record(em, {
        action: 'user.password_reset_token',
        subjects: [subject.user(user)],
        message: `created a password-reset token for @${user.username}`,
      });
    });
    const link = `${settings.publicUrl.replace(/\/$/, '')}/api/v1/pleroma/password_reset/${token}`;
    return { token, link, expiresAt };
  }

  /**
   * Mails a confirmation token to each listed user whose email is not confirmed yet. One audit entry
   * names every listed user (as Akkoma logs the request), written with the outbox rows it queues.
   */
  async resendConfirmation(refs: Refs): Promise<User[]> {
    const ids = await this.ctx.services.users.resolveRefs(refs.ids, refs.usernames);
    const settings = await this.ctx.settings();
    const allowEscalation = await this.allowEscalation();
    const queued = await this.tx(async (em) => {
      const users = await this.ctx.services.users.loadAll(em, ids);
      await this.ctx.services.users.assertCanActOn(em, users, allowEscalation);
      const rows: OutboxMessage[] = [];
      for (const u of users) {
        if (!u.email || u.emailConfirmed) continue;
        const token = generateToken();
        em.create(AccountToken, {
          tokenHash: hashToken(token),
          user: u,
          purpose: 'email_confirmation',
          expiresAt: new Date(Date.now() + CONFIRM_TTL_MS),
        });
        rows.push(
          em.create(OutboxMessage, {
            to: u.email,
            subject: `Confirm your email for ${settings.instanceName}`,
            text: `Confirm your email address: ${settings.publicUrl.replace(/\/$/, '')}/confirm-email?token=${encodeURIComponent(token)}\n\nConfirmation token: ${token}\n`,
          }),
        );
      }
      this.ctx.services.audit.record(em, {
        action: 'user.resend_confirmation',
        subjects: users.map(subject.user),
        data: { sent: rows.length },
        message: `sent ${users.map((u) => `@${u.username}`).join(', ')} an email confirmation`,
      });
      await em.flush();
      return { users, rows };
    });
    for (const row of queued.rows) {
      const delivered = await sendMail(settings.smtp, { to: row.to, subject: row.subject, text: row.text }).catch((err: unknown) => {
        this.ctx.log.error({ err }, 'confirmation email could not be sent');
        return false;
      });
      if (delivered) await this.em.nativeUpdate(OutboxMessage, { id: row.id }, { sentAt: new Date() });
    }
    return queued.users;
  }

  private async consume(token: string, purpose: string): Promise<AccountToken> {
    const found = await this.em.findOne(AccountToken, { tokenHash: hashToken(token), purpose }, { populate: ['user'] });
    if (!found || found.expiresAt.getTime() <= Date.now()) {
      throw new ForbiddenError('The token is unknown, used or expired.', { reason: 'INVALID_ACCOUNT_TOKEN' });
    }
    return found;
  }

  /**
   * Spends a one-use token: loads its user, lets `apply` change them, deletes the token and records
   * the change, all in one transaction. The actor is the account itself (no session yet).
   */
  private async spend(
    token: string,
    purpose: string,
    action: string,
    message: string,
    apply: (user: User, em: EntityManager) => Promise<void>,
  ) {
    const found = await this.consume(token, purpose);
    await this.tx(async (em) => {
      const user = await em.findOneOrFail(User, found.user.id);
      await apply(user, em);
      await em.nativeDelete(AccountToken, { id: found.id });
      this.ctx.services.audit.record(em, {
        actor: { id: user.id, username: user.username },
        action,
        subjects: [subject.user(user)],
        message,
      });
    });
    return true;
  }

  /** Sets a new password with a reset token; every session of the account ends. */
  async resetPassword(token: string, password: string): Promise<boolean> {
    if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
      throw new BadInputError(`password must be ${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters`, 'password');
    }
    // Hash only once the token is known to be good (a bad token costs no argon2 time).
    await this.consume(token, 'password_reset');
    const passwordHash = await this.ctx.deps.hasher.hash(password);
    return this.spend(token, 'password_reset', 'user.password_reset', 'reset the password with a reset token', async (user, em) => {
      user.passwordHash = passwordHash;
      user.mustChangePassword = false;
      await em.nativeDelete(AccessToken, { user: user.id });
    });
  }

  confirmEmail(token: string): Promise<boolean> {
    return this.spend(token, 'email_confirmation', 'user.confirm_email', 'confirmed the email address', async (user) => {
      user.emailConfirmed = true;
    });
  }
}
