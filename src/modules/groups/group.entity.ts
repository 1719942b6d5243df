import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { User } from '../users/user.entity';

/** A group of users (the Socks model): its owner adds members; MANAGE_GROUPS may edit any group. */
@ObjectType({ description: 'A group of users; its owner manages its members.' })
@Entity({ tableName: 'groups' })
export class Group {
  [OptionalProps]?: 'createdAt' | 'updatedAt';

  @Field(() => ID)
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @Field()
  @Property({ length: 64, unique: true })
  name!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null', index: true })
  owner?: User | null;

  @Field()
  @Property()
  createdAt: Date = new Date();

  @Field()
  @Property({ onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

@Entity({ tableName: 'group_members' })
@Unique({ properties: ['group', 'user'] })
export class GroupMember {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => Group, { deleteRule: 'cascade' })
  group!: Group;

  @ManyToOne(() => User, { deleteRule: 'cascade', index: true })
  user!: User;

  @Property()
  createdAt: Date = new Date();
}
