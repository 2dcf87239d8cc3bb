// The mail outbox: every mail Folio sends is first written here, in the transaction of what caused it
// (so a mail is never lost, nor sent for something that did not happen). The sender (email/sender.ts,
// the `mail-send` job) delivers pending rows through SMTP, or, without SMTP, keeps them here for admins
// (/admin/outbox) and writes each as an .eml file in FOLIO_DATA_DIR/outbox.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, OutboxStatus } from '../db/schema.ts';
import { enqueue } from '../jobs/queue.ts';

export interface MailMessage {
  to: string;
  /** The recipient's display name (encoded by the sender; a name with control characters is refused). */
  toName?: string | null;
  subject: string;
  text: string;
  html: string;
  /** Extra headers, such as List-Unsubscribe (only those in address.ts ALLOWED_HEADERS are sent). */
  headers?: Record<string, string>;
  /** digest, account, subscription, test... (default: account). */
  kind?: string;
  /** `<id@domain>`; default: one derived from the row by the sender (the same on every retry). */
  messageId?: string | null;
}

export interface OutboxMail extends MailMessage {
  id: number;
  toName: string | null;
  kind: string;
  status: OutboxStatus;
  messageId: string | null;
  createdAt: string;
  sentAt: string | null;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredVia: string | null;
}

/** The job kind of the sender. */
export const MAIL_SEND_JOB = 'mail-send';

type Db = Kysely<Database> | Transaction<Database>;

/** Wakes a sender for a mail just queued (in the same transaction, so it commits with the mail). */
export async function wakeSender(db: Db, key: string, dueAt = new Date()): Promise<void> {
  await enqueue(db as Kysely<Database>, MAIL_SEND_JOB, {}, { uniqueKey: `${MAIL_SEND_JOB}@${key}`, dueAt });
}

/**
 * Queues a mail. `wake: false` when the caller queues many at once and wakes the sender itself (the
 * digest); otherwise a `mail-send` job is queued with it, so that the mail leaves within seconds.
 */
export async function enqueueMail(db: Db, m: MailMessage, now = new Date().toISOString(), o: { wake?: boolean } = {}): Promise<number> {
  const row = await db
    .insertInto('outbox')
    .values({
      to_addr: m.to,
      to_name: m.toName ?? null,
      subject: m.subject,
      text_body: m.text,
      html_body: m.html,
      headers: JSON.stringify(m.headers ?? {}),
      kind: m.kind ?? 'account',
      status: 'pending',
      message_id: m.messageId ?? null,
      created_at: now,
      next_attempt_at: now,
      attempts: 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (o.wake !== false) await wakeSender(db, `mail:${row.id}`, new Date(now));
  return row.id;
}

export function toMail(r: Selectable<Database['outbox']>): OutboxMail {
  return {
    id: r.id,
    to: r.to_addr,
    toName: r.to_name,
    subject: r.subject,
    text: r.text_body,
    html: r.html_body,
    headers: JSON.parse(r.headers) as Record<string, string>,
    kind: r.kind,
    status: r.status,
    messageId: r.message_id,
    createdAt: r.created_at,
    sentAt: r.sent_at,
    attempts: r.attempts,
    lastError: r.last_error,
    nextAttemptAt: r.next_attempt_at,
    deliveredVia: r.delivered_via,
  };
}

/** Mails not sent yet (waiting, or being sent), oldest first. */
export async function pendingMails(db: Kysely<Database>, limit = 100): Promise<OutboxMail[]> {
  const rows = await db.selectFrom('outbox').selectAll().where('status', 'in', ['pending', 'sending']).orderBy('id').limit(limit).execute();
  return rows.map(toMail);
}

/** The latest mails to one address, newest first (tests read confirmation and reset links here). */
export async function mailsTo(db: Kysely<Database>, to: string, limit = 20): Promise<OutboxMail[]> {
  const rows = await db.selectFrom('outbox').selectAll().where('to_addr', '=', to).orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toMail);
}

export async function getMail(db: Kysely<Database>, id: number): Promise<OutboxMail | undefined> {
  const r = await db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toMail(r) : undefined;
}

export async function markSent(db: Kysely<Database>, id: number, now = new Date().toISOString()): Promise<void> {
  await db.updateTable('outbox').set({ sent_at: now, status: 'sent', locked_until: null }).where('id', '=', id).execute();
}
