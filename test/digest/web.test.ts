// The digest on the site: the /settings toggle, /subscribe with its double opt-in (signed links that
// expire, are bound to their request and change nothing on GET), unsubscribe pages, and /admin/outbox
// (admins only; a mail's HTML shown only in a sandbox).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { subscriptionByEmail, subscriptionOfMember } from '../../src/db/queries/digests.ts';
import { SUBSCRIPTION_CONFIRM_HOURS } from '../../src/domain/digest.ts';
import { enqueueMail, mailsTo } from '../../src/email/outbox.ts';
import { confirmToken, readConfirmToken, readUnsubscribeToken, unsubscribeToken } from '../../src/security/signed-links.ts';
import { MAIL_HTML_CSP } from '../../src/web/routes/admin-outbox.ts';
import { DAY, digestSettings, listPapers } from '../support/digest.ts';
import { refusedForm } from '../support/forms.ts';
import { anonymousForm, getPage, makeMember, postForm, signedIn } from '../support/members.ts';
import { dom, text } from '../support/pages.ts';
import { buildTestApp, type TestApp } from '../support/store.ts';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp(digestSettings({ digestTime: '07:30', timezone: 'Europe/Paris' }));
});
afterEach(async () => t.cleanup());

async function secret(): Promise<string> {
  return (await t.store.db.selectFrom('meta').select('value').where('key', '=', 'secret_key').executeTakeFirstOrThrow()).value;
}

