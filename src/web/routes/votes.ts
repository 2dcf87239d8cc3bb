// Upvotes. The page form: `POST /papers/{id}/upvote` with `vote=up|down` (the button's value), then
// back to the page it came from (303), or, for folio.js (Accept: application/json), the new state as
// JSON. A member who must confirm their address first gets a note beside the button, not a dead end
// (web/confirm-to-vote.ts). The API: `POST` / `DELETE /api/papers/{id}/upvote` with a bearer token.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { castVote, removeVote } from '../../actions/votes.ts';
import { trendingParams } from '../../config.ts';
import { requireBearer } from '../api-auth.ts';
import { refererPath, requireConfirmed, theMember, wantsJson } from '../auth.ts';
import { answeredUnconfirmedVote } from '../confirm-to-vote.ts';
import type { AppContext } from '../context.ts';
import { enforceRateLimit } from '../rate-limit.ts';
import { parseForm } from '../send-page.ts';
import { paperDomId, paperPath } from '../views/components.ts';
import { paperIdParam } from './api-papers.ts';

const VoteForm = z.object({ vote: z.enum(['up', 'down']).default('up') });

export function registerVotes(app: FastifyInstance, ctx: AppContext): void {
  const db = ctx.store.db;
  const trending = trendingParams(ctx.config);

  const form = async (raw: string, req: FastifyRequest, reply: FastifyReply) => {
    const paperId = paperIdParam(raw);
    const m = theMember(req);
    if (await answeredUnconfirmedVote(ctx, req, reply, m, () => paperPath(paperId))) return reply;
    const { vote } = parseForm(VoteForm, req.body);
    await enforceRateLimit(ctx, 'votes', String(m.id));
    const props = { db, userId: m.id, paperId, trending };
    const state = vote === 'up' ? await castVote(props) : await removeVote(props);
    if (wantsJson(req)) return reply.header('cache-control', 'no-store').send(state);
    const back = refererPath(ctx, req) ?? paperPath(paperId);
    return reply.redirect(`${back.split('#')[0]}#${paperDomId(paperId)}`, 303);
  };
  const member = { config: { requireMember: true } };
  app.post('/papers/:id/upvote', member, async (req, reply) => form((req.params as { id: string }).id, req, reply));
  app.post('/papers/:archive/:number/upvote', member, async (req, reply) => {
    const { archive, number } = req.params as { archive: string; number: string };
    return form(`${archive}/${number}`, req, reply);
  });

  const api = async (raw: string, up: boolean, req: FastifyRequest, reply: FastifyReply) => {
    const m = await requireBearer(ctx, req);
    const paperId = paperIdParam(raw);
    requireConfirmed(ctx, m);
    await enforceRateLimit(ctx, 'votes', String(m.id));
    const props = { db, userId: m.id, paperId, trending };
    return reply.send(up ? await castVote(props) : await removeVote(props));
  };
  for (const [method, up] of [
    ['POST', true],
    ['DELETE', false],
  ] as const) {
    app.route({
      method,
      url: '/api/papers/:id/upvote',
      handler: async (req, reply) => api((req.params as { id: string }).id, up, req, reply),
    });
    app.route({
      method,
      url: '/api/papers/:archive/:number/upvote',
      handler: async (req, reply) => {
        const { archive, number } = req.params as { archive: string; number: string };
        return api(`${archive}/${number}`, up, req, reply);
      },
    });
  }
}
