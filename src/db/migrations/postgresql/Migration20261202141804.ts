import { Migration } from '@mikro-orm/migrations';

/** Two-factor sign-in (TOTP seeds, recovery codes, sign-in challenges) and what a session records of its client. */
export class Migration20261202141804 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "mfa_recovery_codes" ("id" serial primary key, "user_id" int not null, "code_hash" varchar(64) not null, "created_at" timestamptz not null);`,
    );
    this.addSql(`create index "mfa_recovery_codes_user_id_index" on "mfa_recovery_codes" ("user_id");`);

    this.addSql(
      `create table "mfa_challenges" ("id" serial primary key, "token_hash" varchar(64) not null, "user_id" int not null, "expires_at" timestamptz not null, "failures" int not null default 0, "device_name" varchar(128) null, "device_id" varchar(64) null, "token_format" varchar(8) not null, "new_password_hash" text null, "created_at" timestamptz not null);`,
    );
    this.addSql(`alter table "mfa_challenges" add constraint "mfa_challenges_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "mfa_challenges_user_id_index" on "mfa_challenges" ("user_id");`);

    this.addSql(
      `create table "user_mfa" ("id" serial primary key, "user_id" int not null, "secret" text not null, "enabled" boolean not null default false, "last_step" int not null default 0, "created_at" timestamptz not null, "enabled_at" timestamptz null);`,
    );
    this.addSql(`alter table "user_mfa" add constraint "user_mfa_user_id_unique" unique ("user_id");`);

    this.addSql(
      `alter table "mfa_recovery_codes" add constraint "mfa_recovery_codes_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "mfa_challenges" add constraint "mfa_challenges_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "user_mfa" add constraint "user_mfa_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "access_tokens" add column "entry_point" varchar(16) null, add column "token_format" varchar(8) null, add column "client_address" varchar(64) null, add column "user_agent" varchar(256) null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "mfa_recovery_codes" cascade;`);

    this.addSql(`drop table if exists "mfa_challenges" cascade;`);

    this.addSql(`drop table if exists "user_mfa" cascade;`);

    this.addSql(
      `alter table "access_tokens" drop column "entry_point", drop column "token_format", drop column "client_address", drop column "user_agent";`,
    );
  }
}
