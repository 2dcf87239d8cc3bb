// The keyword ranker: BM25 on SQLite FTS5 (title weighted above the abstract above the authors), or
// ts_rank on PostgreSQL's weighted tsvector. Returns ids and scores (higher is better); filtering of the
// fused list, paging and hydration happen in one shared step (search/results.ts).
import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { filterCondition, hasFilters, type SearchFilters } from '../filters.ts';
import { type ParsedQuery, type Term, toFts5, toTsQuery } from './query.ts';

/** BM25 column weights: a word in the title counts most, then the abstract, then author names. */
export const WEIGHT_TITLE = 10;
export const WEIGHT_ABSTRACT = 3;
export const WEIGHT_AUTHORS = 1;

/**
 * Without filters, FTS5 ranks alone and the papers table is read only for this many rows more than
 * asked (to drop hidden papers): joining every match to `papers` costs more than the ranking itself
 * on broad queries.
 */
const HIDDEN_MARGIN = 20;
/** Ids per statement when scoring a given list of papers. */
const CHUNK = 500;
/**
 * When no paper holds every word and papers holding any are ranked instead, at most this many (the
 * newest stored) are ranked: an OR of a sentence's words matches nearly every paper, and ranking a
 * million of them takes seconds. Those results are a fallback; the meaning ranker does better on such
 * queries.
 */
export const RELAXED_BUDGET = 5000;
/** Excluded words that match at most this many papers are intersected in memory; more are looked up per paper. */
const EXCLUDE_SCAN_MAX = 20_000;

export interface Ranked {
  ids: string[];
  scores: number[];
}

export interface KeywordOptions {
  /**
   * Rank at most this many matches (SQLite): when more papers match, only the newest stored that many
   * are ranked, and `partial` says so. FTS5 must score every match to sort them, so a query that
   * matches a third of a million papers costs ~0.5 s; the hybrid ranker bounds it this way and lets
   * the meaning ranker (and `keywordScoresAmong`) bring older papers in. Unset: rank every match.
   */
  budget?: number;
  /** When no paper holds every word, rank papers holding any (default true). */
  relax?: boolean;
}

export interface KeywordResult extends Ranked {
  /** No paper held every word, so papers holding any were ranked. */
  relaxed: boolean;
  /** Only the newest `budget` matches were ranked. */
  partial: boolean;
}

