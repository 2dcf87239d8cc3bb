// The settings forms refused: each answered with the settings page again (the refusal's status), the
// message beside its field in the refused form only, what was typed kept (never a password), the other
// forms as they were, and nothing changed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_TOKENS_PER_MEMBER } from '../../src/actions/api-tokens.ts';
import { refusedForm } from '../support/forms.ts';
import { apiToken, type Browser, makeMember, PASSWORD, postForm, signedIn, type TestMember } from '../support/members.ts';
import { text } from '../support/pages.ts';
import { buildTestApp, type TestApp } from '../support/store.ts';

let t: TestApp;
let ada: TestMember;
let b: Browser;
beforeEach(async () => {
  t = await buildTestApp();
  ada = await makeMember(t.store, { username: 'ada', email: 'ada@example.org', fullname: 'Ada Lovelace' });
  b = await signedIn(t.store, ada.id);
});
afterEach(async () => {
  await t.cleanup();
});

const PROFILE = 'form[action="/settings/profile"]';
const PASSWORD_FORM = 'form[action="/settings/password"]';
const TOKENS = 'form[action="/settings/tokens"]';

const stored = async () =>
  t.store.db
    .selectFrom('users as u')
    .innerJoin('accounts as a', 'a.user_id', 'u.id')
    .select(['u.fullname', 'a.password_hash'])
    .where('u.id', '=', ada.id)
    .executeTakeFirstOrThrow();
const tokenCount = async () => (await t.store.db.selectFrom('api_tokens').select('id').where('user_id', '=', ada.id).execute()).length;

/** Each summary link of the page lands on a field of `form`. */
function linksLandIn(body: string, form: string): string[] {
  const f = refusedForm(body, form);
  const links = f.root.querySelectorAll('[data-form-problems] a').map((a) => a.getAttribute('href') ?? '');
  for (const l of links) expect(f.root.querySelector(`${form} ${l}`), l).not.toBeNull();
  return links;
}

describe('profile form refused', () => {
  it('says a name with control characters beside the name, keeps it, and changes nothing', async () => {
    const before = await stored();
    const res = await postForm(t.app, '/settings/profile', { fullname: 'Ada\u202eecalevoL' }, b);
    expect(res.statusCode).toBe(400);
    expect(res.headers.location).toBeUndefined();
    const f = refusedForm(res.body, PROFILE);
    expect(f.errors).toEqual({ fullname: 'A name cannot hold control characters.' });
    expect(f.values.fullname).toBe('Ada\u202eecalevoL');
    expect(f.summary).toEqual(['Name: A name cannot hold control characters.']);
    expect(linksLandIn(res.body, PROFILE)).toEqual(['#profile-fullname']);
    expect(await stored()).toEqual(before);
  });

  it('a name over the form limit is said beside it, not on an error page', async () => {
    const long = 'x'.repeat(300);
    const res = await postForm(t.app, '/settings/profile', { fullname: long }, b);
    expect(res.statusCode).toBe(400);
    const f = refusedForm(res.body, PROFILE);
    expect(f.errors.fullname).toBe('Too long: at most 200 characters.');
    expect(f.values.fullname).toBe(long);
    expect((await stored()).fullname).toBe('Ada Lovelace');
  });

  it('leaves the other forms of the page as they were', async () => {
    const res = await postForm(t.app, '/settings/profile', { fullname: 'x'.repeat(81) }, b);
    expect(res.statusCode).toBe(400);
    const password = refusedForm(res.body, PASSWORD_FORM);
    expect(password.errors).toEqual({});
    const tokens = refusedForm(res.body, TOKENS);
    expect(tokens.errors).toEqual({});
    expect(tokens.values.name).toBe('');
    // One summary on the page, inside the profile section.
    expect(password.root.querySelectorAll('[data-form-problems]')).toHaveLength(1);
    expect(password.root.querySelector('#profile [data-form-problems]')).not.toBeNull();
    expect(password.root.querySelectorAll('[aria-invalid="true"]')).toHaveLength(1);
  });
});

