// Subscribing to the digest and leaving it.
//
// - Members turn it on or off in /settings once their account's address is confirmed: the change then
//   applies at once. A member who has not proved the address may only turn their own digest off; a
//   visitor's subscription of that address becomes the member's only once the member has proved it
//   (else signing up with someone's address would hand over their subscription and its topics). The
//   refusal reads the same whether the address has a subscription or not.
// - Visitors subscribe with an address at /subscribe and confirm with a link (double opt-in). The
//   request waits in `requested_*` until the link is used; the link is signed, expires after
//   SUBSCRIPTION_CONFIRM_HOURS and is bound to the request, so an older link cannot apply a newer one.
//   The same answer and at most one mail follow whatever state the address is in (nobody learns who
//   subscribes).
// - Anyone holding an unsubscribe link leaves with one POST (RFC 8058); digests queued for them and
//   not sent yet are cancelled in the same transaction.
import type { Kysely } from 'kysely';
import { type Subscription, subscriptionByEmail, subscriptionById, subscriptionOfMember } from '../db/queries/digests.ts';
import { isUniqueViolation } from '../db/queries/locks.ts';
import type { Database } from '../db/schema.ts';
import { type DigestFrequency, SUBSCRIPTION_CONFIRM_HOURS, type Topics } from '../domain/digest.ts';
import { MailAddressError, strictAddress } from '../email/address.ts';
import type { MailContext } from '../email/layout.ts';
import { enqueueMail } from '../email/outbox.ts';
import { subscriptionConfirmMail } from '../email/subscribe-confirm.ts';
import { confirmToken, readConfirmToken } from '../security/signed-links.ts';
import { ActionError, invalidField } from './errors.ts';

type Db = Kysely<Database>;
const iso = (d: Date) => d.toISOString();
const json = (a: string[]) => JSON.stringify(a);

function asSentence(m: string): string {
  const t = m.trim().replace(/\.+$/, '');
  return `${t.charAt(0).toUpperCase()}${t.slice(1)}.`;
}

/** Why an address cannot be subscribed, in one sentence for beside the address field; null when it can. */
export function addressProblem(raw: string): string | null {
  try {
    strictAddress(raw);
    return null;
  } catch (e) {
    // The checks speak in sentences ("Enter your email address."): shown as they are, capitalised once.
    if (e instanceof MailAddressError) return asSentence(e.message);
    throw e;
  }
}

function address(raw: string): string {
  const problem = addressProblem(raw);
  if (problem) throw invalidField('email', problem, 'invalid_email');
  return strictAddress(raw);
}

