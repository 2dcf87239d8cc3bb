// Row locks for read-then-write transactions. On PostgreSQL (READ COMMITTED, many connections) a
// transaction that recounts or checks before it writes first locks the row it is about
// (`SELECT ... FOR UPDATE`): a second transaction on the same row waits for the first to commit, and
// its next statements then see what the first wrote. SQLite runs one writer at a time and has no
// FOR UPDATE, so there the lock is a plain read.
import { type Kysely, PostgresAdapter, sql, type Transaction } from 'kysely';
import type { Database } from '../schema.ts';

export function isPostgres(db: Kysely<Database> | Transaction<Database>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

type Lockable = { papers: 'id'; comments: 'id'; accounts: 'user_id' };

/** Locks one row for the rest of the transaction; says whether it exists. */
export async function lockRow<T extends keyof Lockable>(trx: Transaction<Database>, table: T, key: string | number): Promise<boolean> {
  const column: Lockable[T] = ({ papers: 'id', comments: 'id', accounts: 'user_id' } as Lockable)[table];
  const forUpdate = isPostgres(trx) ? sql` for update` : sql``;
  const r = await sql<{ one: number }>`select 1 as one from ${sql.table(table)} where ${sql.ref(column)} = ${key}${forUpdate}`.execute(trx);
  return r.rows.length > 0;
}

/** A unique-constraint violation, in either dialect (a race the checks before the insert lost). */
export function isUniqueViolation(e: unknown): boolean {
  if (!e || typeof e !== 'object') return false;
  const code = (e as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
