// Roles and moderation: hiding papers and comments, suspending members, granting roles, the log;
// authorship claims and their decision; organisations, their members, and linking papers.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addPaper,
  anonymousForm,
  apiToken,
  type Browser,
  getPage,
  makeMember,
  postForm,
  signedIn,
  type TestMember,
} from '../support/members.ts';
import { text } from '../support/pages.ts';
import { buildTestApp, type TestApp } from '../support/store.ts';

const PAPER = '2606.40001';
const DAY = '2026-06-02';
let t: TestApp;
let admin: Browser;
let adminM: TestMember;
let mod: Browser;
let modM: TestMember;
let ada: Browser;
let adaM: TestMember;

beforeEach(async () => {
  t = await buildTestApp();
  await addPaper(t.store, { id: PAPER, day: DAY, authors: ['Ada Lovelace', 'Charles Babbage'] });
  adminM = await makeMember(t.store, { username: 'root-admin', role: 'admin' });
  modM = await makeMember(t.store, { username: 'mod', role: 'moderator' });
  adaM = await makeMember(t.store, { username: 'ada', fullname: 'Ada Lovelace' });
  admin = await signedIn(t.store, adminM.id);
  mod = await signedIn(t.store, modM.id);
  ada = await signedIn(t.store, adaM.id);
});
afterEach(async () => {
  await t.cleanup();
});

async function log() {
  return t.store.db.selectFrom('moderation_log').selectAll().orderBy('id').execute();
}

