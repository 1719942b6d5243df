import { Migration } from '@mikro-orm/migrations';

/**
 * Login (and later other) rate-limit counters shared by every instance, in the layout
 * rate-limiter-flexible's RateLimiterPostgres expects (it is then told the table exists).
 */
export class Migration20261122230000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table if not exists "rate_limits" ("key" varchar(255) primary key, "points" integer not null default 0, "expire" bigint);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "rate_limits";`);
  }
}
