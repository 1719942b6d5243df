import { Migration } from '@mikro-orm/migrations';

/** Matrix device ids: a session keeps the device the client named (or one Gatehouse gave it). */
export class Migration20261202080005 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "access_tokens" add column "device_id" varchar(64) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "access_tokens" drop column "device_id";`);
  }
}
