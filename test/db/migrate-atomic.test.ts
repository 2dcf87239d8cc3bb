// Migrations are atomic on both stores: one that fails half-way leaves the schema and the data exactly as
// they were, and its bookkeeping row is not written. Runs on the store the suite runs on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { Dialect } from '../../src/db/dialect.ts';
import { MIGRATIONS, MigrationError, migrateToLatest, pendingMigrations } from '../../src/db/migrate.ts';
import { createTestDatabase, TEST_PG_URL } from '../support/store.ts';

const dialect: Dialect = TEST_PG_URL ? 'postgres' : 'sqlite';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** An empty database of the suite's kind, with nothing migrated. */
async function emptyDb(): Promise<Kysely<unknown>> {
  if (dialect === 'postgres') {
    const database = await createTestDatabase();
    const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 2 }) }) });
    cleanups.push(async () => {
      await db.destroy();
      await database.drop();
    });
    return db;
  }
  const dir = mkdtempSync(join(tmpdir(), 'folio-migrate-'));
  const file = new SQLite(join(dir, 'folio.sqlite'));
  file.pragma('journal_mode = WAL');
  file.pragma('foreign_keys = ON');
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: file }) });
  cleanups.push(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });
  return db;
}

/** Every table, column, index and constraint of the schema, and every row of the tables named. */
async function snapshot(db: Kysely<unknown>, tables: string[]): Promise<unknown> {
  const schema =
    dialect === 'sqlite'
      ? (
          await sql<{
            type: string;
            name: string;
            sql: string | null;
          }>`select type, name, sql from sqlite_master order by type, name`.execute(db)
        ).rows
      : [
          ...(
            await sql`select table_name, column_name, data_type, is_nullable, column_default from information_schema.columns
                      where table_schema = 'public' order by table_name, column_name`.execute(db)
          ).rows,
          ...(await sql`select tablename, indexname, indexdef from pg_indexes where schemaname = 'public' order by indexname`.execute(db))
            .rows,
          ...(
            await sql`select conname, pg_get_constraintdef(oid) as def from pg_constraint where connamespace = 'public'::regnamespace order by conname`.execute(
              db,
            )
          ).rows,
          ...(await sql`select extname from pg_extension order by extname`.execute(db)).rows,
        ];
  const data: Record<string, unknown[]> = {};
  for (const t of tables) data[t] = (await sql`select * from ${sql.table(t)} order by 1`.execute(db)).rows;
  return { schema, data };
}

const names = Object.keys(MIGRATIONS);

/** A migration that does real work of every kind (new table, new column, index, rows) and then fails. */
const failingHalfWay = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('half_done')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .execute();
    await db.schema.alterTable('papers').addColumn('half_done_flag', 'integer').execute();
    await db.schema.createIndex('papers_half_done').on('papers').column('half_done_flag').execute();
    await sql`update papers set title = 'overwritten'`.execute(db);
    await sql`insert into half_done (id) values (1)`.execute(db);
    throw new Error('disk full (on purpose)');
  },
};

async function addPaper(db: Kysely<unknown>, id: string): Promise<void> {
  const now = '2026-06-01T00:00:00.000Z';
  await sql`insert into papers (id, title, abstract, meta_stamp, created_at, changed_at)
            values (${id}, 'A real title', 'An abstract.', ${now}, ${now}, ${now})`.execute(db);
}

describe(`migrations on ${dialect}`, () => {
  it('applies every migration once, each recorded; a second run applies none', async () => {
    const db = await emptyDb();
    expect(await pendingMigrations(db)).toEqual(names);
    expect(await migrateToLatest(db, dialect)).toEqual(names);
    expect(await pendingMigrations(db)).toEqual([]);
    expect(await migrateToLatest(db, dialect)).toEqual([]);
  });

  it('a migration that fails half-way leaves schema and data exactly as before, and is not recorded', async () => {
    const db = await emptyDb();
    await migrateToLatest(db, dialect);
    await addPaper(db, '2606.00001');
    const before = await snapshot(db, ['papers', 'kysely_migration']);
    const err = await migrateToLatest(db, dialect, { ...MIGRATIONS, '9999_half_done': failingHalfWay }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as MigrationError).migration).toBe('9999_half_done');
    expect((err as Error).message).toMatch(/9999_half_done failed and was rolled back: disk full/);
    expect(await snapshot(db, ['papers', 'kysely_migration'])).toEqual(before);
    // and the store still works: the next run, without the bad migration, has nothing to do
    expect(await migrateToLatest(db, dialect)).toEqual([]);
  });

  it('on a new store, the migrations before the failing one stay applied and the failing one leaves no trace', async () => {
    const reference = await emptyDb();
    const first = Object.fromEntries(names.slice(0, 3).map((n) => [n, MIGRATIONS[n] as (typeof MIGRATIONS)[string]]));
    await migrateToLatest(reference, dialect, first);
    const want = await snapshot(reference, ['kysely_migration']);

    const db = await emptyDb();
    // The fourth migration runs for real, then fails at its end.
    const fourth = MIGRATIONS[names[3] as string] as (typeof MIGRATIONS)[string];
    const broken = {
      ...first,
      [names[3] as string]: {
        async up(trx: Kysely<unknown>, d: Dialect) {
          await fourth.up(trx, d);
          throw new Error('killed at the end');
        },
      },
    };
    await expect(migrateToLatest(db, dialect, broken)).rejects.toThrow(/killed at the end/);
    const got = (await snapshot(db, ['kysely_migration'])) as { schema: unknown; data: { kysely_migration: { name: string }[] } };
    expect(got.data.kysely_migration.map((r) => r.name)).toEqual(names.slice(0, 3));
    expect(got.schema).toEqual((want as { schema: unknown }).schema);
    expect(await pendingMigrations(db)).toEqual(names.slice(3));
  });
});
