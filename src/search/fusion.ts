// Fusing ranked lists. Every ranker returns (ids, scores), best first; fusion gives one list.
//
// - Reciprocal rank fusion (Cormack, Clarke and Büttcher, 2009): score(d) = Σ w / (k + rank(d)), k = 60.
//   It needs no calibration between the rankers' scores (BM25 and cosines live on unrelated scales),
//   which is why it is the default. What was measured against it is in docs/search-model.md.
// - Convex combination of min-max normalised scores (Bruch, Gai and Ingber, 2023), for comparison:
//   score(d) = α · norm(kw) + (1 - α) · norm(meaning), a paper missing from a list scoring 0 there.
import type { Ranked } from './keyword/fts.ts';

/** RRF's constant: the published default; larger values flatten the head of each list. */
export const RRF_K = 60;

export interface FusedItem {
  id: string;
  score: number;
  /** 1-based rank in each input list (undefined where absent). */
  ranks: (number | undefined)[];
}

export type FusionMethod = { kind: 'rrf'; k?: number; weights?: number[] } | { kind: 'convex'; alpha: number };

export function rrf(lists: readonly Ranked[], k = RRF_K, weights?: readonly number[]): FusedItem[] {
  const byId = new Map<string, FusedItem>();
  lists.forEach((list, li) => {
    const w = weights?.[li] ?? 1;
    list.ids.forEach((id, r) => {
      let item = byId.get(id);
      if (!item) {
        item = { id, score: 0, ranks: new Array(lists.length).fill(undefined) };
        byId.set(id, item);
      }
      if (item.ranks[li] !== undefined) return; // a list naming a paper twice counts it once
      item.ranks[li] = r + 1;
      item.score += w / (k + r + 1);
    });
  });
  return sortFused([...byId.values()]);
}

function minMax(scores: readonly number[]): (s: number) => number {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const s of scores) {
    lo = Math.min(lo, s);
    hi = Math.max(hi, s);
  }
  return (s) => (hi > lo ? (s - lo) / (hi - lo) : 1);
}

/** α weighs the first list (keyword), 1 - α the second (meaning). */
export function convex(lists: readonly [Ranked, Ranked], alpha: number): FusedItem[] {
  const byId = new Map<string, FusedItem>();
  lists.forEach((list, li) => {
    const norm = minMax(list.scores);
    const w = li === 0 ? alpha : 1 - alpha;
    list.ids.forEach((id, r) => {
      let item = byId.get(id);
      if (!item) {
        item = { id, score: 0, ranks: [undefined, undefined] };
        byId.set(id, item);
      }
      if (item.ranks[li] !== undefined) return;
      item.ranks[li] = r + 1;
      item.score += w * norm(list.scores[r] as number);
    });
  });
  return sortFused([...byId.values()]);
}

export function fuse(lists: readonly [Ranked, Ranked], method: FusionMethod = { kind: 'rrf' }): FusedItem[] {
  return method.kind === 'rrf' ? rrf(lists, method.k, method.weights) : convex(lists, method.alpha);
}

/** Best first; ties go to the paper ranked higher by the first list that has it, then by id. */
function sortFused(items: FusedItem[]): FusedItem[] {
  const best = (x: FusedItem) => Math.min(...x.ranks.map((r) => r ?? Number.POSITIVE_INFINITY));
  return items.sort((a, b) => b.score - a.score || best(a) - best(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
