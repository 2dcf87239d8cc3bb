// Recomputes stored trending scores in the database, in one statement, without loading papers.
// The expression mirrors domain/trending.ts; only the age arithmetic differs between dialects.
import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { TrendingParams } from '../../domain/trending.ts';
import type { Database } from '../schema.ts';

function isPostgres(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * Recomputes the score of the given papers, or of every paper that has or had any points. `now` is an
 * ISO instant; passing it makes the result reproducible.
 */
export async function recomputeTrending(db: Kysely<Database>, params: TrendingParams, now: string, ids?: string[]): Promise<number> {
  if (ids && !ids.length) return 0;
  const since = sql`coalesce((select max(e.added_at) from daily_entries e where e.paper_id = papers.id), papers.published_at, papers.created_at)`;
  const ageHours = isPostgres(db)
    ? sql`greatest(0, extract(epoch from (cast(${now} as timestamptz) - cast(${since} as timestamptz))) / 3600.0)`
    : sql`max(0, (julianday(${now}) - julianday(${since})) * 24.0)`;
  // Parameters are cast: PostgreSQL would otherwise guess `integer` from the columns beside them.
  const num = (v: number) => sql`cast(${v} as double precision)`;
  const points = sql`(papers.imported_upvotes + papers.local_upvotes
      + ${num(params.commentWeight)} * (papers.imported_comments + papers.local_comments)
      + ${num(params.starWeight)} * ln(1 + coalesce(papers.github_stars, 0)))`;
  const score = sql<number>`case when ${points} <= 0 then 0 else ${points} / power(${ageHours} + ${num(params.ageOffsetHours)}, ${num(params.gravity)}) end`;
  let q = db.updateTable('papers').set({ trending_score: score });
  q = ids
    ? q.where('id', 'in', ids)
    : q.where((eb) =>
        eb.or([
          eb('trending_score', '!=', 0),
          eb(
            sql`papers.imported_upvotes + papers.local_upvotes + papers.imported_comments + papers.local_comments + coalesce(papers.github_stars, 0)`,
            '>',
            0,
          ),
        ]),
      );
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}
