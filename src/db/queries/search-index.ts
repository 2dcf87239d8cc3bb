// Keeps the keyword index in step with the papers. The store calls this at the end of every batch for
// the papers it touched: one delete and one insert-select per batch, instead of a trigger per author
// row (a paper with 300 authors would rewrite its index row 300 times).
import { PostgresAdapter, sql, type Transaction } from 'kysely';
import type { Database } from '../schema.ts';

/** SQLite caps bound parameters; batches of ids stay well below it. */
const CHUNK = 500;

/**
 * PostgreSQL's document for a paper row `papers`: title (A) and abstract (B) with English stemming,
 * author names (C) without it, so that "Learning" and "learned" meet but "Young" stays a name.
 */
export const PG_SEARCH_VECTOR = `setweight(to_tsvector('english', coalesce(papers.title, '')), 'A')
  || setweight(to_tsvector('english', coalesce(papers.abstract, '')), 'B')
  || setweight(to_tsvector('simple', coalesce((select string_agg(a.name, ' ; ' order by a.position)
                                               from authors a where a.paper_id = papers.id), '')), 'C')`;

export async function refreshSearchIndex(trx: Transaction<Database>, ids: string[]): Promise<void> {
  const postgres = trx.getExecutor().adapter instanceof PostgresAdapter;
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const list = sql.join(chunk.map((id) => sql`${id}`));
    if (postgres) {
      await sql`update papers set search_vector = ${sql.raw(PG_SEARCH_VECTOR)} where papers.id in (${list})`.execute(trx);
      continue;
    }
    // One delete per row: FTS5 finds a row by `rowid = ?` at once, but scans the whole index for
    // `rowid in (subquery)`, which made every batch cost as much as the corpus is large.
    const rows = await sql<{ rowid: number }>`select rowid from papers where id in (${list})`.execute(trx);
    for (const r of rows.rows) await sql`delete from papers_fts where rowid = ${r.rowid}`.execute(trx);
    await sql`insert into papers_fts (rowid, title, abstract, authors)
              select p.rowid, p.title, p.abstract,
                     coalesce((select group_concat(a.name, ' ; ') from authors a where a.paper_id = p.id), '')
              from papers p where p.id in (${list})`.execute(trx);
  }
}
