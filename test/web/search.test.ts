// Search and discovery over HTTP: `GET /api/papers/search` (the Hugging Face shape), `/search` and its
// live results part, similar papers (page section and API), "for you" (page and API), and
// `/papers/trending`. Hostile input gets results or a clear message, never an error page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trendingParams } from '../../src/config.ts';
import { latestListDay } from '../../src/db/queries/papers.ts';
import { recomputeTrending } from '../../src/db/queries/trending.ts';
import { searchService } from '../../src/search/service.ts';
import { isStale } from '../../src/web/routes/pages-trending.ts';
import { mediumDay } from '../../src/web/views/format.ts';
import { renderTrendingPage, STALE_LIST_DAYS } from '../../src/web/views/trending-page.ts';
import { apiToken, getPage, makeMember, signedIn } from '../support/members.ts';
import { dom } from '../support/pages.ts';
import { buildSearchIndex, importSearchSample } from '../support/search.ts';
import { buildTestApp, type TestApp } from '../support/store.ts';

type Piece = { type: string; text: string };
type Item = {
  paper: { id: string; title: string; summary: string; authors: unknown[]; upvotes: number; publishedAt: string };
  title: string;
  summary: string;
  publishedAt: string;
  numComments: number;
  isAuthorParticipating: boolean;
  highlightedTitle: Piece[];
  highlightedSummary: Piece[];
};

let t: TestApp;

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await t.app.inject({ method: 'GET', url, headers });
  return { status: res.statusCode, headers: res.headers, text: res.body, json: () => JSON.parse(res.body) as unknown };
}

beforeAll(async () => {
  t = await buildTestApp();
  await importSearchSample(t);
  await recomputeTrending(t.store.db, trendingParams(t.config), '2026-06-04T00:00:00.000Z');
}, 120_000);

afterAll(async () => {
  await searchService(t.store, t.config).close();
  await t?.cleanup();
});

