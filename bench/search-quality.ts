// What hybrid fusion is worth, measured two ways with the product's own rankers (search/search.ts):
//
// 1. CSFCube, titles as queries (graded): each dev query paper's title is searched over the
//    collection's 4,205 papers in a Folio store of their own; its judged pool is then ordered by where
//    each candidate came in the result list (candidates not found keep their pool order, below), and
//    scored with the collection's metrics: MAP (grades >= 2) and NDCG%20. A title is a short,
//    keyword-like query for a paper-length need, so this is a hard, fair test of fusing the two lists.
// 2. Known-item search on the 77k real papers: for 300 papers of Daily Papers (fixed seed), the query
//    is (a) the paper's AI-written one-sentence summary, a paraphrase, and (b) three of its AI keywords;
//    the target is the paper itself. MRR@10, recall@10 and recall@100.
//
// Every fusion is applied to the same two lists (keyword, meaning) of each query, so the comparison is
// exact. The keyword list is the one hybrid search uses (bounded to the newest 10,000 matches on broad
// queries, plus the meaning list's papers scored by BM25; see search.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { openStore } from '../src/db/connection.ts';
import { storeBatch } from '../src/db/queries/store-papers.ts';
import { loadCsfcubeCorpus, loadJudgments } from '../src/search/datasets.ts';
import { FACETS } from '../src/search/evaluate.ts';
import { type FusionMethod, fuse } from '../src/search/fusion.ts';
import { rebuildSearchIndex } from '../src/search/index-build.ts';
import { queryMetrics } from '../src/search/metrics.ts';
import { rankSearch } from '../src/search/search.ts';
import { type SearchService, searchService } from '../src/search/service.ts';
import { SHARED } from './import.ts';
import type { Table } from './search.ts';
import { realCorpus } from './search-corpus.ts';
import type { Row } from './table.ts';

