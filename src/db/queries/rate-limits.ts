// Rate-limit counters: fixed windows stored as rows, incremented with one upsert, so that every
// process of the site counts together (the "works across several processes").
import { type Kysely, sql } from 'kysely';
import { type RatePolicy, retryAfterSeconds, scaledLimit, windowAt } from '../../domain/rate-limits.ts';
import type { Database } from '../schema.ts';

export interface RateDecision {
  allowed: boolean;
  /** Seconds until the window ends, when refused. */
  retryAfter: number;
  count: number;
  limit: number;
}

/** Counts one more `policy` event for `subject` (an address, a member id); says whether it is allowed. */
export async function hitRateLimit(
  db: Kysely<Database>,
  policy: RatePolicy,
  subject: string,
  scale: number,
  nowMs = Date.now(),
): Promise<RateDecision> {
  const limit = scaledLimit(policy, scale);
  if (limit === 0) return { allowed: true, retryAfter: 0, count: 0, limit: 0 };
  const w = windowAt(nowMs, policy.windowSeconds);
  const bucket = `${policy.name}:${subject}`.slice(0, 300);
  const now = new Date(nowMs).toISOString();
  const row = await db
    .insertInto('rate_limits')
    .values({ bucket, window_start: new Date(w.start).toISOString(), count: 1, expires_at: new Date(w.end).toISOString() })
    .onConflict((oc) => oc.columns(['bucket', 'window_start']).doUpdateSet({ count: sql<number>`rate_limits.count + 1` }))
    .returning('count')
    .executeTakeFirstOrThrow();
  const count = Number(row.count);
  // A new window is the moment to sweep out ended ones (an indexed range delete, usually of nothing).
  if (count === 1) await db.deleteFrom('rate_limits').where('expires_at', '<=', now).execute();
  return { allowed: count <= limit, retryAfter: retryAfterSeconds(nowMs, w.end), count, limit };
}
