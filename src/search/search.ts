// Search over the whole corpus: the keyword ranker, the meaning ranker, or both fused (the default).
// Every ranker returns (ids, scores) best first, already filtered; fusion makes one list; one shared
// step then pages it, hydrates the papers and marks the query's words in titles and abstracts.
import { type PaperView, papersByIds } from '../db/queries/papers.ts';
import type { SearchFilters } from './filters.ts';
import { type FusedItem, type FusionMethod, fuse } from './fusion.ts';
import { highlight, type Piece } from './highlight.ts';
import { keywordSearch, matchingAny, type Ranked } from './keyword/fts.ts';
import { MAX_QUERY_CHARS, MAX_TERMS, type ParsedQuery, parseQuery, positiveText } from './keyword/query.ts';
import type { LoadedIndex, SearchService } from './service.ts';

export const SEARCH_MODES = ['hybrid', 'keyword', 'meaning'] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];

/** How deep each ranker looks for hybrid and meaning searches: results past this are not offered. */
export const RANKER_DEPTH = 200;
/** Keyword-only searches page deeper, since their order is exact. */
export const MAX_KEYWORD_RESULTS = 1000;
/**
 * In hybrid searches, FTS5 ranks at most this many keyword matches (the newest stored; see
 * keywordSearch's `budget`): the keyword side of a broad query then costs the same on a million papers
 * as on 10,000, while more specific queries are ranked whole. Older papers that match still come in
 * through the meaning ranker. (Scoring the meaning ranker's papers by BM25 as well was measured and
 * dropped: FTS5 looks papers up one at a time slowly, ~2 ms each.)
 */
export const HYBRID_KEYWORD_BUDGET = 10_000;
/**
 * Hybrid fusion: reciprocal rank fusion (k = 60) of the papers that hold every word of the query (BM25,
 * weighing twice) and the meaning list. When no paper holds every word (a sentence, a long title), the
 * meaning list alone ranks: papers sharing only some words, among the newest, were measured to drag
 * good meaning results down (docs/search-model.md, "Hybrid search").
 */
export const HYBRID_FUSION: FusionMethod = { kind: 'rrf', k: 60, weights: [2, 1] };

export interface SearchRequest {
  /** The raw query (anything: it is parsed safely). */
  q: unknown;
  mode: SearchMode;
  filters: SearchFilters;
  offset: number;
  limit: number;
  /** For measurements: another fusion. */
  fusion?: FusionMethod;
}

export type NoteCode = 'truncated' | 'relaxed' | 'keyword-only' | 'no-meaning-words';

export interface SearchNote {
  code: NoteCode;
  message: string;
}

export interface SearchHit {
  view: PaperView;
  score: number;
  highlightedTitle: Piece[];
  highlightedSummary: Piece[];
  /** Rank of the paper in each ranker's list (1-based), where it was found. */
  keywordRank?: number;
  meaningRank?: number;
}

export interface SearchResponse {
  parsed: ParsedQuery;
  /** Why there is nothing to search for (empty query, only `-words`). */
  problem?: string;
  /** The mode asked for, and the one that ran (hybrid falls back to keyword while no index is built). */
  mode: SearchMode;
  used: SearchMode;
  hits: SearchHit[];
  /** Results reachable by paging (capped at the rankers' depth). */
  total: number;
  /** Hybrid: how many papers hold every word of the query (capped at RANKER_DEPTH); the rest are close in meaning. */
  wordMatches?: number;
  notes: SearchNote[];
}

/** The rankers' lists and the fused order, before paging: what measurements and the CLI look at. */
export interface RankedSearch {
  parsed: ParsedQuery;
  used: SearchMode;
  keyword?: Ranked;
  meaning?: Ranked;
  fused: FusedItem[];
  notes: SearchNote[];
}

function note(code: NoteCode): SearchNote {
  const messages: Record<NoteCode, string> = {
    truncated: `Your query was shortened: only its first ${MAX_QUERY_CHARS} characters and ${MAX_TERMS} terms are searched.`,
    relaxed: 'No paper holds every word, so papers holding some of them are shown.',
    'keyword-only': 'Meaning search is being prepared (its index is built in the background): these results match your words only.',
    'no-meaning-words': 'None of these words is known to the meaning model yet, so results match your words only.',
  };
  return { code, message: messages[code] };
}

