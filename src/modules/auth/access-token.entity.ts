import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { User } from '../users/user.entity';

/** A session. Only sha256(token) is stored; the token itself is shown once, at login. */
@Entity({ tableName: 'access_tokens' })
export class AccessToken {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @Property({ length: 64, unique: true })
  tokenHash!: string;

  @ManyToOne(() => User, { deleteRule: 'cascade', index: true })
  user!: User;

  @Property({ type: 'string', length: 128, nullable: true })
  deviceName?: string | null;

  /** The client's device (Matrix `device_id`): the one it named at login, else one given to it. */
  @Property({ type: 'string', length: 64, nullable: true })
  deviceId?: string | null;

  @Property()
  createdAt: Date = new Date();

  @Property()
  expiresAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  lastUsedAt?: Date | null;

  /** Where the session was opened: GRAPHQL, PLEROMA, MATRIX, PRYV or SOCKS (null before this was recorded). */
  @Property({ type: 'string', length: 16, nullable: true })
  entryPoint?: string | null;

  /** OPAQUE or JWT. */
  @Property({ type: 'string', length: 8, nullable: true })
  tokenFormat?: string | null;

  @Property({ type: 'string', length: 64, nullable: true })
  clientAddress?: string | null;

  @Property({ type: 'string', length: 256, nullable: true })
  userAgent?: string | null;
}
