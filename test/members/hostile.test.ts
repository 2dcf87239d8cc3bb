// Hostile input: script in comments, names, titles, token names and moderation reasons (escaped or
// sanitised everywhere they show); SQL-significant strings; oversized bodies; forged CSRF tokens;
// replayed email tokens; other members' ids in URLs.
import type { HTMLElement } from 'node-html-parser';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mailsTo } from '../../src/email/outbox.ts';
import { MAX_BODY_BYTES } from '../../src/web/server.ts';
import { type ArxivStandin, startArxivStandin } from '../support/arxiv-standin/server.ts';
import {
  addPaper,
  anonymousForm,
  apiToken,
  type Browser,
  daysAgo,
  getPage,
  makeMember,
  postForm,
  signedIn,
  type TestMember,
} from '../support/members.ts';
import { dom } from '../support/pages.ts';
import { buildTestApp, type TestApp } from '../support/store.ts';

const PAPER = '2606.50001';
const XSS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg/onload=alert(1)>',
  '"><iframe src=javascript:alert(1)>',
  '\'"><a href="javascript:alert(1)">x</a>',
];
const MD_XSS = [
  '[click](javascript:alert(1))',
  '[click](JaVaScRiPt:alert(1))',
  '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '<javascript:alert(1)>',
  '![x](https://evil.example/track.png)',
  '$\\href{javascript:alert(1)}{click}$',
  '$\\htmlClass{x}{y}\\htmlStyle{position:fixed}{z}$',
  '$$\\rule{100em}{100em}$$',
  '`<script>alert(1)</script>`',
  '```\n<script>alert(1)</script>\n```',
];
const SQL = ["'; DROP TABLE users; --", "Robert'); DROP TABLE comments;--", "%' OR 1=1 --", '" OR ""="', "\\'; SELECT * FROM accounts; --"];

let arxiv: ArxivStandin;
let t: TestApp;
let ada: Browser;
let adaM: TestMember;
let bob: Browser;
let bobM: TestMember;

beforeAll(async () => {
  arxiv = await startArxivStandin({
    corpus: [
      {
        id: '2606.50009',
        title: '<script>alert("title")</script> Attention <img src=x onerror=alert(2)>',
        abstract: 'An abstract with <b>tags</b> and $x$.',
        authors: ['<script>alert("author")</script>'],
        categories: ['cs.LG'],
        datestamp: daysAgo(1).slice(0, 10),
        created: daysAgo(1).slice(0, 10),
        source: 'daily-arxiv-jsonl',
      },
    ],
  });
});
afterAll(async () => {
  await arxiv.close();
});

beforeEach(async () => {
  t = await buildTestApp({ arxivApiUrl: arxiv.apiUrl, rateLimitScale: '100' });
  await addPaper(t.store, {
    id: PAPER,
    day: '2026-06-02',
    title: 'A <b>bold</b> title & "quotes"',
    authors: ['<img src=x onerror=alert(3)>'],
  });
  adaM = await makeMember(t.store, { username: 'ada', fullname: '<script>alert("name")</script>' });
  bobM = await makeMember(t.store, { username: 'bob', role: 'admin' });
  ada = await signedIn(t.store, adaM.id);
  bob = await signedIn(t.store, bobM.id);
});
afterEach(async () => {
  await t.cleanup();
});

