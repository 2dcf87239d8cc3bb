// The demo an empty instance starts with: the Daily Papers days and, for the papers the arXiv listings
// describe, their arXiv categories, so the category filter, digest topics and paper pages have some.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoIfEmpty } from '../../src/actions/load-demo.ts';
import { getPage } from '../support/members.ts';
import { buildTestApp, type TestApp } from '../support/store.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
  const report = await loadDemoIfEmpty(t.store.db);
  expect(report?.rejected ?? []).toEqual([]);
}, 300_000);
afterAll(async () => t?.cleanup());

describe('demo data', () => {
  it('loads once, with arXiv categories for the papers the listings hold', async () => {
    expect(await loadDemoIfEmpty(t.store.db)).toBeNull();
    const papers = await t.store.db.selectFrom('papers').select(['id', 'categories', 'primary_category']).execute();
    expect(papers.length).toBeGreaterThan(1300);
    const categorised = papers.filter((p) => p.primary_category !== null);
    expect(categorised.length).toBeGreaterThanOrEqual(374);
    const first = categorised[0] as (typeof categorised)[number];
    expect(first.primary_category).toMatch(/^[a-z-]+(\.[A-Za-z-]+)?$/);
    // The paper page names its categories.
    const page = await getPage(t.app, `/papers/${first.id}`);
    expect(page.root.querySelector('.tags .tag')?.text).toBeTruthy();
  });

  it('offers real categories in the search filter', async () => {
    const page = await getPage(t.app, '/search?q=model');
    const options = page.root.querySelectorAll('select[name="category"] option').map((o) => o.getAttribute('value'));
    expect(options).toContain('cs.CV');
    expect(options.length).toBeGreaterThan(3);
  });
});
