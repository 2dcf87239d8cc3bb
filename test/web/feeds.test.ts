// RSS and Atom feeds: well-formed XML with the elements the specs require, escaped content, stable
// item ids, and conditional requests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseHtml } from 'node-html-parser';
import { SaxesParser } from 'saxes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/actions/import-files.ts';
import type { PaperView } from '../../src/db/queries/papers.ts';
import { recomputeTrending } from '../../src/db/queries/trending.ts';
import { DEFAULT_TRENDING } from '../../src/domain/trending.ts';
import { buildFeed, type FeedFormat } from '../../src/feeds/build.ts';
import { writeDaily } from '../support/pages.ts';
import { buildTestApp, FIXTURES, type TestApp } from '../support/store.ts';

const HOSTILE = `<script>alert("x")</script> ]]> & <b>bold</b> \u0007`;
let t: TestApp;
let org = '';
let author = '';

interface Node {
  name: string;
  attributes: Record<string, string>;
  text: string;
  children: Node[];
}

/** Parses XML strictly (saxes throws on anything not well-formed) into a small tree. */
function parseXml(xml: string): Node {
  const parser = new SaxesParser({ xmlns: false });
  const root: Node = { name: '#root', attributes: {}, text: '', children: [] };
  const stack: Node[] = [root];
  parser.on('opentag', (tag) => {
    const node: Node = { name: tag.name, attributes: tag.attributes as Record<string, string>, text: '', children: [] };
    stack[stack.length - 1]?.children.push(node);
    stack.push(node);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.on('text', (s) => {
    const top = stack[stack.length - 1];
    if (top) top.text += s;
  });
  parser.on('cdata', (s) => {
    const top = stack[stack.length - 1];
    if (top) top.text += s;
  });
  parser.write(xml).close();
  return root.children[0] as Node;
}

const all = (n: Node, name: string): Node[] => n.children.filter((c) => c.name === name);
const one = (n: Node, name: string): Node | undefined => n.children.find((c) => c.name === name);

beforeAll(async () => {
  t = await buildTestApp();
  const day = join(FIXTURES, 'hf-daily', '2026-06-02.json');
  const items = JSON.parse(readFileSync(day, 'utf8')) as {
    paper: { id: string; title: string; summary: string; organization?: { name: string } };
    organization?: { name: string };
  }[];
  const first = structuredClone(items[0]) as (typeof items)[number];
  first.paper.id = '2606.99999';
  first.paper.title = HOSTILE;
  first.paper.summary = `${HOSTILE} summary`;
  await importFiles(t.store.db, [day, join(FIXTURES, 'hf-daily', '2026-06-01.json'), writeDaily(t.dir, '2026-06-03', [first])]);
  await recomputeTrending(t.store.db, DEFAULT_TRENDING, '2026-06-04T00:00:00.000Z');
  org = (
    items.find((i) => i.organization ?? i.paper.organization)?.organization ?? items.find((i) => i.paper.organization)?.paper.organization
  )?.name as string;
  author = (items[1] as unknown as { paper: { authors: { name: string }[] } }).paper.authors[0]?.name as string;
});
afterAll(async () => t.cleanup());

const FEEDS = () => [
  '/feeds/daily',
  '/feeds/weekly',
  '/feeds/monthly',
  '/feeds/trending',
  `/feeds/orgs/${encodeURIComponent(org)}`,
  `/feeds/authors/${encodeURIComponent(author)}`,
];

describe('RSS 2.0', () => {
  it('is well-formed, has the required channel and item elements, unique GUIDs and a self link', async () => {
    for (const path of [...FEEDS(), '/feeds/search?q=diffusion']) {
      const url = path.includes('?') ? path.replace('?', '.rss?') : `${path}.rss`;
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/application\/rss\+xml/);
      const rss = parseXml(res.body);
      expect(rss.name).toBe('rss');
      expect(rss.attributes.version).toBe('2.0');
      const channel = one(rss, 'channel') as Node;
      for (const el of ['title', 'link', 'description']) expect(one(channel, el), `${url} ${el}`).toBeDefined();
      expect(all(channel, 'atom:link').find((l) => l.attributes.rel === 'self')?.attributes.href).toContain(url.split('?')[0]);
      const items = all(channel, 'item');
      expect(items.length, url).toBeGreaterThan(0);
      const guids = items.map((i) => one(i, 'guid')?.text);
      expect(new Set(guids).size).toBe(guids.length);
      for (const i of items) {
        expect(one(i, 'title')?.text).toBeTruthy();
        expect(one(i, 'link')?.text).toMatch(/^http:\/\/localhost:3000\/papers\//);
        expect(Number.isNaN(Date.parse(one(i, 'pubDate')?.text ?? ''))).toBe(false);
      }
    }
  });
});

describe('Atom', () => {
  it('is well-formed with id, title, updated and entries', async () => {
    for (const path of FEEDS()) {
      const res = await t.app.inject({ method: 'GET', url: `${path}.atom` });
      expect(res.statusCode, path).toBe(200);
      expect(res.headers['content-type']).toMatch(/application\/atom\+xml/);
      const feed = parseXml(res.body);
      expect(feed.name).toBe('feed');
      expect(feed.attributes.xmlns).toBe('http://www.w3.org/2005/Atom');
      for (const el of ['id', 'title', 'updated']) expect(one(feed, el), `${path} ${el}`).toBeDefined();
      const entries = all(feed, 'entry');
      expect(entries.length).toBeGreaterThan(0);
      for (const e of entries) for (const el of ['id', 'title', 'updated', 'link']) expect(one(e, el), `${path} entry ${el}`).toBeDefined();
    }
  });
});

describe('escaping', () => {
  it('carries hostile titles as text, never as markup', async () => {
    for (const ext of ['rss', 'atom']) {
      const res = await t.app.inject({ method: 'GET', url: `/feeds/daily.${ext}` });
      const root = parseXml(res.body);
      const items = ext === 'rss' ? all(one(root, 'channel') as Node, 'item') : all(root, 'entry');
      const hostile = items.find((i) => one(i, 'title')?.text.includes('alert'));
      expect(hostile, ext).toBeDefined();
      // The parsed title is the text itself: no <script> element was created anywhere.
      expect(one(hostile as Node, 'title')?.text).toContain('<script>alert("x")</script>');
      expect(JSON.stringify(root)).not.toContain('"name":"script"');
      // The HTML content escapes it too.
      const content = one(hostile as Node, ext === 'rss' ? 'content:encoded' : 'content')?.text ?? '';
      expect(content).toContain('&lt;script&gt;');
      expect(content).not.toContain('<script>');
    }
  });
});

describe('conditional requests', () => {
  it('answers 304 to a matching ETag or an unchanged date, and 200 once the data changed', async () => {
    const url = '/feeds/daily.rss';
    const first = await t.app.inject({ method: 'GET', url });
    const etag = first.headers.etag as string;
    const lastModified = first.headers['last-modified'] as string;
    expect(etag).toMatch(/^"/);
    expect(Date.parse(lastModified)).not.toBeNaN();
    expect((await t.app.inject({ method: 'GET', url, headers: { 'if-none-match': etag } })).statusCode).toBe(304);
    expect((await t.app.inject({ method: 'GET', url, headers: { 'if-none-match': `"other", ${etag}` } })).statusCode).toBe(304);
    expect((await t.app.inject({ method: 'GET', url, headers: { 'if-modified-since': lastModified } })).statusCode).toBe(304);
    expect((await t.app.inject({ method: 'GET', url, headers: { 'if-none-match': '"stale"' } })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url, headers: { 'if-modified-since': 'Thu, 01 Jan 2004 00:00:00 GMT' } })).statusCode).toBe(
      200,
    );
    // A new vote changes the feed's content (the counts), so the old validator no longer matches.
    const id = (await t.store.db.selectFrom('daily_entries').select('paper_id').where('day', '=', '2026-06-03').executeTakeFirstOrThrow())
      .paper_id;
    await t.store.db.updateTable('papers').set({ local_upvotes: 7 }).where('id', '=', id).execute();
    const after = await t.app.inject({ method: 'GET', url, headers: { 'if-none-match': etag } });
    expect(after.statusCode).toBe(200);
    expect(after.headers.etag).not.toBe(etag);
  });

  it('keeps item ids stable when the data changes', async () => {
    const ids = async () =>
      all(one(parseXml((await t.app.inject({ method: 'GET', url: '/feeds/daily.rss' })).body), 'channel') as Node, 'item')
        .map((i) => one(i, 'guid')?.text)
        .sort();
    const before = await ids();
    await t.store.db.updateTable('papers').set({ local_upvotes: 3 }).execute();
    expect(await ids()).toEqual(before);
  });
});

describe('links and errors', () => {
  it('pages link their feeds', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/papers/week/2026-W23' });
    expect(page.body).toContain(
      '<link rel="alternate" type="application/rss+xml" title="Top papers of the week (RSS)" href="/feeds/weekly.rss">',
    );
    expect(page.body).toContain('href="/feeds/weekly.atom"');
    const orgPage = await t.app.inject({ method: 'GET', url: `/orgs/${encodeURIComponent(org)}` });
    expect(orgPage.body).toContain(`href="/feeds/orgs/${encodeURIComponent(org)}.rss"`);
  });

  it.each([
    ['/feeds/nothing.rss', 404],
    ['/feeds/daily.xml', 404],
    ['/feeds/orgs/no-such-org.rss', 404],
    ['/feeds/authors/Nobody%20At%20All.atom', 404],
    ['/feeds/search.rss', 400],
    ['/feeds/search.rss?q=%22%22', 400],
    [`/feeds/search.atom?q=${'x'.repeat(10_000)}`, 200],
  ])('%.60s answers %i', async (url, status) => {
    expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(status);
  });
});

