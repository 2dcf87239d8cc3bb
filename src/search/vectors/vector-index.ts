// The vector index of one build: integer keys (search_docs maps them to papers) and unit vectors,
// searched by inner product (= cosine). Two implementations: an HNSW file beside the SQLite database
// (usearch, usearch-index.ts) and a pgvector table with an HNSW index (pgvector-index.ts).
import type { SearchFilters } from '../filters.ts';

export interface VectorHit {
  key: number;
  /** Inner product with the query (cosine, for unit vectors): higher is closer. */
  score: number;
}

/** Which keys may be returned: the search filters (and hidden papers), seen by an index. */
export interface KeyFilter {
  readonly filters: SearchFilters;
  /** The keys among these that pass. */
  test(keys: readonly number[]): Promise<Set<number>>;
  /** Every key that passes, when there are at most `max` of them; else null. */
  all(max: number): Promise<number[] | null>;
}

export interface VectorIndex {
  readonly dims: number;
  /** Vectors held. */
  size(): Promise<number>;
  add(keys: readonly number[], vectors: readonly Float32Array[]): Promise<void>;
  remove(keys: readonly number[]): Promise<void>;
  /** The stored vectors of some keys (undefined for unknown ones). */
  get(keys: readonly number[]): Promise<(Float32Array | undefined)[]>;
  /** The k keys whose vectors have the largest inner product with `vector`, best first. */
  search(vector: Float32Array, k: number, filter?: KeyFilter): Promise<VectorHit[]>;
  /** Makes what was added durable (and visible to other processes). */
  save(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A filtered search on an index that cannot filter inside its graph walk: ask the graph for more
 * than needed and keep what passes; when the filter lets few papers through, rank those exactly.
 */
export const FILTER_OVERSAMPLE = 4;
/** Widening factor of each further round of a filtered search. */
export const FILTER_WIDEN = 8;
/** The widest graph search of a filtered query; a filter that passes more papers than EXACT_SCAN_MAX
 * but none of these few finds no meaning matches (the keyword ranker still filters exactly). */
export const FILTER_MAX_CANDIDATES = 20_000;
/** A filter that passes at most this many papers is ranked exactly (their vectors read from disk). */
export const EXACT_SCAN_MAX = 20_000;

export function topHits(scored: VectorHit[], k: number): VectorHit[] {
  return scored.sort((a, b) => b.score - a.score || a.key - b.key).slice(0, k);
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}
