// The submission form refused: a mistake in what was typed beside the field, any other reason (a rule,
// the daily cap, arXiv away) above the form, the value kept exactly either way, the status and headers
// of the refusal kept, nothing stored; and the API of the same action answers {error, code, fields}.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_SUBMISSION_INPUT_CHARS } from '../../src/domain/submission-rules.ts';
import { wellFormed } from '../../src/domain/well-formed.ts';
import { type ArxivStandin, startArxivStandin } from '../support/arxiv-standin/server.ts';
import { refusedForm } from '../support/forms.ts';
import { assertInert, HOSTILE, label } from '../support/hostile.ts';
import { addPaper, apiToken, type Browser, daysAgo, makeMember, postForm, signedIn } from '../support/members.ts';
import { text } from '../support/pages.ts';
import { buildTestApp, type TestApp } from '../support/store.ts';

const FORM = 'form[action="/submit"]';
let arxiv: ArxivStandin;
let t: TestApp;
let b: Browser;
let token: string;

beforeAll(async () => {
  arxiv = await startArxivStandin({ corpus: [] });
});
afterAll(async () => {
  await arxiv.close();
});
beforeEach(async () => {
  t = await buildTestApp({ arxivApiUrl: arxiv.apiUrl, rateLimitScale: '100' });
  const m = await makeMember(t.store, { username: 'sub' });
  b = await signedIn(t.store, m.id);
  token = await apiToken(t.store, m.id);
  arxiv.faults.length = 0;
});
afterEach(async () => {
  await t.cleanup();
});

const submit = (paperId: string) => postForm(t.app, '/submit', { paper_id: paperId }, b);
const entries = async () => (await t.store.db.selectFrom('daily_entries').select('paper_id').execute()).length;
const api = (payload: unknown) =>
  t.app.inject({ method: 'POST', url: '/api/papers/submit', headers: { authorization: `Bearer ${token}` }, payload: payload as object });

describe('submit form refused for what was typed', () => {
  it('says beside the field that it is empty, with a summary linking to it', async () => {
    const res = await submit('   ');
    expect(res.statusCode).toBe(400);
    const f = refusedForm(res.body, FORM);
    expect(f.errors).toEqual({ paper_id: 'Enter an arXiv id or URL, such as 2401.12345 or https://arxiv.org/abs/2401.12345.' });
    expect(f.values.paper_id).toBe('   ');
    expect(f.summary).toEqual([`arXiv id or URL: ${f.errors.paper_id}`]);
    expect(f.root.querySelector('[data-form-problems] a')?.getAttribute('href')).toBe('#f-paper_id');
    expect(f.root.querySelector('#f-paper_id')?.getAttribute('autofocus')).toBeUndefined();
    expect(await entries()).toBe(0);
  });

  it('says beside the field that it is not an id, keeping it as typed', async () => {
    const res = await submit('arxiv 2401');
    expect(res.statusCode).toBe(400);
    const f = refusedForm(res.body, FORM);
    expect(f.errors.paper_id).toBe('“arxiv 2401” is not an arXiv id or URL. Write it as 2401.12345 or https://arxiv.org/abs/2401.12345.');
    expect(f.values.paper_id).toBe('arxiv 2401');
    // Only the summary and the field speak: no second notice says it again.
    expect(f.root.querySelectorAll('.notice')).toHaveLength(1);
    expect(await entries()).toBe(0);
  });

  it('says beside the field that it is too long, keeping all of it', async () => {
    const long = `https://arxiv.org/abs/${'9'.repeat(MAX_SUBMISSION_INPUT_CHARS)}`;
    const res = await submit(long);
    expect(res.statusCode).toBe(400);
    const f = refusedForm(res.body, FORM);
    expect(f.errors.paper_id).toBe(`Too long: at most ${MAX_SUBMISSION_INPUT_CHARS} characters.`);
    expect(f.values.paper_id).toBe(long);
    expect(res.body).not.toContain('(paper_id)');
  });

  it('says beside the field that arXiv has no such paper (404)', async () => {
    const res = await submit('2606.39999');
    expect(res.statusCode).toBe(404);
    const f = refusedForm(res.body, FORM);
    expect(f.errors).toEqual({ paper_id: 'arXiv has no paper 2606.39999.' });
    expect(f.values.paper_id).toBe('2606.39999');
    expect(await entries()).toBe(0);
  });

  it('keeps hostile text exactly and shows it inert', async () => {
    for (const p of HOSTILE) {
      const res = await submit(p);
      expect(res.statusCode, label(p)).toBe(400);
      const f = refusedForm(res.body, FORM);
      expect(f.values.paper_id, label(p)).toBe(wellFormed(p));
      expect(f.errors.paper_id, label(p)).toBeTruthy();
      assertInert(f.root, `submit ${label(p)}`);
    }
    expect(await entries()).toBe(0);
  });
});

