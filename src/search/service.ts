// The search index as one process sees it: the current build's text model and vectors, loaded once and
// reloaded when another process (the worker, `folio search-index`) switches to a new build or adds
// papers. Before every search it reads the current build's id and revision (one indexed row), so a
// page rendered for a new data generation never comes from an old index.
import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Store } from '../db/connection.ts';
import { currentHead, currentIndex, type IndexRow, paperIdsOfKeys, textModelBytes } from '../db/queries/search-indexes.ts';
import type { Database } from '../db/schema.ts';
import { type EmbeddingProvider, externalProvider, normalize } from './embeddings/provider.ts';
import { filterCondition, type SearchFilters } from './filters.ts';
import { providerChanged } from './index-build.ts';
import { TextModel } from './model/text-model.ts';
import { openVectorIndex } from './vectors/open.ts';
import type { KeyFilter, VectorIndex } from './vectors/vector-index.ts';

/** Query vectors kept (an external provider costs a request per query; typing repeats prefixes). */
const QUERY_CACHE_SIZE = 500;
/** Keys per statement when testing them against filters. */
const CHUNK = 2000;

export interface LoadedIndex {
  id: number;
  revision: number;
  row: IndexRow;
  model: TextModel;
  index: VectorIndex;
  /** Embeds queries for this index; null when the settings now name another provider (rebuild pending). */
  provider: EmbeddingProvider | null;
}

/** Keys of the current index that pass the search filters (hidden papers never do). */
export class DocsFilter implements KeyFilter {
  /** Paper ids of the keys seen by `test`, so that the ranker need not look them up again. */
  readonly ids = new Map<number, string>();
  constructor(
    private readonly db: Kysely<Database>,
    private readonly indexId: number,
    readonly filters: SearchFilters,
  ) {}

  private base() {
    return this.db
      .selectFrom('search_docs as d')
      .innerJoin('papers as p', 'p.id', 'd.paper_id')
      .select(['d.key', 'd.paper_id'])
      .where('d.index_id', '=', this.indexId)
      .where((eb) => filterCondition(eb as never, this.filters));
  }

  async test(keys: readonly number[]): Promise<Set<number>> {
    const out = new Set<number>();
    for (let i = 0; i < keys.length; i += CHUNK) {
      const rows = await this.base()
        .where('d.key', 'in', keys.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) {
        out.add(r.key);
        this.ids.set(r.key, r.paper_id);
      }
    }
    return out;
  }

  async all(max: number): Promise<number[] | null> {
    const rows = await this.base()
      .limit(max + 1)
      .execute();
    if (rows.length > max) return null;
    for (const r of rows) this.ids.set(r.key, r.paper_id);
    return rows.map((r) => r.key);
  }

  /** Paper ids of keys, from what `test` saw or from the store. */
  async paperIds(keys: readonly number[]): Promise<Map<number, string>> {
    const missing = keys.filter((k) => !this.ids.has(k));
    if (missing.length) for (const [k, id] of await paperIdsOfKeys(this.db, this.indexId, missing)) this.ids.set(k, id);
    return this.ids;
  }
}

export class SearchService {
  private loaded: LoadedIndex | null = null;
  private loading: Promise<LoadedIndex | null> | null = null;
  private readonly queryCache = new Map<string, Float32Array | null>();

  constructor(
    readonly store: Store,
    readonly config: Config,
  ) {}

  get db(): Kysely<Database> {
    return this.store.db;
  }

  /** The current index, (re)loaded when it changed; null while none is built. */
  async current(): Promise<LoadedIndex | null> {
    const head = await currentHead(this.db);
    const have = this.loaded;
    if (!head) {
      if (have) await this.drop();
      return null;
    }
    if (have && have.id === head.id && have.revision === head.revision) return have;
    this.loading ??= this.load(head).finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  private async load(head: { id: number; revision: number }): Promise<LoadedIndex | null> {
    const row = await currentIndex(this.db);
    if (!row) return null;
    const prev = this.loaded;
    let model: TextModel;
    if (prev && prev.id === row.id) model = prev.model;
    else {
      const bytes = await textModelBytes(this.db, row.id);
      if (!bytes) return null;
      model = TextModel.deserialize(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
    }
    const index = await openVectorIndex({ db: this.db, dialect: this.store.dialect, dataDir: this.config.dataDir }, row.id, row.dims);
    const provider = row.provider === 'builtin' ? null : providerChanged(row, this.config) ? null : externalProvider(this.config);
    if (prev && prev.id !== row.id) this.queryCache.clear();
    this.loaded = { id: row.id, revision: Math.max(head.revision, row.revision), row, model, index, provider };
    if (prev) await prev.index.close();
    return this.loaded;
  }

  private async drop(): Promise<void> {
    const prev = this.loaded;
    this.loaded = null;
    this.queryCache.clear();
    if (prev) await prev.index.close();
  }

  /** Whether queries can be embedded for the current index (false when another provider is configured). */
  canEmbed(l: LoadedIndex): boolean {
    return l.row.provider === 'builtin' || l.provider !== null;
  }

  /** The unit query vector, or null when the text holds nothing the model knows. */
  async embedQuery(l: LoadedIndex, text: string): Promise<Float32Array | null> {
    const key = `${l.id}\u0000${text}`;
    if (this.queryCache.has(key)) {
      const v = this.queryCache.get(key) ?? null;
      this.queryCache.delete(key);
      this.queryCache.set(key, v);
      return v;
    }
    let v: Float32Array | null;
    if (l.row.provider === 'builtin') v = l.model.embed(text);
    else if (l.provider) v = ((await l.provider.embed([text], 'query'))[0] as Float32Array | undefined) ?? null;
    else v = null;
    if (v) {
      v = normalize(Float32Array.from(v));
      if (v.every((x) => x === 0) || v.length !== l.row.dims) v = null;
    }
    this.queryCache.set(key, v);
    if (this.queryCache.size > QUERY_CACHE_SIZE) this.queryCache.delete(this.queryCache.keys().next().value as string);
    return v;
  }

  filter(l: LoadedIndex, filters: SearchFilters): DocsFilter {
    return new DocsFilter(this.db, l.id, filters);
  }

  async close(): Promise<void> {
    await this.drop();
  }
}

const services = new WeakMap<Store, SearchService>();

/** The one service of a store in this process (web routes and in-process jobs share it). */
export function searchService(store: Store, config: Config): SearchService {
  let s = services.get(store);
  if (!s) {
    s = new SearchService(store, config);
    services.set(store, s);
  }
  return s;
}
