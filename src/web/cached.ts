// Serves a GET from the response cache when the data has not changed since it was rendered.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { dataGeneration } from '../db/queries/papers.ts';
import type { CachedResponse } from './cache.ts';
import type { AppContext } from './context.ts';

export async function sendCached(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  render: () => Promise<CachedResponse>,
): Promise<FastifyReply> {
  const generation = await dataGeneration(ctx.store.db);
  const key = req.url;
  let res = ctx.cache.get(key, generation);
  if (!res) {
    res = await render();
    if (res.status === 200) ctx.cache.set(key, generation, res);
  }
  return reply.status(res.status).headers(res.headers).type(res.contentType).send(res.body);
}

export function jsonResponse(body: unknown, headers: Record<string, string> = {}): CachedResponse {
  return { body: Buffer.from(JSON.stringify(body)), contentType: 'application/json; charset=utf-8', status: 200, headers };
}

export function htmlResponse(body: string, headers: Record<string, string> = {}): CachedResponse {
  return { body: Buffer.from(body), contentType: 'text/html; charset=utf-8', status: 200, headers };
}
