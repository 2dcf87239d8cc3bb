// `folio migrate-store`: copies an instance from SQLite to PostgreSQL. Tables are copied in foreign-key
// order, in batches, each batch in one target transaction together with the copy's progress, so a
// copy killed at any point resumes where it stopped; rows already there are skipped, never doubled.
// At the end the row counts of every table are compared.
import SQLite from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import { openStore } from '../db/connection.ts';
import { PG_SEARCH_VECTOR } from '../db/queries/search-index.ts';
import type { Database } from '../db/schema.ts';

/** Rows per batch: large enough to be quick, small enough that a batch is a short transaction. */
export const COPY_BATCH_ROWS = 2000;
/** PostgreSQL takes at most 65,535 parameters in one statement; wide tables get smaller batches. */
const MAX_PARAMS = 60_000;
/**
 * Tables that belong to one store only (SQLite's keyword index, the migrators' own bookkeeping, and the
 * vector index, whose vectors live in files beside SQLite: PostgreSQL builds its own in pgvector, which
 * the worker starts by itself, or `folio search-index rebuild`).
 */
const SKIP = /^(sqlite_|kysely_|papers_fts|folio_copy_progress$|search_indexes$|search_docs$)/;

export interface TableReport {
  table: string;
  source: number;
  target: number;
  copied: number;
}

export interface CopyProgress {
  table(name: string, total: number): void;
  rows(name: string, done: number): void;
}

/** Source tables ordered so that every table comes after the tables it references. */
export function tablesInOrder(src: SQLite.Database): string[] {
  const names = (src.prepare(`select name from sqlite_master where type = 'table' order by name`).all() as { name: string }[])
    .map((r) => r.name)
    .filter((n) => !SKIP.test(n));
  const deps = new Map(
    names.map((n) => [
      n,
      (src.prepare(`select "table" as t from pragma_foreign_key_list(?)`).all(n) as { t: string }[]).map((r) => r.t).filter((t) => t !== n),
    ]),
  );
  const out: string[] = [];
  const visit = (n: string, path: Set<string>) => {
    if (out.includes(n) || path.has(n)) return;
    path.add(n);
    for (const d of deps.get(n) ?? []) if (deps.has(d)) visit(d, path);
    out.push(n);
  };
  for (const n of names) visit(n, new Set());
  return out;
}

async function targetColumns(db: Kysely<Database>, table: string): Promise<Map<string, string>> {
  const rows = await sql<{ column_name: string; data_type: string }>`select column_name, data_type from information_schema.columns
      where table_schema = current_schema() and table_name = ${table}`.execute(db);
  return new Map(rows.rows.map((r) => [r.column_name, r.data_type]));
}

export async function migrateStore(sourcePath: string, targetUrl: string, progress?: CopyProgress): Promise<TableReport[]> {
  const src = new SQLite(sourcePath, { readonly: true, fileMustExist: true });
  const target = await openStore('', targetUrl);
  const db = target.db;
  try {
    await sql`create table if not exists folio_copy_progress (table_name text primary key, last_rowid bigint not null, done integer not null default 0)`.execute(
      db,
    );
    const reports: TableReport[] = [];
    for (const table of tablesInOrder(src)) {
      const srcCols = (src.prepare(`select name from pragma_table_info(?)`).all(table) as { name: string }[]).map((r) => r.name);
      const tgtCols = await targetColumns(db, table);
      if (!tgtCols.size) throw new Error(`table ${table} does not exist in the target: are both stores at the same version?`);
      const cols = srcCols.filter((c) => tgtCols.has(c));
      const total = (src.prepare(`select count(*) as n from "${table}"`).get() as { n: number }).n;
      progress?.table(table, total);
      const state = (
        await sql<{
          last_rowid: string;
          done: number;
        }>`select last_rowid, done from folio_copy_progress where table_name = ${table}`.execute(db)
      ).rows[0];
      let last = state ? Number(state.last_rowid) : 0;
      let copied = 0;
      if (!state?.done) {
        const batch = Math.min(COPY_BATCH_ROWS, Math.floor(MAX_PARAMS / cols.length));
        const select = src.prepare(
          `select rowid as "__rowid", ${cols.map((c) => `"${c}"`).join(', ')} from "${table}" where rowid > ? order by rowid limit ${batch}`,
        );
        for (;;) {
          const rows = select.all(last) as Record<string, unknown>[];
          if (!rows.length) break;
          const nextLast = Number(rows[rows.length - 1]?.__rowid);
          await db.transaction().execute(async (trx) => {
            const values = rows.map((r) => sql`(${sql.join(cols.map((c) => sql`${r[c] ?? null}`))})`);
            await sql`insert into ${sql.table(table)} (${sql.join(cols.map((c) => sql.id(c)))}) values ${sql.join(values)} on conflict do nothing`.execute(
              trx,
            );
            await sql`insert into folio_copy_progress (table_name, last_rowid) values (${table}, ${nextLast})
                      on conflict (table_name) do update set last_rowid = excluded.last_rowid`.execute(trx);
          });
          last = nextLast;
          copied += rows.length;
          progress?.rows(table, copied);
        }
        // Serial ids continue after the copied ones.
        if (tgtCols.get('id') === 'integer') {
          await sql`select setval(pg_get_serial_sequence(${table}, 'id'), coalesce((select max(id) from ${sql.table(table)}), 0) + 1, false)
                    where pg_get_serial_sequence(${table}, 'id') is not null`.execute(db);
        }
        await sql`insert into folio_copy_progress (table_name, last_rowid, done) values (${table}, ${last}, 1)
                  on conflict (table_name) do update set done = 1`.execute(db);
      }
      const n = Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]?.n ?? 0);
      reports.push({ table, source: total, target: n, copied });
    }
    // The keyword index is the store's own: PostgreSQL builds it from the copied rows.
    await sql`update papers set search_vector = ${sql.raw(PG_SEARCH_VECTOR)}`.execute(db);
    return reports;
  } finally {
    src.close();
    await target.close();
  }
}

/** Tables whose counts differ between source and target (meta may differ: each store has its own counter). */
export function mismatches(reports: TableReport[]): TableReport[] {
  return reports.filter((r) => r.source !== r.target);
}
