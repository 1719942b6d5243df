import { Migration } from '@mikro-orm/migrations';

export class Migration20261122231216 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "account_tokens" ("id" serial primary key, "token_hash" varchar(64) not null, "user_id" int not null, "purpose" varchar(32) not null, "expires_at" timestamptz not null, "created_at" timestamptz not null);`,
    );
    this.addSql(`alter table "account_tokens" add constraint "account_tokens_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "account_tokens_user_id_index" on "account_tokens" ("user_id");`);

    this.addSql(
      `alter table "account_tokens" add constraint "account_tokens_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "account_tokens" cascade;`);
  }
}
