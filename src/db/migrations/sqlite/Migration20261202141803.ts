import { Migration } from '@mikro-orm/migrations';

/** Two-factor sign-in (TOTP seeds, recovery codes, sign-in challenges) and what a session records of its client. */
export class Migration20261202141803 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`mfa_recovery_codes\` (\`id\` integer not null primary key autoincrement, \`user_id\` integer not null, \`code_hash\` text not null, \`created_at\` datetime not null, constraint \`mfa_recovery_codes_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade);`,
    );
    this.addSql(`create index \`mfa_recovery_codes_user_id_index\` on \`mfa_recovery_codes\` (\`user_id\`);`);

    this.addSql(
      `create table \`mfa_challenges\` (\`id\` integer not null primary key autoincrement, \`token_hash\` text not null, \`user_id\` integer not null, \`expires_at\` datetime not null, \`failures\` integer not null default 0, \`device_name\` text null, \`device_id\` text null, \`token_format\` text not null, \`new_password_hash\` text null, \`created_at\` datetime not null, constraint \`mfa_challenges_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade);`,
    );
    this.addSql(`create unique index \`mfa_challenges_token_hash_unique\` on \`mfa_challenges\` (\`token_hash\`);`);
    this.addSql(`create index \`mfa_challenges_user_id_index\` on \`mfa_challenges\` (\`user_id\`);`);

    this.addSql(
      `create table \`user_mfa\` (\`id\` integer not null primary key autoincrement, \`user_id\` integer not null, \`secret\` text not null, \`enabled\` integer not null default false, \`last_step\` integer not null default 0, \`created_at\` datetime not null, \`enabled_at\` datetime null, constraint \`user_mfa_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade);`,
    );
    this.addSql(`create index \`user_mfa_user_id_index\` on \`user_mfa\` (\`user_id\`);`);
    this.addSql(`create unique index \`user_mfa_user_id_unique\` on \`user_mfa\` (\`user_id\`);`);

    this.addSql(`alter table \`access_tokens\` add column \`entry_point\` text null;`);
    this.addSql(`alter table \`access_tokens\` add column \`token_format\` text null;`);
    this.addSql(`alter table \`access_tokens\` add column \`client_address\` text null;`);
    this.addSql(`alter table \`access_tokens\` add column \`user_agent\` text null;`);
  }
}
