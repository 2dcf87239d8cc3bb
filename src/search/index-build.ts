// Building the vector index, and keeping it up to date between builds.
//
// A build (`rebuildSearchIndex`): trains the built-in text model on the corpus (a sample of it when
// large), represents every paper (tf-idf + a dense vector from the configured provider), finds each
// paper's nearest papers and smooths its vector with theirs (docs/search-model.md), writes the smoothed
// vectors into a new index under a new version, and switches to it in one transaction; the old index
// serves until then. An update (`updateSearchIndex`): embeds the papers the current index lacks with
// its model and adds them. Both hold a lease, so one process at a time writes.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import usearch from 'usearch';
import type { Config } from '../config.ts';
import type { Dialect } from '../db/dialect.ts';
import {
  acquireLease,
  allPaperIds,
  bumpDataGeneration,
  createIndexRow,
  currentIndex,
  deleteIndexRow,
  disposableIndexes,
  insertDocs,
  paperIdsOfKeys,
  papersMissingFrom,
  paperTexts,
  releaseLease,
  switchTo,
  textModelBytes,
  updateIndexRow,
} from '../db/queries/search-indexes.ts';
import type { Database } from '../db/schema.ts';
import { paperText } from './datasets.ts';
import { BuiltinProvider, type EmbeddingProvider, externalProvider, normalize } from './embeddings/provider.ts';
import { SMOOTHING_NEIGHBOURS, SMOOTHING_WEIGHT } from './model/corpus-index.ts';
import { rng } from './model/linalg.ts';
import { type SparseVector, sparseDot } from './model/sparse.ts';
import { denseDot, SPARSE_WEIGHT, TextModel } from './model/text-model.ts';
import { createVectorIndex, openVectorIndex, removeVectorIndex } from './vectors/open.ts';

/**
 * The model learns its vocabulary and latent topics from at most this many papers (a uniform, seeded
 * sample): tokenising a million abstracts at once would need ~10 GB, and the statistics of 100,000
 * are as good (the SVD itself already samples 30,000; see text-model.ts).
 */
export const TRAIN_MAX_DOCS = 100_000;
/** Below this many papers there is nothing to learn topics from: search stays keyword-only. */
export const MIN_PAPERS_FOR_INDEX = 10;
/** Papers read, represented and written per step of a build or update. */
export const BUILD_BATCH = 2000;
/** A paper's smoothing neighbours are the best of this many vector-nearest papers by the full similarity. */
export const NEIGHBOUR_SHORTLIST = 50;
/** Rebuild from scratch once the corpus grew by this fraction since the current index was built. */
export const REBUILD_GROWTH = 0.25;
/** Leases: how long a writer holds one without renewing it, and how often it renews. */
export const LEASE_MS = 10 * 60_000;
const LEASE_RENEW_MS = 60_000;
/** A build still `building` after this long died; its leftovers are removed. */
const STALE_BUILD_MS = 24 * 3600_000;

export interface BuildContext {
  db: Kysely<Database>;
  dialect: Dialect;
  dataDir: string;
  config: Config;
  log?: (message: string) => void;
  signal?: AbortSignal;
  /** Replaces the provider the settings name (tests). `null`: the built-in one. */
  provider?: EmbeddingProvider | null;
  /** Model training options (tests use few dimensions). */
  dims?: number;
}

export interface BuildReport {
  indexId: number;
  papers: number;
  provider: string;
  model: string;
  dims: number;
  vocabulary: number;
  trainedOn: number;
  seconds: { train: number; represent: number; neighbours: number; write: number; total: number };
  /** CPU time of the whole process (user + system, all threads), seconds: the cost on a shared machine. */
  cpuSeconds: number;
  peakRssMb: number;
}

export class IndexBusyError extends Error {}

const now = () => performance.now();
const secs = (t0: number) => Math.round((now() - t0) / 100) / 10;
const rssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

