import { Pool } from 'pg';

/**
 * Named prepared statements on a small pg pool, for the fixed SQL texts of hot reads (Db.rows) on
 * PostgreSQL: the same role as SqliteReader. A text is turned from `?` placeholders into `$n` once and
 * prepared once per connection; reads see what is committed, as they did through knex outside a transaction.
 */
export class PgReader {
  private readonly pool: Pool;
  private readonly texts = new Map<string, { name?: string; text: string }>();

  constructor(connectionString: string, size = 4) {
    this.pool = new Pool({ connectionString, max: size, idleTimeoutMillis: 30_000 });
    // An idle connection the server ends (a restart, a dropped database) must not crash the process;
    // the next query opens a new one.
    this.pool.on('error', () => undefined);
  }

  private prepared(sql: string): { name?: string; text: string } {
    let q = this.texts.get(sql);
    if (!q) {
      let n = 0;
      const text = sql.replace(/\?/g, () => `$${++n}`);
      // Texts with an IN list vary with its length: past a bound they run unnamed (parsed each time).
      q = this.texts.size < 500 ? { name: `gh_read_${this.texts.size}`, text } : { text };
      if (q.name) this.texts.set(sql, q);
    }
    return q;
  }

  async all<T>(sql: string, params: readonly unknown[]): Promise<T[]> {
    const { name, text } = this.prepared(sql);
    const res = await this.pool.query({ name, text, values: params as unknown[] });
    return res.rows as T[];
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
