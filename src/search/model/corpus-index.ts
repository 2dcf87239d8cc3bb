// "Similar papers" over a corpus: exact nearest neighbours by the model's similarity, and
// neighbour smoothing: each paper is represented by itself plus the centroid of its nearest
// neighbours in the corpus (cluster-based document smoothing, as in Kurland & Lee 2004 and
// Liu & Croft 2004). Two papers whose neighbourhoods overlap are then found similar even when their own
// words overlap little. On CSFCube dev this adds about 2 MAP and 2.5 NDCG%20 points over the plain
// similarity, and the gain holds for 48 to 128 LSA dimensions and for 5 or 10 neighbours.
//
// This brute-force index is exact and fine up to a few tens of thousands of papers (one query costs one
// pass over the dense vectors plus the postings of its words). With an HNSW index, get the shortlist
// from it with `model.embed`, re-rank by `model.similarity`, and smooth with `smoothVector`.
import type { SparseVector } from './sparse.ts';
import { sparseFromMap, sparseNormalize } from './sparse.ts';
import type { DocVector, TextModel } from './text-model.ts';

/** Neighbours whose centroid smooths a paper's vector. Few enough to stay on topic, enough to average out. */
export const SMOOTHING_NEIGHBOURS = 10;

/** Weight of the neighbour centroid against the paper itself: equal (1), the plain Rocchio choice. */
export const SMOOTHING_WEIGHT = 1;

/** normalize(doc + weight · mean(neighbours)), for both parts of the vector. */
export function smoothVector(doc: DocVector, neighbours: readonly DocVector[], weight = SMOOTHING_WEIGHT): DocVector {
  if (neighbours.length === 0 || weight === 0) return doc;
  const w = weight / neighbours.length;
  const m = new Map<number, number>();
  const add = (v: SparseVector, f: number) => {
    for (let p = 0; p < v.idx.length; p++) {
      const id = v.idx[p] as number;
      m.set(id, (m.get(id) ?? 0) + f * (v.val[p] as number));
    }
  };
  add(doc.sparse, 1);
  for (const n of neighbours) add(n.sparse, w);
  const dense = Float32Array.from(doc.dense);
  for (const n of neighbours) for (let c = 0; c < dense.length; c++) dense[c] = (dense[c] as number) + w * (n.dense[c] as number);
  let s = 0;
  for (let c = 0; c < dense.length; c++) s += (dense[c] as number) ** 2;
  if (s > 0) for (let c = 0; c < dense.length; c++) dense[c] = (dense[c] as number) / Math.sqrt(s);
  return { sparse: sparseNormalize(sparseFromMap(m)), dense };
}

/**
 * The normalised weighted mean of several vectors: a reader's profile for a "for you" feed (the papers
 * they upvoted or saved, recent ones weighted more), to be compared with `model.similarity`.
 * Returns null for an empty list.
 */
export function centroid(vectors: readonly DocVector[], weights?: readonly number[]): DocVector | null {
  const first = vectors[0];
  if (!first) return null;
  const m = new Map<number, number>();
  const dense = new Float32Array(first.dense.length);
  vectors.forEach((v, i) => {
    const w = weights?.[i] ?? 1;
    for (let p = 0; p < v.sparse.idx.length; p++) {
      const id = v.sparse.idx[p] as number;
      m.set(id, (m.get(id) ?? 0) + w * (v.sparse.val[p] as number));
    }
    for (let c = 0; c < dense.length; c++) dense[c] = (dense[c] as number) + w * (v.dense[c] as number);
  });
  let s = 0;
  for (let c = 0; c < dense.length; c++) s += (dense[c] as number) ** 2;
  if (s > 0) for (let c = 0; c < dense.length; c++) dense[c] = (dense[c] as number) / Math.sqrt(s);
  return { sparse: sparseNormalize(sparseFromMap(m)), dense };
}

export interface ScoredDoc {
  id: string;
  score: number;
}

export class CorpusIndex {
  readonly model: TextModel;
  readonly ids: string[];
  private readonly pos: Map<string, number>;
  private readonly vectors: DocVector[];
  /** Dense vectors, one row per paper. */
  private readonly dense: Float32Array;
  /** Postings of the sparse part: for term t, entries postStart[t] .. postStart[t+1]-1. */
  private readonly postStart: Int32Array;
  private readonly postDoc: Int32Array;
  private readonly postVal: Float32Array;
  private readonly smoothCache = new Map<number, DocVector>();
  private readonly sparseWeight: number;

