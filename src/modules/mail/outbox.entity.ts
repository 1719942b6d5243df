import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/** Mail Gatehouse meant to send. Without SMTP configured it stays here (and in the log) unsent. */
@Entity({ tableName: 'outbox' })
export class OutboxMessage {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @Property({ length: 320 })
  to!: string;

  @Property({ length: 512 })
  subject!: string;

  @Property({ type: 'text' })
  text!: string;

  @Property()
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  sentAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  error?: string | null;
}