// Text that once broke out of the feed library's CDATA sections or became markup in Atom readers.
const INJECT_LINK = 'x ]]> y ]]></description><link>https://evil.example/phish</link><description><![CDATA[ z';
const HOSTILE_TEXTS = [
  INJECT_LINK,
  'Two ]]> ends ]]> in one title ]]>',
  '<img src=x onerror=alert(1)> and </title><link>https://evil.example/</link>',
  'Controls \u0000\u0007\u001b\u000b\ufffe and a lone \ud800 surrogate',
  'Bidi \u202eevil.example\u202c \u2066isolate\u2069 \u200f',
  'Entity look-alikes: &lt;b&gt;bold&lt;/b&gt; AT&T; &amp; &#60;script&#62; &fake;',
  '"quotes" and \'apostrophes\' ]]]]><![CDATA[>',
];
/** What a reader should show for a plain-text field: the text itself, less what XML cannot carry. */
const asShown = (s: string) =>
  s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])/g, '')
    .replace(/\s+/g, ' ')
    .trim();
const RSS_ITEM = new Set(['title', 'link', 'guid', 'pubDate', 'description', 'content:encoded', 'dc:creator', 'category']);
const ATOM_ENTRY = new Set(['title', 'id', 'link', 'updated', 'published', 'summary', 'content', 'author', 'category']);

