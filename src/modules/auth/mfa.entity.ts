import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { User } from '../users/user.entity';

/**
 * A user's TOTP second factor. The seed is stored sealed (AES-256-GCM, see SecretBox) and never leaves
 * the service after enrolment; `enabled` stays false until the first code confirms the enrolment.
 */
@Entity({ tableName: 'user_mfa' })
export class UserMfa {
  [OptionalProps]?: 'createdAt' | 'enabled' | 'lastStep';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => User, { deleteRule: 'cascade', unique: true })
  user!: User;

  @Property({ type: 'text', hidden: true })
  secret!: string;

  @Property({ default: false })
  enabled: boolean = false;

  /** The last TOTP time step accepted: a code of that step or an earlier one is refused (no replay). */
  @Property({ type: 'integer', default: 0 })
  lastStep: number = 0;

  @Property()
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  enabledAt?: Date | null;
}

/** One single-use recovery code (sha256 of its 80 random bits): deleted when used. */
@Entity({ tableName: 'mfa_recovery_codes' })
export class MfaRecoveryCode {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => User, { deleteRule: 'cascade', index: true })
  user!: User;

  @Property({ length: 64 })
  codeHash!: string;

  @Property()
  createdAt: Date = new Date();
}

/**
 * The second step of a sign-in: the password was right, a code is still owed. Short-lived, single-use,
 * stored as sha256 only; it remembers what the sign-in asked for (device, token format, a new password).
 */
@Entity({ tableName: 'mfa_challenges' })
export class MfaChallenge {
  [OptionalProps]?: 'createdAt' | 'failures';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @Property({ length: 64, unique: true })
  tokenHash!: string;

  @ManyToOne(() => User, { deleteRule: 'cascade', index: true })
  user!: User;

  @Property()
  expiresAt!: Date;

  @Property({ type: 'integer', default: 0 })
  failures: number = 0;

  @Property({ type: 'string', length: 128, nullable: true })
  deviceName?: string | null;

  @Property({ type: 'string', length: 64, nullable: true })
  deviceId?: string | null;

  @Property({ length: 8 })
  tokenFormat!: string;

  /** Set when the sign-in also set a new password (a required reset): applied once the code is right. */
  @Property({ type: 'text', nullable: true, hidden: true })
  newPasswordHash?: string | null;

  @Property()
  createdAt: Date = new Date();
}
