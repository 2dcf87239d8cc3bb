// Request ids, Prometheus metrics and the readiness check.
// - Every request gets an id (a sane incoming X-Request-Id is kept, so ids follow a request through a
//   proxy), logged with each line and returned in the X-Request-Id header.
// - `/metrics`: Prometheus text format; with FOLIO_METRICS_TOKEN set, only for `Authorization: Bearer`.
// - `/readyz`: 200 when the store answers a real query with no migration pending and the search index
//   (if one is built) is loaded; 503 while any of that fails (a PostgreSQL that is away, a damaged
//   SQLite file), and while the process shuts down. `/healthz` stays the plain liveness check.
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { storeProblem } from '../db/readiness.ts';
import { bindMetricsStore, httpLatency, httpRequests, registry } from '../observability/metrics.ts';
import { searchService } from '../search/service.ts';
import type { AppContext } from './context.ts';

const INCOMING_ID = /^[\w.:-]{1,128}$/;

export function requestId(req: { headers: Record<string, string | string[] | undefined> }): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : randomUUID();
}

function routeOf(req: FastifyRequest): string {
  // The route template (`/papers/:id`), never the raw URL: labels must stay few.
  return req.routeOptions.url ?? 'unmatched';
}

function tokenMatches(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(`Bearer ${expected}`);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function registerObservability(app: FastifyInstance, ctx: AppContext): void {
  bindMetricsStore(ctx.store);
  let closing = false;
  app.addHook('onClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = routeOf(req);
    httpRequests.inc({ method: req.method, route, status: String(reply.statusCode) });
    httpLatency.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  });

  app.get('/metrics', async (req, reply) => {
    const token = ctx.config.metricsToken;
    if (token && !tokenMatches(req.headers.authorization, token)) {
      return reply.status(401).header('www-authenticate', 'Bearer').send({ error: 'metrics need the bearer token (FOLIO_METRICS_TOKEN)' });
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });

  app.get('/readyz', async (_req, reply) => {
    if (closing) return reply.status(503).send({ status: 'shutting down' });
    if (ctx.store.damaged) return reply.status(503).send({ status: 'unavailable', error: ctx.store.damaged });
    try {
      const problem = await storeProblem(ctx.store.db);
      if (problem) return reply.status(503).send({ status: 'unavailable', error: problem });
    } catch {
      return reply.status(503).send({ status: 'unavailable', error: 'the store does not answer' });
    }
    try {
      // Loads the current search index when there is one and this process has not yet (or it changed).
      const index = await searchService(ctx.store, ctx.config).current();
      return { status: 'ready', store: ctx.store.dialect, searchIndex: index ? index.id : null };
    } catch (e) {
      return reply.status(503).send({ status: 'unavailable', error: `the search index cannot be loaded: ${(e as Error).message}` });
    }
  });
}
