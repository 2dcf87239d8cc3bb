// Request ids, Prometheus metrics and the readiness check.
// - Every request gets an id (a sane incoming X-Request-Id is kept, so ids follow a request through a
//   proxy), logged with each line and returned in the X-Request-Id header.
// - `/metrics`: Prometheus text format, for admins only (a session, or an admin's API token as
//   `Authorization: Bearer folio_...`), for `Bearer <FOLIO_METRICS_TOKEN>`, or for anyone with
//   FOLIO_METRICS_PUBLIC=1. Counters tell traffic, job failures and store size: not for the public.
// - `/readyz`: 200 when the store answers a real query with no migration pending and the search index
//   (if one is built) is loaded; 503 while any of that fails (a PostgreSQL that is away, a damaged
//   SQLite file), and while the process shuts down. `/healthz` stays the plain liveness check.
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { tokenMember } from '../db/queries/members.ts';
import { storeProblem } from '../db/readiness.ts';
import { isAdmin } from '../domain/roles.ts';
import { bindMetricsStore, httpLatency, httpRequests, registry } from '../observability/metrics.ts';
import { searchService } from '../search/service.ts';
import { API_TOKEN_PREFIX, sha256Hex } from '../security/tokens.ts';
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

  /** Whether the request may read the metrics (see the top of this file). */
  async function mayReadMetrics(req: FastifyRequest): Promise<boolean> {
    if (ctx.config.metricsPublic) return true;
    if (req.member && isAdmin(req.member.role)) return true;
    const auth = req.headers.authorization;
    if (ctx.config.metricsToken && tokenMatches(auth, ctx.config.metricsToken)) return true;
    const bearer = typeof auth === 'string' ? /^Bearer\s+(\S{1,200})\s*$/i.exec(auth)?.[1] : undefined;
    if (bearer?.startsWith(API_TOKEN_PREFIX)) {
      const found = await tokenMember(ctx.store.db, sha256Hex(bearer));
      return !!found && !found.member.suspended && isAdmin(found.member.role);
    }
    return false;
  }

  app.get('/metrics', async (req, reply) => {
    if (!(await mayReadMetrics(req))) {
      return reply
        .status(req.member ? 403 : 401)
        .header('www-authenticate', 'Bearer')
        .header('cache-control', 'no-store')
        .send({
          error:
            'metrics are for admins: sign in as one, or send an admin’s API token (Authorization: Bearer folio_...) or FOLIO_METRICS_TOKEN; FOLIO_METRICS_PUBLIC=1 opens them on a private network',
        });
    }
    return reply
      .type(registry.contentType)
      .header('cache-control', 'no-store')
      .send(await registry.metrics());
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
