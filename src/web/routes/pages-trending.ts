// `/papers/trending` (the list) and `/about/trending` (docs/trending.md, the formula explained).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import MarkdownIt from 'markdown-it';
import { trendingParams } from '../../config.ts';
import { latestListDay, listTrending } from '../../db/queries/papers.ts';
import { htmlResponse, sendCached } from '../cached.ts';
import type { AppContext } from '../context.ts';
import { listVariant, listViewOf } from '../list-view.ts';
import type { Query } from '../params.ts';
import { renderDocPage, renderTrendingPage, STALE_LIST_DAYS } from '../views/trending-page.ts';
import { pageCount, pageParam, tooFar } from './pages-lists.ts';

const TRENDING_DOC = fileURLToPath(new URL('../../../docs/trending.md', import.meta.url));
/** Where docs/trending.md turns from readers to operators; /about/trending shows what comes before. */
const OPERATORS_HEADING = '\n## For operators';
/** The trending list is as deep as this many pages of FOLIO_PAGE_SIZE. */
export const TRENDING_MAX_PAGES = 20;

/** Whether the newest list day is more than STALE_LIST_DAYS days before today (UTC, as list days are). */
export function isStale(newestDay: string, now: Date): boolean {
  const today = Date.parse(`${now.toISOString().slice(0, 10)}T00:00:00Z`);
  return (today - Date.parse(`${newestDay}T00:00:00Z`)) / 86_400_000 > STALE_LIST_DAYS;
}

export function registerTrendingPages(app: FastifyInstance, ctx: AppContext): void {
  app.get('/papers/trending', async (req, reply) => {
    const page = pageParam(req.query as Query);
    const view = listViewOf(req);
    return sendCached(
      ctx,
      req,
      reply,
      async () => {
        const size = ctx.config.pageSize;
        if (page > TRENDING_MAX_PAGES) throw tooFar(page, TRENDING_MAX_PAGES);
        const counted = await ctx.store.db
          .selectFrom('papers')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('hidden', '=', 0)
          .where('trending_score', '>', 0)
          .executeTakeFirstOrThrow();
        const total = Number(counted.n);
        const pages = Math.min(TRENDING_MAX_PAGES, pageCount(total, size));
        if (page > pages) throw tooFar(page, pages);
        const rows = await listTrending(ctx.store.db, { limit: size, offset: (page - 1) * size });
        const newest = await latestListDay(ctx.store.db);
        const stale = newest !== undefined && isStale(newest, new Date());
        return htmlResponse(
          renderTrendingPage({
            rows,
            ...(stale ? { staleSince: newest } : {}),
            params: trendingParams(ctx.config),
            firstRank: (page - 1) * size + 1,
            total,
            pager: { page, pages, href: (n) => (n === 1 ? '/papers/trending' : `/papers/trending?p=${n}`) },
            view,
            path: req.url,
          }),
        );
      },
      listVariant(view),
    );
  });

  let doc: string | undefined;
  app.get('/about/trending', async (req, reply) =>
    sendCached(ctx, req, reply, async () => {
      // Raw HTML off: the page is made from the Markdown alone.
      // Readers get the formula and what it weighs; the part for operators (the SQL, the source files)
      // stays in the repository's copy.
      doc ??= new MarkdownIt({ html: false, linkify: false }).render(
        readFileSync(TRENDING_DOC, 'utf8').split(OPERATORS_HEADING)[0] as string,
      );
      return htmlResponse(renderDocPage('How trending works', doc));
    }),
  );
}
