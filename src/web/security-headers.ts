// Security headers on every response. The Content-Security-Policy allows scripts, styles and fonts
// from this site only; `style-src-attr 'unsafe-inline'` is there for KaTeX, which positions glyphs with
// inline style attributes (inline <style> and <script> stay forbidden). HSTS only behind HTTPS.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import { isSecure } from './auth.ts';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' https: data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Two years, as the HSTS preload list asks. */
const HSTS_SECONDS = 63_072_000;

/**
 * Every security header a response of this site carries by default, in one place: the hooks below put
 * them on what routes answer, and the answers written before any route runs (a malformed request line,
 * headers too large, an address the router refuses: see web/server.ts) carry the very same.
 */
export function securityHeaders(config: Config, secure = isSecure(config)): Record<string, string> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'X-Frame-Options': 'DENY',
    ...(secure ? { 'Strict-Transport-Security': `max-age=${HSTS_SECONDS}; includeSubDomains` } : {}),
  };
}

export function registerSecurityHeaders(app: FastifyInstance, config: Config): void {
  app.addHook('onSend', async (req, reply, payload) => {
    for (const [name, value] of Object.entries(securityHeaders(config, isSecure(config, req)))) {
      // A route may set a stricter value of its own (a mail's HTML in /admin/outbox: a `sandbox` policy,
      // framing by this site; a reset link's page: no-referrer).
      if (!reply.hasHeader(name)) reply.header(name, value);
    }
    return payload;
  });
}
