// Keeps the keyword index in step with the papers. The store calls this at the end of every batch for
// the papers it touched: one delete and one insert-select per batch, instead of a trigger per author
// row (a paper with 300 authors would rewrite its index row 300 times).
import { sql, type Transaction } from 'kysely';
import type { Database } from '../schema.ts';

/** SQLite caps bound parameters; batches of ids stay well below it. */
const CHUNK = 500;

export async function refreshSearchIndex(trx: Transaction<Database>, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const list = sql.join(chunk.map((id) => sql`${id}`));
    await sql`delete from papers_fts where rowid in (select rowid from papers where id in (${list}))`.execute(trx);
    await sql`insert into papers_fts (rowid, title, abstract, authors)
              select p.rowid, p.title, p.abstract,
                     coalesce((select group_concat(a.name, ' ; ') from authors a where a.paper_id = p.id), '')
              from papers p where p.id in (${list})`.execute(trx);
  }
}
