// The hostile corpus (test/support/hostile.ts) through every surface that takes outside text: a Daily
// Papers import, harvested arXiv XML, forms, the JSON API, search, feeds, mail and error pages. Whatever
// comes in is stored or refused with a reason; whatever goes out is inert (no script, no foreign link,
// nothing drawn over the page), feeds stay well-formed with one link per item, and nothing answers 500.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeDigests } from '../../src/actions/compose-digests.ts';
import { harvestArxiv } from '../../src/actions/harvest-arxiv.ts';
import { importFiles } from '../../src/actions/import-files.ts';
import { type DigestPeriod, digestPeriod } from '../../src/domain/digest.ts';
import { type ArxivStandin, startArxivStandin } from '../support/arxiv-standin/server.ts';
import { addSubscribers } from '../support/digest.ts';
import { assertInert, fitting, HOSTILE, label, parseXml, SCRIPT_PAYLOADS, URL_PAYLOADS, XML_PAYLOADS } from '../support/hostile.ts';
import { anonymousForm, type Browser, getPage, makeMember, postForm, signedIn } from '../support/members.ts';
import { dom } from '../support/pages.ts';
import { buildTestApp, type TestApp } from '../support/store.ts';

const today = new Date().toISOString().slice(0, 10);
const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const hfId = (i: number) => `2606.6${String(i).padStart(4, '0')}`;
const oaiId = (i: number) => `2606.7${String(i).padStart(4, '0')}`;
/** Titles keep a plain prefix so every paper is findable; the rest is the payload. */
const titled = (i: number, p: string) => `Hostile ${i} ${p}`;

