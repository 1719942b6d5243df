import { Migration } from '@mikro-orm/migrations';
import { inviteRoleNamesToIds } from '../shared/invite-role-ids';

export class Migration20261202060000 extends Migration {
  override async up(): Promise<void> {
    await this.execute("alter table `invites` add column `grant_role_ids` text not null default '';");
    await inviteRoleNamesToIds((sql, params) => this.execute(sql, params as never));
    await this.execute('alter table `invites` drop column `grant_roles`;');
  }
}
