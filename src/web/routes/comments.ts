// Comments. Forms: `POST /papers/{id}/comments` (body, parent_id), `POST /comments/{id}/edit|delete|
// vote|hide`, each coming back to the comment on its paper page. A comment, reply, edit or hide form
// refused for what was typed, or sent with its "Preview" button (`intent=preview`), is answered with the
// member's paper page, that form shown again in place with the text kept. API: `GET /api/papers/{id}/
// comments` (the thread, flattened in reading order) and `POST /api/papers/{id}/comments` with a bearer
// token.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { addComment, deleteComment, editComment, previewComment, voteComment } from '../../actions/comments.ts';
import { FormProblems, fieldMessagesOf, refuse } from '../../actions/errors.ts';
import { setCommentHidden } from '../../actions/moderation.ts';
import { trendingParams } from '../../config.ts';
import { type CommentView, getComment, paperComments } from '../../db/queries/comments.ts';
import { getPaperRow } from '../../db/queries/papers.ts';
import { buildThread, type ThreadNode } from '../../domain/comment-thread.ts';
import { DELETED_TEXT, HIDDEN_TEXT } from '../../domain/comments.ts';
import { requireBearer } from '../api-auth.ts';
import { requireConfirmed, theMember, wantsJson } from '../auth.ts';
import { jsonResponse, sendCached } from '../cached.ts';
import { answeredUnconfirmedVote } from '../confirm-to-vote.ts';
import type { AppContext } from '../context.ts';
import { HttpError, notFound } from '../errors.ts';
import { localId } from '../presenters/hf.ts';
import { enforceRateLimit } from '../rate-limit.ts';
import { formStateOf } from '../refusal.ts';
import { formText, formValues, parseForm } from '../send-page.ts';
import { paperPath } from '../views/components.ts';
import type { OpenCommentForm } from '../views/discussion.ts';
import { paperIdParam } from './api-papers.ts';
import { registerCommentPreview } from './comment-preview.ts';
import { sendPaperWithForm } from './pages-paper.ts';

/** The value of a comment form's second submit button: show the comment as it would look, store nothing. */
const PREVIEW_INTENT = 'preview';

/**
 * Refusals a comment form shows again in place, its text kept: about what was typed (400, 413), a
 * thread the form no longer fits (409: the comment replied to was removed; 422: replies too deep), or
 * too many posts for now (429, with its Retry-After: the text waits in the form). The others (no such
 * paper, not yours) stay the error page: there is no form of theirs to come back to.
 */
const SHOWN_IN_PLACE = new Set([400, 409, 413, 422, 429]);

const API_SHAPE = 'Send JSON {"body": "Markdown text", "parentId": 123 (optional)}.';

/** Generous: the action gives the precise message about the comment length limit. */
const BODY = formText(60_000);
const INTENT = formText(20).optional();
const CommentForm = z.object({
  body: BODY.default(''),
  parent_id: z
    .string()
    .regex(/^\d{1,12}$/)
    .optional()
    .or(z.literal('')),
  intent: INTENT,
});
const EditForm = z.object({ body: BODY.default(''), intent: INTENT });
const VoteForm = z.object({ value: z.enum(['1', '-1', '0']) });
const HideForm = z.object({ hidden: z.enum(['0', '1']), reason: formText(2000).default('') });
const ApiComment = z.object({
  body: BODY,
  parentId: z
    .union([
      z.number().int().positive(),
      z
        .string()
        .regex(/^\d{1,12}$/)
        .transform(Number),
    ])
    .optional(),
});

function commentIdParam(raw: string): number {
  if (!/^\d{1,12}$/.test(raw)) throw notFound('There is no such comment.');
  return Number(raw);
}

/** The new-comment or reply form as it was sent, to show it again. */
function commentFormSent(body: unknown): OpenCommentForm {
  const values = formValues(body);
  const parent = values.parent_id && /^\d{1,12}$/.test(values.parent_id) ? Number(values.parent_id) : undefined;
  return parent === undefined ? { kind: 'comment', values } : { kind: 'reply', commentId: parent, values };
}

/** A JSON body that does not fit: the expected shape, and what is wrong by field. */
function apiShapeProblem(e: unknown): unknown {
  const fields = fieldMessagesOf(e);
  if (!Object.keys(fields).length) return e;
  const err = new FormProblems(fields);
  err.message = API_SHAPE;
  return err;
}