function isPostgres(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** ts_rank's weights for D, C, B, A: the same order of importance as the FTS5 column weights. */
const PG_WEIGHTS = `{0.1, ${WEIGHT_AUTHORS / WEIGHT_TITLE}, ${WEIGHT_ABSTRACT / WEIGHT_TITLE}, 1.0}`;
const BM25 = sql<number>`bm25(papers_fts, ${sql.lit(WEIGHT_TITLE)}, ${sql.lit(WEIGHT_ABSTRACT)}, ${sql.lit(WEIGHT_AUTHORS)})`;

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

/** The rowid below which matches are left out so that at most `budget` remain, or null when fewer match. */
async function windowStart(db: Kysely<Database>, match: string, budget: number): Promise<number | null> {
  // FTS5 walks matches in rowid order without scoring them: this costs a fraction of ranking them.
  const r = await sql<{ rowid: number }>`select rowid from papers_fts where papers_fts match ${match}
                                          order by rowid desc limit 1 offset ${budget - 1}`.execute(db);
  return r.rows[0]?.rowid ?? null;
}

async function runSqlite(db: Kysely<Database>, match: string, f: SearchFilters, limit: number, minRowid: number | null): Promise<Ranked> {
  const from = minRowid === null ? sql`` : sql` and rowid >= ${minRowid}`;
  if (!hasFilters(f)) {
    // Rank in FTS5 alone, then read the few papers to drop hidden ones.
    const want = limit + HIDDEN_MARGIN;
    const rows = (
      await sql<{ id: string; hidden: number; rank: number }>`select p.id, p.hidden, r.rank from
          (select rowid, ${BM25} as rank from papers_fts where papers_fts match ${match}${from} order by rank limit ${want}) r
          join papers p on p.rowid = r.rowid order by r.rank, p.id`.execute(db)
    ).rows;
    const shown = rows.filter((r) => !r.hidden);
    if (shown.length >= limit || rows.length < want) {
      const top = shown.slice(0, limit);
      // FTS5's bm25 is negative (more negative = better); flip it so every ranker agrees higher is better.
      return { ids: top.map((r) => r.id), scores: top.map((r) => -r.rank) };
    }
  }
  const rows = await db
    .selectFrom(sql<{ rowid: number }>`papers_fts`.as('fts'))
    .innerJoin('papers as p', (j) => j.on(sql`p.rowid`, '=', sql`fts.rowid`))
    .select(['p.id', BM25.as('rank')])
    .where(sql<boolean>`papers_fts match ${match}`)
    .$if(minRowid !== null, (q) => q.where(sql<boolean>`fts.rowid >= ${minRowid}`))
    .where((eb) => filterCondition(eb as never, f))
    .orderBy('rank')
    .orderBy('p.id')
    .limit(limit)
    .execute();
  return { ids: rows.map((r) => r.id), scores: rows.map((r) => -r.rank) };
}

async function run(
  db: Kysely<Database>,
  q: ParsedQuery,
  join: 'AND' | 'OR',
  f: SearchFilters,
  limit: number,
  o: KeywordOptions,
): Promise<Ranked & { partial: boolean }> {
  if (isPostgres(db)) return { ...(await runPostgres(db, toTsQuery(q, join), f, limit)), partial: false };
  const match = toFts5(q, join);
  const start = o.budget ? await windowStart(db, match, o.budget) : null;
  return { ...(await runSqlite(db, match, f, limit, start)), partial: start !== null };
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
  o: KeywordOptions = {},
): Promise<KeywordResult> {
  if (q.problem || limit <= 0) return { ids: [], scores: [], relaxed: false, partial: false };
  const strict = await run(db, q, 'AND', f, limit, o);
  if (strict.ids.length || o.relax === false || q.terms.filter((t) => !t.negated).length < 2) return { ...strict, relaxed: false };
  return { ...(await run(db, q, 'OR', f, limit, { budget: Math.min(o.budget ?? RELAXED_BUDGET, RELAXED_BUDGET) })), relaxed: true };
}

/** The keyword scores (same scale as keywordSearch) of those of `ids` that match the query. */
export async function keywordScoresAmong(
  db: Kysely<Database>,
  q: ParsedQuery,
  join: 'AND' | 'OR',
  ids: readonly string[],
): Promise<Ranked> {
  const out: { id: string; score: number }[] = [];
  if (q.problem) return { ids: [], scores: [] };
  for (let i = 0; i < ids.length; i += CHUNK) {
    const part = ids.slice(i, i + CHUNK);
    if (isPostgres(db)) {
      const tq = sql`to_tsquery('english', ${toTsQuery(q, join)})`;
      const rows = await db
        .selectFrom('papers as p')
        .select(['p.id', sql<number>`ts_rank(${sql.lit(PG_WEIGHTS)}::float4[], p.search_vector, ${tq})`.as('rank')])
        .where('p.id', 'in', part)
        .where(sql<boolean>`p.search_vector @@ ${tq}`)
        .execute();
      for (const r of rows) out.push({ id: r.id, score: Number(r.rank) });
    } else {
      const rows = (
        await sql<{ id: string; rank: number }>`select p.id, ${BM25} as rank from papers p
            join papers_fts on papers_fts.rowid = p.rowid
            where p.id in (${sql.join(part)}) and papers_fts match ${toFts5(q, join)}`.execute(db)
      ).rows;
      for (const r of rows) out.push({ id: r.id, score: -r.rank });
    }
  }
  out.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
  return { ids: out.map((o) => o.id), scores: out.map((o) => o.score) };
}

/** Those of `ids` whose text holds any of the terms (for the excluded `-words` of a query). */
export async function matchingAny(db: Kysely<Database>, terms: readonly Term[], ids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  if (!terms.length || !ids.length) return found;
  const any: ParsedQuery = { terms: terms.map((t) => ({ ...t, negated: false })), truncated: false };
  if (!isPostgres(db)) {
    // FTS5 looks up one paper at a time slowly (it reads the terms' whole postings each time); reading
    // every match of the excluded words once is much cheaper, unless they are very common.
    const all = (
      await sql<{
        rowid: number;
      }>`select rowid from papers_fts where papers_fts match ${toFts5(any, 'OR')} limit ${EXCLUDE_SCAN_MAX + 1}`.execute(db)
    ).rows;
    if (all.length <= EXCLUDE_SCAN_MAX) {
      const hit = new Set(all.map((r) => r.rowid));
      for (let i = 0; i < ids.length; i += CHUNK) {
        const rows = (
          await sql<{ id: string; rowid: number }>`select id, rowid from papers where id in (${sql.join(ids.slice(i, i + CHUNK))})`.execute(
            db,
          )
        ).rows;
        for (const r of rows) if (hit.has(r.rowid)) found.add(r.id);
      }
      return found;
    }
  }
  const hit = await keywordScoresAmong(db, any, 'OR', ids);
  for (const id of hit.ids) found.add(id);
  return found;
}
