/**
 * Writes the next migration for one driver from the entity metadata:
 *   npm run migration:create -- sqlite|postgresql [--initial]
 * PostgreSQL needs DATABASE_URL (a scratch database at the current schema). Register the new class in
 * src/db/migrations/index.ts afterwards.
 */
import 'reflect-metadata';
import { MikroORM } from '@mikro-orm/core';
import { ormOptions } from '../db/orm';
import { ENTITIES } from '../modules/entities';
import { parseDatabaseUrl } from '../config/config';

async function main() {
  const driver = process.argv[2];
  const initial = process.argv.includes('--initial');
  const db =
    driver === 'postgresql'
      ? parseDatabaseUrl(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test')
      : parseDatabaseUrl('sqlite::memory:');
  const orm = await MikroORM.init(ormOptions(db, ENTITIES));
  const migrator = orm.getMigrator();
  if (!initial) await migrator.up();
  const result = initial ? await migrator.createInitialMigration() : await migrator.createMigration();
  console.log(result.fileName || 'no changes');
  await orm.close(true);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
