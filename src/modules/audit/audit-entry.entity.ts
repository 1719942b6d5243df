import { Field, ID, ObjectType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

@ObjectType({ description: 'Something an audit entry is about.' })
export class AuditSubjectRef {
  @Field({ description: 'user, role, group, token, …' })
  type!: string;

  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;
}

/**
 * One entry of the append-only audit (moderation) log. The actor is copied by id and name, with no
 * foreign key, so deleting a user never rewrites history. No code path updates or deletes a row.
 */
@ObjectType({ description: 'One entry of the append-only audit (moderation) log.' })
@Entity({ tableName: 'audit_entries' })
@Index({ properties: ['createdAt'] })
export class AuditEntry {
  [OptionalProps]?: 'createdAt' | 'subjects' | 'data' | 'moderationMessage' | 'moderationData';

  @Field(() => ID)
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @Field(() => ID, { nullable: true, description: 'Null for the system (start-up tasks).' })
  @Index()
  @Property({ type: 'integer', nullable: true })
  actorId?: number | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 64, nullable: true })
  actorUsername?: string | null;

  @Field({ description: 'Dotted verb, e.g. user.deactivate.' })
  @Index()
  @Property({ length: 64 })
  action!: string;

  @Field(() => [AuditSubjectRef])
  @Property({ type: 'json' })
  subjects: AuditSubjectRef[] = [];

  @Field(() => GraphQLJSON, { nullable: true })
  @Property({ type: 'json', nullable: true })
  data?: Record<string, unknown> | null;

  @Field({ description: 'A readable sentence.' })
  @Property({ type: 'text' })
  message!: string;

  @Field()
  @Property()
  createdAt: Date = new Date();

  @Field(() => String, {
    nullable: true,
    description: "Akkoma's moderation-log message for this entry; null when Akkoma would not log the action (sign-ins, settings…).",
  })
  @Property({ type: 'text', nullable: true })
  moderationMessage?: string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: "Akkoma's moderation-log `data` (actor, action, subject…, message)." })
  @Property({ type: 'json', nullable: true })
  moderationData?: Record<string, unknown> | null;
}
