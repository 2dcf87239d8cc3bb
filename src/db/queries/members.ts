// Accounts, sessions and API tokens: who a request comes from.

import { type Kysely, sql, type Transaction } from 'kysely';
import type { ListView } from '../../domain/list-view.ts';
import type { Role } from '../../domain/roles.ts';
import type { Database } from '../schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** A signed-in member, as every route sees them. */
export interface Member {
  id: number;
  username: string;
  fullname: string | null;
  avatar_url: string | null;
  email: string;
  role: Role;
  emailConfirmed: boolean;
  suspended: boolean;
  listView: ListView;
}

interface MemberRow {
  id: number;
  username: string;
  fullname: string | null;
  avatar_url: string | null;
  email: string;
  role: Role;
  email_confirmed_at: string | null;
  suspended_at: string | null;
  list_view: ListView;
}

function toMember(r: MemberRow): Member {
  return {
    id: r.id,
    username: r.username,
    fullname: r.fullname,
    avatar_url: r.avatar_url,
    email: r.email,
    role: r.role,
    emailConfirmed: r.email_confirmed_at !== null,
    suspended: r.suspended_at !== null,
    listView: r.list_view,
  };
}

function memberQuery(db: Db) {
  return db
    .selectFrom('accounts as a')
    .innerJoin('users as u', 'u.id', 'a.user_id')
    .select([
      'u.id',
      'u.username',
      'u.fullname',
      'u.avatar_url',
      'a.email',
      'a.role',
      'a.email_confirmed_at',
      'a.suspended_at',
      'a.list_view',
    ]);
}

export async function getMember(db: Db, userId: number): Promise<Member | undefined> {
  const r = await memberQuery(db).where('u.id', '=', userId).executeTakeFirst();
  return r ? toMember(r) : undefined;
}

export async function getMemberByUsername(db: Db, username: string): Promise<Member | undefined> {
  const r = await memberQuery(db).where('u.username', '=', username).executeTakeFirst();
  return r ? toMember(r) : undefined;
}

export async function findCredentials(
  db: Db,
  email: string,
): Promise<(Member & { passwordHash: string; suspendedReason: string | null }) | undefined> {
  const r = await memberQuery(db).select(['a.password_hash', 'a.suspended_reason']).where('a.email', '=', email).executeTakeFirst();
  return r ? { ...toMember(r), passwordHash: r.password_hash, suspendedReason: r.suspended_reason } : undefined;
}

export async function passwordHashOf(db: Db, userId: number): Promise<string | undefined> {
  const r = await db.selectFrom('accounts').select('password_hash').where('user_id', '=', userId).executeTakeFirst();
  return r?.password_hash;
}

/** Usernames compare without case: "Alice" may not sign up beside "alice". */
export async function usernameTaken(db: Db, username: string): Promise<boolean> {
  const r = await db.selectFrom('users').select('id').where(sql`lower(username)`, '=', username.toLowerCase()).executeTakeFirst();
  return r !== undefined;
}

export async function emailTaken(db: Db, email: string): Promise<boolean> {
  const r = await db.selectFrom('accounts').select('user_id').where('email', '=', email).executeTakeFirst();
  return r !== undefined;
}

export interface SessionRow {
  id: string;
  csrf: string;
  lastSeenAt: string;
}

/** The member behind a session digest, when the session is live and the member not suspended. */
export async function sessionMember(db: Db, sessionId: string, now: string): Promise<{ session: SessionRow; member: Member } | undefined> {
  const r = await memberQuery(db)
    .innerJoin('sessions as s', 's.user_id', 'u.id')
    .select(['s.id as session_id', 's.csrf_token', 's.last_seen_at'])
    .where('s.id', '=', sessionId)
    .where('s.expires_at', '>', now)
    .executeTakeFirst();
  if (!r || r.suspended_at !== null) return undefined;
  return { session: { id: r.session_id, csrf: r.csrf_token, lastSeenAt: r.last_seen_at }, member: toMember(r) };
}

export async function tokenMember(
  db: Db,
  tokenHash: string,
): Promise<{ tokenId: number; lastUsedAt: string | null; member: Member } | undefined> {
  const r = await memberQuery(db)
    .innerJoin('api_tokens as t', 't.user_id', 'u.id')
    .select(['t.id as token_id', 't.last_used_at'])
    .where('t.token_hash', '=', tokenHash)
    .executeTakeFirst();
  return r ? { tokenId: r.token_id, lastUsedAt: r.last_used_at, member: toMember(r) } : undefined;
}

export interface ApiTokenInfo {
  id: number;
  name: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
}

export async function listApiTokens(db: Db, userId: number): Promise<ApiTokenInfo[]> {
  return db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'prefix', 'created_at', 'last_used_at'])
    .where('user_id', '=', userId)
    .orderBy('id', 'desc')
    .execute();
}

export interface MemberListRow {
  id: number;
  username: string;
  fullname: string | null;
  email: string;
  role: Role;
  email_confirmed_at: string | null;
  suspended_at: string | null;
  suspended_reason: string | null;
  created_at: string;
}

/** Members for /admin, newest first, optionally those whose username or email starts with `q`. */
export async function listMembers(db: Db, o: { q?: string; limit: number; offset: number }): Promise<MemberListRow[]> {
  let q = db
    .selectFrom('accounts as a')
    .innerJoin('users as u', 'u.id', 'a.user_id')
    .select([
      'u.id',
      'u.username',
      'u.fullname',
      'a.email',
      'a.role',
      'a.email_confirmed_at',
      'a.suspended_at',
      'a.suspended_reason',
      'a.created_at',
    ]);
  if (o.q) {
    const like = `${o.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where(sql<boolean>`(lower(u.username) like ${like} escape '\\' or a.email like ${like} escape '\\')`);
  }
  return q.orderBy('a.created_at', 'desc').orderBy('u.id', 'desc').limit(o.limit).offset(o.offset).execute();
}

export async function countAccounts(db: Db): Promise<number> {
  const r = await db
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Remembers how lists show papers to this member. */
export async function setListView(db: Db, userId: number, view: ListView): Promise<void> {
  await db.updateTable('accounts').set({ list_view: view }).where('user_id', '=', userId).execute();
}
