// Moderation: hide and show papers and comments, suspend and reinstate members, grant roles. Every
// action checks the actor's role against the target, needs a reason, and is logged in its transaction.
import { type Kysely, sql } from 'kysely';
import { getMember, type Member } from '../db/queries/members.ts';
import { recomputeTrending } from '../db/queries/trending.ts';
import type { Database } from '../db/schema.ts';
import { canModerate, canSetRole, canSuspend, isRole, ROLES, type Role } from '../domain/roles.ts';
import type { TrendingParams } from '../domain/trending.ts';
import { lockPaperOf } from './comments.ts';
import { ActionError, invalidField, refusalThrownBy, throwRefusals } from './errors.ts';
import { logAction, requireReason } from './moderation-log.ts';

type Db = Kysely<Database>;

function mustModerate(actor: Member): void {
  if (!canModerate(actor.role)) throw new ActionError(403, 'Only moderators and admins may do this.', 'forbidden');
}

export async function setPaperHidden(p: {
  db: Db;
  actor: Member;
  paperId: string;
  hidden: boolean;
  reason: string;
  now?: Date;
}): Promise<void> {
  mustModerate(p.actor);
  const reason = requireReason(p.reason);
  const now = (p.now ?? new Date()).toISOString();
  await p.db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('papers')
      .set({ hidden: p.hidden ? 1 : 0 })
      .where('id', '=', p.paperId)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new ActionError(404, `There is no paper ${p.paperId}.`, 'no_paper');
    await logAction(trx, {
      actorId: p.actor.id,
      action: p.hidden ? 'paper.hide' : 'paper.unhide',
      targetType: 'paper',
      targetId: p.paperId,
      reason,
      now,
    });
  });
}

export async function setCommentHidden(p: {
  db: Db;
  actor: Member;
  commentId: number;
  hidden: boolean;
  reason: string;
  trending: TrendingParams;
  now?: Date;
}): Promise<{ paperId: string }> {
  mustModerate(p.actor);
  const reason = requireReason(p.reason);
  const now = (p.now ?? new Date()).toISOString();
  return p.db.transaction().execute(async (trx) => {
    await lockPaperOf(trx, p.commentId);
    const c = await trx.selectFrom('comments').select(['id', 'paper_id', 'deleted_at']).where('id', '=', p.commentId).executeTakeFirst();
    if (!c || c.deleted_at) throw new ActionError(404, 'There is no such comment.', 'no_comment');
    await trx
      .updateTable('comments')
      .set(p.hidden ? { hidden_at: now, hidden_by: p.actor.id } : { hidden_at: null, hidden_by: null })
      .where('id', '=', c.id)
      .execute();
    await trx
      .updateTable('papers')
      .set({
        local_comments: sql<number>`(select count(*) from comments c where c.paper_id = papers.id and c.deleted_at is null and c.hidden_at is null)`,
      })
      .where('id', '=', c.paper_id)
      .execute();
    await recomputeTrending(trx, p.trending, now, [c.paper_id]);
    await logAction(trx, {
      actorId: p.actor.id,
      action: p.hidden ? 'comment.hide' : 'comment.unhide',
      targetType: 'comment',
      targetId: c.id,
      reason,
      now,
    });
    return { paperId: c.paper_id };
  });
}

async function target(db: Db, userId: number): Promise<Member> {
  const m = await getMember(db, userId);
  if (!m) throw new ActionError(404, 'There is no such member.', 'no_member');
  return m;
}

/** Suspends (or reinstates) a member: their sessions end at once and their API tokens stop working. */
export async function setSuspended(p: {
  db: Db;
  actor: Member;
  userId: number;
  suspended: boolean;
  reason: string;
  now?: Date;
}): Promise<void> {
  const reason = requireReason(p.reason);
  const t = await target(p.db, p.userId);
  if (!canSuspend(p.actor, t)) throw new ActionError(403, 'You may not suspend this member.', 'forbidden');
  const now = (p.now ?? new Date()).toISOString();
  await p.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('accounts')
      .set(p.suspended ? { suspended_at: now, suspended_reason: reason } : { suspended_at: null, suspended_reason: null })
      .where('user_id', '=', t.id)
      .execute();
    if (p.suspended) await trx.deleteFrom('sessions').where('user_id', '=', t.id).execute();
    await logAction(trx, {
      actorId: p.actor.id,
      action: p.suspended ? 'member.suspend' : 'member.unsuspend',
      targetType: 'member',
      targetId: t.username,
      reason,
      now,
    });
  });
}

export async function setRole(p: { db: Db; actor: Member; userId: number; role: string; reason: string; now?: Date }): Promise<void> {
  // The role and the reason at once, each beside its field.
  throwRefusals([
    isRole(p.role) ? undefined : invalidField('role', `A role is one of ${ROLES.join(', ')}.`, 'invalid_role'),
    refusalThrownBy(() => requireReason(p.reason)),
  ]);
  const reason = requireReason(p.reason);
  const role = p.role as Role;
  const t = await target(p.db, p.userId);
  if (!canSetRole(p.actor, t)) throw new ActionError(403, 'Only admins grant roles, and not to themselves.', 'forbidden');
  const now = (p.now ?? new Date()).toISOString();
  await p.db.transaction().execute(async (trx) => {
    await trx.updateTable('accounts').set({ role }).where('user_id', '=', t.id).execute();
    await logAction(trx, {
      actorId: p.actor.id,
      action: 'member.role',
      targetType: 'member',
      targetId: t.username,
      reason: `${t.role} → ${role}: ${reason}`,
      now,
    });
  });
}
