import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { User } from '../users/user.entity';

/** One-use tokens mailed or handed to a user: password reset and email confirmation. Stored hashed. */
@Entity({ tableName: 'account_tokens' })
export class AccountToken {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @Property({ length: 64, unique: true })
  tokenHash!: string;

  @ManyToOne(() => User, { deleteRule: 'cascade', index: true })
  user!: User;

  /** `password_reset` or `email_confirmation`. */
  @Property({ length: 32 })
  purpose!: string;

  @Property()
  expiresAt!: Date;

  @Property()
  createdAt: Date = new Date();
}
