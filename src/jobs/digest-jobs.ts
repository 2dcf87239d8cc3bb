// The digest's jobs and their schedule:
// - `digest-compose` at FOLIO_DIGEST_TIME in FOLIO_TIMEZONE (daily: Monday to Friday, weekly: Mondays)
//   queues the period's digests (actions/compose-digests.ts) and wakes a sender;
// - `mail-send` delivers what the outbox holds (email/sender.ts). It is queued with every mail, after a
//   compose, for the next retry, and swept every MAIL_SWEEP_CRON as a safety net.
// The period comes from the job's due time, not from the clock: a run retried later still covers the
// period it was scheduled for, and its unique key makes it one run however many workers tick.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { composeDigests } from '../actions/compose-digests.ts';
import type { Config } from '../config.ts';
import type { Store } from '../db/connection.ts';
import { previousListDay } from '../db/queries/digests.ts';
import {
  type DigestFrequency,
  type DigestPeriod,
  digestCron,
  digestPeriod,
  isFrequency,
  localDay,
  previousWeekKey,
} from '../domain/digest.ts';
import { MAIL_SEND_JOB } from '../email/outbox.ts';
import { purgeOutbox, sendDueMails, wakeForNextDue } from '../email/sender.ts';
import { transportFor } from '../email/transport.ts';
import type { ScheduleEntry } from './schedule.ts';
import type { JobHandler } from './worker.ts';

export const DIGEST_COMPOSE_JOB = 'digest-compose';
/** The sender also runs on this schedule, in case a wake-up was lost (a process killed at the wrong time). */
export const MAIL_SWEEP_CRON = '*/10 * * * *';

/** The period a scheduled run covers (see domain/digest.ts for the rule); undefined: no list yet. */
export async function scheduledPeriod(
  store: Store,
  frequency: DigestFrequency,
  due: Date,
  timezone: string,
): Promise<DigestPeriod | undefined> {
  const today = localDay(due, timezone);
  if (frequency === 'weekly') return digestPeriod('weekly', previousWeekKey(today)) ?? undefined;
  const day = await previousListDay(store.db, today);
  return day ? (digestPeriod('daily', day) ?? undefined) : undefined;
}

export function senderId(tag: string): string {
  return `${hostname()}:${process.pid}:${tag}:${randomUUID().slice(0, 8)}`;
}

export function digestHandlers(config: Config, store: Store): Record<string, JobHandler> {
  return {
    [DIGEST_COMPOSE_JOB]: async (payload, ctx, job) => {
      const frequency = (payload as { frequency?: unknown }).frequency;
      if (!isFrequency(frequency)) throw new Error('digest-compose: payload.frequency must be daily or weekly');
      const period = await scheduledPeriod(store, frequency, new Date(job.due_at), config.timezone);
      if (!period) {
        ctx.log(`${frequency} digest: no list day before ${localDay(new Date(job.due_at), config.timezone)}; nothing to send`);
        return;
      }
      const r = await composeDigests({ db: store.db, config, period, wakeKey: `compose:${job.id}:${job.attempts}` });
      ctx.log(`${period.id}: ${r.queued} digests queued, ${r.empty} without matching papers, ${r.papers} papers in the period`);
      const purged = await purgeOutbox(store.db);
      if (purged) ctx.log(`outbox: ${purged} old mails purged`);
    },
    [MAIL_SEND_JOB]: async (_payload, ctx, job) => {
      const transport = transportFor(config);
      try {
        const r = await sendDueMails({ db: store.db, config, transport, worker: senderId(`job${job.id}`), signal: ctx.signal });
        if (r.sent + r.retry + r.bounced + r.failed + r.suppressed > 0) {
          ctx.log(
            `mail: ${r.sent} sent (${transport.via}), ${r.retry} to retry, ${r.bounced} bounced, ${r.failed} failed, ${r.suppressed} suppressed${r.halted ? `; stopped: ${r.halted}` : ''}`,
          );
        }
      } finally {
        transport.close();
      }
      await wakeForNextDue(store.db);
    },
  };
}

export function digestScheduleEntries(config: Config): ScheduleEntry[] {
  const entries: ScheduleEntry[] = [
    { name: 'mail-sweep', cron: MAIL_SWEEP_CRON, timezone: config.timezone, kind: MAIL_SEND_JOB, payload: {} },
  ];
  if (config.digestTime !== 'off') {
    for (const frequency of ['daily', 'weekly'] as const) {
      entries.push({
        name: `digest-${frequency}`,
        cron: digestCron(config.digestTime, frequency),
        timezone: config.timezone,
        kind: DIGEST_COMPOSE_JOB,
        payload: { frequency },
      });
    }
  }
  return entries;
}
