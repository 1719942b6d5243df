import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/** The settings document: one row (id 1). Its history is the audit log (action settings.update). */
@Entity({ tableName: 'settings' })
export class SettingsRow {
  [OptionalProps]?: 'restartRequired' | 'updatedAt';

  @PrimaryKey({ autoincrement: false })
  id: number = 1;

  @Property({ type: 'json' })
  document!: Record<string, unknown>;

  /** True after a change to a key in RESTART_KEYS, until `restart` runs. */
  @Property({ default: false })
  restartRequired: boolean = false;

  @Property({ onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
