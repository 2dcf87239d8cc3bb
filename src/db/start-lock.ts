// First-start work (the demo load into an empty store, queueing the search index build) runs once however
// many processes start together. On PostgreSQL they take turns on a session advisory lock, and each one
// checks again under it, so the second finds the work done instead of inserting the same demo papers
// (which lost a race on `papers_pkey` before). On SQLite every write transaction already takes the write
// lock up front and the import is idempotent per batch, so processes starting together converge.
import { sql } from 'kysely';
import type { Store } from './connection.ts';

/** Key of the advisory lock for first-start work (any fixed number, apart from the migration lock's). */
const PG_START_LOCK = 7_426_002;

export async function withStartLock<T>(store: Store, fn: () => Promise<T>): Promise<T> {
  if (store.dialect !== 'postgres') return fn();
  return store.db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${PG_START_LOCK})`.execute(conn);
    try {
      return await fn();
    } finally {
      await sql`select pg_advisory_unlock(${PG_START_LOCK})`.execute(conn).catch(() => {});
    }
  });
}
