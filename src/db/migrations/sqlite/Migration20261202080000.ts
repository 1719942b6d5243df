import { Migration } from '@mikro-orm/migrations';

/** Matrix device ids: a session keeps the device the client named (or one Gatehouse gave it). */
export class Migration20261202080000 extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table `access_tokens` add column `device_id` text null;');
  }
}
