// Search and discovery in a real browser: results while typing (and the same page without JS),
// similar papers on a paper page, "for you", trending; screenshots of each on desktop and phone, light
// and dark, under test-output/screenshots/. Any Content-Security-Policy violation fails the test.
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trendingParams } from '../../src/config.ts';
import { recomputeTrending } from '../../src/db/queries/trending.ts';
import { searchService } from '../../src/search/service.ts';
import { SESSION_COOKIE } from '../../src/web/auth.ts';
import { buildApp } from '../../src/web/server.ts';
import { haveChromium, launch, listenOnLoopback, offlineContext, SCREENSHOTS as SHOTS, VIEWPORTS } from '../support/browser.ts';
import { makeMember, signedIn } from '../support/members.ts';
import { buildSearchIndex, importSearchSample } from '../support/search.ts';
import { buildStore, type TestStore } from '../support/store.ts';

describe.skipIf(!haveChromium)('search in Chromium', () => {
  let t: TestStore;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  let session: string;
  let paperId: string;
  const violations: string[] = [];

  async function newContext(
    viewport: { width: number; height: number },
    colorScheme: 'light' | 'dark',
    js = true,
  ): Promise<BrowserContext> {
    return offlineContext(browser, viewport, colorScheme, { violations, javaScriptEnabled: js });
  }

  beforeAll(async () => {
    t = await buildStore();
    await importSearchSample(t);
    await recomputeTrending(t.store.db, trendingParams(t.config), '2026-06-04T00:00:00.000Z');
    await buildSearchIndex(t);
    paperId = (
      await t.store.db.selectFrom('papers').select('id').where('ai_summary', 'is not', null).orderBy('id').executeTakeFirstOrThrow()
    ).id;
    const m = await makeMember(t.store, { username: 'reader' });
    const liked = (
      await t.store.db.selectFrom('papers').select('id').where('title', 'like', '%Video%').orderBy('id').limit(6).execute()
    ).map((r) => r.id);
    await t.store.db
      .insertInto('votes')
      .values(liked.map((paper_id) => ({ user_id: m.id, paper_id, created_at: new Date().toISOString() })))
      .execute();
    session = (await signedIn(t.store, m.id)).cookie.split('=')[1] as string;
    app = await buildApp(t.config, t.store, { logger: false });
    base = await listenOnLoopback(app);
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await searchService(t.store, t.config).close();
    await t?.cleanup();
  });

  it('shows results while typing, without reloading the page, and keeps the address in step', async () => {
    const context = await newContext(VIEWPORTS.desktop, 'light');
    const page = await context.newPage();
    await page.goto(`${base}/search`);
    await page.evaluate(() => {
      (window as unknown as { stayed: boolean }).stayed = true;
    });
    await page.locator('#search-q').pressSequentially('video generation', { delay: 20 });
    await page.waitForURL(/\/search\?q=video\+generation$/);
    await expect(page.locator('[data-search-results] [data-paper-item]').count()).resolves.toBe(20);
    await expect(page.locator('[data-search-results] mark').count()).resolves.toBeGreaterThan(0);
    await page.locator('label.search-mode:has-text("Meaning")').click();
    await page.waitForURL(/mode=meaning/);
    await expect(page.locator('.search-summary').textContent()).resolves.toContain('meaning');
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    await expect(page.title()).resolves.toMatch(/^Search: video generation/);
    await context.close();
    expect(violations).toEqual([]);
  }, 60_000);

  it('works without JavaScript: the form submits and the page shows the results', async () => {
    const context = await newContext(VIEWPORTS.desktop, 'light', false);
    const page = await context.newPage();
    await page.goto(`${base}/search`);
    await page.locator('#search-q').fill('robot manipulation');
    await page.locator('summary:has-text("Filters")').click();
    await page.locator('input[name="hasCode"]').check();
    await page.locator('.search-form__go').click();
    await page.waitForURL(/q=robot\+manipulation/);
    expect(page.url()).toContain('hasCode=1');
    await expect(page.locator('[data-paper-item]').count()).resolves.toBeGreaterThan(0);
    await context.close();
  }, 60_000);

  it('saves screenshots of search, similar papers, for you and trending, on desktop and phone, light and dark', async () => {
    const pages = {
      search: '/search?q=diffusion+models+for+video',
      'search-empty': '/search',
      'paper-similar': `/papers/${paperId}`,
      'for-you': '/for-you?all=1',
      trending: '/papers/trending',
    };
    for (const [device, viewport] of Object.entries(VIEWPORTS)) {
      for (const scheme of ['light', 'dark'] as const) {
        const context = await newContext(viewport, scheme);
        await context.addCookies([{ name: SESSION_COOKIE, value: session, url: base }]);
        const page = await context.newPage();
        for (const [name, path] of Object.entries(pages)) {
          const response = await page.goto(`${base}${path}`);
          expect(response?.status(), name).toBe(200);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          expect(overflow, `${name} on ${device} scrolls sideways`).toBeLessThanOrEqual(0);
          if (name === 'paper-similar') {
            await page.locator('.similar').scrollIntoViewIfNeeded();
            await page.locator('.similar').screenshot({ path: join(SHOTS, `similar-${device}-${scheme}.png`) });
          }
          await page.screenshot({ path: join(SHOTS, `${name}-${device}-${scheme}.png`) });
        }
        await context.close();
      }
    }
    expect(violations).toEqual([]);
  }, 180_000);
});
