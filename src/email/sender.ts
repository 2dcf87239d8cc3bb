// The sender: claims due mails from the outbox with a lease, sends them, and records what happened.
//
// - Claims are one statement (`UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED)` on PostgreSQL,
//   a single writer on SQLite), so two senders never hold the same mail. A sender that dies lets its
//   lease (FOLIO_MAIL_LEASE_SECONDS) run out; another then takes its mails over.
// - Each mail is marked sent in its own statement the moment the server accepted it. That leaves one
//   window no sender can close: the server said 250 and the process died before that statement
//   committed. Such a mail is sent again after the lease, with the same Message-ID (so the receiving
//   side can drop the copy). Nothing else can cause a second copy, and nothing is ever skipped.
// - Before each send the sender makes sure its lease still has room for a whole SMTP conversation,
//   renewing it when not, so a slow run never lets another sender take a mail that is in flight.
// - Temporary failures (4xx, connection refused) retry with backoff; permanent refusals of a recipient
//   (5xx at RCPT TO) bounce: the address is counted and, after FOLIO_MAIL_BOUNCE_LIMIT in a row, no
//   longer mailed (see transport.ts for how errors are read).
import type { Kysely, Selectable } from 'kysely';
import type { Config } from '../config.ts';
import { isPostgres } from '../db/queries/locks.ts';
import type { Database } from '../db/schema.ts';
import { digestMessages } from '../observability/metrics.ts';
import { MailAddressError, type Mailbox, senderDomain, senderMailbox } from './address.ts';
import { type OutboxMail, toMail, wakeSender } from './outbox.ts';
import {
  buildMessage,
  classifySendError,
  errorLine,
  SMTP_CONNECTION_TIMEOUT_MS,
  SMTP_SOCKET_TIMEOUT_MS,
  type Transport,
} from './transport.ts';

/** First retry of a temporary failure after this long, doubling up to MAIL_MAX_BACKOFF_MS. */
export const MAIL_BASE_BACKOFF_MS = 60_000;
export const MAIL_MAX_BACKOFF_MS = 2 * 60 * 60_000;
/**
 * The lease is renewed before a send when less than this is left: one SMTP conversation at its slowest
 * (with the default lease of 120 s, every 30 s; with a lease shorter than this, before every send).
 */
export const LEASE_GUARD_MS = SMTP_CONNECTION_TIMEOUT_MS + SMTP_SOCKET_TIMEOUT_MS;
/** Sent and given-up mails are deleted after this many days (the outbox holds whole bodies). */
export const OUTBOX_KEEP_DAYS = 30;
/** Mails claimed per statement, per connection. */
const CLAIM_PER_CONNECTION = 25;

export function mailBackoffMs(attempts: number): number {
  return Math.min(MAIL_MAX_BACKOFF_MS, MAIL_BASE_BACKOFF_MS * 2 ** Math.max(0, attempts - 1));
}

export type MailOutcome = 'sent' | 'retry' | 'bounced' | 'failed' | 'suppressed' | 'lost';

export interface SendReport {
  sent: number;
  retry: number;
  bounced: number;
  failed: number;
  suppressed: number;
  /** Why the run stopped early (the server is unreachable, our credentials are refused...). */
  halted?: string;
}

export interface SenderOptions {
  db: Kysely<Database>;
  config: Pick<
    Config,
    'mailFrom' | 'siteName' | 'baseUrl' | 'mailMaxAttempts' | 'mailBounceLimit' | 'mailLeaseSeconds' | 'smtpConnections'
  >;
  transport: Transport;
  /** Who holds the leases (unique per process and run). */
  worker: string;
  now?: () => Date;
  signal?: AbortSignal;
  /** Called after each mail (the CLI prints a line). */
  onMail?: (mail: OutboxMail, outcome: MailOutcome, detail?: string) => void;
  /** Only mails of these kinds (default: all). */
  kinds?: string[];
}

const iso = (d: Date) => d.toISOString();

/** Claims up to `limit` due mails (waiting and due, or leased by a sender whose lease ran out). */
export async function claimMails(
  db: Kysely<Database>,
  worker: string,
  limit: number,
  now: Date,
  leaseMs: number,
  kinds?: string[],
): Promise<OutboxMail[]> {
  const nowIso = iso(now);
  let pick = db
    .selectFrom('outbox')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', nowIso)]),
        eb.and([eb('status', '=', 'sending'), eb('locked_until', '<', nowIso)]),
      ]),
    )
    .orderBy('id')
    .limit(limit);
  if (kinds?.length) pick = pick.where('kind', 'in', kinds);
  const rows = await db
    .updateTable('outbox')
    .set({ status: 'sending', locked_by: worker, locked_until: iso(new Date(now.getTime() + leaseMs)) })
    .where('id', 'in', isPostgres(db) ? pick.forUpdate().skipLocked() : pick)
    .returningAll()
    .execute();
  return rows.map((r) => toMail(r as Selectable<Database['outbox']>)).sort((a, b) => a.id - b.id);
}

