// Bearer tokens for the JSON API's write endpoints: `Authorization: Bearer folio_...`. Cookies are
// never read here, so a browser's session cannot be used by another site through the API.
import type { FastifyRequest } from 'fastify';
import { type Member, tokenMember } from '../db/queries/members.ts';
import { API_TOKEN_PREFIX, sha256Hex } from '../security/tokens.ts';
import type { AppContext } from './context.ts';
import { HttpError } from './errors.ts';

/** `last_used_at` is written at most this often per token. */
const TOKEN_TOUCH_MS = 60 * 60 * 1000;
const CHALLENGE = { 'www-authenticate': 'Bearer realm="folio"' };

export async function requireBearer(ctx: AppContext, req: FastifyRequest): Promise<Member> {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer\s+(\S{1,200})\s*$/i.exec(h) : null;
  if (!m)
    throw new HttpError(401, 'This endpoint needs an API token: Authorization: Bearer folio_... (create one in /settings).', CHALLENGE);
  const token = m[1] as string;
  const found = token.startsWith(API_TOKEN_PREFIX) ? await tokenMember(ctx.store.db, sha256Hex(token)) : undefined;
  if (!found)
    throw new HttpError(401, 'This API token is not valid (revoked, or never issued).', {
      'www-authenticate': 'Bearer realm="folio", error="invalid_token"',
    });
  if (found.member.suspended) throw new HttpError(403, 'This account is suspended.');
  const now = new Date();
  if (!found.lastUsedAt || now.getTime() - Date.parse(found.lastUsedAt) > TOKEN_TOUCH_MS) {
    await ctx.store.db.updateTable('api_tokens').set({ last_used_at: now.toISOString() }).where('id', '=', found.tokenId).execute();
  }
  return found.member;
}
