// `GET /api/daily_papers`, compatible with huggingface.co (docs/api.md).
import type { FastifyInstance } from 'fastify';
import { findHfIdentityByUsername, findUserByUsername, type ListSort, listEntries } from '../../db/queries/papers.ts';
import { jsonResponse, sendCached } from '../cached.ts';
import type { AppContext } from '../context.ts';
import { badRequest } from '../errors.ts';
import { intParam, periodParam, type Query, single, withParam } from '../params.ts';
import { presentDailyItem } from '../presenters/hf.ts';

export const API_DEFAULT_LIMIT = 50;
export const API_MAX_LIMIT = 100;
/** Deep pages cost a scan; no client needs more than this many pages of one period. */
export const API_MAX_PAGE = 10_000;
/** A Map, not an object: a user-given key like `constructor` or `__proto__` must not be found in it. */
const SORTS: ReadonlyMap<string, ListSort> = new Map([
  ['publishedAt', 'publishedAt'],
  ['trending', 'trending'],
]);

export function registerDailyPapersApi(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/daily_papers', async (req, reply) => {
    const q = req.query as Query;
    const period = periodParam(q);
    const limit = intParam(q, 'limit', { min: 1, max: API_MAX_LIMIT, default: API_DEFAULT_LIMIT });
    const page = intParam(q, 'p', { min: 0, max: API_MAX_PAGE, default: 0 });
    const sortRaw = single(q, 'sort');
    if (sortRaw !== undefined && sortRaw !== '' && !SORTS.has(sortRaw)) {
      throw badRequest('Parameter "sort" must be "publishedAt" or "trending".');
    }
    const submitter = single(q, 'submitter');
    return sendCached(ctx, req, reply, async () => {
      // Hugging Face's `submitter` is a user name: the member of that name here and the Hugging Face
      // user imported under it are two people, and the answer holds the entries of both (each item's
      // `submittedBy._id` tells them apart).
      let submitterId: number | undefined;
      let hfSubmitterId: number | undefined;
      if (submitter !== undefined) {
        submitterId = (await findUserByUsername(ctx.store.db, submitter))?.id;
        hfSubmitterId = (await findHfIdentityByUsername(ctx.store.db, submitter))?.id;
        if (submitterId === undefined && hfSubmitterId === undefined) return jsonResponse([]);
      }
      // One more row than asked tells whether a next page exists, without counting.
      const rows = await listEntries(ctx.store.db, {
        ...(period ? { start: period.start, end: period.end } : {}),
        ...(submitterId !== undefined ? { submitterId } : {}),
        ...(hfSubmitterId !== undefined ? { hfSubmitterId } : {}),
        ...(sortRaw ? { sort: SORTS.get(sortRaw) as ListSort } : {}),
        limit: limit + 1,
        offset: page * limit,
      });
      const headers: Record<string, string> = {};
      if (rows.length > limit) headers.link = `<${ctx.config.baseUrl}${withParam(req.url, 'p', String(page + 1))}>; rel="next"`;
      return jsonResponse(rows.slice(0, limit).map(presentDailyItem), headers);
    });
  });
}
