import type { Knex } from '@mikro-orm/knex';
import type { SqliteReader } from './sqlite-reader';
import type { PgReader } from './pg-reader';

/** Plain-SQL access for hot read paths, with the few dialect differences in one place. */
export class Db {
  /** Where the rare writes outside the ORM go (the writer connection). */
  readonly writer: Knex;

  constructor(
    /** Plain-row reads. */
    readonly knex: Knex,
    readonly driver: 'sqlite' | 'postgresql',
    writer?: Knex,
    /** Prepared statements for `rows` (a SQLite file, or PostgreSQL); absent = through knex. */
    private readonly reader?: SqliteReader | PgReader,
  ) {
    this.writer = writer ?? knex;
  }

  /**
   * A fixed SQL text with `?` placeholders, run on the read pool: hot reads skip the query builder
   * (building and compiling a select cost more than running it here). Answers plain rows.
   */
  async rows<T = Record<string, unknown>>(sql: string, bindings: readonly unknown[]): Promise<T[]> {
    if (this.reader) return this.reader.all<T>(sql, bindings);
    const res = (await this.knex.raw(sql, bindings as Knex.RawBinding[])) as unknown;
    return (this.driver === 'postgresql' ? (res as { rows: T[] }).rows : res) as T[];
  }

  /** A Date as a bound parameter: SQLite columns hold MikroORM's epoch milliseconds. */
  date(d: Date): number | Date {
    return this.driver === 'sqlite' ? d.getTime() : d;
  }

  /** Case-insensitive substring match, portable (SQLite LIKE is already case-insensitive for ASCII). */
  ilike(column: string): string {
    return this.driver === 'postgresql' ? `${column} ILIKE ? ESCAPE '\\'` : `${column} LIKE ? ESCAPE '\\'`;
  }
}

/** `?, ?, …` for an IN list of n values. */
export function placeholders(n: number): string {
  return new Array(n).fill('?').join(', ');
}

export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The knex bound to `em`'s open transaction (or the pool outside one). Inside a transaction every
 * query must go through it: SQLite has one connection, so a query beside it would wait forever.
 */
export function emKnex(em: import('@mikro-orm/core').EntityManager): Knex {
  const sem = em as unknown as import('@mikro-orm/knex').SqlEntityManager;
  return (sem.getTransactionContext<Knex.Transaction>() ?? sem.getKnex()) as Knex;
}
