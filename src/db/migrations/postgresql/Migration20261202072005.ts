import { Migration } from '@mikro-orm/migrations';

export class Migration20261202072005 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "audit_entries" add column "moderation_message" text null, add column "moderation_data" jsonb null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "audit_entries" drop column "moderation_message", drop column "moderation_data";`);
  }
}
