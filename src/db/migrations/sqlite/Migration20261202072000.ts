import { Migration } from '@mikro-orm/migrations';

export class Migration20261202072000 extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table `audit_entries` add column `moderation_message` text null;');
    this.addSql('alter table `audit_entries` add column `moderation_data` json null;');
  }
}
