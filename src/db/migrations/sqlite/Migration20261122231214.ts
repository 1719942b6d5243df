import { Migration } from '@mikro-orm/migrations';

export class Migration20261122231214 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`account_tokens\` (\`id\` integer not null primary key autoincrement, \`token_hash\` text not null, \`user_id\` integer not null, \`purpose\` text not null, \`expires_at\` datetime not null, \`created_at\` datetime not null, constraint \`account_tokens_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade);`,
    );
    this.addSql(`create unique index \`account_tokens_token_hash_unique\` on \`account_tokens\` (\`token_hash\`);`);
    this.addSql(`create index \`account_tokens_user_id_index\` on \`account_tokens\` (\`user_id\`);`);
  }
}
