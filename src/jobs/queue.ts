// The queue in the database. A job is claimed by one worker through a lease (`locked_until`): a worker
// that dies lets its lease run out and another worker takes the job over. Failures are retried with
// exponential backoff until `max_attempts`.
import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { Database, JobsTable } from '../db/schema.ts';

export const DEFAULT_MAX_ATTEMPTS = 5;
/** First retry after this long, doubling each time up to MAX_BACKOFF_MS. */
export const BASE_BACKOFF_MS = 30_000;
export const MAX_BACKOFF_MS = 60 * 60_000;
/** How long a claim holds without a heartbeat (default; FOLIO_JOB_LEASE_SECONDS); long jobs renew it. */
export const LEASE_MS = 5 * 60_000;
/**
 * The due time of a job that must run before everything else queued (the queue runs the earliest due
 * job first): the first search index build of an instance.
 */
export const FRONT_OF_QUEUE = new Date(0);

/** How a job's due time reads to a person: "first" for a job put at the front of the queue. */
export function dueText(dueAt: string): string {
  return Date.parse(dueAt) === FRONT_OF_QUEUE.getTime() ? 'first' : dueAt;
}

export type Job = Omit<JobsTable, 'id'> & { id: number };

export interface EnqueueOptions {
  dueAt?: Date;
  uniqueKey?: string;
  maxAttempts?: number;
}

export function backoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.max(0, attempts - 1));
}

/** Adds a job; with a unique key that is already queued or done, adds nothing and returns null. */
export async function enqueue(db: Kysely<Database>, kind: string, payload: unknown, opts: EnqueueOptions = {}): Promise<number | null> {
  const now = new Date().toISOString();
  const row = await db
    .insertInto('jobs')
    .values({
      kind,
      payload: JSON.stringify(payload ?? {}),
      unique_key: opts.uniqueKey ?? null,
      state: 'queued',
      due_at: (opts.dueAt ?? new Date()).toISOString(),
      attempts: 0,
      max_attempts: opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      created_at: now,
    })
    .onConflict((oc) => oc.column('unique_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

/**
 * Claims the next due job (or one whose lease ran out) for `worker`. One statement, so two workers can
 * never claim the same job: SQLite serialises writers; PostgreSQL's version skips rows locked by
 * another claim.
 */
export async function claimNext(
  db: Kysely<Database>,
  worker: string,
  kinds: string[],
  now = new Date(),
  leaseMs = LEASE_MS,
): Promise<Job | undefined> {
  if (!kinds.length) return undefined;
  const nowIso = now.toISOString();
  const until = new Date(now.getTime() + leaseMs).toISOString();
  const pick = db
    .selectFrom('jobs')
    .select('id')
    .where('kind', 'in', kinds)
    .where((eb) =>
      eb.or([
        eb.and([eb('state', '=', 'queued'), eb('due_at', '<=', nowIso)]),
        eb.and([eb('state', '=', 'running'), eb('locked_until', '<', nowIso)]),
      ]),
    )
    .orderBy('due_at')
    .orderBy('id')
    .limit(1);
  const claimed = await db
    .updateTable('jobs')
    .set((eb) => ({
      state: 'running',
      locked_by: worker,
      locked_until: until,
      attempts: eb('attempts', '+', 1),
      started_at: nowIso,
    }))
    // PostgreSQL: lock the picked row and skip rows other claims hold, so workers never wait on each other.
    .where('id', '=', db.getExecutor().adapter instanceof PostgresAdapter ? pick.forUpdate().skipLocked() : pick)
    .returningAll()
    .executeTakeFirst();
  return claimed as Job | undefined;
}

/** Extends the lease of a running job; false when the job is no longer ours (taken over or finished). */
export async function heartbeat(db: Kysely<Database>, id: number, worker: string, leaseMs = LEASE_MS): Promise<boolean> {
  const r = await db
    .updateTable('jobs')
    .set({ locked_until: new Date(Date.now() + leaseMs).toISOString() })
    .where('id', '=', id)
    .where('locked_by', '=', worker)
    .where('state', '=', 'running')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function complete(db: Kysely<Database>, id: number, worker: string): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ state: 'done', finished_at: new Date().toISOString(), locked_until: null, last_error: null })
    .where('id', '=', id)
    .where('locked_by', '=', worker)
    .execute();
}

export async function fail(db: Kysely<Database>, job: Job, worker: string, error: string): Promise<'retry' | 'failed'> {
  const giveUp = job.attempts >= job.max_attempts;
  const now = Date.now();
  await db
    .updateTable('jobs')
    .set({
      state: giveUp ? 'failed' : 'queued',
      due_at: giveUp ? job.due_at : new Date(now + backoffMs(job.attempts)).toISOString(),
      last_error: error.slice(0, 4000),
      locked_until: null,
      finished_at: giveUp ? new Date(now).toISOString() : null,
    })
    .where('id', '=', job.id)
    .where('locked_by', '=', worker)
    .execute();
  return giveUp ? 'failed' : 'retry';
}

/**
 * Hands a job back to the queue because this worker is shutting down: due again at once, and the
 * attempt it was on does not count (the job did not fail).
 */
export async function release(db: Kysely<Database>, job: Job, worker: string): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ state: 'queued', due_at: new Date().toISOString(), locked_until: null, attempts: Math.max(0, job.attempts - 1) })
    .where('id', '=', job.id)
    .where('locked_by', '=', worker)
    .execute();
}

export async function recentJobs(db: Kysely<Database>, limit = 20): Promise<Job[]> {
  return (await db.selectFrom('jobs').selectAll().orderBy('id', 'desc').limit(limit).execute()) as Job[];
}

export async function pendingCount(db: Kysely<Database>): Promise<number> {
  const r = await db
    .selectFrom('jobs')
    .select(sql<number>`count(*)`.as('n'))
    .where('state', 'in', ['queued', 'running'])
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
