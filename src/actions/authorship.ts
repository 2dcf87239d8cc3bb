// Authorship: a member claims to be one of a paper's authors; an admin confirms or refuses. A
// confirmed claim links the author to the member (`authors.user_id`, status `claimed_verified`), which
// pages mark and the API reports as `status` and `user`, as Hugging Face does.
import type { Kysely } from 'kysely';
import type { Member } from '../db/queries/members.ts';
import type { Database } from '../db/schema.ts';
import { isAdmin } from '../domain/roles.ts';
import { emailConfirmed, UNCONFIRMED_NOTE } from './api-tokens.ts';
import { ActionError } from './errors.ts';
import { logAction, requireReason } from './moderation-log.ts';

type Db = Kysely<Database>;

/** The status Hugging Face reports for an author whose claim was verified. */
export const CLAIMED_STATUS = 'claimed_verified';

export async function claimAuthorship(p: {
  db: Db;
  userId: number;
  paperId: string;
  position: number;
  /** FOLIO_REQUIRE_CONFIRMED_EMAIL: a claim names a real person, so it waits for a confirmed address. */
  requireConfirmedEmail: boolean;
  now?: Date;
}): Promise<{ claimId: number }> {
  const now = (p.now ?? new Date()).toISOString();
  if (p.requireConfirmedEmail && !(await emailConfirmed(p.db, p.userId))) {
    throw new ActionError(403, `Authorship claims are for confirmed members. ${UNCONFIRMED_NOTE}`, 'email_unconfirmed');
  }
  return p.db.transaction().execute(async (trx) => {
    const paper = await trx.selectFrom('papers').select(['id', 'hidden']).where('id', '=', p.paperId).executeTakeFirst();
    if (!paper || paper.hidden) throw new ActionError(404, `There is no paper ${p.paperId} on this site.`, 'no_paper');
    const author = await trx
      .selectFrom('authors')
      .select(['name', 'user_id'])
      .where('paper_id', '=', p.paperId)
      .where('position', '=', p.position)
      .executeTakeFirst();
    if (!author) throw new ActionError(404, 'This paper has no such author.', 'no_author');
    if (author.user_id !== null) throw new ActionError(409, `${author.name} is claimed already.`, 'claimed');
    const mine = await trx
      .selectFrom('author_claims')
      .select(['id', 'status'])
      .where('paper_id', '=', p.paperId)
      .where('user_id', '=', p.userId)
      .where('status', 'in', ['pending', 'confirmed'])
      .executeTakeFirst();
    if (mine) throw new ActionError(409, `You have a ${mine.status} claim on this paper already.`, 'duplicate_claim');
    const mineElsewhere = await trx
      .selectFrom('authors')
      .select('position')
      .where('paper_id', '=', p.paperId)
      .where('user_id', '=', p.userId)
      .executeTakeFirst();
    if (mineElsewhere) throw new ActionError(409, 'You are an author of this paper already.', 'duplicate_claim');
    const row = await trx
      .insertInto('author_claims')
      .values({
        paper_id: p.paperId,
        position: p.position,
        user_id: p.userId,
        status: 'pending',
        created_at: now,
        decided_at: null,
        decided_by: null,
        reason: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { claimId: row.id };
  });
}

export async function decideClaim(p: {
  db: Db;
  actor: Member;
  claimId: number;
  decision: 'confirm' | 'refuse';
  reason: string;
  now?: Date;
}): Promise<void> {
  if (!isAdmin(p.actor.role)) throw new ActionError(403, 'Only admins decide authorship claims.', 'forbidden');
  const reason = requireReason(p.reason);
  const now = (p.now ?? new Date()).toISOString();
  await p.db.transaction().execute(async (trx) => {
    const c = await trx.selectFrom('author_claims').selectAll().where('id', '=', p.claimId).executeTakeFirst();
    if (!c) throw new ActionError(404, 'There is no such claim.', 'no_claim');
    // Decided once: of two admins deciding at once, one changes the row.
    const decided = await trx
      .updateTable('author_claims')
      .set({ status: p.decision === 'confirm' ? 'confirmed' : 'refused', decided_at: now, decided_by: p.actor.id, reason })
      .where('id', '=', c.id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(decided.numUpdatedRows) !== 1) throw new ActionError(409, 'This claim was decided already.', 'decided');
    if (p.decision === 'confirm') {
      const r = await trx
        .updateTable('authors')
        .set({ user_id: c.user_id, status: CLAIMED_STATUS, status_changed_at: now })
        .where('paper_id', '=', c.paper_id)
        .where('position', '=', c.position)
        .where('user_id', 'is', null)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw new ActionError(409, 'This author is claimed by someone else already.', 'claimed');
    }
    await logAction(trx, {
      actorId: p.actor.id,
      action: p.decision === 'confirm' ? 'claim.confirm' : 'claim.refuse',
      targetType: 'claim',
      targetId: `${c.paper_id}#${c.position}`,
      reason,
      now,
    });
  });
}

export interface PendingClaim {
  id: number;
  paper_id: string;
  title: string;
  position: number;
  author: string;
  username: string;
  email: string;
  created_at: string;
}

export async function pendingClaims(db: Db, limit = 100): Promise<PendingClaim[]> {
  return db
    .selectFrom('author_claims as c')
    .innerJoin('papers as p', 'p.id', 'c.paper_id')
    .innerJoin('authors as a', (j) => j.onRef('a.paper_id', '=', 'c.paper_id').onRef('a.position', '=', 'c.position'))
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .innerJoin('accounts as ac', 'ac.user_id', 'c.user_id')
    .select(['c.id', 'c.paper_id', 'p.title', 'c.position', 'a.name as author', 'u.username', 'ac.email', 'c.created_at'])
    .where('c.status', '=', 'pending')
    .orderBy('c.created_at')
    .limit(limit)
    .execute();
}

/** The member's claims on a paper (for the paper page). */
export async function claimsOn(db: Db, paperId: string, userId: number): Promise<{ position: number; status: string }[]> {
  return db
    .selectFrom('author_claims')
    .select(['position', 'status'])
    .where('paper_id', '=', paperId)
    .where('user_id', '=', userId)
    .execute();
}