/** Turns a member's digest on (daily or weekly, with topics) or off. */
export async function saveMemberDigest(p: {
  db: Db;
  userId: number;
  frequency: DigestFrequency | 'off';
  topics: Topics;
  now?: Date;
}): Promise<Subscription | undefined> {
  const now = iso(p.now ?? new Date());
  const run = () =>
    p.db.transaction().execute(async (trx) => {
      // The account as stored, not as the caller saw it: proof of the address is checked where it is kept.
      const account = await trx
        .selectFrom('accounts')
        .select(['email', 'email_confirmed_at'])
        .where('user_id', '=', p.userId)
        .executeTakeFirst();
      if (!account) throw new ActionError(404, 'There is no such member.', 'no_member');
      const mine = await subscriptionOfMember(trx, p.userId);
      if (p.frequency === 'off') {
        if (mine && mine.status !== 'unsubscribed') {
          await trx
            .updateTable('digest_subscriptions')
            .set({ status: 'unsubscribed', unsubscribed_at: now, updated_at: now })
            .where('id', '=', mine.id)
            .execute();
        }
        return mine ? subscriptionById(trx, mine.id) : undefined;
      }
      if (!account.email_confirmed_at) {
        throw new ActionError(
          403,
          'Confirm your email address first (Settings sends the link again): digests go only to addresses their owner has confirmed.',
          'email_unconfirmed',
        );
      }
      const values = {
        email: account.email,
        user_id: p.userId,
        frequency: p.frequency,
        queries: json(p.topics.queries),
        categories: json(p.topics.categories),
        status: 'active' as const,
        requested_frequency: null,
        requested_queries: null,
        requested_categories: null,
        requested_at: null,
        unsubscribed_at: null,
        updated_at: now,
      };
      // A visitor's subscription of the same address becomes the member's (the address is proved).
      const visitors = mine ? undefined : await subscriptionByEmail(trx, account.email);
      const existing = mine ?? (visitors && visitors.userId === null ? visitors : undefined);
      if (existing) {
        await trx
          .updateTable('digest_subscriptions')
          .set({ ...values, confirmed_at: existing.confirmedAt ?? now })
          .where('id', '=', existing.id)
          .execute();
        return subscriptionById(trx, existing.id);
      }
      const row = await trx
        .insertInto('digest_subscriptions')
        .values({ ...values, created_at: now, confirmed_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      return subscriptionById(trx, row.id);
    });
  try {
    return await run();
  } catch (e) {
    // Two saves racing to create the row: the second one updates it.
    if (isUniqueViolation(e)) return run();
    throw e;
  }
}

export interface SubscribeProps {
  db: Db;
  secret: string;
  email: string;
  frequency: DigestFrequency;
  topics: Topics;
  mail: MailContext;
  now?: Date;
}

/** A visitor's request: stored as pending and a confirmation link mailed. Says nothing about the address. */
export async function requestSubscription(p: SubscribeProps): Promise<void> {
  const email = address(p.email);
  const nowDate = p.now ?? new Date();
  const now = iso(nowDate);
  const requested = {
    requested_frequency: p.frequency,
    requested_queries: json(p.topics.queries),
    requested_categories: json(p.topics.categories),
    requested_at: now,
    updated_at: now,
  };
  const run = () =>
    p.db.transaction().execute(async (trx) => {
      const existing = await subscriptionByEmail(trx, email);
      let id: number;
      if (existing) {
        id = existing.id;
        await trx.updateTable('digest_subscriptions').set(requested).where('id', '=', id).execute();
      } else {
        const row = await trx
          .insertInto('digest_subscriptions')
          .values({
            email,
            user_id: null,
            frequency: p.frequency,
            queries: json(p.topics.queries),
            categories: json(p.topics.categories),
            status: 'pending',
            ...requested,
            created_at: now,
            confirmed_at: null,
            unsubscribed_at: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        id = row.id;
      }
      const expires = nowDate.getTime() + SUBSCRIPTION_CONFIRM_HOURS * 3600_000;
      const token = confirmToken(p.secret, id, nowDate.getTime(), expires);
      const m = subscriptionConfirmMail(p.mail, {
        token,
        frequency: p.frequency,
        topics: p.topics,
        validHours: SUBSCRIPTION_CONFIRM_HOURS,
      });
      await enqueueMail(trx, { to: email, ...m, kind: 'subscription' }, now);
    });
  try {
    await run();
  } catch (e) {
    if (isUniqueViolation(e)) return run();
    throw e;
  }
}

export type ConfirmCheck =
  | { ok: true; subscription: Subscription; alreadyDone: boolean }
  | { ok: false; reason: 'invalid' | 'expired' | 'replaced' };

/** What a confirmation link would do, without doing it (the GET page shows it). */
export async function checkConfirmation(p: { db: Db; secret: string; token: string; now?: Date }): Promise<ConfirmCheck> {
  const t = readConfirmToken(p.secret, p.token, (p.now ?? new Date()).getTime());
  if (!t.ok) return t;
  const s = await subscriptionById(p.db, t.subscriptionId);
  if (!s) return { ok: false, reason: 'invalid' };
  if (s.requested && Date.parse(s.requested.at) === t.requestedAt) return { ok: true, subscription: s, alreadyDone: false };
  // Used already (the request was applied and cleared) and nothing newer asked since: a second click.
  if (!s.requested && s.status === 'active' && s.confirmedAt && Date.parse(s.confirmedAt) >= t.requestedAt) {
    return { ok: true, subscription: s, alreadyDone: true };
  }
  return { ok: false, reason: 'replaced' };
}

/** Applies the request a confirmation link stands for. */
export async function confirmSubscription(p: { db: Db; secret: string; token: string; now?: Date }): Promise<Subscription> {
  const now = p.now ?? new Date();
  const t = readConfirmToken(p.secret, p.token, now.getTime());
  if (!t.ok) throw deadLink(t.reason);
  return p.db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('digest_subscriptions')
      .set((eb) => ({
        frequency: eb.ref('requested_frequency') as never,
        queries: eb.ref('requested_queries') as never,
        categories: eb.ref('requested_categories') as never,
        status: 'active',
        confirmed_at: iso(now),
        unsubscribed_at: null,
        requested_frequency: null,
        requested_queries: null,
        requested_categories: null,
        requested_at: null,
        updated_at: iso(now),
      }))
      .where('id', '=', t.subscriptionId)
      .where('requested_at', '=', iso(new Date(t.requestedAt)))
      .where('requested_frequency', 'is not', null)
      .executeTakeFirst();
    const s = await subscriptionById(trx, t.subscriptionId);
    if (!s) throw deadLink('invalid');
    if (Number(r.numUpdatedRows) === 1) return s;
    if (!s.requested && s.status === 'active' && s.confirmedAt && Date.parse(s.confirmedAt) >= t.requestedAt) return s;
    throw deadLink('replaced');
  });
}

/** Why a confirmation link does not work, for the person who followed it. */
export function deadLinkText(reason: 'invalid' | 'expired' | 'replaced'): string {
  return {
    invalid: 'This confirmation link is not valid (it may have been cut short by your mail program).',
    expired: `This confirmation link has expired: links work for ${SUBSCRIPTION_CONFIRM_HOURS} hours. Subscribe again to get a new one.`,
    replaced: 'A newer confirmation link was sent for this address since: use the latest one.',
  }[reason];
}

function deadLink(reason: 'invalid' | 'expired' | 'replaced'): ActionError {
  return new ActionError(400, deadLinkText(reason), `link_${reason}`);
}

/** Unsubscribes (idempotent) and cancels this subscriber's digests not sent yet. */
export async function unsubscribe(p: { db: Db; subscriptionId: number; now?: Date }): Promise<Subscription | undefined> {
  const now = iso(p.now ?? new Date());
  return p.db.transaction().execute(async (trx) => {
    const s = await subscriptionById(trx, p.subscriptionId);
    if (!s) return undefined;
    if (s.status !== 'unsubscribed') {
      await trx
        .updateTable('digest_subscriptions')
        .set({ status: 'unsubscribed', unsubscribed_at: now, updated_at: now, requested_at: null, requested_frequency: null })
        .where('id', '=', s.id)
        .execute();
    }
    await trx
      .updateTable('outbox')
      .set({ status: 'cancelled', last_error: 'unsubscribed before it was sent', locked_until: null })
      .where('status', '=', 'pending')
      .where('id', 'in', (eb) =>
        eb.selectFrom('digest_deliveries').select('outbox_id').where('subscription_id', '=', s.id).where('outbox_id', 'is not', null),
      )
      .execute();
    return subscriptionById(trx, s.id);
  });
}
