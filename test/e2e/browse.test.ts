// Browsing in a real browser: the list, a paper page with math, the keyboard shortcuts, and screenshots
// (desktop and phone, light and dark) under test-output/screenshots/ to look at after a change.
// Pages are served with the strict Content-Security-Policy the server sends, and any violation (or a
// document without the policy) fails the test.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/actions/import-files.ts';
import { DEMO_DIR } from '../../src/actions/load-demo.ts';
import { weekKeyOf } from '../../src/domain/periods.ts';
import { CONTENT_SECURITY_POLICY } from '../../src/web/security-headers.ts';
import { buildApp } from '../../src/web/server.ts';
import { haveChromium, launch, listenOnLoopback, offlineContext, SCREENSHOTS as SHOTS, VIEWPORTS } from '../support/browser.ts';
import { buildStore, type TestStore } from '../support/store.ts';

/** Two weeks of the bundled demo data: enough for a day, a week and a paper with math. */
const DEMO_DAYS = /^2026-06-(1[5-9]|2[2-6])\.json\.gz$/;
/**
 * The policy the pages must hold to. KaTeX positions glyphs with inline style attributes, which
 * `style-src-attr` allows; inline <style> and <script> stay forbidden.
 */
const CSP = CONTENT_SECURITY_POLICY;
describe.skipIf(!haveChromium)('browsing in Chromium', () => {
  let t: TestStore;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  let mathPaper: { id: string; day: string };
  const violations: string[] = [];

  async function newContext(viewport: { width: number; height: number }, colorScheme: 'light' | 'dark'): Promise<BrowserContext> {
    // Pictures come from other hosts, unreachable in tests: answered at once instead of waited for.
    const context = await offlineContext(browser, viewport, colorScheme, { violations });
    // The server itself sends the policy (web/security-headers.ts); every document must carry it.
    context.on('response', (response) => {
      if (response.request().resourceType() === 'document' && response.headers()['content-security-policy'] !== CSP) {
        violations.push(`${response.url()}: no or another Content-Security-Policy`);
      }
    });
    return context;
  }

  async function closeContext(context: BrowserContext): Promise<void> {
    await context.unrouteAll({ behavior: 'ignoreErrors' });
    await context.close();
  }

  beforeAll(async () => {
    t = await buildStore();
    const files = readdirSync(DEMO_DIR)
      .filter((f) => DEMO_DAYS.test(f))
      .map((f) => join(DEMO_DIR, f));
    expect(files.length).toBeGreaterThan(5);
    await importFiles(t.store.db, files);
    // A paper whose abstract holds \( ... \) math, found in the data rather than named here.
    const row = await t.store.db
      .selectFrom('papers as p')
      .innerJoin('daily_entries as e', 'e.paper_id', 'p.id')
      .select(['p.id', 'e.day'])
      // LIKE with an explicit escape character: both dialects, and `\` stays a plain character.
      .where(sql<boolean>`p.abstract like ${'%\\(%'} escape '!' and p.abstract like ${'%\\)%'} escape '!'`)
      .orderBy('e.day')
      .executeTakeFirstOrThrow();
    mathPaper = row;
    app = await buildApp(t.config, t.store, { logger: false });
    base = await listenOnLoopback(app);
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await t?.cleanup();
  });

  it('opens the list, follows a paper, and shows its math rendered', async () => {
    const context = await newContext(VIEWPORTS.desktop, 'light');
    const page = await context.newPage();
    await page.goto(`${base}/papers`);
    await expect(page.locator('h1').textContent()).resolves.toMatch(/2026/);
    const first = page.locator('[data-paper-link]').first();
    const title = (await first.textContent())?.trim();
    expect(title).toBeTruthy();
    await first.click();
    await page.waitForURL(/\/papers\/\d{4}\.\d{4,5}$/);
    expect((await page.locator('h1').textContent())?.trim()).toBe(title);

    await page.goto(`${base}/papers/date/${mathPaper.day}`);
    await page.locator(`[data-paper-link][href="/papers/${mathPaper.id}"]`).click();
    await page.waitForURL(`${base}/papers/${mathPaper.id}`);
    const math = page.locator('.abstract .katex').first();
    await expect(math.isVisible()).resolves.toBe(true);
    // Rendered glyphs, not the TeX source: the visible part is KaTeX's HTML, the source only in MathML.
    await expect(page.locator('.abstract').textContent()).resolves.not.toContain('\\(');
    await closeContext(context);
    expect(violations).toEqual([]);
  }, 60_000);

  it('moves through the list with j/k and opens with o', async () => {
    const context = await newContext(VIEWPORTS.desktop, 'light');
    const page = await context.newPage();
    await page.goto(`${base}/papers`);
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    const items = page.locator('[data-paper-item]');
    await expect(items.nth(0).getAttribute('class')).resolves.toContain('is-current');
    await page.keyboard.press('j');
    await expect(items.nth(1).getAttribute('class')).resolves.toContain('is-current');
    const href = await items.nth(1).locator('[data-paper-link]').getAttribute('href');
    await page.keyboard.press('o');
    await page.waitForURL(`${base}${href}`);
    await page.goto(`${base}/papers`);
    await page.keyboard.press('/');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('site-search');
    await closeContext(context);
    expect(violations).toEqual([]);
  }, 60_000);

  it('saves screenshots of the list, a paper and a week, on desktop and phone, light and dark', async () => {
    const pages = {
      papers: '/papers',
      paper: `/papers/${mathPaper.id}`,
      week: `/papers/week/${weekKeyOf(mathPaper.day)}`,
    };
    for (const [device, viewport] of Object.entries(VIEWPORTS)) {
      for (const scheme of ['light', 'dark'] as const) {
        const context = await newContext(viewport, scheme);
        const page = await context.newPage();
        for (const [name, path] of Object.entries(pages)) {
          const response = await page.goto(`${base}${path}`);
          expect(response?.status()).toBe(200);
          // No horizontal scrolling on any width: long titles and author lists must wrap.
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          expect(overflow, `${name} on ${device} scrolls sideways`).toBeLessThanOrEqual(0);
          await page.screenshot({ path: join(SHOTS, `${name}-${device}-${scheme}.png`) });
          if (name === 'paper') {
            // A close look at the math inside its paragraph: baseline, size, wrapping.
            await page
              .locator('.abstract p:has(.katex)')
              .first()
              .screenshot({ path: join(SHOTS, `paper-math-${device}-${scheme}.png`) });
          }
        }
        await closeContext(context);
      }
    }
    expect(violations).toEqual([]);
  }, 120_000);
});
