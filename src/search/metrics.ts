// Ranking metrics for the "similar papers" evaluation on CSFCube. Pure functions.
//
// Two NDCG conventions are in use for this collection, and they differ by about 5 points:
// - "standard" (the default here): gain 2^g - 1, discount 1/log2(rank + 1), the ideal DCG from the
//   whole judged pool sorted by grade and cut at the same k. This is the convention that reproduces the
//   published figures for this data set (SPECTER on the dev split: MAP 35.40, NDCG%20 48.04), so the
//   targets and the tables in docs/search-model.md use it.
// - "csfcube-script": what the collection's eval_scripts/ranking_eval.py computes through the
//   `rank_metrics` module it imports (bwhite's gist): ndcg_at_k(r, k) with its default method=0, i.e.
//   gain = the raw grade and weights 1, 1, 1/log2(3), 1/log2(4), ... (the first two ranks are not
//   discounted). It scores every method higher (SPECTER dev: 53.02); reported alongside.
// Both use k = floor(0.20 * pool size) for NDCG%20. Average precision is the same in both: binary
// relevance (grade >= 2), the mean of precision@i over the ranks i that hold a relevant item.
// A pool is ranked whole: a candidate a method cannot place goes to the bottom (for the published SPECTER
// figure, the query paper that sits in its own pool), which is what reproduces MAP 35.40.

/** Mean of precision@i over every rank i (1-based) whose item is relevant; 0 when none is. */
export function averagePrecision(relevant: readonly boolean[]): number {
  let hits = 0;
  let sum = 0;
  for (let i = 0; i < relevant.length; i++) {
    if (relevant[i]) {
      hits++;
      sum += hits / (i + 1);
    }
  }
  return hits === 0 ? 0 : sum / hits;
}

export type NdcgConvention = 'standard' | 'csfcube-script';

/** Discounted cumulative gain of the first k grades (in ranked order). */
export function dcgAtK(grades: readonly number[], k: number, convention: NdcgConvention = 'standard'): number {
  const n = Math.min(k, grades.length);
  let dcg = 0;
  for (let i = 0; i < n; i++) {
    const g = grades[i] ?? 0;
    if (convention === 'standard') dcg += (2 ** g - 1) / Math.log2(i + 2);
    else dcg += i === 0 ? g : g / Math.log2(i + 1);
  }
  return dcg;
}

/**
 * DCG@k of a ranking normalised by the DCG@k of the ideal ranking of the same judged items
 * (all of them, sorted by grade); 0 when the ideal is 0.
 */
export function ndcgAtK(grades: readonly number[], k: number, convention: NdcgConvention = 'standard'): number {
  const ideal = dcgAtK(
    [...grades].sort((a, b) => b - a),
    k,
    convention,
  );
  return ideal === 0 ? 0 : dcgAtK(grades, k, convention) / ideal;
}

/** The cut-off of NDCG%20: a fifth of the pool, rounded down as Python's int() does. */
export function ndcgPercentCutoff(poolSize: number, fraction = 0.2): number {
  return Math.floor(fraction * poolSize);
}

/** Grade at or above which a candidate counts as relevant for average precision. */
export const RELEVANT_GRADE = 2;

export interface QueryMetrics {
  /** Average precision, grades >= 2 relevant. */
  ap: number;
  /** NDCG at 20% of the pool, "standard" convention. */
  ndcg20pct: number;
  /** NDCG at 20% of the pool, as the CSFCube script computes it. */
  ndcg20pctScript: number;
}

/** The collection metrics for one query, from the grades of its whole pool in ranked order. */
export function queryMetrics(rankedGrades: readonly number[], threshold = RELEVANT_GRADE): QueryMetrics {
  const k = ndcgPercentCutoff(rankedGrades.length);
  return {
    ap: averagePrecision(rankedGrades.map((g) => g >= threshold)),
    ndcg20pct: ndcgAtK(rankedGrades, k, 'standard'),
    ndcg20pctScript: ndcgAtK(rankedGrades, k, 'csfcube-script'),
  };
}