describe('moderation', () => {
  it('hides a paper from every list (moderators only, with a reason, logged)', async () => {
    expect((await postForm(t.app, `/papers/${PAPER}/hide`, { hidden: '1', reason: 'spam' }, ada)).statusCode).toBe(403);
    expect((await postForm(t.app, `/papers/${PAPER}/hide`, { hidden: '1', reason: '' }, mod)).statusCode).toBe(400);
    expect((await postForm(t.app, `/papers/${PAPER}/hide`, { hidden: '1', reason: 'off-topic spam' }, mod)).statusCode).toBe(303);
    expect((await getPage(t.app, `/papers/${PAPER}`)).status).toBe(404);
    expect((await getPage(t.app, `/papers/${PAPER}`, ada)).status).toBe(404);
    expect((await t.app.inject({ url: `/api/papers/${PAPER}` })).statusCode).toBe(404);
    expect((await getPage(t.app, `/papers/date/${DAY}`)).root.querySelector('[data-paper-link]')).toBeNull();
    // Moderators still see it, to show it again.
    const seen = await getPage(t.app, `/papers/${PAPER}`, mod);
    expect(seen.status).toBe(200);
    expect(seen.body).toContain('Moderators hid this paper');
    await postForm(t.app, `/papers/${PAPER}/hide`, { hidden: '0', reason: 'appeal accepted' }, mod);
    expect((await getPage(t.app, `/papers/${PAPER}`)).status).toBe(200);
    expect((await log()).map((r) => [r.action, r.actor_id, r.target_id, r.reason])).toEqual([
      ['paper.hide', modM.id, PAPER, 'off-topic spam'],
      ['paper.unhide', modM.id, PAPER, 'appeal accepted'],
    ]);
  });

  it('hides a comment (its replies stay under a placeholder) and counts it out', async () => {
    const res = await postForm(t.app, `/papers/${PAPER}/comments`, { body: 'rude words' }, ada);
    const id = Number(/comment-(\d+)/.exec(res.headers.location as string)?.[1]);
    expect((await postForm(t.app, `/comments/${id}/hide`, { hidden: '1', reason: 'rude' }, ada)).statusCode).toBe(403);
    expect((await postForm(t.app, `/comments/${id}/hide`, { hidden: '1', reason: 'rude' }, mod)).statusCode).toBe(303);
    const anon = await getPage(t.app, `/papers/${PAPER}`);
    expect(anon.body).not.toContain('rude words');
    expect((await t.app.inject({ url: `/api/papers/${PAPER}` })).json().numComments).toBe(0);
    const modView = await getPage(t.app, `/papers/${PAPER}`, mod);
    expect(modView.root.querySelector(`#comment-${id}.comment--hidden`)).not.toBeNull();
    // The author cannot edit it back.
    expect((await postForm(t.app, `/comments/${id}/edit`, { body: 'polite' }, ada)).statusCode).toBe(409);
  });

  it('suspends a member: sessions end, tokens stop, sign-in is refused with the reason', async () => {
    const token = await apiToken(t.store, adaM.id);
    expect((await postForm(t.app, `/admin/members/${adaM.id}/suspend`, { suspended: '1', reason: 'vote rings' }, ada)).statusCode).toBe(
      403,
    );
    const res = await postForm(t.app, `/admin/members/${adaM.id}/suspend`, { suspended: '1', reason: 'vote rings' }, mod);
    expect(res.statusCode).toBe(303);
    expect((await getPage(t.app, '/settings', ada)).status).toBe(303);
    expect(
      (await t.app.inject({ method: 'POST', url: `/api/papers/${PAPER}/upvote`, headers: { authorization: `Bearer ${token}` } }))
        .statusCode,
    ).toBe(403);
    const f = await anonymousForm(t.app, '/signin');
    const signin = await postForm(t.app, '/signin', { email: adaM.email, password: adaM.password }, f);
    expect(signin.statusCode).toBe(403);
    expect(signin.body).toContain('suspended: vote rings');
    // A moderator cannot suspend an admin, nor themself.
    expect((await postForm(t.app, `/admin/members/${adminM.id}/suspend`, { suspended: '1', reason: 'coup' }, mod)).statusCode).toBe(403);
    expect((await postForm(t.app, `/admin/members/${modM.id}/suspend`, { suspended: '1', reason: 'oops' }, mod)).statusCode).toBe(403);
  });

  it('lets admins only grant roles, never to themselves', async () => {
    expect((await postForm(t.app, `/admin/members/${adaM.id}/role`, { role: 'moderator', reason: 'helpful' }, mod)).statusCode).toBe(403);
    expect((await postForm(t.app, `/admin/members/${adminM.id}/role`, { role: 'member', reason: 'x' }, admin)).statusCode).toBe(403);
    expect((await postForm(t.app, `/admin/members/${adaM.id}/role`, { role: 'emperor', reason: 'x' }, admin)).statusCode).toBe(400);
    expect(
      (await postForm(t.app, `/admin/members/${adaM.id}/role`, { role: 'trusted', reason: 'good submissions' }, admin)).statusCode,
    ).toBe(303);
    expect((await t.store.db.selectFrom('accounts').select('role').where('user_id', '=', adaM.id).executeTakeFirstOrThrow()).role).toBe(
      'trusted',
    );
  });

  it('shows /admin to moderators and admins, and the log to admins only', async () => {
    expect((await getPage(t.app, '/admin')).status).toBe(303);
    expect((await getPage(t.app, '/admin', ada)).status).toBe(403);
    await postForm(t.app, `/papers/${PAPER}/hide`, { hidden: '1', reason: 'a logged reason' }, mod);
    const m = await getPage(t.app, '/admin', mod);
    expect(m.status).toBe(200);
    expect(m.body).toContain('@ada');
    expect(m.body).not.toContain('a logged reason');
    const a = await getPage(t.app, '/admin', admin);
    expect(text(a.root.querySelector('[aria-labelledby="log-h"]'))).toMatch(/@mod\s*paper\.hide.*a logged reason/);
    // The header's menu links to it for moderators only.
    expect(a.root.querySelector('.account-menu a[href="/admin"]')).not.toBeNull();
    expect((await getPage(t.app, '/papers', ada)).root.querySelector('.account-menu a[href="/admin"]')).toBeNull();
  });
});

describe('authorship', () => {
  it('is claimed by a member, confirmed by an admin, and then shown on the page and in the API', async () => {
    const claim = await postForm(t.app, `/papers/${PAPER}/claim`, { position: '0' }, ada);
    expect(claim.statusCode).toBe(303);
    expect((await postForm(t.app, `/papers/${PAPER}/claim`, { position: '1' }, ada)).statusCode).toBe(409);
    expect((await postForm(t.app, `/papers/${PAPER}/claim`, { position: '9' }, mod)).statusCode).toBe(404);
    // Not yet shown anywhere.
    expect((await t.app.inject({ url: `/api/papers/${PAPER}` })).json().authors[0].status).toBeUndefined();
    const claimId = (await t.store.db.selectFrom('author_claims').select('id').executeTakeFirstOrThrow()).id;
    expect((await postForm(t.app, `/admin/claims/${claimId}`, { decision: 'confirm', reason: 'checked ORCID' }, mod)).statusCode).toBe(403);
    const page = await getPage(t.app, '/admin', admin);
    expect(text(page.root.querySelector('[aria-labelledby="claims-h"]'))).toContain('@ada');
    expect((await postForm(t.app, `/admin/claims/${claimId}`, { decision: 'confirm', reason: 'checked ORCID' }, admin)).statusCode).toBe(
      303,
    );
    const api = (await t.app.inject({ url: `/api/papers/${PAPER}` })).json();
    expect(api.authors[0]).toMatchObject({ name: 'Ada Lovelace', status: 'claimed_verified', user: { user: 'ada' } });
    expect(api.authors[1].status).toBeUndefined();
    const paper = await getPage(t.app, `/papers/${PAPER}`);
    expect(paper.root.querySelector('.author-list a.claimed[href="/submitters/ada"]')).not.toBeNull();
    // Decided once.
    expect((await postForm(t.app, `/admin/claims/${claimId}`, { decision: 'refuse', reason: 'x' }, admin)).statusCode).toBe(409);
    expect((await log()).at(-1)).toMatchObject({ action: 'claim.confirm', reason: 'checked ORCID' });
  });
});