const DEPTH = 200;
const KNOWN_ITEMS = Number(process.env.BENCH_KNOWN_ITEMS ?? 300);
const log = (m: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${m}\n`);

type Variant = { name: string; lists: 'keyword' | 'meaning' | 'keyword-exact' } | { name: string; fusion: FusionMethod };

export const VARIANTS: Variant[] = [
  { name: 'keyword only (exact BM25)', lists: 'keyword-exact' },
  { name: 'meaning only', lists: 'meaning' },
  { name: 'RRF k=60 (default)', fusion: { kind: 'rrf', k: 60 } },
  { name: 'RRF k=10', fusion: { kind: 'rrf', k: 10 } },
  { name: 'RRF k=200', fusion: { kind: 'rrf', k: 200 } },
  { name: 'RRF k=60, meaning x2', fusion: { kind: 'rrf', k: 60, weights: [1, 2] } },
  { name: 'RRF k=60, keyword x2', fusion: { kind: 'rrf', k: 60, weights: [2, 1] } },
  { name: 'convex a=0.3 (min-max)', fusion: { kind: 'convex', alpha: 0.3 } },
  { name: 'convex a=0.5 (min-max)', fusion: { kind: 'convex', alpha: 0.5 } },
  { name: 'convex a=0.7 (min-max)', fusion: { kind: 'convex', alpha: 0.7 } },
];

interface Lists {
  keyword: { ids: string[]; scores: number[] };
  meaning: { ids: string[]; scores: number[] };
  exact: string[];
}

async function lists(svc: SearchService, q: string): Promise<Lists> {
  const h = await rankSearch(svc, { q, mode: 'hybrid', filters: {}, depth: DEPTH });
  const k = await rankSearch(svc, { q, mode: 'keyword', filters: {}, depth: DEPTH });
  return {
    keyword: h.keyword ?? { ids: [], scores: [] },
    meaning: h.meaning ?? { ids: [], scores: [] },
    exact: k.fused.map((f) => f.id),
  };
}

function ranked(l: Lists, v: Variant): string[] {
  if ('lists' in v) return v.lists === 'keyword-exact' ? l.exact : l[v.lists].ids;
  return fuse([l.keyword, l.meaning], v.fusion).map((f) => f.id);
}

const pct = (x: number) => Math.round(x * 10_000) / 100;

/** 1. CSFCube dev: titles as queries over the collection, pools ordered by the result lists. */
async function csfcube(): Promise<Row[]> {
  const data = join(SHARED, 'csfcube');
  const dir = mkdtempSync(join(tmpdir(), 'folio-bench-csfcube-'));
  const config = loadConfig({}, { dataDir: dir, logLevel: 'silent', demo: '0' });
  const store = await openStore(dir);
  try {
    const corpus = await loadCsfcubeCorpus(data);
    const papers = [...corpus.values()];
    for (let i = 0; i < papers.length; i += 500) {
      await storeBatch(store.db, {
        papers: papers.slice(i, i + 500).map((p) => ({ id: p.id, title: p.title, abstract: p.abstract, authors: [], stamp: '2021-01-01' })),
        entries: [],
      });
    }
    log(`CSFCube: ${papers.length} papers stored; building the index`);
    await rebuildSearchIndex({ db: store.db, dialect: store.dialect, dataDir: dir, config, provider: null });
    const svc = searchService(store, config);
    const perVariant = VARIANTS.map(() => ({ ap: 0, ndcg: 0, n: 0 }));
    for (const facet of FACETS) {
      for (const [qid, j] of await loadJudgments(join(data, `dev-pid2anns-${facet}.json`))) {
        const title = corpus.get(qid)?.title ?? '';
        const l = await lists(svc, title);
        VARIANTS.forEach((v, vi) => {
          const pos = new Map(
            ranked(l, v)
              .filter((id) => id !== qid)
              .map((id, i) => [id, i]),
          );
          const order = j.cands
            .map((c, i) => ({ i, p: c === qid ? Number.POSITIVE_INFINITY : (pos.get(c) ?? DEPTH * 10 + i) }))
            .sort((a, b) => a.p - b.p)
            .map((x) => j.grades[x.i] as number);
          const m = queryMetrics(order);
          const acc = perVariant[vi] as { ap: number; ndcg: number; n: number };
          acc.ap += m.ap;
          acc.ndcg += m.ndcg20pct;
          acc.n++;
        });
      }
    }
    await svc.close();
    return VARIANTS.map((v, i) => {
      const a = perVariant[i] as { ap: number; ndcg: number; n: number };
      return { ranking: v.name, queries: a.n, 'MAP %': pct(a.ap / a.n), 'NDCG%20 %': pct(a.ndcg / a.n) };
    });
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 2. Known-item search on the real corpus: AI summaries and AI keywords as queries. */
async function knownItems(): Promise<Row[]> {
  const dir = await realCorpus(log);
  const config = loadConfig({}, { dataDir: dir, logLevel: 'silent', demo: '0' });
  const store = await openStore(dir);
  try {
    const svc = searchService(store, config);
    if (!(await svc.current())) {
      log('building the index of the real corpus');
      await rebuildSearchIndex({ db: store.db, dialect: store.dialect, dataDir: dir, config, log });
    }
    const rows = await store.db
      .selectFrom('papers')
      .select(['id', 'ai_summary', 'ai_keywords'])
      .where('ai_summary', 'is not', null)
      .where('ai_keywords', 'is not', null)
      .orderBy('id')
      .execute();
    // A fixed, evenly spread sample.
    const step = Math.max(1, Math.floor(rows.length / KNOWN_ITEMS));
    const sample = rows.filter((_, i) => i % step === 0).slice(0, KNOWN_ITEMS);
    const out: Row[] = [];
    for (const kind of ['AI summary', '3 AI keywords'] as const) {
      const acc = VARIANTS.map(() => ({ rr: 0, r10: 0, r100: 0 }));
      let n = 0;
      for (const p of sample) {
        const q =
          kind === 'AI summary' ? (p.ai_summary as string) : (JSON.parse(p.ai_keywords as string) as string[]).slice(0, 3).join(' ');
        if (!q.trim()) continue;
        const l = await lists(svc, q);
        n++;
        VARIANTS.forEach((v, vi) => {
          const r = ranked(l, v).indexOf(p.id);
          const a = acc[vi] as { rr: number; r10: number; r100: number };
          if (r >= 0 && r < 10) {
            a.rr += 1 / (r + 1);
            a.r10++;
          }
          if (r >= 0 && r < 100) a.r100++;
        });
      }
      log(`known items (${kind}): ${n} queries`);
      VARIANTS.forEach((v, vi) => {
        const a = acc[vi] as { rr: number; r10: number; r100: number };
        out.push({
          queries: `${kind} (${n})`,
          ranking: v.name,
          'MRR@10': pct(a.rr / n) / 100,
          'R@10 %': pct(a.r10 / n),
          'R@100 %': pct(a.r100 / n),
        });
      });
    }
    await svc.close();
    return out;
  } finally {
    await store.close();
  }
}

export async function benchSearchQuality(): Promise<Table[]> {
  return [
    {
      title: 'Fusion on CSFCube dev: each query paper’s title searched over the 4,205 papers; pools ordered by the results',
      rows: await csfcube(),
    },
    {
      title: `Fusion on known-item search, 77k real papers: ${KNOWN_ITEMS} Daily Papers, found from their AI summary or 3 AI keywords`,
      rows: await knownItems(),
    },
  ];
}
