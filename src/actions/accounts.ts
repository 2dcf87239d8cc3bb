// Accounts: sign up, sign in, sessions, email confirmation, password reset and change, and the
// first admin made from the command line. Each action is one function with a props object and its
// own transaction. Password hashing (80 ms of scrypt) always happens before the transaction opens,
// so that a hash never holds the database.
//
// Sign-up answers the same whether or not the address has an account: an address that has one gets
// a mail saying someone tried (accountExistsMail), so the form cannot be used to find who is a member.
// A reset link dies when the password changes after it was issued, and using one revokes the
// member's API tokens as well as their sessions (a reset is what someone does who fears a thief).
import type { ExpressionBuilder, Kysely, Transaction } from 'kysely';
import { isUniqueViolation } from '../db/queries/locks.ts';
import { findCredentials, getMember, type Member, passwordHashOf, usernameTaken } from '../db/queries/members.ts';
import type { Database, EmailTokenPurpose } from '../db/schema.ts';
import {
  CONFIRM_TOKEN_HOURS,
  emailProblem,
  fullnameProblem,
  normaliseEmail,
  passwordProblem,
  RESET_TOKEN_MINUTES,
  usernameProblem,
} from '../domain/accounts.ts';
import type { Role } from '../domain/roles.ts';
import { accountExistsMail } from '../email/account-exists.ts';
import { confirmEmailMail } from '../email/confirm-email.ts';
import type { MailContext } from '../email/layout.ts';
import { enqueueMail } from '../email/outbox.ts';
import { resetPasswordMail } from '../email/reset-password.ts';
import { dummyHash, hashPassword, needsRehash, verifyPassword } from '../security/passwords.ts';
import { newToken, sha256Hex } from '../security/tokens.ts';
import { ActionError, FormProblems, invalidField, throwProblems } from './errors.ts';

type Db = Kysely<Database>;
type Trx = Transaction<Database>;

const iso = (d: Date) => d.toISOString();

async function issueEmailToken(
  trx: Trx,
  o: { userId: number; purpose: EmailTokenPurpose; email: string; ttlMs: number; now: Date },
): Promise<string> {
  const token = newToken();
  await trx
    .insertInto('email_tokens')
    .values({
      token_hash: sha256Hex(token),
      user_id: o.userId,
      purpose: o.purpose,
      email: o.email,
      created_at: iso(o.now),
      expires_at: iso(new Date(o.now.getTime() + o.ttlMs)),
      used_at: null,
    })
    .execute();
  return token;
}

function check(problem: string | null, field: string): void {
  if (problem) throw invalidField(field, problem);
}

export interface SignUpProps {
  db: Db;
  username: string;
  email: string;
  password: string;
  fullname?: string;
  mail: MailContext;
  now?: Date;
  /** For `folio users create`: the role, and whether the address counts as confirmed. */
  role?: Role;
  confirmed?: boolean;
  /**
   * What to do when the address has an account: `mail-owner` (the default, for the public sign-up
   * form) tells its owner by mail and answers as for a new account; `refuse` (the command line, run by
   * the operator, who may know) is a 409.
   */
  whenEmailTaken?: 'mail-owner' | 'refuse';
}

/** A new member, or (`userId: null`) an address that had an account, whose owner was mailed. */
export type SignUpResult = { userId: number } | { userId: null };

/** Creates a member (a `users` profile and its account) and queues the confirmation mail. */
export async function signUp(p: SignUpProps): Promise<SignUpResult> {
  const now = p.now ?? new Date();
  const email = normaliseEmail(p.email);
  const fullname = p.fullname?.trim() ?? '';
  // Every field at once: nobody should fix the username only to be told about the password.
  throwProblems({
    username: usernameProblem(p.username),
    email: emailProblem(email),
    password: passwordProblem(p.password, { username: p.username, email, fullname }),
    fullname: fullnameProblem(fullname),
  });
  // Hashed whether or not the address is known: both answers cost the same.
  const hash = await hashPassword(p.password);
  try {
    return await insertMember(p, email, fullname, hash, now);
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    // Two sign-ups racing for one name or address: the constraint decides. A lost race for the
    // username is said; one for the address is answered like any known address.
    if (await usernameTaken(p.db, p.username)) {
      throw new ActionError(409, 'This username was taken a moment ago. Choose another.', 'taken', {}, 'username');
    }
    return insertMember(p, email, fullname, hash, now);
  }
}

