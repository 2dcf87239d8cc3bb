// Prometheus metrics, on one registry per process: HTTP requests and latency by route template,
// jobs by kind and outcome, harvest and digest counters, and gauges read from the store at scrape time.
import { statSync } from 'node:fs';
import { sql } from 'kysely';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Store } from '../db/connection.ts';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'folio_process_' });

/** Latency buckets (seconds): pages are expected in milliseconds; the long tail shows problems. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const httpRequests = new Counter({
  name: 'folio_http_requests_total',
  help: 'HTTP requests by method, route template and status code.',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [registry],
});

export const httpLatency = new Histogram({
  name: 'folio_http_request_duration_seconds',
  help: 'Time to answer an HTTP request, by route template.',
  labelNames: ['method', 'route'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

export const jobsFinished = new Counter({
  name: 'folio_jobs_total',
  help: 'Jobs run by this process, by kind and outcome (done, retry, failed).',
  labelNames: ['kind', 'outcome'] as const,
  registers: [registry],
});

export const jobDuration = new Histogram({
  name: 'folio_job_duration_seconds',
  help: 'Time a job ran, by kind.',
  labelNames: ['kind'] as const,
  buckets: [0.01, 0.1, 1, 10, 60, 300, 1800, 3600],
  registers: [registry],
});

export const harvestRecords = new Counter({
  name: 'folio_harvest_records_total',
  help: 'arXiv records harvested by this process, by outcome (new, updated, unchanged, skipped).',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

export const digestMessages = new Counter({
  name: 'folio_digest_messages_total',
  help: 'Digest messages by outcome (sent, retry, bounced).',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

let boundStore: Store | undefined;

/** Gauges that read the store when scraped. */
new Gauge({
  name: 'folio_database_size_bytes',
  help: 'Size of the database (SQLite file and its write-ahead log, or the PostgreSQL database).',
  registers: [registry],
  async collect() {
    const s = boundStore;
    if (!s) return;
    if (s.dialect === 'sqlite' && s.path) {
      let bytes = 0;
      for (const f of [s.path, `${s.path}-wal`]) {
        try {
          bytes += statSync(f).size;
        } catch {
          /* no WAL yet */
        }
      }
      this.set(bytes);
    } else {
      const r = await sql<{ n: string }>`select pg_database_size(current_database()) as n`.execute(s.db);
      this.set(Number(r.rows[0]?.n ?? 0));
    }
  },
});

new Gauge({
  name: 'folio_papers',
  help: 'Papers in the corpus.',
  registers: [registry],
  async collect() {
    if (!boundStore) return;
    const r = await boundStore.db
      .selectFrom('papers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    this.set(Number(r?.n ?? 0));
  },
});

new Gauge({
  name: 'folio_jobs_pending',
  help: 'Jobs queued or running, by kind.',
  labelNames: ['kind'] as const,
  registers: [registry],
  async collect() {
    if (!boundStore) return;
    this.reset();
    const rows = await boundStore.db
      .selectFrom('jobs')
      .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
      .where('state', 'in', ['queued', 'running'])
      .groupBy('kind')
      .execute();
    for (const r of rows) this.set({ kind: r.kind }, Number(r.n));
  },
});

/** The store the gauges read. */
export function bindMetricsStore(store: Store): void {
  boundStore = store;
}