describe('organisations and links', () => {
  it('has members managed by its admins, and lets confirmed authors link papers to it, to GitHub and a project page', async () => {
    expect((await postForm(t.app, '/admin/orgs', { name: 'lab', fullname: 'The Lab' }, ada)).statusCode).toBe(403);
    expect((await postForm(t.app, '/admin/orgs', { name: 'lab', fullname: 'The Lab' }, admin)).statusCode).toBe(303);
    // Ada is not an author yet: cannot link.
    expect((await postForm(t.app, `/papers/${PAPER}/links`, { github_repo: 'https://github.com/ada/engine' }, ada)).statusCode).toBe(403);
    await postForm(t.app, `/papers/${PAPER}/claim`, { position: '0' }, ada);
    const claimId = (await t.store.db.selectFrom('author_claims').select('id').executeTakeFirstOrThrow()).id;
    await postForm(t.app, `/admin/claims/${claimId}`, { decision: 'confirm', reason: 'ok' }, admin);

    expect((await postForm(t.app, `/papers/${PAPER}/links`, { github_repo: 'javascript:alert(1)' }, ada)).statusCode).toBe(400);
    expect((await postForm(t.app, `/papers/${PAPER}/links`, { project_page: 'javascript:alert(1)' }, ada)).statusCode).toBe(400);
    expect((await postForm(t.app, `/papers/${PAPER}/links`, { organization: 'lab' }, ada)).statusCode).toBe(403);
    // Members are added by the organisation's admins (the admin who made it is one).
    expect((await postForm(t.app, '/orgs/lab/members', { username: 'ada', role: 'member' }, mod)).statusCode).toBe(403);
    expect((await postForm(t.app, '/orgs/lab/members', { username: 'ada', role: 'member' }, admin)).statusCode).toBe(303);
    const res = await postForm(
      t.app,
      `/papers/${PAPER}/links`,
      { organization: 'lab', github_repo: 'https://github.com/ada/engine.git', project_page: 'https://ada.example.org/engine' },
      ada,
    );
    expect(res.statusCode).toBe(303);
    const api = (await t.app.inject({ url: `/api/papers/${PAPER}` })).json();
    expect(api).toMatchObject({
      githubRepo: 'https://github.com/ada/engine',
      projectPage: 'https://ada.example.org/engine',
      organization: { name: 'lab', fullname: 'The Lab' },
    });
    const org = await getPage(t.app, '/orgs/lab');
    expect(text(org.root.querySelector('.org-members'))).toContain('Ada Lovelace');
    expect(org.root.querySelector('[data-paper-link][href="/papers/2606.40001"]')).not.toBeNull();
    // "Manage members" is for members: a visitor gets the cached page without it, a member with it.
    const manage = 'a[href="/orgs/lab/members"]';
    expect(org.root.querySelector(manage)).toBeNull();
    const asMember = await getPage(t.app, '/orgs/lab', ada);
    expect(asMember.root.querySelector(manage)?.text).toBe('Manage members');
    expect((await getPage(t.app, '/orgs/lab')).root.querySelector(manage)).toBeNull();
    // A member may leave; another member may not remove them.
    const adaRow = await t.store.db.selectFrom('org_members').select('user_id').where('user_id', '=', adaM.id).executeTakeFirstOrThrow();
    expect((await postForm(t.app, `/orgs/lab/members/${adaRow.user_id}/remove`, {}, mod)).statusCode).toBe(403);
    expect((await postForm(t.app, `/orgs/lab/members/${adaRow.user_id}/remove`, {}, ada)).statusCode).toBe(303);
  });
});
