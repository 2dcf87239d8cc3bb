// Applies a rate-limit policy to a request: 429 with Retry-After when the window is full.
import { hitRateLimit } from '../db/queries/rate-limits.ts';
import { RATE_LIMITS, type RatePolicyName } from '../domain/rate-limits.ts';
import type { AppContext } from './context.ts';
import { HttpError } from './errors.ts';

function wait(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

export async function enforceRateLimit(ctx: AppContext, policy: RatePolicyName, subject: string): Promise<void> {
  const p = RATE_LIMITS[policy];
  const d = await hitRateLimit(ctx.store.db, p, subject, ctx.config.rateLimitScale);
  if (!d.allowed) {
    throw new HttpError(429, `Too many ${p.what} (at most ${d.limit} in ${wait(p.windowSeconds)}). Try again in ${wait(d.retryAfter)}.`, {
      'retry-after': String(d.retryAfter),
    });
  }
}
