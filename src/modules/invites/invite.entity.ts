import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { StringSetType } from '../../db/string-set.type';
import { Privilege } from '../privileges/privilege.enum';

export enum InviteType {
  ONE_TIME = 'one_time',
  REUSABLE = 'reusable',
  DATE_LIMITED = 'date_limited',
  REUSABLE_DATE_LIMITED = 'reusable_date_limited',
}
registerEnumType(InviteType, { name: 'InviteType', description: "Akkoma's invite_type, derived from maxUses and expiresAt." });

/**
 * A registration token. `maxUses` null means unlimited (Telodendria -1); the token is kept in clear
 * because the Telodendria and Akkoma APIs list tokens by value.
 */
@ObjectType({ description: 'An invite (registration token).' })
@Entity({ tableName: 'invites' })
export class Invite {
  [OptionalProps]?: 'uses' | 'revoked' | 'grantPrivileges' | 'grantRoleIds' | 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ autoincrement: true })
  id!: number;

  /** Exposed by InviteResolver.token: only to whoever holds every privilege the invite grants. */
  @Property({ length: 64, unique: true })
  token!: string;

  @Field(() => String, { nullable: true, description: 'A note for administrators.' })
  @Property({ type: 'string', length: 256, nullable: true })
  name?: string | null;

  @Field(() => Int, { nullable: true, description: 'Allowed registrations; null means unlimited.' })
  @Property({ type: 'integer', nullable: true })
  maxUses?: number | null;

  @Field(() => Int, { description: 'Completed registrations.' })
  @Property({ default: 0 })
  uses: number = 0;

  @Field(() => Date, { nullable: true })
  @Index()
  @Property({ type: 'datetime', nullable: true })
  expiresAt?: Date | null;

  @Field()
  @Property({ default: false })
  revoked: boolean = false;

  @Field(() => [Privilege], { description: 'Privileges given to whoever registers with it.' })
  @Property({ type: StringSetType, default: '' })
  grantPrivileges: string[] = [];

  /**
   * Roles given to whoever registers with it, by id: a role renamed (or another renamed to its old
   * name) cannot change what the invite grants. InviteResolver.grantRoles answers their names.
   */
  @Property({ type: StringSetType, default: '' })
  grantRoleIds: string[] = [];

  @Field(() => String, { nullable: true, description: 'Where an email invite was sent.' })
  @Property({ type: 'string', length: 320, nullable: true })
  email?: string | null;

  @Property({ type: 'integer', nullable: true })
  createdById?: number | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 64, nullable: true })
  createdByUsername?: string | null;

  @Field()
  @Property()
  createdAt: Date = new Date();

  @Field(() => Date, { nullable: true, description: 'When someone last registered with it.' })
  @Property({ type: 'datetime', nullable: true })
  lastUsedAt?: Date | null;

  @Field(() => String, { nullable: true, description: 'Who last registered with it (Pryv’s consumedBy).' })
  @Property({ type: 'string', length: 64, nullable: true })
  lastUsedBy?: string | null;
}

export type InviteRecord = Invite;

export function inviteState(i: Pick<Invite, 'maxUses' | 'uses' | 'expiresAt' | 'revoked'>, now = Date.now()) {
  const expired = i.expiresAt != null && i.expiresAt.getTime() <= now;
  const usedUp = i.maxUses != null && i.uses >= i.maxUses;
  return { expired, usedUp, valid: !i.revoked && !expired && !usedUp, used: i.revoked || usedUp };
}

/**
 * Akkoma's kinds: with an expiry, `date_limited` has no use limit and `reusable_date_limited` has one;
 * without, `one_time` is a single use and `reusable` any other limit (or none).
 */
export function inviteType(i: Pick<Invite, 'maxUses' | 'expiresAt'>): InviteType {
  if (i.expiresAt) return i.maxUses == null ? InviteType.DATE_LIMITED : InviteType.REUSABLE_DATE_LIMITED;
  return i.maxUses === 1 ? InviteType.ONE_TIME : InviteType.REUSABLE;
}
