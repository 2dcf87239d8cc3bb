// Comments: Markdown with math, sanitised; replies; editing and deleting one's own only; the thread's
// order (Wilson lower bound); counters; the API.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_COMMENT_CHARS, MAX_COMMENT_DEPTH } from '../../src/domain/comments.ts';
import { addPaper, apiToken, type Browser, getPage, makeMember, postForm, signedIn } from '../support/members.ts';
import { text } from '../support/pages.ts';
import { buildTestApp, type TestApp } from '../support/store.ts';

const PAPER = '2606.20001';
let t: TestApp;
let ada: Browser;
let adaId: number;
let bob: Browser;

beforeEach(async () => {
  t = await buildTestApp();
  await addPaper(t.store, { id: PAPER, day: '2026-06-02' });
  adaId = (await makeMember(t.store, { username: 'ada' })).id;
  ada = await signedIn(t.store, adaId);
  bob = await signedIn(t.store, (await makeMember(t.store, { username: 'bob' })).id);
});
afterEach(async () => {
  await t.cleanup();
});

async function comment(b: Browser, body: string, parent?: number): Promise<number> {
  const res = await postForm(t.app, `/papers/${PAPER}/comments`, { body, ...(parent ? { parent_id: String(parent) } : {}) }, b);
  expect(res.statusCode, res.body).toBe(303);
  const m = /#comment-(\d+)$/.exec(res.headers.location as string);
  return Number(m?.[1]);
}

async function thread(b?: Browser): Promise<number[]> {
  const page = await getPage(t.app, `/papers/${PAPER}`, b);
  return page.root.querySelectorAll('li.comment').map((li) => Number(li.getAttribute('id')?.replace('comment-', '')));
}

