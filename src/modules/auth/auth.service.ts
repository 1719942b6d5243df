import { registerEnumType } from 'type-graphql';
import type { EntityManager } from '@mikro-orm/core';
import { BadInputError, ForbiddenError, UnauthenticatedError } from '../../errors/errors';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../auth/passwords';
import { BaseService } from '../base.service';
import { subject } from '../audit/audit.service';
import { Role } from '../roles/role.entity';
import { User } from '../users/user.entity';
import { AccessToken } from './access-token.entity';
import type { PasswordHasher } from '../../auth/passwords';
import { DEVICE_ID_PATTERN, generateDeviceId, generateToken, hashToken } from '../../auth/tokens';
import type { LimiterSpec } from '../../auth/rate-limits';
import { AuditEntry } from '../audit/audit-entry.entity';
import { PrivilegeService } from '../privileges/privilege.service';
import { toPryvPermissions } from '../privileges/pryv-permissions';

/** Creates a session token for `user` in `em` (flushed by the caller's transaction). */
export function issueToken(em: EntityManager, user: User, lifetimeSeconds: number, deviceName?: string | null, deviceId?: string | null) {
  const token = generateToken();
  const expiresAt = new Date(Date.now() + lifetimeSeconds * 1000);
  const device = deviceId ?? generateDeviceId();
  em.create(AccessToken, { tokenHash: hashToken(token), user, expiresAt, deviceName: deviceName ?? null, deviceId: device });
  user.lastLoginAt = new Date();
  return { token, expiresAt, deviceId: device };
}

/** One answer for unknown user, wrong password and deactivated account. */
export const INVALID_CREDENTIALS = 'Invalid username or password.';

export interface Session {
  token: string;
  expiresAt: Date;
  deviceId: string;
  user: User;
}

/** Pryv.io admin tokens live 24 hours. */
export const JWT_LIFETIME_SECONDS = 24 * 3600;

export enum TokenFormat {
  OPAQUE = 'OPAQUE',
  JWT = 'JWT',
}
registerEnumType(TokenFormat, { name: 'TokenFormat', description: 'OPAQUE: 256 random bits. JWT: a signed HS256 token.' });

export class AuthService extends BaseService {
  /**
   * Login protection after rate-limiter-flexible's pattern, so that nobody can lock a user out from
   * another address:
   * - consecutive failures per username and address (`perUser` in `windowSeconds`), reset by a success;
   * - failures per address (`perAddress` in `windowSeconds`): one address guessing at many accounts;
   * - a slower global limit per username (10 × `perUser` in 4 × `windowSeconds`), which one address
   *   alone cannot reach (it is stopped at `perUser` per window), against guessing from many addresses.
   */
  private async loginLimits(): Promise<{ userAddress: LimiterSpec; address: LimiterSpec; user: LimiterSpec }> {
    const { login } = (await this.ctx.settings()).rateLimits;
    return {
      userAddress: { keyPrefix: 'login_fail_user_addr', points: login.perUser, durationSeconds: login.windowSeconds },
      address: { keyPrefix: 'login_fail_addr', points: login.perAddress, durationSeconds: login.windowSeconds },
      user: { keyPrefix: 'login_fail_user', points: login.perUser * 10, durationSeconds: login.windowSeconds * 4 },
    };
  }

  /**
   * Password sign-in. Every attempt is charged as a failure before any hashing, so aliases, batching,
   * concurrency or other dialects cannot multiply attempts; a success then clears the account's
   * counter for this address and gives back the points it took from the other two.
   */
  async login(
    username: string,
    password: string,
    deviceName?: string | null,
    format = TokenFormat.OPAQUE,
    newPassword?: string | null,
    deviceId?: string | null,
  ): Promise<Session> {
    if (deviceId != null && !DEVICE_ID_PATTERN.test(deviceId)) {
      throw new BadInputError('deviceId must be 1–64 printable characters without spaces', 'deviceId');
    }
    if (newPassword != null && (newPassword.length < PASSWORD_MIN_LENGTH || newPassword.length > PASSWORD_MAX_LENGTH)) {
      throw new BadInputError(`newPassword must be ${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters`, 'newPassword');
    }
    const limits = await this.loginLimits();
    const account = username.trim().toLowerCase().slice(0, 128);
    const limiter = this.ctx.deps.rateLimits;
    await limiter.consume([
      [limits.userAddress, `${account}|${this.ctx.ip}`],
      [limits.address, this.ctx.ip],
      [limits.user, account],
    ]);
    const user = await this.em.findOne(User, { username: account }, { populate: ['passwordHash'] });
    const ok = await this.ctx.deps.hasher.verify(user?.passwordHash, password);
    if (!user || !ok || !user.active) this.ctx.deps.metrics.loginFailures.inc();
    if (!user || !ok) throw new UnauthenticatedError(INVALID_CREDENTIALS, { reason: 'INVALID_CREDENTIALS' });
    // The same refusal; only someone who knows the password learns that the account is deactivated
    // (Matrix answers it as M_USER_DEACTIVATED).
    if (!user.active) throw new UnauthenticatedError(INVALID_CREDENTIALS, { reason: 'INVALID_CREDENTIALS', deactivated: true });
    await Promise.all([
      limiter.reset(limits.userAddress, `${account}|${this.ctx.ip}`),
      limiter.refund(limits.address, this.ctx.ip),
      limiter.refund(limits.user, account),
    ]);
    // An administrator required a new password: no session until one is set, here (newPassword) or
    // through a password-reset token.
    if (user.mustChangePassword && newPassword == null) {
      throw new ForbiddenError('Password reset is required', { reason: 'PASSWORD_RESET_REQUIRED' });
    }
    const newHash = newPassword != null ? await this.ctx.deps.hasher.hash(newPassword) : null;

    const lifetime = (await this.ctx.settings()).tokenLifetimeSeconds;
    return this.tx(async (em) => {
      const u = await em.findOneOrFail(User, user.id, { populate: ['roles'] });
      if (newHash) {
        u.passwordHash = newHash;
        u.mustChangePassword = false;
        // A new password ends every other session of the account.
        await em.nativeDelete(AccessToken, { user: u.id });
        this.ctx.services.audit.record(em, {
          actor: { id: u.id, username: u.username },
          action: 'user.update',
          subjects: [subject.user(u)],
          data: { fields: ['password'] },
          message: `updated @${u.username} (password)`,
        });
      }
      const {
        token,
        expiresAt,
        deviceId: device,
      } = format === TokenFormat.JWT ? await this.issueJwt(em, u, deviceName, deviceId) : issueToken(em, u, lifetime, deviceName, deviceId);
      this.ctx.signedIn.userId = u.id;
      this.ctx.services.audit.record(em, {
        actor: { id: u.id, username: u.username },
        action: 'session.login',
        subjects: [subject.user(u)],
        data: deviceName ? { deviceName } : null,
        message: 'signed in',
      });
      return { token, expiresAt, deviceId: device, user: u };
    });
  }