/** A URL-safe form of a payload: a lone surrogate cannot travel in a URL (browsers send U+FFFD). */
const q = (p: string) => encodeURIComponent(p.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'));

/**
 * One Daily Papers record per payload, the payload (cut to the field's limit) in every text field and
 * a hostile URL in every free URL field; then one record per hostile repository URL, which the
 * importer must keep without that link.
 */
function hostileDay(): unknown[] {
  const records = HOSTILE.map((full, i) => {
    const url = URL_PAYLOADS[i % URL_PAYLOADS.length] as string;
    const p = full.slice(0, 400);
    return {
      paper: {
        id: hfId(i),
        authors: [
          {
            _id: `a${i}`,
            name: p,
            hidden: false,
            user: { user: `hostile${i}`, fullname: p, avatarUrl: url, type: 'user' },
            status: 'claimed_verified',
          },
        ],
        publishedAt: `${yesterday}T00:00:00.000Z`,
        submittedOnDailyAt: `${yesterday}T00:00:00.000Z`,
        title: titled(i, p),
        summary: full.slice(0, 4000),
        upvotes: i,
        githubRepo: 'https://github.com/hostile/repo',
        projectPage: url,
        ai_summary: p,
        ai_keywords: [p],
        organization: { _id: `o${i}`, name: `org${i}`, fullname: p, avatar: url },
        submittedOnDailyBy: { _id: `s${i}`, user: `submitter${i}`, fullname: p, avatarUrl: url, type: 'user' },
      },
      publishedAt: `${yesterday}T00:00:00.000Z`,
      title: titled(i, p),
      summary: p,
      thumbnail: url,
      numComments: 0,
      submittedBy: { _id: `s${i}`, user: `submitter${i}`, fullname: p, avatarUrl: url, type: 'user' },
    };
  });
  const badRepos = URL_PAYLOADS.map((url, j) => ({
    paper: {
      id: `2606.69${String(j).padStart(3, '0')}`,
      authors: [{ name: 'Ada' }],
      title: `Bad repository ${j}`,
      summary: 'x',
      githubRepo: url,
    },
    title: `Bad repository ${j}`,
    publishedAt: `${yesterday}T00:00:00.000Z`,
  }));
  return [...records, ...badRepos];
}

let t: TestApp;
let arxiv: ArxivStandin;
let member: Browser;
let imported: Awaited<ReturnType<typeof importFiles>>;

beforeAll(async () => {
  arxiv = await startArxivStandin({
    corpus: HOSTILE.map((p, i) => ({
      id: oaiId(i),
      title: titled(i, p),
      abstract: p,
      authors: [p, 'Ada Lovelace'],
      categories: ['cs.LG'],
      comment: p,
      datestamp: yesterday,
      created: yesterday,
      source: 'daily-arxiv-jsonl' as const,
    })),
  });
  t = await buildTestApp({ arxivApiUrl: arxiv.apiUrl, rateLimitScale: '1000' });
  const file = join(t.dir, `${yesterday}.json`);
  writeFileSync(file, JSON.stringify(hostileDay()));
  imported = await importFiles(t.store.db, [file]);
  await harvestArxiv(t.store.db, { endpoint: arxiv.oaiUrl, set: 'cs', from: yesterday, until: today, metadataPrefix: 'arXiv', delayMs: 0 });
  const m = await makeMember(t.store, { username: 'reader' });
  member = await signedIn(t.store, m.id);
}, 120_000);
afterAll(async () => {
  await t?.cleanup();
  await arxiv?.close();
});

/** GETs a page; it must not fail on the server and must be inert. */
async function inertPage(url: string, who?: Browser): Promise<ReturnType<typeof getPage>> {
  const page = await getPage(t.app, url, who);
  expect(page.status, `${url}: ${page.body.slice(0, 200)}`).toBeLessThan(500);
  if (String(page.res.headers['content-type']).startsWith('text/html')) assertInert(page.root, url);
  return page;
}

describe('imports and harvests', () => {
  it('stores or refuses every hostile Daily Papers record, never crashing, and keeps no dangerous URL', async () => {
    expect(imported.rejected).toEqual([]);
    // A record whose links are not safe http(s) URLs is kept without those links: the paper is real,
    // only the link is refused.
    expect(imported.skipped).toEqual([]);
    expect(imported.counts.newPapers).toBe(HOSTILE.length + URL_PAYLOADS.length);
    const badRepos = await t.store.db.selectFrom('papers').select(['id', 'github_repo']).where('id', 'like', '2606.69%').execute();
    expect(badRepos).toHaveLength(URL_PAYLOADS.length);
    for (const p of badRepos) expect(p.github_repo, p.id).toBeNull();
    const papers = await t.store.db.selectFrom('papers').select(['id', 'github_repo', 'project_page']).execute();
    expect(papers.length).toBeGreaterThanOrEqual(HOSTILE.length);
    for (const p of papers) {
      for (const u of [p.github_repo, p.project_page]) if (u !== null) expect(u, p.id).toMatch(/^https?:\/\/(?!evil\.example)[^\s@]+$/);
    }
  });

  it('stores every harvested record with hostile metadata as text', async () => {
    const harvested = await t.store.db.selectFrom('papers').select('id').where('id', 'like', '2606.7%').execute();
    expect(harvested).toHaveLength(HOSTILE.length);
  });
});

describe('pages and API show hostile records inertly', () => {
  it('lists, paper pages, author and submitter pages, signed out and in', async () => {
    for (const who of [undefined, member]) {
      await inertPage('/papers', who);
      await inertPage(`/papers/date/${yesterday}`, who);
      await inertPage('/papers/week', who);
      await inertPage('/papers/trending', who);
    }
    for (let i = 0; i < HOSTILE.length; i++) {
      for (const id of [hfId(i), oaiId(i)]) {
        const page = await inertPage(`/papers/${id}`);
        expect(page.status, id).toBe(200);
        for (const a of page.root.querySelectorAll('a[href^="/authors/"]')) await inertPage(a.getAttribute('href') as string);
      }
      await inertPage(`/submitters/submitter${i}`);
      await inertPage(`/huggingface/submitter${i}`);
    }
  });

  it('the JSON API answers JSON for every record and every hostile parameter', async () => {
    const list = await t.app.inject({ url: `/api/daily_papers?date=${yesterday}&limit=100` });
    expect(list.statusCode).toBe(200);
    expect(Array.isArray(list.json())).toBe(true);
    for (const p of fitting(2000)) {
      const e = q(p);
      for (const url of [
        `/api/papers/search?q=${e}`,
        `/api/daily_papers?date=${e}`,
        `/api/daily_papers?sort=${e}`,
        `/api/daily_papers?p=${e}&limit=${e}`,
        `/api/papers/${e}`,
        `/api/papers/${e}/comments`,
        `/api/papers?ids=${e}`,
      ]) {
        const res = await t.app.inject({ url });
        expect(res.statusCode, `${url.slice(0, 80)}`).toBeLessThan(500);
        expect(String(res.headers['content-type']), url.slice(0, 80)).toMatch(/json/);
        expect(() => res.json(), url.slice(0, 80)).not.toThrow();
      }
    }
  });
});

describe('search', () => {
  it('takes every payload as a query on the page and in the API, and echoes it as text', async () => {
    for (const p of fitting(500)) {
      const page = await inertPage(`/search?q=${q(p)}`);
      expect(page.status, label(p)).toBe(200);
      await inertPage(`/search/results?q=${q(p)}`);
    }
    const page = await getPage(t.app, `/search?q=${encodeURIComponent(SCRIPT_PAYLOADS[0])}`);
    expect(page.body).not.toContain(SCRIPT_PAYLOADS[0]);
  });
});

describe('feeds', () => {
  const feeds = () => [
    '/feeds/daily.rss',
    '/feeds/daily.atom',
    '/feeds/weekly.rss',
    '/feeds/weekly.atom',
    '/feeds/trending.atom',
    ...fitting(300).map((p) => `/feeds/search.rss?q=${q(p)}`),
    ...fitting(300).map((p) => `/feeds/search.atom?q=${q(p)}`),
  ];

  it('are well-formed XML with exactly one link per item, whatever the titles, abstracts and names hold', async () => {
    let items = 0;
    for (const url of feeds()) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url.slice(0, 80)).toBeLessThan(500);
      if (res.statusCode !== 200) continue;
      const els = parseXml(res.body);
      const entries = els.filter((e) => e.name === 'item' || e.name === 'entry');
      items += entries.length;
      for (const link of els.filter((x) => x.name === 'link')) {
        // Every link leads to this site (a search feed's page carries the query, percent-encoded).
        const target = link.attributes.href ?? link.text.trim();
        expect(new URL(target).origin, url.slice(0, 80)).toBe(new URL(t.config.baseUrl).origin);
      }
      // Atom says what its text is: plain text is type="text", never markup.
      for (const title of els.filter((x) => x.name === 'title' && x.attributes.type !== undefined)) {
        expect(title.attributes.type, url.slice(0, 80)).toBe('text');
      }
      // Markup inside content is escaped HTML: once unescaped it must still be inert.
      for (const c of els.filter((x) => x.name === 'content' || x.name === 'description' || x.name === 'content:encoded')) {
        assertInert(dom(c.text), `${url.slice(0, 60)} ${c.name}`);
      }
    }
    expect(items).toBeGreaterThan(HOSTILE.length);
  });

  it('carry each hostile paper once per feed, with its own link only', async () => {
    const res = await t.app.inject({ url: '/feeds/daily.rss' });
    const els = parseXml(res.body);
    const itemCount = els.filter((e) => e.name === 'item').length;
    const itemLinks = els.filter((e) => e.name === 'link' && e.path.at(-2) === 'item');
    expect(itemLinks).toHaveLength(itemCount);
    for (const p of XML_PAYLOADS) {
      const i = HOSTILE.indexOf(p);
      expect(
        els.filter((e) => e.name === 'link' && e.text.includes(`/papers/${hfId(i)}`)),
        label(p),
      ).toHaveLength(1);
    }
  });
});

