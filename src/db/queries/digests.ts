// Digest subscriptions and deliveries: reading them, and the batch of subscribers a composer takes next.
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { DigestFrequency, Topics } from '../../domain/digest.ts';
import type { Database, SubscriptionStatus } from '../schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface Subscription {
  id: number;
  email: string;
  userId: number | null;
  frequency: DigestFrequency;
  topics: Topics;
  status: SubscriptionStatus;
  requested: { frequency: DigestFrequency; topics: Topics; at: string } | null;
  createdAt: string;
  confirmedAt: string | null;
  unsubscribedAt: string | null;
}

function list(json: string | null): string[] {
  if (!json) return [];
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function toSubscription(r: Selectable<Database['digest_subscriptions']>): Subscription {
  return {
    id: r.id,
    email: r.email,
    userId: r.user_id,
    frequency: r.frequency,
    topics: { queries: list(r.queries), categories: list(r.categories) },
    status: r.status,
    requested:
      r.requested_at && r.requested_frequency
        ? {
            frequency: r.requested_frequency,
            topics: { queries: list(r.requested_queries), categories: list(r.requested_categories) },
            at: r.requested_at,
          }
        : null,
    createdAt: r.created_at,
    confirmedAt: r.confirmed_at,
    unsubscribedAt: r.unsubscribed_at,
  };
}

export async function subscriptionById(db: Db, id: number): Promise<Subscription | undefined> {
  const r = await db.selectFrom('digest_subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toSubscription(r) : undefined;
}

export async function subscriptionByEmail(db: Db, email: string): Promise<Subscription | undefined> {
  const r = await db.selectFrom('digest_subscriptions').selectAll().where('email', '=', email).executeTakeFirst();
  return r ? toSubscription(r) : undefined;
}

export async function subscriptionOfMember(db: Db, userId: number): Promise<Subscription | undefined> {
  const r = await db.selectFrom('digest_subscriptions').selectAll().where('user_id', '=', userId).executeTakeFirst();
  return r ? toSubscription(r) : undefined;
}

/** A subscriber as the composer sees them: the address to use (a member's account address) and a name. */
export interface Recipient {
  id: number;
  email: string;
  name: string | null;
  isMember: boolean;
  topics: Topics;
}

/**
 * The next active subscribers of a frequency (by id, after `afterId`) who have no delivery for the
 * period yet and may be mailed: not a suppressed address; a member's account confirmed and not suspended.
 */
export async function nextRecipients(
  db: Db,
  o: { frequency: DigestFrequency; period: string; afterId: number; limit: number; email?: string },
): Promise<{ recipients: Recipient[]; lastId: number | null }> {
  let q = db
    .selectFrom('digest_subscriptions as s')
    .leftJoin('accounts as a', 'a.user_id', 's.user_id')
    .leftJoin('users as u', 'u.id', 's.user_id')
    .select([
      's.id',
      's.email',
      's.user_id',
      's.queries',
      's.categories',
      'a.email as account_email',
      'a.email_confirmed_at',
      'a.suspended_at',
      'u.fullname',
    ])
    .select(({ exists, selectFrom }) => [
      exists(
        selectFrom('digest_deliveries as d').select('d.period').whereRef('d.subscription_id', '=', 's.id').where('d.period', '=', o.period),
      ).as('done'),
    ])
    .where('s.status', '=', 'active')
    .where('s.frequency', '=', o.frequency)
    .where('s.id', '>', o.afterId)
    .orderBy('s.id')
    .limit(o.limit);
  if (o.email) q = q.where('s.email', '=', o.email);
  const rows = await q.execute();
  const lastId = rows.length ? (rows[rows.length - 1]?.id ?? null) : null;
  const candidates = rows.filter(
    (r) => !Number(r.done) && (r.user_id === null || (r.email_confirmed_at !== null && r.suspended_at === null)),
  );
  const emails = candidates.map((r) => r.account_email ?? r.email);
  const suppressed = new Set(
    emails.length
      ? (
          await db
            .selectFrom('mail_addresses')
            .select('email')
            .where('email', 'in', [...new Set(emails)])
            .where('suppressed_at', 'is not', null)
            .execute()
        ).map((r) => r.email)
      : [],
  );
  const recipients = candidates
    .map((r) => ({
      id: r.id,
      email: r.account_email ?? r.email,
      name: r.fullname,
      isMember: r.user_id !== null,
      topics: { queries: list(r.queries), categories: list(r.categories) },
    }))
    .filter((r) => !suppressed.has(r.email));
  return { recipients, lastId };
}

export async function countDeliveries(db: Db, period: string): Promise<{ deliveries: number; mails: number }> {
  const r = await db
    .selectFrom('digest_deliveries')
    .select([sql<number>`count(*)`.as('n'), sql<number>`count(outbox_id)`.as('m')])
    .where('period', '=', period)
    .executeTakeFirstOrThrow();
  return { deliveries: Number(r.n), mails: Number(r.m) };
}

export async function subscriptionCounts(db: Db): Promise<{ status: string; frequency: string; n: number }[]> {
  const rows = await db
    .selectFrom('digest_subscriptions')
    .select(['status', 'frequency', sql<number>`count(*)`.as('n')])
    .groupBy(['status', 'frequency'])
    .execute();
  return rows.map((r) => ({ status: r.status, frequency: r.frequency, n: Number(r.n) }));
}

/** The site's secret key (made by migration 0004): it signs the links in mails. */
export async function siteSecret(db: Db): Promise<string> {
  const r = await db.selectFrom('meta').select('value').where('key', '=', 'secret_key').executeTakeFirstOrThrow();
  return r.value;
}

/** The latest day before `day` whose list has a visible paper: what a daily digest run covers. */
export async function previousListDay(db: Db, day: string): Promise<string | undefined> {
  const r = await db
    .selectFrom('daily_entries as e')
    .innerJoin('papers as p', 'p.id', 'e.paper_id')
    .select(({ fn }) => fn.max('e.day').as('day'))
    .where('e.hidden', '=', 0)
    .where('p.hidden', '=', 0)
    .where('e.day', '<', day)
    .executeTakeFirst();
  return r?.day ?? undefined;
}
