// Search benchmarks: index build, memory, and the latency of keyword, meaning and hybrid queries, one
// at a time and 16 at once, beside the bare FTS5 (or PostgreSQL ts_rank) query on the same data in the
// same run. Corpora: the 77k real papers, and a million made from them (bench/search-corpus.ts).
//
// The index is built by `folio search-index rebuild` in a child process (as the job does), and kept in
// the corpus cache; BENCH_REBUILD=1 builds it again. The queries are drawn from the real data with a
// fixed seed: AI keywords of Daily Papers, pieces of real titles, the start of AI summaries, and a few
// broad topics (see benchQueries).
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import SQLite from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import { type Config, loadConfig } from '../src/config.ts';
import { openStore, PG_POOL_SIZE, type Store, sqliteFile } from '../src/db/connection.ts';
import { currentIndex } from '../src/db/queries/search-indexes.ts';
import type { Database } from '../src/db/schema.ts';
import { keywordSearch } from '../src/search/keyword/fts.ts';
import { parseQuery, toFts5, toTsQuery } from '../src/search/keyword/query.ts';
import { rng } from '../src/search/model/linalg.ts';
import { type SearchMode, search } from '../src/search/search.ts';
import { searchService } from '../src/search/service.ts';
import { vectorFiles } from '../src/search/vectors/usearch-index.ts';
import { realCorpus, syntheticCorpus } from './search-corpus.ts';
import type { Row } from './table.ts';

export interface Table {
  title: string;
  rows: Row[];
}

