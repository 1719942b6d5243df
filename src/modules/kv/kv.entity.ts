import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/** The public key/value store (Socks 340/341). */
@Entity({ tableName: 'kv_entries' })
export class KvEntry {
  [OptionalProps]?: 'updatedAt';

  @PrimaryKey({ length: 256 })
  key!: string;

  /** JSON null is stored as SQL NULL. */
  @Property({ type: 'json', nullable: true })
  value!: unknown;

  @Property({ onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Property({ type: 'integer', nullable: true })
  updatedById?: number | null;
}
