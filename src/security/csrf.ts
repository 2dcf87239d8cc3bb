// CSRF tokens. Signed-in members: the synchronizer token of their session (sessions.csrf_token), in a
// hidden `_csrf` field of every form. Signed-out visitors (the sign-in, sign-up and reset forms):
// a random `folio_pre` cookie and, in the form, its HMAC under the site's secret key, so that a form
// posted from elsewhere, without the visitor's cookie and its signature, is refused (login CSRF).
import { createHmac } from 'node:crypto';
import { safeEqual } from './tokens.ts';

export const CSRF_FIELD = '_csrf';
/** Header that scripts (folio.js) may send instead of the field. */
export const CSRF_HEADER = 'x-csrf-token';
export const PRE_SESSION_COOKIE = 'folio_pre';

export function anonymousCsrfToken(secret: string, preSession: string): string {
  return createHmac('sha256', secret).update(`csrf:${preSession}`).digest('base64url');
}

export function checkAnonymousCsrf(secret: string, preSession: string | undefined, token: string | undefined): boolean {
  if (!preSession || !token) return false;
  return safeEqual(anonymousCsrfToken(secret, preSession), token);
}
