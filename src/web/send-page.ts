// Sends a page rendered for this request only (forms with tokens, member pages): never cached, by the
// response cache or anyone else, and with the member's header bits in place.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type FieldMessages, FormProblems, throwProblems } from '../actions/errors.ts';
import type { AppContext } from './context.ts';
import { personalize } from './personalize.ts';

export async function sendPage(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  page: string,
  status = 200,
): Promise<FastifyReply> {
  const body = await personalize(ctx, req, page);
  return reply.status(status).header('cache-control', 'no-store').header('vary', 'Cookie').type('text/html; charset=utf-8').send(body);
}

/** What a schema issue says to the person beside the field (zod's own words, made a sentence). */
function issueMessage(issue: z.core.$ZodIssue, given: unknown): string {
  if (issue.code === 'invalid_type') return given === undefined ? 'Fill this in.' : 'Give this once, as text.';
  if (issue.code === 'invalid_value') return 'Choose one of the options given.';
  if (issue.code === 'invalid_format') return 'This is not in the expected form.';
  const m = issue.message.trim();
  return `${m.charAt(0).toUpperCase()}${m.slice(1)}${/[.!?]$/.test(m) ? '' : '.'}`;
}

/**
 * A form body checked against its schema. Every field that does not fit is named at once (a 400 whose
 * messages sit beside their fields when the form is shown again), never only the first.
 */
export function parseForm<T extends z.ZodTypeAny>(schema: T, body: unknown): z.output<T> {
  const r = schema.safeParse(body ?? {});
  if (!r.success) {
    const fields: FieldMessages = {};
    for (const issue of r.error.issues) {
      const name = issue.path.length ? String(issue.path[0]) : 'form';
      fields[name] ??= issueMessage(issue, (body as Record<string, unknown> | undefined)?.[name]);
    }
    throwProblems(fields);
    throw new FormProblems({ form: 'This form was not filled in as expected.' });
  }
  return r.data as z.output<T>;
}

/** A text field of a form: one value, at most `max` characters. */
export const formText = (max: number) => z.string().max(max, `Too long: at most ${max} characters.`);

/** Longest value a refused form gets back (a hostile body cannot make the page it comes back on huge). */
const KEPT_VALUE_CHARS = 20_000;

/**
 * What was typed into a form, to show it again after a refusal: each field's first value as text,
 * whatever the schema thought of it, so a refusal never loses what someone wrote.
 */
export function formValues(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    const first = Array.isArray(v) ? v[0] : v;
    if (typeof first === 'string') out[k] = first.slice(0, KEPT_VALUE_CHARS);
  }
  return out;
}
