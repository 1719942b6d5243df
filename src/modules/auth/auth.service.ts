import { registerEnumType } from 'type-graphql';
import type { EntityManager } from '@mikro-orm/core';
import { BadInputError, ForbiddenError, NotFoundError, UnauthenticatedError } from '../../errors/errors';
import type { EntryPointName } from '../../shared/entry-points';
import type { Context } from '../context';
import { BaseService, parseId } from '../base.service';
import { MfaMethod } from './mfa.service';
import { sessionRecord, type SessionRecord } from './session.types';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../auth/passwords';
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

export enum TokenFormat {
  OPAQUE = 'OPAQUE',
  JWT = 'JWT',
}
registerEnumType(TokenFormat, { name: 'TokenFormat', description: 'OPAQUE: 256 random bits. JWT: a signed HS256 token.' });

/** What a session records of the client that opened it (shown in `User.sessions`). */
export interface SessionClient {
  entryPoint: EntryPointName;
  address: string | null;
  userAgent: string | null;
}

/** The client of this request, as a session records it. */
export function sessionClient(ctx: Context): SessionClient {
  return { entryPoint: ctx.client.entryPoint, address: ctx.ip || null, userAgent: ctx.client.userAgent };
}

/** Creates a session token for `user` in `em` (flushed by the caller's transaction). */
export function issueToken(
  em: EntityManager,
  user: User,
  lifetimeSeconds: number,
  client: SessionClient,
  deviceName?: string | null,
  deviceId?: string | null,
) {
  const token = generateToken();
  const expiresAt = new Date(Date.now() + lifetimeSeconds * 1000);
  const device = deviceId ?? generateDeviceId();
  em.create(AccessToken, {
    tokenHash: hashToken(token),
    user,
    expiresAt,
    deviceName: deviceName ?? null,
    deviceId: device,
    tokenFormat: TokenFormat.OPAQUE,
    ...clientColumns(client),
  });
  user.lastLoginAt = new Date();
  return { token, expiresAt, deviceId: device };
}

function clientColumns(client: SessionClient) {
  return {
    entryPoint: client.entryPoint,
    clientAddress: client.address?.slice(0, 64) ?? null,
    userAgent: client.userAgent?.slice(0, 256) ?? null,
  };
}

/** One answer for unknown user, wrong password and deactivated account. */
export const INVALID_CREDENTIALS = 'Invalid username or password.';

/** The first step's answer for an account with two-factor sign-in (the challenge rides in the extensions). */
export const MFA_REQUIRED_MESSAGE = 'Two-factor authentication is required: complete the sign-in with verifyMfa and a code.';

export interface Session {
  token: string;
  expiresAt: Date;
  deviceId: string;
  user: User;
}

/** `User.sessions` lists at most this many (the newest): a script signing in in a loop cannot make the list unbounded. */
export const SESSIONS_LISTED = 200;

