// Comments: add (a reply to a comment of the same paper, up to MAX_COMMENT_DEPTH), edit and delete
// one's own, and vote on others'. The paper's comment counter is recounted from the rows and its
// trending score recomputed in the comment's own transaction.
import { type Kysely, sql, type Transaction } from 'kysely';
import { lockRow } from '../db/queries/locks.ts';
import { recomputeTrending } from '../db/queries/trending.ts';
import type { Database } from '../db/schema.ts';
import { DUPLICATE_COMMENT_WINDOW_MS, MAX_COMMENT_CHARS, MAX_COMMENT_DEPTH } from '../domain/comments.ts';
import type { TrendingParams } from '../domain/trending.ts';
import { wilsonLowerBound } from '../domain/wilson.ts';
import { renderComment } from '../web/views/render-comment.ts';
import { ActionError, invalidField } from './errors.ts';

type Db = Kysely<Database>;
type Trx = Transaction<Database>;

/** The form field a comment's text is typed into: its refusals name it, so the page puts them beside it. */
export const COMMENT_BODY_FIELD = 'body';

function cleanBody(body: string): string {
  // Line endings as one kind; trailing spaces of the whole body do not count.
  const b = body.replace(/\r\n?/g, '\n').trim();
  if (!b) throw invalidField(COMMENT_BODY_FIELD, 'A comment cannot be empty.', 'empty');
  if (b.length > MAX_COMMENT_CHARS) {
    throw invalidField(
      COMMENT_BODY_FIELD,
      `A comment has at most ${MAX_COMMENT_CHARS.toLocaleString('en-US')} characters (this one has ${b.length.toLocaleString('en-US')}).`,
      'too_long',
      413,
    );
  }
  return b;
}

/**
 * A comment as it would be shown, storing nothing: the same rules and the same rendering (Markdown,
 * math within the TeX budget, the sanitiser) as a comment posted, so a preview never shows more.
 */
export async function previewComment(body: string): Promise<string> {
  return renderComment(cleanBody(body));
}

/** Recounts the paper's visible comments from the rows, then its trending score. */
async function recount(trx: Trx, paperId: string, trending: TrendingParams, now: string): Promise<void> {
  await trx
    .updateTable('papers')
    .set({
      local_comments: sql<number>`(select count(*) from comments c where c.paper_id = papers.id and c.deleted_at is null and c.hidden_at is null)`,
    })
    .where('id', '=', paperId)
    .execute();
  await recomputeTrending(trx, trending, now, [paperId]);
}

export interface AddCommentProps {
  db: Db;
  userId: number;
  paperId: string;
  parentId?: number;
  body: string;
  trending: TrendingParams;
  now?: Date;
}