async function insertMember(p: SignUpProps, email: string, fullname: string, hash: string, now: Date): Promise<SignUpResult> {
  return p.db.transaction().execute(async (trx) => {
    // Usernames are public (every profile shows one), so a taken one is said plainly.
    if (await usernameTaken(trx, p.username))
      throw new ActionError(409, `The username "${p.username}" is taken. Choose another.`, 'username_taken', {}, 'username');
    const owner = await trx
      .selectFrom('accounts as a')
      .innerJoin('users as u', 'u.id', 'a.user_id')
      .select('u.username')
      .where('a.email', '=', email)
      .executeTakeFirst();
    if (owner) {
      if (p.whenEmailTaken === 'refuse') {
        throw new ActionError(409, 'An account with this email address exists.', 'email_taken', {}, 'email');
      }
      await enqueueMail(trx, { to: email, ...accountExistsMail(p.mail, { username: owner.username }) }, iso(now));
      return { userId: null };
    }
    const user = await trx
      .insertInto('users')
      .values({ username: p.username, fullname: fullname || null, avatar_url: null, hf_id: null, is_pro: 0, created_at: iso(now) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('accounts')
      .values({
        user_id: user.id,
        email,
        password_hash: hash,
        email_confirmed_at: p.confirmed ? iso(now) : null,
        role: p.role ?? 'member',
        suspended_at: null,
        suspended_reason: null,
        created_at: iso(now),
        password_changed_at: iso(now),
      })
      .execute();
    if (!p.confirmed) {
      const token = await issueEmailToken(trx, { userId: user.id, purpose: 'confirm', email, ttlMs: CONFIRM_TOKEN_HOURS * 3600_000, now });
      const m = confirmEmailMail(p.mail, { username: p.username, token, validHours: CONFIRM_TOKEN_HOURS });
      await enqueueMail(trx, { to: email, ...m }, iso(now));
    }
    return { userId: user.id };
  });
}

/** Checks an email and password; the same work and the same answer whether or not the account exists. */
export async function verifyCredentials(p: { db: Db; email: string; password: string }): Promise<Member> {
  const email = normaliseEmail(p.email);
  const found = email && p.password.length <= 1000 ? await findCredentials(p.db, email) : undefined;
  const ok = await verifyPassword(p.password.slice(0, 1000), found?.passwordHash ?? (await dummyHash()));
  if (!found || !ok) throw new ActionError(401, 'The email address or the password is wrong.', 'bad_credentials');
  if (found.suspended) {
    throw new ActionError(403, `This account is suspended${found.suspendedReason ? `: ${found.suspendedReason}` : '.'}`, 'suspended');
  }
  if (needsRehash(found.passwordHash)) {
    const hash = await hashPassword(p.password);
    await p.db.updateTable('accounts').set({ password_hash: hash }).where('user_id', '=', found.id).execute();
  }
  const { passwordHash: _h, suspendedReason: _r, ...member } = found;
  return member;
}

export interface NewSession {
  /** The cookie's value (shown once; only its digest is stored). */
  token: string;
  id: string;
  csrf: string;
}

/** Opens a session; `replaces` (the digest of the session the browser held) is closed in the same step. */
export async function createSession(p: {
  db: Db;
  userId: number;
  days: number;
  ip?: string;
  userAgent?: string;
  replaces?: string;
  now?: Date;
}): Promise<NewSession> {
  const now = p.now ?? new Date();
  const token = newToken();
  const id = sha256Hex(token);
  const csrf = newToken();
  await p.db.transaction().execute(async (trx) => {
    if (p.replaces) await trx.deleteFrom('sessions').where('id', '=', p.replaces).execute();
    await trx
      .insertInto('sessions')
      .values({
        id,
        user_id: p.userId,
        csrf_token: csrf,
        created_at: iso(now),
        expires_at: iso(new Date(now.getTime() + p.days * 86_400_000)),
        last_seen_at: iso(now),
        ip: p.ip?.slice(0, 64) ?? null,
        user_agent: p.userAgent?.slice(0, 300) ?? null,
      })
      .execute();
  });
  return { token, id, csrf };
}

export async function endSession(p: { db: Db; sessionId: string }): Promise<void> {
  await p.db.deleteFrom('sessions').where('id', '=', p.sessionId).execute();
}

/** Marks a single-use token used; returns it when it was valid (unused, unexpired, of this purpose). */
async function consumeEmailToken(
  trx: Trx,
  token: string,
  purpose: EmailTokenPurpose,
  now: Date,
): Promise<{ userId: number; email: string } | undefined> {
  const hash = sha256Hex(token);
  // One statement decides: of two requests racing with the same token, exactly one updates the row.
  const r = await trx
    .updateTable('email_tokens')
    .set({ used_at: iso(now) })
    .where('token_hash', '=', hash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', iso(now))
    .where((eb) => (purpose === 'reset' ? issuedSincePasswordChange(eb) : eb.lit(true)))
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return undefined;
  const row = await trx.selectFrom('email_tokens').select(['user_id', 'email']).where('token_hash', '=', hash).executeTakeFirstOrThrow();
  return { userId: row.user_id, email: row.email };
}

/** Whether a token would work now (to show the form behind a link without using it up). */
export async function emailTokenValid(p: { db: Db; token: string; purpose: EmailTokenPurpose; now?: Date }): Promise<boolean> {
  if (!p.token || p.token.length > 200) return false;
  const r = await p.db
    .selectFrom('email_tokens')
    .select('user_id')
    .where('token_hash', '=', sha256Hex(p.token))
    .where('purpose', '=', p.purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', iso(p.now ?? new Date()))
    .where((eb) => (p.purpose === 'reset' ? issuedSincePasswordChange(eb) : eb.lit(true)))
    .executeTakeFirst();
  return r !== undefined;
}

/**
 * A reset link opens the account as its password stood when the link was made: once the password
 * changed since (a change in /settings, another reset), the link is dead. Instants are ISO text in
 * both stores, so they compare as strings.
 */
function issuedSincePasswordChange(eb: ExpressionBuilder<Database, 'email_tokens'>) {
  return eb.exists(
    eb
      .selectFrom('accounts')
      .select('accounts.user_id')
      .whereRef('accounts.user_id', '=', 'email_tokens.user_id')
      .whereRef('accounts.password_changed_at', '<=', 'email_tokens.created_at'),
  );
}

const LINK_DEAD = 'This link has been used already or has expired.';

export async function confirmEmail(p: { db: Db; token: string; now?: Date }): Promise<{ userId: number }> {
  const now = p.now ?? new Date();
  return p.db.transaction().execute(async (trx) => {
    const t = p.token.length <= 200 ? await consumeEmailToken(trx, p.token, 'confirm', now) : undefined;
    if (!t) throw new ActionError(400, `${LINK_DEAD} Ask for a new confirmation mail in your settings.`, 'token_dead');
    // Only the address the mail went to is confirmed (not one changed since).
    await trx
      .updateTable('accounts')
      .set({ email_confirmed_at: iso(now) })
      .where('user_id', '=', t.userId)
      .where('email', '=', t.email)
      .where('email_confirmed_at', 'is', null)
      .execute();
    return { userId: t.userId };
  });
}

export async function resendConfirmation(p: { db: Db; userId: number; mail: MailContext; now?: Date }): Promise<void> {
  const now = p.now ?? new Date();
  const m = await getMember(p.db, p.userId);
  if (!m) throw new ActionError(404, 'No such member.');
  if (m.emailConfirmed) throw new ActionError(409, 'Your email address is confirmed already.', 'already_confirmed');
  await p.db.transaction().execute(async (trx) => {
    const token = await issueEmailToken(trx, {
      userId: m.id,
      purpose: 'confirm',
      email: m.email,
      ttlMs: CONFIRM_TOKEN_HOURS * 3600_000,
      now,
    });
    const mail = confirmEmailMail(p.mail, { username: m.username, token, validHours: CONFIRM_TOKEN_HOURS });
    await enqueueMail(trx, { to: m.email, ...mail }, iso(now));
  });
}

/** Queues a reset mail when the address belongs to an active account; says nothing either way. */
export async function requestPasswordReset(p: { db: Db; email: string; mail: MailContext; now?: Date }): Promise<void> {
  const now = p.now ?? new Date();
  const email = normaliseEmail(p.email);
  if (emailProblem(email)) throw new ActionError(400, emailProblem(email) as string, 'invalid_email');
  const found = await findCredentials(p.db, email);
  if (!found || found.suspended) return;
  await p.db.transaction().execute(async (trx) => {
    const token = await issueEmailToken(trx, { userId: found.id, purpose: 'reset', email, ttlMs: RESET_TOKEN_MINUTES * 60_000, now });
    const mail = resetPasswordMail(p.mail, { username: found.username, token, validMinutes: RESET_TOKEN_MINUTES });
    await enqueueMail(trx, { to: email, ...mail }, iso(now));
  });
}

/**
 * Sets a new password through a reset link: the link is used up, every session of the member ends and
 * every API token of theirs is revoked (whoever had the old password may have made one).
 */
export async function resetPassword(p: { db: Db; token: string; password: string; now?: Date }): Promise<{ userId: number }> {
  const now = p.now ?? new Date();
  // The owner's name and address, so that the new password cannot be one of them (read before the
  // hash; the token itself is checked and used up in the transaction below).
  const owner =
    p.token.length <= 200
      ? await p.db
          .selectFrom('email_tokens as t')
          .innerJoin('users as u', 'u.id', 't.user_id')
          .innerJoin('accounts as a', 'a.user_id', 't.user_id')
          .select(['u.username', 'u.fullname', 'a.email'])
          .where('t.token_hash', '=', sha256Hex(p.token))
          .where('t.purpose', '=', 'reset')
          .executeTakeFirst()
      : undefined;
  check(
    passwordProblem(p.password, { username: owner?.username, email: owner?.email, fullname: owner?.fullname ?? undefined }),
    'password',
  );
  const hash = await hashPassword(p.password);
  return p.db.transaction().execute(async (trx) => {
    const t = p.token.length <= 200 ? await consumeEmailToken(trx, p.token, 'reset', now) : undefined;
    if (!t) throw new ActionError(400, `${LINK_DEAD} Ask for a new one.`, 'token_dead');
    await trx
      .updateTable('accounts')
      .set({ password_hash: hash, password_changed_at: iso(now) })
      .where('user_id', '=', t.userId)
      .execute();
    // The mailbox was proven: the address counts as confirmed.
    await trx
      .updateTable('accounts')
      .set({ email_confirmed_at: iso(now) })
      .where('user_id', '=', t.userId)
      .where('email', '=', t.email)
      .where('email_confirmed_at', 'is', null)
      .execute();
    await trx
      .updateTable('email_tokens')
      .set({ used_at: iso(now) })
      .where('user_id', '=', t.userId)
      .where('purpose', '=', 'reset')
      .where('used_at', 'is', null)
      .execute();
    await trx.deleteFrom('sessions').where('user_id', '=', t.userId).execute();
    await trx.deleteFrom('api_tokens').where('user_id', '=', t.userId).execute();
    return { userId: t.userId };
  });
}

/** Changes the password of a signed-in member, who must know the current one; other sessions end. */
export async function changePassword(p: {
  db: Db;
  userId: number;
  current: string;
  next: string;
  keepSession?: string;
  now?: Date;
}): Promise<void> {
  const now = p.now ?? new Date();
  const stored = await passwordHashOf(p.db, p.userId);
  const currentOk = !!stored && (await verifyPassword(p.current.slice(0, 1000), stored));
  const m = await getMember(p.db, p.userId);
  // Both fields at once, by the form's names: a wrong current password is a 403, beside a weak new one too.
  const current = currentOk ? null : p.current ? 'The current password is wrong.' : 'Enter your current password.';
  const next = passwordProblem(p.next, { username: m?.username, email: m?.email, fullname: m?.fullname ?? undefined });
  if (current && next) throw new FormProblems({ current, next }, 403, 'bad_password');
  if (current) throw new ActionError(403, current, 'bad_password', {}, 'current');
  check(next, 'next');
  const hash = await hashPassword(p.next);
  await p.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('accounts')
      .set({ password_hash: hash, password_changed_at: iso(now) })
      .where('user_id', '=', p.userId)
      .execute();
    // Reset links asked for before the change die with the old password (they are also refused by
    // their date, see issuedSincePasswordChange; this covers a link made in the same millisecond).
    await trx
      .updateTable('email_tokens')
      .set({ used_at: iso(now) })
      .where('user_id', '=', p.userId)
      .where('purpose', '=', 'reset')
      .where('used_at', 'is', null)
      .execute();
    let q = trx.deleteFrom('sessions').where('user_id', '=', p.userId);
    if (p.keepSession) q = q.where('id', '!=', p.keepSession);
    await q.execute();
  });
}

export async function updateProfile(p: { db: Db; userId: number; fullname: string }): Promise<void> {
  const fullname = p.fullname.trim();
  check(fullnameProblem(fullname), 'fullname');
  await p.db
    .updateTable('users')
    .set({ fullname: fullname || null })
    .where('id', '=', p.userId)
    .execute();
}