const run = promisify(execFile);
const FOLIO = fileURLToPath(new URL('../bin/folio.js', import.meta.url));
export const QUERY_COUNT = Number(process.env.BENCH_QUERIES ?? 300);
export const CONCURRENCY = 16;
const RESULTS = 20;
const SEED = 7;
const BROAD = [
  'large language models',
  'diffusion models',
  'reinforcement learning',
  'transformer',
  'benchmark',
  'graph neural networks',
  'vision language model',
  'robot manipulation',
  'survey',
  'agents',
];
const log = (m: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${m}\n`);

/** The query set: drawn from the real corpus with a fixed seed, the same for every corpus and store. */
export async function benchQueries(db: Kysely<Database>, count = QUERY_COUNT): Promise<string[]> {
  const r = rng(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const daily = await db
    .selectFrom('papers')
    .select(['title', 'ai_keywords', 'ai_summary'])
    .where('ai_keywords', 'is not', null)
    .orderBy('id')
    .execute();
  const titles = (await db.selectFrom('papers').select('title').orderBy('id').limit(20_000).execute()).map((p) => p.title);
  const out: string[] = [];
  while (out.length < count) {
    const kind = r();
    if (kind < 0.4) {
      const kw = JSON.parse(pick(daily).ai_keywords ?? '[]') as string[];
      const n = 2 + Math.floor(r() * 2);
      out.push(kw.slice(0, n).join(' '));
    } else if (kind < 0.7) {
      const words = pick(titles)
        .replace(/[^\p{L}\p{N}\s-]/gu, ' ')
        .split(/\s+/)
        .filter(Boolean);
      const n = 3 + Math.floor(r() * 3);
      const at = Math.floor(r() * Math.max(1, words.length - n));
      out.push(
        words
          .slice(at, at + n)
          .join(' ')
          .toLowerCase(),
      );
    } else if (kind < 0.9) {
      out.push((pick(daily).ai_summary ?? '').split(/\s+/).slice(0, 12).join(' '));
    } else out.push(pick(BROAD));
  }
  return out.filter((q) => q.trim());
}

/** The query set, read from the real corpus (so both corpora get the same queries). */
export async function realQueries(): Promise<string[]> {
  const real = await openStore(await realCorpus(log));
  try {
    return await benchQueries(real.db);
  } finally {
    await real.close();
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

/** Latency (ms) of each query run one at a time, and with `concurrency` callers at once. */
export async function measure(queries: string[], fn: (q: string) => Promise<unknown>, concurrency = 1) {
  for (const q of queries.slice(0, 20)) await fn(q); // warm up
  const times: number[] = [];
  let next = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < queries.length) {
        const q = queries[next++] as string;
        const s = performance.now();
        await fn(q);
        times.push(performance.now() - s);
      }
    }),
  );
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  times.sort((a, b) => a - b);
  // CPU time per query: what a query costs this process, whatever else the (shared) machine is doing.
  return {
    p50: percentile(times, 0.5),
    p99: percentile(times, 0.99),
    qps: queries.length / wall,
    cpuMs: (cpu.user + cpu.system) / 1000 / queries.length,
  };
}

const ms = (x: number) => Math.round(x * 100) / 100;
const mb = (bytes: number) => Math.round(bytes / 1048576);

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

interface BuildInfo {
  seconds: { train: number; represent: number; neighbours: number; write: number; total: number };
  cpuSeconds?: number;
  peakRssMb: number;
  papers: number;
  dims: number;
  cached: boolean;
}

/** Builds the index with the CLI (a child process, as the job does), or reads the cached build's report. */
export async function ensureIndex(dataDir: string, databaseUrl?: string): Promise<BuildInfo> {
  const store = await openStore(dataDir, databaseUrl);
  const cur = await currentIndex(store.db);
  await store.close();
  if (cur && !process.env.BENCH_REBUILD) {
    const info = JSON.parse(cur.info) as BuildInfo;
    return { ...info, cached: true };
  }
  log(`building the search index of ${databaseUrl ? 'the PostgreSQL copy' : dataDir}`);
  const env: NodeJS.ProcessEnv = { ...process.env, FOLIO_DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  else delete env.DATABASE_URL;
  const r = await run(process.execPath, [FOLIO, 'search-index', 'rebuild', '--json'], { env, maxBuffer: 1 << 24 });
  const report = (JSON.parse(r.stdout) as { report: BuildInfo }).report;
  return { ...report, cached: false };
}

function buildRows(label: string, b: BuildInfo, extra: Row): Row[] {
  return [
    {
      corpus: label,
      papers: b.papers,
      dims: b.dims,
      'train s': b.seconds.train,
      'represent s': b.seconds.represent,
      'neighbours s': b.seconds.neighbours,
      'write s': b.seconds.write,
      'build s': b.seconds.total,
      'build CPU s': b.cpuSeconds ?? '',
      'build peak RSS MB': b.peakRssMb,
      ...extra,
      note: b.cached ? 'build from the cache (BENCH_REBUILD=1 rebuilds)' : '',
    },
  ];
}

type Timed = { name: string; fn: (q: string) => Promise<unknown> };

/** Latency of every ranker on one store, one at a time and CONCURRENCY at once. */
async function latencyRows(label: string, timed: Timed[], queries: string[]): Promise<Row[]> {
  const rows: Row[] = [];
  const bare = timed[0];
  let bareOne: Awaited<ReturnType<typeof measure>> | undefined;
  for (const t of timed) {
    log(`${label}: ${t.name}`);
    const one = await measure(queries, t.fn, 1);
    const many = await measure(queries, t.fn, CONCURRENCY);
    if (t === bare) bareOne = one;
    rows.push({
      corpus: label,
      query: t.name,
      'p50 ms': ms(one.p50),
      'p99 ms': ms(one.p99),
      'CPU ms/q': ms(one.cpuMs),
      [`p50 ms x${CONCURRENCY}`]: ms(many.p50),
      [`p99 ms x${CONCURRENCY}`]: ms(many.p99),
      [`q/s x${CONCURRENCY}`]: Math.round(many.qps),
      'p50 / bare': bareOne ? ms(one.p50 / bareOne.p50) : 1,
      'p99 / bare': bareOne ? ms(one.p99 / bareOne.p99) : 1,
    });
  }
  return rows;
}

export function rankers(store: Store, config: Config): Timed[] {
  const svc = searchService(store, config);
  const full = (mode: SearchMode) => (q: string) => search(svc, { q, mode, filters: {}, offset: 0, limit: RESULTS });
  return [
    { name: 'keyword ranker', fn: (q) => keywordSearch(store.db, parseQuery(q), {}, RESULTS) },
    { name: 'keyword search', fn: full('keyword') },
    { name: 'meaning search', fn: full('meaning') },
    { name: 'hybrid search', fn: full('hybrid') },
    {
      name: 'hybrid, category filter',
      fn: (q) => search(svc, { q, mode: 'hybrid', filters: { category: 'cs.CL' }, offset: 0, limit: RESULTS }),
    },
  ];
}

/**
 * The bare FTS5 queries the keyword ranker makes: the same expression (all words; any word when none
 * holds them all), the same limit, on the FTS table alone: no join, no hidden papers left out.
 */
function bareFts5(dataDir: string): Timed {
  const raw = new SQLite(sqliteFile(dataDir), { readonly: true });
  const st = raw.prepare(
    `select rowid, bm25(papers_fts, 10, 3, 1) as r from papers_fts where papers_fts match ? order by r limit ${RESULTS}`,
  );
  return {
    name: 'bare FTS5 (baseline)',
    fn: async (q) => {
      const p = parseQuery(q);
      if (p.problem) return [];
      const strict = st.all(toFts5(p, 'AND'));
      return strict.length || p.terms.filter((t) => !t.negated).length < 2 ? strict : st.all(toFts5(p, 'OR'));
    },
  };
}

/** One corpus on SQLite: build (or reuse) its index, then time every ranker. */
async function sqliteSection(label: string, dataDir: string): Promise<Table[]> {
  const build = await ensureIndex(dataDir);
  const rssBefore = process.memoryUsage().rss;
  const config = loadConfig({}, { dataDir, logLevel: 'silent', demo: '0' });
  const store = await openStore(dataDir);
  try {
    const svc = searchService(store, config);
    const loaded = await svc.current();
    if (!loaded) throw new Error('no index');
    const queries = await realQueries();
    const files = vectorFiles(dataDir, loaded.id);
    const rows = await latencyRows(label, [bareFts5(dataDir), ...rankers(store, config)], queries);
    const rssAfter = process.memoryUsage().rss;
    return [
      {
        title: `Search index build and memory: ${label} (built by \`folio search-index rebuild\`; RSS of the process that searches)`,
        rows: buildRows(label, build, {
          'DB MB': mb(sizeOf(sqliteFile(dataDir))),
          'HNSW MB': mb(sizeOf(files.graph)),
          'vectors MB': mb(sizeOf(files.vectors)),
          'search RSS MB': mb(rssAfter),
          'RSS added MB': mb(rssAfter - rssBefore),
        }),
      },
      {
        title: `Search latency: ${label}, ${queries.length} queries, ${RESULTS} results each, one at a time and ${CONCURRENCY} at once (one process)`,
        rows,
      },
    ];
  } finally {
    await searchService(store, config).close();
    await store.close();
  }
}

