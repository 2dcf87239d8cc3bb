// "Similar papers": the paper's (smoothed) vector finds a shortlist in the index; the shortlist is
// re-ranked by the model's full similarity, ½ dense + ½ tf-idf (docs/search-model.md), and each result
// comes with the shared words that weigh most in the match.
import { type PaperView, papersByIds } from '../db/queries/papers.ts';
import { keysOfPapers, paperTexts } from '../db/queries/search-indexes.ts';
import { paperText } from './datasets.ts';
import { normalize } from './embeddings/provider.ts';
import { sparseDot } from './model/sparse.ts';
import { SPARSE_WEIGHT } from './model/text-model.ts';
import type { SearchService } from './service.ts';

/** Papers fetched from the index before re-ranking. */
export const SIMILAR_SHORTLIST = 50;
/** Shown on a paper page (5-8 is what fits beside a paper without crowding it). */
export const SIMILAR_ON_PAGE = 6;
export const MAX_SIMILAR = 50;
/** Words shown to explain each match. */
export const EXPLAIN_WORDS = 4;

export interface SimilarPaper {
  view: PaperView;
  score: number;
  /** The shared words that weigh most in the match, most first. */
  words: string[];
}

/** Similar papers, or null while no index is built (or the paper is unknown). */
export async function similarPapers(svc: SearchService, paperId: string, limit: number): Promise<SimilarPaper[] | null> {
  const l = await svc.current();
  if (!l) return null;
  const own = (await paperTexts(svc.db, [paperId])).get(paperId);
  if (!own) return null;
  const ownVec = l.model.vectorize(paperText(own));
  const key = (await keysOfPapers(svc.db, l.id, [paperId])).get(paperId);
  let query = key === undefined ? undefined : (await l.index.get([key]))[0];
  if (!query) {
    // Not indexed yet (added since the last update): its own vector, unsmoothed.
    if (l.row.provider === 'builtin') query = ownVec.dense;
    else if (l.provider) query = normalize(Float32Array.from((await l.provider.embed([paperText(own)], 'document'))[0] as Float32Array));
    else return null;
    if (query.every((x) => x === 0)) return [];
  }
  const filter = svc.filter(l, {});
  const hits = (await l.index.search(query, Math.min(SIMILAR_SHORTLIST, Math.max(limit * 3, limit + 1)) + 1, filter)).filter(
    (h) => h.key !== key,
  );
  const ids = await filter.paperIds(hits.map((h) => h.key));
  const cands = hits.flatMap((h) => {
    const id = ids.get(h.key);
    return id && id !== paperId ? [{ id, dense: h.score }] : [];
  });
  const texts = await paperTexts(
    svc.db,
    cands.map((c) => c.id),
  );
  const scored = cands.flatMap((c) => {
    const t = texts.get(c.id);
    if (!t) return [];
    const vec = l.model.vectorize(paperText(t));
    return [{ id: c.id, vec, score: SPARSE_WEIGHT * sparseDot(ownVec.sparse, vec.sparse) + (1 - SPARSE_WEIGHT) * c.dense }];
  });
  scored.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
  const top = scored.slice(0, limit);
  const views = new Map(
    (
      await papersByIds(
        svc.db,
        top.map((t) => t.id),
      )
    ).map((v) => [v.paper.id, v]),
  );
  return top.flatMap((t) => {
    const view = views.get(t.id);
    if (!view) return [];
    const words = l.model.explain(ownVec, t.vec, EXPLAIN_WORDS).map((w) => w.term);
    return [{ view, score: t.score, words }];
  });
}
