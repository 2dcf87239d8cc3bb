// Similar papers and "for you" on a real corpus (SQLite, or PostgreSQL with FOLIO_TEST_PG_URL), and
// the logistic regression behind "for you" on its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOR_YOU_MIN_UPVOTES, forYou, trainLogistic } from '../../src/search/for-you.ts';
import { search } from '../../src/search/search.ts';
import { type SearchService, searchService } from '../../src/search/service.ts';
import { similarPapers } from '../../src/search/similar.ts';
import { buildSearchIndex, importSearchSample } from '../support/search.ts';
import { buildStore, type TestStore } from '../support/store.ts';

let t: TestStore;
let svc: SearchService;

const textOf = (v: { paper: { title: string; abstract: string } }) => `${v.paper.title} ${v.paper.abstract}`.toLowerCase();

beforeAll(async () => {
  t = await buildStore();
  await importSearchSample(t);
  svc = searchService(t.store, t.config);
}, 120_000);

afterAll(async () => {
  await svc?.close();
  await t?.cleanup();
});

describe('similar papers', () => {
  it('are unavailable (null) until the index is built', async () => {
    const p = await t.store.db.selectFrom('papers').select('id').orderBy('id').executeTakeFirstOrThrow();
    expect(await similarPapers(svc, p.id, 5)).toBeNull();
    await buildSearchIndex(t);
  }, 120_000);

  it('never list the paper itself, and explain each match with shared words', async () => {
    const papers = await t.store.db.selectFrom('papers').select(['id', 'title', 'abstract']).orderBy('id').limit(30).execute();
    let explained = 0;
    for (const p of papers) {
      const s = await similarPapers(svc, p.id, 6);
      expect(s).not.toBeNull();
      expect(s?.length).toBeLessThanOrEqual(6);
      expect(s?.map((x) => x.view.paper.id)).not.toContain(p.id);
      for (let i = 1; i < (s?.length ?? 0); i++) expect(s?.[i - 1]?.score ?? 0).toBeGreaterThanOrEqual(s?.[i]?.score ?? 0);
      for (const x of s ?? []) {
        // Every explaining word is in both texts (as a form of a shared stem).
        if (x.words.length) explained++;
        for (const w of x.words) expect(textOf(x.view)).toContain(w.slice(0, 3).toLowerCase());
      }
    }
    expect(explained).toBeGreaterThan(100);
  });

  it('find papers on the same topic', async () => {
    const robot = (await search(svc, { q: 'robot manipulation policy', mode: 'meaning', filters: {}, offset: 0, limit: 1 })).hits[0];
    expect(robot).toBeDefined();
    const s = (await similarPapers(svc, robot?.view.paper.id as string, 5)) ?? [];
    expect(s.filter((x) => /robot|manipulat|embodied|grasp|action/.test(textOf(x.view))).length).toBeGreaterThanOrEqual(2);
  });

  it('leave hidden papers out, and answer null for an unknown paper', async () => {
    const p = await t.store.db.selectFrom('papers').select('id').orderBy('id').limit(1).offset(5).executeTakeFirstOrThrow();
    const first = (await similarPapers(svc, p.id, 3))?.[0]?.view.paper.id as string;
    await t.store.db.updateTable('papers').set({ hidden: 1 }).where('id', '=', first).execute();
    try {
      expect((await similarPapers(svc, p.id, 10))?.map((x) => x.view.paper.id)).not.toContain(first);
    } finally {
      await t.store.db.updateTable('papers').set({ hidden: 0 }).where('id', '=', first).execute();
    }
    expect(await similarPapers(svc, '9999.99999', 3)).toBeNull();
  });
});

describe('for you', () => {
  let userId: number;
  let liked: string[];

  beforeAll(async () => {
    const u = await t.store.db
      .insertInto('users')
      .values({ username: 'reader', is_pro: 0, created_at: new Date().toISOString() })
      .returning('id')
      .executeTakeFirstOrThrow();
    userId = u.id;
    // The member likes robotics: the papers meaning search finds for it.
    const r = await search(svc, { q: 'robots learning manipulation and locomotion', mode: 'meaning', filters: {}, offset: 0, limit: 8 });
    liked = r.hits.map((h) => h.view.paper.id);
  });

  const vote = (ids: string[]) =>
    t.store.db
      .insertInto('votes')
      .values(ids.map((paper_id, i) => ({ user_id: userId, paper_id, created_at: new Date(Date.UTC(2026, 5, 1, 0, i)).toISOString() })))
      .execute();

  it(`needs ${FOR_YOU_MIN_UPVOTES} upvotes, and says how many are missing`, async () => {
    expect(await forYou(svc, userId, { offset: 0, limit: 10 })).toEqual({
      status: 'too-few-upvotes',
      upvotes: 0,
      needed: FOR_YOU_MIN_UPVOTES,
    });
    await vote(liked.slice(0, 2));
    expect(await forYou(svc, userId, { offset: 0, limit: 10 })).toMatchObject({ status: 'too-few-upvotes', upvotes: 2 });
  });

  it('ranks papers like the upvoted ones first, never the upvoted ones, and says why', async () => {
    await vote(liked.slice(2));
    const r = await forYou(svc, userId, { offset: 0, limit: 10 });
    if (r.status !== 'ok') throw new Error(r.status);
    expect(r.upvotes).toBe(liked.length);
    expect(r.items.length).toBe(10);
    const ids = r.items.map((i) => i.view.paper.id);
    for (const id of liked) expect(ids).not.toContain(id);
    expect(r.items.slice(0, 5).filter((i) => /robot|manipulat|locomot|embodied|grasp/.test(textOf(i.view))).length).toBeGreaterThanOrEqual(
      3,
    );
    for (let i = 1; i < r.items.length; i++) expect(r.items[i - 1]?.score ?? 0).toBeGreaterThanOrEqual(r.items[i]?.score ?? 0);
    expect(r.items.filter((i) => i.words.length > 0).length).toBeGreaterThanOrEqual(8);
    for (const i of r.items) expect(liked).toContain(i.because?.id);
    // Pages follow on.
    const next = await forYou(svc, userId, { offset: 10, limit: 10 });
    if (next.status !== 'ok') throw new Error(next.status);
    expect(next.items.map((i) => i.view.paper.id).filter((id) => ids.includes(id))).toEqual([]);
  });
});

describe('the logistic regression', () => {
  it('separates two clusters and scores the liked side higher', () => {
    const around = (c: number[], k: number) => Float32Array.from(c.map((x, i) => x + 0.05 * Math.sin(k * (i + 1))));
    const pos = Array.from({ length: 5 }, (_, k) => around([1, 0, 0, 0], k));
    const neg = Array.from({ length: 200 }, (_, k) => around([0, k % 2 ? 1 : -1, k % 3 ? 0.5 : -0.5, 0.2], k));
    const m = trainLogistic(pos, neg);
    const score = (x: number[]) => x.reduce((s, v, i) => s + v * (m.w[i] as number), m.b);
    expect(score([1, 0, 0, 0])).toBeGreaterThan(0);
    expect(score([0, 1, 0.5, 0.2])).toBeLessThan(0);
    expect(score([0.9, 0.1, 0, 0])).toBeGreaterThan(score([0.1, 0.9, 0, 0]));
  });
});
