// Whole journeys through Folio in a real browser (Debian's Chromium, under the server's strict CSP), on
// one instance with two months of the bundled demo lists, a worker sending mail through a real SMTP
// server started here (smtp-server, FOLIO_SMTP_URL), and nothing reachable beyond 127.0.0.1:
// - a visitor browses days, weeks and months, opens a paper and searches from the header box;
// - a new member signs up, confirms by the mailed link, submits a paper, upvotes it without a reload,
//   comments with math, claims authorship, subscribes to the digest, receives it over SMTP and leaves
//   it in one click;
// - an admin hides the member's comment and confirms the authorship claim.
// Each journey saves its key pages (desktop and phone, light and dark) as
// test-output/screenshots/journey-<journey>-<page>-<device>-<scheme>.png.
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';
import { pino } from 'pino';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/actions/import-files.ts';
import { DEMO_DIR } from '../../src/actions/load-demo.ts';
import { recomputeTrending } from '../../src/db/queries/trending.ts';
import { DEFAULT_TRENDING } from '../../src/domain/trending.ts';
import { MAIL_SEND_JOB } from '../../src/email/outbox.ts';
import { jobHandlers } from '../../src/jobs/setup.ts';
import { Worker } from '../../src/jobs/worker.ts';
import { SESSION_COOKIE } from '../../src/web/auth.ts';
import { CONTENT_SECURITY_POLICY } from '../../src/web/security-headers.ts';
import { haveChromium, launch, offlineContext, SCREENSHOTS, VIEWPORTS } from '../support/browser.ts';
import { runFolio } from '../support/cli.ts';
import { addPaper, daysAgo, makeMember, PASSWORD } from '../support/members.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import { buildTestApp, type TestApp } from '../support/store.ts';

/** Two months of lists, across a month's and a week's end: Wed 27 May to Tue 2 June 2026. */
const DEMO_DAYS = ['2026-05-27', '2026-05-28', '2026-05-29', '2026-06-01', '2026-06-02'];
const YESTERDAY = daysAgo(1).slice(0, 10);
/** On yesterday's list: what the daily digest run today carries. */
const DIGEST_PAPER = { id: '2611.90001', title: 'Streaming speech recognition with sparse mixture routing' };
/** In the corpus, published three days ago, on no list: the member submits it. */
const SUBMITTED = {
  id: '2611.90002',
  title: 'Bounded attention: a $\\mathcal{O}(n \\log n)$ transformer for long documents',
  authors: ['Ada Lovelace', 'Charles Babbage', 'Mary Somerville'],
};
const MEMBER = { username: 'somerville', email: 'mary@example.org', password: 'on the connexion of the physical sciences' };

/** Screenshots of these pages show the first screen only. */
const LISTS = new Set(['day', 'week', 'month', 'today']);

type Scheme = 'light' | 'dark';
type Device = keyof typeof VIEWPORTS;