/** Runs `fn` holding the named lease (renewed while it runs); throws IndexBusyError when another holds it. */
async function withLease<T>(db: Kysely<Database>, name: string, fn: () => Promise<T>): Promise<T> {
  const owner = randomUUID();
  if (!(await acquireLease(db, name, owner, LEASE_MS))) {
    throw new IndexBusyError(`another process is writing the search index (${name}); try again when it is done`);
  }
  const renew = setInterval(() => {
    acquireLease(db, name, owner, LEASE_MS).catch(() => undefined);
  }, LEASE_RENEW_MS);
  renew.unref();
  try {
    return await fn();
  } finally {
    clearInterval(renew);
    await releaseLease(db, name, owner);
  }
}

/** Sparse vectors of many papers, packed (a million small typed arrays would cost more than their content). */
class SparseRows {
  private idx = new Int32Array(1 << 16);
  private val = new Float32Array(1 << 16);
  private readonly start: number[] = [0];
  private used = 0;

  push(v: SparseVector): void {
    if (this.used + v.idx.length > this.idx.length) {
      const size = Math.max(this.idx.length * 2, this.used + v.idx.length);
      const idx = new Int32Array(size);
      idx.set(this.idx.subarray(0, this.used));
      const val = new Float32Array(size);
      val.set(this.val.subarray(0, this.used));
      this.idx = idx;
      this.val = val;
    }
    this.idx.set(v.idx, this.used);
    this.val.set(v.val, this.used);
    this.used += v.idx.length;
    this.start.push(this.used);
  }

  row(i: number): SparseVector {
    const a = this.start[i] as number;
    const b = this.start[i + 1] as number;
    return { idx: this.idx.subarray(a, b), val: this.val.subarray(a, b) };
  }
}

function combined(sa: SparseVector, da: Float32Array, sb: SparseVector, db: Float32Array): number {
  return SPARSE_WEIGHT * sparseDot(sa, sb) + (1 - SPARSE_WEIGHT) * denseDot(da, db);
}

/** normalize(own + weight · mean(neighbours)): docs/search-model.md's smoothing, on the dense vectors. */
export function smoothDense(own: Float32Array, neighbours: readonly Float32Array[]): Float32Array {
  const out = Float32Array.from(own);
  if (neighbours.length) {
    const w = SMOOTHING_WEIGHT / neighbours.length;
    for (const n of neighbours) for (let c = 0; c < out.length; c++) out[c] = (out[c] as number) + w * (n[c] as number);
  }
  return normalize(out);
}

function sample<T>(items: readonly T[], max: number, seed: number): T[] {
  if (items.length <= max) return [...items];
  const r = rng(seed);
  const idx = items.map((_, i) => i);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [idx[i], idx[j]] = [idx[j] as number, idx[i] as number];
  }
  return idx.slice(0, max).map((i) => items[i] as T);
}

function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new Error('search index build stopped');
}

/** The provider a context asks for: an external one, or the built-in model. */
function providerFor(ctx: BuildContext, model: TextModel): EmbeddingProvider {
  const external = ctx.provider === undefined ? externalProvider(ctx.config) : ctx.provider;
  return external ?? new BuiltinProvider(model);
}

/** The provider and model the settings would build with now (to tell whether the current index is stale). */
export function configuredProviderName(config: Config): string {
  return externalProvider(config)?.model ?? 'builtin';
}

/** Whether the current index was built with another provider than the settings name. */
export function providerChanged(row: { provider: string; model: string }, config: Config): boolean {
  const wanted = externalProvider(config);
  return wanted ? wanted.model !== row.model : row.provider !== 'builtin';
}

/** Removes the files, tables and rows of indexes that are no longer used. */
export async function disposeOldIndexes(ctx: BuildContext): Promise<number> {
  const ids = await disposableIndexes(ctx.db, new Date(Date.now() - STALE_BUILD_MS).toISOString());
  for (const id of ids) {
    await removeVectorIndex(ctx, id);
    await deleteIndexRow(ctx.db, id);
  }
  return ids.length;
}

export async function rebuildSearchIndex(ctx: BuildContext): Promise<BuildReport | null> {
  return withLease(ctx.db, 'search-rebuild', () => rebuild(ctx));
}

