/**
 * The baseline: the same logical request as `users(first: 20) { id username createdAt }` answered by
 * node:http and one prepared SQLite statement, no framework. Run as its own process by bench/run.ts:
 *   node -r ts-node/register/transpile-only bench/baseline-server.ts <db file> <port>
 */
import { createServer } from 'node:http';
import sqlite3 from 'sqlite3';

const [dbFile, port] = process.argv.slice(2);
const db = new sqlite3.Database(dbFile, sqlite3.OPEN_READONLY);
const stmt = db.prepare('SELECT id, username, created_at FROM users ORDER BY id LIMIT 20');

interface Row {
  id: number;
  username: string;
  created_at: number | string;
}

createServer((req, res) => {
  req.resume();
  stmt.all((err: Error | null, rows: Row[]) => {
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
