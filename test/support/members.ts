// Factories for member tests: accounts made straight in the store (one scrypt hash computed once, so
// that hundreds of members cost nothing), sessions and API tokens, papers, and form posts through
// app.inject with the session cookie and CSRF token a browser would send.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createSession } from '../../src/actions/accounts.ts';
import { createApiToken } from '../../src/actions/api-tokens.ts';
import type { Store } from '../../src/db/connection.ts';
import { storeBatch } from '../../src/db/queries/store-papers.ts';
import type { Role } from '../../src/domain/roles.ts';
import { hashPassword } from '../../src/security/passwords.ts';
import { SESSION_COOKIE } from '../../src/web/auth.ts';
import { dom } from './pages.ts';

export const PASSWORD = 'correct horse battery staple';
let hash: Promise<string> | undefined;

export interface TestMember {
  id: number;
  username: string;
  email: string;
  password: string;
}

let seq = 0;

export async function makeMember(
  store: Store,
  o: { username?: string; email?: string; role?: Role; confirmed?: boolean; fullname?: string } = {},
): Promise<TestMember> {
  hash ??= hashPassword(PASSWORD);
  seq++;
  const username = o.username ?? `member${seq}-${Math.random().toString(36).slice(2, 7)}`;
  const email = o.email ?? `${username.toLowerCase()}@example.org`;
  const now = new Date().toISOString();
  const u = await store.db
    .insertInto('users')
    .values({ username, fullname: o.fullname ?? null, avatar_url: null, hf_id: null, is_pro: 0, created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  await store.db
    .insertInto('accounts')
    .values({
      user_id: u.id,
      email,
      password_hash: await hash,
      email_confirmed_at: o.confirmed === false ? null : now,
      role: o.role ?? 'member',
      suspended_at: null,
      suspended_reason: null,
      created_at: now,
      password_changed_at: now,
    })
    .execute();
  return { id: u.id, username, email, password: PASSWORD };
}

export interface Browser {
  cookie: string;
  csrf: string;
}

/** A signed-in browser for a member: its cookie header and its forms' token. */
export async function signedIn(store: Store, userId: number): Promise<Browser> {
  const s = await createSession({ db: store.db, userId, days: 30 });
  return { cookie: `${SESSION_COOKIE}=${s.token}`, csrf: s.csrf };
}

export async function apiToken(store: Store, userId: number, name = 'test'): Promise<string> {
  // A fixture, like makeMember: made straight in the store, whether or not the member is confirmed.
  return (await createApiToken({ db: store.db, userId, name, requireConfirmedEmail: false })).token;
}

export function daysAgo(n: number): string {
  return new Date(Date.now() - n * 86_400_000).toISOString();
}

/** Stores a paper (and, with `day`, a list entry). */
export async function addPaper(
  store: Store,
  o: { id: string; title?: string; abstract?: string; publishedAt?: string; authors?: string[]; day?: string; upvotes?: number },
): Promise<void> {
  await storeBatch(store.db, {
    papers: [
      {
        id: o.id,
        title: o.title ?? `Paper ${o.id}`,
        abstract: o.abstract ?? `The abstract of ${o.id}.`,
        authors: (o.authors ?? ['Ada Lovelace', 'Alan Turing']).map((name) => ({ name })),
        publishedAt: o.publishedAt ?? daysAgo(2),
        stamp: '2026-01-01',
        ...(o.upvotes !== undefined ? { community: { upvotes: o.upvotes } } : {}),
      },
    ],
    entries: o.day ? [{ paperId: o.id, day: o.day, addedAt: `${o.day}T08:00:00.000Z` }] : [],
  });
}

/** POSTs a form as a browser would (urlencoded, with the cookie and the CSRF token unless told). */
export async function postForm(
  app: FastifyInstance,
  url: string,
  fields: Record<string, string>,
  b?: Browser | { cookie?: string; csrf?: string },
  headers: Record<string, string> = {},
  opts: { remoteAddress?: string } = {},
): Promise<LightMyRequestResponse> {
  const body = new URLSearchParams({ ...(b?.csrf !== undefined ? { _csrf: b.csrf } : {}), ...fields }).toString();
  return app.inject({
    method: 'POST',
    url,
    payload: body,
    ...(opts.remoteAddress ? { remoteAddress: opts.remoteAddress } : {}),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(b?.cookie ? { cookie: b.cookie } : {}), ...headers },
  });
}

export async function getPage(app: FastifyInstance, url: string, b?: { cookie?: string }) {
  const res = await app.inject({ method: 'GET', url, headers: b?.cookie ? { cookie: b.cookie } : {} });
  return { res, status: res.statusCode, body: res.body, root: dom(res.body) };
}

/** A signed-out browser's form token: GET the form page, keep its pre-session cookie and token. */
export async function anonymousForm(app: FastifyInstance, page: string): Promise<Browser> {
  const res = await app.inject({ method: 'GET', url: page });
  const pre = res.cookies.find((c) => c.name === 'folio_pre');
  const token = dom(res.body).querySelector('input[name="_csrf"]')?.getAttribute('value') ?? '';
  return { cookie: pre ? `folio_pre=${pre.value}` : '', csrf: token };
}

/** The cookie a response set, as a request header value. */
export function cookieFrom(res: LightMyRequestResponse, name: string): string | undefined {
  const c = res.cookies.find((x) => x.name === name);
  return c ? `${name}=${c.value}` : undefined;
}