/** Pryv.io admin tokens live 24 hours. */
export const JWT_LIFETIME_SECONDS = 24 * 3600;

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

  /** Charges one sign-in attempt for `account` from this address against every login limit. */
  async chargeAttempt(account: string): Promise<void> {
    const limits = await this.loginLimits();
    await this.ctx.deps.rateLimits.consume([
      [limits.userAddress, `${account}|${this.ctx.ip}`],
      [limits.address, this.ctx.ip],
      [limits.user, account],
    ]);
  }

  /** A completed sign-in: the account's counter for this address is cleared and `points` go back to the others. */
  async clearAttempts(account: string, points: number): Promise<void> {
    const limits = await this.loginLimits();
    const limiter = this.ctx.deps.rateLimits;
    await Promise.all([
      limiter.reset(limits.userAddress, `${account}|${this.ctx.ip}`),
      limiter.refund(limits.address, this.ctx.ip, points),
      limiter.refund(limits.user, account, points),
    ]);
  }

  /**
   * Password sign-in. Every attempt is charged as a failure before any hashing, so aliases, batching,
   * concurrency or other dialects cannot multiply attempts; a success then clears the account's
   * counter for this address and gives back the points it took from the other two. For an account
   * with two-factor sign-in the attempt stays charged and the answer is a challenge (FORBIDDEN, reason
   * MFA_REQUIRED) that `verifyMfa` completes with a code.
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
    const account = username.trim().toLowerCase().slice(0, 128);
    await this.chargeAttempt(account);
    const user = await this.em.findOne(User, { username: account }, { populate: ['passwordHash'] });
    const ok = await this.ctx.deps.hasher.verify(user?.passwordHash, password);
    if (!user || !ok || !user.active) this.ctx.deps.metrics.loginFailures.inc();
    if (!user || !ok) throw new UnauthenticatedError(INVALID_CREDENTIALS, { reason: 'INVALID_CREDENTIALS' });
    // The same refusal; only someone who knows the password learns that the account is deactivated
    // (Matrix answers it as M_USER_DEACTIVATED).
    if (!user.active) throw new UnauthenticatedError(INVALID_CREDENTIALS, { reason: 'INVALID_CREDENTIALS', deactivated: true });
    const newHash = newPassword != null ? await this.ctx.deps.hasher.hash(newPassword) : null;

    const mfa = this.ctx.services.mfa;
    if (await mfa.enabledFor(this.em.fork(), user.id)) {
      // The password alone proves nothing yet: no counter is cleared until the code is right.
      const challenge = await this.tx((em) =>
        mfa.createChallenge(em, user, { deviceName, deviceId, tokenFormat: format, newPasswordHash: newHash }),
      );
      throw new ForbiddenError(MFA_REQUIRED_MESSAGE, {
        reason: 'MFA_REQUIRED',
        mfaChallenge: challenge.token,
        expiresAt: challenge.expiresAt.toISOString(),
        methods: [MfaMethod.TOTP, MfaMethod.RECOVERY_CODE],
      });
    }
    await this.clearAttempts(account, 1);
    // An administrator required a new password: no session until one is set, here (newPassword) or
    // through a password-reset token.
    if (user.mustChangePassword && newHash == null) {
      throw new ForbiddenError('Password reset is required', { reason: 'PASSWORD_RESET_REQUIRED' });
    }
    return this.openSession(user.id, { newHash, format, deviceName, deviceId });
  }

  /**
   * The second step of a sign-in: a live challenge and a right code (TOTP or recovery) open the session
   * the first step asked for. Wrong codes count against the login limits and spend the challenge after
   * five; a challenge opens one session at most.
   */
  async verifyMfa(challengeToken: string, code: string, method: MfaMethod): Promise<Session> {
    if (challengeToken.length > 128) throw new BadInputError('challenge is too long', 'challenge');
    if (code.length > 64) throw new BadInputError('code is too long', 'code');
    const mfa = this.ctx.services.mfa;
    const em = this.em.fork();
    const challenge = await mfa.findChallenge(em, challengeToken);
    if (!challenge) {
      const limits = await this.loginLimits();
      await this.ctx.deps.rateLimits.consume([[limits.address, this.ctx.ip]]);
      throw new UnauthenticatedError('The sign-in challenge is unknown or has expired; sign in again.', {
        reason: 'INVALID_MFA_CHALLENGE',
      });
    }
    const user = challenge.user;
    const account = user.username;
    await this.chargeAttempt(account);
    if (!(await mfa.verifyCode(user.id, code, method))) {
      this.ctx.deps.metrics.loginFailures.inc();
      await mfa.failChallenge(em, challenge);
      throw new UnauthenticatedError('Invalid code.', { reason: 'INVALID_MFA_CODE' });
    }
    if (!(await mfa.spendChallenge(em, challenge))) {
      throw new UnauthenticatedError('The sign-in challenge is unknown or has expired; sign in again.', {
        reason: 'INVALID_MFA_CHALLENGE',
      });
    }
    // The password attempt and this one are given back.
    await this.clearAttempts(account, 2);
    if (!user.active) throw new UnauthenticatedError(INVALID_CREDENTIALS, { reason: 'INVALID_CREDENTIALS', deactivated: true });
    const newHash = challenge.newPasswordHash ?? null;
    if (user.mustChangePassword && newHash == null) {
      throw new ForbiddenError('Password reset is required', { reason: 'PASSWORD_RESET_REQUIRED' });
    }
    return this.openSession(user.id, {
      newHash,
      format: challenge.tokenFormat === TokenFormat.JWT ? TokenFormat.JWT : TokenFormat.OPAQUE,
      deviceName: challenge.deviceName,
      deviceId: challenge.deviceId,
      secondFactor: method,
    });
  }

  /** Opens a session after a complete sign-in, with its audit entry (and a new password when one was set). */
  private async openSession(
    userId: number,
    opts: { newHash: string | null; format: TokenFormat; deviceName?: string | null; deviceId?: string | null; secondFactor?: MfaMethod },
  ): Promise<Session> {
    const { newHash, format, deviceName, deviceId } = opts;
    const lifetime = (await this.ctx.settings()).tokenLifetimeSeconds;
    const client = sessionClient(this.ctx);
    return this.tx(async (em) => {
      const u = await em.findOneOrFail(User, userId, { populate: ['roles'] });
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
      } = format === TokenFormat.JWT
        ? await this.issueJwt(em, u, client, deviceName, deviceId)
        : issueToken(em, u, lifetime, client, deviceName, deviceId);
      this.ctx.signedIn.userId = u.id;
      const data: Record<string, unknown> = { entryPoint: client.entryPoint };
      if (deviceName) data.deviceName = deviceName;
      if (opts.secondFactor) data.secondFactor = opts.secondFactor;
      this.ctx.services.audit.record(em, {
        actor: { id: u.id, username: u.username },
        action: 'session.login',
        subjects: [subject.user(u)],
        data,
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
  private async issueJwt(em: EntityManager, user: User, client: SessionClient, deviceName?: string | null, deviceId?: string | null) {
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
    em.create(AccessToken, {
      tokenHash: hashToken(token),
      user,
      expiresAt,
      deviceName: deviceName ?? 'jwt',
      deviceId: device,
      tokenFormat: TokenFormat.JWT,
      ...clientColumns(client),
    });
    user.lastLoginAt = new Date();
    return { token, expiresAt, deviceId: device };
  }

  /** The session this request is made with (never its token or hash). */
  async currentSession(): Promise<SessionRecord> {
    const t = await this.em.findOneOrFail(AccessToken, this.viewer.tokenId);
    return sessionRecord(t, this.viewer.tokenId);
  }

  /** A user's live sessions, newest first, at most SESSIONS_LISTED (the permission map allows the user and MANAGE_USERS). */
  async sessionsOf(userId: number): Promise<SessionRecord[]> {
    const rows = await this.em
      .fork()
      .find(AccessToken, { user: userId, expiresAt: { $gt: new Date() } }, { orderBy: { id: 'desc' }, limit: SESSIONS_LISTED });
    return rows.map((t) => sessionRecord(t, this.ctx.viewer?.tokenId));
  }

  /**
   * Ends one session: the caller's own, or (MANAGE_USERS, holding every privilege of its owner) another
   * user's. Authentication reads the table on every request, so it ends on every instance at once.
   */
  async revokeSession(id: string): Promise<boolean> {
    const tokenId = parseId(id);
    const viewer = this.viewer;
    const t = await this.em.fork().findOne(AccessToken, tokenId, { populate: ['user'] });
    if (!t) throw new NotFoundError('Session', id);
    const owner = t.user;
    await this.ctx.services.users.assertCanActFor(owner);
    return this.tx(async (em) => {
      const removed = await em.nativeDelete(AccessToken, { id: tokenId });
      if (removed === 0) throw new NotFoundError('Session', id);
      this.ctx.services.audit.record(em, {
        action: 'session.revoke',
        subjects: [subject.user(owner)],
        data: { session: String(tokenId), entryPoint: t.entryPoint ?? null },
        message: owner.id === viewer.id ? 'ended one of their sessions' : `ended a session of @${owner.username}`,
      });
      return true;
    });
  }

  /** Ends every session of a user (the caller's own included when it is theirs); answers how many. */
  async revokeAllSessions(id?: string | null, username?: string | null): Promise<number> {
    const viewer = this.viewer;
    const [userId] = await this.ctx.services.users.resolveRefs(id != null ? [id] : null, username != null ? [username] : null);
    const owner = await this.em.fork().findOneOrFail(User, userId);
    await this.ctx.services.users.assertCanActFor(owner);
    return this.tx(async (em) => {
      const removed = await em.nativeDelete(AccessToken, { user: owner.id });
      this.ctx.services.audit.record(em, {
        action: 'session.revoke_all',
        subjects: [subject.user(owner)],
        data: { sessions: removed },
        message: owner.id === viewer.id ? 'ended all their sessions' : `ended all sessions of @${owner.username}`,
      });
      return removed;
    });
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
