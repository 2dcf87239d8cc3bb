// Submissions through the page and the API, against the local arXiv stand-in: by id or URL, metadata
// from the corpus or from arXiv, and each rule's refusal (duplicate, too old, daily cap, trusted only,
// not an id, not on arXiv).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { utcDay } from '../../src/domain/submission-rules.ts';
import { type ArxivStandin, startArxivStandin } from '../support/arxiv-standin/server.ts';
import { addPaper, apiToken, type Browser, daysAgo, getPage, makeMember, postForm, signedIn } from '../support/members.ts';
import { dom, text } from '../support/pages.ts';
import { buildTestApp, type TestApp } from '../support/store.ts';

let arxiv: ArxivStandin;
let t: TestApp;
let b: Browser;
let token: string;
const today = utcDay(new Date());

const day = (iso: string) => iso.slice(0, 10);

beforeAll(async () => {
  arxiv = await startArxivStandin({
    corpus: [
      {
        id: '2606.30001',
        title: 'Fresh from arXiv',
        abstract: 'A new result with $x$.',
        authors: ['Ann Author', 'Bo Writer'],
        categories: ['cs.LG'],
        datestamp: day(daysAgo(2)),
        created: day(daysAgo(2)),
        source: 'daily-arxiv-jsonl',
      },
      {
        id: '2605.30002',
        title: 'Old on arXiv',
        abstract: 'Old.',
        authors: ['C. Old'],
        categories: ['cs.CL'],
        datestamp: day(daysAgo(40)),
        created: day(daysAgo(40)),
        source: 'daily-arxiv-jsonl',
      },
    ],
  });
});
afterAll(async () => {
  await arxiv.close();
});

beforeEach(async () => {
  t = await buildTestApp({ arxivApiUrl: arxiv.apiUrl });
  const m = await makeMember(t.store, { username: 'sub' });
  b = await signedIn(t.store, m.id);
  token = await apiToken(t.store, m.id);
});
afterEach(async () => {
  await t.cleanup();
});

function submitApi(paperId: string, tok = token) {
  return t.app.inject({
    method: 'POST',
    url: '/api/papers/submit',
    headers: { authorization: `Bearer ${tok}` },
    payload: { paper_id: paperId },
  });
}

describe('submitting a paper', () => {
  it('takes an arXiv URL, fetches the paper from arXiv, and puts it on today’s list', async () => {
    const res = await postForm(t.app, '/submit', { paper_id: 'https://arxiv.org/abs/2606.30001v2' }, b);
    expect(res.statusCode).toBe(201);
    expect(res.body).toContain('Fresh from arXiv');
    expect(arxiv.requests.some((r) => r.path === '/api/query' && r.params.id_list?.startsWith('2606.30001'))).toBe(true);
    const list = await getPage(t.app, `/papers/date/${today}`);
    expect(list.root.querySelector('[data-paper-link][href="/papers/2606.30001"]')).not.toBeNull();
    expect(text(list.root.querySelector('.meta__submitter'))).toContain('sub');
    const api = await t.app.inject({ url: `/api/daily_papers?date=${today}` });
    expect(api.json()[0].paper.submittedOnDailyBy.user).toBe('sub');
  });

  it('takes a paper of the local corpus without asking arXiv, through the API', async () => {
    await addPaper(t.store, { id: '2606.30003', title: 'Local paper', publishedAt: daysAgo(1) });
    const before = arxiv.requests.length;
    const res = await submitApi('arXiv:2606.30003');
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      day: today,
      source: 'corpus',
      paper: { id: '2606.30003', title: 'Local paper', submittedOnDailyBy: { user: 'sub' } },
    });
    expect(arxiv.requests.length).toBe(before);
  });

  it('refuses each rule with its own status and message', async () => {
    await addPaper(t.store, { id: '2606.30004', day: '2026-06-01', publishedAt: daysAgo(3) });
    const cases: [string, number, RegExp][] = [
      ['not an id', 400, /is not an arXiv id or URL/],
      ['2606.39999', 404, /arXiv has no paper 2606\.39999/],
      ['2605.30002', 422, /appeared on arXiv on .*, 40 days ago; papers can be submitted up to 14 days/],
      ['2606.30004', 409, /already on the daily list \(Jun 1, 2026\)/],
    ];
    for (const [input, status, message] of cases) {
      const res = await submitApi(input);
      expect(res.statusCode, input).toBe(status);
      expect(res.json().error, input).toMatch(message);
    }
    // A duplicate of today is refused too, and the page says the same.
    expect((await submitApi('2606.30001')).statusCode).toBe(201);
    const dup = await postForm(t.app, '/submit', { paper_id: '2606.30001' }, b);
    expect(dup.statusCode).toBe(409);
    const dupNotice = dom(dup.body).querySelector('.notice');
    expect(text(dupNotice)).toMatch(/already on the daily list/);
    // The notice links to the list the paper is on.
    expect(dupNotice?.querySelector('a')?.getAttribute('href')).toBe(`/papers/date/${new Date().toISOString().slice(0, 10)}`);
  });

  it('caps submissions per member per day (429 until the next UTC day)', async () => {
    for (let i = 0; i < 5; i++) await addPaper(t.store, { id: `2606.3100${i}`, publishedAt: daysAgo(1) });
    await addPaper(t.store, { id: '2606.31009', publishedAt: daysAgo(1) });
    for (let i = 0; i < 5; i++) expect((await submitApi(`2606.3100${i}`)).statusCode).toBe(201);
    const sixth = await submitApi('2606.31009');
    expect(sixth.statusCode).toBe(429);
    expect(sixth.json().error).toMatch(/submitted 5 papers today/);
    const retry = Number(sixth.headers['retry-after']);
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(86_400);
  });

  it('may be kept for trusted members', async () => {
    const s = await buildTestApp({ arxivApiUrl: arxiv.apiUrl, submitTrustedOnly: '1' });
    try {
      await addPaper(s.store, { id: '2606.30005', publishedAt: daysAgo(1) });
      const member = await apiToken(s.store, (await makeMember(s.store)).id);
      const trusted = await apiToken(s.store, (await makeMember(s.store, { role: 'trusted' })).id);
      const before = arxiv.requests.length;
      const refused = await s.app.inject({
        method: 'POST',
        url: '/api/papers/submit',
        headers: { authorization: `Bearer ${member}` },
        payload: { paper_id: '2606.30001' },
      });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error).toMatch(/only trusted members/);
      // Refused before arXiv is asked anything.
      expect(arxiv.requests.length).toBe(before);
      const ok = await s.app.inject({
        method: 'POST',
        url: '/api/papers/submit',
        headers: { authorization: `Bearer ${trusted}` },
        payload: { paper_id: '2606.30005' },
      });
      expect(ok.statusCode).toBe(201);
    } finally {
      await s.cleanup();
    }
  });

  it('has a page that states the rules, for members only', async () => {
    const anon = await getPage(t.app, '/submit');
    expect(anon.status).toBe(303);
    expect(anon.res.headers.location).toBe('/signin?return_to=%2Fsubmit');
    const page = await getPage(t.app, '/submit', b);
    expect(page.status).toBe(200);
    expect(text(page.root.querySelector('.rules'))).toMatch(/At most 14 days after it appeared on arXiv/);
    expect(text(page.root.querySelector('.rules'))).toMatch(/At most 5 submissions per member per day/);
  });
});
