// Request ids, Prometheus metrics and the readiness check.
// - Every request gets an id (a sane incoming X-Request-Id is kept, so ids follow a request through a
//   proxy), logged with each line and returned in the X-Request-Id header.
// - `/metrics`: Prometheus text format; with FOLIO_METRICS_TOKEN set, only for `Authorization: Bearer`.
// - `/readyz`: 200 once the store answers (and migrations ran, since the store opens after them), 503
//   while it does not or while the process shuts down; `/healthz` stays the plain liveness check.
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { bindMetricsStore, httpLatency, httpRequests, registry } from '../observability/metrics.ts';
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
    try {
      await sql`select 1`.execute(ctx.store.db);
      return { status: 'ready', store: ctx.store.dialect };
    } catch {
      return reply.status(503).send({ status: 'unavailable', error: 'the store does not answer' });
    }
  });
}
