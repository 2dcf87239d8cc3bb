// Accounts through HTTP: sign up, confirmation by mail, sign in (session rotated), sign out, password
// reset (single use, expiring), cookies' attributes, the CSRF and cross-site checks, rate limits.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mailsTo } from '../../src/email/outbox.ts';
import { SESSION_COOKIE } from '../../src/web/auth.ts';
import { anonymousForm, cookieFrom, getPage, makeMember, PASSWORD, postForm, signedIn } from '../support/members.ts';
import { dom, text } from '../support/pages.ts';
import { buildTestApp, type TestApp } from '../support/store.ts';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});
afterEach(async () => {
  await t.cleanup();
});

function linkIn(mailText: string, re: RegExp): string {
  const m = re.exec(mailText);
  if (!m) throw new Error(`no link in ${mailText}`);
  return m[0];
}

async function signUp(fields: Record<string, string>, ip = '10.0.0.1') {
  const f = await anonymousForm(t.app, '/signup');
  return postForm(t.app, '/signup', fields, f, {}, { remoteAddress: ip });
}

describe('sign up', () => {
  it('creates the member, signs them in, and mails a single-use confirmation link', async () => {
    const res = await signUp({ username: 'ada', email: 'Ada@Example.org', password: 'analytical engine' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/settings?welcome=1');
    const set = res.cookies.find((c) => c.name === SESSION_COOKIE);
    expect(set).toBeDefined();
    expect(set?.httpOnly).toBe(true);
    expect(set?.sameSite).toBe('Lax');
    expect(set?.secure).toBeFalsy(); // plain http in tests
    const cookie = `${SESSION_COOKIE}=${set?.value}`;

    const settings = await getPage(t.app, '/settings', { cookie });
    expect(settings.status).toBe(200);
    expect(text(settings.root.querySelector('.account-menu__name'))).toBe('ada');
    expect(settings.body).toContain('not confirmed yet');

    // Stored lower-cased; the password is not stored in clear.
    const account = await t.store.db.selectFrom('accounts').selectAll().executeTakeFirstOrThrow();
    expect(account.email).toBe('ada@example.org');
    expect(account.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(account.password_hash).not.toContain('analytical');

    const [mail] = await mailsTo(t.store.db, 'ada@example.org');
    expect(mail?.subject).toMatch(/Confirm your email/);
    expect(mail?.html).toContain('/confirm?token=');
    const link = linkIn(mail?.text ?? '', /http:\/\/localhost:3000\/confirm\?token=[\w-]+/);
    const path = link.replace('http://localhost:3000', '');

    // GET only shows the button (mail scanners follow links); nothing is confirmed yet.
    const page = await getPage(t.app, path, { cookie });
    expect(page.status).toBe(200);
    expect((await t.store.db.selectFrom('accounts').select('email_confirmed_at').executeTakeFirstOrThrow()).email_confirmed_at).toBeNull();
    const token = new URL(link).searchParams.get('token') as string;
    const csrf = (await signedInCsrf(cookie)) as string;
    const ok = await postForm(t.app, '/confirm', { token }, { cookie, csrf });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('your email address is confirmed');
    expect(
      (await t.store.db.selectFrom('accounts').select('email_confirmed_at').executeTakeFirstOrThrow()).email_confirmed_at,
    ).not.toBeNull();

    // Replayed: refused.
    const again = await postForm(t.app, '/confirm', { token }, { cookie, csrf });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('used already or has expired');
  });

  it('refuses taken usernames (whatever the case), taken emails and bad values, with clear messages', async () => {
    await makeMember(t.store, { username: 'grace', email: 'grace@example.org' });
    const cases: [Record<string, string>, number, RegExp][] = [
      [{ username: 'GRACE', email: 'g2@example.org', password: 'a long password' }, 409, /username .* is taken/],
      [{ username: 'grace2', email: 'GRACE@example.org', password: 'a long password' }, 409, /account with this email/],
      [{ username: 'x', email: 'x@example.org', password: 'a long password' }, 400, /2 to 39 letters/],
      [{ username: 'admin', email: 'x@example.org', password: 'a long password' }, 400, /reserved/],
      [{ username: 'bob', email: 'not-an-email', password: 'a long password' }, 400, /does not look like an email/],
      [{ username: 'bob', email: 'bob@example.org', password: 'short' }, 400, /at least 10 characters/],
      [{ username: 'bob', email: 'bob@example.org', password: 'a long password', fullname: 'Bob\u202eevil' }, 400, /control characters/],
    ];
    for (const [i, [fields, status, message]] of cases.entries()) {
      const res = await signUp(fields, `10.0.1.${i}`);
      expect(res.statusCode, JSON.stringify(fields)).toBe(status);
      expect(text(dom(res.body).querySelector('.notice')), JSON.stringify(fields)).toMatch(message);
      // The typed values come back in the form, escaped.
      expect(res.body).toContain(`value="${fields.username}"`);
    }
    expect(await t.store.db.selectFrom('accounts').select('user_id').execute()).toHaveLength(1);
  });

  it('can be closed by the operator', async () => {
    const closed = await buildTestApp({ signupOpen: '0' });
    try {
      const page = await getPage(closed.app, '/signup');
      expect(page.body).toContain('does not take new accounts');
      const f = await anonymousForm(closed.app, '/signin');
      const res = await postForm(closed.app, '/signup', { username: 'eve', email: 'eve@example.org', password: 'a long password' }, f);
      expect(res.statusCode).toBe(403);
    } finally {
      await closed.cleanup();
    }
  });
});

async function signedInCsrf(cookie: string): Promise<string | undefined> {
  const page = await getPage(t.app, '/settings', { cookie });
  return page.root.querySelector('input[name="_csrf"]')?.getAttribute('value') ?? undefined;
}

describe('sign in and out', () => {
  it('signs in with the right password only, with one message for a wrong password and an unknown email', async () => {
    const m = await makeMember(t.store, { username: 'alan', email: 'alan@example.org' });
    const f = await anonymousForm(t.app, '/signin');
    const wrong = await postForm(t.app, '/signin', { email: m.email, password: 'not the password' }, f);
    const unknown = await postForm(t.app, '/signin', { email: 'nobody@example.org', password: 'not the password' }, f);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(text(dom(wrong.body).querySelector('.notice'))).toBe(text(dom(unknown.body).querySelector('.notice')));
    expect(cookieFrom(wrong, SESSION_COOKIE)).toBeUndefined();

    const ok = await postForm(t.app, '/signin', { email: 'ALAN@example.org', password: PASSWORD, return_to: '/papers/2401.00001' }, f);
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/papers/2401.00001');
    expect(cookieFrom(ok, SESSION_COOKIE)).toBeDefined();
  });

  it('goes back only to a local page (no open redirect)', async () => {
    const m = await makeMember(t.store);
    for (const target of ['https://evil.example/x', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)']) {
      const f = await anonymousForm(t.app, '/signin');
      const ok = await postForm(t.app, '/signin', { email: m.email, password: PASSWORD, return_to: target }, f);
      expect(ok.statusCode).toBe(303);
      expect(ok.headers.location, target).toBe('/papers');
    }
  });

  it('rotates the session at sign in: the session held before is closed', async () => {
    const m = await makeMember(t.store);
    const before = await signedIn(t.store, m.id);
    const res = await postForm(t.app, '/signin', { email: m.email, password: PASSWORD }, before);
    expect(res.statusCode).toBe(303);
    const after = cookieFrom(res, SESSION_COOKIE) as string;
    expect(after).not.toBe(before.cookie);
    expect((await getPage(t.app, '/settings', { cookie: before.cookie })).status).toBe(303);
    expect((await getPage(t.app, '/settings', { cookie: after })).status).toBe(200);
  });

  it('signs out with POST only, ending the session in the store', async () => {
    const m = await makeMember(t.store);
    const b = await signedIn(t.store, m.id);
    expect((await t.app.inject({ method: 'GET', url: '/signout', headers: { cookie: b.cookie } })).statusCode).toBe(404);
    expect((await getPage(t.app, '/settings', b)).status).toBe(200);
    const out = await postForm(t.app, '/signout', {}, b);
    expect(out.statusCode).toBe(303);
    expect(await t.store.db.selectFrom('sessions').selectAll().execute()).toHaveLength(0);
    const page = await getPage(t.app, '/papers', b);
    expect(page.root.querySelector('.account__signup')).not.toBeNull();
  });

  it('sets Secure cookies and HSTS behind HTTPS', async () => {
    const s = await buildTestApp({ baseUrl: 'https://folio.example.org' });
    try {
      const m = await makeMember(s.store);
      const f = await anonymousForm(s.app, '/signin');
      const res = await postForm(s.app, '/signin', { email: m.email, password: PASSWORD }, f);
      expect(res.cookies.find((c) => c.name === SESSION_COOKIE)?.secure).toBe(true);
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    } finally {
      await s.cleanup();
    }
    const plain = await getPage(t.app, '/papers');
    expect(plain.res.headers['strict-transport-security']).toBeUndefined();
  });

  it('limits sign-in attempts with 429 and Retry-After', async () => {
    const m = await makeMember(t.store);
    const f = await anonymousForm(t.app, '/signin');
    let last = 0;
    let retry: string | undefined;
    for (let i = 0; i < 12; i++) {
      const res = await postForm(t.app, '/signin', { email: m.email, password: 'wrong password!' }, f);
      last = res.statusCode;
      retry = res.headers['retry-after'] as string | undefined;
    }
    expect(last).toBe(429);
    expect(Number(retry)).toBeGreaterThan(0);
    // Even the right password waits now: guessing cannot go on from other addresses either.
    const ok = await postForm(t.app, '/signin', { email: m.email, password: PASSWORD }, f);
    expect(ok.statusCode).toBe(429);
    expect(text(dom(ok.body).querySelector('.notice'))).toMatch(/Too many sign-in attempts/);
  });

  it('limits sign-ups per address', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await signUp({ username: `user${i}`, email: `user${i}@example.org`, password: 'a long password' });
      codes.push(res.statusCode);
    }
    expect(codes.slice(0, 5)).toEqual([303, 303, 303, 303, 303]);
    expect(codes.slice(5)).toEqual([429, 429]);
  });
});

describe('password reset', () => {
  it('mails a link that works once, signs out everywhere, and changes the password', async () => {
    const m = await makeMember(t.store, { email: 'kat@example.org' });
    const elsewhere = await signedIn(t.store, m.id);
    const f = await anonymousForm(t.app, '/reset');
    const res = await postForm(t.app, '/reset', { email: 'kat@example.org' }, f);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('If an account uses this address');
    // Unknown addresses get the same answer, and no mail.
    const unknown = await postForm(t.app, '/reset', { email: 'nobody@example.org' }, f);
    expect(text(dom(unknown.body).querySelector('.notice'))).toBe(text(dom(res.body).querySelector('.notice')));
    expect(await mailsTo(t.store.db, 'nobody@example.org')).toHaveLength(0);

    const [mail] = await mailsTo(t.store.db, 'kat@example.org');
    const path = linkIn(mail?.text ?? '', /\/reset\/[\w-]+/);
    const form = await anonymousForm(t.app, path);
    expect(form.csrf).not.toBe('');
    const page = await getPage(t.app, path);
    expect(page.res.headers['referrer-policy']).toBe('no-referrer');

    const set = await postForm(t.app, path, { password: 'a brand new password' }, form);
    expect(set.statusCode).toBe(303);
    expect(cookieFrom(set, SESSION_COOKIE)).toBeDefined();
    // The session held elsewhere is over.
    expect((await getPage(t.app, '/settings', elsewhere)).status).toBe(303);

    // Replayed: refused, and the password stays the new one.
    const replay = await postForm(t.app, path, { password: 'an attacker password' }, form);
    expect(replay.statusCode).toBe(400);
    expect(replay.body).toContain('used already or has expired');
    const fresh = await anonymousForm(t.app, '/signin');
    expect((await postForm(t.app, '/signin', { email: m.email, password: PASSWORD }, fresh)).statusCode).toBe(401);
    expect((await postForm(t.app, '/signin', { email: m.email, password: 'a brand new password' }, fresh)).statusCode).toBe(303);
  });

  it('refuses an expired link', async () => {
    const m = await makeMember(t.store, { email: 'old@example.org' });
    const f = await anonymousForm(t.app, '/reset');
    await postForm(t.app, '/reset', { email: m.email }, f);
    await t.store.db
      .updateTable('email_tokens')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .execute();
    const [mail] = await mailsTo(t.store.db, m.email);
    const path = linkIn(mail?.text ?? '', /\/reset\/[\w-]+/);
    expect((await getPage(t.app, path)).status).toBe(400);
    const form = await anonymousForm(t.app, '/signin');
    expect((await postForm(t.app, path, { password: 'a brand new password' }, form)).statusCode).toBe(400);
  });
});

describe('forms refuse forgeries', () => {
  it('refuses sign-in posts without the visitor’s token, with another visitor’s token, or from another site', async () => {
    const m = await makeMember(t.store);
    const mine = await anonymousForm(t.app, '/signin');
    const theirs = await anonymousForm(t.app, '/signin');
    const fields = { email: m.email, password: PASSWORD };
    expect((await postForm(t.app, '/signin', fields, { cookie: mine.cookie })).statusCode).toBe(403);
    expect((await postForm(t.app, '/signin', fields, { cookie: mine.cookie, csrf: theirs.csrf })).statusCode).toBe(403);
    expect((await postForm(t.app, '/signin', fields, { csrf: mine.csrf })).statusCode).toBe(403);
    expect((await postForm(t.app, '/signin', fields, mine, { origin: 'https://evil.example' })).statusCode).toBe(403);
    expect((await postForm(t.app, '/signin', fields, mine, { 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    expect(
      (await postForm(t.app, '/signin', fields, mine, { origin: 'http://localhost:3000', 'sec-fetch-site': 'same-origin' })).statusCode,
    ).toBe(303);
  });

  it('refuses a member’s form without their session’s token', async () => {
    const m = await makeMember(t.store);
    const b = await signedIn(t.store, m.id);
    const other = await signedIn(t.store, (await makeMember(t.store)).id);
    const res = await postForm(t.app, '/settings/profile', { fullname: 'Changed' }, { cookie: b.cookie, csrf: other.csrf });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('out of date');
    expect((await t.store.db.selectFrom('users').select('fullname').where('id', '=', m.id).executeTakeFirstOrThrow()).fullname).toBeNull();
    expect((await postForm(t.app, '/settings/profile', { fullname: 'Changed' }, b)).statusCode).toBe(303);
  });
});