/** A free loopback port, so that FOLIO_BASE_URL (links in mails) names the very server under test. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe.skipIf(!haveChromium)('journeys in Chromium', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let worker: Worker;
  let browser: Browser;
  let base: string;
  const problems: string[] = [];

  async function context(viewport: { width: number; height: number }, scheme: Scheme, session?: string): Promise<BrowserContext> {
    const c = await offlineContext(browser, viewport, scheme);
    c.on('response', (r) => {
      if (
        r.request().resourceType() === 'document' &&
        r.url().startsWith(base) &&
        r.headers()['content-security-policy'] !== CONTENT_SECURITY_POLICY
      )
        problems.push(`${r.url()}: no or another Content-Security-Policy`);
      if (r.url().startsWith(base) && r.status() >= 500) problems.push(`${r.url()}: ${r.status()}`);
    });
    c.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
    });
    c.on('weberror', (e) => problems.push(`page error: ${e.error().message}`));
    if (session) await c.addCookies([{ name: SESSION_COOKIE, value: session, url: base }]);
    return c;
  }

  /** The session cookie a context holds (to look at the same pages again on other devices). */
  async function sessionOf(c: BrowserContext): Promise<string> {
    const cookie = (await c.cookies(base)).find((x) => x.name === SESSION_COOKIE);
    if (!cookie) throw new Error('not signed in');
    return cookie.value;
  }

  /**
   * Saves `pages` on desktop and phone, light and dark, as journey-<journey>-<name>-<device>-<scheme>.png,
   * and checks that none scrolls sideways. A page is a path, or a function that brings it up.
   */
  async function screenshots(journey: string, pages: Record<string, string | ((p: Page) => Promise<void>)>, session?: string) {
    for (const [device, viewport] of Object.entries(VIEWPORTS) as [Device, (typeof VIEWPORTS)[Device]][]) {
      for (const scheme of ['light', 'dark'] as const) {
        const c = await context(viewport, scheme, session);
        const page = await c.newPage();
        for (const [name, show] of Object.entries(pages)) {
          if (typeof show === 'string') {
            const res = await page.goto(`${base}${show}`);
            expect(res?.status(), show).toBe(200);
          } else await show(page);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          expect(overflow, `${journey} ${name} on ${device} (${scheme}) scrolls sideways`).toBeLessThanOrEqual(0);
          // Lists are a hundred items long: their first screen shows what matters.
          const full = !LISTS.has(name);
          await page.screenshot({ path: join(SCREENSHOTS, `journey-${journey}-${name}-${device}-${scheme}.png`), fullPage: full });
        }
        await c.close();
      }
    }
  }

  /** The messages the SMTP server accepted for `address` (its envelope), parsed, oldest first. */
  async function inbox(address: string): Promise<ParsedMail[]> {
    return Promise.all(smtp.received.filter((r) => r.to.includes(address)).map((r) => simpleParser(r.raw)));
  }

  /** A header's value as it was sent (unfolded). */
  function header(mail: ParsedMail, name: string): string | undefined {
    const line = mail.headerLines.find((h) => h.key === name.toLowerCase())?.line;
    return line
      ?.slice(line.indexOf(':') + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
  }

  /** The first link to this server in a mail's plain text whose path matches. */
  function linkIn(mail: ParsedMail, path: RegExp): string {
    const text = mail.text ?? '';
    const found = [...text.matchAll(/https?:\/\/\S+/g)].map((m) => m[0]).find((u) => u.startsWith(base) && path.test(new URL(u).pathname));
    if (!found) throw new Error(`no link to ${path} in the mail "${mail.subject}":\n${text}`);
    return found;
  }

  beforeAll(async () => {
    smtp = await startSmtp();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await buildTestApp({
      baseUrl: base,
      smtpUrl: smtp.url,
      mailFrom: 'Folio <papers@example.org>',
      // Nothing leaves this machine: arXiv look-ups would fail at once (the submitted paper is local).
      arxivSets: 'none',
      arxivApiUrl: 'http://127.0.0.1:9/api/query',
    });
    await importFiles(
      t.store.db,
      DEMO_DAYS.map((d) => join(DEMO_DIR, `${d}.json.gz`)),
    );
    await addPaper(t.store, {
      id: DIGEST_PAPER.id,
      title: DIGEST_PAPER.title,
      abstract: 'We route each audio frame to two of sixteen experts and stream the transcript with a latency under $200$ ms.',
      publishedAt: daysAgo(2),
      day: YESTERDAY,
      upvotes: 17,
    });
    await addPaper(t.store, {
      id: SUBMITTED.id,
      title: SUBMITTED.title,
      abstract:
        'Attention over $n$ tokens costs $\\mathcal{O}(n^2)$; we bound it by $\\mathcal{O}(n \\log n)$ for documents of any length.',
      authors: SUBMITTED.authors,
      publishedAt: daysAgo(3),
    });
    await recomputeTrending(t.store.db, DEFAULT_TRENDING, new Date().toISOString());
    // The part of the worker that `folio serve` runs for mail: the sender, woken by every queued mail
    // and polled as in production. No schedule: the digest goes out when the journey runs
    // `folio digest send`, and harvests and index builds have no place here.
    const handlers = Object.fromEntries(Object.entries(jobHandlers(t.config, t.store)).filter(([kind]) => kind === MAIL_SEND_JOB));
    worker = new Worker(t.store.db, handlers, undefined, pino({ level: 'silent' }), 200);
    await worker.start();
    await t.app.listen({ port, host: '127.0.0.1' });
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    await t?.cleanup();
    await smtp?.close();
  });

  it('a visitor browses days, weeks and months, opens a paper and searches', async () => {
    const c = await context(VIEWPORTS.desktop, 'light');
    const page = await c.newPage();
    await page.goto(`${base}/`);
    // The latest day with papers: yesterday's list (today's is still empty).
    await expect(page.locator('[data-paper-item]').count()).resolves.toBeGreaterThan(0);

    // Days: Monday 1 June, back to Friday 29 May over the empty weekend, and forward again.
    await page.goto(`${base}/papers/date/2026-06-01`);
    await expect(page.locator('h1').textContent()).resolves.toMatch(/June 1/);
    await page.locator('.period-nav a[rel="prev"]').first().click();
    await page.waitForURL(`${base}/papers/date/2026-05-29`);
    await page.locator('.period-nav a[rel="next"]').first().click();
    await page.waitForURL(`${base}/papers/date/2026-06-01`);

    // Weeks: the tab keeps the shown day; the previous week is the one of 27-29 May.
    const tabs = page.locator('nav.tabs');
    await tabs.getByRole('link', { name: 'Weekly' }).click();
    await page.waitForURL(`${base}/papers/week/2026-W23`);
    await expect(tabs.getByRole('link', { name: 'Weekly' }).getAttribute('aria-current')).resolves.toBe('page');
    await page.locator('.period-nav a[rel="prev"]').first().click();
    await page.waitForURL(`${base}/papers/week/2026-W22`);
    // Wednesday to Friday of the demo data: 32 + 42 + 45 papers, on pages of FOLIO_PAGE_SIZE (50).
    await expect(page.locator('.list-head__sub').textContent()).resolves.toContain('119 papers');
    await expect(page.locator('[data-paper-item]').count()).resolves.toBe(50);

    // Months: May, then June, then (past the empty summer and autumn) this month with yesterday's list.
    await tabs.getByRole('link', { name: 'Monthly' }).click();
    await page.waitForURL(`${base}/papers/month/2026-05`);
    await page.locator('.period-nav a[rel="next"]').first().click();
    await page.waitForURL(`${base}/papers/month/2026-06`);
    // Back to Daily: the month's latest day with papers.
    await tabs.getByRole('link', { name: 'Daily' }).click();
    await page.waitForURL(`${base}/papers/date/2026-06-02`);
    await page.goBack();
    await page.waitForURL(`${base}/papers/month/2026-06`);
    await page.locator('.period-nav a[rel="next"]').first().click();
    await page.waitForURL(`${base}/papers/month/${YESTERDAY.slice(0, 7)}`);
    await expect(page.locator(`[data-paper-link][href="/papers/${DIGEST_PAPER.id}"]`).count()).resolves.toBe(1);

    // A paper from the Daily list of 2 June.
    await page.goto(`${base}/papers/date/2026-06-02`);
    const first = page.locator('[data-paper-link]').first();
    const title = ((await first.textContent()) ?? '').trim();
    const href = (await first.getAttribute('href')) ?? '';
    await first.click();
    await page.waitForURL(`${base}${href}`);
    await expect(page.locator('h1').textContent()).resolves.toContain(title.slice(0, 20));

    // Search from the header box: the paper comes back with the word marked.
    const word = (title.match(/[A-Za-z]{6,}/g) ?? []).sort((a, b) => b.length - a.length)[0] ?? title.split(/\s+/)[0] ?? '';
    await page.locator('#site-search').fill(word);
    await page.locator('#site-search').press('Enter');
    await page.waitForURL((u) => u.pathname === '/search' && u.searchParams.get('q') === word);
    const results = page.locator('#search-results');
    await expect(results.locator(`[data-paper-link][href="${href}"]`).count()).resolves.toBe(1);
    await expect(results.locator('mark').count()).resolves.toBeGreaterThan(0);
    const marked = (await results.locator('mark').allTextContents()).map((m) => m.toLowerCase());
    expect(marked.some((m) => word.toLowerCase().startsWith(m.slice(0, 4)))).toBe(true);

    // Results change while typing on the search page (no page load).
    await page.evaluate(() => {
      (window as unknown as { stillHere: boolean }).stillHere = true;
    });
    await page.locator('#search-q').fill('speech recognition');
    await expect.poll(() => results.locator(`[data-paper-link][href="/papers/${DIGEST_PAPER.id}"]`).count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('speech recognition');
    await expect(page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).resolves.toBe(true);
    await c.close();

    await screenshots('visitor', {
      day: '/papers/date/2026-06-01',
      week: '/papers/week/2026-W22',
      month: '/papers/month/2026-05',
      paper: href,
      search: `/search?q=${encodeURIComponent(word)}`,
    });
    expect(problems).toEqual([]);
  }, 120_000);

  it('a new member signs up, confirms, submits, upvotes, comments, claims authorship, and takes and leaves the digest', async () => {
    const c = await context(VIEWPORTS.desktop, 'light');
    const page = await c.newPage();
    await page.goto(`${base}/papers`);
    await page.getByRole('link', { name: 'Sign up' }).click();
    await page.getByLabel('Username').fill(MEMBER.username);
    await page.getByLabel('Email address').fill(MEMBER.email);
    await page.getByLabel('Password').fill(MEMBER.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    // Sign-up answers with the sign-in form (the same answer whether or not the address had an account).
    await expect(page.locator('.notice').first().textContent()).resolves.toContain(`sent a mail to ${MEMBER.email}`);
    await page.getByLabel('Password').fill(MEMBER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/settings?welcome=1`);

    // The confirmation mail arrives over SMTP; its link shows a button, and only the button confirms.
    await expect.poll(async () => (await inbox(MEMBER.email)).length, { timeout: 15_000 }).toBe(1);
    const [confirmMail] = (await inbox(MEMBER.email)) as [ParsedMail];
    await page.goto(linkIn(confirmMail, /^\/confirm$/));
    await page.getByRole('button', { name: 'Confirm my email address' }).click();
    await expect(page.locator('.notice--ok').textContent()).resolves.toContain('confirmed');

    // Submit a paper of the corpus by its arXiv id: it goes on today's list.
    await page.goto(`${base}/submit`);
    await page.getByLabel('arXiv id or URL').fill(`https://arxiv.org/abs/${SUBMITTED.id}`);
    await page.getByRole('button', { name: 'Submit', exact: true }).click();
    const done = (await page.locator('.notice--ok').textContent()) ?? '';
    // Today's list, as the server's clock says (a run may straddle midnight).
    const today = /is on the list of (\d{4}-\d{2}-\d{2})/.exec(done)?.[1] ?? '';
    expect([daysAgo(0).slice(0, 10), new Date(Date.now() - 60_000).toISOString().slice(0, 10)]).toContain(today);
    await page.locator('.notice--ok a').first().click();
    await page.waitForURL(`${base}/papers/${SUBMITTED.id}`);
    await expect(page.locator('h1 .katex').count()).resolves.toBeGreaterThan(0);

    // Upvote on today's list, in place.
    await page.goto(`${base}/papers/date/${today}`);
    await page.evaluate(() => {
      (window as unknown as { stillHere: boolean }).stillHere = true;
    });
    const vote = page.locator(`[data-upvote="${SUBMITTED.id}"]`);
    const before = Number(await vote.locator('.vote__count').textContent());
    await vote.click();
    await expect.poll(() => vote.getAttribute('aria-pressed')).toBe('true');
    await expect(vote.locator('.vote__count').textContent()).resolves.toBe(String(before + 1));
    await expect(page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).resolves.toBe(true);

    // A comment with math, rendered by KaTeX on the server.
    await page.goto(`${base}/papers/${SUBMITTED.id}`);
    await page
      .getByLabel('Add a comment')
      .fill('The bound $T(n) = \\mathcal{O}(n \\log n)$ holds for\n\n$$\\sum_{k=1}^{n} \\frac{1}{k} \\le 1 + \\ln n$$');
    await page.getByRole('button', { name: 'Comment', exact: true }).click();
    await page.waitForURL(/#comment-\d+$/);
    const body = page.locator('.comment__body').first();
    await expect(body.locator('.katex-display').count()).resolves.toBe(1);
    await expect(body.locator('.katex-html').first().textContent()).resolves.not.toContain('$');

    // Claim to be one of the authors (an admin confirms it in the next journey).
    await page.locator('.tools summary', { hasText: 'Are you an author?' }).click();
    await page.getByLabel('Which author are you?').selectOption({ label: 'Mary Somerville' });
    await page.getByRole('button', { name: 'Claim authorship' }).click();
    await expect(page.locator('.tool__note').textContent()).resolves.toContain('Mary Somerville');

    // The daily digest, from the settings page.
    await page.goto(`${base}/settings#digest`);
    const digest = page.locator('#digest');
    await digest.locator('input[name="frequency"][value="daily"]').check();
    await digest.getByRole('button', { name: 'Save digest settings' }).click();
    await page.waitForURL(`${base}/settings?digest=1#digest`);
    await expect(page.locator('#digest input[name="frequency"][value="daily"]').isChecked()).resolves.toBe(true);

    const session = await sessionOf(c);
    await screenshots('member', { signup: '/signup', subscribe: '/subscribe' });
    await screenshots(
      'member',
      { submit: '/submit', today: `/papers/date/${today}`, paper: `/papers/${SUBMITTED.id}`, settings: '/settings' },
      session,
    );

    // The operator sends the daily digest of yesterday's list (named, as the run may straddle midnight;
    // the default, the previous list day, is the same day otherwise); it arrives over SMTP.
    const env = { ...t.env, FOLIO_BASE_URL: base, FOLIO_SMTP_URL: smtp.url, FOLIO_MAIL_FROM: 'Folio <papers@example.org>' };
    const send = ['digest', 'send', '--period', 'daily', '--date', YESTERDAY];
    const run = await runFolio(send, env, 60_000);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`daily:${YESTERDAY}: 1 digests? queued`));
    const digests = (await inbox(MEMBER.email)).filter((m) => m.subject?.startsWith('Top papers of'));
    expect(digests).toHaveLength(1);
    const mail = digests[0] as ParsedMail;
    expect(mail.html).toContain(DIGEST_PAPER.title);
    expect(mail.text).toContain(DIGEST_PAPER.title);
    expect(mail.text).toContain(`${base}/papers/${DIGEST_PAPER.id}`);
    // RFC 2369 / RFC 8058: an http(s) link a mail client POSTs to, and a mailto: one.
    const listUnsubscribe = header(mail, 'List-Unsubscribe') ?? '';
    const oneClick = /<(https?:\/\/[^>]+)>/.exec(listUnsubscribe)?.[1] ?? '';
    expect(oneClick.startsWith(`${base}/unsubscribe/`)).toBe(true);
    expect(listUnsubscribe).toMatch(/<mailto:[^>]+>/);
    expect(header(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    const html = mail.html || '';
    await screenshots('member', {
      digest: async (p) => {
        await p.setContent(html);
      },
    });

    // The link in the mail shows a page with a button; following it changes nothing.
    const subscription = () =>
      t.store.db.selectFrom('digest_subscriptions').select('status').where('email', '=', MEMBER.email).executeTakeFirstOrThrow();
    await page.goto(linkIn(mail, /^\/unsubscribe\//));
    await expect(page.getByRole('button', { name: 'Unsubscribe' }).count()).resolves.toBe(1);
    await expect(subscription()).resolves.toEqual({ status: 'active' });
    await screenshots('member', { unsubscribe: new URL(oneClick).pathname });
    // One click in the mail client: a POST without cookies or form token (RFC 8058).
    const res = await fetch(oneClick, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(res.status).toBe(200);
    await expect(subscription()).resolves.toEqual({ status: 'unsubscribed' });
    await page.reload();
    await expect(page.locator('.notice--ok').textContent()).resolves.toContain('is unsubscribed');
    await page.goto(`${base}/settings#digest`);
    await expect(page.locator('#digest input[name="frequency"][value="off"]').isChecked()).resolves.toBe(true);
    await c.close();

    // The next run sends nothing more to this address.
    const again = await runFolio(send, env, 60_000);
    expect(again.code).toBe(0);
    expect((await inbox(MEMBER.email)).filter((m) => m.subject?.startsWith('Top papers of'))).toHaveLength(1);
    expect(problems).toEqual([]);
  }, 150_000);

  it('an admin hides a comment and confirms an authorship claim', async () => {
    const admin = await makeMember(t.store, { username: 'editor', role: 'admin', email: 'editor@example.org' });
    const c = await context(VIEWPORTS.desktop, 'light');
    const page = await c.newPage();
    await page.goto(`${base}/signin`);
    await page.getByLabel('Email address').fill(admin.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('.account-menu__name').textContent()).resolves.toBe('editor');

    // Hide the member's comment, with a reason.
    await page.goto(`${base}/papers/${SUBMITTED.id}`);
    const comment = page.locator('.comment').first();
    await comment.locator('summary', { hasText: 'Hide' }).click();
    await comment.getByLabel('Reason').fill('Off topic (journey test)');
    await comment.getByRole('button', { name: 'Hide' }).click();
    await page.waitForURL(/#comment-\d+$/);
    await expect(page.locator('.comment').first().locator('.badge--warn').textContent()).resolves.toBe('hidden');

    // Confirm the claim on /admin.
    await page.goto(`${base}/admin`);
    const claim = page.locator('.admin-list__item', { hasText: 'Mary Somerville' });
    await expect(claim.count()).resolves.toBe(1);
    await expect(claim.textContent()).resolves.toContain(`@${MEMBER.username}`);
    const session = await sessionOf(c);
    await screenshots('admin', { claims: '/admin', 'paper-hidden-comment': `/papers/${SUBMITTED.id}` }, session);
    await claim.getByLabel('Reason').fill('Checked against the arXiv listing');
    await claim.getByRole('button', { name: 'Confirm' }).click();
    await expect(page.locator('.notice--ok').count()).resolves.toBeGreaterThan(0);
    await expect(page.getByText('No claims waiting.').count()).resolves.toBe(1);
    await c.close();

    // A visitor sees the comment gone and the author marked; the API says claimed_verified.
    const v = await context(VIEWPORTS.desktop, 'light');
    const vp = await v.newPage();
    await vp.goto(`${base}/papers/${SUBMITTED.id}`);
    // A hidden comment without replies leaves no placeholder for visitors.
    await expect(vp.locator('.comment').count()).resolves.toBe(0);
    await expect(vp.locator('main').textContent()).resolves.not.toContain('sum_{k=1}');
    await expect(vp.locator('.author-list li', { hasText: 'Mary Somerville' }).locator('.claimed').getAttribute('href')).resolves.toBe(
      `/submitters/${MEMBER.username}`,
    );
    const api = (await (await fetch(`${base}/api/papers/${SUBMITTED.id}`)).json()) as {
      authors: { name: string; status?: string; user?: { user: string } }[];
    };
    const mary = api.authors.find((a) => a.name === 'Mary Somerville');
    expect(mary?.status).toBe('claimed_verified');
    expect(mary?.user?.user).toBe(MEMBER.username);
    await v.close();

    await screenshots('admin', { 'paper-visitor': `/papers/${SUBMITTED.id}` });
    expect(problems).toEqual([]);
  }, 120_000);
});
