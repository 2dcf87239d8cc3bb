// The HTML pages, through app.inject: every page route, its key content computed from the imported
// files, escaping of hostile names, paging, previous/next links that skip empty days, and the 301, 400
// and 404 answers.
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/actions/import-files.ts';
import { buildApp } from '../../src/web/server.ts';
import { type DailyItem, dom, href, listedIds, readDaily, text, voteCounts, writeDaily } from '../support/pages.ts';
import { buildStore, FIXTURES, type TestStore } from '../support/store.ts';

const DAYS = ['2026-06-01', '2026-06-02', '2026-06-04', '2026-06-08'] as const;
const FILE = (day: string) => join(FIXTURES, 'hf-daily', `${day}.json`);
/** Small pages, so that one real day already spans several. */
const PAGE_SIZE = 20;
const CRAFTED_DAY = '2026-05-20';
const EVIL = '<script>alert("x")</script>';
const EVIL_ESCAPED = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;';

const crafted = [
  {
    paper: {
      id: '2605.00001',
      title: `${EVIL} Evil & "quoted" title`,
      summary: 'We show that $x^2 + y^2 = z^2$ holds. It costs $5 and $10 to run. <img src=x onerror=alert(1)>',
      authors: [
        { name: `${EVIL} Mallory` },
        { name: 'Team A/B' },
        {
          name: 'Claire Claimed',
          user: { _id: 'u1', user: 'claire', name: 'claire', fullname: 'Claire C', avatarUrl: 'https://example.org/c.png' },
          status: 'claimed_verified',
        },
      ],
      publishedAt: '2026-05-18T00:00:00.000Z',
      submittedOnDailyAt: `${CRAFTED_DAY}T08:00:00.000Z`,
      submittedOnDailyBy: { _id: 'u2', user: 'mallory', name: 'mallory', fullname: EVIL },
      upvotes: 3,
      githubRepo: 'https://github.com/example/evil',
      githubStars: 1234,
      projectPage: 'javascript:alert(1)',
      ai_summary: `Summary ${EVIL}`,
      ai_keywords: [`kw ${EVIL}`],
      organization: { _id: 'o1', name: 'evil-org', fullname: `${EVIL} Org` },
    },
    title: `${EVIL} Evil & "quoted" title`,
    thumbnail: 'javascript:alert(1)',
    numComments: 2,
  },
  {
    paper: {
      id: 'hep-th/9901001',
      title: 'An old paper whose id holds a slash',
      summary: 'Strings, in 1999.',
      authors: [{ name: 'Old Author' }],
      publishedAt: '1999-01-01T00:00:00.000Z',
      submittedOnDailyAt: `${CRAFTED_DAY}T09:00:00.000Z`,
      submittedOnDailyBy: { _id: 'u3', user: 'oldtimer', name: 'oldtimer' },
      upvotes: 1,
    },
  },
];

let t: TestStore;
let app: FastifyInstance;
const files: Record<string, DailyItem[]> = {};

async function get(url: string) {
  const res = await app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.body, headers: res.headers, root: dom(res.body) };
}

/** Every page of a paged list, followed through its rel="next" links. */
async function allPages(url: string): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let next: string | undefined = url;
  let pages = 0;
  while (next) {
    const page = await get(next);
    expect(page.status).toBe(200);
    ids.push(...listedIds(page.root));
    next = href(page.root, '.pager a[rel=next]');
    pages++;
    expect(pages).toBeLessThan(20);
  }
  return { ids, pages };
}

const idsOf = (days: readonly string[]) => [...new Set(days.flatMap((d) => (files[d] ?? []).map((i) => i.paper.id)))].sort();

beforeAll(async () => {
  t = await buildStore({ pageSize: String(PAGE_SIZE) });
  for (const d of DAYS) files[d] = readDaily(FILE(d));
  const craftedPath = writeDaily(t.dir, CRAFTED_DAY, crafted);
  const report = await importFiles(t.store.db, [...DAYS.map(FILE), craftedPath]);
  expect(report.rejected).toEqual([]);
  app = await buildApp(t.config, t.store, { logger: false });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await t?.cleanup();
});

