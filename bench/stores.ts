// The same instance on SQLite and on PostgreSQL, side by side in one run: `/papers` requests/s at 50
// connections (the real app in its own process), and keyword and hybrid search p50/p99 (one query at a
// time, and CONCURRENCY at once) on the real corpus. The PostgreSQL copy is made by `folio
// migrate-store` and indexed in pgvector (bench/search.ts, pgCorpus); FOLIO_BENCH_PG_URL picks the server.
import { loadConfig } from '../src/config.ts';
import { openStore } from '../src/db/connection.ts';
import { load, startBenchServer } from './http.ts';
import { CONCURRENCY, ensureIndex, measure, pgCorpus, rankers, realQueries } from './search.ts';
import type { Table } from './soak.ts';
import type { Row } from './table.ts';

const log = (m: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${m}\n`);
const round = (x: number) => Math.round(x * 100) / 100;

interface StoreFigures {
  papers: number;
  pagesRps: number;
  pagesP99: number;
  pagesErrors: number;
  search: Record<string, Awaited<ReturnType<typeof measure>> & { many: Awaited<ReturnType<typeof measure>> }>;
}

async function figures(dir: string, databaseUrl: string | undefined, queries: string[]): Promise<StoreFigures> {
  const name = databaseUrl ? 'PostgreSQL' : 'SQLite';
  const server = await startBenchServer(dir, databaseUrl ? { DATABASE_URL: databaseUrl } : {});
  let pages: Awaited<ReturnType<typeof load>>;
  try {
    const url = `http://127.0.0.1:${server.port}/papers`;
    log(`${name}: /papers`);
    await load(url, { seconds: 2 }); // warm up
    pages = await load(url);
  } finally {
    server.stop();
  }
  const config = loadConfig({}, { dataDir: dir, ...(databaseUrl ? { databaseUrl } : {}), logLevel: 'silent', demo: '0' });
  const store = await openStore(dir, databaseUrl);
  try {
    const papers = Number(
      (
        await store.db
          .selectFrom('papers')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    const search: StoreFigures['search'] = {};
    for (const r of rankers(store, config).filter((x) => x.name === 'keyword search' || x.name === 'hybrid search')) {
      log(`${name}: ${r.name}`);
      const one = await measure(queries, r.fn, 1);
      const many = await measure(queries, r.fn, CONCURRENCY);
      search[r.name] = { ...one, many };
    }
    return { papers, pagesRps: pages.rps, pagesP99: pages.p99, pagesErrors: pages.non2xx + pages.errors, search };
  } finally {
    const { searchService } = await import('../src/search/service.ts');
    await searchService(store, config).close();
    await store.close();
  }
}

export async function benchStores(): Promise<Table[]> {
  const { dir, url } = await pgCorpus();
  await ensureIndex(dir);
  await ensureIndex(dir, url);
  const queries = await realQueries();
  const lite = await figures(dir, undefined, queries);
  const pg = await figures(dir, url, queries);
  const row = (what: string, unit: string, a: number, b: number): Row => ({
    measure: what,
    unit,
    SQLite: round(a),
    PostgreSQL: round(b),
    'PostgreSQL / SQLite': round(b / a),
  });
  const rows: Row[] = [
    row('/papers, 50 connections', 'req/s', lite.pagesRps, pg.pagesRps),
    row('/papers, 50 connections', 'p99 ms', lite.pagesP99, pg.pagesP99),
  ];
  for (const name of ['keyword search', 'hybrid search']) {
    const a = lite.search[name];
    const b = pg.search[name];
    if (!a || !b) continue;
    rows.push(row(name, 'p50 ms', a.p50, b.p50), row(name, 'p99 ms', a.p99, b.p99));
    rows.push(row(`${name}, ${CONCURRENCY} at once`, 'p50 ms', a.many.p50, b.many.p50));
    rows.push(row(`${name}, ${CONCURRENCY} at once`, 'p99 ms', a.many.p99, b.many.p99));
    rows.push(row(`${name}, ${CONCURRENCY} at once`, 'queries/s', a.many.qps, b.many.qps));
  }
  return [
    {
      title: `SQLite and PostgreSQL side by side: ${lite.papers} real papers (${pg.papers} in the copy), ${queries.length} queries, one web process; errors ${lite.pagesErrors} / ${pg.pagesErrors}`,
      rows,
    },
  ];
}
