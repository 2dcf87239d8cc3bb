// An author's page does work in proportion to that author's papers, not to the store: the query finds
// the papers from the name's index (no scan of papers), and page 2 holds the right 20 in order.
import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countPapersWhere } from '../../src/db/queries/pages-counts.ts';
import { listPapersWhere, papersOf } from '../../src/db/queries/papers.ts';
import { growStore } from '../support/large-store.ts';
import { buildStore, TEST_PG_URL, type TestStore } from '../support/store.ts';

const PAPERS = 3000;
const AUTHOR = 'Author 7'; // papers i with i % 5000 == 7: one here; Coauthor 7 has i % 777 == 7
const COAUTHOR = 'Coauthor 7';

describe('author pages are bounded in work', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await buildStore();
    await growStore(t.store, PAPERS, 5);
  }, 120_000);
  afterAll(async () => t?.cleanup());

  // SQLite's plan (EXPLAIN QUERY PLAN); PostgreSQL picks scans by table statistics, not by index alone.
  it.skipIf(TEST_PG_URL)('finds an author by the name index, never scanning papers', async () => {
    const q = papersOf(t.store.db.selectFrom('papers as p').selectAll('p'), { authorName: COAUTHOR })
      .orderBy(sql`coalesce(p.published_at, p.created_at)`, 'desc')
      .limit(20)
      .compile();
    const plan = await t.store.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${q.sql}`, [...q.parameters]));
    const details = plan.rows.map((r) => r.detail);
    expect(details.some((d) => /authors_name_paper/.test(d))).toBe(true);
    expect(details.some((d) => /^SCAN p\b/.test(d))).toBe(false);
  });

  it('pages in SQL: page 2 is the next 20, newest first, and a page past the end is empty', async () => {
    const all = await listPapersWhere(t.store.db, { authorName: COAUTHOR }, { limit: 1000 });
    expect(await countPapersWhere(t.store.db, { authorName: COAUTHOR })).toBe(all.length);
    const p2 = await listPapersWhere(t.store.db, { authorName: COAUTHOR }, { limit: 2, offset: 2 });
    expect(p2.map((p) => p.paper.id)).toEqual(all.slice(2, 4).map((p) => p.paper.id));
    expect(await listPapersWhere(t.store.db, { authorName: COAUTHOR }, { limit: 20, offset: 1000 })).toEqual([]);
    expect(await countPapersWhere(t.store.db, { authorName: AUTHOR })).toBe(1);
  });
});
