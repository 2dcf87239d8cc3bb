// Sends a page rendered for this request only (forms with tokens, member pages): never cached, by the
// response cache or anyone else, and with the member's header bits in place.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from './context.ts';
import { badRequest } from './errors.ts';
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

/** A form body checked against its schema; a bad one (a repeated field, a wrong type) is a 400. */
export function parseForm<T extends z.ZodTypeAny>(schema: T, body: unknown): z.output<T> {
  const r = schema.safeParse(body ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue?.path.length ? ` (${issue.path.join('.')})` : '';
    throw badRequest(`This form was not filled in as expected${where}: ${issue?.message ?? 'bad value'}.`);
  }
  return r.data;
}

/** A text field of a form: one value, at most `max` characters. */
export const formText = (max: number) => z.string().max(max, `at most ${max} characters`);