describe('the layout', () => {
  it('has the head, tabs, search, footer and skip link, and no inline script or style', async () => {
    const { status, body, root } = await get('/papers');
    expect(status).toBe(200);
    expect(root.querySelector('meta[name=viewport]')).toBeTruthy();
    expect(root.querySelector('meta[name=color-scheme]')?.getAttribute('content')).toBe('light dark');
    expect(root.querySelector('meta[name=description]')?.getAttribute('content')).toMatch(/\w/);
    expect(text(root.querySelector('title'))).toMatch(/Folio$/);
    expect(href(root, '.skip-link')).toBe('#main');
    expect(root.querySelector('main#main')).toBeTruthy();
    expect(root.querySelectorAll('.tabs a').map((a) => text(a))).toEqual(['Daily', 'Weekly', 'Monthly', 'Trending']);
    expect(href(root, '.tabs a[href="/papers/trending"]')).toBeTruthy();
    const search = root.querySelector('form[role=search]');
    expect(search?.getAttribute('action')).toBe('/search');
    expect(search?.getAttribute('method')).toBe('get');
    expect(search?.querySelector('input[name=q]')).toBeTruthy();
    expect(href(root, 'footer a[href="/api/daily_papers"]')).toBeTruthy();
    const scripts = root.querySelectorAll('script');
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) {
      expect(s.getAttribute('src')).toMatch(/^\/static\//);
      expect(s.hasAttribute('defer')).toBe(true);
      expect(s.innerHTML).toBe('');
    }
    expect(body).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
  });

  it('serves the stylesheet, the script and the pictures it links', async () => {
    const { root } = await get('/papers');
    const assets = [
      ...root.querySelectorAll('link[rel=stylesheet], link[rel=icon]').map((l) => l.getAttribute('href')),
      ...root.querySelectorAll('script').map((s) => s.getAttribute('src')),
      '/static/avatar.svg',
      '/static/img/paper.svg',
    ];
    for (const a of assets) expect((await app.inject({ url: a as string })).statusCode, a).toBe(200);
  });
});

