// Opens the store. SQLite (the embedded default) lives in the data folder, in WAL mode so that readers
// never wait for the writer. With a `postgres://` URL the whole store is in PostgreSQL instead, and any
// number of web and worker processes can share it.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Dialect } from './dialect.ts';
import { migrateToLatest } from './migrate.ts';
import type { Database } from './schema.ts';

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** The SQLite file, when on SQLite. */
  path?: string;
  /** The SQLite connection itself (online backup), when on SQLite. */
  sqlite?: SQLite.Database;
  /** The PostgreSQL URL, when on PostgreSQL. */
  url?: string;
  close(): Promise<void>;
}

/** Prepared statements kept per connection; queries with long `in (...)` lists vary, so the cache is bounded. */
export const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query anew; preparing costs about as much as running a small query, so the
 * connection keeps recently prepared statements by their SQL text (least recently used go first).
 */
function withStatementCache(sqlite: SQLite.Database): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = sqlite.prepare.bind(sqlite);
  const cached = (source: string) => {
    let stmt = cache.get(source);
    if (stmt) {
      cache.delete(source);
    } else {
      stmt = prepare(source);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    }
    cache.set(source, stmt);
    return stmt;
  };
  return new Proxy(sqlite, {
    get(target, prop) {
      if (prop === 'prepare') return cached;
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** How long a writer waits for another process's write lock before giving up. */
const SQLITE_BUSY_TIMEOUT_MS = 5000;

export function sqliteFile(dataDir: string): string {
  return join(dataDir, 'folio.sqlite');
}

/** Connections per process: web requests are short, and PostgreSQL's default allows 100 in all. */
export const PG_POOL_SIZE = 10;

export function isPostgresUrl(url: string | undefined): url is string {
  return !!url && /^postgres(ql)?:\/\//i.test(url);
}

/** Opens (and migrates) the store: PostgreSQL when `databaseUrl` is given, else SQLite in `dataDir`. */
export async function openStore(dataDir: string, databaseUrl?: string): Promise<Store> {
  if (isPostgresUrl(databaseUrl)) return openPostgres(databaseUrl);
  mkdirSync(dataDir, { recursive: true });
  const path = sqliteFile(dataDir);
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  await migrateToLatest(db as unknown as Kysely<unknown>, 'sqlite');
  return { db, dialect: 'sqlite', path, sqlite, close: () => db.destroy() };
}

async function openPostgres(url: string): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max: PG_POOL_SIZE });
  // count(*) and bigint sums arrive as strings from pg; every caller converts with Number().
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateToLatest(db as unknown as Kysely<unknown>, 'postgres');
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return { db, dialect: 'postgres', url, close: () => db.destroy() };
}
