import { Migration } from '@mikro-orm/migrations';

export class Migration20261202071000 extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table `invites` add column `last_used_at` datetime null;');
    this.addSql('alter table `invites` add column `last_used_by` text null;');
  }
}
