// Who a request comes from, and the checks every state change passes.
//
// - Pages: the `folio_session` cookie (HttpOnly, SameSite=Lax, Secure behind HTTPS) holds a random
//   token; the sessions table holds its SHA-256. A live session of an unsuspended member sets
//   `req.member` and `req.session`.
// - The JSON API never reads cookies: write endpoints take `Authorization: Bearer folio_...`
//   (web/api-auth.ts), so a page on another site cannot act through a visitor's session.
// - Every POST/PUT/PATCH/DELETE outside /api/ is checked here before its handler runs: it must not come
//   from another site (Sec-Fetch-Site / Origin), and must carry the CSRF token of its session, or, for a
//   signed-out visitor, the signed token of the `folio_pre` cookie. A route may set
//   `config: { requireMember: true }` (a signed-out visitor is sent to /signin, nothing happens) or,
//   for links followed from mail clients only, `config: { csrf: false }`.
import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import { type Member, type SessionRow, sessionMember } from '../db/queries/members.ts';
import type { Database } from '../db/schema.ts';
import { SESSION_TOUCH_MS } from '../domain/accounts.ts';
import { anonymousCsrfToken, CSRF_FIELD, CSRF_HEADER, checkAnonymousCsrf, PRE_SESSION_COOKIE } from '../security/csrf.ts';
import { newToken, safeEqual, sha256Hex } from '../security/tokens.ts';
import type { AppContext } from './context.ts';
import { HttpError } from './errors.ts';

export const SESSION_COOKIE = 'folio_session';
const MAX_COOKIE_CHARS = 100;

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in member (pages only; the API uses bearer tokens). */
    member: Member | null;
    session: SessionRow | null;
  }
  interface FastifyContextConfig {
    /** Signed-out visitors are sent to /signin (pages) or refused with 401 (JSON), before the handler. */
    requireMember?: boolean;
    /**
     * `false` only for routes that mail clients post to without a page (one-click unsubscribe);
     * `'same-site'` for a visitor's display preference posted from a cached page (no visitor token
     * there): only the same-site check applies to visitors, members' posts still carry their token.
     */
    csrf?: boolean | 'same-site';
  }
}

export function isApiUrl(url: string): boolean {
  return url.startsWith('/api/') || url === '/api' || url === '/healthz';
}

function isStaticUrl(url: string): boolean {
  return url.startsWith('/static/');
}

/** Secure cookies and HSTS when the site is served over HTTPS (its base URL, or the proxy says so). */
export function isSecure(config: Config, req?: FastifyRequest): boolean {
  return config.baseUrl.startsWith('https://') || req?.protocol === 'https';
}

const secrets = new WeakMap<object, Promise<string>>();

/** The site's secret key (made by the migration, shared by all processes). */
export function secretKey(db: Kysely<Database>): Promise<string> {
  let s = secrets.get(db);
  if (!s) {
    s = db
      .selectFrom('meta')
      .select('value')
      .where('key', '=', 'secret_key')
      .executeTakeFirstOrThrow()
      .then((r) => r.value);
    secrets.set(db, s);
  }
  return s;
}

export function setSessionCookie(ctx: AppContext, req: FastifyRequest, reply: FastifyReply, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: isSecure(ctx.config, req),
    maxAge: ctx.config.sessionDays * 86_400,
  });
}

export function clearSessionCookie(ctx: AppContext, req: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: isSecure(ctx.config, req) });
}

/** The CSRF token a form on this response must carry (setting the pre-session cookie when needed). */
export async function formToken(ctx: AppContext, req: FastifyRequest, reply: FastifyReply): Promise<string> {
  if (req.session) return req.session.csrf;
  let pre = req.cookies[PRE_SESSION_COOKIE];
  if (!pre || pre.length > MAX_COOKIE_CHARS) {
    pre = newToken();
    reply.setCookie(PRE_SESSION_COOKIE, pre, { path: '/', httpOnly: true, sameSite: 'lax', secure: isSecure(ctx.config, req) });
  }
  return anonymousCsrfToken(await secretKey(ctx.store.db), pre);
}

/** Longest return address kept (longer ones are not a page of this site). */
export const MAX_RETURN_TO = 500;
/** Any origin: only used to resolve a path and see that it stays on it. */
const RETURN_BASE = 'http://return.invalid';

/**
 * The one place a return address is checked: a local path to go back to, or the fallback. Never another
 * site (`//evil`, `/\evil`, `https:`), never control characters, and always in its encoded form (the
 * WHATWG URL serialisation): it goes into a Location header, which takes no raw non-ASCII
 * (`/%E3%80%80` arrives decoded as U+3000, and a header holding it made the redirect fail with a 500
 * after the session was made).
 */
