// The web application: pages, the JSON API and static files, with one error policy for all of them.

import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import type { Store } from '../db/connection.ts';
import { registerAuth } from './auth.ts';
import { ResponseCache } from './cache.ts';
import type { AppContext } from './context.ts';
import { HttpError } from './errors.ts';
import { registerObservability, requestId } from './observability.ts';
import { registerRoutes } from './routes/index.ts';
import { registerSecurityHeaders } from './security-headers.ts';
import { renderErrorPage } from './views/error.ts';

/** Request bodies above this are refused with 413 (forms and API calls are small). */
export const MAX_BODY_BYTES = 64 * 1024;
export const PUBLIC_DIR = fileURLToPath(new URL('../../public', import.meta.url));
const KATEX_DIST = fileURLToPath(new URL('../../node_modules/katex/dist', import.meta.url));

function isApi(url: string): boolean {
  return url.startsWith('/api/') || url === '/api' || url === '/healthz';
}

export async function buildApp(config: Config, store: Store, opts: { logger?: boolean } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger === false ? false : { level: config.logLevel },
    bodyLimit: MAX_BODY_BYTES,
    trustProxy: config.trustProxy,
    // Ids of old arXiv papers hold a slash; a path must still be matched as typed.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    genReqId: requestId,
  });
  const ctx: AppContext = { config, store, cache: new ResponseCache() };

  await app.register(formbody);
  await app.register(cookie);
  await app.register(fastifyStatic, { root: PUBLIC_DIR, prefix: '/static/', maxAge: '1h' });
  await app.register(fastifyStatic, { root: KATEX_DIST, prefix: '/static/katex/', decorateReply: false, maxAge: '7d' });

  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    // A page may ask for less (a reset link's token is in its address: no-referrer).
    if (!reply.hasHeader('referrer-policy')) reply.header('Referrer-Policy', 'strict-origin-when-cross-origin');
    // Only a mail's sandboxed HTML in /admin/outbox may be framed, by this site.
    if (!reply.hasHeader('x-frame-options')) reply.header('X-Frame-Options', 'DENY');
    return payload;
  });
  registerSecurityHeaders(app, config);
  // Sessions and CSRF checks, before any route (see web/auth.ts).
  registerAuth(app, ctx);

  app.setErrorHandler((err: FastifyError | HttpError | Error, req, reply) => {
    let status = 500;
    let message = 'Something went wrong on our side. The error has been logged.';
    if (err instanceof HttpError) {
      status = err.status;
      message = err.message;
      reply.headers(err.headers);
    } else if ('statusCode' in err && typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      status = err.statusCode;
      message = status === 413 ? `Request body too large (at most ${MAX_BODY_BYTES} bytes).` : err.message;
    } else {
      req.log.error({ err, url: req.url }, 'unexpected error');
    }
    reply.status(status);
    const code = err instanceof HttpError && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
    if (isApi(req.url)) return reply.type('application/json; charset=utf-8').send(code ? { error: message, code } : { error: message });
    return reply.type('text/html; charset=utf-8').send(renderErrorPage(status, message));
  });

  app.setNotFoundHandler((req, reply) => {
    reply.status(404);
    if (isApi(req.url)) return reply.send({ error: `No such endpoint: ${req.method} ${req.url.split('?')[0]}` });
    return reply.type('text/html; charset=utf-8').send(renderErrorPage(404, 'There is no page at this address.'));
  });

  registerObservability(app, ctx);
  registerRoutes(app, ctx);
  return app;
}