describe('comments', () => {
  it('renders Markdown and math, and counts the comment on the paper at once', async () => {
    const id = await comment(ada, 'We show that **$x^2 + y^2 = z^2$** holds, see [the code](https://example.org/code).\n\n- one\n- two');
    const page = await getPage(t.app, `/papers/${PAPER}`);
    const body = page.root.querySelector(`#comment-${id} .comment__body`);
    expect(body?.querySelector('strong .katex')).not.toBeNull();
    expect(body?.querySelector('annotation')?.text).toBe('x^2 + y^2 = z^2');
    expect(body?.querySelector('a')?.getAttribute('rel')).toBe('nofollow ugc noopener noreferrer');
    expect(body?.querySelectorAll('li')).toHaveLength(2);
    expect(page.body).toContain('/static/katex/katex.min.css');
    expect(text(page.root.querySelector('.discussion__count'))).toBe('1 comment');
    const paper = await t.app.inject({ url: `/api/papers/${PAPER}` });
    expect(paper.json().numComments).toBe(1);
  });

  it('nests replies, refuses a parent on another paper, and stops at the depth limit', async () => {
    const root = await comment(ada, 'root');
    const reply = await comment(bob, 'reply', root);
    expect(await thread()).toEqual([root, reply]);
    const page = await getPage(t.app, `/papers/${PAPER}`);
    expect(page.root.querySelector(`#comment-${root} > ol.comments--replies > #comment-${reply}`)).not.toBeNull();

    await addPaper(t.store, { id: '2606.20002', day: '2026-06-02' });
    const other = await postForm(t.app, '/papers/2606.20002/comments', { body: 'x', parent_id: String(root) }, ada);
    expect(other.statusCode).toBe(404);

    let parent = reply;
    for (let depth = 2; depth <= MAX_COMMENT_DEPTH; depth++) parent = await comment(ada, `depth ${depth}`, parent);
    const tooDeep = await postForm(t.app, `/papers/${PAPER}/comments`, { body: 'deeper', parent_id: String(parent) }, ada);
    expect(tooDeep.statusCode).toBe(422);
    expect(tooDeep.body).toContain(`at most ${MAX_COMMENT_DEPTH} deep`);
  });

  it('refuses empty and too long comments with clear messages', async () => {
    expect((await postForm(t.app, `/papers/${PAPER}/comments`, { body: '   ' }, ada)).statusCode).toBe(400);
    const long = await postForm(t.app, `/papers/${PAPER}/comments`, { body: 'x'.repeat(MAX_COMMENT_CHARS + 1) }, ada);
    expect(long.statusCode).toBe(413);
    expect(long.body).toContain('at most 10,000 characters');
    expect((await postForm(t.app, `/papers/${PAPER}/comments`, { body: 'x'.repeat(MAX_COMMENT_CHARS) }, ada)).statusCode).toBe(303);
  });

  it('lets members edit and delete their own comments only', async () => {
    const id = await comment(ada, 'first version');
    const forged = await postForm(t.app, `/comments/${id}/edit`, { body: 'bob was here' }, bob);
    expect(forged.statusCode).toBe(403);
    expect(forged.body).toContain('only change your own comments');
    expect((await postForm(t.app, `/comments/${id}/delete`, {}, bob)).statusCode).toBe(403);

    const edit = await postForm(t.app, `/comments/${id}/edit`, { body: 'second *version*' }, ada);
    expect(edit.statusCode).toBe(303);
    let page = await getPage(t.app, `/papers/${PAPER}`);
    expect(page.root.querySelector(`#comment-${id} .comment__body em`)?.text).toBe('version');
    expect(page.root.querySelector(`#comment-${id} .comment__edited`)).not.toBeNull();
    // Bob's page has no edit box for Ada's comment; Ada's has.
    expect(
      (await getPage(t.app, `/papers/${PAPER}`, bob)).root.querySelector(`#comment-${id} form[action="/comments/${id}/edit"]`),
    ).toBeNull();
    expect(
      (await getPage(t.app, `/papers/${PAPER}`, ada)).root.querySelector(`#comment-${id} form[action="/comments/${id}/edit"]`),
    ).not.toBeNull();

    const reply = await comment(bob, 'a reply', id);
    expect((await postForm(t.app, `/comments/${id}/delete`, {}, ada)).statusCode).toBe(303);
    page = await getPage(t.app, `/papers/${PAPER}`);
    // Kept as a placeholder, since it has a reply; its text is gone from the store too.
    expect(text(page.root.querySelector(`#comment-${id} .comment__gone`))).toBe('[deleted]');
    expect(page.root.querySelector(`#comment-${reply}`)).not.toBeNull();
    const row = await t.store.db.selectFrom('comments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.body).toBe('');
    expect(
      (await t.store.db.selectFrom('papers').select('local_comments').where('id', '=', PAPER).executeTakeFirstOrThrow()).local_comments,
    ).toBe(1);
    // A deleted comment can be neither edited nor answered.
    expect((await postForm(t.app, `/comments/${id}/edit`, { body: 'back' }, ada)).statusCode).toBe(404);
    expect((await postForm(t.app, `/papers/${PAPER}/comments`, { body: 'x', parent_id: String(id) }, bob)).statusCode).toBe(409);
  });

  it('orders siblings by the Wilson lower bound of their votes, then by age', async () => {
    const a = await comment(ada, 'a');
    const b = await comment(ada, 'b');
    const c = await comment(ada, 'c');
    expect(await thread()).toEqual([a, b, c]);
    const voters = await Promise.all(Array.from({ length: 5 }, async () => signedIn(t.store, (await makeMember(t.store)).id)));
    // c: 4 up 1 down; b: 1 up; a: 0 votes.
    for (const [i, v] of voters.entries()) await postForm(t.app, `/comments/${c}/vote`, { value: i === 0 ? '-1' : '1' }, v);
    await postForm(t.app, `/comments/${b}/vote`, { value: '1' }, voters[0] as Browser);
    expect(await thread()).toEqual([c, b, a]);
    // Own comments cannot be voted on; a vote can be taken back.
    expect((await postForm(t.app, `/comments/${a}/vote`, { value: '1' }, ada)).statusCode).toBe(403);
    await postForm(t.app, `/comments/${b}/vote`, { value: '0' }, voters[0] as Browser);
    expect(await thread()).toEqual([c, a, b]);
    // The page's script asks for JSON: the new state and counts, no redirect.
    const json = await postForm(t.app, `/comments/${b}/vote`, { value: '-1' }, voters[1] as Browser, { accept: 'application/json' });
    expect(json.statusCode).toBe(200);
    expect(json.json()).toEqual({ value: -1, upvotes: 0, downvotes: 1 });
    const back = await postForm(t.app, `/comments/${b}/vote`, { value: '0' }, voters[1] as Browser, { accept: 'application/json' });
    expect(back.json()).toEqual({ value: 0, upvotes: 0, downvotes: 0 });
  });

  it('serves the thread and takes comments through the API', async () => {
    const token = await apiToken(t.store, adaId);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/papers/${PAPER}/comments`,
      headers: { authorization: `Bearer ${token}` },
      payload: { body: 'Via the API, with $\\alpha$.' },
    });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({ parentId: null, depth: 0, raw: 'Via the API, with $\\alpha$.', author: { user: 'ada' } });
    expect(created.html).toContain('katex');
    const reply = await t.app.inject({
      method: 'POST',
      url: `/api/papers/${PAPER}/comments`,
      headers: { authorization: `Bearer ${token}` },
      payload: { body: 'A reply', parentId: created.id },
    });
    expect(reply.statusCode).toBe(201);
    const list = await t.app.inject({ url: `/api/papers/${PAPER}/comments` });
    expect(list.statusCode).toBe(200);
    expect(list.json().map((c: { id: number; depth: number }) => [c.id, c.depth])).toEqual([
      [created.id, 0],
      [reply.json().id, 1],
    ]);
    expect((await t.app.inject({ method: 'POST', url: `/api/papers/${PAPER}/comments`, payload: { body: 'x' } })).statusCode).toBe(401);
    const bad = await t.app.inject({
      method: 'POST',
      url: `/api/papers/${PAPER}/comments`,
      headers: { authorization: `Bearer ${token}` },
      payload: { text: 'x' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toContain('"body"');
    expect((await t.app.inject({ url: '/api/papers/9999.99999/comments' })).statusCode).toBe(404);
  });

  it('limits comments with 429 and Retry-After', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 11; i++) codes.push((await postForm(t.app, `/papers/${PAPER}/comments`, { body: `comment ${i}` }, ada)).statusCode);
    expect(codes.filter((c) => c === 303)).toHaveLength(10);
    const last = await postForm(t.app, `/papers/${PAPER}/comments`, { body: 'one more' }, ada);
    expect(last.statusCode).toBe(429);
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('the same comment twice', () => {
  it('folds identical comments posted at once by one member into one row, on the page and through the API', async () => {
    const body = 'A double click should not say this twice.';
    const posts = await Promise.all(Array.from({ length: 4 }, () => postForm(t.app, `/papers/${PAPER}/comments`, { body }, ada)));
    expect(posts.map((r) => r.statusCode)).toEqual([303, 303, 303, 303]);
    // Every post lands on the one comment.
    expect(new Set(posts.map((r) => r.headers.location)).size).toBe(1);
    const rows = await t.store.db.selectFrom('comments').select('id').where('body', '=', body).execute();
    expect(rows).toHaveLength(1);
    expect(
      (await t.store.db.selectFrom('papers').select('local_comments').where('id', '=', PAPER).executeTakeFirstOrThrow()).local_comments,
    ).toBe(1);

    const token = await apiToken(t.store, adaId);
    const api = () =>
      t.app.inject({
        method: 'POST',
        url: `/api/papers/${PAPER}/comments`,
        headers: { authorization: `Bearer ${token}` },
        payload: { body: 'Through the API, twice at once.' },
      });
    const [a, b] = await Promise.all([api(), api()]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 201]);
    expect(a.json().id).toBe(b.json().id);
    expect(
      await t.store.db.selectFrom('comments').select('id').where('body', '=', 'Through the API, twice at once.').execute(),
    ).toHaveLength(1);
  });

  it('keeps the same words by another member, as another reply, or once the first is deleted', async () => {
    const body = 'Agreed.';
    const first = await comment(ada, body);
    expect(await comment(bob, body)).not.toBe(first);
    expect(await comment(ada, body, first)).not.toBe(first);
    expect((await postForm(t.app, `/comments/${first}/delete`, {}, ada)).statusCode).toBe(303);
    expect(await comment(ada, body)).not.toBe(first);
    expect(await t.store.db.selectFrom('comments').select('id').where('body', '=', body).execute()).toHaveLength(3);
  });
});
