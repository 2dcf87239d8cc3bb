// `GET /api/papers/{id}` and `GET /api/papers?cursor=&limit=`, compatible with huggingface.co.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { getPaperView, listPapersByPublication } from '../../db/queries/papers.ts';
import { parseArxivId } from '../../domain/arxiv-id.ts';
import { jsonResponse, sendCached } from '../cached.ts';
import type { AppContext } from '../context.ts';
import { badRequest, notFound } from '../errors.ts';
import { intParam, type Query, single, withParam } from '../params.ts';
import { presentPaper, presentPaperItem } from '../presenters/hf.ts';
import { API_DEFAULT_LIMIT, API_MAX_LIMIT } from './api-daily-papers.ts';

interface Cursor {
  publishedAt: string;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.publishedAt, c.id])).toString('base64url');
}

export function decodeCursor(s: string): Cursor {
  try {
    if (s.length > 200) throw new Error('too long');
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') {
      return { publishedAt: v[0], id: v[1] };
    }
  } catch {
    /* fall through to the clear error */
  }
  throw badRequest('Parameter "cursor" is not a cursor this server gave out.');
}

/** Resolves the id in a path to a canonical arXiv id, or fails with 404 (ids are names, not input errors). */
export function paperIdParam(raw: string): string {
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // A lone `%` is not an escape: the id is taken as typed (and is then no arXiv id).
  }
  const id = parseArxivId(decoded);
  if (!id) throw notFound(`"${raw.slice(0, 100)}" is not an arXiv id.`);
  return id.id;
}

export function registerPapersApi(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/papers', async (req, reply) => {
    const q = req.query as Query;
    const limit = intParam(q, 'limit', { min: 1, max: API_MAX_LIMIT, default: API_DEFAULT_LIMIT });
    const cursorRaw = single(q, 'cursor');
    const after = cursorRaw ? decodeCursor(cursorRaw) : undefined;
    return sendCached(ctx, req, reply, async () => {
      const rows = await listPapersByPublication(ctx.store.db, { limit: limit + 1, ...(after ? { after } : {}) });
      const page = rows.slice(0, limit);
      const headers: Record<string, string> = {};
      const last = page[page.length - 1];
      if (rows.length > limit && last?.paper.published_at) {
        const next = encodeCursor({ publishedAt: last.paper.published_at, id: last.paper.id });
        headers.link = `<${ctx.config.baseUrl}${withParam(req.url, 'cursor', next)}>; rel="next"`;
      }
      return jsonResponse(page.map(presentPaperItem), headers);
    });
  });

  const one = async (raw: string, req: FastifyRequest, reply: FastifyReply) => {
    const id = paperIdParam(raw);
    return sendCached(ctx, req, reply, async () => {
      const view = await getPaperView(ctx.store.db, id);
      if (!view || view.paper.hidden) throw notFound(`No paper ${id} on this server.`);
      return jsonResponse(presentPaper(view, view.entries[0]));
    });
  };
  app.get('/api/papers/:id', async (req, reply) => one((req.params as { id: string }).id, req, reply));
  // Old-style ids hold a slash: /api/papers/hep-th/9901001
  app.get('/api/papers/:archive/:number', async (req, reply) => {
    const { archive, number } = req.params as { archive: string; number: string };
    return one(`${archive}/${number}`, req, reply);
  });
}
