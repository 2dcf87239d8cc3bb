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

export function registerSecurityHeaders(app: FastifyInstance, config: Config): void {
  app.addHook('onSend', async (req, reply, payload) => {
    // A route may set a stricter policy of its own (a mail's HTML in /admin/outbox: `sandbox`).
    if (!reply.hasHeader('content-security-policy')) reply.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    reply.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()');
    if (isSecure(config, req)) reply.header('Strict-Transport-Security', `max-age=${HSTS_SECONDS}; includeSubDomains`);
    return payload;
  });
}
