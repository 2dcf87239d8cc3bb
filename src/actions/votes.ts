// Upvotes on papers: one per member per paper, undoable. The vote row and the paper's counter change in
// one transaction: `INSERT ... ON CONFLICT DO NOTHING` makes a second vote (a double click, two tabs,
// a replay) a no-op, and the counter is recounted from the vote rows rather than incremented, so it
// can never drift from them. The paper's trending score is recomputed in the same transaction.
// On PostgreSQL the transaction first locks the paper's row: without it, two votes committing at once
// would each recount without the other's row (READ COMMITTED), Lobsters' admitted race.
import { type Kysely, sql, type Transaction } from 'kysely';
import { lockRow } from '../db/queries/locks.ts';
import { recomputeTrending } from '../db/queries/trending.ts';
import type { Database } from '../db/schema.ts';
import type { TrendingParams } from '../domain/trending.ts';
import { ActionError } from './errors.ts';

type Db = Kysely<Database>;

export interface VoteState {
  paperId: string;
  voted: boolean;
  /** Shown count: imported snapshot plus the votes cast here. */
  upvotes: number;
}

export interface VoteProps {
  db: Db;
  userId: number;
  paperId: string;
  trending: TrendingParams;
  now?: Date;
}

/** Locks the paper's row (PostgreSQL), so that votes on one paper recount one after another. */
async function visiblePaper(trx: Transaction<Database>, id: string): Promise<void> {
  await lockRow(trx, 'papers', id);
  const p = await trx.selectFrom('papers').select(['id', 'hidden']).where('id', '=', id).executeTakeFirst();
  if (!p || p.hidden) throw new ActionError(404, `There is no paper ${id} on this site.`, 'no_paper');
}

async function recount(trx: Transaction<Database>, paperId: string, trending: TrendingParams, now: string): Promise<void> {
  await trx
    .updateTable('papers')
    .set({ local_upvotes: sql<number>`(select count(*) from votes v where v.paper_id = papers.id)` })
    .where('id', '=', paperId)
    .execute();
  await recomputeTrending(trx, trending, now, [paperId]);
}

async function state(trx: Transaction<Database>, userId: number, paperId: string): Promise<VoteState> {
  const p = await trx
    .selectFrom('papers')
    .select(['imported_upvotes', 'local_upvotes'])
    .where('id', '=', paperId)
    .executeTakeFirstOrThrow();
  const v = await trx
    .selectFrom('votes')
    .select('user_id')
    .where('user_id', '=', userId)
    .where('paper_id', '=', paperId)
    .executeTakeFirst();
  return { paperId, voted: v !== undefined, upvotes: p.imported_upvotes + p.local_upvotes };
}

export async function castVote(p: VoteProps): Promise<VoteState> {
  const now = (p.now ?? new Date()).toISOString();
  return p.db.transaction().execute(async (trx) => {
    await visiblePaper(trx, p.paperId);
    const r = await trx
      .insertInto('votes')
      .values({ user_id: p.userId, paper_id: p.paperId, created_at: now })
      .onConflict((oc) => oc.columns(['user_id', 'paper_id']).doNothing())
      .executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0) > 0) await recount(trx, p.paperId, p.trending, now);
    return state(trx, p.userId, p.paperId);
  });
}

export async function removeVote(p: VoteProps): Promise<VoteState> {
  const now = (p.now ?? new Date()).toISOString();
  return p.db.transaction().execute(async (trx) => {
    await visiblePaper(trx, p.paperId);
    const r = await trx.deleteFrom('votes').where('user_id', '=', p.userId).where('paper_id', '=', p.paperId).executeTakeFirst();
    if (Number(r.numDeletedRows) > 0) await recount(trx, p.paperId, p.trending, now);
    return state(trx, p.userId, p.paperId);
  });
}

/** Which of `paperIds` the member has upvoted (one query, for a whole page). */
export async function votedAmong(db: Db, userId: number, paperIds: string[]): Promise<Set<string>> {
  if (!paperIds.length) return new Set();
  const rows = await db
    .selectFrom('votes')
    .select('paper_id')
    .where('user_id', '=', userId)
    .where('paper_id', 'in', [...new Set(paperIds)])
    .execute();
  return new Set(rows.map((r) => r.paper_id));
}
