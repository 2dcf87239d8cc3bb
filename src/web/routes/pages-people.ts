// `/orgs/{name}`, `/authors/{name}`, `/submitters/{username}` (a member of this site) and
// `/huggingface/{username}` (a Hugging Face user named by imported files): the papers of one of them, paged.
import type { FastifyInstance } from 'fastify';
import { orgMembers } from '../../actions/organisations.ts';
import { countEntries, countPapersWhere } from '../../db/queries/pages-counts.ts';
import { findHfIdentityByUsername, findOrgByName, findUserByUsername, listEntries, listPapersWhere } from '../../db/queries/papers.ts';
import { htmlResponse, sendCached } from '../cached.ts';
import type { AppContext } from '../context.ts';
import { notFound } from '../errors.ts';
import type { Query } from '../params.ts';
import { renderCollectionPage } from '../views/collection-page.ts';
import { authorPath, hfUserPath, orgPath, submitterPath, userName } from '../views/components.ts';
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
    const user = await findUserByUsername(ctx.store.db, username);
    // Old links named imported submitters here: without a member of that name, the Hugging Face user's
    // page answers (302, not 301: someone may sign up under the name later, and is someone else).
    if (!user && (await findHfIdentityByUsername(ctx.store.db, username))) return reply.redirect(hfUserPath(username), 302);
    return sendCached(ctx, req, reply, async () => {
      if (!user) throw notFound(`There is no member “${echo(username)}” on this site.`);
      const heading = userName(user);
      return submittedPage(
        ctx,
        page,
        { submitterId: user.id },
        {
          kind: 'Submitter',
          heading,
          handle: `@${user.username}`,
          avatar: user.avatar_url,
          path: submitterPath(user.username),
          description: (total) => `Papers ${heading} put on the daily list: ${plural(total, 'paper')}, latest first.`,
          emptyText: `${heading} has not submitted a paper to the daily list yet.`,
        },
      );
    });
  });

  app.get('/huggingface/:username', async (req, reply) => {
    const { username } = req.params as { username: string };
    const page = pageParam(req.query as Query);
    return sendCached(ctx, req, reply, async () => {
      const who = await findHfIdentityByUsername(ctx.store.db, username);
      if (!who) throw notFound(`There is no Hugging Face user “${echo(username)}” in the imported papers.`);
      const heading = userName(who);
      return submittedPage(
        ctx,
        page,
        { hfSubmitterId: who.id },
        {
          kind: 'On Hugging Face',
          heading,
          handle: `@${who.username} on Hugging Face (imported, not a member of this site)`,
          avatar: who.avatar_url,
          path: hfUserPath(who.username),
          description: (total) => `Papers ${heading} put on the Hugging Face daily list: ${plural(total, 'paper')}, latest first.`,
          emptyText: `${heading} has not submitted a paper to the daily list on Hugging Face.`,
        },
      );
    });
  });
}

/** How a submitter's page names them: a member here, or a Hugging Face user from the imported lists. */
interface SubmitterHeading {
  kind: string;
  heading: string;
  handle: string;
  avatar: string | null;
  path: string;
  description: (total: number) => string;
  emptyText: string;
}

/** The list entries one submitter put on the daily list, a page of them, newest first. */
async function submittedPage(ctx: AppContext, page: number, who: { submitterId: number } | { hfSubmitterId: number }, h: SubmitterHeading) {
  const db = ctx.store.db;
  const size = ctx.config.pageSize;
  const total = await countEntries(db, who);
  const pages = pageCount(total, size);
  if (page > pages) throw tooFar(page, pages);
  const rows = total ? await listEntries(db, { ...who, limit: size, offset: (page - 1) * size }) : [];
  return htmlResponse(
    renderCollectionPage({
      kind: h.kind,
      heading: h.heading,
      handle: h.handle,
      avatar: h.avatar,
      rows,
      total,
      noun: 'submitted paper',
      pager: { page, pages, href: pageHref(h.path) },
      description: h.description(total),
      emptyText: h.emptyText,
    }),
  );
}
