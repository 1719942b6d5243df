import { MikroORM, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { SqliteDriver } from '@mikro-orm/sqlite';
import type { DatabaseConfig } from '../config/config';
import knexFactory from 'knex';
import type { EntityClass } from '@mikro-orm/core';
import { POSTGRESQL_MIGRATIONS, SQLITE_MIGRATIONS } from './migrations';

export type Orm = MikroORM;

interface SqliteRawConnection {
  run(sql: string, cb: (err: Error | null) => void): void;
}

/**
 * SQLite pragmas run on every new connection: WAL for concurrent readers, synchronous=FULL so a
 * commit survives power loss (an admin gateway writes little), a busy timeout, and foreign keys.
 */
const SQLITE_PRAGMAS = ['PRAGMA journal_mode = WAL', 'PRAGMA synchronous = FULL', 'PRAGMA busy_timeout = 5000', 'PRAGMA foreign_keys = ON'];

function sqliteAfterCreate(conn: SqliteRawConnection, done: (err: Error | null, conn: unknown) => void) {
  const next = (i: number): void => {
    if (i >= SQLITE_PRAGMAS.length) return done(null, conn);
    conn.run(SQLITE_PRAGMAS[i], (err) => (err ? done(err, conn) : next(i + 1)));
  };
  next(0);
}

/**
 * A read-only pool on the same SQLite file, for plain-row reads. Committed writes are visible to it at
 * once (WAL); it never writes, so the single-writer rules of the ORM connection are untouched.
 */
export function sqliteReadPool(filename: string, size = 4) {
  return knexFactory({
    client: 'sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: size,
      afterCreate: (conn: SqliteRawConnection, done: (err: Error | null, conn: unknown) => void) => {
        conn.run('PRAGMA busy_timeout = 5000', (err) => (err ? done(err, conn) : conn.run('PRAGMA query_only = ON', (e) => done(e, conn))));
      },
    },
  });
}

/** The entity classes come from the caller (the wiring passes the domain's list), so the database layer imports no domain code. */
export function ormOptions(db: DatabaseConfig, entities: EntityClass<unknown>[], debug = false): Options {
  const common = {
    entities,
    extensions: [Migrator],
    debug,
    allowGlobalContext: false,
    // Unknown columns in a result never become entity properties.
    forceUndefined: false,
    discovery: { warnWhenNoEntities: true },
    // rate_limits belongs to rate-limiter-flexible (created by its own migration), not to an entity.
    schemaGenerator: { skipTables: ['rate_limits'] },
  } satisfies Partial<Options>;
  if (db.driver === 'sqlite') {
    return {
      ...common,
      driver: SqliteDriver,
      dbName: db.dbName,
      pool: { min: 1, max: 1, afterCreate: sqliteAfterCreate },
      migrations: {
        tableName: 'mikro_orm_migrations',
        migrationsList: SQLITE_MIGRATIONS,
        transactional: true,
        allOrNothing: true,
        snapshot: false,
        silent: true,
        path: 'src/db/migrations/sqlite',
        pathTs: 'src/db/migrations/sqlite',
      },
    } as Options;
  }
  return {
    ...common,
    driver: PostgreSqlDriver,
    clientUrl: db.clientUrl,
    pool: { min: 1, max: 10 },
    migrations: {
      tableName: 'mikro_orm_migrations',
      migrationsList: POSTGRESQL_MIGRATIONS,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
      path: 'src/db/migrations/postgresql',
      pathTs: 'src/db/migrations/postgresql',
    },
  } as Options;
}

export async function createOrm(db: DatabaseConfig, opts: { entities: EntityClass<unknown>[]; migrate?: boolean; debug?: boolean }) {
  const orm = await MikroORM.init(ormOptions(db, opts.entities, opts.debug));
  if (opts.migrate !== false) await orm.getMigrator().up();
  return orm;
}
