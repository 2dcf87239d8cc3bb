// The trending score, published so that anyone can see why a paper is where it is (docs/trending.md):
//
//   score = (upvotes + COMMENT_WEIGHT * comments + STAR_WEIGHT * ln(1 + stars)) / (ageHours + AGE_OFFSET)^GRAVITY
//
// as Hacker News ranks stories: points over a power of age. Age runs from the paper's latest entry on a
// daily list (or its arXiv publication, for papers never listed). The database computes the same
// expression (db/queries/trending.ts); this function is its reference and its test oracle.

export interface TrendingParams {
  /** How fast age pulls a paper down; Hacker News uses 1.8. */
  gravity: number;
  /** Hours added to the age, so that a brand-new paper is not divided by zero (HN: 2). */
  ageOffsetHours: number;
  /** A comment is worth this many upvotes: discussion is a sign of interest, but cheaper to fake. */
  commentWeight: number;
  /** GitHub stars count logarithmically: 10 stars add STAR_WEIGHT * 2.4, 10,000 add STAR_WEIGHT * 9.2. */
  starWeight: number;
}

export const DEFAULT_TRENDING: TrendingParams = { gravity: 1.8, ageOffsetHours: 2, commentWeight: 0.5, starWeight: 1 };

export interface TrendingInputs {
  upvotes: number;
  comments: number;
  stars: number;
  ageHours: number;
}

export function trendingScore(x: TrendingInputs, p: TrendingParams = DEFAULT_TRENDING): number {
  const points = x.upvotes + p.commentWeight * x.comments + p.starWeight * Math.log(1 + Math.max(0, x.stars));
  if (points <= 0) return 0;
  return points / (Math.max(0, x.ageHours) + p.ageOffsetHours) ** p.gravity;
}
