import { Migration } from '@mikro-orm/migrations';

export class Migration20261122214413 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "audit_entries" ("id" serial primary key, "actor_id" int null, "actor_username" varchar(64) null, "action" varchar(64) not null, "subjects" jsonb not null, "data" jsonb null, "message" text not null, "created_at" timestamptz not null);`,
    );
    this.addSql(`create index "audit_entries_actor_id_index" on "audit_entries" ("actor_id");`);
    this.addSql(`create index "audit_entries_action_index" on "audit_entries" ("action");`);
    this.addSql(`create index "audit_entries_created_at_index" on "audit_entries" ("created_at");`);

    this.addSql(
      `create table "roles" ("id" serial primary key, "name" varchar(64) not null, "description" text null, "privileges" text not null default '', "built_in" boolean not null default false, "created_at" timestamptz not null, "updated_at" timestamptz not null);`,
    );
    this.addSql(`alter table "roles" add constraint "roles_name_unique" unique ("name");`);

    this.addSql(
      `create table "users" ("id" serial primary key, "username" varchar(64) not null, "email" varchar(320) null, "display_name" varchar(256) null, "password_hash" text null, "active" boolean not null default true, "deactivation_reason" text null, "deactivated_at" timestamptz null, "deactivated_by_id" int null, "email_confirmed" boolean not null default true, "approved" boolean not null default true, "must_change_password" boolean not null default false, "language" varchar(32) null, "privileges" text not null default '', "tags" text not null default '', "created_at" timestamptz not null, "updated_at" timestamptz not null, "last_login_at" timestamptz null);`,
    );
    this.addSql(`alter table "users" add constraint "users_username_unique" unique ("username");`);
    this.addSql(`alter table "users" add constraint "users_email_unique" unique ("email");`);

    this.addSql(
      `create table "groups" ("id" serial primary key, "name" varchar(64) not null, "description" text null, "owner_id" int null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`,
    );
    this.addSql(`alter table "groups" add constraint "groups_name_unique" unique ("name");`);
    this.addSql(`create index "groups_owner_id_index" on "groups" ("owner_id");`);

    this.addSql(
      `create table "group_members" ("id" serial primary key, "group_id" int not null, "user_id" int not null, "created_at" timestamptz not null);`,
    );
    this.addSql(`create index "group_members_user_id_index" on "group_members" ("user_id");`);
    this.addSql(`alter table "group_members" add constraint "group_members_group_id_user_id_unique" unique ("group_id", "user_id");`);

    this.addSql(
      `create table "access_tokens" ("id" serial primary key, "token_hash" varchar(64) not null, "user_id" int not null, "device_name" varchar(128) null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "last_used_at" timestamptz null);`,
    );
    this.addSql(`alter table "access_tokens" add constraint "access_tokens_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "access_tokens_user_id_index" on "access_tokens" ("user_id");`);

    this.addSql(
      `create table "user_roles" ("user_id" int not null, "role_id" int not null, constraint "user_roles_pkey" primary key ("user_id", "role_id"));`,
    );

    this.addSql(
      `alter table "groups" add constraint "groups_owner_id_foreign" foreign key ("owner_id") references "users" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "group_members" add constraint "group_members_group_id_foreign" foreign key ("group_id") references "groups" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "group_members" add constraint "group_members_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "access_tokens" add constraint "access_tokens_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "user_roles" add constraint "user_roles_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "user_roles" add constraint "user_roles_role_id_foreign" foreign key ("role_id") references "roles" ("id") on update cascade on delete cascade;`,
    );
  }
}