describe('mail', () => {
  it('digests of hostile papers are inert HTML and plain text without control characters', async () => {
    await addSubscribers(t.store, [{ email: 'reader@example.org' }]);
    const r = await composeDigests({ db: t.store.db, config: t.config, period: digestPeriod('daily', yesterday) as DigestPeriod });
    expect(r.queued).toBe(1);
    const mails = await t.store.db
      .selectFrom('outbox')
      .select(['html_body as html', 'text_body as text', 'subject'])
      .where('kind', '=', 'digest')
      .execute();
    expect(mails).toHaveLength(1);
    for (const m of mails) {
      assertInert(dom(m.html), 'digest html');
      expect(m.subject).not.toMatch(/[\r\n\u0000-\u001f]/);
      expect(m.text).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u202e]/);
    }
  });
});

describe('error pages', () => {
  it('echo hostile addresses as text, never as links', async () => {
    for (const p of [...fitting(300), 'Visit https://evil.example/phish now']) {
      for (const url of [`/authors/${q(p)}`, `/papers/${q(p)}`, `/orgs/${q(p)}`]) {
        const page = await getPage(t.app, url);
        expect(page.status, url.slice(0, 80)).toBeLessThan(500);
        assertInert(page.root, url.slice(0, 80), { foreignLinks: 'none' });
      }
    }
  });
});

describe('forms', () => {
  it('take every payload in comments, profile, sign-up, subscribe and search without a 500, showing it inertly', async () => {
    const id = hfId(0);
    for (const p of fitting(5000)) {
      const c = await postForm(t.app, `/papers/${id}/comments`, { body: `note ${p}` }, member);
      expect(c.statusCode, label(p)).toBeLessThan(500);
      const profile = await postForm(t.app, '/settings/profile', { fullname: p }, member);
      expect(profile.statusCode, label(p)).toBeLessThan(500);
      await inertPage('/settings', member);
    }
    await inertPage(`/papers/${id}`);
    await inertPage(`/papers/${id}`, member);
    for (const p of fitting(300)) {
      const signup = await anonymousForm(t.app, '/signup');
      const s = await postForm(t.app, '/signup', { username: p, email: `${p}@example.org`, password: p, fullname: p }, signup);
      expect(s.statusCode, label(p)).toBeLessThan(500);
      if (s.headers['content-type']?.toString().startsWith('text/html')) assertInert(dom(s.body), `signup ${label(p)}`);
      const sub = await anonymousForm(t.app, '/subscribe');
      const r = await postForm(t.app, '/subscribe', { email: p, frequency: 'daily', queries: p }, sub);
      expect(r.statusCode, label(p)).toBeLessThan(500);
      if (r.headers['content-type']?.toString().startsWith('text/html')) assertInert(dom(r.body), `subscribe ${label(p)}`);
      const signin = await anonymousForm(t.app, '/signin');
      const si = await postForm(t.app, `/signin?return_to=${q(p)}`, { login: p, password: p }, signin);
      expect(si.statusCode, label(p)).toBeLessThan(500);
    }
  });
});