export async function benchSearch(): Promise<Table[]> {
  return sqliteSection('77k real', await realCorpus(log));
}

export async function benchSearch1m(): Promise<Table[]> {
  const target = Number(process.env.BENCH_SYNTHETIC ?? 1_000_000);
  return sqliteSection(`${Math.round(target / 1000)}k synthetic`, await syntheticCorpus(target, log));
}

/**
 * The real corpus copied into PostgreSQL (`folio migrate-store`) and indexed in pgvector, in a database
 * kept between runs (BENCH_REBUILD=1 copies it again). Returns the SQLite folder and the copy's URL.
 */
export async function pgCorpus(): Promise<{ dir: string; url: string }> {
  const { migrateStore } = await import('../src/actions/migrate-store.ts');
  const pg = await import('pg');
  const admin = process.env.FOLIO_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = 'folio_bench_search';
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const client = new pg.default.Client({ connectionString: admin });
  await client.connect();
  const exists = (await client.query('select 1 from pg_database where datname = $1', [name])).rowCount;
  const dir = await realCorpus(log);
  if (!exists || process.env.BENCH_REBUILD) {
    await client.query(`drop database if exists ${name} with (force)`);
    await client.query(`create database ${name}`);
    log('copying the real corpus into PostgreSQL (folio migrate-store)');
    await migrateStore(sqliteFile(dir), url.toString());
  }
  await client.end();
  return { dir, url: url.toString() };
}

/** PostgreSQL beside SQLite: the real corpus copied with `migrateStore`, indexed in pgvector. */
export async function benchSearchPg(): Promise<Table[]> {
  const { dir, url: pgUrl } = await pgCorpus();
  const url = new URL(pgUrl);
  const build = await ensureIndex(dir, url.toString());
  const config = loadConfig({}, { dataDir: dir, databaseUrl: url.toString(), logLevel: 'silent', demo: '0' });
  const store = await openStore(dir, url.toString());
  try {
    const queries = await realQueries();
    const tsRank = async (p: ReturnType<typeof parseQuery>, join: 'AND' | 'OR') => {
      const tq = sql`to_tsquery('english', ${toTsQuery(p, join)})`;
      return (
        await sql`select id, ts_rank('{0.1, 0.1, 0.3, 1.0}'::float4[], search_vector, ${tq}) as r from papers
                   where search_vector @@ ${tq} order by r desc limit ${RESULTS}`.execute(store.db)
      ).rows;
    };
    const bare: Timed = {
      name: 'bare ts_rank (baseline)',
      fn: async (q) => {
        const p = parseQuery(q);
        if (p.problem) return [];
        const strict = await tsRank(p, 'AND');
        return strict.length || p.terms.filter((t) => !t.negated).length < 2 ? strict : tsRank(p, 'OR');
      },
    };
    return [
      { title: 'Search index build: 77k real papers on PostgreSQL (pgvector)', rows: buildRows('77k real, PostgreSQL', build, {}) },
      {
        title: `Search latency on PostgreSQL: 77k real, ${queries.length} queries, ${RESULTS} results, one at a time and ${CONCURRENCY} at once (pool of ${PG_POOL_SIZE})`,
        rows: await latencyRows('77k real, PostgreSQL', [bare, ...rankers(store, config)], queries),
      },
    ];
  } finally {
    await searchService(store, config).close();
    await store.close();
  }
}
