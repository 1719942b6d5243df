import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { StringSetType } from '../../db/string-set.type';
import { Privilege } from '../privileges/privilege.enum';

/** A named bundle of privileges. `admin` (ALL) and `moderator` are built in and cannot be deleted. */
@ObjectType({ description: 'A named bundle of privileges.' })
@Entity({ tableName: 'roles' })
export class Role {
  [OptionalProps]?: 'builtIn' | 'privileges' | 'createdAt' | 'updatedAt';

  @Field(() => ID)
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @Field()
  @Property({ length: 64, unique: true })
  name!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @Field(() => [Privilege])
  @Property({ type: StringSetType, default: '' })
  privileges: string[] = [];

  @Field({ description: 'Built-in roles (admin, moderator) cannot be deleted or renamed.' })
  @Property({ default: false })
  builtIn: boolean = false;

  @Field()
  @Property()
  createdAt: Date = new Date();

  @Field()
  @Property({ onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