/** No element carries an event handler, and every link and source is http(s), mailto or local. */
function assertInert(root: HTMLElement, where: string): void {
  expect(
    root.querySelectorAll('script').filter((s) => !s.getAttribute('src')),
    `${where}: inline script`,
  ).toHaveLength(0);
  expect(root.querySelectorAll('iframe, object, embed'), `${where}: frames`).toHaveLength(0);
  for (const el of root.querySelectorAll('*')) {
    for (const [name, value] of Object.entries(el.attributes)) {
      expect(name.toLowerCase().startsWith('on'), `${where}: ${el.tagName} ${name}=${value}`).toBe(false);
      if (['href', 'src', 'action'].includes(name.toLowerCase())) {
        expect(/^(https?:|mailto:|\/|#|\?)/i.test(value.trim()) || value === '', `${where}: ${name}=${value}`).toBe(true);
      }
    }
  }
}

describe('hostile input', () => {
  it('sanitises script, event handlers and dangerous links out of comments, and keeps math harmless', async () => {
    for (const payload of [...XSS, ...MD_XSS]) {
      const res = await postForm(t.app, `/papers/${PAPER}/comments`, { body: `before ${payload} after` }, ada);
      expect(res.statusCode, payload).toBe(303);
    }
    for (const page of [
      await getPage(t.app, `/papers/${PAPER}`),
      await getPage(t.app, `/papers/${PAPER}`, ada),
      await getPage(t.app, `/papers/${PAPER}`, bob),
    ]) {
      const bodies = page.root.querySelectorAll('.comment__body');
      expect(bodies).toHaveLength(XSS.length + MD_XSS.length);
      for (const b of bodies) assertInert(b, b.innerHTML.slice(0, 80));
      // What was typed shows as text.
      expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(page.root.querySelectorAll('.comment__body img')).toHaveLength(0);
      // KaTeX refused \href (trust is off) and capped \rule.
      expect(page.root.querySelectorAll('.comment__body .katex a')).toHaveLength(0);
    }
    const api = (await t.app.inject({ url: `/api/papers/${PAPER}/comments` })).json() as { html: string }[];
    for (const c of api) assertInert(dom(c.html), c.html.slice(0, 80));
  });

  it('escapes names, titles and authors on every page that shows them, signed in or not', async () => {
    await postForm(t.app, `/papers/${PAPER}/comments`, { body: 'hello' }, ada);
    const submitted = await postForm(t.app, '/submit', { paper_id: '2606.50009' }, ada);
    expect(submitted.statusCode).toBe(201);
    const urls = [
      `/papers/${PAPER}`,
      '/papers/2606.50009',
      '/papers',
      '/submitters/ada',
      `/papers/date/${new Date().toISOString().slice(0, 10)}`,
    ];
    for (const url of urls) {
      for (const b of [undefined, ada, bob]) {
        const page = await getPage(t.app, url, b);
        expect(page.status, url).toBe(200);
        expect(page.body, url).not.toMatch(/<script>alert|<img src=x onerror|<b>bold/);
        assertInert(page.root.querySelector('main') as HTMLElement, url);
      }
    }
    const paper = await getPage(t.app, '/papers/2606.50009');
    expect(paper.body).toContain('&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;');
    expect(paper.body).toContain('&lt;script&gt;alert(&quot;author&quot;)&lt;/script&gt;');
    const page = await getPage(t.app, `/papers/${PAPER}`);
    expect(page.body).toContain('&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;');
    // The JSON API returns the text as it is (JSON-escaped), for clients to escape.
    expect((await t.app.inject({ url: '/api/papers/2606.50009' })).json().title).toContain('<script>');
  });

  it('escapes token names, organisation names and moderation reasons', async () => {
    const evil = '<img src=x onerror=alert(9)>';
    await postForm(t.app, '/settings/tokens', { name: evil }, ada);
    await postForm(t.app, `/papers/${PAPER}/hide`, { hidden: '1', reason: evil }, bob);
    await postForm(t.app, '/admin/orgs', { name: 'evil-org', fullname: evil }, bob);
    for (const [url, b] of [
      ['/settings', ada],
      ['/admin', bob],
      ['/orgs/evil-org/members', bob],
    ] as const) {
      const page = await getPage(t.app, url, b);
      expect(page.status, url).toBe(200);
      expect(page.body, url).not.toContain(evil);
      expect(page.body, url).toContain('&lt;img src=x onerror=alert(9)&gt;');
      assertInert(page.root, url);
    }
  });

  it('stores SQL-significant strings as text and breaks nothing', async () => {
    for (const s of SQL) {
      expect((await postForm(t.app, `/papers/${PAPER}/comments`, { body: s }, ada)).statusCode).toBe(303);
      expect((await postForm(t.app, '/settings/profile', { fullname: s.slice(0, 80) }, ada)).statusCode).toBe(303);
      expect((await postForm(t.app, '/settings/tokens', { name: s }, ada)).statusCode).toBe(201);
      const f = await anonymousForm(t.app, '/signin');
      expect((await postForm(t.app, '/signin', { email: `${s}@example.org`, password: s }, f)).statusCode).toBe(401);
      expect((await getPage(t.app, `/admin?q=${encodeURIComponent(s)}`, bob)).status).toBe(200);
      const sub = await postForm(t.app, '/submit', { paper_id: s }, ada);
      expect(sub.statusCode).toBe(400);
      expect((await t.app.inject({ url: `/api/papers/${encodeURIComponent(s)}/comments` })).statusCode).toBe(404);
    }
    // `%` and `_` in the member search match only themselves.
    const search = await getPage(t.app, `/admin?q=${encodeURIComponent('%')}`, bob);
    expect(search.root.querySelectorAll('tbody tr')).toHaveLength(0);
    const comments = await t.store.db.selectFrom('comments').select('body').orderBy('id').execute();
    expect(comments.map((c) => c.body)).toEqual(SQL.map((s) => s.trim()));
    expect((await t.store.db.selectFrom('users').select('id').execute()).length).toBeGreaterThanOrEqual(2);
    expect((await t.store.db.selectFrom('accounts').select('user_id').execute()).length).toBe(2);
  });

  it('refuses bodies over the limit with 413, on pages and in the API', async () => {
    const big = 'x'.repeat(MAX_BODY_BYTES + 10);
    const form = await postForm(t.app, `/papers/${PAPER}/comments`, { body: big }, ada);
    expect(form.statusCode).toBe(413);
    expect(form.headers['content-type']).toMatch(/text\/html/);
    const token = await apiToken(t.store, adaM.id);
    const api = await t.app.inject({
      method: 'POST',
      url: `/api/papers/${PAPER}/comments`,
      headers: { authorization: `Bearer ${token}` },
      payload: { body: big },
    });
    expect(api.statusCode).toBe(413);
    expect(api.json().error).toMatch(/too large/);
    const signin = await postForm(t.app, '/signin', { email: 'a@b.org', password: big }, await anonymousForm(t.app, '/signin'));
    expect(signin.statusCode).toBe(413);
    expect(await t.store.db.selectFrom('comments').select('id').execute()).toHaveLength(0);
  });

  it('stores lone surrogates in a JSON body as U+FFFD, so the page that shows them still renders', async () => {
    const token = await apiToken(t.store, adaM.id);
    // Written by hand: JSON.stringify would escape the surrogate the same way, but this is the wire.
    const payload = '{"body":"half \\ud800 a pair \\udfff end"}';
    const api = await t.app.inject({
      method: 'POST',
      url: `/api/papers/${PAPER}/comments`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload,
    });
    expect(api.statusCode, api.body).toBe(201);
    const stored = await t.store.db.selectFrom('comments').select('body').execute();
    expect(stored.map((c) => c.body)).toEqual(['half \ufffd a pair \ufffd end']);
    const page = await getPage(t.app, `/papers/${PAPER}`);
    expect(page.status).toBe(200);
    expect(page.root.querySelector('.comment__body')?.text).toContain('half \ufffd a pair');
    // Fastify's guard against prototype poisoning still holds under this parser.
    const poisoned = await t.app.inject({
      method: 'POST',
      url: `/api/papers/${PAPER}/comments`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: '{"body":"x","__proto__":{"admin":true}}',
    });
    expect(poisoned.statusCode).toBe(400);
    expect(await t.store.db.selectFrom('comments').select('id').execute()).toHaveLength(1);
  });

  it('refuses forged CSRF tokens, and repeated or oddly typed fields', async () => {
    const other = await anonymousForm(t.app, '/signin');
    const tries: [Browser | { cookie: string; csrf?: string }, string][] = [
      [{ cookie: ada.cookie }, 'no token'],
      [{ cookie: ada.cookie, csrf: '' }, 'empty token'],
      [{ cookie: ada.cookie, csrf: bob.csrf }, 'another member’s token'],
      [{ cookie: ada.cookie, csrf: other.csrf }, 'a signed-out visitor’s token'],
      [{ cookie: ada.cookie, csrf: `${ada.csrf}x` }, 'a token with one more character'],
    ];
    for (const [b, what] of tries) {
      const res = await postForm(t.app, `/papers/${PAPER}/comments`, { body: 'forged' }, b);
      expect(res.statusCode, what).toBe(403);
    }
    const twice = await t.app.inject({
      method: 'POST',
      url: `/papers/${PAPER}/comments`,
      headers: { cookie: ada.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${ada.csrf}&body=a&body=b`,
    });
    expect(twice.statusCode).toBe(400);
    expect(await t.store.db.selectFrom('comments').select('id').execute()).toHaveLength(0);
  });

  it('refuses replayed confirmation and reset tokens', async () => {
    const f = await anonymousForm(t.app, '/signup');
    await postForm(t.app, '/signup', { username: 'carol', email: 'carol@example.org', password: 'a long password' }, f);
    const [confirm] = await mailsTo(t.store.db, 'carol@example.org');
    const token = /token=([\w-]+)/.exec(confirm?.text ?? '')?.[1] as string;
    const g = await anonymousForm(t.app, '/signin');
    expect((await postForm(t.app, '/confirm', { token }, g)).statusCode).toBe(200);
    expect((await postForm(t.app, '/confirm', { token }, g)).statusCode).toBe(400);
    // A confirmation token is no reset token.
    expect((await postForm(t.app, `/reset/${token}`, { password: 'hijacked password' }, g)).statusCode).toBe(400);
    await postForm(t.app, '/reset', { email: 'carol@example.org' }, g);
    const [reset] = await mailsTo(t.store.db, 'carol@example.org');
    const path = /\/reset\/[\w-]+/.exec(reset?.text ?? '')?.[0] as string;
    const [first, second] = await Promise.all([
      postForm(t.app, path, { password: 'first new password' }, g),
      postForm(t.app, path, { password: 'second new password' }, g),
    ]);
    expect([first.statusCode, second.statusCode].sort()).toEqual([303, 400]);
  });

  it('does nothing with other members’ ids in URLs', async () => {
    const res = await postForm(t.app, `/papers/${PAPER}/comments`, { body: 'Ada’s words' }, ada);
    const id = Number(/comment-(\d+)/.exec(res.headers.location as string)?.[1]);
    const carol = await signedIn(t.store, (await makeMember(t.store, { username: 'carol' })).id);
    expect((await postForm(t.app, `/comments/${id}/edit`, { body: 'Carol’s words' }, carol)).statusCode).toBe(403);
    expect((await postForm(t.app, `/comments/${id}/delete`, {}, carol)).statusCode).toBe(403);
    expect((await postForm(t.app, `/comments/${id}/hide`, { hidden: '1', reason: 'x' }, carol)).statusCode).toBe(403);
    const token = await apiToken(t.store, adaM.id);
    const tokenId = (await t.store.db.selectFrom('api_tokens').select('id').where('user_id', '=', adaM.id).executeTakeFirstOrThrow()).id;
    expect((await postForm(t.app, `/settings/tokens/${tokenId}/revoke`, {}, carol)).statusCode).toBe(404);
    expect(
      (await t.app.inject({ method: 'POST', url: `/api/papers/${PAPER}/upvote`, headers: { authorization: `Bearer ${token}` } }))
        .statusCode,
    ).toBe(200);
    expect((await postForm(t.app, `/admin/members/${adaM.id}/role`, { role: 'admin', reason: 'me' }, carol)).statusCode).toBe(403);
    expect((await postForm(t.app, `/admin/members/${adaM.id}/suspend`, { suspended: '1', reason: 'me' }, carol)).statusCode).toBe(403);
    expect((await postForm(t.app, `/comments/999999/edit`, { body: 'x' }, carol)).statusCode).toBe(404);
    expect((await postForm(t.app, `/comments/abc/edit`, { body: 'x' }, carol)).statusCode).toBe(404);
    const row = await t.store.db
      .selectFrom('comments')
      .select(['body', 'deleted_at', 'hidden_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ body: 'Ada’s words', deleted_at: null, hidden_at: null });
    expect((await t.store.db.selectFrom('accounts').select('role').where('user_id', '=', adaM.id).executeTakeFirstOrThrow()).role).toBe(
      'member',
    );
  });

  it('sends the security headers, with a strict Content-Security-Policy', async () => {
    for (const url of ['/papers', `/papers/${PAPER}`, '/signin', '/api/daily_papers']) {
      const res = await t.app.inject({ url });
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
  });
});

describe('no state changes on GET', () => {
  it('answers GET on every action address with 404 and changes nothing', async () => {
    for (const url of [
      '/signout',
      `/papers/${PAPER}/upvote`,
      `/papers/${PAPER}/hide`,
      '/comments/1/delete',
      '/settings/tokens/1/revoke',
      '/admin/members/1/suspend',
    ]) {
      const res = await t.app.inject({ url, headers: { cookie: bob.cookie } });
      expect(res.statusCode, url).toBe(404);
    }
    expect((await t.app.inject({ url: '/confirm?token=whatever' })).statusCode).toBe(400);
    expect(await t.store.db.selectFrom('moderation_log').select('id').execute()).toHaveLength(0);
    expect(await t.store.db.selectFrom('sessions').select('id').execute()).toHaveLength(2);
  });
});
