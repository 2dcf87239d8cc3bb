// The worst TeX a member can post, through the HTTP app: stored as written, and the paper's page still
// renders, with the comment's math bounded by the document's TeX budget.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_COMMENT_CHARS } from '../../src/domain/comments.ts';
import { MAX_DOCUMENT_TEX_HTML_CHARS } from '../../src/web/views/tex-budget.ts';
import { addPaper, type Browser, getPage, makeMember, postForm, signedIn } from '../support/members.ts';
import { buildTestApp, type TestApp } from '../support/store.ts';
import { BOMB } from '../support/worst-tex.ts';

const PAPER = '2606.20001';
/** As many bombs and small formulas as a comment may hold. */
const WORST = (() => {
  let s = '';
  while (s.length + BOMB.length + 12 < MAX_COMMENT_CHARS) s += `${BOMB} $x_{1}^2$ `;
  return s.trim();
})();

let t: TestApp;
let ada: Browser;
beforeAll(async () => {
  t = await buildTestApp();
  await addPaper(t.store, { id: PAPER, day: '2026-06-02' });
  ada = await signedIn(t.store, (await makeMember(t.store, { username: 'ada' })).id);
});
afterAll(async () => t.cleanup());

describe('the worst comment', () => {
  it('is stored as written and the page renders within the budget', async () => {
    const before = (await getPage(t.app, `/papers/${PAPER}`)).body.length;
    // Three different texts: the same text again would be folded into the first as a double post.
    const bodies = [0, 1, 2].map((i) => `${i} ${WORST}`.slice(0, MAX_COMMENT_CHARS));
    for (const body of bodies) {
      const res = await postForm(t.app, `/papers/${PAPER}/comments`, { body }, ada);
      expect(res.statusCode, res.body).toBe(303);
    }
    const stored = await t.store.db.selectFrom('comments').select('body').orderBy('id').execute();
    expect(stored.map((c) => c.body)).toEqual(bodies);
    const page = await getPage(t.app, `/papers/${PAPER}`);
    expect(page.status).toBe(200);
    expect(page.root.querySelectorAll('li.comment')).toHaveLength(3);
    // Each comment is its own document: at most its TeX budget plus its escaped source.
    expect(page.body.length - before).toBeLessThanOrEqual(3 * (MAX_DOCUMENT_TEX_HTML_CHARS + 6 * WORST.length));
    expect(page.body).not.toMatch(/<script(?![^>]*(src="\/static|type="application\/json"))/i);
  });
});