  /**
   * A signed session token whose payload the Pryv.io admin app decodes: `username` and `permissions`
   * (Pryv's words, from the one mapping table) beside Gatehouse's `privileges`. Recorded like every
   * session (sha256 only), so logout, password changes and deactivation revoke it.
   */
  private async issueJwt(em: EntityManager, user: User, deviceName?: string | null, deviceId?: string | null) {
    const privileges = PrivilegeService.effective(
      user.privileges,
      user.roles.getItems().map((r) => r.privileges),
    );
    const expiresAt = new Date(Date.now() + JWT_LIFETIME_SECONDS * 1000);
    const token = await this.ctx.deps.jwt.sign(
      { username: user.username, permissions: toPryvPermissions(privileges), privileges },
      String(user.id),
      expiresAt,
    );
    const device = deviceId ?? generateDeviceId();
    em.create(AccessToken, { tokenHash: hashToken(token), user, expiresAt, deviceName: deviceName ?? 'jwt', deviceId: device });
    user.lastLoginAt = new Date();
    return { token, expiresAt, deviceId: device };
  }

  /** The session this request is made with (never its token or hash). */
  async currentSession() {
    const t = await this.em.findOneOrFail(AccessToken, this.viewer.tokenId);
    return {
      id: String(t.id),
      deviceId: t.deviceId ?? null,
      deviceName: t.deviceName ?? null,
      createdAt: t.createdAt,
      expiresAt: t.expiresAt,
      lastUsedAt: t.lastUsedAt ?? null,
    };
  }

  /** Revokes the token this request came with. */
  async logout(): Promise<boolean> {
    const viewer = this.viewer;
    return this.tx(async (em) => {
      await em.nativeDelete(AccessToken, { id: viewer.tokenId });
      this.ctx.services.audit.record(em, {
        action: 'session.logout',
        subjects: [{ type: 'user', id: String(viewer.id), name: viewer.username }],
        message: 'signed out',
      });
      return true;
    });
  }
}

/**
 * GATEHOUSE_ADMIN bootstrap: creates the user with the built-in admin role when no user of that name
 * exists. An existing user is left untouched (its password is never reset from the environment).
 */
export async function ensureAdminUser(
  em: EntityManager,
  hasher: PasswordHasher,
  admin: { username: string; password: string },
): Promise<'created' | 'exists'> {
  if (await em.findOne(User, { username: admin.username })) return 'exists';
  const passwordHash = await hasher.hash(admin.password);
  await em.transactional(async (tem) => {
    const role = await tem.findOneOrFail(Role, { name: 'admin' });
    const user = tem.create(User, { username: admin.username, passwordHash });
    user.roles.add(role);
    await tem.flush();
    tem.create(AuditEntry, {
      actorId: null,
      actorUsername: null,
      action: 'user.create',
      subjects: [subject.user(user), subject.role(role)],
      data: { source: 'GATEHOUSE_ADMIN' },
      message: `system created administrator @${user.username}`,
    });
  });
  return 'created';
}

/**
 * `gatehouse reset-password`: an operator at the server sets a user's password (the way back in when
 * no administrator can sign in). Every session of the user ends; audited as done by the system.
 */
export async function setPasswordFromCli(em: EntityManager, hasher: PasswordHasher, username: string, password: string): Promise<boolean> {
  const user = await em.findOne(User, { username: username.toLowerCase() });
  if (!user) return false;
  const passwordHash = await hasher.hash(password);
  await em.transactional(async (tem) => {
    const u = await tem.findOneOrFail(User, user.id);
    u.passwordHash = passwordHash;
    u.mustChangePassword = false;
    await tem.nativeDelete(AccessToken, { user: u.id });
    tem.create(AuditEntry, {
      actorId: null,
      actorUsername: null,
      action: 'user.reset_password',
      subjects: [subject.user(u)],
      data: { source: 'cli' },
      message: `system reset the password of @${u.username}`,
    });
  });
  return true;
}
