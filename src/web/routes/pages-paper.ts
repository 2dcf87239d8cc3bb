// `/papers/{arxivId}`: the paper page. Ids with a version (`2401.12345v2`), old-style subject classes
// (`math.GT/0309136`) or an encoded slash are sent (301) to the one canonical address.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Member } from '../../db/queries/members.ts';
import { getPaperView } from '../../db/queries/papers.ts';
import { arxivAbsUrl, parseArxivId } from '../../domain/arxiv-id.ts';
import { canModerate } from '../../domain/roles.ts';
import { searchService } from '../../search/service.ts';
import { SIMILAR_ON_PAGE, similarPapers } from '../../search/similar.ts';
import { theMember } from '../auth.ts';
import { htmlResponse, sendCached } from '../cached.ts';
import type { AppContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { type Html, html } from '../html.ts';
import { sendPage } from '../send-page.ts';
import { paperPath } from '../views/components.ts';
import type { OpenCommentForm } from '../views/discussion.ts';
import { type PaperPageData, renderPaperPage } from '../views/paper-page.ts';
import { similarSection } from '../views/recommend.ts';
import { discussionFor, memberExtras } from './paper-member.ts';

const ECHO_CHARS = 60;

/** The page's "Similar papers" section; a failure of the vector index is logged and must not take the paper page down. */
async function similarFor(ctx: AppContext, req: FastifyRequest, id: string): Promise<Html> {
  try {
    return similarSection(await similarPapers(searchService(ctx.store, ctx.config), id, SIMILAR_ON_PAGE));
  } catch (err) {
    req.log.error({ err, paper: id }, 'similar papers failed');
    return html``;
  }
}

/**
 * A member's paper page: it holds their own tools and votes in the thread, so it is rendered for them,
 * never cached. `open` is a comment form they sent, shown again with `status` (refused, or a preview).
 */
async function sendMemberPaper(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  m: Member,
  view: PaperPageData,
  open?: OpenCommentForm,
  status = 200,
): Promise<FastifyReply> {
  const path = paperPath(view.paper.id);
  const extras = { ...(await memberExtras(ctx, view, m, path, open)), similar: await similarFor(ctx, req, view.paper.id) };
  return sendPage(ctx, req, reply, renderPaperPage(view, extras), status);
}

/**
 * Answers a comment form's POST with the member's paper page, that form shown again in place (the
 * address stays the form's: the text, the message and the preview live in this one answer). A paper
 * gone meanwhile is the error page.
 */
export async function sendPaperWithForm(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  paperId: string,
  open: OpenCommentForm,
  status: number,
): Promise<FastifyReply> {
  const m = theMember(req);
  const view = await getPaperView(ctx.store.db, paperId);
  if (!view || (view.paper.hidden && !canModerate(m.role))) throw notFound(`There is no paper ${paperId} on this site.`);
  return sendMemberPaper(ctx, req, reply, m, view, open, status);
}

export function registerPaperPage(app: FastifyInstance, ctx: AppContext): void {
  const show = async (raw: string, req: FastifyRequest, reply: FastifyReply) => {
    const parsed = parseArxivId(raw);
    if (!parsed) {
      const shown = raw.length > ECHO_CHARS ? `${raw.slice(0, ECHO_CHARS)}…` : raw;
      throw notFound(`“${shown}” is not an arXiv id, so there is no paper page for it. Paper pages look like /papers/2401.12345.`);
    }
    const canonical = paperPath(parsed.id);
    const [path, query] = req.url.split('?', 2) as [string, string | undefined];
    if (path !== canonical) return reply.redirect(query ? `${canonical}?${query}` : canonical, 301);
    const missing = () =>
      // The id is a canonical arXiv id (parsed above), so the link is one this site makes, not an echo.
      notFound(`There is no paper ${parsed.id} on this site yet.`, {
        href: arxivAbsUrl(parsed.id),
        text: `It may be on arXiv: ${parsed.id}`,
      });
    if (req.member) {
      const view = await getPaperView(ctx.store.db, parsed.id);
      if (!view || (view.paper.hidden && !canModerate(req.member.role))) throw missing();
      return sendMemberPaper(ctx, req, reply, req.member, view);
    }
    return sendCached(ctx, req, reply, async () => {
      const view = await getPaperView(ctx.store.db, parsed.id);
      if (!view || view.paper.hidden) throw missing();
      return htmlResponse(
        renderPaperPage(view, {
          discussion: await discussionFor(ctx, view.paper.id, canonical),
          similar: await similarFor(ctx, req, view.paper.id),
        }),
      );
    });
  };
  app.get('/papers/:id', async (req, reply) => show((req.params as { id: string }).id, req, reply));
  // Old-style ids hold a slash: /papers/hep-th/9901001
  app.get('/papers/:archive/:number', async (req, reply) => {
    const { archive, number } = req.params as { archive: string; number: string };
    return show(`${archive}/${number}`, req, reply);
  });
}
