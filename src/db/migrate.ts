// Numbered migrations, applied in order at start, each in its own transaction with its bookkeeping row,
// so a migration that fails half-way leaves the schema and the data exactly as they were.
//
// Kysely's own Migrator is not used: its SQLite adapter reports no transactional DDL, so it runs SQLite
// migrations outside any transaction, and on PostgreSQL it runs all pending ones in one. Both stores do
// support DDL inside a transaction, so Folio opens one per migration itself. The bookkeeping table is
// Kysely's (`kysely_migration`), so stores migrated before keep their history.
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Dialect } from './dialect.ts';
import * as m0001 from './migrations/0001_initial.ts';
import * as m0002 from './migrations/0002_jobs.ts';
import * as m0003 from './migrations/0003_search_trending.ts';
import * as m0004 from './migrations/0004_members.ts';
import * as m0005 from './migrations/0005_harvests.ts';
import * as m0006 from './migrations/0006_digests.ts';
import * as m0007 from './migrations/0007_search.ts';
import * as m0008 from './migrations/0008_hf_identities.ts';
import * as m0009 from './migrations/0009_list_indexes.ts';
import * as m0010 from './migrations/0010_category_facets.ts';
import * as m0011 from './migrations/0011_list_view.ts';

interface DialectMigration {
  up(db: Kysely<unknown>, dialect: Dialect): Promise<void>;
}

/** The ordered list: append, never edit a released one. */
export const MIGRATIONS: Record<string, DialectMigration> = {
  '0001_initial': m0001,
  '0002_jobs': m0002,
  '0003_search_trending': m0003,
  '0004_members': m0004,
  '0005_harvests': m0005,
  '0006_digests': m0006,
  '0007_search': m0007,
  '0008_hf_identities': m0008,
  '0009_list_indexes': m0009,
  '0010_category_facets': m0010,
  '0011_list_view': m0011,
};

/** Where the applied migrations are recorded (Kysely's table and layout, kept for existing stores). */
const MIGRATION_TABLE = 'kysely_migration';
/** Key of the PostgreSQL advisory lock that serialises migrations across processes (any fixed number). */
const PG_MIGRATION_LOCK = 7_426_001;

/** A migration that failed: its name, and the store is as it was before it. */
export class MigrationError extends Error {
  constructor(
    readonly migration: string,
    cause: unknown,
  ) {
    super(`migration ${migration} failed and was rolled back: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'MigrationError';
  }
}

async function ensureTable(db: Kysely<unknown>): Promise<void> {
  try {
    await sql`create table if not exists ${sql.table(MIGRATION_TABLE)} (name varchar(255) not null primary key, timestamp varchar(255) not null)`.execute(
      db,
    );
  } catch (e) {
    // Two PostgreSQL processes creating it at the same moment: one loses with a duplicate key in the
    // catalogue, and the table is there.
    if (!(await tableExists(db))) throw e;
  }
}

async function tableExists(db: Kysely<unknown>): Promise<boolean> {
  return sql`select 1 from ${sql.table(MIGRATION_TABLE)} where 1 = 0`.execute(db).then(
    () => true,
    () => false,
  );
}

async function appliedIn(db: Kysely<unknown> | Transaction<unknown>): Promise<Set<string>> {
  const r = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)}`.execute(db);
  return new Set(r.rows.map((x) => x.name));
}

/** Names of the migrations this store has not applied yet, in order (for `folio doctor`). */
export async function pendingMigrations(db: Kysely<unknown>): Promise<string[]> {
  const applied = (await tableExists(db)) ? await appliedIn(db) : new Set<string>();
  return Object.keys(MIGRATIONS).filter((n) => !applied.has(n));
}

/** Migrations this store has applied that this version of Folio does not know: a newer Folio ran on it. */
export async function unknownMigrations(db: Kysely<unknown>): Promise<string[]> {
  if (!(await tableExists(db))) return [];
  return [...(await appliedIn(db))].filter((n) => !Object.hasOwn(MIGRATIONS, n)).sort();
}

/**
 * Runs `fn` in a write transaction that holds the migration lock: `BEGIN IMMEDIATE` on SQLite (the write
 * lock from the start, so two processes opening one store take turns), an advisory transaction lock on
 * PostgreSQL. Rolls back everything `fn` did when it throws.
 */
async function inMigrationTransaction(db: Kysely<unknown>, dialect: Dialect, fn: (trx: Kysely<unknown>) => Promise<void>): Promise<void> {
  await db.connection().execute(async (conn) => {
    await sql.raw(dialect === 'sqlite' ? 'begin immediate' : 'begin').execute(conn);
    try {
      if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${PG_MIGRATION_LOCK})`.execute(conn);
      await fn(conn);
      await sql.raw('commit').execute(conn);
    } catch (e) {
      await sql
        .raw('rollback')
        .execute(conn)
        .catch(() => {});
      throw e;
    }
  });
}

/**
 * Applies every pending migration, each in its own transaction together with its row in the migration
 * table; returns the names applied. Another process migrating at the same time waits for the lock and
 * then finds the work done.
 */
export async function migrateToLatest(
  db: Kysely<unknown>,
  dialect: Dialect,
  migrations: Record<string, DialectMigration> = MIGRATIONS,
): Promise<string[]> {
  await ensureTable(db);
  const done: string[] = [];
  for (const name of Object.keys(migrations).sort()) {
    if ((await appliedIn(db)).has(name)) continue;
    try {
      await inMigrationTransaction(db, dialect, async (trx) => {
        // Checked again under the lock: another process may have applied it meanwhile.
        if ((await appliedIn(trx)).has(name)) return;
        await (migrations[name] as DialectMigration).up(trx, dialect);
        await sql`insert into ${sql.table(MIGRATION_TABLE)} (name, timestamp) values (${name}, ${new Date().toISOString()})`.execute(trx);
        done.push(name);
      });
    } catch (e) {
      throw new MigrationError(name, e);
    }
  }
  return done;
}
