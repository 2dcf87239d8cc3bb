// Comment ordering: the lower bound of the Wilson score interval for the share of upvotes, as Lobsters
// (and Reddit's "best") order comments. A comment with 1 up and 0 down does not beat one with 40 up and
// 5 down: the bound asks "how good is this comment at least, given how few votes we have seen?".
//
//   n = up + down, p = up / n
//   score = (p + z²/2n − z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n)        (0 when n = 0)
//
// Ties (equal scores, e.g. no votes yet) go to the older comment, then the lower id, so that the
// thread reads as a conversation and the order never flips between two page loads.

/** z for an 80% confidence interval: the value Lobsters uses; small, so a few votes already count. */
export const WILSON_Z = 1.281551565545;

export function wilsonLowerBound(up: number, down: number, z: number = WILSON_Z): number {
  const n = up + down;
  if (n <= 0) return 0;
  const p = up / n;
  const z2 = z * z;
  return (p + z2 / (2 * n) - z * Math.sqrt((p * (1 - p) + z2 / (4 * n)) / n)) / (1 + z2 / n);
}

export interface Rankable {
  id: number;
  score: number;
  created_at: string;
}

/** Siblings in thread order: score descending, then older first, then lower id. */
export function compareComments(a: Rankable, b: Rankable): number {
  if (a.score !== b.score) return b.score - a.score;
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? -1 : 1;
  return a.id - b.id;
}
