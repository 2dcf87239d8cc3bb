// The web application: pages, the JSON API and static files, with one error policy for all of them.

import { STATUS_CODES } from 'node:http';
import { parse as parseForm } from 'node:querystring';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { type FieldMessages, fieldMessagesOf } from '../actions/errors.ts';
import type { Config } from '../config.ts';
import type { Store } from '../db/connection.ts';
import { isStoreDamaged, isStoreUnavailable } from '../db/store-errors.ts';
import { wellFormedDeep } from '../domain/well-formed.ts';
import { makeLogger } from '../observability/logger.ts';
import { isSecure, registerAuth } from './auth.ts';
import { ResponseCache } from './cache.ts';
import { registerCompression } from './compression.ts';
import type { AppContext } from './context.ts';
import { HttpError } from './errors.ts';
import { registerObservability, requestId } from './observability.ts';
import { personalize } from './personalize.ts';
import { registerRoutes } from './routes/index.ts';
import { registerSecurityHeaders, securityHeaders } from './security-headers.ts';
import { renderErrorPage } from './views/error.ts';

/** The API's one error shape: `{error}`, with a `code` for programs and a message per field of a form. */
function errorBody(error: string, code: string | undefined, fields: FieldMessages) {
  return { error, ...(code ? { code } : {}), ...(Object.keys(fields).length ? { fields } : {}) };
}

/** Request bodies above this are refused with 413 (forms and API calls are small). */
export const MAX_BODY_BYTES = 64 * 1024;
/** What a 503 for a store that is briefly away asks the client to wait. */
export const STORE_RETRY_AFTER_SECONDS = 5;
export const PUBLIC_DIR = fileURLToPath(new URL('../../public', import.meta.url));
const KATEX_DIST = fileURLToPath(new URL('../../node_modules/katex/dist', import.meta.url));

/**
 * Node's answer to a request it could not parse (headers over the limit: 431; a timeout: 408; else
 * 400), written on the socket before Fastify sees a request: the site's error page or JSON error, with
 * the security headers, then the connection closed as Node does.
 */
function routerRefusal(config: Config, err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
  const message = status === 414 ? 'This address is too long.' : 'This address is not valid.';
  reply
    .headers(securityHeaders(config, isSecure(config, req)))
    .header('cache-control', 'no-store')
    .status(status);
  if (isApi(req.url)) void reply.type('application/json; charset=utf-8').send({ error: message });
  else void reply.type('text/html; charset=utf-8').send(renderErrorPage(status, message));
}

