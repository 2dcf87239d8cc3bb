// Reading comments: a paper's whole discussion in one query (threads are built in memory, see
// domain/comment-thread.ts), and a member's votes on them in another.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface CommentView {
  id: number;
  paper_id: string;
  parent_id: number | null;
  depth: number;
  body: string;
  body_html: string;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
  hidden_at: string | null;
  upvotes: number;
  downvotes: number;
  score: number;
  user_id: number;
  username: string;
  fullname: string | null;
  avatar_url: string | null;
}

function base(db: Db) {
  return db
    .selectFrom('comments as c')
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .select([
      'c.id',
      'c.paper_id',
      'c.parent_id',
      'c.depth',
      'c.body',
      'c.body_html',
      'c.created_at',
      'c.edited_at',
      'c.deleted_at',
      'c.hidden_at',
      'c.upvotes',
      'c.downvotes',
      'c.score',
      'c.user_id',
      'u.username',
      'u.fullname',
      'u.avatar_url',
    ]);
}

/** Every comment of a paper (deleted and hidden ones too: the thread decides what shows). */
export async function paperComments(db: Db, paperId: string): Promise<CommentView[]> {
  return base(db).where('c.paper_id', '=', paperId).orderBy('c.id').execute();
}

export async function getComment(db: Db, id: number): Promise<CommentView | undefined> {
  return base(db).where('c.id', '=', id).executeTakeFirst();
}

/** The member's votes (1 or -1) on the given comments. */
export async function commentVotesOf(db: Db, userId: number, commentIds: number[]): Promise<Map<number, number>> {
  if (!commentIds.length) return new Map();
  const rows = await db
    .selectFrom('comment_votes')
    .select(['comment_id', 'value'])
    .where('user_id', '=', userId)
    .where('comment_id', 'in', commentIds)
    .execute();
  return new Map(rows.map((r) => [r.comment_id, r.value]));
}
