// Search over a real corpus (three days of Daily Papers and a day of arXiv listings): the three modes,
// filters, the query language, hostile input, highlights, paging, the keyword-only fallback while no
// index exists, incremental updates and rebuilds. Runs on SQLite, or PostgreSQL with FOLIO_TEST_PG_URL.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentIndex, indexRows } from '../../src/db/queries/search-indexes.ts';
import { storeBatch } from '../../src/db/queries/store-papers.ts';
import { type BuildContext, rebuildSearchIndex, updateSearchIndex } from '../../src/search/index-build.ts';
import { type SearchRequest, type SearchResponse, search } from '../../src/search/search.ts';
import { type SearchService, searchService } from '../../src/search/service.ts';
import { vectorFiles } from '../../src/search/vectors/usearch-index.ts';
import { buildContext, buildSearchIndex, importSearchSample } from '../support/search.ts';
import { buildStore, type TestStore } from '../support/store.ts';

let t: TestStore;
let svc: SearchService;
let ctx: BuildContext;

const run = (q: unknown, o: Partial<SearchRequest> = {}): Promise<SearchResponse> =>
  search(svc, { q, mode: 'hybrid', filters: {}, offset: 0, limit: 20, ...o });

const ids = (r: SearchResponse) => r.hits.map((h) => h.view.paper.id);
const joined = (pieces: { text: string }[]) => pieces.map((p) => p.text).join('');

/** A paper of the sample with an AI summary and keywords (found in the data, not named here). */
async function paperWithSummary() {
  return t.store.db
    .selectFrom('papers')
    .select(['id', 'title', 'abstract', 'ai_summary', 'ai_keywords'])
    .where('ai_summary', 'is not', null)
    .orderBy('id')
    .executeTakeFirstOrThrow();
}

beforeAll(async () => {
  t = await buildStore();
  await importSearchSample(t);
  svc = searchService(t.store, t.config);
  ctx = buildContext(t);
}, 120_000);

afterAll(async () => {
  await svc?.close();
  await t?.cleanup();
});

describe('before the index is built', () => {
  it('falls back to keyword search and says so', async () => {
    const r = await run('language models');
    expect(r.used).toBe('keyword');
    expect(r.notes.map((n) => n.code)).toContain('keyword-only');
    expect(r.hits.length).toBeGreaterThan(0);
    const m = await run('language models', { mode: 'meaning' });
    expect(m.used).toBe('keyword');
    expect(m.hits.length).toBeGreaterThan(0);
  });
});

