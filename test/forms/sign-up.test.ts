// The sign-up form refused: every problem at once, each beside its field, what was typed kept (never the
// password), nothing stored; and the API of the same rules answers one message per field.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refusedForm } from '../support/forms.ts';
import { anonymousForm, makeMember, postForm } from '../support/members.ts';
import { buildTestApp, type TestApp } from '../support/store.ts';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});
afterEach(async () => {
  await t.cleanup();
});

async function signUp(fields: Record<string, string>) {
  const f = await anonymousForm(t.app, '/signup');
  return postForm(t.app, '/signup', fields, f);
}

const members = async () => (await t.store.db.selectFrom('users').select('id').execute()).length;

describe('sign-up form refused', () => {
  it('names every wrong field at once, beside each, and keeps what was typed', async () => {
    const res = await signUp({ username: 'x', email: 'not an address', password: 'short', fullname: 'Ada\u202eLovelace' });
    expect(res.statusCode).toBe(400);
    const f = refusedForm(res.body, 'form[action="/signup"]');
    expect(Object.keys(f.errors).sort()).toEqual(['email', 'fullname', 'password', 'username']);
    expect(f.errors.username).toMatch(/2 to 39 letters/);
    expect(f.errors.email).toMatch(/does not look like an email address/);
    expect(f.errors.password).toMatch(/at least 10 characters/);
    expect(f.errors.fullname).toMatch(/control characters/);
    expect(f.values).toMatchObject({ username: 'x', email: 'not an address', fullname: 'Ada\u202eLovelace', password: '' });
    expect(f.summary).toHaveLength(4);
    expect(f.summary[0]).toMatch(/^Username: /);
    // Each summary line links to its field.
    const links = f.root.querySelectorAll('[data-form-problems] a').map((a) => a.getAttribute('href'));
    expect(links).toEqual(['#f-username', '#f-email', '#f-password', '#f-fullname']);
    for (const l of links) expect(f.root.querySelector(l as string)).not.toBeNull();
    expect(await members()).toBe(0);
  });

  it('a username over the form limit is a message beside the field, not an error page', async () => {
    const long = 'a'.repeat(150);
    const res = await signUp({ username: long, email: 'ada@example.org', password: 'analytical engine' });
    expect(res.statusCode).toBe(400);
    const f = refusedForm(res.body, 'form[action="/signup"]');
    expect(f.errors.username).toBe('Too long: at most 100 characters.');
    expect(f.values.username).toBe(long);
    expect(f.values.email).toBe('ada@example.org');
    expect(res.body).not.toContain('(username)');
    expect(await members()).toBe(0);
  });

  it('a taken username is said beside the username field', async () => {
    await makeMember(t.store, { username: 'grace' });
    const res = await signUp({ username: 'grace', email: 'other@example.org', password: 'analytical engine' });
    expect(res.statusCode).toBe(409);
    const f = refusedForm(res.body, 'form[action="/signup"]');
    expect(f.errors).toEqual({ username: 'The username "grace" is taken. Choose another.' });
    expect(f.values.email).toBe('other@example.org');
    expect(await members()).toBe(1);
  });

  it('a field sent twice is refused beside it too', async () => {
    const f0 = await anonymousForm(t.app, '/signup');
    const res = await t.app.inject({
      method: 'POST',
      url: '/signup',
      payload: `_csrf=${encodeURIComponent(f0.csrf)}&username=ada&username=bob&email=a%40example.org&password=analytical+engine`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: f0.cookie },
    });
    expect(res.statusCode).toBe(400);
    const f = refusedForm(res.body, 'form[action="/signup"]');
    expect(f.errors.username).toBe('Give this once, as text.');
    expect(f.values.username).toBe('ada');
    expect(await members()).toBe(0);
  });
});
