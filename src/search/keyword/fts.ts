// The keyword ranker on SQLite FTS5: BM25 with the title weighted above the abstract above the
// authors. Returns ids and scores (higher is better); hydration and paging happen in one shared step.
import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { filterCondition, type SearchFilters } from '../filters.ts';
import { type ParsedQuery, toFts5, toTsQuery } from './query.ts';

/** BM25 column weights: a word in the title counts most, then the abstract, then author names. */
export const WEIGHT_TITLE = 10;
export const WEIGHT_ABSTRACT = 3;
export const WEIGHT_AUTHORS = 1;

export interface Ranked {
  ids: string[];
  scores: number[];
}

/** ts_rank's weights for D, C, B, A: the same order of importance as the FTS5 column weights. */
const PG_WEIGHTS = `{0.1, ${WEIGHT_AUTHORS / WEIGHT_TITLE}, ${WEIGHT_ABSTRACT / WEIGHT_TITLE}, 1.0}`;

async function runPostgres(db: Kysely<Database>, tsquery: string, f: SearchFilters, limit: number): Promise<Ranked> {
  const q = sql`to_tsquery('english', ${tsquery})`;
  const rows = await db
    .selectFrom('papers as p')
    .select(['p.id', sql<number>`ts_rank(${sql.lit(PG_WEIGHTS)}::float4[], p.search_vector, ${q})`.as('rank')])
    .where(sql<boolean>`p.search_vector @@ ${q}`)
    .where((eb) => filterCondition(eb as never, f))
    .orderBy('rank', 'desc')
    .orderBy('p.id')
    .limit(limit)
    .execute();
  return { ids: rows.map((r) => r.id), scores: rows.map((r) => Number(r.rank)) };
}

async function run(db: Kysely<Database>, q: ParsedQuery, join: 'AND' | 'OR', f: SearchFilters, limit: number): Promise<Ranked> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return runPostgres(db, toTsQuery(q, join), f, limit);
  const match = toFts5(q, join);
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
  const strict = await run(db, q, 'AND', f, limit);
  if (strict.ids.length || q.terms.filter((t) => !t.negated).length < 2) return { ...strict, relaxed: false };
  return { ...(await run(db, q, 'OR', f, limit)), relaxed: true };
}
