// The paper page's member tools: claim authorship, edit links, hide or show the paper. A refused tool
// answers its POST with the member's paper page, that tool open with its messages and what was typed;
// a member who may not use the tool at all (a 403 "forbidden") gets the error page, as the tool is not
// on their page to show a message in.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { claimAuthorship } from '../../actions/authorship.ts';
import { ActionError } from '../../actions/errors.ts';
import { setPaperHidden } from '../../actions/moderation.ts';
import { linkPaper } from '../../actions/organisations.ts';
import { getPaperView } from '../../db/queries/papers.ts';
import { canModerate } from '../../domain/roles.ts';
import { theMember } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { notFound } from '../errors.ts';
import { enforceRateLimit } from '../rate-limit.ts';
import { refusalOf } from '../refusal.ts';
import { formText, parseForm, sendPage } from '../send-page.ts';
import { paperPath } from '../views/components.ts';
import { renderPaperPage } from '../views/paper-page.ts';
import type { ToolRefusal } from '../views/paper-tools.ts';
import { paperIdParam } from './api-papers.ts';
import { memberExtras, paperToolsFor } from './paper-member.ts';

const ClaimForm = z.object({ position: z.string().regex(/^\d{1,5}$/, 'a position') });
const LinksForm = z.object({
  organization: formText(200).optional(),
  github_repo: formText(1000).optional(),
  project_page: formText(1000).optional(),
});
const HideForm = z.object({ hidden: z.enum(['0', '1']), reason: formText(2000).default('') });

type Tool = (paperId: string, req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;
type ToolName = ToolRefusal['form'];

export function registerPaperTools(app: FastifyInstance, ctx: AppContext): void {
  const db = ctx.store.db;
  const member = { config: { requireMember: true } };

  async function sendRefused(paperId: string, req: FastifyRequest, reply: FastifyReply, refused: ToolRefusal): Promise<FastifyReply> {
    const m = theMember(req);
    const view = await getPaperView(db, paperId);
    if (!view || (view.paper.hidden && !canModerate(m.role))) throw notFound(`There is no paper ${paperId} on this site.`);
    const path = paperPath(paperId);
    const extras = { ...(await memberExtras(ctx, view, m, path)), aside: await paperToolsFor(ctx, view, m, path, refused) };
    reply.headers(refused.headers);
    return sendPage(ctx, req, reply, renderPaperPage(view, extras), refused.status);
  }

  const inPlace =
    (name: ToolName, tool: Tool): Tool =>
    async (paperId, req, reply) => {
      try {
        return await tool(paperId, req, reply);
      } catch (e) {
        const refused = refusalOf(e, name, req.body);
        if (!refused || (e instanceof ActionError && e.code === 'forbidden')) throw e;
        return sendRefused(paperId, req, reply, refused);
      }
    };
  const route = (name: ToolName, tool: Tool) => {
    const run = inPlace(name, tool);
    app.post(`/papers/:id/${name}`, member, async (req, reply) => run(paperIdParam((req.params as { id: string }).id), req, reply));
    app.post(`/papers/:archive/:number/${name}`, member, async (req, reply) => {
      const { archive, number } = req.params as { archive: string; number: string };
      return run(paperIdParam(`${archive}/${number}`), req, reply);
    });
  };

  route('claim', async (paperId, req, reply) => {
    const m = theMember(req);
    const f = parseForm(ClaimForm, req.body);
    await enforceRateLimit(ctx, 'claims', String(m.id));
    await claimAuthorship({
      db,
      userId: m.id,
      paperId,
      position: Number(f.position),
      requireConfirmedEmail: ctx.config.requireConfirmedEmail,
    });
    return reply.redirect(paperPath(paperId), 303);
  });

  route('links', async (paperId, req, reply) => {
    const f = parseForm(LinksForm, req.body);
    await linkPaper({
      db,
      actor: theMember(req),
      paperId,
      ...(f.organization !== undefined ? { organization: f.organization } : {}),
      ...(f.github_repo !== undefined ? { githubRepo: f.github_repo } : {}),
      ...(f.project_page !== undefined ? { projectPage: f.project_page } : {}),
    });
    return reply.redirect(paperPath(paperId), 303);
  });

  route('hide', async (paperId, req, reply) => {
    const f = parseForm(HideForm, req.body);
    await setPaperHidden({ db, actor: theMember(req), paperId, hidden: f.hidden === '1', reason: f.reason });
    return reply.redirect(paperPath(paperId), 303);
  });
}
