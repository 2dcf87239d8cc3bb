// Submissions: the /submit page and `POST /api/papers/submit {"paper_id": "..."}` (bearer token).
// The rules are settings (FOLIO_SUBMIT_*); each refusal says which rule and why.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ActionError, invalidField } from '../../actions/errors.ts';
import { arxivLookup, PAPER_FIELD, type SubmitProps, submitPaper } from '../../actions/submit-paper.ts';
import { trendingParams } from '../../config.ts';
import type { Member } from '../../db/queries/members.ts';
import { getPaperView } from '../../db/queries/papers.ts';
import { MAX_SUBMISSION_INPUT_CHARS, type SubmissionSettings, utcDay } from '../../domain/submission-rules.ts';
import { requireBearer } from '../api-auth.ts';
import { memberOrRedirect, requireConfirmed, theMember } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { HttpError } from '../errors.ts';
import { presentPaper } from '../presenters/hf.ts';
import { enforceRateLimit } from '../rate-limit.ts';
import { shownRefusal } from '../refusal.ts';
import { formText, formValues, parseForm, sendPage } from '../send-page.ts';
import { renderSubmitPage, type SubmitPageData } from '../views/submit-page.ts';

const SubmitForm = z.object({ paper_id: formText(MAX_SUBMISSION_INPUT_CHARS).default('') });
const ApiSubmit = z.object({ paper_id: z.string().max(MAX_SUBMISSION_INPUT_CHARS) });

/**
 * Refusals the submit page shows in place, above or beside the form with the value kept: the member's
 * mistakes (4xx) and the action's own refusals, arXiv being away (502) among them. Anything else is
 * unexpected and goes to the error page.
 */
function shownInPlace(e: unknown): HttpError | undefined {
  if (e instanceof ActionError) return e;
  return e instanceof HttpError && e.status < 500 ? e : undefined;
}

/** A refusal as the page shows it: beside the field when it is about what was typed, else above the form. */
function submitRefusal(err: HttpError): Partial<SubmitPageData> {
  const shown = shownRefusal(err);
  return 'errors' in shown ? shown : { ...shown, ...(err.link ? { errorLink: err.link } : {}) };
}

export function submissionSettings(ctx: AppContext): SubmissionSettings {
  const c = ctx.config;
  return { maxAgeDays: c.submitMaxAgeDays, perDay: c.submitPerDay, trustedOnly: c.submitTrustedOnly, allowRelist: c.submitAllowRelist };
}

export function registerSubmit(app: FastifyInstance, ctx: AppContext): void {
  const db = ctx.store.db;
  const trending = trendingParams(ctx.config);
  const lookup = arxivLookup(ctx.config.arxivApiUrl);

  const props = (m: Member, input: string): SubmitProps => ({
    db,
    userId: m.id,
    role: m.role,
    input,
    rules: submissionSettings(ctx),
    trending,
    lookup,
  });

  async function page(req: FastifyRequest, reply: FastifyReply, m: Member, extra: Partial<SubmitPageData>, status = 200) {
    const n = await db
      .selectFrom('daily_entries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('submitted_by', '=', m.id)
      .where('day', '=', utcDay(new Date()))
      .executeTakeFirstOrThrow();
    const data: SubmitPageData = {
      csrf: req.session?.csrf ?? '',
      rules: submissionSettings(ctx),
      submittedToday: Number(n.n),
      canWrite: m.emailConfirmed || !ctx.config.requireConfirmedEmail,
      ...extra,
    };
    return sendPage(ctx, req, reply, renderSubmitPage(data), status);
  }

  app.get('/submit', async (req, reply) => {
    const m = memberOrRedirect(req, reply);
    if (!m) return reply;
    return page(req, reply, m, {});
  });

  app.post('/submit', { config: { requireMember: true } }, async (req, reply) => {
    const m = theMember(req);
    try {
      const f = parseForm(SubmitForm, req.body);
      requireConfirmed(ctx, m);
      await enforceRateLimit(ctx, 'submissions', String(m.id));
      const done = await submitPaper(props(m, f.paper_id));
      return await page(req, reply, m, { done }, 201);
    } catch (e) {
      const err = shownInPlace(e);
      if (!err) throw e;
      reply.headers(err.headers);
      // What was typed comes back as it was sent, whatever the refusal.
      const value = formValues(req.body)[PAPER_FIELD] ?? '';
      return page(req, reply, m, { ...submitRefusal(err), value }, err.status);
    }
  });

  app.post('/api/papers/submit', async (req, reply) => {
    const m = await requireBearer(ctx, req);
    const parsed = ApiSubmit.safeParse(req.body);
    if (!parsed.success) throw invalidField(PAPER_FIELD, 'Send JSON {"paper_id": "2401.12345"} (an arXiv id or URL).', 'invalid_request');
    requireConfirmed(ctx, m);
    await enforceRateLimit(ctx, 'submissions', String(m.id));
    const done = await submitPaper(props(m, parsed.data.paper_id));
    const view = await getPaperView(db, done.paperId);
    if (!view) throw new HttpError(500, 'The paper vanished.');
    const entry = view.entries.find((e) => e.entry.day === done.day);
    return reply.status(201).send({ paper: presentPaper(view, entry), day: done.day, source: done.source });
  });
}
