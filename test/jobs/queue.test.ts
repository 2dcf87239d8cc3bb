// The queue's promises: one claimant per job, retries with backoff, leases that run out, one job per
// scheduled due time however many schedulers tick.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffMs, claimNext, complete, DEFAULT_MAX_ATTEMPTS, enqueue, fail, LEASE_MS } from '../../src/jobs/queue.ts';
import { checkCron, lastDueBetween, type ScheduleEntry, ScheduleError, Scheduler } from '../../src/jobs/schedule.ts';
import { Worker } from '../../src/jobs/worker.ts';
import { buildStore, type TestStore } from '../support/store.ts';

let t: TestStore;
beforeEach(async () => {
  t = await buildStore();
});
afterEach(async () => t.cleanup());

const quiet = { info() {}, error() {} };

describe('claims', () => {
  it('gives each due job to exactly one of many concurrent claimants', async () => {
    for (let i = 0; i < 30; i++) await enqueue(t.store.db, 'k', { i });
    const claims = await Promise.all(Array.from({ length: 60 }, (_, w) => claimNext(t.store.db, `w${w}`, ['k'])));
    const ids = claims.filter(Boolean).map((j) => j?.id);
    expect(ids.length).toBe(30);
    expect(new Set(ids).size).toBe(30);
  });

  it('does not hand out jobs before they are due, nor kinds the worker cannot run', async () => {
    await enqueue(t.store.db, 'k', {}, { dueAt: new Date(Date.now() + 60_000) });
    await enqueue(t.store.db, 'other', {});
    expect(await claimNext(t.store.db, 'w', ['k'])).toBeUndefined();
  });

  it('lets another worker take a job over once its lease ran out', async () => {
    await enqueue(t.store.db, 'k', {});
    const first = await claimNext(t.store.db, 'dead-worker', ['k']);
    expect(first).toBeDefined();
    expect(await claimNext(t.store.db, 'w2', ['k'])).toBeUndefined();
    const later = new Date(Date.now() + LEASE_MS + 1000);
    const taken = await claimNext(t.store.db, 'w2', ['k'], later);
    expect(taken?.id).toBe(first?.id);
    expect(taken?.attempts).toBe(2);
    await complete(t.store.db, taken?.id as number, 'dead-worker'); // the old owner can no longer finish it
    const row = await t.store.db
      .selectFrom('jobs')
      .selectAll()
      .where('id', '=', first?.id as number)
      .executeTakeFirstOrThrow();
    expect(row.state).toBe('running');
  });
});

describe('failures', () => {
  it('retries with exponential backoff, then gives up', async () => {
    expect(backoffMs(1)).toBeLessThan(backoffMs(2));
    expect(backoffMs(2)).toBe(backoffMs(1) * 2);
    expect(backoffMs(100)).toBe(backoffMs(99));
    await enqueue(t.store.db, 'k', {}, { maxAttempts: 2 });
    let job = await claimNext(t.store.db, 'w', ['k']);
    expect(await fail(t.store.db, job!, 'w', 'boom')).toBe('retry');
    const row = await t.store.db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
    expect(row.state).toBe('queued');
    expect(Date.parse(row.due_at)).toBeGreaterThan(Date.now() + backoffMs(1) - 5000);
    job = await claimNext(t.store.db, 'w', ['k'], new Date(Date.parse(row.due_at) + 1));
    expect(await fail(t.store.db, job!, 'w', 'boom again')).toBe('failed');
    const done = await t.store.db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
    expect(done).toMatchObject({ state: 'failed', last_error: 'boom again', attempts: 2 });
    expect(DEFAULT_MAX_ATTEMPTS).toBeGreaterThan(1);
  });

  it('records a handler error as the job error and keeps the worker going', async () => {
    await enqueue(t.store.db, 'bad', {});
    await enqueue(t.store.db, 'good', {});
    const ran: string[] = [];
    const worker = new Worker(
      t.store.db,
      {
        bad: async () => {
          throw new Error('handler exploded');
        },
        good: async () => {
          ran.push('good');
        },
      },
      undefined,
      quiet,
    );
    await worker.runOnce();
    await worker.runOnce();
    expect(ran).toEqual(['good']);
    const rows = await t.store.db.selectFrom('jobs').select(['kind', 'state', 'last_error']).orderBy('id').execute();
    expect(rows).toEqual([
      { kind: 'bad', state: 'queued', last_error: 'handler exploded' },
      { kind: 'good', state: 'done', last_error: null },
    ]);
  });
});

