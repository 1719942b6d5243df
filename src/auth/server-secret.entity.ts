import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * Secrets the server generates for itself on first start (the JWT signing key), shared by every
 * instance through the database. Never part of the settings document, never logged.
 */
@Entity({ tableName: 'server_secrets' })
export class ServerSecret {
  @PrimaryKey({ length: 64 })
  name!: string;

  @Property({ type: 'text', hidden: true })
  value!: string;

  @Property()
  createdAt: Date = new Date();
}
