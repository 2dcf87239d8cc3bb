// The moderation, admin and organisation forms refused: each answered with its page again (the
// refusal's status), every message beside its field in the refused form only, what was typed kept,
// and nothing changed or logged.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refusedForm } from '../support/forms.ts';
import { addPaper, type Browser, makeMember, postForm, signedIn, type TestMember } from '../support/members.ts';
import { text } from '../support/pages.ts';
import { buildTestApp, type TestApp } from '../support/store.ts';

const PAPER = '2606.40002';
const SAY_WHY = 'Say why: every moderation action is logged with its reason.';
let t: TestApp;
let admin: Browser;
let adminM: TestMember;
let mod: Browser;
let ada: Browser;
let adaM: TestMember;

beforeEach(async () => {
  t = await buildTestApp();
  await addPaper(t.store, { id: PAPER, day: '2026-06-02', authors: ['Ada Lovelace', 'Charles Babbage'] });
  adminM = await makeMember(t.store, { username: 'root-admin', role: 'admin' });
  const modM = await makeMember(t.store, { username: 'mod', role: 'moderator' });
  adaM = await makeMember(t.store, { username: 'ada', fullname: 'Ada Lovelace' });
  admin = await signedIn(t.store, adminM.id);
  mod = await signedIn(t.store, modM.id);
  ada = await signedIn(t.store, adaM.id);
});
afterEach(async () => {
  await t.cleanup();
});

const logged = async () => (await t.store.db.selectFrom('moderation_log').select('id').execute()).length;
const account = async (id: number) =>
  t.store.db.selectFrom('accounts').select(['role', 'suspended_at']).where('user_id', '=', id).executeTakeFirstOrThrow();

/** Each summary link of the page lands on a field of `form`. */
function linksLandIn(body: string, form: string): string[] {
  const f = refusedForm(body, form);
  const links = f.root.querySelectorAll('[data-form-problems] a').map((a) => a.getAttribute('href') ?? '');
  for (const l of links) expect(f.root.querySelector(`${form} ${l}`), l).not.toBeNull();
  return links;
}

describe('suspend form refused', () => {
  it('a reason of spaces is said beside that member’s reason, kept, and nothing is done or logged', async () => {
    const res = await postForm(t.app, `/admin/members/${adaM.id}/suspend`, { suspended: '1', reason: '   ' }, mod);
    expect(res.statusCode).toBe(400);
    const form = `form[action="/admin/members/${adaM.id}/suspend"]`;
    const f = refusedForm(res.body, form);
    expect(f.errors).toEqual({ reason: SAY_WHY });
    expect(f.values).toMatchObject({ suspended: '1', reason: '   ' });
    expect(f.summary).toEqual([`Reason: ${SAY_WHY}`]);
    expect(linksLandIn(res.body, form)).toEqual([`#susp-${adaM.id}`]);
    // Only that form says it: the other rows and forms are as they were.
    expect(f.root.querySelectorAll('[aria-invalid="true"]')).toHaveLength(1);
    expect(f.root.querySelectorAll('[data-form-problems]')).toHaveLength(1);
    expect((await account(adaM.id)).suspended_at).toBeNull();
    expect(await logged()).toBe(0);
  });

  it('a reason too long is said beside it', async () => {
    const long = 'because '.repeat(80);
    const res = await postForm(t.app, `/admin/members/${adaM.id}/suspend`, { suspended: '1', reason: long }, mod);
    expect(res.statusCode).toBe(400);
    const f = refusedForm(res.body, `form[action="/admin/members/${adaM.id}/suspend"]`);
    expect(f.errors.reason).toBe('A reason has at most 500 characters.');
    expect(f.values.reason).toBe(long);
    expect((await account(adaM.id)).suspended_at).toBeNull();
  });

  it('a member beyond the first page of the list still has their refused row shown', async () => {
    const late = adaM;
    for (let i = 0; i < 101; i++) await makeMember(t.store, { username: `later-${i}` });
    const res = await postForm(t.app, `/admin/members/${late.id}/suspend`, { suspended: '1', reason: '' }, mod);
    expect(res.statusCode).toBe(400);
    const f = refusedForm(res.body, `form[action="/admin/members/${late.id}/suspend"]`);
    expect(f.errors).toEqual({ reason: SAY_WHY });
    expect(linksLandIn(res.body, `form[action="/admin/members/${late.id}/suspend"]`)).toEqual([`#susp-${late.id}`]);
  });

  it('a member the moderator may not suspend: said on top of the members (403), nothing done', async () => {
    const res = await postForm(t.app, `/admin/members/${adminM.id}/suspend`, { suspended: '1', reason: 'coup' }, mod);
    expect(res.statusCode).toBe(403);
    const root = refusedForm(res.body).root;
    expect(text(root.querySelector('[aria-labelledby="members-h"] .notice--error'))).toBe('You may not suspend this member.');
    expect((await account(adminM.id)).suspended_at).toBeNull();
  });
});

