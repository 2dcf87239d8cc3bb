// The triggers that bump `meta.data_generation` on every write to a watched table (see 0001_initial.ts
// for why triggers): one statement-level trigger on PostgreSQL, one row trigger per operation on SQLite.
// Migrations call this for the tables they add; the SQL is the same for every table and release.
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.ts';

export async function watchTables(db: Kysely<unknown>, dialect: Dialect, tables: readonly string[]): Promise<void> {
  for (const t of tables) {
    if (dialect === 'postgres') {
      await sql
        .raw(`create trigger ${t}_generation after insert or update or delete on ${t}
              for each statement execute function bump_data_generation()`)
        .execute(db);
      continue;
    }
    for (const op of ['insert', 'update', 'delete']) {
      await sql
        .raw(`create trigger ${t}_${op}_generation after ${op} on ${t} for each row begin
                update meta set value = cast(value as integer) + 1 where key = 'data_generation';
              end`)
        .execute(db);
    }
  }
}
