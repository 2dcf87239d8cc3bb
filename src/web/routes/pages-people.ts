// `/orgs/{name}`, `/authors/{name}` and `/submitters/{username}`: the papers of one of them, paged.
import type { FastifyInstance } from 'fastify';
import { orgMembers } from '../../actions/organisations.ts';
import { countEntries, countPapersWhere } from '../../db/queries/pages-counts.ts';
import { findOrgByName, findUserByUsername, listEntries, listPapersWhere } from '../../db/queries/papers.ts';
import { htmlResponse, sendCached } from '../cached.ts';
import type { AppContext } from '../context.ts';
import { notFound } from '../errors.ts';
import type { Query } from '../params.ts';
import { renderCollectionPage } from '../views/collection-page.ts';
import { authorPath, orgPath, submitterPath, userName } from '../views/components.ts';
import { plural } from '../views/format.ts';
import { orgMemberChips } from '../views/org-members-page.ts';
import { pageCount, pageParam, tooFar } from './pages-lists.ts';

const ECHO_CHARS = 80;
const echo = (s: string) => (s.length > ECHO_CHARS ? `${s.slice(0, ECHO_CHARS)}…` : s);
const pageHref = (path: string) => (n: number) => (n === 1 ? path : `${path}?p=${n}`);

export function registerPeoplePages(app: FastifyInstance, ctx: AppContext): void {
  app.get('/orgs/:name', async (req, reply) => {
    const { name } = req.params as { name: string };
    const page = pageParam(req.query as Query);
    return sendCached(ctx, req, reply, async () => {
      const db = ctx.store.db;
      const org = await findOrgByName(db, name);
      if (!org) throw notFound(`There is no organization “${echo(name)}” on this site.`);
      const size = ctx.config.pageSize;
      const total = await countPapersWhere(db, { organizationId: org.id });
      const pages = pageCount(total, size);
      if (page > pages) throw tooFar(page, pages);
      const rows = await listPapersWhere(db, { organizationId: org.id }, { limit: size, offset: (page - 1) * size });
      const heading = org.fullname?.trim() || org.name;
      return htmlResponse(
        renderCollectionPage({
          kind: 'Organization',
          heading,
          handle: org.name,
          feed: { title: `Papers of ${heading}`, path: `/feeds/orgs/${encodeURIComponent(org.name)}` },
          avatar: org.avatar,
          rows,
          total,
          noun: 'paper',
          pager: { page, pages, href: pageHref(orgPath(org.name)) },
          description: `Papers from ${heading}: ${plural(total, 'paper')}, newest first.`,
          emptyText: `No papers from ${heading} yet.`,
          extra: orgMemberChips(org, await orgMembers(db, org.id)),
        }),
      );
    });
  });

  app.get('/authors/:name', async (req, reply) => {
    const { name } = req.params as { name: string };
    const page = pageParam(req.query as Query);
    return sendCached(ctx, req, reply, async () => {
      const db = ctx.store.db;
      const total = await countPapersWhere(db, { authorName: name });
      if (!total) throw notFound(`There is no paper by an author named “${echo(name)}” on this site. Names must match exactly.`);
      const size = ctx.config.pageSize;
      const pages = pageCount(total, size);
      if (page > pages) throw tooFar(page, pages);
      const rows = await listPapersWhere(db, { authorName: name }, { limit: size, offset: (page - 1) * size });
      return htmlResponse(
        renderCollectionPage({
          kind: 'Author',
          heading: name,
          feed: { title: `Papers by ${name}`, path: `/feeds/authors/${encodeURIComponent(name)}` },
          rows,
          total,
          noun: 'paper',
          pager: { page, pages, href: pageHref(authorPath(name)) },
          description: `Papers by ${name}: ${plural(total, 'paper')}, newest first.`,
          emptyText: `No papers by ${name}.`,
        }),
      );
    });
  });

  app.get('/submitters/:username', async (req, reply) => {
    const { username } = req.params as { username: string };
    const page = pageParam(req.query as Query);
    return sendCached(ctx, req, reply, async () => {
      const db = ctx.store.db;
      const user = await findUserByUsername(db, username);
      if (!user) throw notFound(`There is no member “${echo(username)}” on this site.`);
      const size = ctx.config.pageSize;
      const total = await countEntries(db, { submitterId: user.id });
      const pages = pageCount(total, size);
      if (page > pages) throw tooFar(page, pages);
      const rows = total ? await listEntries(db, { submitterId: user.id, limit: size, offset: (page - 1) * size }) : [];
      const heading = userName(user);
      return htmlResponse(
        renderCollectionPage({
          kind: 'Submitter',
          heading,
          handle: `@${user.username}`,
          avatar: user.avatar_url,
          rows,
          total,
          noun: 'submitted paper',
          pager: { page, pages, href: pageHref(submitterPath(user.username)) },
          description: `Papers ${heading} put on the daily list: ${plural(total, 'paper')}, latest first.`,
          emptyText: `${heading} has not submitted a paper to the daily list yet.`,
        }),
      );
    });
  });
}