describe('role form refused', () => {
  it('a role sent altered and no reason: both said at once, each beside its field', async () => {
    const form = `form[action="/admin/members/${adaM.id}/role"]`;
    const res = await postForm(t.app, `/admin/members/${adaM.id}/role`, { role: 'emperor', reason: '' }, admin);
    expect(res.statusCode).toBe(400);
    const f = refusedForm(res.body, form);
    expect(f.errors).toEqual({ role: 'A role is one of member, trusted, moderator, admin.', reason: SAY_WHY });
    expect(f.summary).toHaveLength(2);
    expect(linksLandIn(res.body, form)).toEqual([`#role-${adaM.id}`, `#role-reason-${adaM.id}`]);
    expect((await account(adaM.id)).role).toBe('member');
    expect(await logged()).toBe(0);
  });

  it('a good role without a reason: the chosen role stays selected, the reason is asked for', async () => {
    const res = await postForm(t.app, `/admin/members/${adaM.id}/role`, { role: 'trusted', reason: '' }, admin);
    expect(res.statusCode).toBe(400);
    const f = refusedForm(res.body, `form[action="/admin/members/${adaM.id}/role"]`);
    expect(f.errors).toEqual({ reason: SAY_WHY });
    expect(f.root.querySelector(`#role-${adaM.id} option[selected]`)?.getAttribute('value')).toBe('trusted');
    // The suspend form of the same row is untouched.
    expect(refusedForm(res.body, `form[action="/admin/members/${adaM.id}/suspend"]`).errors).toEqual({});
    expect((await account(adaM.id)).role).toBe('member');
  });
});

describe('claim form refused', () => {
  it('a decision without a reason is said beside that claim’s reason, and the claim waits', async () => {
    expect((await postForm(t.app, `/papers/${PAPER}/claim`, { position: '0' }, ada)).statusCode).toBe(303);
    const claim = await t.store.db.selectFrom('author_claims').select('id').executeTakeFirstOrThrow();
    const form = `form[action="/admin/claims/${claim.id}"]`;
    const res = await postForm(t.app, `/admin/claims/${claim.id}`, { decision: 'confirm', reason: '' }, admin);
    expect(res.statusCode).toBe(400);
    const f = refusedForm(res.body, form);
    expect(f.errors).toEqual({ reason: SAY_WHY });
    expect(linksLandIn(res.body, form)).toEqual([`#claim-${claim.id}`]);
    expect((await t.store.db.selectFrom('author_claims').select('status').executeTakeFirstOrThrow()).status).toBe('pending');
  });
});

