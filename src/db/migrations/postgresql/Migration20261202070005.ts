import { Migration } from '@mikro-orm/migrations';

export class Migration20261202070005 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "users" add column "admin_console" boolean not null default false;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "users" drop column "admin_console";`);
  }
}
