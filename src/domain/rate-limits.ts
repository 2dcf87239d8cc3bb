// Rate-limit policies: how many times an action may happen per window, per client address or per
// member. Fixed windows (counter rows in the database, see db/queries/rate-limits.ts), so that every
// process of the site shares them. FOLIO_RATE_LIMIT_SCALE multiplies every limit (0 turns them off).

export interface RatePolicy {
  /** Short name, part of the bucket key and of the 429 message. */
  name: string;
  limit: number;
  windowSeconds: number;
  /** What the 429 says was too frequent. */
  what: string;
}

const MIN = 60;
const HOUR = 60 * MIN;

export const RATE_LIMITS = {
  /** Password guessing from one address. */
  signInIp: { name: 'signin-ip', limit: 20, windowSeconds: 15 * MIN, what: 'sign-in attempts from your address' },
  /** Password guessing on one account, from many addresses. */
  signInAccount: { name: 'signin-account', limit: 10, windowSeconds: 15 * MIN, what: 'sign-in attempts for this account' },
  signUpIp: { name: 'signup-ip', limit: 5, windowSeconds: HOUR, what: 'new accounts from your address' },
  resetIp: { name: 'reset-ip', limit: 5, windowSeconds: HOUR, what: 'password reset requests from your address' },
  resetAccount: { name: 'reset-account', limit: 3, windowSeconds: HOUR, what: 'password reset mails for this address' },
  confirmResend: { name: 'confirm-resend', limit: 3, windowSeconds: HOUR, what: 'confirmation mails' },
  votes: { name: 'votes', limit: 120, windowSeconds: 10 * MIN, what: 'votes' },
  comments: { name: 'comments', limit: 10, windowSeconds: 10 * MIN, what: 'comments' },
  commentEdits: { name: 'comment-edits', limit: 30, windowSeconds: 10 * MIN, what: 'comment edits' },
  /** Previews store nothing but render (Markdown, TeX) like a post: bounded apart from posts, so previewing never uses up comments. */
  commentPreviews: { name: 'comment-previews', limit: 60, windowSeconds: 10 * MIN, what: 'comment previews' },
  submissions: { name: 'submissions', limit: 20, windowSeconds: HOUR, what: 'submissions' },
  claims: { name: 'claims', limit: 20, windowSeconds: HOUR, what: 'authorship claims' },
  tokens: { name: 'tokens', limit: 20, windowSeconds: HOUR, what: 'new API tokens' },
  /** Digest subscriptions by visitors: each one mails a confirmation link to the address given. */
  subscribeIp: { name: 'subscribe-ip', limit: 10, windowSeconds: HOUR, what: 'subscription requests from your address' },
  subscribeEmail: { name: 'subscribe-email', limit: 3, windowSeconds: HOUR, what: 'confirmation mails to this address' },
} as const satisfies Record<string, RatePolicy>;

export type RatePolicyName = keyof typeof RATE_LIMITS;

/** The window holding `nowMs`: its start and end as epoch milliseconds. */
export function windowAt(nowMs: number, windowSeconds: number): { start: number; end: number } {
  const size = windowSeconds * 1000;
  const start = Math.floor(nowMs / size) * size;
  return { start, end: start + size };
}

/** The limit after scaling; 0 means unlimited. */
export function scaledLimit(p: RatePolicy, scale: number): number {
  if (scale <= 0) return 0;
  return Math.max(1, Math.round(p.limit * scale));
}

/** Whole seconds until the window ends (at least 1), for `Retry-After`. */
export function retryAfterSeconds(nowMs: number, windowEndMs: number): number {
  return Math.max(1, Math.ceil((windowEndMs - nowMs) / 1000));
}
