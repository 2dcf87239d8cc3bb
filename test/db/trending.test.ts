// The stored trending score: the database computes exactly the published formula, and the API's
// sort=trending follows it.
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/actions/import-files.ts';
import { recomputeTrending } from '../../src/db/queries/trending.ts';
import { DEFAULT_TRENDING, trendingScore } from '../../src/domain/trending.ts';
import { buildTestApp, FIXTURES, type TestApp } from '../support/store.ts';

const NOW = '2026-06-10T12:00:00.000Z';
let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
  await importFiles(
    t.store.db,
    ['2026-06-01', '2026-06-04', '2026-06-09'].map((d) => join(FIXTURES, 'hf-daily', `${d}.json`)),
  );
  await recomputeTrending(t.store.db, DEFAULT_TRENDING, NOW);
});
afterAll(async () => t.cleanup());

describe('trending', () => {
  it('follows the formula: more points rank higher, age pulls down', () => {
    const base = { upvotes: 10, comments: 0, stars: 0, ageHours: 10 };
    expect(trendingScore({ ...base, upvotes: 20 })).toBeGreaterThan(trendingScore(base));
    expect(trendingScore({ ...base, ageHours: 40 })).toBeLessThan(trendingScore(base));
    expect(trendingScore({ ...base, comments: 4 })).toBeGreaterThan(trendingScore(base));
    expect(trendingScore({ ...base, stars: 1000 })).toBeGreaterThan(trendingScore({ ...base, stars: 10 }));
    expect(trendingScore({ upvotes: 0, comments: 0, stars: 0, ageHours: 1 })).toBe(0);
    expect(trendingScore({ ...base, ageHours: -5 })).toBe(trendingScore({ ...base, ageHours: 0 }));
  });

  it('is computed in the database exactly as the formula says', async () => {
    const rows = await t.store.db
      .selectFrom('papers as p')
      .select([
        'p.id',
        'p.trending_score',
        'p.imported_upvotes',
        'p.local_upvotes',
        'p.imported_comments',
        'p.local_comments',
        'p.github_stars',
      ])
      .select(sql<string>`(select max(e.added_at) from daily_entries e where e.paper_id = p.id)`.as('since'))
      .execute();
    expect(rows.length).toBeGreaterThan(20);
    for (const r of rows) {
      const ageHours = (Date.parse(NOW) - Date.parse(r.since as string)) / 3_600_000;
      const want = trendingScore({
        upvotes: r.imported_upvotes + r.local_upvotes,
        comments: r.imported_comments + r.local_comments,
        stars: r.github_stars ?? 0,
        ageHours,
      });
      expect(r.trending_score).toBeCloseTo(want, 9);
    }
  });

  it('orders sort=trending by the stored score', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/daily_papers?sort=trending&limit=100' });
    const ids = (res.json() as { paper: { id: string } }[]).map((i) => i.paper.id);
    const scores = await t.store.db.selectFrom('papers').select(['id', 'trending_score']).execute();
    const score = new Map(scores.map((s) => [s.id, s.trending_score]));
    const got = ids.map((id) => score.get(id) as number);
    expect(got).toEqual([...got].sort((a, b) => b - a));
    // A fresh, well-voted day outranks an older one.
    expect((res.json() as { paper: { submittedOnDailyAt: string } }[])[0]?.paper.submittedOnDailyAt.slice(0, 10)).toBe('2026-06-09');
  });

  it('pages sort=trending over every list: pages follow each other, no paper twice, none left out', async () => {
    const all = (await t.app.inject({ url: '/api/daily_papers?sort=trending&limit=100' })).json() as { paper: { id: string } }[];
    const paged: string[] = [];
    for (let p = 0; paged.length < all.length; p++) {
      const page = (await t.app.inject({ url: `/api/daily_papers?sort=trending&limit=3&p=${p}` })).json() as { paper: { id: string } }[];
      paged.push(...page.map((i) => i.paper.id));
    }
    expect(paged.slice(0, all.length)).toEqual(all.map((i) => i.paper.id));
    expect(new Set(paged).size).toBe(paged.length);
  });

  it('recomputes one paper when its inputs change', async () => {
    const row = await t.store.db
      .selectFrom('papers')
      .select(['id', 'trending_score'])
      .orderBy('trending_score')
      .limit(1)
      .executeTakeFirstOrThrow();
    await t.store.db.updateTable('papers').set({ local_upvotes: 500 }).where('id', '=', row.id).execute();
    expect(await recomputeTrending(t.store.db, DEFAULT_TRENDING, NOW, [row.id])).toBe(1);
    const after = await t.store.db.selectFrom('papers').select('trending_score').where('id', '=', row.id).executeTakeFirstOrThrow();
    expect(after.trending_score).toBeGreaterThan(row.trending_score);
  });
});
