// Signed tokens for links in mails that must work without a database row per link: unsubscribe links
// (which never expire: RFC 8058 one-click must work months later) and subscription confirmation links
// (which do). A token is its fields joined by dots and an HMAC-SHA256 of the purpose and the fields under
// the site's secret key (made by migration 0004), so it cannot be forged, nor reused for another purpose.
import { createHmac } from 'node:crypto';
import { safeEqual } from './tokens.ts';

/** 192 bits of the MAC are kept: ample against forgery, and the link stays short. */
const MAC_CHARS = 32;
const FIELD = /^[A-Za-z0-9_-]{1,40}$/;
/** Longer tokens are refused before any work. */
export const MAX_SIGNED_TOKEN_CHARS = 200;

function mac(secret: string, purpose: string, body: string): string {
  return createHmac('sha256', secret).update(`${purpose}\n${body}`).digest('base64url').slice(0, MAC_CHARS);
}

export function signToken(secret: string, purpose: string, fields: (string | number)[]): string {
  const parts = fields.map(String);
  for (const p of parts) if (!FIELD.test(p)) throw new Error(`signToken: bad field ${JSON.stringify(p)}`);
  const body = parts.join('.');
  return `${body}.${mac(secret, purpose, body)}`;
}

/** The fields of a token signed for `purpose` with `count` fields, or null (forged, altered, malformed). */
export function verifyToken(secret: string, purpose: string, token: unknown, count: number): string[] | null {
  if (typeof token !== 'string' || token.length > MAX_SIGNED_TOKEN_CHARS) return null;
  const parts = token.split('.');
  if (parts.length !== count + 1 || !parts.every((p) => FIELD.test(p))) return null;
  const fields = parts.slice(0, count);
  const given = parts[count] as string;
  return safeEqual(given, mac(secret, purpose, fields.join('.'))) ? fields : null;
}

const UNSUBSCRIBE = 'digest-unsubscribe';
const CONFIRM = 'digest-confirm';

/** The token of a subscription's unsubscribe links (the same in every digest; never expires). */
export function unsubscribeToken(secret: string, subscriptionId: number): string {
  return signToken(secret, UNSUBSCRIBE, [subscriptionId]);
}

export function readUnsubscribeToken(secret: string, token: unknown): number | null {
  const f = verifyToken(secret, UNSUBSCRIBE, token, 1);
  const id = f ? Number(f[0]) : Number.NaN;
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** A confirmation link for the request made at `requestedAt` (epoch ms), valid until `expiresAt` (epoch ms). */
export function confirmToken(secret: string, subscriptionId: number, requestedAt: number, expiresAt: number): string {
  return signToken(secret, CONFIRM, [subscriptionId, requestedAt, Math.floor(expiresAt / 1000)]);
}

export type ConfirmTokenState = { ok: true; subscriptionId: number; requestedAt: number } | { ok: false; reason: 'invalid' | 'expired' };

export function readConfirmToken(secret: string, token: unknown, now = Date.now()): ConfirmTokenState {
  const f = verifyToken(secret, CONFIRM, token, 3);
  if (!f) return { ok: false, reason: 'invalid' };
  const [id, requestedAt, expires] = f.map(Number) as [number, number, number];
  if (![id, requestedAt, expires].every(Number.isSafeInteger)) return { ok: false, reason: 'invalid' };
  if (expires * 1000 <= now) return { ok: false, reason: 'expired' };
  return { ok: true, subscriptionId: id, requestedAt };
}
