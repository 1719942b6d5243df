import sqlite3 from 'sqlite3';

/**
 * Prepared statements on a few read-only SQLite connections, for the fixed SQL texts of hot reads
 * (Db.rows). Each connection keeps one prepared statement per text; requests take connections in turn.
 * WAL mode lets these read while the ORM's single connection writes.
 */
export class SqliteReader {
  private readonly conns: Array<{ db: sqlite3.Database; statements: Map<string, sqlite3.Statement> }> = [];
  private next = 0;

  constructor(filename: string, size = 4) {
    for (let i = 0; i < size; i++) {
      const db = new sqlite3.Database(filename, sqlite3.OPEN_READONLY);
      db.configure('busyTimeout', 5000);
      this.conns.push({ db, statements: new Map() });
    }
  }

  all<T>(sql: string, params: readonly unknown[]): Promise<T[]> {
    const conn = this.conns[this.next];
    this.next = (this.next + 1) % this.conns.length;
    let stmt = conn.statements.get(sql);
    if (!stmt) {
      stmt = conn.db.prepare(sql);
      // Texts with an IN list vary with its length: keep the cache bounded.
      if (conn.statements.size >= 200) {
        const [oldest] = conn.statements.keys();
        conn.statements.get(oldest)!.finalize();
        conn.statements.delete(oldest);
      }
      conn.statements.set(sql, stmt);
    }
    return new Promise((resolve, reject) => {
      stmt.all(params as unknown[], (err: Error | null, rows: T[]) => (err ? reject(err) : resolve(rows)));
    });
  }

  async close(): Promise<void> {
    await Promise.all(
      this.conns.map(
        ({ db, statements }) =>
          new Promise<void>((resolve) => {
            for (const s of statements.values()) s.finalize();
            db.close(() => resolve());
          }),
      ),
    );
  }
}
