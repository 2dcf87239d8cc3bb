// Which jobs exist and when they run, built from the settings. Features add their handler and, when
// scheduled, their schedule entry here.

import { harvestArxiv, summaryLine as harvestSummary, nextFromDay, unfinishedHarvest } from '../actions/harvest-arxiv.ts';
import { type Config, trendingParams } from '../config.ts';
import type { Store } from '../db/connection.ts';
import { recomputeTrending } from '../db/queries/trending.ts';
import { MAIL_SEND_JOB } from '../email/outbox.ts';
import { enqueueOnce, REBUILD_JOB, runRebuildProcess, runUpdateJob, SEARCH_UPDATE_CRON, UPDATE_JOB } from '../search/jobs.ts';
import { DIGEST_COMPOSE_JOB, digestHandlers, digestScheduleEntries } from './digest-jobs.ts';
import { checkCron, type ScheduleEntry, Scheduler } from './schedule.ts';
import { type JobHandler, type Logger, POLL_MS, Worker } from './worker.ts';

export type HandlerFactory = (config: Config, store: Store) => Record<string, JobHandler>;

/** Job kinds and their handlers; each feature registers its own. */
const handlerFactories: HandlerFactory[] = [
  (config, store) => ({
    'recompute-trending': async () => {
      await recomputeTrending(store.db, trendingParams(config), new Date().toISOString());
    },
    'harvest-arxiv': async (payload, ctx) => {
      const sets = (payload as { sets?: unknown }).sets;
      if (!Array.isArray(sets) || !sets.every((s) => typeof s === 'string'))
        throw new Error('harvest-arxiv: payload.sets must be a list of set names');
      for (const set of sets as string[]) {
        // An interrupted run of this set goes first, so that the corpus has no gap.
        const resume = await unfinishedHarvest(store.db, set);
        const from = resume ? undefined : await nextFromDay(store.db, set);
        const t = await harvestArxiv(
          store.db,
          {
            endpoint: config.arxivOaiUrl,
            set,
            ...(from ? { from } : {}),
            metadataPrefix: 'arXiv',
            delayMs: Math.round(config.arxivDelay * 1000),
            signal: ctx.signal,
          },
          resume,
        );
        ctx.log(`set ${set}: ${harvestSummary(t)}`);
      }
      // New papers join meaning search at once (or a rebuild is queued when the corpus grew enough).
      await enqueueOnce(store.db, UPDATE_JOB);
    },
  }),
  (config, store) => ({
    [REBUILD_JOB]: async (_payload, ctx) => runRebuildProcess(config, ctx),
    [UPDATE_JOB]: async (_payload, ctx) => runUpdateJob(config, store, ctx),
  }),
  digestHandlers,
];

export function registerHandlers(factory: HandlerFactory): void {
  handlerFactories.push(factory);
}

export function jobHandlers(config: Config, store: Store): Record<string, JobHandler> {
  return Object.assign({}, ...handlerFactories.map((f) => f(config, store)));
}

export function scheduleEntries(config: Config): ScheduleEntry[] {
  const entries: ScheduleEntry[] = [];
  if (config.arxivSets.length) {
    entries.push({
      name: 'harvest-arxiv',
      cron: config.harvestCron,
      timezone: config.timezone,
      kind: 'harvest-arxiv',
      payload: { sets: config.arxivSets },
    });
  }
  entries.push({
    name: 'recompute-trending',
    cron: config.trendingCron,
    timezone: config.timezone,
    kind: 'recompute-trending',
    payload: {},
  });
  entries.push(
    { name: REBUILD_JOB, cron: config.searchIndexCron, timezone: config.timezone, kind: REBUILD_JOB, payload: {} },
    { name: UPDATE_JOB, cron: SEARCH_UPDATE_CRON, timezone: config.timezone, kind: UPDATE_JOB, payload: {} },
  );
  entries.push(...digestScheduleEntries(config));
  for (const e of entries) checkCron(e.cron, e.timezone);
  return entries;
}

/**
 * Job kinds with a loop of their own in every worker: digests are composed and mail goes out on time
 * while a long job (a harvest, a search index build) holds the main loop.
 */
export const QUICK_LANE: readonly string[] = [DIGEST_COMPOSE_JOB, MAIL_SEND_JOB];

export function buildWorker(config: Config, store: Store, log: Logger): Worker {
  const handlers = jobHandlers(config, store);
  // Only schedule what some handler can run: a schedule without a handler would pile up jobs.
  const entries = scheduleEntries(config).filter((e) => e.kind in handlers);
  return new Worker(store.db, handlers, new Scheduler(store.db, entries), log, POLL_MS, config.jobLeaseSeconds * 1000, QUICK_LANE);
}
