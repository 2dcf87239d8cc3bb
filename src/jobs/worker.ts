// The worker: ticks the schedule, claims due jobs one at a time, keeps their lease alive while they
// run, and records success or failure (with backoff) in the queue.
// Jobs run in lanes: the kinds named in `quickLane` (mail delivery) have a loop of their own, so that
// a digest never waits behind a long job (a search index rebuild, a harvest) in the main loop.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { jobDuration, jobsFinished } from '../observability/metrics.ts';
import { claimNext, complete, fail, heartbeat, type Job, LEASE_MS, release } from './queue.ts';
import type { Scheduler } from './schedule.ts';

/** How often an idle worker looks for due jobs. */
export const POLL_MS = 1000;
/** Heartbeats come well within the lease (a third of it), so a busy machine never loses a live job. */
const HEARTBEATS_PER_LEASE = 3;

export interface JobContext {
  signal: AbortSignal;
  log: (msg: string) => void;
}

export type JobHandler = (payload: unknown, ctx: JobContext, job: Job) => Promise<void>;

export interface Logger {
  info(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

export class Worker {
  readonly id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly handlers: Record<string, JobHandler>,
    private readonly scheduler: Scheduler | undefined,
    private readonly log: Logger,
    private readonly pollMs = POLL_MS,
    private readonly leaseMs = LEASE_MS,
    /** Kinds run by a loop of their own, beside the main loop that runs every other kind. */
    private readonly quickLane: readonly string[] = [],
  ) {}

  async start(): Promise<void> {
    await this.scheduler?.start();
    const all = Object.keys(this.handlers);
    const quick = this.quickLane.filter((k) => all.includes(k));
    const main = all.filter((k) => !quick.includes(k));
    const loops = [this.run(main, true)];
    if (quick.length) loops.push(this.run(quick, false));
    this.loop = Promise.all(loops).then(() => undefined);
  }

  /** Asks the running job to stop and waits for the loop to end. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    await this.loop;
  }

  /**
   * Runs one due job of `kinds` (default: any it has a handler for) if there is one; returns it (used
   * by the loops, tests and `folio jobs run`).
   */
  async runOnce(kinds: readonly string[] = Object.keys(this.handlers)): Promise<Job | undefined> {
    if (!kinds.length) return undefined;
    const job = await claimNext(this.db, this.id, [...kinds], new Date(), this.leaseMs);
    if (!job) return undefined;
    const handler = this.handlers[job.kind] as JobHandler;
    const beat = setInterval(() => {
      heartbeat(this.db, job.id, this.id, this.leaseMs).catch((err: unknown) => this.log.error({ err, job: job.id }, 'heartbeat failed'));
    }, this.leaseMs / HEARTBEATS_PER_LEASE);
    const started = Date.now();
    try {
      let payload: unknown = {};
      try {
        payload = JSON.parse(job.payload);
      } catch {
        throw new Error('job payload is not JSON');
      }
      await handler(payload, { signal: this.abort.signal, log: (msg) => this.log.info({ job: job.id, kind: job.kind }, msg) }, job);
      await complete(this.db, job.id, this.id);
      jobsFinished.inc({ kind: job.kind, outcome: 'done' });
      this.log.info({ job: job.id, kind: job.kind, ms: Date.now() - started }, 'job done');
    } catch (err) {
      if (this.stopping) {
        // Interrupted by a shutdown (SIGTERM): not a failure, and not worth a stack at error level.
        await release(this.db, job, this.id);
        this.log.info({ job: job.id, kind: job.kind }, 'job interrupted by shutdown; queued again');
        return job;
      }
      const outcome = await fail(this.db, job, this.id, err instanceof Error ? err.message : String(err));
      jobsFinished.inc({ kind: job.kind, outcome });
      this.log.error({ err, job: job.id, kind: job.kind, attempt: job.attempts, outcome }, 'job failed');
    } finally {
      clearInterval(beat);
      jobDuration.observe({ kind: job.kind }, (Date.now() - started) / 1000);
    }
    return job;
  }

  private async run(kinds: readonly string[], ticks: boolean): Promise<void> {
    while (!this.stopping) {
      try {
        if (ticks) await this.scheduler?.tick();
        if (await this.runOnce(kinds)) continue;
      } catch (err) {
        this.log.error({ err }, 'worker loop error');
      }
      await sleep(this.pollMs, undefined, { signal: this.abort.signal }).catch(() => undefined);
    }
  }
}
