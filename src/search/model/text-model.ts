// Folio's built-in "meaning" model, learnt from the instance's own papers, with no download:
// tf-idf over stemmed words, plus latent semantic analysis (a truncated SVD of the tf-idf matrix), so
// that papers that say the same thing in different words still meet.
//
//   vectorize(text) -> { sparse: tf-idf (L2-normalised), dense: LSA embedding (L2-normalised) }
//   similarity(a, b) = ½ sparse·sparse + ½ dense·dense
//   embed(text)      = the dense part alone, for the HNSW vector index (shortlisting)
//
// Corpus-level neighbour smoothing (corpus-index.ts) sits on top of this for "similar papers".
// The method and its measurements are in docs/search-model.md.
import { csrFromRows, randomizedSvd, rng } from './linalg.ts';
import { type SparseVector, sparseDot, sparseSharedTerms } from './sparse.ts';
import { TfidfVectorizer } from './tfidf.ts';
import { forEachToken, tokenize } from './tokenizer.ts';

/**
 * Changes whenever tokenisation, weighting or the file layout change: a stored model with another
 * version must be retrained (vectors made by it are not comparable with the current code's).
 */
export const MODEL_VERSION = 'folio-text-model/1';

/** A word seen in a single paper cannot relate two papers; it only adds noise and memory. */
export const MIN_DOC_FREQ = 2;

/** Words in more than half of the papers ("model", "result" in most corpora) say nothing about topic. */
export const MAX_DOC_FREQ_RATIO = 0.5;

/** Caps the vocabulary (most frequent first) so that the projection, vocabulary x dims floats, stays ≤ ~50 MB. */
export const MAX_VOCABULARY = 50_000;

/**
 * Bounds of the number of LSA dimensions, which by default is sqrt(number of training papers):
 * a small corpus supports few reliable latent topics, a large one more. On CSFCube (4,205 papers ->
 * 65 dims) 48-100 dims do best and 128 a little worse; with 72k arXiv listings added (-> 256), 256
 * dims beat 128 by about 1 NDCG point. 256 is the usual LSA ceiling and keeps training on a 2-core
 * machine around a minute.
 */
export const MIN_DIMS = 32;
export const MAX_DIMS = 256;

/** Extra random directions and subspace iterations of the randomized SVD: enough that the result no longer
 * depends on the random start (run-to-run spread < 0.3 MAP points on CSFCube). */
export const SVD_OVERSAMPLE = 32;
export const SVD_POWER_ITERATIONS = 3;

/** Weight of the tf-idf cosine in `similarity`; the LSA cosine gets the rest. Equal weights: neither
 * signal is known to be better in general (on CSFCube dev any weight in 0.4-0.6 is within noise). */
export const SPARSE_WEIGHT = 0.5;

/**
 * Most texts the SVD is computed on; a larger corpus is sampled (uniformly, seeded) for it, while the
 * vocabulary and idf still come from every text. The SVD's cost grows with the number of texts, and the
 * latent space of a few tens of thousands of abstracts is already stable: on CSFCube + 72k listings,
 * SVDs on 20k, 35k and all 76k texts score within noise of each other (MAP 41.6 / 43.1 / 42.5), while
 * training takes 44 s, 59 s and ~100 s of CPU.
 */
export const SVD_MAX_DOCS = 30_000;

function sampleRows<T>(rows: T[], max: number, seed: number): T[] {
  if (rows.length <= max) return rows;
  const r = rng(seed);
  const idx = rows.map((_, i) => i);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [idx[i], idx[j]] = [idx[j] as number, idx[i] as number];
  }
  return idx
    .slice(0, max)
    .sort((a, b) => a - b)
    .map((i) => rows[i] as T);
}

export interface TrainOptions {
  /** At most this many texts for the SVD (default SVD_MAX_DOCS). */
  svdMaxDocs?: number;
  /** LSA dimensions; default sqrt(docs) within [MIN_DIMS, MAX_DIMS]. */
  dims?: number;
  minDocFreq?: number;
  maxDocFreqRatio?: number;
  maxVocabulary?: number;
  seed?: number;
  /** Called with a short description of each step. */
  onProgress?: (step: string) => void;
}

/** The representation of one text: both parts are unit vectors (or all zero for a text with no known word). */
export interface DocVector {
  sparse: SparseVector;
  dense: Float32Array;
}

export interface ExplainTerm {
  /** A readable form of the term: its most frequent spelling in the training papers. */
  term: string;
  /** The stem the model matched on. */
  stem: string;
  /** This term's share of the tf-idf similarity (the product of its weights in the two texts). */
  weight: number;
}

export interface TextModelInfo {
  version: string;
  dims: number;
  vocabularySize: number;
  trainedOnDocs: number;
  /** Leading singular values of the training matrix (diagnostics). */
  singularValues: number[];
  trainedAt: string;
}

