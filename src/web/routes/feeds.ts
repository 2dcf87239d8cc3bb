// RSS 2.0 and Atom feeds: daily, weekly, monthly, trending, an organisation, an author, a search.
// `/feeds/daily.rss`, `/feeds/orgs/{name}.atom`, `/feeds/search.rss?q=...`. Conditional requests
// (ETag / Last-Modified) answer 304 when nothing changed, so polling readers cost almost nothing.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findOrgByName, papersByIds } from '../../db/queries/papers.ts';
import { buildFeed, type FeedFormat, type FeedSpec } from '../../feeds/build.ts';
import { authorFeed, dailyFeed, orgFeed, periodFeed, searchFeed, trendingFeed } from '../../feeds/specs.ts';
import { parseQuery } from '../../search/keyword/query.ts';
import { sendCached } from '../cached.ts';
import type { AppContext } from '../context.ts';
import { badRequest, notFound } from '../errors.ts';
import { type Query, single } from '../params.ts';

const CONTENT_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
};

function splitExt(file: string): { name: string; format: FeedFormat } {
  const m = /^(.+)\.(rss|atom)$/.exec(file);
  if (!m) throw notFound('Feeds end in .rss or .atom.');
  return { name: m[1] as string, format: m[2] as FeedFormat };
}

export function registerFeeds(app: FastifyInstance, ctx: AppContext): void {
  const send = (req: FastifyRequest, reply: FastifyReply, format: FeedFormat, make: () => Promise<FeedSpec | null>) =>
    sendCached(ctx, req, reply, async () => {
      const spec = await make();
      if (!spec) throw notFound('Nothing to make a feed of here.');
      const { body, updated } = buildFeed(spec, format, { baseUrl: ctx.config.baseUrl, siteName: ctx.config.siteName });
      return {
        body: Buffer.from(body),
        contentType: CONTENT_TYPES[format],
        status: 200,
        headers: { 'last-modified': (updated.getTime() > 0 ? updated : new Date(0)).toUTCString(), 'cache-control': 'public, max-age=300' },
      };
    });

  app.get('/feeds/:file', async (req, reply) => {
    const { name, format } = splitExt((req.params as { file: string }).file);
    const db = ctx.store.db;
    switch (name) {
      case 'daily':
        return send(req, reply, format, () => dailyFeed(db));
      case 'weekly':
        return send(req, reply, format, () => periodFeed(db, 'week'));
      case 'monthly':
        return send(req, reply, format, () => periodFeed(db, 'month'));
      case 'trending':
        return send(req, reply, format, () => trendingFeed(db));
      case 'search': {
        const raw = single(req.query as Query, 'q') ?? '';
        const q = parseQuery(raw);
        if (q.problem) throw badRequest(`A search feed needs a query: ${q.problem}`);
        return send(req, reply, format, () => searchFeed(db, q, raw.slice(0, 250), (ids) => papersByIds(db, ids)));
      }
      default:
        throw notFound(`There is no feed called "${name.slice(0, 50)}".`);
    }
  });

  app.get('/feeds/orgs/:file', async (req, reply) => {
    const { name, format } = splitExt((req.params as { file: string }).file);
    return send(req, reply, format, async () => {
      const org = await findOrgByName(ctx.store.db, name);
      return org ? orgFeed(ctx.store.db, org) : null;
    });
  });

  app.get('/feeds/authors/:file', async (req, reply) => {
    const { name, format } = splitExt((req.params as { file: string }).file);
    return send(req, reply, format, () => authorFeed(ctx.store.db, name));
  });
}
