// Accounts through HTTP: sign up, confirmation by mail, sign in (session rotated), sign out, password
// reset (single use, expiring), cookies' attributes, the CSRF and cross-site checks, rate limits.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mailsTo } from '../../src/email/outbox.ts';
import { SESSION_COOKIE } from '../../src/web/auth.ts';
import { addPaper, anonymousForm, apiToken, cookieFrom, getPage, makeMember, PASSWORD, postForm, signedIn } from '../support/members.ts';
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
  it('creates the member, mails a single-use confirmation link, and the member signs in', async () => {
    const res = await signUp({ username: 'ada', email: 'Ada@Example.org', password: 'analytical engine' });
    // The answer is the sign-in form, the address filled in (the same answer as for a known address).
    expect(res.statusCode).toBe(200);
    expect(res.cookies.find((c) => c.name === SESSION_COOKIE)).toBeUndefined();
    expect(text(dom(res.body).querySelector('.notice'))).toMatch(/sent a mail to ada@example\.org/);
    expect(dom(res.body).querySelector('input[name="return_to"]')?.getAttribute('value')).toBe('/settings?welcome=1');
    const form = await anonymousForm(t.app, '/signin');
    const signin = await postForm(
      t.app,
      '/signin',
      { email: 'ada@example.org', password: 'analytical engine', return_to: '/settings?welcome=1' },
      form,
    );
    expect(signin.statusCode).toBe(303);
    expect(signin.headers.location).toBe('/settings?welcome=1');
    const set = signin.cookies.find((c) => c.name === SESSION_COOKIE);
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
      [{ username: 'x', email: 'x@example.org', password: 'a long password' }, 400, /2 to 39 letters/],
      [{ username: 'admin', email: 'x@example.org', password: 'a long password' }, 400, /reserved/],
      [{ username: 'bob', email: 'not-an-email', password: 'a long password' }, 400, /does not look like an email/],
      [{ username: 'bob', email: 'bob@example.org', password: 'short' }, 400, /at least 10 characters/],
      [{ username: 'bob', email: 'bob@example.org', password: '1234567890' }, 400, /too easy to guess.*frequently used/],
      [{ username: 'bob', email: 'bob@example.org', password: 'aaaaaaaaaa' }, 400, /too easy to guess.*Repeated characters/],
      [{ username: 'bob', email: 'bob@example.org', password: 'bob@example.org' }, 400, /too easy to guess.*personal/],
      [{ username: 'bobbington', email: 'b@example.org', password: 'bobbington1' }, 400, /too easy to guess/],
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

describe('sign up with a known address', () => {
  it('answers as for a new address, creates nothing, and mails the address’s owner', async () => {
    await makeMember(t.store, { username: 'grace', email: 'grace@example.org' });
    const known = await signUp({ username: 'grace2', email: 'GRACE@example.org', password: 'a long passphrase' }, '10.0.2.1');
    const fresh = await signUp({ username: 'hopper', email: 'hopper@example.org', password: 'a long passphrase' }, '10.0.2.2');
    expect(known.statusCode).toBe(fresh.statusCode);
    expect(known.statusCode).toBe(200);
    expect(known.cookies.map((c) => c.name)).toEqual(fresh.cookies.map((c) => c.name));
    // The same page but for the address typed and the form's token.
    const page = (r: typeof known, email: string) =>
      r.body
        .replaceAll(email, 'EMAIL')
        .replace(/name="_csrf" value="[^"]*"/g, '')
        .replace(/nonce="[^"]*"/g, '');
    expect(page(known, 'grace@example.org')).toBe(page(fresh, 'hopper@example.org'));
    expect(known.body).not.toMatch(/exists|taken/);

    // No account for grace2; the owner hears of the attempt, with the way in and the way to reset.
    expect(await t.store.db.selectFrom('users').select('id').where('username', '=', 'grace2').execute()).toHaveLength(0);
    const [mail, ...more] = await mailsTo(t.store.db, 'grace@example.org');
    expect(more).toHaveLength(0);
    expect(mail?.subject).toMatch(/tried to sign up/);
    expect(mail?.text).toContain('http://localhost:3000/signin');
    expect(mail?.text).toContain('http://localhost:3000/reset');
    expect(mail?.text).toContain('grace');
    // The new address got its confirmation mail.
    expect((await mailsTo(t.store.db, 'hopper@example.org'))[0]?.subject).toMatch(/Confirm your email/);
  });

  it('answers the same when two sign-ups race for one address', async () => {
    const [a, b] = await Promise.all([
      signUp({ username: 'twin1', email: 'twin@example.org', password: 'a long passphrase' }, '10.0.3.1'),
      signUp({ username: 'twin2', email: 'twin@example.org', password: 'a long passphrase' }, '10.0.3.2'),
    ]);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    expect(await t.store.db.selectFrom('accounts').select('user_id').where('email', '=', 'twin@example.org').execute()).toHaveLength(1);
  });
});

describe('password strength', () => {
  it('refuses a guessable new password in settings and through a reset link, and says why', async () => {
    const m = await makeMember(t.store, { username: 'turing', email: 'alan@example.org' });
    const b = await signedIn(t.store, m.id);
    const weak = await postForm(t.app, '/settings/password', { current: PASSWORD, next: 'alan@example.org' }, b);
    expect(weak.statusCode).toBe(400);
    expect(text(dom(weak.body).querySelector('.notice'))).toMatch(/too easy to guess/);
    const common = await postForm(t.app, '/settings/password', { current: PASSWORD, next: 'password12345' }, b);
    expect(common.statusCode).toBe(400);
    const ok = await postForm(t.app, '/settings/password', { current: PASSWORD, next: 'velvet quarry of lanterns' }, b);
    expect(ok.statusCode).toBe(303);

    const f = await anonymousForm(t.app, '/reset');
    await postForm(t.app, '/reset', { email: m.email }, f);
    const [mail] = await mailsTo(t.store.db, m.email);
    const path = linkIn(mail?.text ?? '', /\/reset\/[\w-]+/);
    const form = await anonymousForm(t.app, path);
    const own = await postForm(t.app, path, { password: 'alan@example.org' }, form);
    expect(own.statusCode).toBe(400);
    expect(text(dom(own.body).querySelector('.notice'))).toMatch(/too easy to guess/);
    // The link was not used up by the refusal.
    expect((await postForm(t.app, path, { password: 'a brand new password' }, form)).statusCode).toBe(303);
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
    expect(codes.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
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

  it('kills a link asked for before the password was changed', async () => {
    const m = await makeMember(t.store, { email: 'lin@example.org' });
    const f = await anonymousForm(t.app, '/reset');
    await postForm(t.app, '/reset', { email: m.email }, f);
    const [mail] = await mailsTo(t.store.db, m.email);
    const path = linkIn(mail?.text ?? '', /\/reset\/[\w-]+/);
    expect((await getPage(t.app, path)).status).toBe(200);
    // The member changes the password in settings (a thief read the old mail, say).
    const b = await signedIn(t.store, m.id);
    expect((await postForm(t.app, '/settings/password', { current: PASSWORD, next: 'velvet quarry of lanterns' }, b)).statusCode).toBe(303);
    expect((await getPage(t.app, path)).status).toBe(400);
    const form = await anonymousForm(t.app, '/signin');
    const late = await postForm(t.app, path, { password: 'a brand new password' }, form);
    expect(late.statusCode).toBe(400);
    expect(late.body).toContain('used already or has expired');
    const signin = await anonymousForm(t.app, '/signin');
    expect((await postForm(t.app, '/signin', { email: m.email, password: 'velvet quarry of lanterns' }, signin)).statusCode).toBe(303);
  });

  it('kills a link made before the password changed, even if it was never marked used', async () => {
    const m = await makeMember(t.store, { email: 'old-link@example.org' });
    const f = await anonymousForm(t.app, '/reset');
    await postForm(t.app, '/reset', { email: m.email }, f);
    const [mail] = await mailsTo(t.store.db, m.email);
    const path = linkIn(mail?.text ?? '', /\/reset\/[\w-]+/);
    // The password changed after the link was made, by any path that keeps the stamp.
    await t.store.db
      .updateTable('accounts')
      .set({ password_changed_at: new Date(Date.now() + 1000).toISOString() })
      .where('user_id', '=', m.id)
      .execute();
    expect((await getPage(t.app, path)).status).toBe(400);
    const form = await anonymousForm(t.app, '/signin');
    expect((await postForm(t.app, path, { password: 'a brand new password' }, form)).statusCode).toBe(400);
  });

  it('revokes the member’s API tokens, and says so on the page and in the mail', async () => {
    const m = await makeMember(t.store, { email: 'tok@example.org' });
    const token = await apiToken(t.store, m.id, 'my script');
    const api = () =>
      t.app.inject({ method: 'POST', url: '/api/papers/2401.00001/comments', headers: { authorization: `Bearer ${token}` }, payload: {} });
    expect((await api()).statusCode).not.toBe(401);
    const f = await anonymousForm(t.app, '/reset');
    await postForm(t.app, '/reset', { email: m.email }, f);
    const [mail] = await mailsTo(t.store.db, m.email);
    expect(mail?.text).toMatch(/revokes your API tokens/);
    const path = linkIn(mail?.text ?? '', /\/reset\/[\w-]+/);
    const form = await anonymousForm(t.app, path);
    const set = await postForm(t.app, path, { password: 'a brand new password' }, form);
    expect(set.statusCode).toBe(303);
    expect((await api()).statusCode).toBe(401);
    expect(await t.store.db.selectFrom('api_tokens').select('id').where('user_id', '=', m.id).execute()).toHaveLength(0);
    const page = await getPage(t.app, set.headers.location as string, { cookie: cookieFrom(set, SESSION_COOKIE) as string });
    expect(text(page.root.querySelector('.notice'))).toMatch(/API tokens are revoked/);
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

describe('unconfirmed members', () => {
  it('cannot create API tokens until the address is confirmed, and settings say so in place', async () => {
    const m = await makeMember(t.store, { confirmed: false });
    const b = await signedIn(t.store, m.id);
    const settings = await getPage(t.app, '/settings', b);
    expect(settings.root.querySelector('form[action="/settings/tokens"]')).toBeNull();
    expect(text(settings.root.querySelector('[data-unconfirmed]'))).toMatch(/Confirm your email address/);
    const res = await postForm(t.app, '/settings/tokens', { name: 'bot' }, b);
    expect(res.statusCode).toBe(403);
    expect(text(dom(res.body).querySelector('.notice'))).toMatch(/API tokens are for confirmed members/);
    expect(await t.store.db.selectFrom('api_tokens').select('id').execute()).toHaveLength(0);
    await t.store.db.updateTable('accounts').set({ email_confirmed_at: new Date().toISOString() }).where('user_id', '=', m.id).execute();
    expect((await postForm(t.app, '/settings/tokens', { name: 'bot' }, b)).statusCode).toBe(201);
  });

  it('cannot claim authorship until the address is confirmed, and the paper page says so in place', async () => {
    await addPaper(t.store, { id: '2401.00077', day: '2026-01-05' });
    const m = await makeMember(t.store, { confirmed: false });
    const b = await signedIn(t.store, m.id);
    const page = await getPage(t.app, '/papers/2401.00077', b);
    expect(page.root.querySelector('form[action$="/claim"]')).toBeNull();
    expect(text(page.root.querySelector('[data-unconfirmed]'))).toMatch(/Confirm your email address first/);
    const res = await postForm(t.app, '/papers/2401.00077/claim', { position: '0' }, b);
    expect(res.statusCode).toBe(403);
    expect(res.body).toMatch(/Authorship claims are for confirmed members/);
    expect(await t.store.db.selectFrom('author_claims').select('id').execute()).toHaveLength(0);
    await t.store.db.updateTable('accounts').set({ email_confirmed_at: new Date().toISOString() }).where('user_id', '=', m.id).execute();
    expect((await postForm(t.app, '/papers/2401.00077/claim', { position: '0' }, b)).statusCode).toBe(303);
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
