// The declarative schedule: which job runs when, as cron expressions in a time zone (croner does the
// calendar arithmetic, daylight saving included). Every worker ticks the schedule; the unique key
// `name@due` makes one job per due time however many workers run.
import { Cron } from 'croner';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { enqueue } from './queue.ts';

export interface ScheduleEntry {
  name: string;
  cron: string;
  timezone: string;
  kind: string;
  payload: unknown;
}

/** After a restart, a run missed within this window is still made (once). */
export const CATCH_UP_MS = 24 * 60 * 60_000;

export class ScheduleError extends Error {}

/** Validates a cron expression and a time zone; throws a ScheduleError saying which is wrong. */
export function checkCron(expr: string, timezone: string): void {
  try {
    Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    throw new ScheduleError(`unknown time zone "${timezone}"`);
  }
  try {
    new Cron(expr, { timezone, paused: true });
  } catch (e) {
    throw new ScheduleError(`bad cron expression "${expr}": ${(e as Error).message}`);
  }
}

export function nextRun(entry: ScheduleEntry, after: Date): Date | null {
  return new Cron(entry.cron, { timezone: entry.timezone, paused: true }).nextRun(after);
}

/** The latest due time in (from, to], or null. */
export function lastDueBetween(entry: ScheduleEntry, from: Date, to: Date): Date | null {
  const cron = new Cron(entry.cron, { timezone: entry.timezone, paused: true });
  let last: Date | null = null;
  let t = cron.nextRun(from);
  while (t && t <= to) {
    last = t;
    t = cron.nextRun(t);
  }
  return last;
}

export function uniqueKey(entry: ScheduleEntry, due: Date): string {
  return `${entry.name}@${due.toISOString()}`;
}

/** Ticks the schedule: enqueues each entry's runs that fell due since the last tick. */
export class Scheduler {
  private next = new Map<string, Date | null>();
  constructor(
    private readonly db: Kysely<Database>,
    readonly entries: ScheduleEntry[],
  ) {}

  /** On start: enqueue the latest run missed within the catch-up window, then wait for the next ones. */
  async start(now = new Date()): Promise<void> {
    for (const e of this.entries) {
      const missed = lastDueBetween(e, new Date(now.getTime() - CATCH_UP_MS), now);
      if (missed) await enqueue(this.db, e.kind, e.payload, { dueAt: missed, uniqueKey: uniqueKey(e, missed) });
      this.next.set(e.name, nextRun(e, now));
    }
  }

  async tick(now = new Date()): Promise<number> {
    let added = 0;
    for (const e of this.entries) {
      const due = this.next.get(e.name);
      if (!due || due > now) continue;
      if ((await enqueue(this.db, e.kind, e.payload, { dueAt: due, uniqueKey: uniqueKey(e, due) })) !== null) added++;
      this.next.set(e.name, nextRun(e, now));
    }
    return added;
  }

  upcoming(): { name: string; cron: string; timezone: string; next: Date | null }[] {
    return this.entries.map((e) => ({
      name: e.name,
      cron: e.cron,
      timezone: e.timezone,
      next: this.next.get(e.name) ?? nextRun(e, new Date()),
    }));
  }
}
