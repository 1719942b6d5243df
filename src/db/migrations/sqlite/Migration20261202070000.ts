import { Migration } from '@mikro-orm/migrations';

export class Migration20261202070000 extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table `users` add column `admin_console` integer not null default false;');
  }
}
