// `folio eval similar`: ranks the candidate pools of a CSFCube-style collection with the built-in
// model and with plain tf-idf (and with SPECTER when its published rankings sit beside the judgments),
// and reports MAP and NDCG%20 per facet and over all queries. See docs/search-model.md.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { type CorpusPaper, loadCsfcubeCorpus, loadJudgments, loadListingTexts, paperText, type QueryJudgments } from './datasets.ts';
import { NEIGHBOUR_SHORTLIST, smoothDense } from './index-build.ts';
import { queryMetrics } from './metrics.ts';
import { CorpusIndex, SMOOTHING_NEIGHBOURS } from './model/corpus-index.ts';
import { sparseDot } from './model/sparse.ts';
import { denseDot, SPARSE_WEIGHT, TextModel, type TextModelInfo, type TrainOptions } from './model/text-model.ts';

export const FACETS = ['background', 'method', 'result'] as const;
export type Facet = (typeof FACETS)[number];

/** Built-in ranking methods. The default, `folio`, is the one Folio uses for "similar papers". */
export const METHODS = {
  folio: 'tf-idf + LSA, each paper smoothed with its 10 nearest corpus neighbours',
  'folio-index':
    'what the product runs: neighbours from a 50-paper dense shortlist, the dense (LSA) vector smoothed with them, ½ smoothed dense + ½ tf-idf',
  'folio-plain': 'tf-idf + LSA, no neighbour smoothing',
  lsa: 'LSA cosine alone (the `embed` vectors)',
  tfidf: 'tf-idf cosine alone (same tokeniser and vocabulary)',
} as const;
export type MethodName = keyof typeof METHODS;

export interface Metrics {
  /** Mean average precision, grades >= 2 relevant (0-1). */
  map: number;
  /** Mean NDCG at 20% of the pool, standard convention (2^g - 1 gains, ideal from the pool) (0-1). */
  ndcg20: number;
  /** Mean NDCG at 20% of the pool as the CSFCube script computes it (raw grades, rank_metrics method 0). */
  ndcg20Script: number;
  queries: number;
}

export interface QueryResult {
  facet: Facet;
  queryId: string;
  poolSize: number;
  ap: number;
  ndcg20: number;
}

export interface MethodReport {
  method: string;
  description: string;
  byFacet: Record<Facet | 'all', Metrics>;
  perQuery: QueryResult[];
}

export interface EvalReport {
  corpusPapers: number;
  extraTrainingTexts: number;
  model: TextModelInfo;
  /** Wall-clock and CPU time of training (CPU time is the better measure on a shared machine). */
  trainSeconds: number;
  trainCpuSeconds: number;
  rankSeconds: number;
  /** Peak resident memory of the process, MB, when known. */
  peakRssMb: number | null;
  /** Candidates of a pool that were not in the corpus (ranked last). */
  missingCandidates: number;
  /** The built-in method first, then the baselines. */
  methods: MethodReport[];
}

export interface EvaluateOptions {
  /** Folder with corpus_*.jsonl. */
  corpusDir: string;
  /** Path prefix of the judgments: `${annsPrefix}-{background,method,result}.json`. */
  annsPrefix: string;
  /** Extra unlabelled training text: files or folders of arXiv listings (.jsonl/.json, .gz allowed). */
  train: string[];
  /** Built-in method to report first (default `folio`). */
  method?: string;
  /** Training options passed to the model (dims, seed...). */
  trainOptions?: TrainOptions;
  onProgress?: (message: string) => void;
}

function rankPool(queryId: string, j: QueryJudgments, has: (id: string) => boolean, score: (candidates: string[]) => number[]): number[] {
  // The query paper is never similar to itself: when it sits in its own pool it goes last, as in the
  // published SPECTER ranking (which leaves it out); so do candidates missing from the corpus.
  const usable = j.cands.map((c, i) => ({ c, i })).filter(({ c }) => c !== queryId && has(c));
  const s = score(usable.map((u) => u.c));
  const order = usable
    .map((u, k) => ({ i: u.i, s: s[k] as number, k }))
    .sort((a, b) => b.s - a.s || a.k - b.k)
    .map((x) => x.i);
  const placed = new Set(order);
  j.cands.forEach((_, i) => {
    if (!placed.has(i)) order.push(i);
  });
  return order.map((i) => j.grades[i] as number);
}

function aggregate(results: QueryResult[], scriptNdcg: Map<QueryResult, number>): Record<Facet | 'all', Metrics> {
  const agg = (rs: QueryResult[]): Metrics => ({
    map: rs.reduce((s, r) => s + r.ap, 0) / (rs.length || 1),
    ndcg20: rs.reduce((s, r) => s + r.ndcg20, 0) / (rs.length || 1),
    ndcg20Script: rs.reduce((s, r) => s + (scriptNdcg.get(r) ?? 0), 0) / (rs.length || 1),
    queries: rs.length,
  });
  return {
    background: agg(results.filter((r) => r.facet === 'background')),
    method: agg(results.filter((r) => r.facet === 'method')),
    result: agg(results.filter((r) => r.facet === 'result')),
    all: agg(results),
  };
}

