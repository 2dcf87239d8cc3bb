// `POST /comments/preview` (body): a comment as it would be shown, as JSON `{html}`, for the page's
// script to show in place under the "Preview" button. Nothing is stored. The HTML is the comment
// renderer's (Markdown, math within the TeX budget, the sanitiser), exactly as a posted comment gets it.
// Refusals answer JSON too (`{error, code, fields}`), so the script can say them beside the text box;
// without the script the same button posts the form itself (web/routes/comments.ts).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { previewComment } from '../../actions/comments.ts';
import { ActionError, fieldMessagesOf } from '../../actions/errors.ts';
import { requireConfirmed, theMember } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { HttpError } from '../errors.ts';
import { enforceRateLimit } from '../rate-limit.ts';
import { formText, parseForm } from '../send-page.ts';

/** Generous, as for posts: the renderer's rules give the precise message about the length limit. */
const PreviewForm = z.object({ body: formText(60_000).default('') });

export function registerCommentPreview(app: FastifyInstance, ctx: AppContext): void {
  app.post('/comments/preview', { config: { requireMember: true } }, async (req, reply) => {
    reply.header('cache-control', 'no-store');
    try {
      const m = theMember(req);
      requireConfirmed(ctx, m);
      const f = parseForm(PreviewForm, req.body);
      await enforceRateLimit(ctx, 'commentPreviews', String(m.id));
      return reply.send({ html: await previewComment(f.body) });
    } catch (e) {
      if (!(e instanceof HttpError) || e.status >= 500) throw e;
      const fields = fieldMessagesOf(e);
      return reply
        .status(e.status)
        .headers(e.headers)
        .send({
          error: e.message,
          ...(e instanceof ActionError ? { code: e.code } : {}),
          ...(Object.keys(fields).length ? { fields } : {}),
        });
    }
  });
}
