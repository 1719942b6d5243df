import { createHash, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { registerEnumType } from 'type-graphql';
import type { EntityManager } from '@mikro-orm/core';
import { BadInputError, ConflictError } from '../../errors/errors';
import { hashToken, generateToken } from '../../auth/tokens';
import { subject } from '../audit/audit.service';
import { BaseService } from '../base.service';
import { User } from '../users/user.entity';
import { MfaChallenge, MfaRecoveryCode, UserMfa } from './mfa.entity';

export enum MfaMethod {
  TOTP = 'TOTP',
  RECOVERY_CODE = 'RECOVERY_CODE',
}
registerEnumType(MfaMethod, {
  name: 'MfaMethod',
  description: 'TOTP: a 6-digit code from the authenticator app. RECOVERY_CODE: one of the ten single-use codes.',
});

/** A sign-in challenge lives as long as Akkoma's MFA token: five minutes. */
export const CHALLENGE_TTL_MS = 5 * 60_000;
/** Wrong codes one challenge takes before it is spent (the login limits count them too). */
export const CHALLENGE_MAX_FAILURES = 5;
export const RECOVERY_CODE_COUNT = 10;
/** One step either side of now: a code stays usable for 30–60 s, and only once. */
const WINDOW_STEPS = 1;

const RECOVERY_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** Ten codes of 16 base32 characters (80 random bits each), shown as xxxx-xxxx-xxxx-xxxx. */
function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    // 256 is a multiple of 32: no modulo bias.
    const chars = [...randomBytes(16)].map((b) => RECOVERY_ALPHABET[b % 32]).join('');
    return chars.match(/.{4}/g)!.join('-');
  });
}

/** Codes are compared without case, spaces or dashes; only their SHA-256 is stored. */
function recoveryHash(code: string): string {
  return createHash('sha256').update(code.toLowerCase().replace(/[\s-]/g, ''), 'utf8').digest('hex');
}

const sealContext = (userId: number) => `user_mfa:${userId}`;

export interface MfaEnrolment {
  secret: string;
  otpauthUri: string;
}

export interface ChallengeOptions {
  deviceName?: string | null;
  deviceId?: string | null;
  tokenFormat: string;
  newPasswordHash?: string | null;
}

/**
 * TOTP second factor (RFC 6238 through otpauth): enrolment confirmed by a first code, ten hashed
 * single-use recovery codes, sign-in challenges, and the administrators' reset. Every accepted TOTP
 * code moves the account's last time step forward in one conditional update, so a code is good once.
 */
export class MfaService extends BaseService {
  private async row(em: EntityManager, userId: number): Promise<UserMfa | null> {
    return em.findOne(UserMfa, { user: userId });
  }

  private async issuer(): Promise<string> {
    return (await this.ctx.settings()).instanceName;
  }

  /** Starts (or restarts) the caller's enrolment: a new seed, shown once, inactive until confirmed. */
  async startEnrolment(): Promise<MfaEnrolment> {
    const viewer = this.viewer;
    const issuer = await this.issuer();
    const secret = new Secret({ size: 20 }).base32;
    await this.tx(async (em) => {
      const existing = await this.row(em, viewer.id);
      if (existing?.enabled) throw new ConflictError('Two-factor sign-in is already on; turn it off before enrolling again.');
      if (existing) em.remove(existing);
      await em.flush();
      em.create(UserMfa, { user: em.getReference(User, viewer.id), secret: this.ctx.deps.secretBox.seal(secret, sealContext(viewer.id)) });
    });
    const uri = new TOTP({ issuer, label: viewer.username, secret: Secret.fromBase32(secret) }).toString();
    return { secret, otpauthUri: uri };
  }

