import { Migration } from '@mikro-orm/migrations';

export class Migration20261122214409 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`audit_entries\` (\`id\` integer not null primary key autoincrement, \`actor_id\` integer null, \`actor_username\` text null, \`action\` text not null, \`subjects\` json not null, \`data\` json null, \`message\` text not null, \`created_at\` datetime not null);`,
    );
    this.addSql(`create index \`audit_entries_actor_id_index\` on \`audit_entries\` (\`actor_id\`);`);
    this.addSql(`create index \`audit_entries_action_index\` on \`audit_entries\` (\`action\`);`);
    this.addSql(`create index \`audit_entries_created_at_index\` on \`audit_entries\` (\`created_at\`);`);

    this.addSql(
      `create table \`roles\` (\`id\` integer not null primary key autoincrement, \`name\` text not null, \`description\` text null, \`privileges\` text not null default '', \`built_in\` integer not null default false, \`created_at\` datetime not null, \`updated_at\` datetime not null);`,
    );
    this.addSql(`create unique index \`roles_name_unique\` on \`roles\` (\`name\`);`);

    this.addSql(
      `create table \`users\` (\`id\` integer not null primary key autoincrement, \`username\` text not null, \`email\` text null, \`display_name\` text null, \`password_hash\` text null, \`active\` integer not null default true, \`deactivation_reason\` text null, \`deactivated_at\` datetime null, \`deactivated_by_id\` integer null, \`email_confirmed\` integer not null default true, \`approved\` integer not null default true, \`must_change_password\` integer not null default false, \`language\` text null, \`privileges\` text not null default '', \`tags\` text not null default '', \`created_at\` datetime not null, \`updated_at\` datetime not null, \`last_login_at\` datetime null);`,
    );
    this.addSql(`create unique index \`users_username_unique\` on \`users\` (\`username\`);`);
    this.addSql(`create unique index \`users_email_unique\` on \`users\` (\`email\`);`);

    this.addSql(
      `create table \`groups\` (\`id\` integer not null primary key autoincrement, \`name\` text not null, \`description\` text null, \`owner_id\` integer null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`groups_owner_id_foreign\` foreign key(\`owner_id\`) references \`users\`(\`id\`) on delete set null on update cascade);`,
    );
    this.addSql(`create unique index \`groups_name_unique\` on \`groups\` (\`name\`);`);
    this.addSql(`create index \`groups_owner_id_index\` on \`groups\` (\`owner_id\`);`);

    this.addSql(
      `create table \`group_members\` (\`id\` integer not null primary key autoincrement, \`group_id\` integer not null, \`user_id\` integer not null, \`created_at\` datetime not null, constraint \`group_members_group_id_foreign\` foreign key(\`group_id\`) references \`groups\`(\`id\`) on delete cascade on update cascade, constraint \`group_members_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade);`,
    );
    this.addSql(`create index \`group_members_group_id_index\` on \`group_members\` (\`group_id\`);`);
    this.addSql(`create index \`group_members_user_id_index\` on \`group_members\` (\`user_id\`);`);
    this.addSql(`create unique index \`group_members_group_id_user_id_unique\` on \`group_members\` (\`group_id\`, \`user_id\`);`);

    this.addSql(
      `create table \`access_tokens\` (\`id\` integer not null primary key autoincrement, \`token_hash\` text not null, \`user_id\` integer not null, \`device_name\` text null, \`created_at\` datetime not null, \`expires_at\` datetime not null, \`last_used_at\` datetime null, constraint \`access_tokens_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade);`,
    );
    this.addSql(`create unique index \`access_tokens_token_hash_unique\` on \`access_tokens\` (\`token_hash\`);`);
    this.addSql(`create index \`access_tokens_user_id_index\` on \`access_tokens\` (\`user_id\`);`);

    this.addSql(
      `create table \`user_roles\` (\`user_id\` integer not null, \`role_id\` integer not null, constraint \`user_roles_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, constraint \`user_roles_role_id_foreign\` foreign key(\`role_id\`) references \`roles\`(\`id\`) on delete cascade on update cascade, primary key (\`user_id\`, \`role_id\`));`,
    );
    this.addSql(`create index \`user_roles_user_id_index\` on \`user_roles\` (\`user_id\`);`);
    this.addSql(`create index \`user_roles_role_id_index\` on \`user_roles\` (\`role_id\`);`);
  }
}