describe('with the index', () => {
  beforeAll(async () => {
    const report = await buildSearchIndex(t);
    expect(report.papers).toBeGreaterThan(300);
  }, 120_000);

  it('puts a paper first when its exact title is searched, in every mode', async () => {
    const p = await paperWithSummary();
    for (const mode of ['hybrid', 'keyword', 'meaning'] as const) {
      const r = await run(p.title, { mode });
      expect(r.used).toBe(mode);
      expect(ids(r).slice(0, mode === 'meaning' ? 3 : 1)).toContain(p.id);
    }
  });

  it('finds a paper from a paraphrase of it (its AI summary) by meaning', async () => {
    const rows = await t.store.db
      .selectFrom('papers')
      .select(['id', 'ai_summary'])
      .where('ai_summary', 'is not', null)
      .orderBy('id')
      .limit(20)
      .execute();
    let found = 0;
    for (const r of rows) if (ids(await run(r.ai_summary, { mode: 'meaning', limit: 10 })).includes(r.id)) found++;
    // The summaries share few exact words with the abstracts; meaning search still finds most.
    expect(found / rows.length).toBeGreaterThanOrEqual(0.6);
  });

  it('fuses both rankers in hybrid mode and tells where each result came from', async () => {
    const r = await run('video generation with diffusion models');
    expect(r.used).toBe('hybrid');
    expect(r.hits.some((h) => h.keywordRank !== undefined && h.meaningRank !== undefined)).toBe(true);
    for (let i = 1; i < r.hits.length; i++) expect((r.hits[i - 1]?.score ?? 0) >= (r.hits[i]?.score ?? 0)).toBe(true);
  });

  it('understands phrases, prefixes and excluded words', async () => {
    const phrase = await run('"reinforcement learning"', { mode: 'keyword', limit: 50 });
    expect(phrase.hits.length).toBeGreaterThan(0);
    for (const h of phrase.hits) expect(`${h.view.paper.title} ${h.view.paper.abstract}`.toLowerCase()).toMatch(/reinforcement[\s-]+learn/);
    const prefix = await run('tokeni*', { mode: 'keyword', limit: 50 });
    for (const h of prefix.hits) expect(`${h.view.paper.title} ${h.view.paper.abstract}`.toLowerCase()).toContain('tokeni');
    for (const mode of ['hybrid', 'keyword', 'meaning'] as const) {
      const r = await run('language models -reasoning', { mode, limit: 50 });
      expect(r.hits.length).toBeGreaterThan(0);
      for (const h of r.hits) expect(`${h.view.paper.title} ${h.view.paper.abstract}`.toLowerCase()).not.toMatch(/\breason/);
    }
  });

  it('marks matched words in pieces that concatenate back to the title and the abstract', async () => {
    for (const mode of ['hybrid', 'keyword', 'meaning'] as const) {
      const r = await run('Learning "world models" agent*', { mode, limit: 30 });
      for (const h of r.hits) {
        expect(joined(h.highlightedTitle)).toBe(h.view.paper.title);
        expect(joined(h.highlightedSummary)).toBe(h.view.paper.abstract);
        for (const p of [...h.highlightedTitle, ...h.highlightedSummary]) expect(['text', 'highlight']).toContain(p.type);
      }
      const marked = r.hits.flatMap((h) =>
        [...h.highlightedTitle, ...h.highlightedSummary].filter((p) => p.type === 'highlight').map((p) => p.text.toLowerCase()),
      );
      expect(marked.some((w) => /^(learn|world|model|agent)/.test(w))).toBe(true);
    }
  });

  it('applies every filter in every mode', async () => {
    const db = t.store.db;
    const org = await db
      .selectFrom('papers as p')
      .innerJoin('organizations as o', 'o.id', 'p.organization_id')
      .select(['o.name', 'o.id'])
      .groupBy(['o.name', 'o.id'])
      .orderBy((eb) => eb.fn.countAll(), 'desc')
      .executeTakeFirstOrThrow();
    const checks: [Parameters<typeof run>[1] & object, (id: string) => Promise<boolean>][] = [
      [
        { filters: { category: 'cs.CV' } },
        async (id) =>
          ((await db.selectFrom('papers').select('categories').where('id', '=', id).executeTakeFirstOrThrow()).categories ?? '').includes(
            '"cs.CV"',
          ),
      ],
      [
        { filters: { hasCode: true } },
        async (id) =>
          (await db.selectFrom('papers').select('github_repo').where('id', '=', id).executeTakeFirstOrThrow()).github_repo !== null,
      ],
      [
        { filters: { onList: true } },
        async (id) => !!(await db.selectFrom('daily_entries').select('id').where('paper_id', '=', id).executeTakeFirst()),
      ],
      [
        { filters: { organization: org.name } },
        async (id) =>
          (await db.selectFrom('papers').select('organization_id').where('id', '=', id).executeTakeFirstOrThrow()).organization_id ===
          org.id,
      ],
      [
        { filters: { from: '2026-05-28', to: '2026-05-29' } },
        async (id) => {
          const at =
            (await db.selectFrom('papers').select('published_at').where('id', '=', id).executeTakeFirstOrThrow()).published_at ?? '';
          return at >= '2026-05-28' && at < '2026-05-30';
        },
      ],
    ];
    for (const mode of ['hybrid', 'keyword', 'meaning'] as const) {
      for (const [o, ok] of checks) {
        const r = await run('model learning', { ...o, mode, limit: 40 });
        expect(r.hits.length, `${mode} ${JSON.stringify(o.filters)}`).toBeGreaterThan(0);
        for (const id of ids(r)) expect(await ok(id), `${mode} ${JSON.stringify(o.filters)}: ${id}`).toBe(true);
      }
    }
    // Filters that nothing passes give no results, not an error.
    expect((await run('model', { filters: { organization: 'no-such-org' } })).hits).toEqual([]);
  });

  it('answers hostile input with results or a clear message, never an error', async () => {
    const inputs: unknown[] = [
      '"',
      '"""',
      'AND OR NOT',
      'NEAR(a b)',
      '*',
      '-',
      '--',
      '-"',
      'a*b*c',
      '(((',
      "'; drop table papers; --",
      "1' OR '1'='1",
      'title: transformers',
      '^model',
      '\u0000\u0001',
      'モデル 学習 大規模言語モデル',
      'Übersetzung café naïve',
      '🙂 emoji 🚀',
      'x'.repeat(10_000),
      'learning '.repeat(2000),
      `${'"a '.repeat(100)}`,
      '\\',
      '%00',
      undefined,
      42,
      ['a', 'b'],
    ];
    for (const q of inputs) {
      for (const mode of ['hybrid', 'keyword', 'meaning'] as const) {
        const r = await run(q, { mode });
        if (r.problem) expect(r.hits).toEqual([]);
        for (const h of r.hits) expect(joined(h.highlightedTitle)).toBe(h.view.paper.title);
      }
    }
    expect((await run('')).problem).toMatch(/Type a word/);
    expect((await run('-survey')).problem).toMatch(/not only what to leave out/);
    const long = await run(`language ${'x'.repeat(400)}`);
    expect(long.notes.map((n) => n.code)).toContain('truncated');
  });

  it('relaxes to any word when no paper holds them all, and says so', async () => {
    const r = await run('transformer zzzqqqxxnotaword', { mode: 'keyword' });
    expect(r.hits.length).toBeGreaterThan(0);
    expect(r.notes.map((n) => n.code)).toContain('relaxed');
  });

  it('pages without overlap', async () => {
    const all = await run('learning', { limit: 40 });
    const p1 = await run('learning', { limit: 20 });
    const p2 = await run('learning', { limit: 20, offset: 20 });
    expect([...ids(p1), ...ids(p2)]).toEqual(ids(all));
    expect(new Set([...ids(p1), ...ids(p2)]).size).toBe(40);
    const kw = await run('learning', { mode: 'keyword', limit: 20, offset: 20 });
    expect(kw.total).toBeGreaterThan(40); // keyword paging looks one result ahead
  });

  it('leaves hidden papers out of every mode', async () => {
    const target = ids(await run('language models', { limit: 1 }))[0] as string;
    await t.store.db.updateTable('papers').set({ hidden: 1 }).where('id', '=', target).execute();
    try {
      for (const mode of ['hybrid', 'keyword', 'meaning'] as const)
        expect(ids(await run('language models', { mode, limit: 100 }))).not.toContain(target);
    } finally {
      await t.store.db.updateTable('papers').set({ hidden: 0 }).where('id', '=', target).execute();
    }
  });

  it('adds new papers incrementally, with the current model, and serves them at once', async () => {
    const before = await currentIndex(t.store.db);
    const now = new Date().toISOString();
    await storeBatch(t.store.db, {
      papers: [
        {
          id: '2606.99999',
          title: 'Teaching quadruped robots to climb stairs from egocentric video',
          abstract:
            'We train legged robot locomotion policies for stair climbing from egocentric human video, with reinforcement learning in simulation and transfer to a real quadruped.',
          authors: [{ name: 'Ada Tester' }],
          categories: ['cs.RO'],
          publishedAt: '2026-06-05T00:00:00.000Z',
          stamp: now,
        },
      ],
      entries: [],
    });
    const title = 'Teaching quadruped robots to climb stairs from egocentric video';
    expect(ids(await run(title, { mode: 'meaning', limit: 50 }))).not.toContain('2606.99999');
    const r = await updateSearchIndex(ctx);
    expect(r.added).toBe(1);
    const after = await currentIndex(t.store.db);
    expect(after?.id).toBe(before?.id);
    expect(after?.revision).toBe((before?.revision ?? 0) + 1);
    expect(after?.papers).toBe((before?.papers ?? 0) + 1);
    expect(ids(await run(title, { mode: 'meaning', limit: 3 }))).toContain('2606.99999');
    expect((await updateSearchIndex(ctx)).added).toBe(0);
  });

  it('rebuilds under a new version, switches at once, and removes the old one', async () => {
    const old = await currentIndex(t.store.db);
    const r = await rebuildSearchIndex(ctx);
    expect(r?.indexId).toBeGreaterThan(old?.id ?? 0);
    const cur = await currentIndex(t.store.db);
    expect(cur?.id).toBe(r?.indexId);
    expect((await indexRows(t.store.db)).map((x) => x.id)).toEqual([cur?.id]);
    if (t.store.dialect === 'sqlite') expect(existsSync(vectorFiles(t.dir, old?.id ?? 0).graph)).toBe(false);
    const m = await run('Teaching quadruped robots to climb stairs from egocentric video', { mode: 'meaning', limit: 3 });
    expect(ids(m)).toContain('2606.99999');
    expect((await svc.current())?.id).toBe(cur?.id);
  });
});
