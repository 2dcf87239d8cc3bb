// Random tokens and their digests. Tokens handed to people (session cookies, API tokens, email links)
// are 256 random bits; the database keeps only their SHA-256, so a copy of it opens nothing.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_BYTES = 32;
/** API tokens start with this, so that secret scanners and people recognise them. */
export const API_TOKEN_PREFIX = 'folio_';

export function newToken(bytes = TOKEN_BYTES): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

/** Constant-time string comparison (for values of a fixed length, such as digests and tokens). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