describe('daily lists', () => {
  it('/ and /papers show the latest day, like /papers/date/{latest}', async () => {
    const latest = DAYS[DAYS.length - 1] as string;
    const day = await get(`/papers/date/${latest}`);
    expect(day.status).toBe(200);
    for (const url of ['/', '/papers']) {
      const page = await get(url);
      expect(page.status).toBe(200);
      expect(listedIds(page.root)).toEqual(listedIds(day.root));
      expect(text(page.root.querySelector('h1'))).toBe(text(day.root.querySelector('h1')));
      expect(page.root.querySelector('link[rel=canonical]')?.getAttribute('href')).toBe(`${t.config.baseUrl}/papers/date/${latest}`);
    }
    expect(text(day.root.querySelector('h1'))).toBe('Monday, June 8, 2026');
  });

  it('lists every paper of a day once, ranked by upvotes, over several pages', async () => {
    const day = '2026-06-02';
    const { ids, pages } = await allPages(`/papers/date/${day}`);
    expect(ids.slice().sort()).toEqual(idsOf([day]));
    expect(pages).toBe(Math.ceil(idsOf([day]).length / PAGE_SIZE));
    const first = await get(`/papers/date/${day}`);
    const counts = voteCounts(first.root);
    expect(counts).toEqual(counts.slice().sort((a, b) => b - a));
    expect(text(first.root.querySelector('.list-head__sub'))).toContain(`${idsOf([day]).length} papers`);
    const second = await get(`/papers/date/${day}?p=2`);
    expect(text(second.root.querySelector('.paper__rank'))).toBe(`#${PAGE_SIZE + 1}`);
    expect(href(second.root, '.pager a[rel=prev]')).toBe(`/papers/date/${day}`);
  });

  it('shows each item as on huggingface.co/papers', async () => {
    const day = '2026-06-02';
    const items = files[day] as DailyItem[];
    const pageIds = new Set<string>();
    const { ids } = await allPages(`/papers/date/${day}`);
    for (const id of ids) pageIds.add(id);
    // One with many authors, an organisation, a GitHub repo and a submitter, found in the file.
    const item = items.find(
      (i) => i.paper.authors.length > 5 && i.paper.githubRepo && (i.organization ?? i.paper.organization) && i.submittedBy,
    );
    expect(item).toBeDefined();
    if (!item) return;
    const pageNo = Math.floor(ids.indexOf(item.paper.id) / PAGE_SIZE) + 1;
    const { root } = await get(`/papers/date/${day}${pageNo > 1 ? `?p=${pageNo}` : ''}`);
    const li = root.querySelectorAll('[data-paper-item]').find((el) => el.querySelector(`a[href="/papers/${item.paper.id}"]`));
    expect(li).toBeDefined();
    if (!li) return;
    expect(text(li.querySelector('.paper__title'))).toBe(item.paper.title.replace(/\s+/g, ' ').trim());
    expect(li.querySelector(`form[method=post][action="/papers/${item.paper.id}/upvote"] button[type=submit]`)).toBeTruthy();
    expect(text(li.querySelector('.paper__abstract')).slice(0, 40)).toBe(item.paper.summary.replace(/\s+/g, ' ').trim().slice(0, 40));
    const visible = item.paper.authors.filter((a) => !a.hidden);
    expect(text(li.querySelector('.paper__authors'))).toContain(`${visible.length} authors`);
    expect(href(li, '.paper__authors a')).toBe(`/authors/${encodeURIComponent((visible[0] as { name: string }).name)}`);
    const org = (item.organization ?? item.paper.organization) as { name: string };
    expect(href(li, '.org')).toBe(`/orgs/${encodeURIComponent(org.name)}`);
    expect(href(li, '.chip--gh')).toBe(item.paper.githubRepo);
    const submitter = item.submittedBy as { name?: string; user?: string };
    // Imported submitters are Hugging Face users, not members here.
    expect(href(li, '.meta__submitter a')).toBe(`/huggingface/${submitter.name ?? submitter.user}`);
    expect(text(li.querySelector('.meta__submitter'))).toContain('on Hugging Face');
    expect(li.querySelector('time')?.getAttribute('datetime')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    if (item.thumbnail) {
      const img = li.querySelector('.paper__thumb img');
      expect(img?.getAttribute('src')).toBe(item.thumbnail);
      expect(img?.getAttribute('loading')).toBe('lazy');
      expect(img?.getAttribute('alt')).toMatch(/\w/);
    }
  });

  it('links previous and next days with papers, skipping empty ones', async () => {
    const { root } = await get('/papers/date/2026-06-04');
    expect(href(root, '.period-nav a[rel=prev]')).toBe('/papers/date/2026-06-02'); // 06-03 was not imported
    expect(href(root, '.period-nav a[rel=next]')).toBe('/papers/date/2026-06-08'); // 06-05 .. 06-07 have none
    const first = await get(`/papers/date/${CRAFTED_DAY}`);
    expect(first.root.querySelector('.period-nav a[rel=prev]')).toBeNull();
    expect(href(first.root, '.period-nav a[rel=next]')).toBe('/papers/date/2026-06-01');
    const last = await get('/papers/date/2026-06-08');
    expect(last.root.querySelector('.period-nav a[rel=next]')).toBeNull();
  });

  it('switches tabs to the week and month holding the shown day', async () => {
    const { root } = await get('/papers/date/2026-06-04');
    expect(href(root, '.tabs a[aria-current=page]')).toBe('/papers/date/2026-06-04');
    expect(href(root, '.tabs li:nth-child(2) a')).toBe('/papers/week/2026-W23');
    expect(href(root, '.tabs li:nth-child(3) a')).toBe('/papers/month/2026-06');
  });

  it('says so kindly when a valid day has no papers, and links the nearest days', async () => {
    const { status, root } = await get('/papers/date/2026-06-06');
    expect(status).toBe(200);
    expect(text(root.querySelector('.empty h2'))).toContain('No papers on Saturday, June 6, 2026');
    expect(root.querySelectorAll('.empty a').map((a) => a.getAttribute('href'))).toEqual([
      '/papers/date/2026-06-04',
      '/papers/date/2026-06-08',
    ]);
    expect(root.querySelectorAll('[data-paper-item]')).toHaveLength(0);
  });

  it('refuses impossible periods and pages with a helpful 400 page', async () => {
    const cases: [string, RegExp][] = [
      ['/papers/date/2026-02-30', /not a calendar day.*YYYY-MM-DD/],
      ['/papers/date/yesterday', /not a calendar day/],
      ['/papers/week/2026-W54', /not an ISO week.*YYYY-Www/],
      ['/papers/week/2026-W00', /not an ISO week/],
      ['/papers/month/2026-13', /not a month.*YYYY-MM/],
      ['/papers/date/2026-06-02?p=0', /"p" must be a whole number/],
      ['/papers/date/2026-06-02?p=abc', /"p" must be a whole number/],
    ];
    for (const [url, message] of cases) {
      const { status, root, headers } = await get(url);
      expect(status, url).toBe(400);
      expect(headers['content-type']).toMatch(/text\/html/);
      expect(text(root.querySelector('.error-page__message')), url).toMatch(message);
      expect(root.querySelector('header.site-header'), url).toBeTruthy();
      expect(href(root, '.error-page a[href="/papers"]'), url).toBe('/papers');
    }
  });

  it('answers 404 for a page past the end of a list', async () => {
    const { status, root } = await get('/papers/date/2026-06-02?p=50');
    expect(status).toBe(404);
    expect(text(root.querySelector('.error-page__message'))).toMatch(/this list has \d+ pages/);
  });
});

describe('weekly and monthly lists', () => {
  it('shows an ISO week with its days, previous and next weeks with papers', async () => {
    const week = ['2026-06-01', '2026-06-02', '2026-06-04'];
    const { ids, pages } = await allPages('/papers/week/2026-W23');
    expect(ids.slice().sort()).toEqual(idsOf(week));
    expect(pages).toBeGreaterThan(1);
    const { root } = await get('/papers/week/2026-W23');
    expect(text(root.querySelector('h1'))).toBe('Week 23, 2026');
    expect(text(root.querySelector('.list-head__sub'))).toContain('Jun 1 – Jun 7, 2026');
    expect(href(root, '.period-nav a[rel=prev]')).toBe('/papers/week/2026-W21'); // W22 is empty
    expect(href(root, '.period-nav a[rel=next]')).toBe('/papers/week/2026-W24');
    expect(href(root, '.tabs a[aria-current=page]')).toBe('/papers/week/2026-W23');
    // Daily leads to the latest day with papers in the week.
    expect(href(root, '.tabs li:nth-child(1) a')).toBe('/papers/date/2026-06-04');
  });

  it('shows a month, and the latest week and month without a key', async () => {
    const june = ['2026-06-01', '2026-06-02', '2026-06-04', '2026-06-08'];
    const { ids, pages } = await allPages('/papers/month/2026-06');
    expect(ids.slice().sort()).toEqual(idsOf(june));
    expect(pages).toBeGreaterThan(1);
    const { root } = await get('/papers/month/2026-06');
    // Under the list one row of navigation, not the pages and the months stacked.
    const after = root.querySelectorAll('ol.papers ~ nav');
    expect(after.map((n) => n.getAttribute('class'))).toEqual(['pager']);
    expect(text(root.querySelector('h1'))).toBe('June 2026');
    expect(href(root, '.period-nav a[rel=prev]')).toBe('/papers/month/2026-05');
    expect(root.querySelector('.period-nav a[rel=next]')).toBeNull();
    const latestWeek = await get('/papers/week');
    expect(text(latestWeek.root.querySelector('h1'))).toBe('Week 24, 2026');
    const latestMonth = await get('/papers/month');
    expect(text(latestMonth.root.querySelector('h1'))).toBe('June 2026');
  });

  it('shows an empty week and month kindly', async () => {
    const week = await get('/papers/week/2026-W22');
    expect(week.status).toBe(200);
    expect(text(week.root.querySelector('.empty h2'))).toBe('No papers in Week 22, 2026');
    const month = await get('/papers/month/2025-01');
    expect(month.status).toBe(200);
    expect(href(month.root, '.empty a')).toBe(`/papers/date/${CRAFTED_DAY}`);
  });
});

describe('the paper page', () => {
  it('shows title, authors, links, abstract, list days and submitter', async () => {
    const items = files['2026-06-02'] as DailyItem[];
    const item = items.find((i) => i.paper.githubRepo && i.submittedBy) as DailyItem;
    const id = item.paper.id;
    const { status, root } = await get(`/papers/${id}`);
    expect(status).toBe(200);
    expect(text(root.querySelector('h1'))).toBe(item.paper.title.replace(/\s+/g, ' ').trim());
    expect(text(root.querySelector('title'))).toContain(item.paper.title.replace(/\s+/g, ' ').trim().slice(0, 30));
    expect(text(root.querySelector('.abstract')).slice(0, 60)).toBe(item.paper.summary.replace(/\s+/g, ' ').trim().slice(0, 60));
    const authors = root.querySelectorAll('.author-list > li > a:first-child').map((a) => text(a));
    expect(authors).toEqual(item.paper.authors.filter((a) => !a.hidden).map((a) => a.name.trim()));
    expect(href(root, `a[href="https://arxiv.org/abs/${id}"]`)).toBeTruthy();
    expect(href(root, `a[href="https://arxiv.org/pdf/${id}"]`)).toBeTruthy();
    expect(href(root, '.chip--gh')).toBe(item.paper.githubRepo);
    expect(href(root, '.facts__days a')).toBe('/papers/date/2026-06-02');
    expect(href(root, '.facts__by a')).toBe(`/huggingface/${item.submittedBy?.name ?? item.submittedBy?.user}`);
    expect(root.querySelector(`form[action="/papers/${id}/upvote"]`)).toBeTruthy();
    // No math here: no KaTeX stylesheet to load.
    expect(root.querySelector('link[href="/static/katex/katex.min.css"]')).toBeNull();
  });

  it('says where comments counted on Hugging Face are, instead of a count the thread does not show', async () => {
    const item = Object.values(files)
      .flat()
      .find((i) => (i.numComments ?? 0) > 0) as DailyItem;
    const { root } = await get(`/papers/${item.paper.id}`);
    const facts = root.querySelectorAll('.facts > div').find((d) => text(d.querySelector('dt')) === 'Comments');
    expect(text(facts?.querySelector('dd'))).toBe(`0 here · ${item.numComments} on Hugging Face`);
    const hf = `https://huggingface.co/papers/${item.paper.id}#community`;
    expect(href(root, '.facts a[href^="https://huggingface.co/"]')).toBe(hf);
    expect(text(root.querySelector('#discussion'))).toContain('No comments here yet');
    expect(href(root, '#discussion a[href^="https://huggingface.co/"]')).toBe(hf);
  });

  it('renders math on the server and leaves money alone', async () => {
    const { status, body, root } = await get('/papers/2605.00001');
    expect(status).toBe(200);
    expect(body).toContain('class="katex"');
    expect(root.querySelector('link[href="/static/katex/katex.min.css"]')).toBeTruthy();
    expect(root.querySelectorAll('.abstract .katex')).toHaveLength(1);
    expect(root.querySelector('.abstract annotation')?.text).toBe('x^2 + y^2 = z^2');
    expect(text(root.querySelector('.abstract'))).toContain('It costs $5 and $10 to run.');
  });

  it('marks authors verified on Hugging Face as such, linked to the Hugging Face user', async () => {
    const { root } = await get('/papers/2605.00001');
    const claimed = root.querySelectorAll('.author-list li').find((li) => text(li).startsWith('Claire Claimed'));
    expect(claimed?.querySelector('.claimed--hf')?.getAttribute('href')).toBe('/huggingface/claire');
    expect(text(claimed)).toContain('verified on Hugging Face');
    // No member claire here: the member address leads to the Hugging Face user's page, which exists
    // even for a user who never submitted a paper.
    const old = await app.inject({ url: '/submitters/claire' });
    expect(old.statusCode).toBe(302);
    expect(old.headers.location).toBe('/huggingface/claire');
    const user = await get('/huggingface/claire');
    expect(user.status).toBe(200);
    expect(text(user.root.querySelector('.empty'))).toContain('has not submitted a paper');
    expect(root.querySelectorAll('.claimed')).toHaveLength(1);
    expect(href(root, '.author-list a[href="/authors/Team%20A%2FB"]')).toBeTruthy();
  });

  it('never links a non-http project page or thumbnail', async () => {
    const page = await get('/papers/2605.00001');
    const list = await get(`/papers/date/${CRAFTED_DAY}`);
    for (const { body } of [page, list]) expect(body).not.toContain('javascript:');
  });

  it('redirects versions and other spellings of an id to the canonical address', async () => {
    const id = (files['2026-06-02'] as DailyItem[])[0]?.paper.id as string;
    const cases: [string, string][] = [
      [`/papers/${id}v3`, `/papers/${id}`],
      [`/papers/${id}v1?x=1`, `/papers/${id}?x=1`],
      ['/papers/hep-th/9901001v2', '/papers/hep-th/9901001'],
      ['/papers/hep-th%2F9901001', '/papers/hep-th/9901001'],
    ];
    for (const [from, to] of cases) {
      const res = await app.inject({ url: from });
      expect(res.statusCode, from).toBe(301);
      expect(res.headers.location, from).toBe(to);
    }
    const old = await get('/papers/hep-th/9901001');
    expect(old.status).toBe(200);
    expect(text(old.root.querySelector('h1'))).toBe('An old paper whose id holds a slash');
    expect(href(old.root, 'a[href="https://arxiv.org/abs/hep-th/9901001"]')).toBeTruthy();
  });

  it('points to arXiv for a valid id it does not hold', async () => {
    const { status, root } = await get('/papers/2401.99999');
    expect(status).toBe(404);
    expect(href(root, '.error-page__message a')).toBe('https://arxiv.org/abs/2401.99999');
  });

  it('answers unknown and invalid ids with a 404 page', async () => {
    for (const url of ['/papers/2401.99999', '/papers/not-an-id', '/papers/hep-th/9901999', '/papers/2401.12345/extra']) {
      const { status, root } = await get(url);
      expect(status, url).toBe(404);
      expect(text(root.querySelector('h1')), url).toBe('Page not found');
      expect(root.querySelector('header.site-header'), url).toBeTruthy();
    }
  });
});

describe('organisation, author and submitter pages', () => {
  it('lists an organisation’s papers', async () => {
    const items = Object.values(files).flat();
    const withOrg = items.filter((i) => i.paper.organization);
    const org = withOrg[0]?.paper.organization as { name: string; fullname?: string };
    const expected = [...new Set(withOrg.filter((i) => i.paper.organization?.name === org.name).map((i) => i.paper.id))].sort();
    const { ids } = await allPages(`/orgs/${encodeURIComponent(org.name)}`);
    expect(ids.slice().sort()).toEqual(expected);
    const { root } = await get(`/orgs/${encodeURIComponent(org.name)}`);
    expect(text(root.querySelector('h1'))).toBe(org.fullname ?? org.name);
  });

  it('lists an author’s papers, names with a slash included', async () => {
    const item = (files['2026-06-02'] as DailyItem[])[0] as DailyItem;
    const name = item.paper.authors[0]?.name as string;
    const expected = [
      ...new Set(
        Object.values(files)
          .flat()
          .filter((i) => i.paper.authors.some((a) => a.name.trim() === name.trim()))
          .map((i) => i.paper.id),
      ),
    ].sort();
    const { ids } = await allPages(`/authors/${encodeURIComponent(name)}`);
    expect(ids.slice().sort()).toEqual(expected);
    const slash = await get('/authors/Team%20A%2FB');
    expect(slash.status).toBe(200);
    expect(listedIds(slash.root)).toEqual(['2605.00001']);
  });

  it('lists what a Hugging Face user submitted', async () => {
    const all = Object.values(files).flat();
    const who = all[0]?.submittedBy?.name ?? (all[0]?.submittedBy?.user as string);
    const expected = [...new Set(all.filter((i) => (i.submittedBy?.name ?? i.submittedBy?.user) === who).map((i) => i.paper.id))].sort();
    const { ids } = await allPages(`/huggingface/${encodeURIComponent(who)}`);
    expect(ids.slice().sort()).toEqual(expected);
    const { root } = await get(`/huggingface/${encodeURIComponent(who)}`);
    expect(text(root.querySelector('.list-head__sub'))).toContain(`@${who}`);
  });

  it('answers unknown names with a 404 page', async () => {
    for (const url of ['/orgs/no-such-org', '/authors/Nobody%20Atall', '/submitters/no-such-user', '/huggingface/no-such-user']) {
      const { status, root } = await get(url);
      expect(status, url).toBe(404);
      expect(text(root.querySelector('.error-page__message')), url).toMatch(/There is no/);
    }
  });
});

describe('escaping', () => {
  it('escapes hostile titles, names and summaries on every page', async () => {
    const urls = [
      `/papers/date/${CRAFTED_DAY}`,
      '/papers/week/2026-W21',
      '/papers/month/2026-05',
      '/papers/2605.00001',
      '/orgs/evil-org',
      `/authors/${encodeURIComponent(`${EVIL} Mallory`)}`,
      '/huggingface/mallory',
      `/orgs/${encodeURIComponent(EVIL)}`,
      `/papers/date/${encodeURIComponent(EVIL)}`,
    ];
    for (const url of urls) {
      const { status, body } = await get(url);
      expect([200, 400, 404], url).toContain(status);
      expect(body, url).not.toContain('<script>alert');
      expect(body, url).not.toContain('<img src=x');
      expect(body, url).toMatch(/&lt;script&gt;|&lt;img/);
    }
    const page = await get('/papers/2605.00001');
    expect(page.body).toContain(`${EVIL_ESCAPED} Evil &amp; &quot;quoted&quot; title`);
    expect(text(page.root.querySelector('h1'))).toBe(`${EVIL} Evil & "quoted" title`);
    expect(text(page.root.querySelector('title'))).toContain(`${EVIL} Evil`);
    expect(text(page.root.querySelector('.org'))).toBe(`${EVIL} Org`);
  });
});
