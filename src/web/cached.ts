// Serves a GET from the response cache when the data has not changed since it was rendered.
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { dataGeneration } from '../db/queries/papers.ts';
import type { CachedResponse } from './cache.ts';
import { addVary, chooseEncoding, compress, type Encoding } from './compression.ts';
import type { AppContext } from './context.ts';
import { personalize } from './personalize.ts';

export async function sendCached(
  ctx: AppContext,
  req: FastifyRequest,
  reply: FastifyReply,
  render: () => Promise<CachedResponse>,
  /** A variant of the same URL for some readers (the compact list view): cached apart. */
  variant = '',
): Promise<FastifyReply> {
  const generation = await dataGeneration(ctx.store.db);
  const key = variant ? `${req.url}\u0000${variant}` : req.url;
  let res = ctx.cache.get(key, generation);
  if (!res) {
    res = await render();
    res.etag = `"${createHash('sha1').update(res.body).digest('base64url')}"`;
    if (res.status === 200) ctx.cache.set(key, generation, res);
  }
  if (res.contentType.startsWith('text/html')) {
    // The same URL answers differently with and without a session cookie.
    reply.header('vary', 'Cookie');
    if (req.member) {
      // A member's copy: the cached signed-out page with their bits in (web/personalize.ts); private,
      // never a 304 against the shared validator.
      const body = await personalize(ctx, req, res.body, res);
      return reply.headers(res.headers).header('cache-control', 'private, no-store').status(res.status).type(res.contentType).send(body);
    }
  }
  reply.headers(res.headers);
  const encoding = chooseEncoding(req.headers['accept-encoding'], res.body.length);
  // Each representation has its own strong validator (RFC 9110 8.8.3): the compressed bytes differ.
  const etag = encoding ? `${res.etag?.slice(0, -1)}-${encoding}"` : (res.etag as string);
  reply.header('etag', etag).header('vary', addVary(reply.getHeader('vary'), 'Accept-Encoding'));
  if (res.status === 200 && notModified(req, res, etag)) return reply.status(304).send();
  reply.status(res.status).type(res.contentType);
  if (!encoding) return reply.send(res.body);
  return reply.header('content-encoding', encoding).send(await encodedBody(res, encoding));
}

/** The cached body in this encoding, compressed by the first request that asks (concurrent ones share it). */
function encodedBody(res: CachedResponse, encoding: Encoding): Promise<Buffer> {
  res.encoded ??= {};
  let body = res.encoded[encoding];
  if (!body) {
    body = compress(res.body, encoding);
    res.encoded[encoding] = body;
  }
  return body;
}

/** RFC 9110 13.1: If-None-Match decides when present; If-Modified-Since only without it. */
function notModified(req: FastifyRequest, res: CachedResponse, etag: string): boolean {
  const inm = req.headers['if-none-match'];
  if (inm !== undefined) {
    return inm
      .split(',')
      .map((t) => t.trim().replace(/^W\//, ''))
      .some((t) => t === '*' || t === etag);
  }
  const ims = req.headers['if-modified-since'];
  const lm = res.headers['last-modified'];
  if (ims && lm) {
    const since = Date.parse(ims);
    const modified = Date.parse(lm);
    return !Number.isNaN(since) && !Number.isNaN(modified) && modified <= since;
  }
  return false;
}

export function jsonResponse(body: unknown, headers: Record<string, string> = {}): CachedResponse {
  return { body: Buffer.from(JSON.stringify(body)), contentType: 'application/json; charset=utf-8', status: 200, headers };
}

export function htmlResponse(body: string, headers: Record<string, string> = {}): CachedResponse {
  return { body: Buffer.from(body), contentType: 'text/html; charset=utf-8', status: 200, headers };
}