describe('new organisation form refused', () => {
  const FORM = 'form[action="/admin/orgs"]';
  const orgs = async () => (await t.store.db.selectFrom('organizations').select('id').execute()).length;

  it('a bad short name and a full name too long: both at once, kept', async () => {
    const fullname = 'The Laboratory '.repeat(8);
    const res = await postForm(t.app, '/admin/orgs', { name: 'a lab!', fullname }, admin);
    expect(res.statusCode).toBe(400);
    const f = refusedForm(res.body, FORM);
    expect(f.errors).toEqual({
      name: 'An organization name has 2 to 39 letters, digits, "-" or "_".',
      fullname: 'A full name has at most 100 characters.',
    });
    expect(f.values).toMatchObject({ name: 'a lab!', fullname });
    expect(linksLandIn(res.body, FORM)).toEqual(['#org-name', '#org-fullname']);
    expect(await orgs()).toBe(0);
  });

  it('an empty short name is asked for; a taken one is said beside it (409)', async () => {
    const empty = await postForm(t.app, '/admin/orgs', { name: '', fullname: 'The Lab' }, admin);
    expect(empty.statusCode).toBe(400);
    expect(refusedForm(empty.body, FORM).errors.name).toMatch(/^Give the organization a short name/);
    expect((await postForm(t.app, '/admin/orgs', { name: 'lab', fullname: 'The Lab' }, admin)).statusCode).toBe(303);
    const taken = await postForm(t.app, '/admin/orgs', { name: 'lab', fullname: 'Another Lab' }, admin);
    expect(taken.statusCode).toBe(409);
    const f = refusedForm(taken.body, FORM);
    expect(f.errors).toEqual({ name: 'The organization “lab” exists already.' });
    expect(f.values.fullname).toBe('Another Lab');
    expect(await orgs()).toBe(1);
  });
});

describe('organisation members form refused', () => {
  const FORM = 'form[action="/orgs/lab/members"]';
  const members = async () => (await t.store.db.selectFrom('org_members').select('user_id').execute()).length;
  beforeEach(async () => {
    expect((await postForm(t.app, '/admin/orgs', { name: 'lab', fullname: 'The Lab' }, admin)).statusCode).toBe(303);
  });

  it('an unknown username is said beside it (404), kept, and the role chosen stays chosen', async () => {
    const res = await postForm(t.app, '/orgs/lab/members', { username: 'nobody-here', role: 'admin' }, admin);
    expect(res.statusCode).toBe(404);
    const f = refusedForm(res.body, FORM);
    expect(f.errors).toEqual({ username: 'There is no member “nobody-here” with an account here.' });
    expect(f.values.username).toBe('nobody-here');
    expect(f.root.querySelector('#add-role option[selected]')?.getAttribute('value')).toBe('admin');
    expect(linksLandIn(res.body, FORM)).toEqual(['#add-username']);
    expect(await members()).toBe(1);
  });

  it('an unknown username and a role sent altered: both at once', async () => {
    const res = await postForm(t.app, '/orgs/lab/members', { username: 'nobody-here', role: 'owner' }, admin);
    expect(res.statusCode).toBe(400);
    const f = refusedForm(res.body, FORM);
    expect(Object.keys(f.errors)).toEqual(['username', 'role']);
    expect(f.errors.role).toBe('A member’s role is "member" or "admin".');
    expect(linksLandIn(res.body, FORM)).toEqual(['#add-username', '#add-role']);
    expect(await members()).toBe(1);
  });

  it('no username: asked for', async () => {
    const res = await postForm(t.app, '/orgs/lab/members', { username: ' ', role: 'member' }, admin);
    expect(res.statusCode).toBe(400);
    expect(refusedForm(res.body, FORM).errors).toEqual({ username: 'Give the username of the member to add.' });
  });
});