function confirmLink(body: string): string {
  const m = /https:\/\/papers\.example\.org(\/subscribe\/confirm\?token=[^\s"<]+)/.exec(body);
  if (!m) throw new Error('no confirmation link in the mail');
  return (m[1] as string).replace(/&amp;/g, '&');
}

describe('signed links', () => {
  it('verifies only untampered tokens of the right purpose, and confirmation links expire', () => {
    const s = 'secret';
    const u = unsubscribeToken(s, 42);
    expect(readUnsubscribeToken(s, u)).toBe(42);
    expect(readUnsubscribeToken('other secret', u)).toBeNull();
    expect(readUnsubscribeToken(s, u.replace(/^42/, '43'))).toBeNull();
    expect(readUnsubscribeToken(s, `${u}x`)).toBeNull();
    expect(readUnsubscribeToken(s, 'x'.repeat(5000))).toBeNull();
    const now = Date.now();
    const c = confirmToken(s, 42, now, now + 3600_000);
    expect(readConfirmToken(s, c, now)).toEqual({ ok: true, subscriptionId: 42, requestedAt: now });
    expect(readConfirmToken(s, c, now + 3600_001)).toEqual({ ok: false, reason: 'expired' });
    // An unsubscribe token is not a confirmation token, nor the reverse.
    expect(readConfirmToken(s, u, now)).toEqual({ ok: false, reason: 'invalid' });
    expect(readUnsubscribeToken(s, c)).toBeNull();
  });
});

describe('/settings', () => {
  it('turns the digest on with topics, shows it, refuses bad topics in place, and turns it off', async () => {
    const m = await makeMember(t.store, { email: 'ada@example.org' });
    const b = await signedIn(t.store, m.id);
    const page = await getPage(t.app, '/settings', b);
    const section = page.root.querySelector('#digest');
    expect(text(section)).toContain('sent at 07:30 (Europe/Paris)');
    expect(section?.querySelector('input[name="frequency"][value="off"]')?.getAttribute('checked')).not.toBeNull();

    const saved = await postForm(
      t.app,
      '/settings/digest',
      { frequency: 'weekly', categories: 'cs.CL, cs.LG', queries: 'diffusion\n"in-context learning"' },
      b,
    );
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe('/settings?digest=1#digest');
    const sub = await subscriptionOfMember(t.store.db, m.id);
    expect(sub).toMatchObject({ email: 'ada@example.org', frequency: 'weekly', status: 'active' });
    expect(sub?.topics).toEqual({ categories: ['cs.CL', 'cs.LG'], queries: ['diffusion', '"in-context learning"'] });
    const again = await getPage(t.app, '/settings?digest=1', b);
    expect(text(again.root.querySelector('.notice'))).toContain('digest settings are saved');
    expect(again.root.querySelector('#digest input[value="weekly"]')?.getAttribute('checked')).not.toBeNull();
    expect(again.root.querySelector('#digest-categories')?.getAttribute('value')).toBe('cs.CL, cs.LG');

    const bad = await postForm(t.app, '/settings/digest', { frequency: 'daily', categories: 'cs.CL, <script>', queries: '' }, b);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('is not an arXiv category');
    expect(bad.body).not.toContain('<script>,');
    expect(bad.body).toContain('&lt;script&gt;');
    expect((await subscriptionOfMember(t.store.db, m.id))?.frequency).toBe('weekly');

    expect((await postForm(t.app, '/settings/digest', { frequency: 'off' }, b)).statusCode).toBe(303);
    expect((await subscriptionOfMember(t.store.db, m.id))?.status).toBe('unsubscribed');
  });

  it('invites visitors and members who have not subscribed on list pages, not those who have', async () => {
    await listPapers(t.store, DAY, [{ id: '2606.00001', title: 'A listed paper' }]);
    const banner = (body: string) => body.includes('class="digest-banner"');
    const m = await makeMember(t.store, { email: 'grace@example.org' });
    const b = await signedIn(t.store, m.id);
    expect(banner((await getPage(t.app, `/papers/date/${DAY}`)).body)).toBe(true);
    expect(banner((await getPage(t.app, `/papers/date/${DAY}`, b)).body)).toBe(true);
    expect((await postForm(t.app, '/settings/digest', { frequency: 'daily', categories: '', queries: '' }, b)).statusCode).toBe(303);
    // The same cached page: the visitor still sees the invitation, the subscribed member does not.
    expect(banner((await getPage(t.app, `/papers/date/${DAY}`, b)).body)).toBe(false);
    expect(banner((await getPage(t.app, `/papers/date/${DAY}`)).body)).toBe(true);
    expect((await postForm(t.app, '/settings/digest', { frequency: 'off' }, b)).statusCode).toBe(303);
    expect(banner((await getPage(t.app, `/papers/date/${DAY}`, b)).body)).toBe(true);
  });

  it('needs a member and the form token', async () => {
    const anonymous = await postForm(t.app, '/settings/digest', { frequency: 'daily' });
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/signin/);
    const m = await makeMember(t.store);
    const b = await signedIn(t.store, m.id);
    expect((await postForm(t.app, '/settings/digest', { frequency: 'daily' }, { cookie: b.cookie, csrf: 'wrong' })).statusCode).toBe(403);
    expect(await subscriptionOfMember(t.store.db, m.id)).toBeUndefined();
  });
});

describe('/subscribe (double opt-in)', () => {
  it('mails a link, shows a button on GET (nothing changes), and subscribes on POST', async () => {
    const form = await anonymousForm(t.app, '/subscribe');
    const res = await postForm(
      t.app,
      '/subscribe',
      { email: 'Visitor@Example.org', frequency: 'daily', categories: 'cs.CL', queries: '' },
      form,
    );
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Check your inbox');
    expect(await subscriptionByEmail(t.store.db, 'visitor@example.org')).toMatchObject({ status: 'pending' });
    const [mail] = await mailsTo(t.store.db, 'visitor@example.org');
    expect(mail?.kind).toBe('subscription');
    const link = confirmLink(mail?.text ?? '');

    const get = await getPage(t.app, link);
    expect(get.status).toBe(200);
    expect(get.res.headers['referrer-policy']).toBe('no-referrer');
    expect(text(get.root.querySelector('.card'))).toContain('visitor@example.org');
    expect((await subscriptionByEmail(t.store.db, 'visitor@example.org'))?.status).toBe('pending');

    const token = get.root.querySelector('input[name="token"]')?.getAttribute('value') ?? '';
    const csrf = get.root.querySelector('input[name="_csrf"]')?.getAttribute('value') ?? '';
    const pre = get.res.cookies.find((c) => c.name === 'folio_pre');
    const browser = { cookie: pre ? `folio_pre=${pre.value}` : form.cookie, csrf };
    const post = await postForm(t.app, '/subscribe/confirm', { token }, browser);
    expect(post.statusCode).toBe(200);
    expect(post.body).toContain('gets the daily digest');
    expect(await subscriptionByEmail(t.store.db, 'visitor@example.org')).toMatchObject({
      status: 'active',
      frequency: 'daily',
      topics: { categories: ['cs.CL'], queries: [] },
    });
    // A second click is harmless.
    expect((await postForm(t.app, '/subscribe/confirm', { token }, browser)).statusCode).toBe(200);
  });

  it('says in one sentence why an address cannot be used, beside the form', async () => {
    const form = await anonymousForm(t.app, '/subscribe');
    for (const [email, message] of [
      ['', 'Enter your email address.'],
      ['not an address', 'That does not look like an email address (name@example.org).'],
    ] as const) {
      const res = await postForm(t.app, '/subscribe', { email, frequency: 'daily' }, form);
      expect(res.statusCode, email).toBe(400);
      expect(refusedForm(res.body, 'form[action="/subscribe"]').errors, email).toEqual({ email: message });
    }
  });

  it('refuses expired, altered and superseded links, and addresses that could inject headers', async () => {
    const form = await anonymousForm(t.app, '/subscribe');
    await postForm(t.app, '/subscribe', { email: 'v@example.org', frequency: 'daily' }, form);
    const first = confirmLink((await mailsTo(t.store.db, 'v@example.org'))[0]?.text ?? '');
    await postForm(t.app, '/subscribe', { email: 'v@example.org', frequency: 'weekly' }, form);
    const second = confirmLink((await mailsTo(t.store.db, 'v@example.org'))[0]?.text ?? '');
    expect(second).not.toBe(first);
    expect((await getPage(t.app, first)).body).toContain('A newer confirmation link');
    expect((await getPage(t.app, `${second}x`)).status).toBe(400);
    expect((await getPage(t.app, second)).status).toBe(200);

    // Expired: a link made 49 hours ago for the current request.
    const sub = await subscriptionByEmail(t.store.db, 'v@example.org');
    const requestedAt = Date.parse(sub?.requested?.at as string);
    const old = confirmToken(await secret(), sub?.id as number, requestedAt, requestedAt - 1000);
    const expired = await getPage(t.app, `/subscribe/confirm?token=${old}`);
    expect(expired.status).toBe(400);
    expect(expired.body).toContain(`links work for ${SUBSCRIPTION_CONFIRM_HOURS} hours`);

    for (const email of [
      'a@example.org\r\nBcc: b@example.org',
      'a@example.org, b@example.org',
      'A <a@example.org>',
      `${'a'.repeat(250)}@example.org`,
    ]) {
      const res = await postForm(t.app, '/subscribe', { email, frequency: 'daily' }, form);
      expect(res.statusCode, email).toBe(400);
    }
    expect(await t.store.db.selectFrom('outbox').select('to_addr').where('to_addr', 'like', 'a@%').execute()).toEqual([]);
  });

  it('answers the same whatever the address’s state, and needs the form token', async () => {
    const m = await makeMember(t.store, { email: 'member@example.org' });
    await postForm(t.app, '/settings/digest', { frequency: 'daily' }, await signedIn(t.store, m.id));
    const form = await anonymousForm(t.app, '/subscribe');
    const known = await postForm(t.app, '/subscribe', { email: 'member@example.org', frequency: 'weekly' }, form);
    const unknown = await postForm(t.app, '/subscribe', { email: 'nobody@example.org', frequency: 'weekly' }, form);
    expect(known.statusCode).toBe(unknown.statusCode);
    expect(text(getRoot(known.body))).toBe(text(getRoot(unknown.body)));
    // The member's digest is unchanged until the link is used.
    expect((await subscriptionOfMember(t.store.db, m.id))?.frequency).toBe('daily');
    expect((await postForm(t.app, '/subscribe', { email: 'x@example.org', frequency: 'daily' })).statusCode).toBe(403);
  });
});

function getRoot(body: string) {
  return dom(body).querySelector('.card');
}

describe('unsubscribe pages', () => {
  it('GET shows a button and changes nothing; the button unsubscribes; bad tokens get a clear page', async () => {
    const m = await makeMember(t.store, { email: 'm@example.org' });
    await postForm(t.app, '/settings/digest', { frequency: 'daily' }, await signedIn(t.store, m.id));
    const sub = await subscriptionOfMember(t.store.db, m.id);
    const url = `/unsubscribe/${unsubscribeToken(await secret(), sub?.id as number)}`;
    const page = await getPage(t.app, url);
    expect(page.status).toBe(200);
    expect(page.root.querySelector(`form[action="${url}"] input[name="List-Unsubscribe"]`)?.getAttribute('value')).toBe('One-Click');
    expect((await subscriptionOfMember(t.store.db, m.id))?.status).toBe('active');
    const done = await t.app.inject({
      method: 'POST',
      url,
      payload: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('is unsubscribed');
    expect(done.body).toContain('/settings#digest');
    expect((await subscriptionOfMember(t.store.db, m.id))?.status).toBe('unsubscribed');
    for (const bad of [
      '/unsubscribe/nonsense',
      '/unsubscribe/99999.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      `/unsubscribe/${unsubscribeToken(await secret(), 99999)}`,
    ]) {
      expect((await getPage(t.app, bad)).status).toBe(400);
      expect((await t.app.inject({ method: 'POST', url: bad })).statusCode).toBe(400);
    }
  });
});

describe('/admin/outbox', () => {
  it('is for admins only', async () => {
    const member = await makeMember(t.store);
    const moderator = await makeMember(t.store, { role: 'moderator' });
    expect((await getPage(t.app, '/admin/outbox')).status).toBe(303);
    expect((await getPage(t.app, '/admin/outbox', await signedIn(t.store, member.id))).status).toBe(403);
    expect((await getPage(t.app, '/admin/outbox', await signedIn(t.store, moderator.id))).status).toBe(403);
    expect((await getPage(t.app, '/admin/outbox/1/html', await signedIn(t.store, moderator.id))).status).toBe(403);
  });

  it('lists mails, shows one with its headers and text, and its HTML only in a sandbox', async () => {
    const admin = await makeMember(t.store, { role: 'admin' });
    const b = await signedIn(t.store, admin.id);
    const id = await enqueueMail(t.store.db, {
      to: 'reader@example.org',
      subject: 'Hello <script>alert(1)</script>',
      text: 'Plain <b>text</b>',
      html: '<p>Hi</p><script>alert(document.cookie)</script><img src="https://tracker.example/x.gif">',
      headers: { 'List-Id': '<daily-digest.example.org>' },
      kind: 'digest',
    });
    const list = await getPage(t.app, '/admin/outbox', b);
    expect(list.status).toBe(200);
    expect(list.body).toContain('Hello &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(list.body).not.toContain('<script>alert');
    expect(text(list.root.querySelector('main'))).toContain('No SMTP server is set');

    const one = await getPage(t.app, `/admin/outbox/${id}`, b);
    expect(one.status).toBe(200);
    expect(one.body).toContain('Plain &lt;b&gt;text&lt;/b&gt;');
    expect(one.body).toContain('&lt;daily-digest.example.org&gt;');
    expect(one.body).toContain('&lt;script&gt;alert(document.cookie)&lt;/script&gt;'); // the source, escaped
    const frame = one.root.querySelector('iframe.mail-frame');
    expect(frame?.getAttribute('src')).toBe(`/admin/outbox/${id}/html`);
    expect(frame?.getAttribute('sandbox')).toBe('');

    const html = await t.app.inject({ method: 'GET', url: `/admin/outbox/${id}/html`, headers: { cookie: b.cookie } });
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-security-policy']).toBe(MAIL_HTML_CSP);
    expect(String(html.headers['content-security-policy'])).toMatch(/^sandbox;.*default-src 'none'/);
    expect(html.headers['x-frame-options']).toBe('SAMEORIGIN');
    // Every other page keeps the site's policy.
    expect(one.res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(one.res.headers['x-frame-options']).toBe('DENY');

    const eml = await t.app.inject({ method: 'GET', url: `/admin/outbox/${id}/eml`, headers: { cookie: b.cookie } });
    expect(eml.statusCode).toBe(200);
    expect(eml.headers['content-type']).toMatch(/^message\/rfc822/);
    expect(eml.body).toMatch(/^To: reader@example\.org\r$/m);
    expect((await getPage(t.app, '/admin/outbox/999999', b)).status).toBe(404);
    expect((await getPage(t.app, '/admin/outbox/abc', b)).status).toBe(404);
  });

  it('sends a mail again, and lets a suppressed address be mailed again', async () => {
    const admin = await makeMember(t.store, { role: 'admin' });
    const b = await signedIn(t.store, admin.id);
    const id = await enqueueMail(t.store.db, { to: 'x@example.org', subject: 's', text: 't', html: '<p>h</p>' });
    await t.store.db.updateTable('outbox').set({ status: 'failed', attempts: 10 }).where('id', '=', id).execute();
    await t.store.db
      .insertInto('mail_addresses')
      .values({
        email: 'x@example.org',
        hard_bounces: 3,
        last_bounce_at: null,
        last_error: '550 no such user',
        suppressed_at: new Date().toISOString(),
      })
      .execute();
    expect((await getPage(t.app, '/admin/outbox', b)).body).toContain('550 no such user');
    const retry = await postForm(t.app, `/admin/outbox/${id}/retry`, {}, b);
    expect(retry.statusCode).toBe(303);
    expect(await t.store.db.selectFrom('outbox').select(['status', 'attempts']).where('id', '=', id).executeTakeFirstOrThrow()).toEqual({
      status: 'pending',
      attempts: 0,
    });
    expect((await postForm(t.app, '/admin/outbox/addresses/allow', { email: 'x@example.org' }, b)).statusCode).toBe(303);
    expect(await t.store.db.selectFrom('mail_addresses').selectAll().execute()).toEqual([]);
    // A mail kept in the outbox while no SMTP server was set can be sent for real later; a mailed one cannot.
    await t.store.db.updateTable('outbox').set({ status: 'sent', delivered_via: 'outbox' }).where('id', '=', id).execute();
    await postForm(t.app, `/admin/outbox/${id}/retry`, {}, b);
    expect((await t.store.db.selectFrom('outbox').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('pending');
    await t.store.db.updateTable('outbox').set({ status: 'sent', delivered_via: 'smtp' }).where('id', '=', id).execute();
    await postForm(t.app, `/admin/outbox/${id}/retry`, {}, b);
    expect((await t.store.db.selectFrom('outbox').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('sent');
    const member = await makeMember(t.store);
    expect((await postForm(t.app, `/admin/outbox/${id}/retry`, {}, await signedIn(t.store, member.id))).statusCode).toBe(403);
  });
});

describe('the banner', () => {
  it('invites visitors of the list pages to subscribe', async () => {
    await listPapers(t.store, DAY, [{ id: '2606.00001' }]);
    const page = await getPage(t.app, `/papers/date/${DAY}`);
    expect(page.root.querySelector('.digest-banner a')?.getAttribute('href')).toBe('/subscribe');
    const sub = await getPage(t.app, '/subscribe');
    expect(sub.status).toBe(200);
    expect(sub.root.querySelector('form[action="/subscribe"] input[name="email"]')).not.toBeNull();
  });
});
