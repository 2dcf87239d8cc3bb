// The digest and the mail sender: subscriptions (members' and confirmed visitors'), one delivery row per
// subscriber and period (the unique key that makes a digest go out once), addresses that bounce, and the
// outbox grown into a queue (status, retries with backoff, leases for concurrent senders, Message-ID).
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.ts';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const autoId = dialect === 'postgres' ? 'serial' : 'integer';

  // The outbox becomes the sender's queue. `status`: pending -> sending (leased by one sender) -> sent,
  // or back to pending with `next_attempt_at` (temporary failure), or failed / bounced / suppressed /
  // cancelled (final). `message_id` is fixed when the mail is queued, so a retry repeats it.
  await db.schema
    .alterTable('outbox')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('mail'))
    .execute();
  await db.schema
    .alterTable('outbox')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .execute();
  await db.schema.alterTable('outbox').addColumn('to_name', 'text').execute();
  await db.schema.alterTable('outbox').addColumn('message_id', 'text').execute();
  await db.schema.alterTable('outbox').addColumn('next_attempt_at', 'text').execute();
  await db.schema.alterTable('outbox').addColumn('locked_by', 'text').execute();
  await db.schema.alterTable('outbox').addColumn('locked_until', 'text').execute();
  await db.schema.alterTable('outbox').addColumn('delivered_via', 'text').execute();
  await sql`update outbox set status = 'sent', delivered_via = 'outbox' where sent_at is not null`.execute(db);
  await sql`update outbox set next_attempt_at = created_at where next_attempt_at is null`.execute(db);
  await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('outbox_to').on('outbox').columns(['to_addr', 'id']).execute();
  // Old sent and given-up mails are purged by age (see email/sender.ts OUTBOX_KEEP_DAYS).
  await db.schema.createIndex('outbox_created').on('outbox').columns(['created_at']).execute();

  // Addresses the SMTP server refused for good (5xx at RCPT TO): after FOLIO_MAIL_BOUNCE_LIMIT refusals
  // in a row, `suppressed_at` is set and no mail goes there until an admin allows it again.
  await db.schema
    .createTable('mail_addresses')
    .addColumn('email', 'text', (c) => c.primaryKey())
    .addColumn('hard_bounces', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_bounce_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('suppressed_at', 'text')
    .execute();

  await db.schema
    .createTable('digest_subscriptions')
    .addColumn('id', autoId, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    // Lower-cased; one subscription per address (a member's is their account's address).
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'integer', (c) => c.unique().references('users.id').onDelete('cascade'))
    .addColumn('frequency', 'text', (c) => c.notNull())
    .addColumn('queries', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('categories', 'text', (c) => c.notNull().defaultTo('[]'))
    // pending (a visitor who has not confirmed yet), active, unsubscribed.
    .addColumn('status', 'text', (c) => c.notNull())
    // A visitor's request waits here until its confirmation link is used (double opt-in): the link is
    // bound to `requested_at`, so an older link cannot apply a newer request, nor an old one again.
    .addColumn('requested_frequency', 'text')
    .addColumn('requested_queries', 'text')
    .addColumn('requested_categories', 'text')
    .addColumn('requested_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'text')
    .addColumn('unsubscribed_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('digest_subscriptions_active').on('digest_subscriptions').columns(['status', 'frequency', 'id']).execute();

  // One row per subscriber and period, written in the transaction that queues the mail: the primary key
  // is what makes "each subscriber gets each period's digest once" hold across crashes and workers.
  await db.schema
    .createTable('digest_deliveries')
    .addColumn('subscription_id', 'integer', (c) => c.notNull().references('digest_subscriptions.id').onDelete('cascade'))
    .addColumn('period', 'text', (c) => c.notNull())
    // null when nothing matched the subscriber's topics (no mail, but the period is done for them).
    .addColumn('outbox_id', 'integer')
    .addColumn('papers', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('digest_deliveries_pk', ['subscription_id', 'period'])
    .execute();
  await db.schema.createIndex('digest_deliveries_period').on('digest_deliveries').columns(['period']).execute();
  await db.schema.createIndex('digest_deliveries_outbox').on('digest_deliveries').columns(['outbox_id']).execute();
}
