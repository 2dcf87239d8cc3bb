// Similar papers (`GET /api/papers/{id}/similar`) and the personal feed (`/for-you`, `GET /api/for-you`).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { getPaperRow } from '../../db/queries/papers.ts';
import { FOR_YOU_CANDIDATES, forYou } from '../../search/for-you.ts';
import { searchService } from '../../search/service.ts';
import { MAX_SIMILAR, similarPapers } from '../../search/similar.ts';
import { requireBearer } from '../api-auth.ts';
import { memberOrRedirect } from '../auth.ts';
import { jsonResponse, sendCached } from '../cached.ts';
import type { AppContext } from '../context.ts';
import { HttpError, notFound } from '../errors.ts';
import { intParam, type Query, single } from '../params.ts';
import { presentForYouItem, presentSimilarItem } from '../presenters/search.ts';
import { sendPage } from '../send-page.ts';
import { plural } from '../views/format.ts';
import { renderForYouPage } from '../views/recommend.ts';
import { paperIdParam } from './api-papers.ts';

export const SIMILAR_API_DEFAULT = 10;
export const FOR_YOU_PAGE_SIZE = 20;
const MAX_FOR_YOU_PAGE = Math.ceil(FOR_YOU_CANDIDATES / FOR_YOU_PAGE_SIZE);
/** What a client is told while the index is first built. */
const RETRY_AFTER_SECONDS = '60';

function notReady(): HttpError {
  return new HttpError(503, 'The meaning index is being built; try again in a minute.', { 'retry-after': RETRY_AFTER_SECONDS });
}

export function registerRecommend(app: FastifyInstance, ctx: AppContext): void {
  const similar = async (raw: string, req: FastifyRequest, reply: FastifyReply) => {
    const id = paperIdParam(raw);
    const limit = intParam(req.query as Query, 'limit', { min: 1, max: MAX_SIMILAR, default: SIMILAR_API_DEFAULT });
    return sendCached(ctx, req, reply, async () => {
      const row = await getPaperRow(ctx.store.db, id);
      if (!row || row.hidden) throw notFound(`No paper ${id} on this server.`);
      const items = await similarPapers(searchService(ctx.store, ctx.config), id, limit);
      if (items === null) throw notReady();
      return jsonResponse(items.map(presentSimilarItem));
    });
  };
  app.get('/api/papers/:id/similar', async (req, reply) => similar((req.params as { id: string }).id, req, reply));
  app.get('/api/papers/:archive/:number/similar', async (req, reply) => {
    const { archive, number } = req.params as { archive: string; number: string };
    return similar(`${archive}/${number}`, req, reply);
  });

  // A member's feed through the API: their own only, with an API token (a feed reveals upvotes).
  app.get('/api/for-you', async (req) => {
    const member = await requireBearer(ctx, req);
    const q = req.query as Query;
    const limit = intParam(q, 'limit', { min: 1, max: FOR_YOU_CANDIDATES, default: FOR_YOU_PAGE_SIZE });
    const p = intParam(q, 'p', { min: 0, max: FOR_YOU_CANDIDATES, default: 0 });
    const recent = single(q, 'recent');
    if (recent !== undefined && recent !== '0' && recent !== '1') throw new HttpError(400, 'Parameter "recent" must be 1 or 0.');
    const r = await forYou(searchService(ctx.store, ctx.config), member.id, { offset: p * limit, limit, recent: recent === '1' });
    if (r.status === 'no-index') throw notReady();
    if (r.status === 'too-few-upvotes') {
      throw Object.assign(
        new HttpError(
          409,
          `Upvote at least ${plural(r.needed, 'paper')} first (${r.upvotes.toLocaleString('en-US')} so far): the feed is learnt from your upvotes.`,
        ),
        { code: 'too_few_upvotes' },
      );
    }
    return r.items.map(presentForYouItem);
  });

  app.get('/for-you', async (req, reply) => {
    const m = memberOrRedirect(req, reply);
    if (!m) return reply;
    const q = req.query as Query;
    const all = single(q, 'all') === '1';
    const page = intParam(q, 'p', { min: 1, max: MAX_FOR_YOU_PAGE, default: 1 });
    const result = await forYou(searchService(ctx.store, ctx.config), m.id, {
      offset: (page - 1) * FOR_YOU_PAGE_SIZE,
      limit: FOR_YOU_PAGE_SIZE,
      recent: !all,
    });
    return sendPage(ctx, req, reply, renderForYouPage({ result, recent: !all, page, pageSize: FOR_YOU_PAGE_SIZE, username: m.username }));
  });
}
