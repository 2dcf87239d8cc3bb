// The discussion's forms refused or previewed: the member's paper page comes back in place with the text
// kept in the box it was typed into, the message beside it, the reply or edit box open, and nothing
// stored; the API names the field; previews are sanitised exactly as posted comments; and a vote that
// must wait for a confirmed address is a note beside the button, not a dead end.
import type { HTMLElement } from 'node-html-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_COMMENT_CHARS } from '../../src/domain/comments.ts';
import { refusedForm } from '../support/forms.ts';
import { assertInert, fitting, label } from '../support/hostile.ts';
import { addPaper, apiToken, type Browser, getPage, makeMember, postForm, signedIn } from '../support/members.ts';
import { dom, text } from '../support/pages.ts';
import { buildTestApp, type TestApp } from '../support/store.ts';

const PAPER = '2606.30001';
const DAY = '2026-06-03';
let t: TestApp;
let ada: Browser;
let adaId: number;
let bob: Browser;

beforeEach(async () => {
  t = await buildTestApp();
  await addPaper(t.store, { id: PAPER, day: DAY });
  adaId = (await makeMember(t.store, { username: 'ada' })).id;
  ada = await signedIn(t.store, adaId);
  bob = await signedIn(t.store, (await makeMember(t.store, { username: 'bob' })).id);
});
afterEach(async () => {
  await t.cleanup();
});

const comments = async () => t.store.db.selectFrom('comments').select(['id', 'body', 'hidden_at']).orderBy('id').execute();