export interface TextModelJson extends TextModelInfo {
  terms: string[];
  display: string[];
  /** Base64 of little-endian float32 arrays. */
  idf: string;
  projection: string;
}

export function defaultDims(docCount: number): number {
  return Math.max(MIN_DIMS, Math.min(MAX_DIMS, Math.round(Math.sqrt(docCount))));
}

function l2normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] as number) ** 2;
  if (s > 0) {
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) * inv;
  }
  return v;
}

export function denseDot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

const MAGIC = 'FOLIOTM1';

export class TextModel {
  readonly info: TextModelInfo;
  readonly dims: number;
  private readonly tfidf: TfidfVectorizer;
  /** Readable spelling of each term. */
  private readonly display: string[];
  /** vocabulary x dims, row-major: the LSA term vectors (right singular vectors). */
  private readonly projection: Float32Array;

  private constructor(info: TextModelInfo, tfidf: TfidfVectorizer, display: string[], projection: Float32Array) {
    if (info.version !== MODEL_VERSION) {
      throw new Error(`text model version ${info.version} is not ${MODEL_VERSION}: retrain the model`);
    }
    if (projection.length !== tfidf.size * info.dims || display.length !== tfidf.size) {
      throw new Error('text model: inconsistent sizes');
    }
    this.info = info;
    this.dims = info.dims;
    this.tfidf = tfidf;
    this.display = display;
    this.projection = projection;
  }