/** Extends the lease of those of `ids` this sender still holds; returns them. */
async function renewLease(db: Kysely<Database>, worker: string, ids: number[], until: Date): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const rows = await db
    .updateTable('outbox')
    .set({ locked_until: iso(until) })
    .where('id', 'in', ids)
    .where('locked_by', '=', worker)
    .where('status', '=', 'sending')
    .returning('id')
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** Sets the outcome of a mail this sender holds (and only if it still holds it). */
function settle(db: Kysely<Database>, worker: string, id: number) {
  return db.updateTable('outbox').where('id', '=', id).where('locked_by', '=', worker).where('status', '=', 'sending');
}

async function suppressedAmong(db: Kysely<Database>, addresses: string[]): Promise<Map<string, { bounces: number; suppressed: boolean }>> {
  const out = new Map<string, { bounces: number; suppressed: boolean }>();
  if (!addresses.length) return out;
  const rows = await db
    .selectFrom('mail_addresses')
    .select(['email', 'hard_bounces', 'suppressed_at'])
    .where('email', 'in', [...new Set(addresses)])
    .execute();
  for (const r of rows) out.set(r.email, { bounces: r.hard_bounces, suppressed: r.suppressed_at !== null });
  return out;
}

/** Counts a permanent refusal of an address; at the limit the address is suppressed. Returns whether it is. */
export async function recordBounce(db: Kysely<Database>, email: string, error: string, limit: number, now: Date): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('mail_addresses')
      .values({ email, hard_bounces: 1, last_bounce_at: iso(now), last_error: error, suppressed_at: null })
      .onConflict((oc) =>
        oc.column('email').doUpdateSet((eb) => ({
          hard_bounces: eb('mail_addresses.hard_bounces', '+', 1),
          last_bounce_at: iso(now),
          last_error: error,
        })),
      )
      .returning(['hard_bounces', 'suppressed_at'])
      .executeTakeFirstOrThrow();
    if (row.hard_bounces < limit) return false;
    if (row.suppressed_at === null) {
      await trx
        .updateTable('mail_addresses')
        .set({ suppressed_at: iso(now) })
        .where('email', '=', email)
        .execute();
      // Mails already queued for the address are not sent either.
      await trx
        .updateTable('outbox')
        .set({ status: 'suppressed', last_error: 'address suppressed after repeated permanent failures', locked_until: null })
        .where('to_addr', '=', email)
        .where('status', '=', 'pending')
        .execute();
    }
    return true;
  });
}

