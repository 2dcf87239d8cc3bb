// Heavy read routes at 20 connections on the real listings, each with /healthz measured at the same time
// by one more connection: a route that holds the event loop shows as a /healthz p99 far above the idle
// one. Reuses a store built once (BENCH_ROUTES_STORE, default $TMPDIR/folio-bench-routes) since the
// import of 71.7k papers takes minutes.
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { importFiles } from '../src/actions/import-files.ts';
import { openStore } from '../src/db/connection.ts';
import { startBenchServer } from './http.ts';
import { SHARED } from './import.ts';
import { formatTable, type Row } from './table.ts';

const CONNECTIONS = 20;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const STORE = process.env.BENCH_ROUTES_STORE ?? join(tmpdir(), 'folio-bench-routes');

async function run(url: string, connections: number) {
  const r = await autocannon({ url, connections, duration: SECONDS });
  return { p50: r.latency.p50, p99: r.latency.p99, rps: r.requests.average, bad: r.non2xx + r.errors };
}

export async function benchRoutesUnderLoad(): Promise<Row[]> {
  if (!existsSync(join(STORE, 'folio.sqlite'))) {
    mkdirSync(STORE, { recursive: true });
    const store = await openStore(STORE);
    await importFiles(store.db, [join(SHARED, 'hf-daily'), join(SHARED, 'arxiv-listings')]);
    await store.close();
  }
  const store = await openStore(STORE);
  const top = await store.db
    .selectFrom('authors')
    .select(['name', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('name')
    .orderBy('n', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  const org = await store.db
    .selectFrom('papers')
    .innerJoin('organizations', 'organizations.id', 'papers.organization_id')
    .select(['organizations.name', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('organizations.name')
    .orderBy('n', 'desc')
    .limit(1)
    .executeTakeFirst();
  await store.close();
  const server = await startBenchServer(STORE);
  const base = `http://127.0.0.1:${server.port}`;
  try {
    const idle = await run(`${base}/healthz`, 1);
    const routes = [
      `/authors/${encodeURIComponent(top.name)}?p=2`,
      ...(org ? [`/orgs/${encodeURIComponent(org.name)}`] : []),
      '/search?q=diffusion+model',
      '/feeds/daily.rss',
      `/feeds/authors/${encodeURIComponent(top.name)}.atom`,
      '/papers',
      '/papers/month?p=2',
    ];
    const rows: Row[] = [
      {
        route: '/healthz idle',
        p50: idle.p50,
        p99: idle.p99,
        'req/s': Math.round(idle.rps),
        'healthz p50': '',
        'healthz p99': '',
        'healthz p99 / idle': '',
        bad: idle.bad,
      },
    ];
    for (const path of routes) {
      const [r, h] = await Promise.all([run(base + path, CONNECTIONS), run(`${base}/healthz`, 1)]);
      rows.push({
        route: path,
        p50: r.p50,
        p99: r.p99,
        'req/s': Math.round(r.rps),
        'healthz p50': h.p50,
        'healthz p99': h.p99,
        'healthz p99 / idle': h.p99 / Math.max(1, idle.p99),
        bad: r.bad,
      });
    }
    return rows;
  } finally {
    server.stop();
  }
}

// Also runnable alone: node bin/run-ts.js bench/routes-under-load.ts
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  console.log(formatTable('Heavy read routes at 20 connections with /healthz beside them', await benchRoutesUnderLoad()));
}
