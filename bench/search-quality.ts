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
// exact. The keyword list is keyword search's (all words; any word when no paper holds them all),
// bounded as in hybrid search to the newest 10,000 matches (5,000 for any-word matches).
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
import { keywordSearch, type Ranked } from '../src/search/keyword/fts.ts';
import { parseQuery } from '../src/search/keyword/query.ts';
import { queryMetrics } from '../src/search/metrics.ts';
import { HYBRID_KEYWORD_BUDGET, rankSearch } from '../src/search/search.ts';
import { type SearchService, searchService } from '../src/search/service.ts';
import { SHARED } from './import.ts';
import type { Table } from './search.ts';
import { realCorpus } from './search-corpus.ts';
import type { Row } from './table.ts';

const DEPTH = 200;
const KNOWN_ITEMS = Number(process.env.BENCH_KNOWN_ITEMS ?? 300);
const log = (m: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${m}\n`);

type Variant =
  | { name: string; lists: 'meaning' | 'keyword-mode' | 'served' }
  | { name: string; fusion: FusionMethod; strictOnly?: boolean }
  | { name: string; adaptive: (relaxed: boolean) => FusionMethod };

/** RRF over the keyword list as keyword search makes it (all words, or any word when none holds them all). */
const rrf = (k: number, weights?: number[]): FusionMethod => ({ kind: 'rrf', k, ...(weights ? { weights } : {}) });

export const VARIANTS: Variant[] = [
  { name: 'keyword mode alone', lists: 'keyword-mode' },
  { name: 'meaning mode alone', lists: 'meaning' },
  { name: 'hybrid as served: RRF, all-words list x2, else meaning', lists: 'served' },
  { name: 'RRF k=60 (plain)', fusion: rrf(60) },
  { name: 'RRF k=10', fusion: rrf(10) },
  { name: 'RRF k=200', fusion: rrf(200) },
  { name: 'RRF k=60, meaning x2', fusion: rrf(60, [1, 2]) },
  { name: 'RRF k=60, keyword x2', fusion: rrf(60, [2, 1]) },
  { name: 'RRF k=60, all-words list only (x1)', fusion: rrf(60), strictOnly: true },
  { name: 'RRF, any-words list x0.25', adaptive: (r) => rrf(60, [r ? 0.25 : 1, 1]) },
  { name: 'RRF, any-words list x0.5', adaptive: (r) => rrf(60, [r ? 0.5 : 1, 1]) },
  { name: 'convex a=0.3 (min-max)', fusion: { kind: 'convex', alpha: 0.3 } },
  { name: 'convex a=0.5 (min-max)', fusion: { kind: 'convex', alpha: 0.5 } },
  { name: 'convex a=0.7 (min-max)', fusion: { kind: 'convex', alpha: 0.7 } },
];

interface Lists {
  relaxed: boolean;
  keyword: Ranked;
  meaning: Ranked;
  keywordMode: string[];
  served: string[];
}

async function lists(svc: SearchService, q: string): Promise<Lists> {
  const parsed = parseQuery(q);
  const keyword = await keywordSearch(svc.db, parsed, {}, DEPTH, { budget: HYBRID_KEYWORD_BUDGET });
  const meaning = await rankSearch(svc, { q, mode: 'meaning', filters: {}, depth: DEPTH });
  const keywordMode = await rankSearch(svc, { q, mode: 'keyword', filters: {}, depth: DEPTH });
  const served = await rankSearch(svc, { q, mode: 'hybrid', filters: {}, depth: DEPTH });
  return {
    relaxed: keyword.relaxed,
    keyword,
    meaning: meaning.meaning ?? { ids: [], scores: [] },
    keywordMode: keywordMode.fused.map((f) => f.id),
    served: served.fused.map((f) => f.id),
  };
}

const EMPTY: Ranked = { ids: [], scores: [] };

function ranked(l: Lists, v: Variant): string[] {
  if ('lists' in v) return v.lists === 'meaning' ? l.meaning.ids : v.lists === 'served' ? l.served : l.keywordMode;
  const method = 'adaptive' in v ? v.adaptive(l.relaxed) : v.fusion;
  const kw = 'strictOnly' in v && v.strictOnly && l.relaxed ? EMPTY : l.keyword;
  return fuse([kw, l.meaning], method).map((f) => f.id);
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
      let relaxed = 0;
      for (const p of sample) {
        const q =
          kind === 'AI summary' ? (p.ai_summary as string) : (JSON.parse(p.ai_keywords as string) as string[]).slice(0, 3).join(' ');
        if (!q.trim()) continue;
        const l = await lists(svc, q);
        n++;
        if (l.relaxed) relaxed++;
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
          queries: `${kind} (${n}, ${Math.round((100 * relaxed) / n)}% relaxed)`,
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

/**
 * 3. "For you" with organisations standing in for members: an organisation's earliest 70% of papers
 * are its "upvotes", and the model must find its latest 30% among every other paper of the corpus
 * (exact scores over all vectors, so the graph's approximation does not enter). The logistic
 * regression the product trains, against the centroid of the upvoted papers and Rocchio (centroid of
 * upvotes minus centroid of the random others).
 */
async function forYouByOrganisation(): Promise<Row[]> {
  const { trainLogistic } = await import('../src/search/for-you.ts');
  const { keysOfPapers } = await import('../src/db/queries/search-indexes.ts');
  const dir = await realCorpus(log);
  const config = loadConfig({}, { dataDir: dir, logLevel: 'silent', demo: '0' });
  const store = await openStore(dir);
  try {
    const svc = searchService(store, config);
    const l = await svc.current();
    if (!l) throw new Error('no index');
    const n = l.row.next_key;
    const all = (await l.index.get(Array.from({ length: n }, (_, i) => i))) as Float32Array[];
    const orgs = await store.db
      .selectFrom('papers')
      .select(['organization_id', (eb) => eb.fn.countAll<string>().as('c')])
      .where('organization_id', 'is not', null)
      .groupBy('organization_id')
      .having((eb) => eb.fn.countAll(), '>=', 12)
      .execute();
    const methods = ['logistic regression (served)', 'centroid of upvotes', 'Rocchio (upvotes - others)'] as const;
    const acc = methods.map(() => ({ r20: 0, r100: 0, rr: 0, tests: 0 }));
    for (const o of orgs) {
      const papers = await store.db
        .selectFrom('papers')
        .select('id')
        .where('organization_id', '=', o.organization_id)
        .orderBy('published_at')
        .orderBy('id')
        .execute();
      const keys = await keysOfPapers(
        store.db,
        l.id,
        papers.map((p) => p.id),
      );
      const ks = papers.flatMap((p) => (keys.has(p.id) ? [keys.get(p.id) as number] : []));
      const cut = Math.floor(ks.length * 0.7);
      const train = ks.slice(0, cut);
      const test = new Set(ks.slice(cut));
      const pos = train.map((k) => all[k] as Float32Array);
      let seed = (o.organization_id ?? 1) * 7919;
      const rand = () => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed / 2147483648;
      };
      const negKeys = Array.from({ length: Math.max(200, 4 * pos.length) }, () => Math.floor(rand() * n)).filter((k) => !train.includes(k));
      const neg = negKeys.map((k) => all[k] as Float32Array);
      const d = pos[0]?.length ?? 0;
      const mean = (xs: Float32Array[]) => {
        const m = new Float32Array(d);
        for (const x of xs) for (let c = 0; c < d; c++) m[c] = (m[c] as number) + (x[c] as number) / xs.length;
        return m;
      };
      const centroid = mean(pos);
      const others = mean(neg);
      const weights = [trainLogistic(pos, neg).w, centroid, centroid.map((x, c) => x - (others[c] as number))];
      const trainSet = new Set(train);
      weights.forEach((w, mi) => {
        const scored: { k: number; s: number }[] = [];
        for (let k = 0; k < n; k++) {
          if (trainSet.has(k)) continue;
          const v = all[k] as Float32Array;
          let sc = 0;
          for (let c = 0; c < d; c++) sc += (w[c] as number) * (v[c] as number);
          scored.push({ k, s: sc });
        }
        scored.sort((a, b) => b.s - a.s);
        const a = acc[mi] as { r20: number; r100: number; rr: number; tests: number };
        let first = -1;
        scored.slice(0, 100).forEach((x, rank) => {
          if (!test.has(x.k)) return;
          if (first < 0) first = rank;
          if (rank < 20) a.r20++;
          a.r100++;
        });
        a.rr += first >= 0 ? 1 / (first + 1) : 0;
        a.tests += test.size;
      });
    }
    await svc.close();
    return methods.map((m, i) => {
      const a = acc[i] as { r20: number; r100: number; rr: number; tests: number };
      return {
        model: m,
        members: orgs.length,
        'held-out papers': a.tests,
        'R@20 %': pct(a.r20 / a.tests),
        'R@100 %': pct(a.r100 / a.tests),
        MRR: pct(a.rr / orgs.length) / 100,
      };
    });
  } finally {
    await store.close();
  }
}

export async function benchSearchQuality(): Promise<Table[]> {
  return [
    {
      title: '"For you": organisations as members (earliest 70% of their papers upvoted; their latest 30% to find among all papers)',
      rows: await forYouByOrganisation(),
    },
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