describe('before the meaning index exists', () => {
  it('searches by keyword and says that meaning search is being prepared', async () => {
    const page = await get('/search?q=language+models');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Meaning search is being prepared');
    const api = await get('/api/papers/search?q=language+models&limit=3');
    expect(api.status).toBe(200);
    expect(api.headers['x-search-mode']).toBe('keyword');
    expect((api.json() as Item[]).length).toBe(3);
  });

  it('answers similar papers with 503 and Retry-After, and the paper page says they are coming', async () => {
    const id = (await t.store.db.selectFrom('papers').select('id').orderBy('id').executeTakeFirstOrThrow()).id;
    const r = await get(`/api/papers/${id}/similar`);
    expect(r.status).toBe(503);
    expect(r.headers['retry-after']).toBe('60');
    expect((r.json() as { error: string }).error).toMatch(/being built/);
    const page = await get(`/papers/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Similar papers appear once the meaning index is built');
  });
});

describe('with the meaning index', () => {
  beforeAll(async () => {
    await buildSearchIndex(t);
  }, 120_000);

  describe('GET /api/papers/search', () => {
    it('returns daily items with highlights that concatenate back to title and summary', async () => {
      const r = await get('/api/papers/search?q=video+generation&limit=15');
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toContain('application/json');
      const items = r.json() as Item[];
      expect(items.length).toBe(15);
      for (const i of items) {
        expect(typeof i.paper.id).toBe('string');
        expect(Array.isArray(i.paper.authors)).toBe(true);
        expect(i.paper.publishedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(i.title).toBe(i.paper.title);
        expect(i.summary).toBe(i.paper.summary);
        expect(typeof i.numComments).toBe('number');
        expect(i.highlightedTitle.map((p) => p.text).join('')).toBe(i.title);
        expect(i.highlightedSummary.map((p) => p.text).join('')).toBe(i.summary);
        for (const p of [...i.highlightedTitle, ...i.highlightedSummary]) expect(['text', 'highlight']).toContain(p.type);
      }
      expect(items.some((i) => i.highlightedTitle.some((p) => p.type === 'highlight' && /^(video|generat)/i.test(p.text)))).toBe(true);
    });

    it('checks limit (1-120) and q, with JSON errors', async () => {
      expect((await get('/api/papers/search?q=model&limit=120')).status).toBe(200);
      for (const url of [
        '/api/papers/search?q=model&limit=121',
        '/api/papers/search?q=model&limit=0',
        '/api/papers/search?q=model&limit=ten',
        '/api/papers/search',
        '/api/papers/search?q=',
        '/api/papers/search?q=-survey',
        '/api/papers/search?q=a&q=b',
        '/api/papers/search?q=model&mode=fuzzy',
        '/api/papers/search?q=model&from=2026-13-01',
        '/api/papers/search?q=model&hasCode=maybe',
      ]) {
        const r = await get(url);
        expect(r.status, url).toBe(400);
        expect(typeof (r.json() as { error: string }).error).toBe('string');
      }
    });

    it('cuts queries longer than 250 characters, and says so in a header', async () => {
      const r = await get(`/api/papers/search?q=${encodeURIComponent(`diffusion ${'x'.repeat(5000)}`)}&limit=3`);
      expect(r.status).toBe(200);
      expect(r.headers['x-query-truncated']).toMatch(/250 characters/);
    });

    it('takes the modes and filters, and pages with Link', async () => {
      for (const mode of ['hybrid', 'keyword', 'meaning']) {
        const r = await get(`/api/papers/search?q=robot&mode=${mode}&hasCode=1&limit=5`);
        expect(r.status).toBe(200);
        for (const i of r.json() as (Item & { paper: { githubRepo?: string } })[]) expect(i.paper.githubRepo).toBeTruthy();
      }
      const first = await get('/api/papers/search?q=learning&limit=5');
      expect(first.headers.link).toMatch(/p=1>; rel="next"/);
      const second = await get('/api/papers/search?q=learning&limit=5&p=1');
      const a = (first.json() as Item[]).map((i) => i.paper.id);
      const b = (second.json() as Item[]).map((i) => i.paper.id);
      expect(a.filter((id) => b.includes(id))).toEqual([]);
    });

    it('never fails on hostile queries', async () => {
      for (const q of [
        '"',
        '"unclosed phrase',
        'AND OR NOT',
        "x' OR 1=1 --",
        '%00',
        '\u0000',
        '*',
        'NEAR(',
        '日本語の論文',
        '😀',
        'a'.repeat(10_000),
      ]) {
        const r = await get(`/api/papers/search?q=${encodeURIComponent(q)}`);
        expect([200, 400], q).toContain(r.status);
        expect(Array.isArray(r.json()) || typeof (r.json() as { error: string }).error === 'string').toBe(true);
      }
      const raw = await t.app.inject({ method: 'GET', url: '/api/papers/search?q=%00%ZZ' });
      expect([200, 400]).toContain(raw.statusCode);
    });
  });

  describe('/search', () => {
    it('renders results with marked words, a no-JS form with every filter, and the search feed', async () => {
      const { status, root, body } = await getPage(t.app, '/search?q=video+generation');
      expect(status).toBe(200);
      const form = root.querySelector('form[data-search-form]');
      expect(form?.getAttribute('method')).toBe('get');
      expect(form?.getAttribute('action')).toBe('/search');
      for (const name of ['q', 'mode', 'from', 'to', 'category', 'organization', 'hasCode', 'onList']) {
        expect(form?.querySelector(`[name="${name}"]`), name).not.toBeNull();
      }
      expect(root.querySelectorAll('form[data-search-form] option').length).toBeGreaterThan(3);
      // One search box: the page's own; the header's is left out here (every other page has it).
      expect(root.querySelectorAll('input[name="q"]').length).toBe(1);
      expect(root.querySelectorAll('[data-search-box]').length).toBe(1);
      expect((await getPage(t.app, '/papers')).root.querySelectorAll('header input[name="q"][data-search-box]').length).toBe(1);
      expect(root.querySelectorAll('[data-paper-item]').length).toBe(20);
      expect(root.querySelectorAll('.paper__title mark').length).toBeGreaterThan(0);
      expect(root.querySelector('link[type="application/rss+xml"]')?.getAttribute('href')).toBe('/feeds/search.rss?q=video%20generation');
      expect(root.querySelector('a[rel="next"]')?.getAttribute('href')).toBe('/search?q=video+generation&p=2');
      expect(body).not.toContain('<script>');
    });

    it('says how many results hold the words, and when they are only close in meaning', async () => {
      const summary = async (q: string) => (await getPage(t.app, `/search?q=${encodeURIComponent(q)}`)).root;
      const found = await summary('video generation');
      expect(found.querySelector('.search-summary')?.text).toMatch(/· [\d,]+( or more)? holds? your words/);
      expect(found.querySelector('.search-summary')?.text).not.toContain('+');
      // A word no paper has: nothing holds all the words, and no result claims to.
      const none = await summary('zqxjvw video generation');
      expect(none.querySelectorAll('[data-paper-item]').length).toBeGreaterThan(0);
      expect(none.querySelector('.search-summary')?.text).toContain(
        'no paper holds all these words: the results are only close in meaning',
      );
      const labels = none.querySelectorAll('.meta__match').map((l) => l.text);
      expect(labels.length).toBeGreaterThan(0);
      expect(new Set(labels)).toEqual(new Set(['Close in meaning']));
    });

    it('keeps the chosen mode and filters, and pages on', async () => {
      const { root } = await getPage(t.app, '/search?q=learning&mode=keyword&hasCode=1&p=2');
      expect(root.querySelector('input[name="mode"][value="keyword"]')?.hasAttribute('checked')).toBe(true);
      expect(root.querySelector('input[name="hasCode"]')?.hasAttribute('checked')).toBe(true);
      expect(root.querySelector('.paper__rank')?.text).toBe('#21');
      expect(root.querySelector('a[rel="prev"]')?.getAttribute('href')).toBe('/search?q=learning&mode=keyword&hasCode=1');
    });

    it('shows how to search when empty, and says what was wrong with odd input', async () => {
      expect((await getPage(t.app, '/search')).body).toContain('How to search');
      for (const url of [
        '/search?q=%22',
        '/search?q=-survey',
        '/search?q=AND+OR+NOT',
        `/search?q=${'x'.repeat(10_000)}`,
        '/search?q=%00',
        '/search?q=a&q=b',
        "/search?q=x'%20OR%201=1",
        '/search?q=model&from=yesterday&category=%3Cscript%3E&p=9999',
        '/search?q=%E2%80%AE%F0%9F%98%80',
      ]) {
        const { status, body } = await getPage(t.app, url);
        expect(status, url).toBe(200);
        expect(body).not.toContain('<script>alert');
        expect(body).not.toContain('Something went wrong');
      }
      const odd = await getPage(t.app, '/search?q=model&from=yesterday&category=%3Cscript%3E');
      expect(odd.body).toContain('&quot;from&quot; must be a day written YYYY-MM-DD. It was left out.');
      expect(odd.body).not.toContain('<script>');
      expect((await getPage(t.app, '/search?q=-survey')).body).toContain('not only what to leave out');
    });

    it('serves the results part alone for searching while typing', async () => {
      const r = await get('/search/results?q=robot&mode=meaning');
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toContain('text/html');
      expect(r.text).not.toContain('<html');
      expect(dom(r.text).querySelectorAll('[data-paper-item]').length).toBeGreaterThan(0);
    });
  });

  describe('similar papers', () => {
    it('are on the paper page with the words that explain them', async () => {
      const id = (
        await t.store.db.selectFrom('papers').select('id').where('ai_summary', 'is not', null).orderBy('id').executeTakeFirstOrThrow()
      ).id;
      const { root } = await getPage(t.app, `/papers/${id}`);
      const items = root.querySelectorAll('.similar__item');
      expect(items.length).toBeGreaterThanOrEqual(5);
      expect(items.length).toBeLessThanOrEqual(8);
      expect(root.querySelectorAll('.similar .reason').length).toBeGreaterThan(0);
      expect(root.querySelectorAll(`.similar a[href="/papers/${id}"]`).length).toBe(0);
    });

    it('are served by GET /api/papers/{id}/similar in the daily item shape', async () => {
      const id = (await t.store.db.selectFrom('papers').select('id').orderBy('id').executeTakeFirstOrThrow()).id;
      const r = await get(`/api/papers/${id}/similar?limit=4`);
      expect(r.status).toBe(200);
      const items = r.json() as (Item & { similarity: number; reasons: string[] })[];
      expect(items).toHaveLength(4);
      for (const i of items) {
        expect(i.paper.id).not.toBe(id);
        expect(i.title).toBe(i.paper.title);
        expect(i.similarity).toBeGreaterThan(0);
        expect(Array.isArray(i.reasons)).toBe(true);
      }
      expect((await get(`/api/papers/${id}v2/similar?limit=4`)).status).toBe(200);
      expect((await get('/api/papers/2401.99999/similar')).status).toBe(404);
      expect((await get('/api/papers/not-an-id/similar')).status).toBe(404);
      expect((await get(`/api/papers/${id}/similar?limit=51`)).status).toBe(400);
    });
  });

  describe('for you', () => {
    it('sends signed-out visitors to sign in, and helps members with too few upvotes', async () => {
      const out = await t.app.inject({ method: 'GET', url: '/for-you' });
      expect(out.statusCode).toBe(303);
      expect(out.headers.location).toBe('/signin?return_to=%2Ffor-you');
      const m = await makeMember(t.store);
      const b = await signedIn(t.store, m.id);
      const { status, body } = await getPage(t.app, '/for-you', b);
      expect(status).toBe(200);
      expect(body).toContain('Upvote 3 more papers to start your feed');
      const token = await apiToken(t.store, m.id);
      const api = await get('/api/for-you', { authorization: `Bearer ${token}` });
      expect(api.status).toBe(409);
      expect((api.json() as { code: string }).code).toBe('too_few_upvotes');
    });

    it('lists papers learnt from upvotes, with reasons, on the page and through the API', async () => {
      const m = await makeMember(t.store);
      const liked = (
        await t.store.db.selectFrom('papers').select('id').where('title', 'like', '%Video%').orderBy('id').limit(5).execute()
      ).map((r) => r.id);
      expect(liked.length).toBe(5);
      await t.store.db
        .insertInto('votes')
        .values(liked.map((paper_id) => ({ user_id: m.id, paper_id, created_at: new Date().toISOString() })))
        .execute();
      const b = await signedIn(t.store, m.id);
      const { root } = await getPage(t.app, '/for-you?all=1', b);
      const links = root.querySelectorAll('[data-paper-link]').map((a) => a.getAttribute('href'));
      expect(links.length).toBe(20);
      for (const id of liked) expect(links).not.toContain(`/papers/${id}`);
      expect(root.querySelectorAll('.reason').length).toBeGreaterThan(10);
      expect(root.querySelector('.segmented [aria-current="page"]')?.text).toBe('All time');
      const token = await apiToken(t.store, m.id);
      const api = await get('/api/for-you?limit=5', { authorization: `Bearer ${token}` });
      expect(api.status).toBe(200);
      const items = api.json() as (Item & { score: number; reasons: string[]; closestUpvoted?: { id: string } })[];
      expect(items).toHaveLength(5);
      for (const i of items) {
        expect(i.score).toBeGreaterThan(0);
        expect(liked).toContain(i.closestUpvoted?.id);
      }
      expect((await get('/api/for-you')).status).toBe(401);
    });
  });
});

describe('/papers/trending', () => {
  it('calls a newest list stale after STALE_LIST_DAYS days', () => {
    const now = new Date('2026-06-20T12:00:00Z');
    expect(isStale('2026-06-20', now)).toBe(false);
    expect(isStale(`2026-06-${20 - STALE_LIST_DAYS}`, now)).toBe(false);
    expect(isStale(`2026-06-${String(20 - STALE_LIST_DAYS - 1).padStart(2, '0')}`, now)).toBe(true);
  });

  it('says nothing about age when the newest list is recent', () => {
    const page = renderTrendingPage({
      rows: [],
      params: trendingParams(t.config),
      pager: { page: 1, pages: 1, href: () => '/papers/trending' },
      firstRank: 1,
      view: 'full',
      path: '/papers/trending',
      total: 0,
    });
    expect(page).not.toContain('The newest daily list here');
  });

  it('lists papers by stored trending score, with the formula and its constants', async () => {
    const { status, root, body } = await getPage(t.app, '/papers/trending');
    expect(status).toBe(200);
    const ids = root.querySelectorAll('[data-paper-link]').map((a) => (a.getAttribute('href') ?? '').replace('/papers/', ''));
    expect(ids.length).toBe(t.config.pageSize);
    const scores = await t.store.db.selectFrom('papers').select(['id', 'trending_score']).where('id', 'in', ids).execute();
    const byId = new Map(scores.map((s) => [s.id, s.trending_score]));
    for (let i = 1; i < ids.length; i++)
      expect(byId.get(ids[i - 1] as string) ?? 0).toBeGreaterThanOrEqual(byId.get(ids[i] as string) ?? 0);
    expect(root.querySelector('.tab[aria-current="page"]')?.text).toBe('Trending');
    expect(body).toContain('ln(1 + GitHub stars)');
    expect(body).toContain('<sup>1.8</sup>');
    expect(root.querySelector('a[href="/about/trending"]')).not.toBeNull();
    // The formula is folded under its summary, so the papers come first.
    const formula = root.querySelector('details.formula');
    expect(formula?.querySelector('summary')?.text).toBe('How papers are ranked here');
    expect(formula?.hasAttribute('open')).toBe(false);
    expect(formula?.text).toContain('ln(1 + GitHub stars)');
    // The fixture days are months old: the page says its ranking is of the newest list's time.
    const newest = await latestListDay(t.store.db);
    expect(isStale(newest as string, new Date())).toBe(true);
    expect(root.querySelector('.notice')?.text).toContain(`The newest daily list here is from ${mediumDay(newest)}`);
    expect((await getPage(t.app, '/papers/trending?p=2')).status).toBe(200);
    expect((await getPage(t.app, '/papers/trending?p=999')).status).toBe(404);
    const about = await getPage(t.app, '/about/trending');
    expect(about.status).toBe(200);
    expect(about.root.querySelector('h1')?.text).toBe('Trending');
    // Written for readers: the formula and its weights, not the SQL or the source files.
    const words = about.root.querySelector('main')?.text ?? '';
    expect(words).toContain('GRAVITY');
    for (const internal of ['UPDATE', 'src/', '.ts', 'docs/', 'For operators']) expect(words, internal).not.toContain(internal);
    // Nor do the settings send a reader to a file of the repository.
    const member = await makeMember(t.store);
    const settings = await getPage(t.app, '/settings', await signedIn(t.store, member.id));
    expect(settings.root.querySelector('main')?.text ?? '').not.toMatch(/docs\/|\.md\b|src\//);
  });
});
