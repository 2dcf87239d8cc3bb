// A tf-idf vectoriser over the tokenizer's stems. Term ids are assigned by decreasing document
// frequency (ties by term), so the vocabulary order is deterministic.
import { type SparseVector, sparseFromMap, sparseNormalize } from './sparse.ts';

export interface TfidfOptions {
  /** Terms in fewer documents are dropped. */
  minDf: number;
  /** Terms in more than this fraction of the documents are dropped. */
  maxDfRatio: number;
  /** Hard cap on the vocabulary, most frequent terms first. */
  maxFeatures: number;
}

export interface TfidfState {
  terms: string[];
  idf: ArrayLike<number>;
  docCount: number;
}

export class TfidfVectorizer {
  readonly terms: string[];
  readonly idf: Float32Array;
  readonly docCount: number;
  readonly vocab: Map<string, number>;

  constructor(state: TfidfState) {
    if (state.terms.length !== state.idf.length) throw new Error('tf-idf: terms and idf differ in length');
    this.terms = state.terms;
    this.idf = Float32Array.from(state.idf);
    this.docCount = state.docCount;
    this.vocab = new Map(this.terms.map((t, i) => [t, i]));
  }

  /** Learns the vocabulary and the smoothed idf, ln((1 + N) / (1 + df)) + 1, from token lists. */
  static fit(docs: readonly (readonly string[])[], o: TfidfOptions): TfidfVectorizer {
    const df = new Map<string, number>();
    for (const d of docs) for (const t of new Set(d)) df.set(t, (df.get(t) ?? 0) + 1);
    const n = docs.length;
    const maxDf = Math.max(o.minDf, Math.floor(o.maxDfRatio * n));
    const kept = [...df.entries()]
      .filter(([, c]) => c >= o.minDf && c <= maxDf)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, o.maxFeatures);
    return new TfidfVectorizer({
      terms: kept.map(([t]) => t),
      idf: kept.map(([, c]) => Math.log((1 + n) / (1 + c)) + 1),
      docCount: n,
    });
  }

  get size(): number {
    return this.terms.length;
  }

  /** The L2-normalised tf-idf vector of a token list, with sublinear tf (1 + ln tf). */
  vectorize(tokens: readonly string[]): SparseVector {
    const m = new Map<number, number>();
    for (const t of tokens) {
      const id = this.vocab.get(t);
      if (id !== undefined) m.set(id, (m.get(id) ?? 0) + 1);
    }
    for (const [id, c] of m) m.set(id, (1 + Math.log(c)) * (this.idf[id] as number));
    return sparseNormalize(sparseFromMap(m));
  }
}