/** `duplicate`: the same comment was posted moments ago; its id is returned and nothing is stored. */
export async function addComment(p: AddCommentProps): Promise<{ id: number; duplicate: boolean }> {
  const nowDate = p.now ?? new Date();
  const now = nowDate.toISOString();
  const body = cleanBody(p.body);
  const html = await renderComment(body);
  return p.db.transaction().execute(async (trx) => {
    await lockRow(trx, 'papers', p.paperId);
    const paper = await trx.selectFrom('papers').select(['id', 'hidden']).where('id', '=', p.paperId).executeTakeFirst();
    if (!paper || paper.hidden) throw new ActionError(404, `There is no paper ${p.paperId} on this site.`, 'no_paper');
    let depth = 0;
    if (p.parentId !== undefined) {
      const parent = await trx
        .selectFrom('comments')
        .select(['id', 'paper_id', 'depth', 'deleted_at', 'hidden_at'])
        .where('id', '=', p.parentId)
        .executeTakeFirst();
      // A parent on another paper is treated as missing: ids in forms are input like any other.
      if (!parent || parent.paper_id !== p.paperId) throw new ActionError(404, 'The comment you reply to does not exist.', 'no_parent');
      if (parent.deleted_at || parent.hidden_at) throw new ActionError(409, 'The comment you reply to was removed.', 'parent_removed');
      depth = parent.depth + 1;
      if (depth > MAX_COMMENT_DEPTH) {
        throw new ActionError(
          422,
          `Replies nest at most ${MAX_COMMENT_DEPTH} deep; reply to an earlier comment in this thread.`,
          'too_deep',
        );
      }
    }
    // The paper's row is locked (PostgreSQL) or the write lock held (SQLite) since the first statement,
    // so of two identical posts racing, the second sees the first's row here.
    const since = new Date(nowDate.getTime() - DUPLICATE_COMMENT_WINDOW_MS).toISOString();
    let same = trx
      .selectFrom('comments')
      .select('id')
      .where('paper_id', '=', p.paperId)
      .where('user_id', '=', p.userId)
      .where('body', '=', body)
      .where('created_at', '>=', since)
      .where('deleted_at', 'is', null);
    same = p.parentId !== undefined ? same.where('parent_id', '=', p.parentId) : same.where('parent_id', 'is', null);
    const twin = await same.orderBy('id').executeTakeFirst();
    if (twin) return { id: twin.id, duplicate: true };
    const row = await trx
      .insertInto('comments')
      .values({
        paper_id: p.paperId,
        user_id: p.userId,
        parent_id: p.parentId ?? null,
        depth,
        body,
        body_html: html,
        created_at: now,
        edited_at: null,
        deleted_at: null,
        hidden_at: null,
        hidden_by: null,
        upvotes: 0,
        downvotes: 0,
        score: 0,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recount(trx, p.paperId, p.trending, now);
    return { id: row.id, duplicate: false };
  });
}

/** Locks the row of the comment's paper (its counter is recounted): always the paper first, then the comment. */
export async function lockPaperOf(trx: Trx, commentId: number): Promise<void> {
  const c = await trx.selectFrom('comments').select('paper_id').where('id', '=', commentId).executeTakeFirst();
  if (c) await lockRow(trx, 'papers', c.paper_id);
}

async function ownComment(trx: Trx, userId: number, commentId: number) {
  const c = await trx
    .selectFrom('comments')
    .select(['id', 'user_id', 'paper_id', 'deleted_at', 'hidden_at'])
    .where('id', '=', commentId)
    .executeTakeFirst();
  if (!c || c.deleted_at) throw new ActionError(404, 'There is no such comment.', 'no_comment');
  if (c.user_id !== userId) throw new ActionError(403, 'You can only change your own comments.', 'not_yours');
  if (c.hidden_at) throw new ActionError(409, 'A moderator hid this comment; it cannot be changed.', 'hidden');
  return c;
}

export async function editComment(p: {
  db: Db;
  userId: number;
  commentId: number;
  body: string;
  now?: Date;
}): Promise<{ paperId: string }> {
  const now = (p.now ?? new Date()).toISOString();
  const body = cleanBody(p.body);
  const html = await renderComment(body);
  return p.db.transaction().execute(async (trx) => {
    const c = await ownComment(trx, p.userId, p.commentId);
    await trx.updateTable('comments').set({ body, body_html: html, edited_at: now }).where('id', '=', c.id).execute();
    return { paperId: c.paper_id };
  });
}

/** Deletes one's own comment: its text is erased; its replies stay, under a placeholder. */
export async function deleteComment(p: {
  db: Db;
  userId: number;
  commentId: number;
  trending: TrendingParams;
  now?: Date;
}): Promise<{ paperId: string }> {
  const now = (p.now ?? new Date()).toISOString();
  return p.db.transaction().execute(async (trx) => {
    await lockPaperOf(trx, p.commentId);
    const c = await ownComment(trx, p.userId, p.commentId);
    await trx.updateTable('comments').set({ deleted_at: now, body: '', body_html: '' }).where('id', '=', c.id).execute();
    await recount(trx, c.paper_id, p.trending, now);
    return { paperId: c.paper_id };
  });
}

export type CommentVoteValue = 1 | -1 | 0;

/** Votes a comment up (1), down (-1) or takes the vote back (0). Not on one's own comments. */
export async function voteComment(p: {
  db: Db;
  userId: number;
  commentId: number;
  value: CommentVoteValue;
  now?: Date;
}): Promise<{ paperId: string; score: number; upvotes: number; downvotes: number }> {
  const now = (p.now ?? new Date()).toISOString();
  return p.db.transaction().execute(async (trx) => {
    // Votes on one comment recount one after another (see db/queries/locks.ts).
    await lockRow(trx, 'comments', p.commentId);
    const c = await trx
      .selectFrom('comments')
      .select(['id', 'user_id', 'paper_id', 'deleted_at', 'hidden_at'])
      .where('id', '=', p.commentId)
      .executeTakeFirst();
    if (!c || c.deleted_at || c.hidden_at) throw new ActionError(404, 'There is no such comment.', 'no_comment');
    if (c.user_id === p.userId) throw new ActionError(403, 'You cannot vote on your own comment.', 'own_comment');
    if (p.value === 0) {
      await trx.deleteFrom('comment_votes').where('user_id', '=', p.userId).where('comment_id', '=', c.id).execute();
    } else {
      await trx
        .insertInto('comment_votes')
        .values({ user_id: p.userId, comment_id: c.id, value: p.value, created_at: now })
        .onConflict((oc) => oc.columns(['user_id', 'comment_id']).doUpdateSet({ value: p.value }))
        .execute();
    }
    const counts = await trx
      .selectFrom('comment_votes')
      .select([
        sql<number>`coalesce(sum(case when value > 0 then 1 else 0 end), 0)`.as('up'),
        sql<number>`coalesce(sum(case when value < 0 then 1 else 0 end), 0)`.as('down'),
      ])
      .where('comment_id', '=', c.id)
      .executeTakeFirstOrThrow();
    const up = Number(counts.up);
    const down = Number(counts.down);
    const score = wilsonLowerBound(up, down);
    await trx.updateTable('comments').set({ upvotes: up, downvotes: down, score }).where('id', '=', c.id).execute();
    return { paperId: c.paper_id, score, upvotes: up, downvotes: down };
  });
}