export function safeReturnTo(raw: unknown, fallback = '/papers'): string {
  if (typeof raw !== 'string' || raw.length > MAX_RETURN_TO) return fallback;
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\') || /[\u0000-\u001f\u007f\\]/.test(raw)) return fallback;
  let u: URL;
  try {
    u = new URL(raw, RETURN_BASE);
  } catch {
    return fallback;
  }
  if (u.origin !== RETURN_BASE) return fallback;
  const path = `${u.pathname}${u.search}${u.hash}`;
  // The serialisation is ASCII; checked again so that a header can never refuse it.
  if (path.length > MAX_RETURN_TO || !/^\/[\x21-\x7e]*$/.test(path) || path.startsWith('//')) return fallback;
  return path;
}

/** The same-site page a form was posted from (its path and query), from the Referer header. */
export function refererPath(ctx: AppContext, req: FastifyRequest): string | undefined {
  const ref = req.headers.referer;
  if (!ref) return undefined;
  try {
    const u = new URL(ref);
    const own = [new URL(ctx.config.baseUrl).origin, `${req.protocol}://${req.headers.host ?? ''}`];
    if (!own.includes(u.origin)) return undefined;
    const path = safeReturnTo(`${u.pathname}${u.search}`, '');
    return path || undefined;
  } catch {
    return undefined;
  }
}

export function wantsJson(req: FastifyRequest): boolean {
  const accept = req.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const FORBIDDEN_SITE = 'This form was sent from another site, so nothing was done.';
const STALE_FORM = 'This form is out of date (or was not sent from this site), so nothing was done. Reload the page and try again.';

function fromAnotherSite(ctx: AppContext, req: FastifyRequest): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') return true;
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  const own = [new URL(ctx.config.baseUrl).origin, `${req.protocol}://${req.headers.host ?? ''}`];
  return !own.includes(origin);
}

function bodyToken(req: FastifyRequest): string | undefined {
  const header = req.headers[CSRF_HEADER];
  if (typeof header === 'string') return header;
  const body = req.body as Record<string, unknown> | undefined;
  const v = body && typeof body === 'object' ? body[CSRF_FIELD] : undefined;
  return typeof v === 'string' ? v : undefined;
}

export function registerAuth(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('member', null);
  app.decorateRequest('session', null);

  app.addHook('onRequest', async (req, reply) => {
    if (isApiUrl(req.url) || isStaticUrl(req.url)) return;
    const token = req.cookies[SESSION_COOKIE];
    if (!token) return;
    const now = new Date();
    const found = token.length <= MAX_COOKIE_CHARS ? await sessionMember(ctx.store.db, sha256Hex(token), now.toISOString()) : undefined;
    if (!found) {
      clearSessionCookie(ctx, req, reply);
      return;
    }
    req.member = found.member;
    req.session = found.session;
    if (now.getTime() - Date.parse(found.session.lastSeenAt) > SESSION_TOUCH_MS) {
      await ctx.store.db.updateTable('sessions').set({ last_seen_at: now.toISOString() }).where('id', '=', found.session.id).execute();
    }
  });

  app.addHook('preHandler', async (req, reply) => {
    if (!UNSAFE.has(req.method) || isApiUrl(req.url)) return;
    const cfg = req.routeOptions.config ?? {};
    if (cfg.csrf === false) return;
    if (fromAnotherSite(ctx, req)) throw new HttpError(403, FORBIDDEN_SITE);
    const token = bodyToken(req);
    if (req.session) {
      if (!token || !safeEqual(token, req.session.csrf)) throw new HttpError(403, STALE_FORM);
      return;
    }
    if (cfg.csrf === 'same-site') return;
    if (cfg.requireMember) {
      // Nothing can change without a member; send the visitor to sign in and back.
      if (wantsJson(req)) throw new HttpError(401, 'Sign in first.');
      const back = refererPath(ctx, req) ?? '/papers';
      return reply.redirect(`/signin?return_to=${encodeURIComponent(back)}`, 303);
    }
    if (!checkAnonymousCsrf(await secretKey(ctx.store.db), req.cookies[PRE_SESSION_COOKIE], token)) throw new HttpError(403, STALE_FORM);
  });
}

/** For GET pages only members may see: sends signed-out visitors to /signin and back. */
export function memberOrRedirect(req: FastifyRequest, reply: FastifyReply): Member | undefined {
  if (req.member) return req.member;
  void reply.redirect(`/signin?return_to=${encodeURIComponent(safeReturnTo(req.url))}`, 303);
  return undefined;
}

/** The member of a route declared with `requireMember` (the hook guarantees one). */
export function theMember(req: FastifyRequest): Member {
  if (!req.member) throw new HttpError(401, 'Sign in first.');
  return req.member;
}

export function requireConfirmed(ctx: AppContext, m: Member): void {
  if (ctx.config.requireConfirmedEmail && !m.emailConfirmed) {
    // A link the site makes, relative to the request (not the configured base URL): it works under
    // whatever address the member reached the site by.
    const err = new HttpError(403, `Please confirm your email address first: we sent a link to ${m.email}.`);
    err.link = { href: '/settings#email', text: 'Ask for a new link in your settings' };
    throw err;
  }
}