describe('submit form refused for another reason', () => {
  it('shows a duplicate above the form, linking to its list, the value kept (409)', async () => {
    await addPaper(t.store, { id: '2606.30004', day: '2026-06-01', publishedAt: daysAgo(3) });
    const res = await submit(' arXiv:2606.30004 ');
    expect(res.statusCode).toBe(409);
    const f = refusedForm(res.body, FORM);
    expect(f.errors).toEqual({});
    expect(f.values.paper_id).toBe(' arXiv:2606.30004 ');
    const notice = f.root.querySelector('.card .notice--error');
    expect(text(notice)).toMatch(/already on the daily list \(Jun 1, 2026\)/);
    expect(notice?.querySelector('a')?.getAttribute('href')).toBe('/papers/date/2026-06-01');
    expect(await entries()).toBe(1);
  });

  it('shows the daily cap above the form with its Retry-After (429)', async () => {
    for (let i = 0; i < 6; i++) await addPaper(t.store, { id: `2606.3100${i}`, publishedAt: daysAgo(1) });
    for (let i = 0; i < 5; i++) expect((await submit(`2606.3100${i}`)).statusCode).toBe(201);
    const res = await submit('2606.31005');
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    const f = refusedForm(res.body, FORM);
    expect(f.errors).toEqual({});
    expect(f.values.paper_id).toBe('2606.31005');
    expect(text(f.root.querySelector('.card .notice--error'))).toMatch(/submitted 5 papers today/);
    expect(await entries()).toBe(5);
  });

  it('shows arXiv being away above the form, not on an error page (502)', async () => {
    arxiv.faults.push({ when: () => true, fault: { kind: 'malformed' } });
    const res = await submit('2606.38888');
    expect(res.statusCode).toBe(502);
    const f = refusedForm(res.body, FORM);
    expect(f.values.paper_id).toBe('2606.38888');
    expect(text(f.root.querySelector('.card .notice--error'))).toMatch(/arXiv did not answer properly/);
    expect(await entries()).toBe(0);
  });
});

describe('the submission API refused', () => {
  it('names the field and its message: {error, code, fields}', async () => {
    const bad = await api({ paper_id: 'not an id' });
    expect(bad.statusCode).toBe(400);
    const message = '“not an id” is not an arXiv id or URL. Write it as 2401.12345 or https://arxiv.org/abs/2401.12345.';
    expect(bad.json()).toEqual({ error: message, code: 'invalid_id', fields: { paper_id: message } });

    const missing = await api({});
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ code: 'invalid_request', fields: { paper_id: expect.stringMatching(/paper_id/) } });

    const unknown = await api({ paper_id: '2606.39999' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({
      error: 'arXiv has no paper 2606.39999.',
      code: 'not_on_arxiv',
      fields: { paper_id: 'arXiv has no paper 2606.39999.' },
    });
    expect(await entries()).toBe(0);
  });
});
