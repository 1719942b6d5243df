import { Migration } from '@mikro-orm/migrations';

export class Migration20261122223331 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`invites\` (\`id\` integer not null primary key autoincrement, \`token\` text not null, \`name\` text null, \`max_uses\` integer null, \`uses\` integer not null default 0, \`expires_at\` datetime null, \`revoked\` integer not null default false, \`grant_privileges\` text not null default '', \`grant_roles\` text not null default '', \`email\` text null, \`created_by_id\` integer null, \`created_by_username\` text null, \`created_at\` datetime not null);`,
    );
    this.addSql(`create unique index \`invites_token_unique\` on \`invites\` (\`token\`);`);
    this.addSql(`create index \`invites_expires_at_index\` on \`invites\` (\`expires_at\`);`);

    this.addSql(
      `create table \`kv_entries\` (\`key\` text not null, \`value\` json null, \`updated_at\` datetime not null, \`updated_by_id\` integer null, primary key (\`key\`));`,
    );

    this.addSql(
      `create table \`outbox\` (\`id\` integer not null primary key autoincrement, \`to\` text not null, \`subject\` text not null, \`text\` text not null, \`created_at\` datetime not null, \`sent_at\` datetime null, \`error\` text null);`,
    );

    this.addSql(
      `create table \`settings\` (\`id\` integer not null default 1, \`document\` json not null, \`restart_required\` integer not null default false, \`updated_at\` datetime not null, primary key (\`id\`));`,
    );

    this.addSql(
      `create table \`reports\` (\`id\` integer not null primary key autoincrement, \`reporter_id\` integer null, \`account_id\` integer not null, \`content\` json not null, \`comment\` text null, \`state\` text not null default 'open', \`assignee_id\` integer null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`reports_reporter_id_foreign\` foreign key(\`reporter_id\`) references \`users\`(\`id\`) on delete set null on update cascade, constraint \`reports_account_id_foreign\` foreign key(\`account_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, constraint \`reports_assignee_id_foreign\` foreign key(\`assignee_id\`) references \`users\`(\`id\`) on delete set null on update cascade);`,
    );
    this.addSql(`create index \`reports_reporter_id_index\` on \`reports\` (\`reporter_id\`);`);
    this.addSql(`create index \`reports_account_id_index\` on \`reports\` (\`account_id\`);`);
    this.addSql(`create index \`reports_assignee_id_index\` on \`reports\` (\`assignee_id\`);`);
    this.addSql(`create index \`reports_state_id_index\` on \`reports\` (\`state\`, \`id\`);`);

    this.addSql(
      `create table \`report_notes\` (\`id\` integer not null primary key autoincrement, \`report_id\` integer not null, \`author_id\` integer null, \`author_username\` text null, \`content\` text not null, \`created_at\` datetime not null, constraint \`report_notes_report_id_foreign\` foreign key(\`report_id\`) references \`reports\`(\`id\`) on delete cascade on update cascade);`,
    );
    this.addSql(`create index \`report_notes_report_id_index\` on \`report_notes\` (\`report_id\`);`);
  }
}