async function comment(b: Browser, body: string): Promise<number> {
  const res = await postForm(t.app, `/papers/${PAPER}/comments`, { body }, b);
  expect(res.statusCode, res.body).toBe(303);
  return Number(/#comment-(\d+)$/.exec(res.headers.location as string)?.[1]);
}

/**
 * A textarea's text exactly as a browser gives it back (entities decoded, spaces as sent, and the one
 * newline right after the tag dropped, as HTML parsing does).
 */
function areaText(root: HTMLElement, id: string): string {
  const el = root.querySelector(`textarea#${id}`);
  expect(el, `textarea #${id}`).not.toBeNull();
  return (el as HTMLElement).text.replace(/^\n/, '');
}

/** The page is the member's paper page, answering the POST itself (never cached). */
function expectPaperPage(res: { statusCode: number; body: string; headers: Record<string, unknown> }, status: number) {
  expect(res.statusCode, res.body.slice(0, 300)).toBe(status);
  expect(res.headers['cache-control']).toBe('no-store');
  const root = dom(res.body);
  expect(root.querySelector('h1.paper-page__title')).not.toBeNull();
  expect(text(root.querySelector('nav.account'))).toContain('@');
  return root;
}

describe('a refused comment form comes back in place', () => {
  it('an empty comment: the message beside the box, the box focused, nothing stored', async () => {
    const res = await postForm(t.app, `/papers/${PAPER}/comments`, { body: '   ' }, ada);
    const root = expectPaperPage(res, 400);
    const f = refusedForm(res.body, '#new-comment-form');
    expect(f.errors).toEqual({ body: 'A comment cannot be empty.' });
    expect(f.summary).toEqual(['Comment: A comment cannot be empty.']);
    expect(f.root.querySelector('[data-form-problems] a')?.getAttribute('href')).toBe('#new-comment');
    expect(root.querySelector('#new-comment')?.hasAttribute('autofocus')).toBe(true);
    expect(areaText(root, 'new-comment')).toBe('   ');
    // The page's forms carry the member's token, as on a GET.
    expect(root.querySelector('#new-comment-form input[name="_csrf"]')?.getAttribute('value')).toBe(ada.csrf);
    expect(await comments()).toEqual([]);
  });

  it('a comment of 10,499 characters: 413, every character kept, the count said beside the box', async () => {
    const start = 'Hello <b>there</b> & "friends" — $x^2$\n\n';
    const long = start + 'y'.repeat(10_499 - start.length);
    expect(long).toHaveLength(10_499);
    const res = await postForm(t.app, `/papers/${PAPER}/comments`, { body: long }, ada);
    const root = expectPaperPage(res, 413);
    const f = refusedForm(res.body, '#new-comment-form');
    expect(f.errors.body).toBe(`A comment has at most ${MAX_COMMENT_CHARS.toLocaleString('en-US')} characters (this one has 10,499).`);
    expect(areaText(root, 'new-comment')).toBe(long);
    expect(root.querySelector('#new-comment')?.getAttribute('aria-describedby')).toContain('new-comment-error');
    expect(await comments()).toEqual([]);
  });

  it('a reply with an empty body: its box open (server-side), the parent kept, other boxes closed', async () => {
    const parent = await comment(bob, 'A first comment.');
    const res = await postForm(t.app, `/papers/${PAPER}/comments`, { body: '', parent_id: String(parent) }, ada);
    const root = expectPaperPage(res, 400);
    const form = root.querySelector(`#reply-${parent}-form`);
    expect(form?.closest('details')?.hasAttribute('open')).toBe(true);
    const f = refusedForm(res.body, `#reply-${parent}-form`);
    expect(f.errors).toEqual({ body: 'A comment cannot be empty.' });
    expect(f.values.parent_id).toBe(String(parent));
    expect(root.querySelector(`#reply-${parent}`)?.hasAttribute('autofocus')).toBe(true);
    // The new-comment form reads as it did.
    expect(refusedForm(res.body, '#new-comment-form').errors).toEqual({});
    expect(root.querySelectorAll('[autofocus]')).toHaveLength(1);
    expect((await comments()).map((c) => c.id)).toEqual([parent]);
  });

  it('a reply to a comment removed meanwhile: 409, the text moves to the new-comment form', async () => {
    const parent = await comment(bob, 'Soon deleted.');
    await postForm(t.app, `/comments/${parent}/delete`, {}, bob);
    const res = await postForm(t.app, `/papers/${PAPER}/comments`, { body: 'My careful reply', parent_id: String(parent) }, ada);
    const root = expectPaperPage(res, 409);
    expect(areaText(root, 'new-comment')).toBe('My careful reply');
    expect(text(root.querySelector('#new-comment-form [role="alert"]'))).toContain('The comment you reply to was removed.');
  });

  it('an edit refused: the comment unchanged, the typed text kept in its open edit box', async () => {
    const id = await comment(ada, 'first version');
    const typed = `second version ${'z'.repeat(MAX_COMMENT_CHARS)}`;
    const res = await postForm(t.app, `/comments/${id}/edit`, { body: typed }, ada);
    const root = expectPaperPage(res, 413);
    expect(root.querySelector(`#edit-${id}-form`)?.closest('details')?.hasAttribute('open')).toBe(true);
    expect(areaText(root, `edit-${id}`)).toBe(typed);
    expect(refusedForm(res.body, `#edit-${id}-form`).errors.body).toMatch(/at most 10,000 characters/);
    expect(text(root.querySelector(`#comment-${id} .comment__body`))).toBe('first version');
    expect((await comments()).map((c) => c.body)).toEqual(['first version']);

    const empty = await postForm(t.app, `/comments/${id}/edit`, { body: ' ' }, ada);
    expectPaperPage(empty, 400);
    expect(refusedForm(empty.body, `#edit-${id}-form`).errors).toEqual({ body: 'A comment cannot be empty.' });
    // Someone else's comment is not theirs to correct: the error page, as before.
    const other = await postForm(t.app, `/comments/${id}/edit`, { body: 'hijack' }, bob);
    expect(other.statusCode).toBe(403);
    expect(dom(other.body).querySelector('h1.paper-page__title')).toBeNull();
  });

  it('a hide without a reason: the message beside the reason, its box open, nothing hidden or logged', async () => {
    const id = await comment(bob, 'Rude words.');
    const mod = await signedIn(t.store, (await makeMember(t.store, { username: 'mod', role: 'moderator' })).id);
    const res = await postForm(t.app, `/comments/${id}/hide`, { hidden: '1', reason: '  ' }, mod);
    const root = expectPaperPage(res, 400);
    expect(root.querySelector(`#hide-${id}-form`)?.closest('details')?.hasAttribute('open')).toBe(true);
    const f = refusedForm(res.body, `#hide-${id}-form`);
    expect(f.errors).toEqual({ reason: 'Say why: every moderation action is logged with its reason.' });
    expect(f.values.hidden).toBe('1');
    expect(root.querySelector(`#reason-${id}`)?.hasAttribute('autofocus')).toBe(true);
    expect((await comments())[0]?.hidden_at).toBeNull();
    expect(await t.store.db.selectFrom('moderation_log').selectAll().execute()).toEqual([]);
  });

  it('refusals with no form to come back to keep the error page: no such paper, not a moderator', async () => {
    const missing = await postForm(t.app, '/papers/2606.39999/comments', { body: 'Hello' }, ada);
    expect(missing.statusCode).toBe(404);
    expect(dom(missing.body).querySelector('h1.paper-page__title')).toBeNull();
    const id = await comment(bob, 'Fine words.');
    expect((await postForm(t.app, `/comments/${id}/hide`, { hidden: '1', reason: 'x' }, ada)).statusCode).toBe(403);
    const s = await buildTestApp({ rateLimitScale: '0.1' }); // 10 * 0.1 = 1 comment per window
    try {
      await addPaper(s.store, { id: PAPER, day: DAY });
      const b = await signedIn(s.store, (await makeMember(s.store)).id);
      expect((await postForm(s.app, `/papers/${PAPER}/comments`, { body: 'one' }, b)).statusCode).toBe(303);
    } finally {
      await s.cleanup();
    }
  });

  it('too many posts for now: 429 with its Retry-After, the text kept in the form for later', async () => {
    const s = await buildTestApp({ rateLimitScale: '0.1' }); // 10 * 0.1 = 1 comment per window
    try {
      await addPaper(s.store, { id: PAPER, day: DAY });
      const b = await signedIn(s.store, (await makeMember(s.store)).id);
      expect((await postForm(s.app, `/papers/${PAPER}/comments`, { body: 'one' }, b)).statusCode).toBe(303);
      const many = await postForm(s.app, `/papers/${PAPER}/comments`, { body: 'two, carefully written' }, b);
      expect(many.statusCode).toBe(429);
      expect(Number(many.headers['retry-after'])).toBeGreaterThan(0);
      const root = dom(many.body);
      expect(root.querySelector('h1.paper-page__title')).not.toBeNull();
      expect(areaText(root, 'new-comment')).toBe('two, carefully written');
      expect(text(root.querySelector('#new-comment-form [data-form-problems], #new-comment-form .notice'))).toMatch(
        /comment|minute|again/i,
      );
      expect((await s.store.db.selectFrom('comments').select('body').execute()).map((c) => c.body)).toEqual(['one']);
    } finally {
      await s.cleanup();
    }
  });
});

describe('the comment API names the field', () => {
  it('answers {error, code, fields: {body}} for an empty, an over-long and a missing body', async () => {
    const token = await apiToken(t.store, adaId);
    const post = (payload: unknown) =>
      t.app.inject({
        method: 'POST',
        url: `/api/papers/${PAPER}/comments`,
        payload: payload as object,
        headers: { authorization: `Bearer ${token}` },
      });
    const empty = await post({ body: '  ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toEqual({ error: 'A comment cannot be empty.', code: 'empty', fields: { body: 'A comment cannot be empty.' } });
    const long = await post({ body: 'x'.repeat(10_499) });
    expect(long.statusCode).toBe(413);
    expect(long.json()).toMatchObject({ code: 'too_long', fields: { body: expect.stringMatching(/this one has 10,499/) } });
    const missing = await post({ parentId: 'nope' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toMatch(/^Send JSON/);
    expect(Object.keys(missing.json().fields).sort()).toEqual(['body', 'parentId']);
    expect(missing.json().fields.body).toBe('Fill this in.');
    expect(await comments()).toEqual([]);
  });
});

describe('comment preview', () => {
  it('without JS: the page comes back with the preview above the text, nothing stored', async () => {
    const res = await postForm(t.app, `/papers/${PAPER}/comments`, { body: 'We show **this**: $x^2$', intent: 'preview' }, ada);
    const root = expectPaperPage(res, 200);
    const box = root.querySelector('#new-comment-form [data-comment-preview] .comment__body');
    expect(box?.querySelector('strong')).not.toBeNull();
    expect(box?.querySelector('.katex annotation')?.text).toBe('x^2');
    expect(res.body).toContain('/static/katex/katex.min.css');
    expect(areaText(root, 'new-comment')).toBe('We show **this**: $x^2$');
    expect(refusedForm(res.body, '#new-comment-form').errors).toEqual({});
    expect(await comments()).toEqual([]);
  });

  it('previews a reply and an edit in their open boxes; an empty preview is refused beside the box', async () => {
    const id = await comment(ada, 'first version');
    const reply = await postForm(t.app, `/papers/${PAPER}/comments`, { body: '_a reply_', parent_id: String(id), intent: 'preview' }, bob);
    const r = expectPaperPage(reply, 200);
    expect(r.querySelector(`#reply-${id}-form`)?.closest('details')?.hasAttribute('open')).toBe(true);
    expect(r.querySelector(`#reply-${id}-form [data-comment-preview] em`)?.text).toBe('a reply');
    const edit = await postForm(t.app, `/comments/${id}/edit`, { body: 'second *version*', intent: 'preview' }, ada);
    const e = expectPaperPage(edit, 200);
    expect(e.querySelector(`#edit-${id}-form [data-comment-preview] em`)?.text).toBe('version');
    expect(areaText(e, `edit-${id}`)).toBe('second *version*');
    expect((await comments()).map((c) => c.body)).toEqual(['first version']);
    const empty = await postForm(t.app, `/papers/${PAPER}/comments`, { body: '', intent: 'preview' }, ada);
    expectPaperPage(empty, 400);
    expect(refusedForm(empty.body, '#new-comment-form').errors).toEqual({ body: 'A comment cannot be empty.' });
    expect((await postForm(t.app, `/comments/${id}/edit`, { body: 'x', intent: 'preview' }, bob)).statusCode).toBe(403);
  });

  it('with JS: POST /comments/preview answers {html}, refusals with fields; members only, with their token', async () => {
    const ok = await postForm(t.app, '/comments/preview', { body: '**bold**' }, ada, { accept: 'application/json' });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['cache-control']).toBe('no-store');
    expect(ok.json().html).toContain('<strong>bold</strong>');
    const empty = await postForm(t.app, '/comments/preview', { body: '' }, ada, { accept: 'application/json' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toEqual({ error: 'A comment cannot be empty.', code: 'empty', fields: { body: 'A comment cannot be empty.' } });
    const stale = await postForm(
      t.app,
      '/comments/preview',
      { body: 'x' },
      { cookie: ada.cookie, csrf: 'wrong' },
      { accept: 'application/json' },
    );
    expect(stale.statusCode).toBe(403);
    const anon = await postForm(t.app, '/comments/preview', { body: 'x', _csrf: '' }, undefined, { accept: 'application/json' });
    expect(anon.statusCode).toBe(401);
    expect(await comments()).toEqual([]);
  });

  it('is rate-limited apart from posts', async () => {
    const s = await buildTestApp({ rateLimitScale: '0.05' }); // 60 * 0.05 = 3 previews per window
    try {
      const b = await signedIn(s.store, (await makeMember(s.store)).id);
      const codes: number[] = [];
      for (let i = 0; i < 4; i++)
        codes.push((await postForm(s.app, '/comments/preview', { body: `try ${i}` }, b, { accept: 'application/json' })).statusCode);
      expect(codes).toEqual([200, 200, 200, 429]);
    } finally {
      await s.cleanup();
    }
  });

  it('hostile text: the preview is exactly the HTML a posted comment gets, and inert', async () => {
    const s = await buildTestApp({ rateLimitScale: '0' });
    try {
      await addPaper(s.store, { id: PAPER, day: DAY });
      const b = await signedIn(s.store, (await makeMember(s.store)).id);
      for (const p of fitting(MAX_COMMENT_CHARS).filter((x) => x.trim())) {
        const preview = await postForm(s.app, '/comments/preview', { body: p }, b, { accept: 'application/json' });
        expect(preview.statusCode, label(p)).toBe(200);
        const shown = preview.json().html as string;
        assertInert(dom(shown), `preview of ${label(p)}`);
        const page = await postForm(s.app, `/papers/${PAPER}/comments`, { body: p, intent: 'preview' }, b);
        expect(page.statusCode, label(p)).toBe(200);
        // The whole page: the preview, and the text kept in its box.
        assertInert(dom(page.body).querySelector('main') as HTMLElement, `page preview of ${label(p)}`);
        const posted = await postForm(s.app, `/papers/${PAPER}/comments`, { body: p }, b);
        expect(posted.statusCode, label(p)).toBe(303);
        const id = Number(/#comment-(\d+)$/.exec(posted.headers.location as string)?.[1]);
        const row = await s.store.db.selectFrom('comments').select('body_html').where('id', '=', id).executeTakeFirstOrThrow();
        expect(shown, label(p)).toBe(row.body_html);
      }
    } finally {
      await s.cleanup();
    }
  }, 120_000);
});

describe('a vote before the address is confirmed', () => {
  it('with JS: a 403 JSON answer the script shows beside the button; nothing counted', async () => {
    const u = await makeMember(t.store, { confirmed: false });
    const b = await signedIn(t.store, u.id);
    const res = await postForm(t.app, `/papers/${PAPER}/upvote`, { vote: 'up' }, b, { accept: 'application/json' });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({
      error: `Confirm your email address to vote: we sent a link to ${u.email}.`,
      code: 'confirm_email',
      link: { href: '/settings#email', text: 'Ask for a new link in your settings' },
    });
    const id = await comment(ada, 'Vote on me.');
    const onComment = await postForm(t.app, `/comments/${id}/vote`, { value: '1' }, b, { accept: 'application/json' });
    expect(onComment.statusCode).toBe(403);
    expect(onComment.json().code).toBe('confirm_email');
    expect(await t.store.db.selectFrom('votes').selectAll().execute()).toEqual([]);
    expect(await t.store.db.selectFrom('comment_votes').selectAll().execute()).toEqual([]);
  });

  it('without JS: back to the page it came from, which says so on top; others never see the note', async () => {
    const u = await makeMember(t.store, { confirmed: false });
    const b = await signedIn(t.store, u.id);
    const res = await postForm(t.app, `/papers/${PAPER}/upvote`, { vote: 'up' }, b, {
      referer: `http://localhost:3000/papers/date/${DAY}?page=1`,
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/papers/date/${DAY}?page=1&confirm_to_vote=1#confirm-to-vote`);
    const page = await getPage(t.app, `/papers/date/${DAY}?page=1&confirm_to_vote=1`, b);
    expect(page.status).toBe(200);
    const note = page.root.querySelector('main > #confirm-to-vote');
    expect(text(note)).toContain('Confirm your email address to vote');
    expect(note?.querySelector('a')?.getAttribute('href')).toBe('/settings#email');
    // A link from another site is not followed back; the paper page is.
    const foreign = await postForm(t.app, `/papers/${PAPER}/upvote`, { vote: 'up' }, b, { referer: 'https://evil.example/x' });
    expect(foreign.headers.location).toBe(`/papers/${PAPER}?confirm_to_vote=1#confirm-to-vote`);
    const paper = await getPage(t.app, `/papers/${PAPER}?confirm_to_vote=1`, b);
    expect(paper.root.querySelector('main > #confirm-to-vote')).not.toBeNull();
    // Up front, beside the paper page's button, too.
    expect(text(paper.root.querySelector('.paper-page__vote .vote-note'))).toBe('Confirm your email address to vote');
    // A confirmed member and a visitor with the same address see no note.
    for (const who of [ada, undefined]) {
      const other = await getPage(t.app, `/papers/date/${DAY}?page=1&confirm_to_vote=1`, who);
      expect(other.root.querySelector('#confirm-to-vote')).toBeNull();
      expect(other.root.querySelector('.vote-note')).toBeNull();
    }
    expect((await getPage(t.app, `/papers/${PAPER}`, ada)).root.querySelector('.vote-note')).toBeNull();
    expect(await t.store.db.selectFrom('votes').selectAll().execute()).toEqual([]);
  });
});