describe('paper tools refused', () => {
  const HIDE = `form[action="/papers/${PAPER}/hide"]`;
  const LINKS = `form[action="/papers/${PAPER}/links"]`;
  const paper = async () =>
    t.store.db
      .selectFrom('papers')
      .select(['hidden', 'github_repo', 'project_page', 'organization_id'])
      .where('id', '=', PAPER)
      .executeTakeFirstOrThrow();

  it('hiding without a reason: the paper page again, the tool open, the reason asked for beside it', async () => {
    const res = await postForm(t.app, `/papers/${PAPER}/hide`, { hidden: '1', reason: '' }, mod);
    expect(res.statusCode).toBe(400);
    const f = refusedForm(res.body, HIDE);
    expect(f.errors).toEqual({ reason: SAY_WHY });
    expect(linksLandIn(res.body, HIDE)).toEqual(['#hide-reason']);
    expect(f.root.querySelector(HIDE)?.closest('details')?.hasAttribute('open')).toBe(true);
    // The rest of the page: the paper and its discussion form.
    expect(f.root.querySelector('.paper-page')).not.toBeNull();
    expect(f.root.querySelector(`form[action="/papers/${PAPER}/comments"]`)).not.toBeNull();
    expect(res.headers['cache-control']).toBe('no-store');
    expect((await paper()).hidden).toBe(0);
    expect(await logged()).toBe(0);
  });

  it('bad GitHub and project page addresses: both at once, beside each, kept, nothing stored', async () => {
    const res = await postForm(
      t.app,
      `/papers/${PAPER}/links`,
      { github_repo: 'https://gitlab.com/ada/engine', project_page: 'javascript:alert(1)' },
      admin,
    );
    expect(res.statusCode).toBe(400);
    const f = refusedForm(res.body, LINKS);
    expect(f.errors).toEqual({
      github_repo: 'A GitHub repository looks like https://github.com/owner/name.',
      project_page: 'A project page is an http(s) address, such as https://example.org/project.',
    });
    expect(f.values).toMatchObject({ github_repo: 'https://gitlab.com/ada/engine', project_page: 'javascript:alert(1)' });
    expect(linksLandIn(res.body, LINKS)).toEqual(['#link-gh', '#link-project']);
    expect(f.root.querySelector(LINKS)?.closest('details')?.hasAttribute('open')).toBe(true);
    // The moderation tool is shown closed, without messages.
    expect(refusedForm(res.body, HIDE).errors).toEqual({});
    expect(f.root.querySelector(HIDE)?.closest('details')?.hasAttribute('open')).toBe(false);
    // A refused address is text in a value, never a link.
    expect(f.root.querySelector('a[href^="javascript:"]')).toBeNull();
    expect(await paper()).toMatchObject({ github_repo: null, project_page: null });
  });

  it('an unknown organisation is said beside it (404), with a bad repo (400) at once', async () => {
    const res = await postForm(t.app, `/papers/${PAPER}/links`, { organization: 'no-such-lab', github_repo: 'not a url' }, admin);
    expect(res.statusCode).toBe(400);
    const f = refusedForm(res.body, LINKS);
    expect(f.errors).toEqual({
      organization: 'There is no organization “no-such-lab”.',
      github_repo: 'A GitHub repository looks like https://github.com/owner/name.',
    });
    expect(f.values.organization).toBe('no-such-lab');
    const only = await postForm(t.app, `/papers/${PAPER}/links`, { organization: 'no-such-lab' }, admin);
    expect(only.statusCode).toBe(404);
    expect(refusedForm(only.body, LINKS).errors).toEqual({ organization: 'There is no organization “no-such-lab”.' });
    expect((await paper()).organization_id).toBeNull();
  });

  it('someone who may not use a tool gets the error page, as before', async () => {
    expect((await postForm(t.app, `/papers/${PAPER}/hide`, { hidden: '1', reason: 'spam' }, ada)).statusCode).toBe(403);
    const links = await postForm(t.app, `/papers/${PAPER}/links`, { github_repo: 'nope' }, ada);
    expect(links.statusCode).toBe(403);
    expect(refusedForm(links.body).root.querySelector(LINKS)).toBeNull();
  });
});
