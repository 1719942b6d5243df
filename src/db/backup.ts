import { spawn } from 'node:child_process';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import sqlite3 from 'sqlite3';
import type { DatabaseConfig } from '../config/config';

export class BackupError extends Error {}

function openSqlite(file: string, mode: number): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, mode, (err) => (err ? reject(err) : resolve(db)));
  });
}

function run(db: sqlite3.Database, sql: string, params: unknown[] = []): Promise<void> {
  return new Promise((resolve, reject) => db.run(sql, params, (err) => (err ? reject(err) : resolve())));
}

function get<T>(db: sqlite3.Database, sql: string): Promise<T> {
  return new Promise((resolve, reject) => db.get(sql, (err, row) => (err ? reject(err) : resolve(row as T))));
}

const close = (db: sqlite3.Database) => new Promise<void>((resolve) => db.close(() => resolve()));

/** Runs a PostgreSQL client tool; its stderr becomes the error. */
function tool(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('error', (e) => reject(new BackupError(`${command} could not run (${e.message}); install the PostgreSQL client tools`)));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new BackupError(`${command} failed: ${err.trim()}`))));
  });
}

/**
 * An online backup to `file`. SQLite: `VACUUM INTO`, one read transaction, so the copy is the database
 * at one instant while writers go on (WAL). PostgreSQL: `pg_dump` in its custom format, which also
 * reads one snapshot. Never overwrites a file.
 */
export async function backup(database: DatabaseConfig, file: string): Promise<void> {
  if (existsSync(file)) throw new BackupError(`${file} exists; choose a new file`);
  if (database.driver === 'postgresql') {
    await tool('pg_dump', ['--format=custom', '--no-owner', '--file', file, '--dbname', database.clientUrl]);
    return;
  }
  if (database.dbName === ':memory:') throw new BackupError('an in-memory database cannot be backed up');
  const db = await openSqlite(database.dbName, sqlite3.OPEN_READONLY);
  try {
    db.configure('busyTimeout', 30_000);
    await run(db, 'VACUUM INTO ?', [file]);
  } finally {
    await close(db);
  }
}

/**
 * Restores `file` into the configured database; the server must be stopped. SQLite: the copy is checked
 * (`integrity_check`), then moved into place in one rename. PostgreSQL: `pg_restore` into the database,
 * replacing what is there, in one transaction.
 */
export async function restore(database: DatabaseConfig, file: string): Promise<void> {
  if (!existsSync(file)) throw new BackupError(`${file} does not exist`);
  if (database.driver === 'postgresql') {
    await tool('pg_restore', ['--clean', '--if-exists', '--no-owner', '--single-transaction', '--dbname', database.clientUrl, file]);
    return;
  }
  if (database.dbName === ':memory:') throw new BackupError('cannot restore into an in-memory database');
  const copy = join(dirname(database.dbName), `.${basename(database.dbName)}.restoring`);
  rmSync(copy, { force: true });
  // Copy through SQLite so that a file that is no database is refused before anything is replaced.
  const source = await openSqlite(file, sqlite3.OPEN_READONLY);
  try {
    const check = await get<{ integrity_check: string }>(source, 'PRAGMA integrity_check');
    if (check?.integrity_check !== 'ok') throw new BackupError(`${file} fails SQLite's integrity check: ${check?.integrity_check}`);
    await run(source, 'VACUUM INTO ?', [copy]);
  } catch (err) {
    rmSync(copy, { force: true });
    throw err instanceof BackupError ? err : new BackupError(`${file} is not a SQLite database: ${(err as Error).message}`);
  } finally {
    await close(source);
  }
  for (const suffix of ['-wal', '-shm']) rmSync(`${database.dbName}${suffix}`, { force: true });
  renameSync(copy, database.dbName);
}