describe('shutdown', () => {
  it('hands the running job back when the worker stops (SIGTERM), without an error line or a counted attempt', async () => {
    const errors: unknown[] = [];
    const log = { info() {}, error: (o: unknown) => errors.push(o) };
    let started!: () => void;
    const running = new Promise<void>((r) => {
      started = r;
    });
    const worker = new Worker(
      t.store.db,
      {
        long: async (_p, ctx) => {
          started();
          await new Promise((_resolve, reject) =>
            ctx.signal.addEventListener('abort', () => reject(new DOMException('The operation was aborted', 'AbortError'))),
          );
        },
      },
      undefined,
      log,
      10,
    );
    await enqueue(t.store.db, 'long', {});
    await worker.start();
    await running;
    await worker.stop();
    expect(errors).toEqual([]);
    const job = await t.store.db.selectFrom('jobs').select(['state', 'attempts', 'last_error', 'locked_until']).executeTakeFirstOrThrow();
    expect(job).toEqual({ state: 'queued', attempts: 0, last_error: null, locked_until: null });
  });
});

describe('lanes', () => {
  it('runs a quick-lane job (mail) while a long job holds the main loop, and never the reverse', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const ran: string[] = [];
    const worker = new Worker(
      t.store.db,
      {
        long: async () => {
          ran.push('long started');
          await held;
          ran.push('long done');
        },
        mail: async () => {
          ran.push('mail');
        },
        other: async () => {
          ran.push('other');
        },
      },
      undefined,
      quiet,
      10,
      60_000,
      ['mail'],
    );
    await enqueue(t.store.db, 'long', {});
    await worker.start();
    try {
      await vi.waitFor(() => expect(ran).toEqual(['long started']));
      await enqueue(t.store.db, 'mail', {});
      await enqueue(t.store.db, 'other', {});
      await vi.waitFor(() => expect(ran).toEqual(['long started', 'mail']));
      // The main loop is busy: 'other' waits for the long job, the mail did not.
      await new Promise((r) => setTimeout(r, 100));
      expect(ran).toEqual(['long started', 'mail']);
      release();
      await vi.waitFor(() => expect(ran).toEqual(['long started', 'mail', 'long done', 'other']));
    } finally {
      release();
      await worker.stop();
    }
  });
});

describe('schedule', () => {
  const entry: ScheduleEntry = { name: 'harvest', cron: '0 3 * * *', timezone: 'Europe/Paris', kind: 'k', payload: {} };

  it('computes due times in the time zone, across daylight saving', () => {
    // 03:00 in Paris is 01:00 UTC in summer (CEST) and 02:00 UTC in winter (CET).
    expect(lastDueBetween(entry, new Date('2026-07-01T00:00:00Z'), new Date('2026-07-01T12:00:00Z'))?.toISOString()).toBe(
      '2026-07-01T01:00:00.000Z',
    );
    expect(lastDueBetween(entry, new Date('2026-12-01T00:00:00Z'), new Date('2026-12-01T12:00:00Z'))?.toISOString()).toBe(
      '2026-12-01T02:00:00.000Z',
    );
  });

  it('refuses bad cron expressions and time zones', () => {
    expect(() => checkCron('61 * * * *', 'UTC')).toThrow(ScheduleError);
    expect(() => checkCron('0 3 * * *', 'Mars/Olympus')).toThrow(/time zone/);
    expect(() => checkCron('0 3 * * *', 'Europe/Paris')).not.toThrow();
  });

  it('enqueues one job per due time however many workers tick', async () => {
    const every = { ...entry, cron: '* * * * *', timezone: 'UTC' };
    const schedulers = [new Scheduler(t.store.db, [every]), new Scheduler(t.store.db, [every]), new Scheduler(t.store.db, [every])];
    const start = new Date('2026-11-26T10:00:30Z');
    for (const s of schedulers) await s.start(start);
    for (const minute of [1, 2, 3]) {
      const now = new Date(start.getTime() + minute * 60_000);
      await Promise.all(schedulers.map((s) => s.tick(now)));
    }
    const keys = (await t.store.db.selectFrom('jobs').select('unique_key').orderBy('due_at').execute()).map((r) => r.unique_key);
    expect(keys).toEqual([
      'harvest@2026-11-26T10:00:00.000Z', // caught up at start
      'harvest@2026-11-26T10:01:00.000Z',
      'harvest@2026-11-26T10:02:00.000Z',
      'harvest@2026-11-26T10:03:00.000Z',
    ]);
  });
});
