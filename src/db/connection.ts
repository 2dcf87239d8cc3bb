// Opens the store. SQLite (the embedded default) lives in the data folder, in WAL mode so that readers
// never wait for the writer.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Dialect } from './dialect.ts';
import { migrateToLatest } from './migrate.ts';
import type { Database } from './schema.ts';

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** The SQLite file, when on SQLite. */
  path?: string;
  close(): Promise<void>;
}

/** How long a writer waits for another process's write lock before giving up. */
const SQLITE_BUSY_TIMEOUT_MS = 5000;

export function sqliteFile(dataDir: string): string {
  return join(dataDir, 'folio.sqlite');
}

export async function openStore(dataDir: string): Promise<Store> {
  mkdirSync(dataDir, { recursive: true });
  const path = sqliteFile(dataDir);
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  await migrateToLatest(db as unknown as Kysely<unknown>, 'sqlite');
  return { db, dialect: 'sqlite', path, close: () => db.destroy() };
}
