import { Migration } from '@mikro-orm/migrations';

/**
 * The shared rate-limit counters skip the write-ahead log. Every API request updates one, so as a
 * logged table each request waited for a WAL flush; the counters cover windows of seconds to minutes,
 * and a crash that empties them (PostgreSQL truncates unlogged tables on recovery) only restarts those
 * windows. Replicas do not carry the table: counters live where the instances write, on the primary.
 */
export class Migration20261202183000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "rate_limits" set unlogged;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "rate_limits" set logged;`);
  }
}