function evaluateRanker(
  name: string,
  description: string,
  anns: Map<Facet, Map<string, QueryJudgments>>,
  has: (id: string) => boolean,
  score: (facet: Facet, queryId: string, candidates: string[]) => number[],
): MethodReport {
  const perQuery: QueryResult[] = [];
  const script = new Map<QueryResult, number>();
  for (const facet of FACETS) {
    for (const [queryId, j] of anns.get(facet) ?? []) {
      const m = queryMetrics(rankPool(queryId, j, has, (c) => score(facet, queryId, c)));
      const r: QueryResult = { facet, queryId, poolSize: j.cands.length, ap: m.ap, ndcg20: m.ndcg20pct };
      perQuery.push(r);
      script.set(r, m.ndcg20pctScript);
    }
  }
  return { method: name, description, byFacet: aggregate(perQuery, script), perQuery };
}

/**
 * The smoothed dense vectors the product's index holds (index-build.ts), computed exactly as a build
 * does but by brute force: each paper's shortlist is its NEIGHBOUR_SHORTLIST nearest by the dense
 * vector, its neighbours the best SMOOTHING_NEIGHBOURS of those by the full similarity.
 */
function productionVectors(index: CorpusIndex): Map<string, Float32Array> {
  const ids = index.ids;
  const vecs = ids.map((id) => index.vector(id));
  const out = new Map<string, Float32Array>();
  vecs.forEach((v, i) => {
    const near = vecs
      .map((u, j) => ({ j, s: j === i ? Number.NEGATIVE_INFINITY : denseDot(v.dense, u.dense) }))
      .sort((a, b) => b.s - a.s || a.j - b.j)
      .slice(0, NEIGHBOUR_SHORTLIST)
      .map(({ j }) => {
        const u = vecs[j] as (typeof vecs)[number];
        return { j, s: SPARSE_WEIGHT * sparseDot(v.sparse, u.sparse) + (1 - SPARSE_WEIGHT) * denseDot(v.dense, u.dense) };
      })
      .sort((a, b) => b.s - a.s || a.j - b.j)
      .slice(0, SMOOTHING_NEIGHBOURS);
    out.set(
      ids[i] as string,
      smoothDense(
        v.dense,
        near.map(({ j }) => (vecs[j] as (typeof vecs)[number]).dense),
      ),
    );
  });
  return out;
}

/** Reads `{query: [[cand, distance], ...]}` rankings (ascending distance) as scores. */
async function loadRanked(path: string): Promise<Map<string, Map<string, number>>> {
  const raw = JSON.parse(await readFile(path, 'utf8')) as Record<string, [string, number][]>;
  return new Map(Object.entries(raw).map(([q, list]) => [q, new Map(list.map(([c, d]) => [String(c), -d]))]));
}

