// Opens the store. SQLite (the embedded default) lives in the data folder, in WAL mode so that readers
// never wait for the writer. With a `postgres://` URL the whole store is in PostgreSQL instead, and any
// number of web and worker processes can share it.
import { accessSync, constants, existsSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { type Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { ensureFolder } from './data-folder.ts';
import type { Dialect } from './dialect.ts';
import { migrateToLatest } from './migrate.ts';
import type { Database } from './schema.ts';
import { ImmediateSqliteDialect, RetryingKysely } from './transactions.ts';

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** The SQLite file, when on SQLite. */
  path?: string;
  /** The SQLite connection itself (online backup), when on SQLite. */
  sqlite?: SQLite.Database;
  /** The PostgreSQL URL, when on PostgreSQL. */
  url?: string;
  /** Set once a query found the SQLite file damaged: readiness then fails until it is restored. */
  damaged?: string;
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

/** How long opening a PostgreSQL connection may take: a server that is away answers 503 soon, not never. */
export const PG_CONNECT_TIMEOUT_MS = 5000;

/**
 * A lost connection (server restart, failover, pg_terminate_backend, a proxy's idle timeout) makes pg
 * emit 'error' on the client and, for idle ones, on the pool; an 'error' event nobody listens to ends the
 * process. The pool already drops a broken client (idle ones at once, checked-out ones when released) and
 * opens a new one for the next query, and the query that was running fails on its own, so the events
 * need only a listener. A checked-out client has none of the pool's, hence one on every client.
 */
function survivesLostConnections(pool: pg.Pool): void {
  const ignore = () => {};
  pool.on('error', ignore);
  pool.on('connect', (client) => client.on('error', ignore));
}

export function isPostgresUrl(url: string | undefined): url is string {
  return !!url && /^postgres(ql)?:\/\//i.test(url);
}

/** The store cannot be opened; the message names the file or folder, the hint says what to change. */
export class StoreOpenError extends Error {
  constructor(
    message: string,
    readonly hint: string,
    cause?: unknown,
  ) {
    super(message, { cause });
    this.name = 'StoreOpenError';
  }
}

const codeOf = (e: unknown) => String((e as { code?: unknown }).code ?? (e as Error).message);

/**
 * The data folder must exist (or be creatable) and be writable, and so must the database file in it:
 * SQLite would otherwise open it, fail on the first write (or wait on a WAL index it cannot create)
 * and say little about why.
 */
function checkDataDir(dataDir: string, path: string): void {
  const hint = 'FOLIO_DATA_DIR must be a folder this user can write (check its owner and mode, or set FOLIO_DATA_DIR)';
  try {
    ensureFolder(dataDir);
  } catch (e) {
    throw new StoreOpenError(`cannot create the data folder ${dataDir} (${codeOf(e)})`, hint, e);
  }
  try {
    accessSync(dataDir, constants.W_OK | constants.X_OK);
    if (existsSync(path)) accessSync(path, constants.R_OK | constants.W_OK);
  } catch (e) {
    throw new StoreOpenError(`cannot write ${(e as { path?: string }).path ?? dataDir} (${codeOf(e)})`, hint, e);
  }
}

/** Opens the SQLite file in WAL mode; a file that is not a database (or is truncated) is named. */
function openSqliteFile(path: string): SQLite.Database {
  let sqlite: SQLite.Database | undefined;
  try {
    sqlite = new SQLite(path);
    sqlite.pragma('journal_mode = WAL');
    // Reads the schema: a truncated file or one with garbage in its header fails here, not mid-request.
    sqlite.prepare('select count(*) from sqlite_master').get();
    return sqlite;
  } catch (e) {
    sqlite?.close();
    const code = codeOf(e);
    if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'))
      throw new StoreOpenError(
        `${path} is not a SQLite database, or is damaged (${code})`,
        'move it aside and restore a backup (folio restore FILE), or point FOLIO_DATA_DIR at the right folder',
        e,
      );
    throw new StoreOpenError(`cannot open ${path} (${code})`, 'FOLIO_DATA_DIR must be a folder this user can write', e);
  }
}

/** Opens (and migrates) the store: PostgreSQL when `databaseUrl` is given, else SQLite in `dataDir`. */
export async function openStore(dataDir: string, databaseUrl?: string): Promise<Store> {
  if (isPostgresUrl(databaseUrl)) return openPostgres(databaseUrl);
  const path = sqliteFile(dataDir);
  checkDataDir(dataDir, path);
  const sqlite = openSqliteFile(path);
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  const db = new RetryingKysely<Database>({ dialect: new ImmediateSqliteDialect(withStatementCache(sqlite), SQLITE_BUSY_TIMEOUT_MS) });
  await migrateToLatest(db as unknown as Kysely<unknown>, 'sqlite');
  return { db, dialect: 'sqlite', path, sqlite, close: () => db.destroy() };
}

async function openPostgres(url: string): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max: PG_POOL_SIZE, connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS, keepAlive: true });
  survivesLostConnections(pool);
  // count(*) and bigint sums arrive as strings from pg; every caller converts with Number().
  const db = new RetryingKysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateToLatest(db as unknown as Kysely<unknown>, 'postgres');
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return { db, dialect: 'postgres', url, close: () => db.destroy() };
}
