// The mail outbox: every mail Folio sends is first written here, in the transaction of what caused it
// (so a mail is never lost, nor sent for something that did not happen). A sender job delivers the
// pending rows through SMTP when it is configured; until then admins read them in the browser.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Extra headers, such as List-Unsubscribe. */
  headers?: Record<string, string>;
}

export interface OutboxMail extends MailMessage {
  id: number;
  createdAt: string;
  sentAt: string | null;
}

export async function enqueueMail(
  db: Kysely<Database> | Transaction<Database>,
  m: MailMessage,
  now = new Date().toISOString(),
): Promise<number> {
  const row = await db
    .insertInto('outbox')
    .values({
      to_addr: m.to,
      subject: m.subject,
      text_body: m.text,
      html_body: m.html,
      headers: JSON.stringify(m.headers ?? {}),
      created_at: now,
      attempts: 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

function toMail(r: Selectable<Database['outbox']>): OutboxMail {
  return {
    id: r.id,
    to: r.to_addr,
    subject: r.subject,
    text: r.text_body,
    html: r.html_body,
    headers: JSON.parse(r.headers) as Record<string, string>,
    createdAt: r.created_at,
    sentAt: r.sent_at,
  };
}

/** Mails not sent yet, oldest first: what a sender takes. */
export async function pendingMails(db: Kysely<Database>, limit = 100): Promise<OutboxMail[]> {
  const rows = await db.selectFrom('outbox').selectAll().where('sent_at', 'is', null).orderBy('id').limit(limit).execute();
  return rows.map(toMail);
}

/** The latest mails to one address, newest first (tests read confirmation and reset links here). */
export async function mailsTo(db: Kysely<Database>, to: string, limit = 20): Promise<OutboxMail[]> {
  const rows = await db.selectFrom('outbox').selectAll().where('to_addr', '=', to).orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toMail);
}

export async function markSent(db: Kysely<Database>, id: number, now = new Date().toISOString()): Promise<void> {
  await db.updateTable('outbox').set({ sent_at: now }).where('id', '=', id).execute();
}