  constructor(model: TextModel, docs: readonly { id: string; text: string }[], sparseWeight = 0.5) {
    this.model = model;
    this.sparseWeight = sparseWeight;
    this.ids = docs.map((d) => d.id);
    this.pos = new Map(this.ids.map((id, i) => [id, i]));
    if (this.pos.size !== this.ids.length) throw new Error('CorpusIndex: duplicate ids');
    this.vectors = docs.map((d) => model.vectorize(d.text));
    const k = model.dims;
    this.dense = new Float32Array(docs.length * k);
    this.vectors.forEach((v, i) => {
      this.dense.set(v.dense, i * k);
    });
    const v = model.vocabularySize;
    this.postStart = new Int32Array(v + 1);
    for (const d of this.vectors) for (const t of d.sparse.idx) this.postStart[t + 1] = (this.postStart[t + 1] as number) + 1;
    for (let t = 0; t < v; t++) this.postStart[t + 1] = (this.postStart[t + 1] as number) + (this.postStart[t] as number);
    const total = this.postStart[v] as number;
    this.postDoc = new Int32Array(total);
    this.postVal = new Float32Array(total);
    const fill = this.postStart.slice(0, v);
    this.vectors.forEach((d, i) => {
      for (let p = 0; p < d.sparse.idx.length; p++) {
        const t = d.sparse.idx[p] as number;
        const o = fill[t] as number;
        fill[t] = o + 1;
        this.postDoc[o] = i;
        this.postVal[o] = d.sparse.val[p] as number;
      }
    });
  }

  get size(): number {
    return this.ids.length;
  }

  has(id: string): boolean {
    return this.pos.has(id);
  }

  vector(id: string): DocVector {
    return this.vectors[this.index(id)] as DocVector;
  }

  private index(id: string): number {
    const i = this.pos.get(id);
    if (i === undefined) throw new Error(`CorpusIndex: unknown id ${id}`);
    return i;
  }

  /** Model similarity of a vector to every paper of the corpus. */
  private allScores(q: DocVector): Float32Array {
    const n = this.ids.length;
    const k = this.model.dims;
    const out = new Float32Array(n);
    const wd = 1 - this.sparseWeight;
    for (let i = 0; i < n; i++) {
      let s = 0;
      const o = i * k;
      for (let c = 0; c < k; c++) s += (q.dense[c] as number) * (this.dense[o + c] as number);
      out[i] = wd * s;
    }
    for (let p = 0; p < q.sparse.idx.length; p++) {
      const t = q.sparse.idx[p] as number;
      const w = this.sparseWeight * (q.sparse.val[p] as number);
      for (let o = this.postStart[t] as number, end = this.postStart[t + 1] as number; o < end; o++) {
        const d = this.postDoc[o] as number;
        out[d] = (out[d] as number) + w * (this.postVal[o] as number);
      }
    }
    return out;
  }

  /** The k papers most similar to a vector (exact), best first, skipping the given positions. */
  private topK(q: DocVector, k: number, skip: ReadonlySet<number>): number[] {
    const scores = this.allScores(q);
    // Selection of the k best with a small sorted buffer (k is small).
    const best: number[] = [];
    for (let i = 0; i < scores.length; i++) {
      if (skip.has(i)) continue;
      const s = scores[i] as number;
      if (best.length === k && s <= (scores[best[k - 1] as number] as number)) continue;
      let j = best.length < k ? best.length : k - 1;
      while (j > 0 && (scores[best[j - 1] as number] as number) < s) {
        best[j] = best[j - 1] as number;
        j--;
      }
      best[j] = i;
    }
    return best;
  }

  /** The paper's vector smoothed with its SMOOTHING_NEIGHBOURS nearest papers (cached). */
  smoothed(id: string): DocVector {
    const i = this.index(id);
    let v = this.smoothCache.get(i);
    if (!v) {
      const own = this.vectors[i] as DocVector;
      const nb = this.topK(own, SMOOTHING_NEIGHBOURS, new Set([i])).map((j) => this.vectors[j] as DocVector);
      v = smoothVector(own, nb);
      this.smoothCache.set(i, v);
    }
    return v;
  }

  /** Smoothed vector of an outside text (not in the corpus), using its nearest corpus papers. */
  smoothedText(text: string): DocVector {
    const own = this.model.vectorize(text);
    const nb = this.topK(own, SMOOTHING_NEIGHBOURS, new Set()).map((j) => this.vectors[j] as DocVector);
    return smoothVector(own, nb);
  }

  /** Ranks candidate papers of the corpus by similarity to a query paper (both smoothed), best first. */
  rank(queryId: string, candidateIds: readonly string[]): ScoredDoc[] {
    const q = this.smoothed(queryId);
    return candidateIds
      .map((id, order) => ({ id, order, score: this.model.similarity(q, this.smoothed(id)) }))
      .sort((a, b) => b.score - a.score || a.order - b.order)
      .map(({ id, score }) => ({ id, score }));
  }

  /** The k papers of the corpus most similar to a paper of it (itself excluded): "similar papers". */
  similar(id: string, k: number, shortlist = Math.max(50, 5 * k)): ScoredDoc[] {
    const i = this.index(id);
    // Shortlist by the plain similarity, then order by the smoothed one.
    const cands = this.topK(this.vectors[i] as DocVector, shortlist, new Set([i])).map((j) => this.ids[j] as string);
    return this.rank(id, cands).slice(0, k);
  }

  /** Plain (unsmoothed) similarity of a paper to another, with the words that explain it. */
  explain(a: string, b: string, topN = 10) {
    return this.model.explain(this.vector(a), this.vector(b), topN);
  }
}
