// A member in a real browser, under the server's Content-Security-Policy: sign up, confirm the email
// address from the outbox, upvote without a reload, comment with math and see it rendered. Then
// screenshots of every member page (desktop and phone, light and dark) under test-output/screenshots/.
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addComment } from '../../src/actions/comments.ts';
import { trendingParams } from '../../src/config.ts';
import { mailsTo } from '../../src/email/outbox.ts';
import { SESSION_COOKIE } from '../../src/web/auth.ts';
import { haveChromium, launch, listenOnLoopback, offlineContext, SCREENSHOTS as SHOTS, VIEWPORTS } from '../support/browser.ts';
import { addPaper, apiToken, daysAgo, makeMember, signedIn } from '../support/members.ts';
import { buildTestApp, type TestApp } from '../support/store.ts';

const DAY = new Date().toISOString().slice(0, 10);
const PAPER = '2606.60001';

describe.skipIf(!haveChromium)('a member in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  const violations: string[] = [];

  async function newContext(
    viewport: { width: number; height: number },
    colorScheme: 'light' | 'dark',
    session?: string,
  ): Promise<BrowserContext> {
    const context = await offlineContext(browser, viewport, colorScheme, { violations });
    if (session) await context.addCookies([{ name: SESSION_COOKIE, value: session, url: base }]);
    return context;
  }

  beforeAll(async () => {
    t = await buildTestApp();
    await addPaper(t.store, {
      id: PAPER,
      day: DAY,
      title: 'Attention is all you need, again: a study of $\\mathcal{O}(n^2)$ layers',
      abstract: 'We revisit self-attention with $n$ tokens and show a bound $\\sum_i a_i \\le 1$. It costs $5 to run.',
      publishedAt: daysAgo(1),
      upvotes: 41,
      authors: ['Ada Lovelace', 'Alan Turing', 'Grace Hopper'],
    });
    await addPaper(t.store, { id: '2606.60002', day: DAY, title: 'A second paper on the list', publishedAt: daysAgo(2), upvotes: 12 });
    base = await listenOnLoopback(t.app);
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.cleanup();
  });

  it('signs up, confirms, upvotes without a reload, and comments with math', async () => {
    const context = await newContext(VIEWPORTS.desktop, 'light');
    const page = await context.newPage();
    await page.goto(`${base}/papers`);
    await page.getByRole('link', { name: 'Sign up' }).click();
    await page.getByLabel('Username').fill('lovelace');
    await page.getByLabel('Email address').fill('ada@example.org');
    await page.getByLabel('Password').fill('analytical engine');
    await page.getByRole('button', { name: 'Create account' }).click();
    // Sign-up answers with the sign-in form (the same answer whether or not the address had an account).
    await expect(page.locator('.notice').first().textContent()).resolves.toContain('sent a mail to ada@example.org');
    await page.getByLabel('Password').fill('analytical engine');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/settings?welcome=1`);
    await expect(page.locator('.account-menu__name').textContent()).resolves.toBe('lovelace');

    const [mail] = await mailsTo(t.store.db, 'ada@example.org');
    const link = /http:\/\/localhost:3000(\/confirm\?token=[\w-]+)/.exec(mail?.text ?? '')?.[1];
    expect(link).toBeDefined();
    await page.goto(`${base}${link}`);
    await page.getByRole('button', { name: 'Confirm my email address' }).click();
    await expect(page.locator('.notice--ok').textContent()).resolves.toContain('confirmed');

    // Upvote on the list: the count changes in place, the page is not reloaded.
    await page.goto(`${base}/papers/date/${DAY}`);
    await page.evaluate(() => {
      (window as unknown as { stillHere: boolean }).stillHere = true;
    });
    const button = page.locator(`[data-upvote="${PAPER}"]`);
    await expect(button.locator('.vote__count').textContent()).resolves.toBe('41');
    await button.click();
    await expect.poll(() => button.getAttribute('aria-pressed')).toBe('true');
    await expect(button.locator('.vote__count').textContent()).resolves.toBe('42');
    await expect(page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).resolves.toBe(true);
    expect((await t.store.db.selectFrom('votes').selectAll().execute()).map((v) => v.paper_id)).toEqual([PAPER]);
    // Again: the vote is taken back, still in place.
    await button.click();
    await expect.poll(() => button.getAttribute('aria-pressed')).toBe('false');
    await expect(button.locator('.vote__count').textContent()).resolves.toBe('41');
    await button.click();
    await expect.poll(() => button.getAttribute('aria-pressed')).toBe('true');
    // After a reload the pressed state comes from the server.
    await page.reload();
    await expect(page.locator(`[data-upvote="${PAPER}"]`).getAttribute('aria-pressed')).resolves.toBe('true');

    // A comment with math, rendered by KaTeX on the server.
    await page.goto(`${base}/papers/${PAPER}`);
    await page.getByLabel('Add a comment').fill('Nice bound. Euler would add $e^{i\\pi} + 1 = 0$ and\n\n$$\\int_0^1 x\\,dx = \\tfrac12$$');
    await page.getByRole('button', { name: 'Comment', exact: true }).click();
    await page.waitForURL(/#comment-\d+$/);
    const body = page.locator('.comment__body').first();
    await expect(body.locator('.katex').first().isVisible()).resolves.toBe(true);
    await expect(body.locator('.katex-display').count()).resolves.toBe(1);
    await expect(body.locator('.katex-html').first().textContent()).resolves.not.toContain('$');
    await page.screenshot({ path: join(SHOTS, 'member-comment-desktop-light.png'), fullPage: true });

    // Another member's comment is voted on in place, as papers are.
    const other = await makeMember(t.store, { username: 'babbage' });
    const { id: otherComment } = await addComment({
      db: t.store.db,
      userId: other.id,
      paperId: PAPER,
      body: 'The engine agrees.',
      trending: trendingParams(t.config),
    });
    await page.reload();
    await page.evaluate(() => {
      (window as unknown as { stillHere: boolean }).stillHere = true;
    });
    const up = page.locator(`#comment-${otherComment} .comment-vote[data-dir="1"]`);
    const down = page.locator(`#comment-${otherComment} .comment-vote[data-dir="-1"]`);
    await up.click();
    await expect.poll(() => up.getAttribute('aria-pressed')).toBe('true');
    await down.click();
    await expect.poll(() => down.getAttribute('aria-pressed')).toBe('true');
    await expect(up.getAttribute('aria-pressed')).resolves.toBe('false');
    await down.click();
    await expect.poll(() => down.getAttribute('aria-pressed')).toBe('false');
    await expect(page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).resolves.toBe(true);
    expect(await t.store.db.selectFrom('comment_votes').selectAll().where('comment_id', '=', otherComment).execute()).toEqual([]);
    await up.click();
    await expect.poll(() => up.getAttribute('aria-pressed')).toBe('true');
    expect(
      (await t.store.db.selectFrom('comments').select('upvotes').where('id', '=', otherComment).executeTakeFirstOrThrow()).upvotes,
    ).toBe(1);
    await context.close();
    expect(violations).toEqual([]);
  }, 90_000);

  it('saves screenshots of the member pages, on desktop and phone, light and dark', async () => {
    const admin = await makeMember(t.store, { username: 'operator', role: 'admin', fullname: 'The Operator' });
    const ada = await t.store.db.selectFrom('users').select('id').where('username', '=', 'lovelace').executeTakeFirstOrThrow();
    await t.store.db
      .insertInto('author_claims')
      .values({
        paper_id: PAPER,
        position: 0,
        user_id: ada.id,
        status: 'pending',
        created_at: new Date().toISOString(),
        decided_at: null,
        decided_by: null,
        reason: null,
      })
      .execute();
    await t.store.db
      .insertInto('organizations')
      .values({ name: 'analytical', fullname: 'Analytical Engines Ltd', avatar: null, hf_id: null })
      .execute();
    const org = await t.store.db.selectFrom('organizations').select('id').executeTakeFirstOrThrow();
    await t.store.db
      .insertInto('org_members')
      .values({ org_id: org.id, user_id: admin.id, role: 'admin', created_at: new Date().toISOString() })
      .execute();
    await apiToken(t.store, admin.id, 'my-paper-bot');
    const session = (await signedIn(t.store, admin.id)).cookie.split('=')[1] as string;
    const signedOut = { signin: '/signin', signup: '/signup', reset: '/reset', 'paper-anon': `/papers/${PAPER}` };
    const signedInPages = {
      'list-member': `/papers/date/${DAY}`,
      'paper-member': `/papers/${PAPER}`,
      settings: '/settings',
      submit: '/submit',
      admin: '/admin',
      'org-members': '/orgs/analytical/members',
    };
    for (const [device, viewport] of Object.entries(VIEWPORTS)) {
      for (const scheme of ['light', 'dark'] as const) {
        for (const [pages, s] of [
          [signedOut, undefined],
          [signedInPages, session],
        ] as const) {
          const context = await newContext(viewport, scheme, s);
          const page = await context.newPage();
          for (const [name, path] of Object.entries(pages)) {
            const res = await page.goto(`${base}${path}`);
            expect(res?.status(), path).toBe(200);
            const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
            expect(overflow, `${name} on ${device} scrolls sideways`).toBeLessThanOrEqual(0);
            if (name === 'settings') {
              // The token table: on a phone one block per token, no column heading broken mid-word.
              const shown = await page.locator('#tokens th').evaluateAll((ths) => ths.map((th) => th.getBoundingClientRect().height > 0));
              expect(shown.length, 'token table').toBeGreaterThan(0);
              expect(shown.every(Boolean)).toBe(device !== 'phone');
              await expect(page.locator('#tokens td[data-label="Token"]').first().isVisible()).resolves.toBe(true);
            }
            if (name === 'paper-member')
              await page
                .locator('.tools details')
                .first()
                .evaluate((d) => d.setAttribute('open', ''));
            await page.screenshot({ path: join(SHOTS, `${name}-${device}-${scheme}.png`), fullPage: name !== 'list-member' });
          }
          if (s) {
            await page.goto(`${base}/papers/date/${DAY}`);
            await page.locator('.account-menu__summary').click();
            await page.screenshot({ path: join(SHOTS, `account-menu-${device}-${scheme}.png`) });
          }
          await context.close();
        }
      }
    }
    expect(violations).toEqual([]);
  }, 180_000);
});