  /** Learns the model from the texts of a corpus (title + abstract of each paper). */
  static train(docs: readonly string[], options: TrainOptions = {}): TextModel {
    const log = options.onProgress ?? (() => {});
    const wordCounts = new Map<string, Map<string, number>>();
    const tokens = docs.map((d) => {
      const out: string[] = [];
      forEachToken(d, (stem, word) => {
        out.push(stem);
        let m = wordCounts.get(stem);
        if (!m) {
          m = new Map();
          wordCounts.set(stem, m);
        }
        m.set(word, (m.get(word) ?? 0) + 1);
      });
      return out;
    });
    log(`tokenised ${docs.length} texts`);
    const tfidf = TfidfVectorizer.fit(tokens, {
      minDf: options.minDocFreq ?? MIN_DOC_FREQ,
      maxDfRatio: options.maxDocFreqRatio ?? MAX_DOC_FREQ_RATIO,
      maxFeatures: options.maxVocabulary ?? MAX_VOCABULARY,
    });
    const display = tfidf.terms.map((t) => {
      let best = t;
      let bestCount = -1;
      for (const [w, c] of wordCounts.get(t) ?? []) {
        if (c > bestCount || (c === bestCount && w < best)) {
          best = w;
          bestCount = c;
        }
      }
      return best;
    });
    wordCounts.clear();
    const rows = tokens.map((t) => tfidf.vectorize(t));
    tokens.length = 0;
    log(`vocabulary of ${tfidf.size} terms`);
    const dims = Math.max(1, Math.min(options.dims ?? defaultDims(docs.length), tfidf.size, docs.length));
    const svdRows = sampleRows(rows, options.svdMaxDocs ?? SVD_MAX_DOCS, options.seed ?? 42);
    if (svdRows.length < rows.length) log(`LSA on a sample of ${svdRows.length} of ${rows.length} texts`);
    const svd = randomizedSvd(csrFromRows(svdRows, tfidf.size), dims, {
      oversample: SVD_OVERSAMPLE,
      powerIters: SVD_POWER_ITERATIONS,
      seed: options.seed ?? 42,
      onProgress: log,
    });
    const k = svd.sigma.length;
    const projection = new Float32Array(tfidf.size * k);
    for (let i = 0; i < projection.length; i++) projection[i] = svd.v.data[i] as number;
    // Fix each dimension's sign (an SVD's is arbitrary) so that retraining gives the same vectors.
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let t = 0; t < tfidf.size; t++) s += projection[t * k + c] as number;
      if (s < 0) for (let t = 0; t < tfidf.size; t++) projection[t * k + c] = -(projection[t * k + c] as number);
    }
    log(`LSA with ${k} dimensions`);
    return new TextModel(
      {
        version: MODEL_VERSION,
        dims: k,
        vocabularySize: tfidf.size,
        trainedOnDocs: docs.length,
        singularValues: Array.from(svd.sigma.slice(0, 10)),
        trainedAt: new Date().toISOString(),
      },
      tfidf,
      display,
      projection,
    );
  }

  /** tf-idf and LSA vectors of a text. */
  vectorize(text: string): DocVector {
    const sparse = this.tfidf.vectorize(tokenize(text));
    return { sparse, dense: this.project(sparse) };
  }

  /** The LSA embedding of a text: L2-normalised, `dims` long; all zeros when no word of it is known. */
  embed(text: string): Float32Array {
    return this.vectorize(text).dense;
  }

  /** Folds a tf-idf vector into the LSA space (x · V), normalised. */
  project(sparse: SparseVector): Float32Array {
    const k = this.dims;
    const e = new Float64Array(k);
    for (let p = 0; p < sparse.idx.length; p++) {
      const o = (sparse.idx[p] as number) * k;
      const w = sparse.val[p] as number;
      for (let c = 0; c < k; c++) e[c] = (e[c] as number) + w * (this.projection[o + c] as number);
    }
    return l2normalize(Float32Array.from(e));
  }

  /** Similarity of two represented texts, in [-1, 1] (in practice [0, 1]). */
  similarity(a: DocVector, b: DocVector): number {
    return SPARSE_WEIGHT * sparseDot(a.sparse, b.sparse) + (1 - SPARSE_WEIGHT) * denseDot(a.dense, b.dense);
  }

  /** Similarity of a query text to each candidate text, in the candidates' order (no corpus smoothing). */
  score(queryText: string, candidateTexts: readonly string[]): number[] {
    const q = this.vectorize(queryText);
    return candidateTexts.map((c) => this.similarity(q, this.vectorize(c)));
  }

  /**
   * The shared terms that contribute most to the tf-idf similarity of two texts, largest first,
   * spelled as they are most often written in the corpus.
   */
  explain(a: string | DocVector, b: string | DocVector, topN = 10): ExplainTerm[] {
    const va = typeof a === 'string' ? this.vectorize(a) : a;
    const vb = typeof b === 'string' ? this.vectorize(b) : b;
    return sparseSharedTerms(va.sparse, vb.sparse)
      .sort((x, y) => y.weight - x.weight || x.id - y.id)
      .slice(0, topN)
      .map(({ id, weight }) => ({
        term: this.display[id] as string,
        stem: this.tfidf.terms[id] as string,
        weight,
      }));
  }

  get vocabularySize(): number {
    return this.tfidf.size;
  }

  // ---- persistence ----

  private header(): TextModelInfo & { terms: string[]; display: string[] } {
    return { ...this.info, terms: this.tfidf.terms, display: this.display };
  }

  /**
   * Binary form: "FOLIOTM1", a uint32 (LE) header length, a UTF-8 JSON header (info, terms, display
   * forms), zero padding to a multiple of 4, then float32 LE idf[vocabulary] and projection[vocabulary × dims].
   */
  serialize(): Uint8Array {
    const head = new TextEncoder().encode(JSON.stringify(this.header()));
    const headEnd = 12 + head.length;
    const start = Math.ceil(headEnd / 4) * 4;
    const floats = this.tfidf.idf.length + this.projection.length;
    const out = new Uint8Array(start + floats * 4);
    out.set(new TextEncoder().encode(MAGIC), 0);
    const dv = new DataView(out.buffer);
    dv.setUint32(8, head.length, true);
    out.set(head, 12);
    let off = start;
    for (const arr of [this.tfidf.idf, this.projection]) {
      for (let i = 0; i < arr.length; i++, off += 4) dv.setFloat32(off, arr[i] as number, true);
    }
    return out;
  }

  static deserialize(bytes: Uint8Array): TextModel {
    if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
      throw new Error('not a Folio text model file');
    }
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headLen = dv.getUint32(8, true);
    const h = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headLen))) as ReturnType<TextModel['header']>;
    if (h.version !== MODEL_VERSION) {
      throw new Error(`text model version ${h.version} is not ${MODEL_VERSION}: retrain the model`);
    }
    const v = h.terms.length;
    let off = Math.ceil((12 + headLen) / 4) * 4;
    const read = (n: number): Float32Array => {
      if (off + n * 4 > bytes.length) throw new Error('text model file is truncated');
      const a = new Float32Array(n);
      for (let i = 0; i < n; i++, off += 4) a[i] = dv.getFloat32(off, true);
      return a;
    };
    const idf = read(v);
    const projection = read(v * h.dims);
    const { terms, display, ...info } = h;
    return new TextModel(info, new TfidfVectorizer({ terms, idf, docCount: info.trainedOnDocs }), display, projection);
  }

  toJSON(): TextModelJson {
    const b64 = (a: Float32Array) => {
      const le = new Uint8Array(a.length * 4);
      const dv = new DataView(le.buffer);
      for (let i = 0; i < a.length; i++) dv.setFloat32(i * 4, a[i] as number, true);
      return Buffer.from(le).toString('base64');
    };
    return { ...this.header(), idf: b64(this.tfidf.idf), projection: b64(this.projection) };
  }

  static fromJSON(json: TextModelJson): TextModel {
    const f32 = (s: string) => {
      const buf = Buffer.from(s, 'base64');
      const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      const a = new Float32Array(buf.byteLength / 4);
      for (let i = 0; i < a.length; i++) a[i] = dv.getFloat32(i * 4, true);
      return a;
    };
    const { terms, display, idf, projection, ...info } = json;
    return new TextModel(info, new TfidfVectorizer({ terms, idf: f32(idf), docCount: info.trainedOnDocs }), display, f32(projection));
  }
}
