import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { registerListView } from '../list-view.ts';
import { registerAdmin } from './admin.ts';
import { registerAdminOutbox } from './admin-outbox.ts';
import { registerDailyPapersApi } from './api-daily-papers.ts';
import { registerPapersApi } from './api-papers.ts';
import { registerComments } from './comments.ts';
import { registerDigestRoutes } from './digest.ts';
import { registerFeeds } from './feeds.ts';
import { registerHealth } from './health.ts';
import { registerOrgMembers } from './org-members.ts';
import { registerAccountPages } from './pages-account.ts';
import { registerListPages } from './pages-lists.ts';
import { registerPaperPage } from './pages-paper.ts';
import { registerPeoplePages } from './pages-people.ts';
import { registerSettingsPages } from './pages-settings.ts';
import { registerTrendingPages } from './pages-trending.ts';
import { registerPaperTools } from './paper-tools.ts';
import { registerRecommend } from './recommend.ts';
import { registerSearch } from './search.ts';
import { registerSubmit } from './submit.ts';
import { registerVotes } from './votes.ts';

/** Every route of the site, in one place, so that the whole surface is visible at a glance. */
export function registerRoutes(app: FastifyInstance, ctx: AppContext): void {
  registerHealth(app, ctx);
  registerDailyPapersApi(app, ctx);
  registerPapersApi(app, ctx);
  registerFeeds(app, ctx);
  registerListPages(app, ctx);
  registerListView(app, ctx);
  registerPaperPage(app, ctx);
  // Search and discovery: /search, the search API, similar papers, for you, trending.
  registerSearch(app, ctx);
  registerRecommend(app, ctx);
  registerTrendingPages(app, ctx);
  registerPeoplePages(app, ctx);
  // Members: accounts, votes, comments, submissions, authorship, organisations, moderation.
  registerAccountPages(app, ctx);
  registerSettingsPages(app, ctx);
  registerVotes(app, ctx);
  registerComments(app, ctx);
  registerSubmit(app, ctx);
  registerPaperTools(app, ctx);
  registerOrgMembers(app, ctx);
  registerAdmin(app, ctx);
  // The digest: subscriptions, confirmation and unsubscribe links, the mail outbox.
  registerDigestRoutes(app, ctx);
  registerAdminOutbox(app, ctx);
}
