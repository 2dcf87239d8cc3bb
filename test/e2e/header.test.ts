// The site header from 320 to 1920 px wide, light and dark, signed out and in, with and without the
// header's search box (the search page has its own): it never scrolls sideways, holds on one row from
// tablet width up, and on a phone takes two rows (brand, search and account; then the lists), so that
// the page's papers start high on the screen. Screenshots go to test-output/screenshots/header-*.png.
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/web/auth.ts';
import { haveChromium, launch, listenOnLoopback, offlineContext, SCREENSHOTS as SHOTS } from '../support/browser.ts';
import { addPaper, daysAgo, makeMember, signedIn } from '../support/members.ts';
import { buildTestApp, type TestApp } from '../support/store.ts';

/** Widths the header is drawn at; below PHONE_MAX it may take two rows, above it one. */
const WIDTHS = [320, 390, 820, 1280, 1920] as const;
const PHONE_MAX = 640;
/** Two rows of header on a phone: about 100 px (it was 143 px, three rows). */
const PHONE_HEADER_MAX_PX = 110;

describe.skipIf(!haveChromium)('the header at every width', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let session: string;
  const violations: string[] = [];

  beforeAll(async () => {
    t = await buildTestApp();
    await addPaper(t.store, { id: '2606.70001', title: 'A paper to see the header above', publishedAt: daysAgo(1) });
    // A long username: the account corner must still fit.
    const m = await makeMember(t.store, { username: 'a-rather-long-username-here', fullname: 'Somebody With A Long Name' });
    session = (await signedIn(t.store, m.id)).cookie.split('=')[1] as string;
    base = await listenOnLoopback(t.app);
    browser = await launch();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.cleanup();
  });

  it('fits without sideways scrolling, on one row from tablet width and two on a phone', async () => {
    for (const width of WIDTHS) {
      for (const scheme of ['light', 'dark'] as const) {
        for (const who of ['visitor', 'member'] as const) {
          const context = await offlineContext(browser, { width, height: 900 }, scheme, { violations });
          if (who === 'member') await context.addCookies([{ name: SESSION_COOKIE, value: session, url: base }]);
          const page = await context.newPage();
          for (const [name, path] of [
            ['papers', '/papers'],
            ['search', '/search?q=header'],
          ] as const) {
            await page.goto(`${base}${path}`);
            const where = `${name}, ${who}, ${width}px ${scheme}`;
            const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
            // What sticks out, named in the failure.
            const wide = await page.evaluate(() =>
              Array.from(document.querySelectorAll('body *'))
                .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
                .slice(0, 3)
                .map((e) => `${e.tagName.toLowerCase()}.${(e.getAttribute('class') ?? '').replace(/ /g, '.')}`),
            );
            expect(overflow, `${where} scrolls sideways: ${wide.join(', ')}`).toBeLessThanOrEqual(0);
            const layout = await page.evaluate(() => {
              const header = document.querySelector('.site-header') as HTMLElement;
              const parts = ['.brand', '.tabs', '.site-header .search', '.site-header .account']
                .map((s) => document.querySelector(s))
                .filter((e): e is HTMLElement => e !== null && e.getBoundingClientRect().width > 0)
                .map((e) => {
                  const r = e.getBoundingClientRect();
                  return { top: r.top, bottom: r.bottom, right: r.right };
                });
              // Parts on one row overlap vertically with the first part.
              const rows: { top: number; bottom: number }[] = [];
              for (const p of parts) {
                const row = rows.find((r) => p.top < r.bottom && p.bottom > r.top);
                if (!row) rows.push({ top: p.top, bottom: p.bottom });
              }
              const account = document.querySelector('.site-header .account')?.getBoundingClientRect();
              const inner = document.querySelector('.site-header__inner')?.getBoundingClientRect();
              return {
                rows: rows.length,
                height: header.getBoundingClientRect().height,
                // The account corner sits at the right edge, also where there is no search box.
                accountGap: inner && account ? inner.right - account.right : 0,
              };
            });
            if (width > PHONE_MAX) expect(layout.rows, `${where}: header rows`).toBe(1);
            else {
              expect(layout.rows, `${where}: header rows`).toBeLessThanOrEqual(2);
              expect(layout.height, `${where}: header height`).toBeLessThanOrEqual(PHONE_HEADER_MAX_PX);
            }
            expect(layout.accountGap, `${where}: account corner at the right`).toBeLessThanOrEqual(24);
            if (name === 'papers' || width === 390 || width === 820)
              await page.screenshot({
                path: join(SHOTS, `header-${name}-${who}-${width}-${scheme}.png`),
                clip: { x: 0, y: 0, width, height: 200 },
              });
          }
          await context.close();
        }
      }
    }
    expect(violations).toEqual([]);
  }, 240_000);
});
