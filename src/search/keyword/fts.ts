// The keyword ranker on SQLite FTS5: BM25 with the title weighted above the abstract above the
// authors. Returns ids and scores (higher is better); hydration and paging happen in one shared step.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { filterCondition, type SearchFilters } from '../filters.ts';
import { type ParsedQuery, toFts5 } from './query.ts';

/** BM25 column weights: a word in the title counts most, then the abstract, then author names. */
export const WEIGHT_TITLE = 10;
export const WEIGHT_ABSTRACT = 3;
export const WEIGHT_AUTHORS = 1;

export interface Ranked {
  ids: string[];
  scores: number[];
}

async function run(db: Kysely<Database>, match: string, f: SearchFilters, limit: number): Promise<Ranked> {
  const rows = await db
    .selectFrom(sql<{ rowid: number }>`papers_fts`.as('fts'))
    .innerJoin('papers as p', (j) => j.on(sql`p.rowid`, '=', sql`fts.rowid`))
    .select([
      'p.id',
      sql<number>`bm25(papers_fts, ${sql.lit(WEIGHT_TITLE)}, ${sql.lit(WEIGHT_ABSTRACT)}, ${sql.lit(WEIGHT_AUTHORS)})`.as('rank'),
    ])
    .where(sql<boolean>`papers_fts match ${match}`)
    .where((eb) => filterCondition(eb as never, f))
    .orderBy('rank')
    .limit(limit)
    .execute();
  // FTS5's bm25 is negative (more negative = better); flip it so every ranker agrees higher is better.
  return { ids: rows.map((r) => r.id), scores: rows.map((r) => -r.rank) };
}

/**
 * All terms must match; when that finds nothing and there are several terms, any term may match
 * (a long natural-language query still finds its closest papers).
 */
export async function keywordSearch(
  db: Kysely<Database>,
  q: ParsedQuery,
  f: SearchFilters,
  limit: number,
): Promise<Ranked & { relaxed: boolean }> {
  if (q.problem) return { ids: [], scores: [], relaxed: false };
  const strict = await run(db, toFts5(q, 'AND'), f, limit);
  if (strict.ids.length || q.terms.filter((t) => !t.negated).length < 2) return { ...strict, relaxed: false };
  return { ...(await run(db, toFts5(q, 'OR'), f, limit)), relaxed: true };
}