  /** The first code confirms the enrolment: MFA is on, and the ten recovery codes are answered once. */
  async confirmEnrolment(code: string): Promise<string[]> {
    const viewer = this.viewer;
    const pending = await this.row(this.em.fork(), viewer.id);
    if (!pending || pending.enabled) throw new BadInputError('No enrolment is in progress: start one with startMfaEnrolment.', 'code');
    await this.checkedCode(viewer.id, viewer.username, code, MfaMethod.TOTP);
    const codes = newRecoveryCodes();
    await this.tx(async (em) => {
      const row = await em.findOneOrFail(UserMfa, { user: viewer.id });
      row.enabled = true;
      row.enabledAt = new Date();
      await this.replaceRecoveryCodes(em, viewer.id, codes);
      this.ctx.services.audit.record(em, {
        action: 'mfa.enable',
        subjects: [{ type: 'user', id: String(viewer.id), name: viewer.username }],
        message: 'turned on two-factor sign-in',
      });
    });
    return codes;
  }

  /** The caller turns MFA off with a current code or a recovery code. */
  async disable(code: string, method: MfaMethod): Promise<boolean> {
    const viewer = this.viewer;
    await this.requireEnabled(viewer.id);
    await this.checkedCode(viewer.id, viewer.username, code, method);
    await this.tx(async (em) => {
      await this.remove(em, viewer.id);
      this.ctx.services.audit.record(em, {
        action: 'mfa.disable',
        subjects: [{ type: 'user', id: String(viewer.id), name: viewer.username }],
        message: 'turned off two-factor sign-in',
      });
    });
    return true;
  }

  /** New recovery codes for the caller (a current code is required); the old ones stop working. */
  async regenerateRecoveryCodes(code: string): Promise<string[]> {
    const viewer = this.viewer;
    await this.requireEnabled(viewer.id);
    await this.checkedCode(viewer.id, viewer.username, code, MfaMethod.TOTP);
    const codes = newRecoveryCodes();
    await this.tx(async (em) => {
      await this.replaceRecoveryCodes(em, viewer.id, codes);
      this.ctx.services.audit.record(em, {
        action: 'mfa.recovery_codes',
        subjects: [{ type: 'user', id: String(viewer.id), name: viewer.username }],
        message: 'replaced their recovery codes',
      });
    });
    return codes;
  }

  /**
   * An administrator turns a user's MFA off (a lost phone): MANAGE_USERS, and every privilege the
   * user holds. Idempotent; audited when there was something to remove.
   */
  async reset(idOrUsername: string): Promise<User> {
    const user = await this.ctx.services.users.getByIdOrUsername(idOrUsername);
    await this.ctx.services.users.assertCanActFor(user);
    return this.tx(async (em) => {
      const u = await em.findOneOrFail(User, user.id);
      if (await this.remove(em, u.id)) {
        this.ctx.services.audit.record(em, {
          action: 'mfa.reset',
          subjects: [subject.user(u)],
          message: `turned off two-factor sign-in of @${u.username}`,
        });
      }
      return u;
    });
  }

  /** Whether signing in as this user needs a second step. */
  async enabledFor(em: EntityManager, userId: number): Promise<boolean> {
    return (await em.count(UserMfa, { user: userId, enabled: true })) > 0;
  }

  /** Records a challenge for a sign-in whose password was right; answers its token (shown once). */
  async createChallenge(em: EntityManager, user: User, opts: ChallengeOptions): Promise<{ token: string; expiresAt: Date }> {
    const token = generateToken();
    const expiresAt = new Date(Date.now() + CHALLENGE_TTL_MS);
    await em.nativeDelete(MfaChallenge, { expiresAt: { $lte: new Date() } });
    await em.insert(MfaChallenge, {
      tokenHash: hashToken(token),
      user: user.id,
      expiresAt,
      deviceName: opts.deviceName ?? null,
      deviceId: opts.deviceId ?? null,
      tokenFormat: opts.tokenFormat,
      newPasswordHash: opts.newPasswordHash ?? null,
      createdAt: new Date(),
      failures: 0,
    });
    return { token, expiresAt };
  }

