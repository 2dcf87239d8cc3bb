// What `/readyz` asks the store: a real query on the tables pages read (not `select 1`, which a damaged
// file or a half-migrated schema would pass), and no migration pending (a process started before a newer
// one ran must not take traffic against a schema it does not know).
import { type Kysely, sql } from 'kysely';
import { pendingMigrations } from './migrate.ts';
import type { Database } from './schema.ts';

/** Why the store cannot serve, or undefined when it can. */
export async function storeProblem(db: Kysely<Database>): Promise<string | undefined> {
  await db.selectFrom('papers').select('id').orderBy('id', 'desc').limit(1).execute();
  await sql`select count(*) from ${sql.table('kysely_migration')}`.execute(db);
  const pending = await pendingMigrations(db as unknown as Kysely<unknown>);
  return pending.length ? `migrations pending: ${pending.join(', ')}` : undefined;
}
