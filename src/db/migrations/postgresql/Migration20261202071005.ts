import { Migration } from '@mikro-orm/migrations';

export class Migration20261202071005 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "invites" add column "last_used_at" timestamptz null, add column "last_used_by" varchar(64) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "invites" drop column "last_used_at", drop column "last_used_by";`);
  }
}
