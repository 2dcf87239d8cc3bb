// Accessibility of every main page, in Chromium: axe-core reports no serious or critical violation in
// light or dark mode, and the list shortcuts (j/k/o/u) and the keyboard reach every action.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/actions/import-files.ts';
import { DEMO_DIR } from '../../src/actions/load-demo.ts';
import { recomputeTrending } from '../../src/db/queries/trending.ts';
import { DEFAULT_TRENDING } from '../../src/domain/trending.ts';
import { haveChromium, launch, offlineContext, VIEWPORTS } from '../support/browser.ts';
import { makeMember, signedIn } from '../support/members.ts';
import { buildTestApp, type TestApp } from '../support/store.ts';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** Only these impacts fail the test; moderate and minor ones are printed. */
const FAILING = new Set(['serious', 'critical']);

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
}

async function audit(page: Page): Promise<string[]> {
  // Evaluated through the debugging protocol, which the page's CSP does not govern.
  await page.evaluate(AXE);
  const result = (await page.evaluate(() =>
    (window as unknown as { axe: { run(d: Document): Promise<unknown> } }).axe.run(document),
  )) as AxeResult;
  for (const v of result.violations.filter((x) => !FAILING.has(x.impact ?? '')))
    console.log(`axe (${v.impact}) ${page.url()}: ${v.id} — ${v.help}`);
  return result.violations
    .filter((v) => FAILING.has(v.impact ?? ''))
    .map(
      (v) =>
        `${page.url()}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    );
}

describe.skipIf(!haveChromium)('accessibility', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let paperId: string;
  let org: string;
  let author: string;
  let submitter: string;
  let member: string;
  let admin: string;

  beforeAll(async () => {
    t = await buildTestApp();
    const days = ['2026-06-22.json.gz', '2026-06-23.json.gz', '2026-06-24.json.gz'];
    await importFiles(
      t.store.db,
      days.map((d) => join(DEMO_DIR, d)),
    );
    await recomputeTrending(t.store.db, DEFAULT_TRENDING, '2026-06-25T00:00:00.000Z');
    const p = await t.store.db
      .selectFrom('papers')
      .select(['id', 'organization_id'])
      .where('organization_id', 'is not', null)
      .limit(1)
      .executeTakeFirstOrThrow();
    paperId = p.id;
    org = (
      await t.store.db
        .selectFrom('organizations')
        .select('name')
        .where('id', '=', p.organization_id as number)
        .executeTakeFirstOrThrow()
    ).name;
    author = (await t.store.db.selectFrom('authors').select('name').where('paper_id', '=', p.id).limit(1).executeTakeFirstOrThrow()).name;
    // An imported Hugging Face submitter: the old /submitters/ link leads to their page here.
    submitter = (await t.store.db.selectFrom('hf_identities').select('username').limit(1).executeTakeFirstOrThrow()).username;
    const m = await makeMember(t.store, { username: 'ally' });
    member = (await signedIn(t.store, m.id)).cookie;
    const a = await makeMember(t.store, { username: 'root', role: 'admin' });
    admin = (await signedIn(t.store, a.id)).cookie;
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.cleanup();
  });

  const publicPages = () => [
    '/papers',
    '/papers/week/2026-W26',
    '/papers/month/2026-06',
    '/papers/trending',
    `/papers/${paperId}`,
    `/orgs/${encodeURIComponent(org)}`,
    `/authors/${encodeURIComponent(author)}`,
    `/submitters/${encodeURIComponent(submitter)}`,
    '/papers/date/2026-02-30',
    '/no/such/page',
    '/signin',
    '/signup',
  ];
  const memberPages = () => ['/settings', '/submit', `/papers/${paperId}`];

  it('has no serious or critical axe violation on any main page, light or dark, desktop or phone', async () => {
    const problems: string[] = [];
    // Colours differ between the themes; layout between the widths (checked once, in light).
    const variants = [
      ['light', 'desktop'],
      ['dark', 'desktop'],
      ['light', 'phone'],
    ] as const;
    for (const [scheme, name] of variants) {
      const viewport = VIEWPORTS[name];
      {
        const ctx = await offlineContext(browser, viewport, scheme);
        const page = await ctx.newPage();
        for (const path of publicPages()) {
          await page.goto(base + path);
          problems.push(...(await audit(page)).map((p) => `[${scheme} ${name}] ${p}`));
        }
        for (const [cookie, paths] of [
          [member, memberPages()],
          [admin, ['/admin']],
        ] as const) {
          const [k, v] = cookie.split('=');
          await ctx.addCookies([{ name: k as string, value: v as string, url: base }]);
          for (const path of paths) {
            await page.goto(base + path);
            problems.push(...(await audit(page)).map((p) => `[${scheme} ${name}] ${p}`));
          }
          await ctx.clearCookies();
        }
        await ctx.close();
      }
    }
    expect(problems).toEqual([]);
  }, 400_000);

  it('moves through a list with j/k, opens with o, upvotes with u, and reaches every control by Tab', async () => {
    const ctx = await offlineContext(browser, VIEWPORTS.desktop, 'light');
    const [k, v] = member.split('=');
    await ctx.addCookies([{ name: k as string, value: v as string, url: base }]);
    const page = await ctx.newPage();
    await page.goto(`${base}/papers`);
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    const second = await page.locator('[data-paper-item]').nth(1);
    await expect
      .poll(() => second.evaluate((el) => el.matches('.is-current, [aria-current="true"]') || el.contains(document.activeElement)))
      .toBe(true);
    await page.keyboard.press('k');
    const first = page.locator('[data-paper-item]').first();
    await expect
      .poll(() => first.evaluate((el) => el.matches('.is-current, [aria-current="true"]') || el.contains(document.activeElement)))
      .toBe(true);
    // u upvotes the current paper in place (signed in).
    const count = first.locator('.vote__count');
    const before = Number((await count.textContent())?.replace(/,/g, ''));
    await page.keyboard.press('u');
    await expect.poll(async () => Number((await count.textContent())?.replace(/,/g, ''))).toBe(before + 1);
    await expect.poll(() => page.locator('.toast[role="status"]').textContent()).toContain('Upvoted');
    // u again takes it back, and says so (a stray key press is noticed).
    await page.keyboard.press('u');
    await expect.poll(async () => Number((await count.textContent())?.replace(/,/g, ''))).toBe(before);
    await expect.poll(() => page.locator('.toast[role="status"]').textContent()).toContain('Upvote taken back');
    await page.keyboard.press('u');
    await expect.poll(async () => Number((await count.textContent())?.replace(/,/g, ''))).toBe(before + 1);
    // o opens it.
    const href = await first.locator('[data-paper-link]').getAttribute('href');
    await page.keyboard.press('o');
    await page.waitForURL(`**${href}`);
    // Tab reaches the upvote button, the links and the comment form on the paper page.
    const reached = new Set<string>();
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      const d = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        return el
          ? `${el.tagName.toLowerCase()}${el.getAttribute('type') ? `[${el.getAttribute('type')}]` : ''}|${el.closest('form')?.getAttribute('action') ?? ''}`
          : '';
      });
      reached.add(d);
    }
    const all = [...reached].join('\n');
    expect(all).toMatch(/button\[submit\]\|.*\/upvote/);
    expect(all).toMatch(/textarea\|.*\/comments/);
    await ctx.close();
  }, 120_000);
});
