// API tokens: named, shown once at creation, stored as their SHA-256. Revoking deletes the row.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { API_TOKEN_PREFIX, newToken, sha256Hex } from '../security/tokens.ts';
import { ActionError, invalidField } from './errors.ts';

export const MAX_TOKENS_PER_MEMBER = 20;
export const MAX_TOKEN_NAME_CHARS = 60;
/** Characters of a token kept in clear to tell tokens apart (`folio_abcd…`). */
const SHOWN_PREFIX_CHARS = API_TOKEN_PREFIX.length + 4;

/** Refused until the member's address is confirmed (when the site asks for confirmed addresses). */
export const UNCONFIRMED_NOTE = 'Confirm your email address first: follow the link we mailed you, or ask for a new one in your settings.';

/** Whether the member's address is confirmed. */
export async function emailConfirmed(db: Kysely<Database>, userId: number): Promise<boolean> {
  const r = await db.selectFrom('accounts').select('email_confirmed_at').where('user_id', '=', userId).executeTakeFirst();
  return !!r?.email_confirmed_at;
}

export async function createApiToken(p: {
  db: Kysely<Database>;
  userId: number;
  name: string;
  /** FOLIO_REQUIRE_CONFIRMED_EMAIL: a token acts as the member, so it waits for a confirmed address. */
  requireConfirmedEmail: boolean;
  now?: Date;
}): Promise<{ id: number; token: string }> {
  if (p.requireConfirmedEmail && !(await emailConfirmed(p.db, p.userId))) {
    throw new ActionError(403, `API tokens are for confirmed members. ${UNCONFIRMED_NOTE}`, 'email_unconfirmed');
  }
  const name = p.name.trim();
  if (!name) throw invalidField('name', 'Give the token a name, such as the script that will use it.', 'invalid_name');
  if (name.length > MAX_TOKEN_NAME_CHARS)
    throw invalidField('name', `A token name has at most ${MAX_TOKEN_NAME_CHARS} characters.`, 'invalid_name');
  const token = `${API_TOKEN_PREFIX}${newToken()}`;
  const now = (p.now ?? new Date()).toISOString();
  return p.db.transaction().execute(async (trx) => {
    const n = await trx
      .selectFrom('api_tokens')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', p.userId)
      .executeTakeFirstOrThrow();
    if (Number(n.n) >= MAX_TOKENS_PER_MEMBER) {
      throw new ActionError(409, `You have ${MAX_TOKENS_PER_MEMBER} tokens, the most a member may have; revoke one first.`, 'too_many');
    }
    const row = await trx
      .insertInto('api_tokens')
      .values({
        user_id: p.userId,
        name,
        token_hash: sha256Hex(token),
        prefix: token.slice(0, SHOWN_PREFIX_CHARS),
        created_at: now,
        last_used_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: row.id, token };
  });
}

/** Revokes one of the member's own tokens; another member's token id is "not found", as it is for them. */
export async function revokeApiToken(p: { db: Kysely<Database>; userId: number; tokenId: number }): Promise<void> {
  const r = await p.db.deleteFrom('api_tokens').where('id', '=', p.tokenId).where('user_id', '=', p.userId).executeTakeFirst();
  if (Number(r.numDeletedRows) !== 1) throw new ActionError(404, 'You have no such token.', 'no_token');
}