/** The meaning ranker: the query's vector against the index, filters applied, `-words` excluded. */
export async function meaningRanked(
  svc: SearchService,
  l: LoadedIndex,
  parsed: ParsedQuery,
  filters: SearchFilters,
  depth: number,
): Promise<Ranked | null> {
  const vector = await svc.embedQuery(l, positiveText(parsed));
  if (!vector) return null;
  const filter = svc.filter(l, filters);
  const hits = await l.index.search(vector, depth, filter);
  const ids = await filter.paperIds(hits.map((h) => h.key));
  let out = hits.flatMap((h) => {
    const id = ids.get(h.key);
    return id ? [{ id, score: h.score }] : [];
  });
  const negated = parsed.terms.filter((t) => t.negated);
  if (negated.length && out.length) {
    const excluded = await matchingAny(
      svc.db,
      negated,
      out.map((o) => o.id),
    );
    out = out.filter((o) => !excluded.has(o.id));
  }
  return { ids: out.map((o) => o.id), scores: out.map((o) => o.score) };
}

function asFused(r: Ranked): FusedItem[] {
  return r.ids.map((id, i) => ({ id, score: r.scores[i] as number, ranks: [i + 1] }));
}

/** Runs the rankers and fuses them: everything but paging and hydration. */
export async function rankSearch(
  svc: SearchService,
  req: Omit<SearchRequest, 'offset' | 'limit'> & { depth?: number },
): Promise<RankedSearch> {
  const parsed = parseQuery(req.q);
  const notes: SearchNote[] = [];
  if (parsed.truncated) notes.push(note('truncated'));
  if (parsed.problem) return { parsed, used: req.mode, fused: [], notes };
  const depth = req.depth ?? RANKER_DEPTH;

  const l = req.mode === 'keyword' ? null : await svc.current();
  const meaningReady = !!l && svc.canEmbed(l);
  if (req.mode !== 'keyword' && !meaningReady) notes.push(note('keyword-only'));

  let meaning: Ranked | null = null;
  if (l && meaningReady) {
    const k = req.mode === 'meaning' ? depth : RANKER_DEPTH;
    try {
      meaning = await meaningRanked(svc, l, parsed, req.filters, k);
    } catch (e) {
      // Another process may have switched to a new build (and removed this one) since the check above.
      const again = await svc.current();
      if (!again || again.id === l.id) throw e;
      meaning = await meaningRanked(svc, again, parsed, req.filters, k);
    }
    if (!meaning) notes.push(note('no-meaning-words'));
  }
  if (req.mode === 'meaning' && meaning) return { parsed, used: 'meaning', meaning, fused: asFused(meaning), notes };

  if (req.mode === 'hybrid' && meaning) {
    const keyword = await keywordSearch(svc.db, parsed, req.filters, RANKER_DEPTH, { budget: HYBRID_KEYWORD_BUDGET, relax: false });
    return { parsed, used: 'hybrid', keyword, meaning, fused: fuse([keyword, meaning], req.fusion ?? HYBRID_FUSION), notes };
  }
  const keyword = await keywordSearch(svc.db, parsed, req.filters, Math.min(depth, MAX_KEYWORD_RESULTS));
  if (keyword.relaxed) notes.push(note('relaxed'));
  return { parsed, used: 'keyword', keyword, fused: asFused(keyword), notes };
}

/** The shared last step: a page of fused results, hydrated, with the query's words marked. */
export async function hydrateHits(
  svc: SearchService,
  parsed: ParsedQuery,
  items: readonly FusedItem[],
  ranked: RankedSearch,
): Promise<SearchHit[]> {
  const views = await papersByIds(
    svc.db,
    items.map((i) => i.id),
  );
  const byId = new Map(items.map((i) => [i.id, i]));
  const kwRank = new Map(ranked.keyword?.ids.map((id, i) => [id, i + 1]));
  const mRank = new Map(ranked.meaning?.ids.map((id, i) => [id, i + 1]));
  return views.map((view) => {
    const id = view.paper.id;
    const k = kwRank.get(id);
    const m = mRank.get(id);
    return {
      view,
      score: byId.get(id)?.score ?? 0,
      highlightedTitle: highlight(view.paper.title, parsed),
      highlightedSummary: highlight(view.paper.abstract, parsed),
      ...(k !== undefined ? { keywordRank: k } : {}),
      ...(m !== undefined ? { meaningRank: m } : {}),
    };
  });
}

export async function search(svc: SearchService, req: SearchRequest): Promise<SearchResponse> {
  const depth = req.mode === 'keyword' ? Math.min(MAX_KEYWORD_RESULTS, req.offset + req.limit + 1) : RANKER_DEPTH;
  const ranked = await rankSearch(svc, { ...req, depth });
  const { parsed } = ranked;
  const base = { parsed, mode: req.mode, used: ranked.used, notes: ranked.notes };
  if (parsed.problem) return { ...base, problem: parsed.problem, hits: [], total: 0 };
  const page = ranked.fused.slice(req.offset, req.offset + req.limit);
  const hits = await hydrateHits(svc, parsed, page, ranked);
  const wordMatches = ranked.used === 'hybrid' ? { wordMatches: ranked.keyword?.ids.length ?? 0 } : {};
  return { ...base, hits, total: ranked.fused.length, ...wordMatches };
}
