import { Collection, Entity, Index, ManyToOne, OneToMany, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../users/user.entity';

export enum ReportState {
  open = 'open',
  closed = 'closed',
  resolved = 'resolved',
}
registerEnumType(ReportState, { name: 'ReportState', description: "Akkoma's report states." });
export const REPORT_STATES: readonly string[] = Object.values(ReportState);

@ObjectType({ description: 'Reported content: a status id or URI with a snapshot of its text.' })
export class ReportContentRef {
  @Field(() => String, { nullable: true })
  id?: string | null;

  @Field(() => String, { nullable: true })
  uri?: string | null;

  @Field(() => String, { nullable: true, description: 'The text as it was when reported.' })
  text?: string | null;
}

@ObjectType({ description: 'A moderation report about an account.' })
@Entity({ tableName: 'reports' })
@Index({ properties: ['state', 'id'] })
export class Report {
  [OptionalProps]?: 'state' | 'content' | 'createdAt' | 'updatedAt';

  @Field(() => ID)
  @PrimaryKey({ autoincrement: true })
  id!: number;

  /** Null once the reporter's account is deleted. */
  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null', index: true })
  reporter?: User | null;

  @ManyToOne(() => User, { deleteRule: 'cascade', index: true })
  account!: User;

  @Field(() => [ReportContentRef])
  @Property({ type: 'json' })
  content: ReportContentRef[] = [];

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  comment?: string | null;

  @Field(() => ReportState)
  @Property({ type: 'string', length: 16, default: 'open' })
  state: ReportState = ReportState.open;

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  assignee?: User | null;

  @OneToMany(() => ReportNote, (n) => n.report, { orderBy: { id: 'asc' } })
  notes = new Collection<ReportNote>(this);

  @Field()
  @Property()
  createdAt: Date = new Date();

  @Field()
  @Property({ onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

@ObjectType({ description: 'A moderator’s note on a report.' })
@Entity({ tableName: 'report_notes' })
export class ReportNote {
  [OptionalProps]?: 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => Report, { deleteRule: 'cascade', index: true })
  report!: Report;

  @Property({ type: 'integer', nullable: true })
  authorId?: number | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'string', length: 64, nullable: true })
  authorUsername?: string | null;

  @Field()
  @Property({ type: 'text' })
  content!: string;

  @Field()
  @Property()
  createdAt: Date = new Date();
}