function hostileView(n: number, text: string): PaperView {
  return {
    paper: {
      id: `2606.0000${n}`,
      title: text,
      abstract: text,
      categories: JSON.stringify(['cs.LG', text]),
      published_at: '2026-06-01T00:00:00.000Z',
      github_repo: 'javascript:alert(1)',
      github_stars: 3,
      project_page: ' JaVaScRiPt:alert(1)',
    },
    authors: [{ name: text }, { name: 'Ada ]]> Lovelace' }],
    upvotes: 1,
    numComments: 0,
    organization: null,
  } as unknown as PaperView;
}

function hostileFeed(format: FeedFormat): string {
  const items = HOSTILE_TEXTS.map((text, n) => ({ view: hostileView(n, text), key: `k${n}`, date: new Date('2026-06-02T00:00:00Z') }));
  const spec = { path: '/feeds/daily', pagePath: '/papers', title: HOSTILE_TEXTS[1] as string, description: INJECT_LINK, items };
  return buildFeed(spec, format, { baseUrl: 'http://localhost:3000', siteName: 'Folio <b>]]>' }).body;
}

describe('hostile text in every field', () => {
  it.each(['rss', 'atom'] as const)('%s stays well-formed, one link per item, every text round-trips as text', (format) => {
    const root = parseXml(hostileFeed(format)); // throws on anything not well-formed
    const head = format === 'rss' ? (one(root, 'channel') as Node) : root;
    expect(one(head, 'title')?.text).toBe(`${HOSTILE_TEXTS[1]} · Folio <b>]]>`);
    const items = format === 'rss' ? all(head, 'item') : all(head, 'entry');
    expect(items).toHaveLength(HOSTILE_TEXTS.length);
    items.forEach((item, n) => {
      const text = asShown(HOSTILE_TEXTS[n] as string);
      // No element was injected: each item holds only the elements the writer puts there.
      for (const c of item.children) expect(format === 'rss' ? RSS_ITEM : ATOM_ENTRY, c.name).toContain(c.name);
      const links = all(item, 'link');
      expect(links).toHaveLength(1);
      expect(format === 'rss' ? links[0]?.text : links[0]?.attributes.href).toBe(`http://localhost:3000/papers/2606.0000${n}`);
      expect(one(item, 'title')?.text).toBe(text);
      if (format === 'atom') expect(one(item, 'summary')?.text).toBe(text);
      else {
        // RSS readers render <description> as HTML: it must be HTML whose only content is the text.
        const desc = parseHtml(one(item, 'description')?.text ?? '');
        expect(desc.querySelectorAll('*'), text).toHaveLength(0);
        expect(desc.text).toBe(text);
      }
      const authors = format === 'rss' ? all(item, 'dc:creator').map((a) => a.text) : all(item, 'author').map((a) => one(a, 'name')?.text);
      expect(authors).toHaveLength(2);
      expect(asShown(authors[0] ?? '')).toBe(text);
      expect(authors[1]).toBe('Ada ]]> Lovelace');
      const categories = all(item, 'category').map((c) => (format === 'rss' ? c.text : c.attributes.term));
      expect(categories[0]).toBe('cs.LG');
      // The HTML content, once read as XML, is HTML whose text is the hostile text: no <img>, no link
      // to anywhere but the paper's own pages, and no javascript: URL.
      const content = parseHtml(one(item, format === 'rss' ? 'content:encoded' : 'content')?.text ?? '');
      expect(content.querySelectorAll('img, script, link')).toHaveLength(0);
      const hrefs = content.querySelectorAll('a').map((a) => a.getAttribute('href'));
      expect(hrefs).toEqual([
        `http://localhost:3000/papers/2606.0000${n}`,
        `https://arxiv.org/abs/2606.0000${n}`,
        `https://arxiv.org/pdf/2606.0000${n}`,
      ]);
      expect(content.querySelectorAll('p')[1]?.text).toContain(text.split(' ')[0]);
    });
  });

  it('declares Atom titles and summaries plain text and the content HTML', () => {
    const feed = parseXml(hostileFeed('atom'));
    expect(one(feed, 'title')?.attributes.type).toBe('text');
    expect(one(feed, 'subtitle')?.attributes.type).toBe('text');
    for (const e of all(feed, 'entry')) {
      expect(one(e, 'title')?.attributes.type).toBe('text');
      expect(one(e, 'summary')?.attributes.type).toBe('text');
      expect(one(e, 'content')?.attributes.type).toBe('html');
    }
    // The plain-text title, never read as markup: the <img> is in the text, and nowhere an element.
    expect(JSON.stringify(feed)).not.toContain('"name":"img"');
  });
});