function writeClientError(config: Config, err: Error & { code?: string; rawPacket?: unknown }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const message =
    status === 431
      ? 'The request’s headers (or its address) are too large.'
      : status === 408
        ? 'The request took too long to arrive.'
        : 'The request could not be read.';
  const packet = Buffer.isBuffer(err.rawPacket) ? err.rawPacket.toString('latin1', 0, 200) : '';
  const path = /^[A-Z]+ (\S+)/.exec(packet)?.[1] ?? '';
  const json = isApi(path);
  const body = Buffer.from(json ? JSON.stringify({ error: message }) : renderErrorPage(status, message));
  const headers: Record<string, string> = {
    ...securityHeaders(config),
    'Content-Type': json ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8',
    'Content-Length': String(body.length),
    'Cache-Control': 'no-store',
    Connection: 'close',
  };
  if (socket.writable) {
    const head = Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head}\r\n`);
    socket.write(body);
  }
  socket.end();
}

function isApi(url: string): boolean {
  return url.startsWith('/api/') || url === '/api' || url === '/healthz';
}

export async function buildApp(config: Config, store: Store, opts: { logger?: boolean } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...(opts.logger === false ? { logger: false } : { loggerInstance: makeLogger(config.logLevel, config.logFormat) as FastifyBaseLogger }),
    bodyLimit: MAX_BODY_BYTES,
    trustProxy: config.trustProxy,
    // Ids of old arXiv papers hold a slash; a path must still be matched as typed.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    genReqId: requestId,
    // The router's refusals (an address that does not decode, a part over maxParamLength: 400, 414)
    // are answered before any hook runs: the site's own error, with its headers, all the same.
    frameworkErrors: (err, req, reply) => routerRefusal(config, err, req as FastifyRequest, reply as unknown as FastifyReply),
    clientErrorHandler: (err, socket) => writeClientError(config, err, socket),
  });
  const ctx: AppContext = { config, store, cache: new ResponseCache() };

  // Before the routes: the plugin attaches itself to each route as it is added.
  await registerCompression(app);
  // Form fields are made well-formed like JSON strings below (`%00`, `%ED%A0%80` cannot reach the store).
  await app.register(formbody, { parser: (body: string) => wellFormedDeep(parseForm(body)) as Record<string, unknown> });
  // JSON bodies keep Fastify's guard against prototype poisoning; their strings are then made
  // well-formed, so a `\uD800` escape cannot reach a page, a URL or the store.
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) =>
    jsonParser(req, String(body), (err, parsed) => (err ? done(err, undefined) : done(null, wellFormedDeep(parsed)))),
  );
  await app.register(cookie);
  await app.register(fastifyStatic, { root: PUBLIC_DIR, prefix: '/static/', maxAge: '1h' });
  await app.register(fastifyStatic, { root: KATEX_DIST, prefix: '/static/katex/', decorateReply: false, maxAge: '7d' });

  // Addresses too: `%00` decodes to NUL, which PostgreSQL cannot compare against (it answered 500).
  // First of all hooks, so sessions, routes and error pages only ever see well-formed parameters.
  app.addHook('onRequest', async (req) => {
    req.params = wellFormedDeep(req.params);
    req.query = wellFormedDeep(req.query);
  });

  registerSecurityHeaders(app, config);
  // Sessions and CSRF checks, before any route (see web/auth.ts).
  registerAuth(app, ctx);

  // An error page keeps the member's own header (their name, sign out), as every other page does.
  // Personalizing it reads nothing from the store (it has no vote buttons or digest invitation), so
  // it works while the store is away too.
  async function sendErrorPage(req: FastifyRequest, reply: FastifyReply, page: string): Promise<FastifyReply> {
    reply.type('text/html; charset=utf-8');
    if (!req.member) return reply.send(page);
    return reply
      .header('cache-control', 'no-store')
      .header('vary', 'Cookie')
      .send(await personalize(ctx, req, page));
  }

  app.setErrorHandler(async (err: FastifyError | HttpError | Error, req, reply) => {
    let status = 500;
    let message = 'Something went wrong on our side. The error has been logged.';
    if (err instanceof HttpError) {
      status = err.status;
      message = err.message;
      reply.headers(err.headers);
    } else if ('statusCode' in err && typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      status = err.statusCode;
      message = status === 413 ? `Request body too large (at most ${MAX_BODY_BYTES} bytes).` : err.message;
    } else if (isStoreUnavailable(err)) {
      // The store is away for a moment (a lost PostgreSQL connection, another process's long write):
      // the client may try again soon, and a load balancer sees the difference from a bug.
      status = 503;
      message = 'The site is briefly unavailable. Please try again in a moment.';
      reply.header('retry-after', String(STORE_RETRY_AFTER_SECONDS));
      req.log.warn({ err: (err as Error).message, url: req.url }, 'store unavailable');
    } else if (isStoreDamaged(err)) {
      // One line naming the file and the fix: a stack would say nothing more, once per request.
      store.damaged ??= `${store.path ?? 'the database'} is damaged (${(err as { code?: string }).code}): restore it from a backup (folio restore FILE)`;
      req.log.error({ url: req.url }, store.damaged);
    } else {
      req.log.error({ err, url: req.url }, 'unexpected error');
    }
    reply.status(status);
    const code = err instanceof HttpError && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
    if (isApi(req.url)) return reply.type('application/json; charset=utf-8').send(errorBody(message, code, fieldMessagesOf(err)));
    const link = err instanceof HttpError ? err.link : undefined;
    return sendErrorPage(req, reply, renderErrorPage(status, message, link));
  });

  app.setNotFoundHandler((req, reply) => {
    reply.status(404);
    if (isApi(req.url)) return reply.send({ error: `No such endpoint: ${req.method} ${req.url.split('?')[0]}` });
    return sendErrorPage(req, reply, renderErrorPage(404, 'There is no page at this address.'));
  });

  registerObservability(app, ctx);
  registerRoutes(app, ctx);
  return app;
}
