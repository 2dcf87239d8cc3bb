// The list pages: `/` and `/papers` (the latest day with papers), `/papers/date/YYYY-MM-DD`,
// `/papers/week/YYYY-Www`, `/papers/month/YYYY-MM` (and `/papers/week`, `/papers/month` for the latest).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { countEntries, latestDayWithin } from '../../db/queries/pages-counts.ts';
import { latestListDay, listEntries, neighbourDays } from '../../db/queries/papers.ts';
import {
  dayString,
  monthKeyOf,
  type Period,
  type PeriodKind,
  parseDay,
  parseMonth,
  parseWeek,
  periodContaining,
  weekKeyOf,
} from '../../domain/periods.ts';
import { htmlResponse, sendCached } from '../cached.ts';
import type { AppContext } from '../context.ts';
import { badRequest, notFound } from '../errors.ts';
import { listVariant, listViewOf } from '../list-view.ts';
import { intParam, type Query } from '../params.ts';
import { setSiteName } from '../views/layout.ts';
import { periodPath, renderListPage } from '../views/list-page.ts';

/** Deep pages cost a scan; no period holds anywhere near this many pages. */
export const MAX_LIST_PAGE = 1000;
/** How much of a bad path segment an error message repeats. */
const ECHO_CHARS = 60;

/** `?p=` on pages counts from 1, as people do (the JSON API's `p` counts from 0, as Hugging Face's does). */
export function pageParam(q: Query): number {
  return intParam(q, 'p', { min: 1, max: MAX_LIST_PAGE, default: 1 });
}

export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

export function tooFar(page: number, pages: number): Error {
  return notFound(`There is no page ${page} here: this list has ${pages === 1 ? 'only one page' : `${pages} pages`}.`);
}

function echo(raw: string): string {
  return raw.length > ECHO_CHARS ? `${raw.slice(0, ECHO_CHARS)}…` : raw;
}

/** The links that keep the shown day when switching between Daily, Weekly and Monthly. */
function tabsFor(day: string) {
  return { daily: `/papers/date/${day}`, weekly: `/papers/week/${weekKeyOf(day)}`, monthly: `/papers/month/${monthKeyOf(day)}` };
}

async function showPeriod(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  resolve: () => Promise<{ period: Period; canonical?: string }>,
): Promise<FastifyReply> {
  const page = pageParam(req.query as Query);
  const view = listViewOf(req);
  return sendCached(
    ctx,
    req,
    reply,
    async () => {
      const db = ctx.store.db;
      const size = ctx.config.pageSize;
      const { period, canonical } = await resolve();
      const total = await countEntries(db, { start: period.start, end: period.end });
      const pages = pageCount(total, size);
      if (page > pages) throw tooFar(page, pages);
      const rows = total ? await listEntries(db, { start: period.start, end: period.end, limit: size, offset: (page - 1) * size }) : [];
      const near = await neighbourDays(db, period.start, period.end);
      const anchor = period.kind === 'day' ? period.key : ((await latestDayWithin(db, period.start, period.end)) ?? period.start);
      const path = periodPath(period);
      return htmlResponse(
        renderListPage({
          period,
          rows,
          total,
          firstRank: (page - 1) * size + 1,
          pager: { page, pages, href: (n) => (n === 1 ? path : `${path}?p=${n}`) },
          ...(near.prev ? { prev: periodContaining(period.kind, near.prev), prevDay: near.prev } : {}),
          ...(near.next ? { next: periodContaining(period.kind, near.next), nextDay: near.next } : {}),
          tabs: tabsFor(anchor),
          ...(canonical ? { canonical: `${ctx.config.baseUrl}${canonical}` } : {}),
          view,
          path: req.url,
        }),
      );
    },
    listVariant(view),
  );
}

/** The period of `kind` holding the latest day with papers (today, when no list has any). */
async function latestPeriod(ctx: AppContext, kind: PeriodKind): Promise<{ period: Period; canonical: string }> {
  const day = (await latestListDay(ctx.store.db)) ?? dayString(new Date());
  const period = periodContaining(kind, day);
  return { period, canonical: periodPath(period) };
}

export function registerListPages(app: FastifyInstance, ctx: AppContext): void {
  // The layout (and so the error page) names the site; see setSiteName.
  setSiteName(ctx.config.siteName);
  const latestDay = async (req: FastifyRequest, reply: FastifyReply) => showPeriod(ctx, req, reply, () => latestPeriod(ctx, 'day'));
  app.get('/', latestDay);
  app.get('/papers', latestDay);
  app.get('/papers/week', async (req, reply) => showPeriod(ctx, req, reply, () => latestPeriod(ctx, 'week')));
  app.get('/papers/month', async (req, reply) => showPeriod(ctx, req, reply, () => latestPeriod(ctx, 'month')));

  app.get('/papers/date/:day', async (req, reply) => {
    const raw = (req.params as { day: string }).day;
    const day = parseDay(raw);
    if (!day) {
      throw badRequest(`“${echo(raw)}” is not a calendar day. A day is written YYYY-MM-DD, for example /papers/date/2026-06-02.`);
    }
    const period = periodContaining('day', day);
    return showPeriod(ctx, req, reply, async () => ({ period }));
  });

  app.get('/papers/week/:week', async (req, reply) => {
    const raw = (req.params as { week: string }).week;
    const period = parseWeek(raw);
    if (!period) {
      throw badRequest(
        `“${echo(raw)}” is not an ISO week. A week is written YYYY-Www, with weeks 01 to 52 (53 in some years), for example /papers/week/2026-W23.`,
      );
    }
    return showPeriod(ctx, req, reply, async () => ({ period }));
  });

  app.get('/papers/month/:month', async (req, reply) => {
    const raw = (req.params as { month: string }).month;
    const period = parseMonth(raw);
    if (!period) throw badRequest(`“${echo(raw)}” is not a month. A month is written YYYY-MM, for example /papers/month/2026-06.`);
    return showPeriod(ctx, req, reply, async () => ({ period }));
  });
}