/** Lets an address be mailed again (an admin's decision, or the member fixed their mailbox). */
export async function clearSuppression(db: Kysely<Database>, email: string): Promise<boolean> {
  const r = await db.deleteFrom('mail_addresses').where('email', '=', email).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

function countDigest(mail: OutboxMail, outcome: 'sent' | 'retry' | 'bounced'): void {
  if (mail.kind === 'digest') digestMessages.inc({ outcome });
}

/** Sends every due mail, batch by batch, until none is due (or the server is unreachable, or aborted). */
export async function sendDueMails(o: SenderOptions): Promise<SendReport> {
  const now = o.now ?? (() => new Date());
  const leaseMs = o.config.mailLeaseSeconds * 1000;
  const sender: Mailbox = senderMailbox(o.config);
  const domain = senderDomain(o.config);
  const report: SendReport = { sent: 0, retry: 0, bounced: 0, failed: 0, suppressed: 0 };
  const concurrency = Math.max(1, o.config.smtpConnections);
  const db = o.db;

  while (!report.halted && !o.signal?.aborted) {
    const claimedAt = now();
    const batch = await claimMails(db, o.worker, concurrency * CLAIM_PER_CONNECTION, claimedAt, leaseMs, o.kinds);
    if (!batch.length) break;
    let leaseUntil = claimedAt.getTime() + leaseMs;
    const held = new Set(batch.map((m) => m.id));
    const addresses = await suppressedAmong(
      db,
      batch.map((m) => m.to),
    );
    let renewing: Promise<void> | undefined;

    /** Makes sure the lease covers one more conversation; false when the mail is no longer ours. */
    const ensureLease = async (id: number): Promise<boolean> => {
      if (now().getTime() + LEASE_GUARD_MS > leaseUntil) {
        renewing ??= (async () => {
          const t = now().getTime();
          const kept = await renewLease(db, o.worker, [...held], new Date(t + leaseMs));
          for (const h of [...held]) if (!kept.has(h)) held.delete(h);
          leaseUntil = t + leaseMs;
        })().finally(() => {
          renewing = undefined;
        });
        await renewing;
      }
      return held.has(id);
    };

    const one = async (mail: OutboxMail): Promise<void> => {
      const t = now();
      const addr = addresses.get(mail.to);
      if (addr?.suppressed) {
        await settle(db, o.worker, mail.id)
          .set({ status: 'suppressed', last_error: 'address suppressed after repeated permanent failures', locked_until: null })
          .execute();
        report.suppressed++;
        o.onMail?.(mail, 'suppressed');
        return;
      }
      let message: ReturnType<typeof buildMessage>;
      try {
        message = buildMessage(mail, sender, domain);
      } catch (e) {
        if (!(e instanceof MailAddressError)) throw e;
        await settle(db, o.worker, mail.id)
          .set({ status: 'failed', last_error: `refused: ${e.message}`, locked_until: null, attempts: mail.attempts + 1 })
          .execute();
        report.failed++;
        o.onMail?.(mail, 'failed', e.message);
        return;
      }
      if (!(await ensureLease(mail.id))) {
        o.onMail?.(mail, 'lost');
        return;
      }
      try {
        await o.transport.send(message, mail);
      } catch (err) {
        held.delete(mail.id);
        await failed(mail, err, t);
        return;
      }
      held.delete(mail.id);
      // The unavoidable window is between the server's 250 and this statement: kept to one UPDATE.
      await settle(db, o.worker, mail.id)
        .set({
          status: 'sent',
          sent_at: iso(now()),
          delivered_via: o.transport.via,
          attempts: mail.attempts + 1,
          last_error: null,
          locked_until: null,
        })
        .execute();
      if (addr && addr.bounces > 0) await db.updateTable('mail_addresses').set({ hard_bounces: 0 }).where('email', '=', mail.to).execute();
      report.sent++;
      countDigest(mail, 'sent');
      o.onMail?.(mail, 'sent');
    };

    const failed = async (mail: OutboxMail, err: unknown, t: Date): Promise<void> => {
      const outcome = classifySendError(err);
      const line = errorLine(err);
      const attempts = mail.attempts + 1;
      if (outcome === 'bounce') {
        await settle(db, o.worker, mail.id).set({ status: 'bounced', last_error: line, locked_until: null, attempts }).execute();
        const suppressed = await recordBounce(db, mail.to, line, o.config.mailBounceLimit, t);
        // Later mails of this batch to the same address are not tried once it is suppressed.
        addresses.set(mail.to, { bounces: (addresses.get(mail.to)?.bounces ?? 0) + 1, suppressed });
        report.bounced++;
        countDigest(mail, 'bounced');
        o.onMail?.(mail, 'bounced', line);
        return;
      }
      if (outcome === 'reject' || attempts >= o.config.mailMaxAttempts) {
        await settle(db, o.worker, mail.id).set({ status: 'failed', last_error: line, locked_until: null, attempts }).execute();
        report.failed++;
        o.onMail?.(mail, 'failed', line);
        return;
      }
      await settle(db, o.worker, mail.id)
        .set({
          status: 'pending',
          last_error: line,
          locked_until: null,
          attempts,
          next_attempt_at: iso(new Date(t.getTime() + mailBackoffMs(attempts))),
        })
        .execute();
      report.retry++;
      countDigest(mail, 'retry');
      o.onMail?.(mail, 'retry', line);
      if (outcome === 'halt') report.halted ??= line;
    };

    // A small pool: `concurrency` sends in flight, as many as the transport has connections.
    const queue = [...batch];
    const lanes = Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let m = queue.shift(); m; m = queue.shift()) {
        if (report.halted || o.signal?.aborted) {
          queue.unshift(m);
          return;
        }
        await one(m);
      }
    });
    await Promise.all(lanes);
    if (queue.length) {
      // Stopped early: hand the untried mails back (no attempt counted), due when the failed one is.
      const retryAt = report.halted ? new Date(now().getTime() + MAIL_BASE_BACKOFF_MS) : now();
      await db
        .updateTable('outbox')
        .set({ status: 'pending', locked_by: null, locked_until: null, next_attempt_at: iso(retryAt) })
        .where(
          'id',
          'in',
          queue.map((m) => m.id),
        )
        .where('locked_by', '=', o.worker)
        .where('status', '=', 'sending')
        .execute();
    }
  }
  return report;
}

/** When the next mail falls due (a retry, or a lease that runs out), if any mail waits. */
export async function nextMailDue(db: Kysely<Database>, now = new Date()): Promise<Date | undefined> {
  const retry = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.min('next_attempt_at').as('t'))
    .where('status', '=', 'pending')
    .executeTakeFirst();
  const lease = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.min('locked_until').as('t'))
    .where('status', '=', 'sending')
    .executeTakeFirst();
  const times = [retry?.t, lease?.t].filter((t): t is string => typeof t === 'string').map((t) => Math.max(Date.parse(t), now.getTime()));
  return times.length ? new Date(Math.min(...times)) : undefined;
}

/** Queues a sender job for when the next mail falls due, so retries happen without waiting for a sweep. */
export async function wakeForNextDue(db: Kysely<Database>, now = new Date()): Promise<Date | undefined> {
  const due = await nextMailDue(db, now);
  if (due) await wakeSender(db, `due:${due.toISOString()}`, due);
  return due;
}

/** Deletes final mails (sent, failed, bounced, suppressed, cancelled) older than OUTBOX_KEEP_DAYS. */
export async function purgeOutbox(db: Kysely<Database>, now = new Date()): Promise<number> {
  const cutoff = iso(new Date(now.getTime() - OUTBOX_KEEP_DAYS * 86_400_000));
  const r = await db
    .deleteFrom('outbox')
    .where('created_at', '<', cutoff)
    .where('status', 'in', ['sent', 'failed', 'bounced', 'suppressed', 'cancelled'])
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