describe('password form refused', () => {
  it('a wrong current password is said beside "current password" (403), and nothing changes', async () => {
    const before = await stored();
    const res = await postForm(t.app, '/settings/password', { current: 'not my password', next: 'velvet quarry of lanterns' }, b);
    expect(res.statusCode).toBe(403);
    const f = refusedForm(res.body, PASSWORD_FORM);
    expect(f.errors).toEqual({ current: 'The current password is wrong.' });
    // Never a password sent back.
    expect(f.values).toEqual({ current: '', next: '' });
    expect(res.body).not.toContain('not my password');
    expect(res.body).not.toContain('velvet quarry of lanterns');
    expect(linksLandIn(res.body, PASSWORD_FORM)).toEqual(['#password-current']);
    expect(await stored()).toEqual(before);
  });

  it('a weak new password is said beside "new password"', async () => {
    const res = await postForm(t.app, '/settings/password', { current: PASSWORD, next: 'ada@example.org' }, b);
    expect(res.statusCode).toBe(400);
    const f = refusedForm(res.body, PASSWORD_FORM);
    expect(Object.keys(f.errors)).toEqual(['next']);
    expect(f.errors.next).toMatch(/too easy to guess/);
    expect(f.summary[0]).toMatch(/^New password: /);
    expect(linksLandIn(res.body, PASSWORD_FORM)).toEqual(['#password-next']);
  });

  it('both wrong: both said at once', async () => {
    const before = await stored();
    const res = await postForm(t.app, '/settings/password', { current: 'not my password', next: 'short' }, b);
    expect(res.statusCode).toBe(403);
    const f = refusedForm(res.body, PASSWORD_FORM);
    expect(f.errors).toEqual({ current: 'The current password is wrong.', next: 'A password has at least 10 characters.' });
    expect(f.summary).toHaveLength(2);
    expect(linksLandIn(res.body, PASSWORD_FORM)).toEqual(['#password-current', '#password-next']);
    expect(await stored()).toEqual(before);
  });

  it('nothing typed: asks for each', async () => {
    const res = await postForm(t.app, '/settings/password', {}, b);
    expect(res.statusCode).toBe(403);
    const f = refusedForm(res.body, PASSWORD_FORM);
    expect(f.errors).toEqual({ current: 'Enter your current password.', next: 'A password has at least 10 characters.' });
  });

  it('the profile form keeps the stored name while the password form is refused', async () => {
    const res = await postForm(t.app, '/settings/password', { current: 'wrong', next: 'velvet quarry of lanterns' }, b);
    const profile = refusedForm(res.body, PROFILE);
    expect(profile.errors).toEqual({});
    expect(profile.values.fullname).toBe('Ada Lovelace');
  });
});

describe('token form refused', () => {
  it('an empty name is said beside the name field (400), and no token is made', async () => {
    const res = await postForm(t.app, '/settings/tokens', { name: '   ' }, b);
    expect(res.statusCode).toBe(400);
    const f = refusedForm(res.body, TOKENS);
    expect(f.errors).toEqual({ name: 'Give the token a name, such as the script that will use it.' });
    expect(f.values.name).toBe('   ');
    expect(f.summary).toEqual(['Token name: Give the token a name, such as the script that will use it.']);
    expect(linksLandIn(res.body, TOKENS)).toEqual(['#token-name']);
    expect(await tokenCount()).toBe(0);
  });

  it('a name too long is said beside it, and kept', async () => {
    const long = 'bot-'.repeat(20);
    const res = await postForm(t.app, '/settings/tokens', { name: long }, b);
    expect(res.statusCode).toBe(400);
    const f = refusedForm(res.body, TOKENS);
    expect(f.errors.name).toBe('A token name has at most 60 characters.');
    expect(f.values.name).toBe(long);
    expect(await tokenCount()).toBe(0);
  });

  it('too many tokens: said for the whole form (409), in the tokens section, the name kept', async () => {
    for (let i = 0; i < MAX_TOKENS_PER_MEMBER; i++) await apiToken(t.store, ada.id, `bot-${i}`);
    const res = await postForm(t.app, '/settings/tokens', { name: 'one more' }, b);
    expect(res.statusCode).toBe(409);
    const f = refusedForm(res.body, TOKENS);
    expect(f.errors).toEqual({});
    expect(f.values.name).toBe('one more');
    expect(text(f.root.querySelector('#tokens .notice--error'))).toMatch(/the most a member may have; revoke one first/);
    expect(f.root.querySelectorAll('.notice--error')).toHaveLength(1);
    expect(await tokenCount()).toBe(MAX_TOKENS_PER_MEMBER);
  });

  it('too many tries: the rate limit is said in the tokens section (429), with its Retry-After', async () => {
    let res = await postForm(t.app, '/settings/tokens', { name: '' }, b);
    for (let i = 0; i < 100 && res.statusCode === 400; i++) res = await postForm(t.app, '/settings/tokens', { name: '' }, b);
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    const f = refusedForm(res.body, TOKENS);
    expect(f.errors).toEqual({});
    expect(text(f.root.querySelector('#tokens .notice--error'))).not.toBe('');
  });

  it('revoking a token that is not theirs is said in the tokens section (404)', async () => {
    const res = await postForm(t.app, '/settings/tokens/99999/revoke', {}, b);
    expect(res.statusCode).toBe(404);
    expect(text(refusedForm(res.body).root.querySelector('#tokens .notice--error'))).toBe('You have no such token.');
  });
});

describe('the rest of the page on a refusal', () => {
  it('a refused form comes back without a redirect and with no message in the other sections', async () => {
    const res = await postForm(t.app, '/settings/tokens', { name: '' }, b);
    const root = refusedForm(res.body).root;
    for (const id of ['#profile', '#email', '#password']) expect(root.querySelector(`${id} .notice--error`), id).toBeNull();
    expect(root.querySelector('#tokens [data-form-problems]')).not.toBeNull();
    expect(res.headers['cache-control']).toBe('no-store');
  });
});
