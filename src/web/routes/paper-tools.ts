// The paper page's member tools: claim authorship, edit links, hide or show the paper.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { claimAuthorship } from '../../actions/authorship.ts';
import { setPaperHidden } from '../../actions/moderation.ts';
import { linkPaper } from '../../actions/organisations.ts';
import { theMember } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { enforceRateLimit } from '../rate-limit.ts';
import { formText, parseForm } from '../send-page.ts';
import { paperPath } from '../views/components.ts';
import { paperIdParam } from './api-papers.ts';

const ClaimForm = z.object({ position: z.string().regex(/^\d{1,5}$/, 'a position') });
const LinksForm = z.object({
  organization: formText(200).optional(),
  github_repo: formText(1000).optional(),
  project_page: formText(1000).optional(),
});
const HideForm = z.object({ hidden: z.enum(['0', '1']), reason: formText(2000).default('') });

type Tool = (paperId: string, req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;

export function registerPaperTools(app: FastifyInstance, ctx: AppContext): void {
  const db = ctx.store.db;
  const member = { config: { requireMember: true } };
  const route = (name: string, tool: Tool) => {
    app.post(`/papers/:id/${name}`, member, async (req, reply) => tool(paperIdParam((req.params as { id: string }).id), req, reply));
    app.post(`/papers/:archive/:number/${name}`, member, async (req, reply) => {
      const { archive, number } = req.params as { archive: string; number: string };
      return tool(paperIdParam(`${archive}/${number}`), req, reply);
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