async function rebuild(ctx: BuildContext): Promise<BuildReport | null> {
  const log = ctx.log ?? (() => {});
  const t0 = now();
  const ids = await allPaperIds(ctx.db);
  if (ids.length < MIN_PAPERS_FOR_INDEX) {
    log(`${ids.length} papers: too few to learn from (at least ${MIN_PAPERS_FOR_INDEX}); search stays keyword-only`);
    return null;
  }
  const indexId = await createIndexRow(ctx.db, { provider: 'builtin', model: 'training', corpusSize: ids.length });
  try {
    return await build(ctx, indexId, ids, t0);
  } catch (e) {
    await updateIndexRow(ctx.db, indexId, { state: 'failed', last_error: String((e as Error).message).slice(0, 2000) });
    await removeVectorIndex(ctx, indexId).catch(() => undefined);
    throw e;
  }
}

async function build(ctx: BuildContext, indexId: number, ids: string[], t0: number): Promise<BuildReport> {
  const log = ctx.log ?? (() => {});
  const n = ids.length;

  // 1. Train the built-in model.
  const tTrain = now();
  const sampleIds = sample(ids, TRAIN_MAX_DOCS, 42);
  const texts: string[] = [];
  for (let i = 0; i < sampleIds.length; i += BUILD_BATCH) {
    const got = await paperTexts(ctx.db, sampleIds.slice(i, i + BUILD_BATCH));
    for (const p of got.values()) texts.push(paperText(p));
  }
  log(`training the text model on ${texts.length} of ${n} papers`);
  const model = TextModel.train(texts, { ...(ctx.dims ? { dims: ctx.dims } : {}), onProgress: log });
  texts.length = 0;
  const train = secs(tTrain);
  const provider = providerFor(ctx, model);
  log(`text model: ${model.vocabularySize} terms, ${model.dims} dims; vectors from ${provider.model}`);
  checkAborted(ctx.signal);

  const { smoothed, dims, represent, neighbours } = await representAndSmooth(ctx, indexId, ids, model, provider);
  log(`smoothed ${n} vectors with their ${SMOOTHING_NEIGHBOURS} nearest papers`);

  // 4. Write the index, then switch to it.
  const tWrite = now();
  const index = await createVectorIndex(ctx, indexId, dims);
  try {
    const STEP = 20_000;
    for (let i = 0; i < n; i += STEP) {
      const keys = Array.from({ length: Math.min(STEP, n - i) }, (_, j) => i + j);
      await index.add(
        keys,
        keys.map((key) => smoothed.subarray(key * dims, (key + 1) * dims)),
      );
      checkAborted(ctx.signal);
    }
    await index.save();
  } finally {
    await index.close();
  }
  const write = secs(tWrite);
  const report: BuildReport = {
    indexId,
    papers: n,
    provider: provider.name,
    model: provider.model,
    dims,
    vocabulary: model.vocabularySize,
    trainedOn: Math.min(n, TRAIN_MAX_DOCS),
    seconds: { train, represent, neighbours, write, total: secs(t0) },
    cpuSeconds: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1e5) / 10,
    peakRssMb: rssMb(),
  };
  await switchTo(ctx.db, indexId, {
    provider: provider.name,
    model: provider.model,
    dims,
    papers: n,
    next_key: n,
    text_model: model.serialize(),
    info: JSON.stringify({ ...report, textModel: model.info }),
  });
  log(`index ${indexId} is current: ${n} papers, ${dims} dims (${provider.model}) in ${report.seconds.total} s`);
  await disposeOldIndexes(ctx);
  return report;
}

/**
 * Steps 2 and 3 of a build: every paper's vectors, and their smoothed dense vectors. In a function of
 * its own so that the large intermediates (plain vectors, tf-idf rows, the temporary graph) can be
 * collected before the index is written.
 */
