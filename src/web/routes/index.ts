import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { registerDailyPapersApi } from './api-daily-papers.ts';
import { registerPapersApi } from './api-papers.ts';
import { registerFeeds } from './feeds.ts';
import { registerHealth } from './health.ts';
import { registerListPages } from './pages-lists.ts';
import { registerPaperPage } from './pages-paper.ts';
import { registerPeoplePages } from './pages-people.ts';

/** Every route of the site, in one place, so that the whole surface is visible at a glance. */
export function registerRoutes(app: FastifyInstance, ctx: AppContext): void {
  registerHealth(app, ctx);
  registerDailyPapersApi(app, ctx);
  registerPapersApi(app, ctx);
  registerFeeds(app, ctx);
  registerListPages(app, ctx);
  registerPaperPage(app, ctx);
  registerPeoplePages(app, ctx);
}
