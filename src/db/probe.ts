// Looks at a store without changing it, for `folio doctor`: can it be reached, which migrations are pending,
// is pgvector there, what does it hold. Unlike openStore it never migrates and never creates the SQLite
// file; a failure is thrown as the driver reported it, for the command line to explain.
import { existsSync } from 'node:fs';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { isPostgresUrl, sqliteFile } from './connection.ts';
import type { Dialect } from './dialect.ts';
import { pendingMigrations, unknownMigrations } from './migrate.ts';
import { type StoreSummary, storeSummary } from './queries/store-summary.ts';
import type { Database } from './schema.ts';

/** How long the doctor waits for PostgreSQL to answer before calling it unreachable. */
export const PROBE_CONNECT_TIMEOUT_MS = 5000;

export interface StoreProbe {
  dialect: Dialect;
  /** SQLite only: the file does not exist yet (the first `folio serve` creates it). */
  absent?: boolean;
  pending: string[];
  /** Applied by a newer Folio, unknown to this one. */
  unknown: string[];
  /** What the store holds, when its tables exist. */
  summary?: StoreSummary;
  /** PostgreSQL only: the pgvector version installed in this database, and the one the server offers. */
  pgvector?: { installed: string | null; available: string | null };
}

async function probeWith(db: Kysely<Database>, dialect: Dialect): Promise<StoreProbe> {
  const pending = await pendingMigrations(db as unknown as Kysely<unknown>);
  const unknown = await unknownMigrations(db as unknown as Kysely<unknown>);
  const summary = await storeSummary(db).catch(() => undefined);
  if (dialect === 'sqlite') return { dialect, pending, unknown, ...(summary ? { summary } : {}) };
  const ext = await sql<{ installed: string | null; available: string | null }>`
    select installed_version as installed, default_version as available
    from pg_available_extensions where name = 'vector'`.execute(db);
  const row = ext.rows[0];
  return {
    dialect,
    pending,
    unknown,
    ...(summary ? { summary } : {}),
    pgvector: { installed: row?.installed ?? null, available: row?.available ?? null },
  };
}

export async function probeStore(dataDir: string, databaseUrl?: string): Promise<StoreProbe> {
  if (isPostgresUrl(databaseUrl)) {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 1, connectionTimeoutMillis: PROBE_CONNECT_TIMEOUT_MS });
    // An idle client's error (the server going away) must not end the process.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    try {
      return await probeWith(db, 'postgres');
    } finally {
      await db.destroy();
    }
  }
  const path = sqliteFile(dataDir);
  if (!existsSync(path)) return { dialect: 'sqlite', absent: true, pending: [], unknown: [] };
  const sqlite = new SQLite(path, { readonly: true, fileMustExist: true });
  try {
    // Reads the header: a file that is not a database (or is damaged) fails here, not in a later query.
    sqlite.pragma('schema_version');
  } catch (e) {
    sqlite.close();
    throw e;
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    return await probeWith(db, 'sqlite');
  } finally {
    await db.destroy();
  }
}
