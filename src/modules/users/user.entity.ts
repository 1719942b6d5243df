import { Collection, Entity, ManyToMany, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { StringSetType } from '../../db/string-set.type';
import { Privilege } from '../privileges/privilege.enum';
import { Role } from '../roles/role.entity';

/** A user account. The password hash is a column only: it has no GraphQL field and never leaves the service. */
@ObjectType({ description: 'A user account.' })
@Entity({ tableName: 'users' })
export class User {
  [OptionalProps]?:
    'active' | 'emailConfirmed' | 'approved' | 'mustChangePassword' | 'adminConsole' | 'privileges' | 'tags' | 'createdAt' | 'updatedAt';

  @Field(() => ID)
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @Field({ description: 'Login name: Matrix localpart, Pleroma nickname, Pryv username.' })
  @Property({ length: 64, unique: true })
  username!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 320, nullable: true, unique: true })
  email?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 256, nullable: true })
  displayName?: string | null;

  @Property({ type: 'text', nullable: true, lazy: true, hidden: true })
  passwordHash?: string | null;

  @Field({ description: 'False once deactivated: the account cannot sign in and its tokens stop working.' })
  @Property({ default: true })
  active: boolean = true;

  @Property({ type: 'text', nullable: true })
  deactivationReason?: string | null;

  @Property({ type: 'datetime', nullable: true })
  deactivatedAt?: Date | null;

  /** Who deactivated the account; kept as a plain id (no FK) so it survives that user's deletion. */
  @Property({ type: 'integer', nullable: true })
  deactivatedById?: number | null;

  @Field()
  @Property({ default: true })
  emailConfirmed: boolean = true;

  @Field()
  @Property({ default: true })
  approved: boolean = true;

  @Field()
  @Property({ default: false })
  mustChangePassword: boolean = false;

  /**
   * An admin-console account (Pryv.io's admin users): listed among the staff whatever it holds, as
   * upstream lists every account its admin API created, and deleted under the staff rule.
   */
  @Field({ description: 'An admin-console account (created through the Pryv.io admin API): listed as staff whatever it holds.' })
  @Property({ default: false })
  adminConsole: boolean = false;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 32, nullable: true })
  language?: string | null;

  /** Direct privileges (not those from roles). */
  @Field(() => [Privilege], { name: 'directPrivileges', description: 'Privileges granted directly (not through roles).' })
  @Property({ type: StringSetType, default: '' })
  privileges: string[] = [];

  @Field(() => [String])
  @Property({ type: StringSetType, default: '' })
  tags: string[] = [];

  @ManyToMany({ entity: () => Role, pivotTable: 'user_roles', joinColumn: 'user_id', inverseJoinColumn: 'role_id' })
  roles = new Collection<Role>(this);

  @Field()
  @Property()
  createdAt: Date = new Date();

  @Field()
  @Property({ onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', nullable: true })
  lastLoginAt?: Date | null;
}
