// Indexes that keep the author and organisation pages bounded in work on a large store.
//
// - `authors_name_paper` (name, paper_id): an author's page finds that author's papers by name and
//   reads the paper ids from the index alone, so its cost grows with that author's papers, not with
//   the store. (`authors_name` on the name alone made SQLite walk every paper and, for each, every row
//   of that name: 72k papers x 280 rows took 8 s for the most prolific author.) It replaces
//   `authors_name`, of which it is an extension.
// - `papers_org_newest` (organization_id, coalesce(published_at, created_at), id): an organisation's
//   papers in the order its page shows them (newest first), so a page is read in order from the index
//   instead of sorting all the organisation's papers. It replaces `papers_org`, of which it is an
//   extension. The expression is the very one `listPapersWhere` orders by.
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.ts';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.createIndex('authors_name_paper').on('authors').columns(['name', 'paper_id']).execute();
  await db.schema.dropIndex('authors_name').execute();
  // Both dialects accept an expression in parentheses in an index's column list.
  await sql`create index papers_org_newest on papers (organization_id, (coalesce(published_at, created_at)), id)`.execute(db);
  await db.schema.dropIndex('papers_org').execute();
}
