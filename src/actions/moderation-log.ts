// The moderation log: who did what to which thing, and why. Written in the transaction of the action.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { invalidField } from './errors.ts';

export const MAX_REASON_CHARS = 500;
/** The form field a moderator's reason is typed into: its refusals name it. */
export const REASON_FIELD = 'reason';

export type LogAction =
  | 'paper.hide'
  | 'paper.unhide'
  | 'comment.hide'
  | 'comment.unhide'
  | 'member.suspend'
  | 'member.unsuspend'
  | 'member.role'
  | 'claim.confirm'
  | 'claim.refuse'
  | 'paper.link'
  | 'org.create'
  | 'org.member.add'
  | 'org.member.remove';

export function requireReason(reason: string | undefined): string {
  const r = (reason ?? '').trim();
  if (!r) throw invalidField(REASON_FIELD, 'Say why: every moderation action is logged with its reason.', 'reason_required');
  if (r.length > MAX_REASON_CHARS)
    throw invalidField(REASON_FIELD, `A reason has at most ${MAX_REASON_CHARS} characters.`, 'reason_too_long');
  return r;
}

export async function logAction(
  db: Kysely<Database> | Transaction<Database>,
  e: {
    actorId: number;
    action: LogAction;
    targetType: 'paper' | 'comment' | 'member' | 'claim' | 'org';
    targetId: string | number;
    reason: string;
    now: string;
  },
): Promise<void> {
  await db
    .insertInto('moderation_log')
    .values({
      actor_id: e.actorId,
      action: e.action,
      target_type: e.targetType,
      target_id: String(e.targetId),
      reason: e.reason,
      created_at: e.now,
    })
    .execute();
}