export async function evaluateSimilar(opts: EvaluateOptions): Promise<EvalReport> {
  const log = opts.onProgress ?? (() => {});
  const method = (opts.method ?? 'folio') as MethodName;
  if (!Object.hasOwn(METHODS, method)) throw new Error(`unknown method ${opts.method}; one of ${Object.keys(METHODS).join(', ')}`);
  const corpus = await loadCsfcubeCorpus(opts.corpusDir);
  const anns = new Map<Facet, Map<string, QueryJudgments>>();
  for (const f of FACETS) anns.set(f, await loadJudgments(`${opts.annsPrefix}-${f}.json`));
  const extra = opts.train.length > 0 ? await loadListingTexts(opts.train) : [];
  log(`corpus: ${corpus.size} papers; extra training texts: ${extra.length}`);

  const papers: CorpusPaper[] = [...corpus.values()];
  const docs = papers.map((p) => ({ id: p.id, text: paperText(p) }));
  let missing = 0;
  for (const a of anns.values()) for (const j of a.values()) for (const c of j.cands) if (!corpus.has(c)) missing++;

  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const model = TextModel.train([...docs.map((d) => d.text), ...extra], { ...opts.trainOptions, onProgress: log });
  const trainSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const trainCpuSeconds = (cpu.user + cpu.system) / 1e6;
  log(`trained in ${trainSeconds.toFixed(1)} s: ${model.vocabularySize} terms, ${model.dims} dims`);

  const t1 = performance.now();
  // Neighbours for smoothing come from the collection's own papers: the corpus being searched.
  const index = new CorpusIndex(model, docs);
  const has = (id: string) => index.has(id);
  const plain = (q: string, cands: string[], f: (a: string, b: string) => number) => cands.map((c) => f(q, c));
  let productVectors: Map<string, Float32Array> | undefined;
  const product = () => (productVectors ??= productionVectors(index));
  const rankers: Record<MethodName, (f: Facet, q: string, c: string[]) => number[]> = {
    'folio-index': (_f, q, c) => {
      const pv = product();
      const qd = pv.get(q) as Float32Array;
      const qs = index.vector(q).sparse;
      return c.map(
        (id) => SPARSE_WEIGHT * sparseDot(qs, index.vector(id).sparse) + (1 - SPARSE_WEIGHT) * denseDot(qd, pv.get(id) as Float32Array),
      );
    },
    folio: (_f, q, c) => {
      const qv = index.smoothed(q);
      return c.map((id) => model.similarity(qv, index.smoothed(id)));
    },
    'folio-plain': (_f, q, c) => plain(q, c, (a, b) => model.similarity(index.vector(a), index.vector(b))),
    lsa: (_f, q, c) => plain(q, c, (a, b) => denseDot(index.vector(a).dense, index.vector(b).dense)),
    tfidf: (_f, q, c) => plain(q, c, (a, b) => sparseDot(index.vector(a).sparse, index.vector(b).sparse)),
  };
  const methods: MethodReport[] = [];
  for (const name of [method, ...(['folio-index', 'tfidf'] as const).filter((m) => m !== method)]) {
    methods.push(evaluateRanker(name, METHODS[name], anns, has, rankers[name]));
  }
  const rankSeconds = (performance.now() - t1) / 1000;

  // The SPECTER baseline, when its rankings are published beside the judgments.
  const specterPrefix = opts.annsPrefix.replace(/pid2anns$/, 'specter-ranked');
  if (specterPrefix !== opts.annsPrefix && FACETS.every((f) => existsSync(`${specterPrefix}-${f}.json`))) {
    const ranked = new Map<Facet, Map<string, Map<string, number>>>();
    for (const f of FACETS) ranked.set(f, await loadRanked(`${specterPrefix}-${f}.json`));
    methods.push(
      evaluateRanker(
        'specter',
        'SPECTER (published ranking of the pools)',
        anns,
        (id) => corpus.has(id),
        (f, q, c) => {
          const m = ranked.get(f)?.get(q);
          return c.map((id) => m?.get(id) ?? Number.NEGATIVE_INFINITY);
        },
      ),
    );
  }
  const rss = process.resourceUsage?.().maxRSS;
  return {
    corpusPapers: corpus.size,
    extraTrainingTexts: extra.length,
    model: model.info,
    trainSeconds,
    trainCpuSeconds,
    rankSeconds,
    peakRssMb: rss ? Math.round(rss / 1024) : null,
    missingCandidates: missing,
    methods,
  };
}

const pct = (x: number) => (100 * x).toFixed(2).padStart(6);

/** A plain-text table: one row per method, MAP / NDCG%20 per facet and over all queries. */
export function formatReport(r: EvalReport): string {
  const cols: (Facet | 'all')[] = [...FACETS, 'all'];
  const lines: string[] = [];
  lines.push(
    `Similar papers on ${r.corpusPapers} papers (+${r.extraTrainingTexts} extra training texts); model ${r.model.version}, ` +
      `${r.model.vocabularySize} terms, ${r.model.dims} dims; trained in ${r.trainSeconds.toFixed(1)} s ` +
      `(${r.trainCpuSeconds.toFixed(1)} s CPU), ranked in ${r.rankSeconds.toFixed(1)} s` +
      (r.peakRssMb ? `, peak memory ${r.peakRssMb} MB` : ''),
  );
  lines.push('MAP (grades >= 2) / NDCG%20 (2^g-1 gains), in %; "script" = NDCG%20 as the CSFCube script computes it');
  const head = ['method'.padEnd(12), ...cols.map((c) => `${c} MAP / NDCG`.padStart(20)), 'all script'.padStart(11)];
  lines.push(head.join(' '));
  for (const m of r.methods) {
    const cells = cols.map((c) => `${pct(m.byFacet[c].map)} / ${pct(m.byFacet[c].ndcg20)}`.padStart(20));
    lines.push([m.method.padEnd(12), ...cells, pct(m.byFacet.all.ndcg20Script).padStart(11)].join(' '));
  }
  const q = r.methods[0]?.byFacet;
  if (q) lines.push(`${q.all.queries} queries (${FACETS.map((f) => `${f} ${q[f].queries}`).join(', ')})`);
  if (r.missingCandidates > 0) lines.push(`${r.missingCandidates} judged candidates were not in the corpus and were ranked last`);
  return lines.join('\n');
}
