/**
 * The baseline: the same logical request as `users(first: 20) { id username createdAt }` answered by
 * node:http and one prepared statement, no framework: SQLite (a file) or PostgreSQL (a URL, one
 * connection, a named prepared statement). Run as its own process by bench/run.ts:
 *   node -r ts-node/register/transpile-only bench/baseline-server.ts <db file | postgres url> <port>
 */
import { createServer } from 'node:http';
import { Client } from 'pg';
import sqlite3 from 'sqlite3';

const [database, port] = process.argv.slice(2);
const SQL = 'SELECT id, username, created_at FROM users ORDER BY id LIMIT 20';

interface Row {
  id: number;
  username: string;
  created_at: number | string | Date;
}

type Query = (done: (err: Error | null, rows: Row[]) => void) => void;

async function openQuery(): Promise<Query> {
  if (database.startsWith('postgres')) {
    const client = new Client({ connectionString: database });
    await client.connect();
    return (done) => {
      client.query<Row>({ name: 'first-users', text: SQL }).then(
        (res) => done(null, res.rows),
        (err: Error) => done(err, []),
      );
    };
  }
  const db = new sqlite3.Database(database, sqlite3.OPEN_READONLY);
  const stmt = db.prepare(SQL);
  return (done) => stmt.all(done);
}

void openQuery().then((query) => {
  createServer((req, res) => {
    req.resume();
    query((err, rows) => {
      if (err) {
        res.writeHead(500).end();
        return;
      }
      const nodes = rows.map((r) => ({ id: String(r.id), username: r.username, createdAt: new Date(r.created_at).toISOString() }));
      const body = JSON.stringify({ data: { users: { nodes } } });
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  }).listen(Number(port), '127.0.0.1', () => process.send?.('ready'));
});
