// Keyword search and trending. SQLite: an FTS5 table (Porter stemming over unicode61, diacritics
// folded) whose rowid is the paper's rowid. PostgreSQL: a weighted tsvector column (title A, abstract B,
// authors C) with a GIN index. Both are kept in step by the store (see queries/search-index.ts).
// Trending: a stored score, recomputed in the database (see domain/trending.ts for the formula).
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.ts';
import { PG_SEARCH_VECTOR } from '../queries/search-index.ts';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .alterTable('papers')
    .addColumn('trending_score', 'double precision', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('papers_trending').on('papers').columns(['trending_score', 'id']).execute();
  if (dialect === 'postgres') {
    await sql`alter table papers add column search_vector tsvector`.execute(db);
    await sql`create index papers_search on papers using gin (search_vector)`.execute(db);
    await sql`update papers set search_vector = ${sql.raw(PG_SEARCH_VECTOR)}`.execute(db);
  }
  if (dialect === 'sqlite') {
    await sql`create virtual table papers_fts using fts5(title, abstract, authors, tokenize = 'porter unicode61 remove_diacritics 2')`.execute(
      db,
    );
    await sql`create trigger papers_fts_delete after delete on papers begin
                delete from papers_fts where rowid = old.rowid;
              end`.execute(db);
    // Papers stored before this migration join the index now.
    await sql`insert into papers_fts (rowid, title, abstract, authors)
              select p.rowid, p.title, p.abstract,
                     coalesce((select group_concat(a.name, ' ; ') from authors a where a.paper_id = p.id), '')
              from papers p`.execute(db);
  }
}
