import { Migration } from '@mikro-orm/migrations';

export class Migration20261122223335 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "invites" ("id" serial primary key, "token" varchar(64) not null, "name" varchar(256) null, "max_uses" int null, "uses" int not null default 0, "expires_at" timestamptz null, "revoked" boolean not null default false, "grant_privileges" text not null default '', "grant_roles" text not null default '', "email" varchar(320) null, "created_by_id" int null, "created_by_username" varchar(64) null, "created_at" timestamptz not null);`,
    );
    this.addSql(`alter table "invites" add constraint "invites_token_unique" unique ("token");`);
    this.addSql(`create index "invites_expires_at_index" on "invites" ("expires_at");`);

    this.addSql(
      `create table "kv_entries" ("key" varchar(256) not null, "value" jsonb null, "updated_at" timestamptz not null, "updated_by_id" int null, constraint "kv_entries_pkey" primary key ("key"));`,
    );

    this.addSql(
      `create table "outbox" ("id" serial primary key, "to" varchar(320) not null, "subject" varchar(512) not null, "text" text not null, "created_at" timestamptz not null, "sent_at" timestamptz null, "error" text null);`,
    );

    this.addSql(
      `create table "settings" ("id" int not null default 1, "document" jsonb not null, "restart_required" boolean not null default false, "updated_at" timestamptz not null, constraint "settings_pkey" primary key ("id"));`,
    );

    this.addSql(
      `create table "reports" ("id" serial primary key, "reporter_id" int null, "account_id" int not null, "content" jsonb not null, "comment" text null, "state" varchar(16) not null default 'open', "assignee_id" int null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`,
    );
    this.addSql(`create index "reports_reporter_id_index" on "reports" ("reporter_id");`);
    this.addSql(`create index "reports_account_id_index" on "reports" ("account_id");`);
    this.addSql(`create index "reports_state_id_index" on "reports" ("state", "id");`);

    this.addSql(
      `create table "report_notes" ("id" serial primary key, "report_id" int not null, "author_id" int null, "author_username" varchar(64) null, "content" text not null, "created_at" timestamptz not null);`,
    );
    this.addSql(`create index "report_notes_report_id_index" on "report_notes" ("report_id");`);

    this.addSql(
      `alter table "reports" add constraint "reports_reporter_id_foreign" foreign key ("reporter_id") references "users" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "reports" add constraint "reports_account_id_foreign" foreign key ("account_id") references "users" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "reports" add constraint "reports_assignee_id_foreign" foreign key ("assignee_id") references "users" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "report_notes" add constraint "report_notes_report_id_foreign" foreign key ("report_id") references "reports" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "report_notes" drop constraint "report_notes_report_id_foreign";`);

    this.addSql(`drop table if exists "invites" cascade;`);

    this.addSql(`drop table if exists "kv_entries" cascade;`);

    this.addSql(`drop table if exists "outbox" cascade;`);

    this.addSql(`drop table if exists "settings" cascade;`);

    this.addSql(`drop table if exists "reports" cascade;`);

    this.addSql(`drop table if exists "report_notes" cascade;`);
  }
}