/** The API's comment shape. */
function presentComment(n: ThreadNode<CommentView>) {
  const c = n.comment;
  const gone = n.state === 'deleted' || n.state === 'hidden';
  return {
    id: c.id,
    parentId: c.parent_id,
    depth: c.depth,
    ...(gone
      ? { removed: true, text: n.state === 'deleted' ? DELETED_TEXT : HIDDEN_TEXT }
      : {
          author: { _id: localId('user', c.user_id), user: c.username, name: c.username, fullname: c.fullname ?? c.username },
          raw: c.body,
          html: c.body_html,
        }),
    createdAt: new Date(c.created_at).toISOString(),
    ...(c.edited_at && !gone ? { editedAt: new Date(c.edited_at).toISOString() } : {}),
    upvotes: c.upvotes,
    downvotes: c.downvotes,
    score: c.score,
  };
}

function flatten(nodes: ThreadNode<CommentView>[]): ThreadNode<CommentView>[] {
  return nodes.flatMap((n) => [n, ...flatten(n.replies)]);
}

export function registerComments(app: FastifyInstance, ctx: AppContext): void {
  const db = ctx.store.db;
  const trending = trendingParams(ctx.config);
  const member = { config: { requireMember: true } };
  const back = (reply: FastifyReply, paperId: string, commentId?: number) =>
    reply.redirect(`${paperPath(paperId)}${commentId !== undefined ? `#comment-${commentId}` : '#discussion'}`, 303);

  /** Runs a comment form; a refusal about what was sent comes back on the paper page, in that form. */
  const shownAgain = async (
    req: FastifyRequest,
    reply: FastifyReply,
    paperId: string,
    open: OpenCommentForm,
    run: () => Promise<FastifyReply>,
  ): Promise<FastifyReply> => {
    try {
      return await run();
    } catch (e) {
      if (!(e instanceof HttpError) || !SHOWN_IN_PLACE.has(e.status)) throw e;
      reply.headers(e.headers);
      return sendPaperWithForm(ctx, req, reply, paperId, { ...open, ...formStateOf(e) }, e.status);
    }
  };

  /** The form shown again with the comment as it would look; nothing is stored. */
  const preview = async (req: FastifyRequest, reply: FastifyReply, paperId: string, open: OpenCommentForm, body: string) => {
    await enforceRateLimit(ctx, 'commentPreviews', String(theMember(req).id));
    return sendPaperWithForm(ctx, req, reply, paperId, { ...open, preview: await previewComment(body) }, 200);
  };

  /** The comment a form acts on, and so the paper page its refusal comes back on. */
  const commentOf = async (raw: string) => {
    const c = await getComment(db, commentIdParam(raw));
    if (!c || c.deleted_at) throw notFound('There is no such comment.');
    return c;
  };

  const post = async (raw: string, req: FastifyRequest, reply: FastifyReply) => {
    const paperId = paperIdParam(raw);
    const m = theMember(req);
    requireConfirmed(ctx, m);
    const open = commentFormSent(req.body);
    return shownAgain(req, reply, paperId, open, async () => {
      const f = parseForm(CommentForm, req.body);
      if (f.intent === PREVIEW_INTENT) return preview(req, reply, paperId, open, f.body);
      await enforceRateLimit(ctx, 'comments', String(m.id));
      const { id } = await addComment({
        db,
        userId: m.id,
        paperId,
        body: f.body,
        trending,
        ...(f.parent_id ? { parentId: Number(f.parent_id) } : {}),
      });
      return back(reply, paperId, id);
    });
  };
  app.post('/papers/:id/comments', member, async (req, reply) => post((req.params as { id: string }).id, req, reply));
  app.post('/papers/:archive/:number/comments', member, async (req, reply) => {
    const { archive, number } = req.params as { archive: string; number: string };
    return post(`${archive}/${number}`, req, reply);
  });

  app.post('/comments/:id/edit', member, async (req, reply) => {
    const c = await commentOf((req.params as { id: string }).id);
    const m = theMember(req);
    const open: OpenCommentForm = { kind: 'edit', commentId: c.id, values: formValues(req.body) };
    return shownAgain(req, reply, c.paper_id, open, async () => {
      const f = parseForm(EditForm, req.body);
      if (f.intent === PREVIEW_INTENT) {
        if (c.user_id !== m.id) throw refuse(403, 'You can only change your own comments.', 'not_yours');
        return preview(req, reply, c.paper_id, open, f.body);
      }
      await enforceRateLimit(ctx, 'commentEdits', String(m.id));
      const { paperId } = await editComment({ db, userId: m.id, commentId: c.id, body: f.body });
      return back(reply, paperId, c.id);
    });
  });

  app.post('/comments/:id/delete', member, async (req, reply) => {
    const id = commentIdParam((req.params as { id: string }).id);
    const m = theMember(req);
    const { paperId } = await deleteComment({ db, userId: m.id, commentId: id, trending });
    return back(reply, paperId);
  });

  app.post('/comments/:id/vote', member, async (req, reply) => {
    const id = commentIdParam((req.params as { id: string }).id);
    const m = theMember(req);
    const commentPage = async () => {
      const c = await getComment(db, id);
      return c ? paperPath(c.paper_id) : '/papers';
    };
    if (await answeredUnconfirmedVote(ctx, req, reply, m, commentPage)) return reply;
    const f = parseForm(VoteForm, req.body);
    await enforceRateLimit(ctx, 'votes', String(m.id));
    const value = Number(f.value) as 1 | -1 | 0;
    const { paperId, upvotes, downvotes } = await voteComment({ db, userId: m.id, commentId: id, value });
    // The page's script votes in place, as on papers; without it the form comes back to the comment.
    if (wantsJson(req)) return reply.header('cache-control', 'no-store').send({ value, upvotes, downvotes });
    return back(reply, paperId, id);
  });

  app.post('/comments/:id/hide', member, async (req, reply) => {
    const c = await commentOf((req.params as { id: string }).id);
    const open: OpenCommentForm = { kind: 'hide', commentId: c.id, values: formValues(req.body) };
    return shownAgain(req, reply, c.paper_id, open, async () => {
      const f = parseForm(HideForm, req.body);
      const { paperId } = await setCommentHidden({
        db,
        actor: theMember(req),
        commentId: c.id,
        hidden: f.hidden === '1',
        reason: f.reason,
        trending,
      });
      return back(reply, paperId, c.id);
    });
  });

  registerCommentPreview(app, ctx);

  // ---- API ----
  const list = async (raw: string, req: FastifyRequest, reply: FastifyReply) => {
    const paperId = paperIdParam(raw);
    return sendCached(ctx, req, reply, async () => {
      const paper = await getPaperRow(db, paperId);
      if (!paper || paper.hidden) throw notFound(`No paper ${paperId} on this server.`);
      const nodes = buildThread(await paperComments(db, paperId), { seeHidden: false });
      return jsonResponse(flatten(nodes).map(presentComment));
    });
  };
  const create = async (raw: string, req: FastifyRequest, reply: FastifyReply) => {
    const m = await requireBearer(ctx, req);
    const paperId = paperIdParam(raw);
    requireConfirmed(ctx, m);
    let input: z.output<typeof ApiComment>;
    try {
      input = parseForm(ApiComment, req.body);
    } catch (e) {
      throw apiShapeProblem(e);
    }
    await enforceRateLimit(ctx, 'comments', String(m.id));
    // Refusals of the text name its field: the answer is {error, code, fields: {body}}.
    const { id, duplicate } = await addComment({
      db,
      userId: m.id,
      paperId,
      body: input.body,
      trending,
      ...(input.parentId !== undefined ? { parentId: input.parentId } : {}),
    });
    const c = (await getComment(db, id)) as CommentView;
    // A repeat of a comment just posted answers with that comment, 200 rather than 201 (nothing new).
    return reply.status(duplicate ? 200 : 201).send(presentComment({ comment: c, state: 'shown', replies: [] }));
  };
  app.get('/api/papers/:id/comments', async (req, reply) => list((req.params as { id: string }).id, req, reply));
  app.get('/api/papers/:archive/:number/comments', async (req, reply) => {
    const { archive, number } = req.params as { archive: string; number: string };
    return list(`${archive}/${number}`, req, reply);
  });
  app.post('/api/papers/:id/comments', async (req, reply) => create((req.params as { id: string }).id, req, reply));
  app.post('/api/papers/:archive/:number/comments', async (req, reply) => {
    const { archive, number } = req.params as { archive: string; number: string };
    return create(`${archive}/${number}`, req, reply);
  });
}
