import { Migration } from '@mikro-orm/migrations';

export class Migration20261123004124 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`server_secrets\` (\`name\` text not null, \`value\` text not null, \`created_at\` datetime not null, primary key (\`name\`));`,
    );
  }
}