async function representAndSmooth(
  ctx: BuildContext,
  indexId: number,
  ids: string[],
  model: TextModel,
  provider: EmbeddingProvider,
): Promise<{ smoothed: Float32Array; dims: number; represent: number; neighbours: number }> {
  const log = ctx.log ?? (() => {});
  const n = ids.length;
  // 2. Represent every paper: tf-idf (built-in) and the provider's dense vector.
  const tRep = now();
  const sparse = new SparseRows();
  let dims = 0;
  let dense = new Float32Array(0);
  for (let i = 0; i < n; i += BUILD_BATCH) {
    const chunk = ids.slice(i, i + BUILD_BATCH);
    const got = await paperTexts(ctx.db, chunk);
    const chunkTexts = chunk.map((id) => {
      const p = got.get(id);
      return p ? paperText(p) : '';
    });
    const vecs = chunkTexts.map((t) => model.vectorize(t));
    for (const v of vecs) sparse.push(v.sparse);
    const embedded = provider.name === 'builtin' ? vecs.map((v) => v.dense) : await provider.embed(chunkTexts, 'document', ctx.signal);
    if (!dims) {
      dims = (embedded[0] as Float32Array).length;
      dense = new Float32Array(n * dims);
    }
    embedded.forEach((v, j) => {
      if (v.length !== dims) throw new Error(`${provider.model} gave vectors of ${v.length} and ${dims} dimensions`);
      dense.set(normalize(Float32Array.from(v)), (i + j) * dims);
    });
    await insertDocs(
      ctx.db,
      indexId,
      chunk.map((paperId, j) => ({ key: i + j, paperId })),
    );
    if (((i / BUILD_BATCH) | 0) % 25 === 24 || i + BUILD_BATCH >= n) log(`represented ${Math.min(n, i + BUILD_BATCH)} of ${n} papers`);
    checkAborted(ctx.signal);
  }
  const represent = secs(tRep);

  // 3. Neighbours: a temporary HNSW graph of the plain vectors gives a shortlist; the full similarity
  //    (½ tf-idf + ½ dense) picks the neighbours among it; each vector is smoothed with its neighbours'.
  const tNb = now();
  const row = (i: number) => dense.subarray(i * dims, (i + 1) * dims);
  const smoothed = new Float32Array(n * dims);
  const graph = new usearch.Index({
    dimensions: dims,
    metric: usearch.MetricKind.IP,
    quantization: usearch.ScalarKind.F16,
    connectivity: 16,
    expansion_add: 64,
    expansion_search: NEIGHBOUR_SHORTLIST * 2,
    multi: false,
  });
  graph.add(
    BigUint64Array.from({ length: n }, (_, i) => BigInt(i)),
    dense,
    0,
  );
  const k = Math.min(n, NEIGHBOUR_SHORTLIST + 1);
  const QUERIES = 10_000;
  for (let q0 = 0; q0 < n; q0 += QUERIES) {
    const q1 = Math.min(n, q0 + QUERIES);
    const found = graph.search(dense.subarray(q0 * dims, q1 * dims), k, 0);
    for (let i = q0; i < q1; i++) {
      const own = sparse.row(i);
      const d = row(i);
      const cands: { j: number; s: number }[] = [];
      const base = (i - q0) * k;
      const count = found instanceof usearch.BatchMatches ? Number(found.counts[i - q0] ?? k) : k;
      for (let c = 0; c < count; c++) {
        const j = Number(found.keys[base + c]);
        if (j === i || j >= n) continue;
        cands.push({ j, s: combined(own, d, sparse.row(j), row(j)) });
      }
      cands.sort((a, b) => b.s - a.s || a.j - b.j);
      smoothed.set(
        smoothDense(
          d,
          cands.slice(0, SMOOTHING_NEIGHBOURS).map((c) => row(c.j)),
        ),
        i * dims,
      );
    }
    checkAborted(ctx.signal);
  }
  const neighbours = secs(tNb);
  return { smoothed, dims, represent, neighbours };
}

export interface UpdateReport {
  indexId: number | null;
  added: number;
  /** Why nothing could be added, when so. */
  reason?: 'no-index' | 'provider-changed';
}