  /** The live challenge a token names, or null (unknown, expired or spent). */
  async findChallenge(em: EntityManager, token: string): Promise<MfaChallenge | null> {
    const row = await em.findOne(MfaChallenge, { tokenHash: hashToken(token) }, { populate: ['user', 'newPasswordHash'] });
    return row && row.expiresAt.getTime() > Date.now() ? row : null;
  }

  /** A wrong code against a challenge: counted, and the challenge is spent at the limit. */
  async failChallenge(em: EntityManager, challenge: MfaChallenge): Promise<void> {
    if (challenge.failures + 1 >= CHALLENGE_MAX_FAILURES) await em.nativeDelete(MfaChallenge, { id: challenge.id });
    else await em.nativeUpdate(MfaChallenge, { id: challenge.id }, { failures: challenge.failures + 1 });
  }

  /** Takes the challenge (one sign-in per challenge): false when another request took it first. */
  async spendChallenge(em: EntityManager, challenge: MfaChallenge): Promise<boolean> {
    return (await em.nativeDelete(MfaChallenge, { id: challenge.id })) === 1;
  }

  /**
   * Checks a code for an account, charged against the login limits like a password attempt (a right
   * code gives the points back). A TOTP code is accepted once: the account's last step moves forward.
   */
  async verifyCode(userId: number, code: string, method: MfaMethod): Promise<boolean> {
    const em = this.em.fork();
    if (typeof code !== 'string' || code.length > 64) return false;
    if (method === MfaMethod.RECOVERY_CODE) {
      return (await em.nativeDelete(MfaRecoveryCode, { user: userId, codeHash: recoveryHash(code) })) === 1;
    }
    const token = code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(token)) return false;
    const row = await this.row(em, userId);
    if (!row) return false;
    const secret = this.ctx.deps.secretBox.open(row.secret, sealContext(userId));
    if (secret === null) {
      this.ctx.log.error({ userId }, 'a TOTP seed does not decrypt: was MFA_ENCRYPTION_KEY changed?');
      return false;
    }
    const timestamp = Date.now();
    const delta = TOTP.validate({ token, secret: Secret.fromBase32(secret), timestamp, window: WINDOW_STEPS });
    if (delta === null) return false;
    const step = TOTP.counter({ timestamp }) + delta;
    if (step <= row.lastStep) return false;
    // Two requests with the same code: exactly one moves the step.
    const moved = await em.nativeUpdate(UserMfa, { user: userId, lastStep: { $lt: step } }, { lastStep: step });
    return moved === 1;
  }

  /** A code check outside sign-in (confirm, disable, new recovery codes), under the login limits. */
  private async checkedCode(userId: number, username: string, code: string, method: MfaMethod): Promise<void> {
    const auth = this.ctx.services.auth;
    await auth.chargeAttempt(username);
    if (!(await this.verifyCode(userId, code, method))) {
      this.ctx.deps.metrics.loginFailures.inc();
      throw new BadInputError('Invalid code.', 'code', { reason: 'INVALID_MFA_CODE' });
    }
    await auth.clearAttempts(username, 1);
  }

  private async requireEnabled(userId: number): Promise<void> {
    if (!(await this.enabledFor(this.em.fork(), userId))) throw new BadInputError('Two-factor sign-in is not on for this account.', 'code');
  }

  private async replaceRecoveryCodes(em: EntityManager, userId: number, codes: string[]): Promise<void> {
    await em.nativeDelete(MfaRecoveryCode, { user: userId });
    for (const code of codes) em.create(MfaRecoveryCode, { user: em.getReference(User, userId), codeHash: recoveryHash(code) });
  }

  /** Removes the seed, the recovery codes and open challenges; true when MFA was set up at all. */
  private async remove(em: EntityManager, userId: number): Promise<boolean> {
    const removed = await em.nativeDelete(UserMfa, { user: userId });
    await em.nativeDelete(MfaRecoveryCode, { user: userId });
    await em.nativeDelete(MfaChallenge, { user: userId });
    return removed > 0;
  }
}