/** Adds the papers the current index lacks (new since it was built), embedded with its model. */
export async function updateSearchIndex(ctx: BuildContext): Promise<UpdateReport> {
  const cur = await currentIndex(ctx.db);
  if (!cur) return { indexId: null, added: 0, reason: 'no-index' };
  if (ctx.provider === undefined && providerChanged(cur, ctx.config)) return { indexId: cur.id, added: 0, reason: 'provider-changed' };
  return withLease(ctx.db, `search-write-${cur.id}`, async () => {
    const log = ctx.log ?? (() => {});
    const bytes = await textModelBytes(ctx.db, cur.id);
    if (!bytes) throw new Error(`index ${cur.id} has no text model`);
    const model = TextModel.deserialize(bytes);
    const provider = cur.provider === 'builtin' ? new BuiltinProvider(model) : providerFor(ctx, model);
    const index = await openVectorIndex(ctx, cur.id, cur.dims, true);
    let nextKey = cur.next_key;
    let added = 0;
    try {
      for (;;) {
        const missing = await papersMissingFrom(ctx.db, cur.id, BUILD_BATCH);
        if (!missing.length) break;
        const texts = missing.map(paperText);
        const vecs = texts.map((t) => model.vectorize(t));
        const embedded = provider.name === 'builtin' ? vecs.map((v) => v.dense) : await provider.embed(texts, 'document', ctx.signal);
        const keys: number[] = [];
        const out: Float32Array[] = [];
        for (let i = 0; i < missing.length; i++) {
          const d = normalize(Float32Array.from(embedded[i] as Float32Array));
          if (d.length !== cur.dims)
            throw new Error(`${provider.model} now gives ${d.length} dimensions; the index has ${cur.dims}: rebuild it`);
          out.push(await smoothNew(ctx, index, cur.id, model, vecs[i]?.sparse as SparseVector, d));
          keys.push(nextKey++);
        }
        await index.add(keys, out);
        await insertDocs(
          ctx.db,
          cur.id,
          missing.map((p, i) => ({ key: keys[i] as number, paperId: p.id })),
        );
        added += missing.length;
        checkAborted(ctx.signal);
      }
      if (added) {
        await index.save();
        const size = await index.size();
        await ctx.db.transaction().execute(async (trx) => {
          await trx
            .updateTable('search_indexes')
            .set((eb) => ({ next_key: nextKey, papers: size, revision: eb('revision', '+', 1) }))
            .where('id', '=', cur.id)
            .execute();
          await bumpDataGeneration(trx);
        });
        log(`added ${added} papers to search index ${cur.id}`);
      }
    } finally {
      await index.close();
    }
    return { indexId: cur.id, added };
  });
}

/** A new paper's smoothed vector: its nearest indexed papers, re-ranked by the full similarity, smooth it. */
async function smoothNew(
  ctx: BuildContext,
  index: Awaited<ReturnType<typeof openVectorIndex>>,
  indexId: number,
  model: TextModel,
  sparse: SparseVector,
  dense: Float32Array,
): Promise<Float32Array> {
  const hits = await index.search(dense, NEIGHBOUR_SHORTLIST);
  if (!hits.length) return dense;
  const ids = await paperIdsOfKeys(
    ctx.db,
    indexId,
    hits.map((h) => h.key),
  );
  const texts = await paperTexts(ctx.db, [...ids.values()]);
  const stored = await index.get(hits.map((h) => h.key));
  const cands: { s: number; v: Float32Array }[] = [];
  hits.forEach((h, i) => {
    const id = ids.get(h.key);
    const t = id ? texts.get(id) : undefined;
    const v = stored[i];
    if (!t || !v) return;
    cands.push({ s: combined(sparse, dense, model.vectorize(paperText(t)).sparse, v), v });
  });
  cands.sort((a, b) => b.s - a.s);
  return smoothDense(
    dense,
    cands.slice(0, SMOOTHING_NEIGHBOURS).map((c) => c.v),
  );
}
