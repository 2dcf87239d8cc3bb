// The digest forms refused (/subscribe for visitors, the digest section of /settings for members):
// every problem at once, each beside its field, what was typed kept exactly (hostile text shown inert),
// nothing stored or mailed; and a refusal reads the same whatever the address's state.
import type { HTMLElement } from 'node-html-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { subscriptionByEmail, subscriptionOfMember } from '../../src/db/queries/digests.ts';
import { MAX_TOPIC_CATEGORIES, MAX_TOPIC_QUERIES } from '../../src/domain/digest.ts';
import { wellFormed } from '../../src/domain/well-formed.ts';
import { digestSettings } from '../support/digest.ts';
import { refusedForm } from '../support/forms.ts';
import { assertInert, HOSTILE, label } from '../support/hostile.ts';
import { anonymousForm, type Browser, makeMember, postForm, signedIn } from '../support/members.ts';
import { text } from '../support/pages.ts';
import { buildTestApp, type TestApp } from '../support/store.ts';

const SUBSCRIBE = 'form[action="/subscribe"]';
const SETTINGS = 'form[action="/settings/digest"]';
let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp(digestSettings({ rateLimitScale: '1000' }));
});
afterEach(async () => t.cleanup());

async function subscribe(fields: Record<string, string>, form?: Browser) {
  return postForm(t.app, '/subscribe', fields, form ?? (await anonymousForm(t.app, '/subscribe')));
}

const count = async (table: 'digest_subscriptions' | 'outbox') => (await t.store.db.selectFrom(table).select('id').execute()).length;

/** The frequency the form shows chosen ('' when none is). */
const chosen = (root: HTMLElement, form: string) =>
  root.querySelector(`${form} input[name="frequency"][checked]`)?.getAttribute('value') ?? '';
/** The topics box's text exactly as sent back (the reader of refused forms collapses whitespace). */
/** The topics box as a browser reads it back (the newline right after the tag dropped). */
const queriesText = (root: HTMLElement) => (root.querySelector('#digest-queries')?.text ?? '').replace(/^\n/, '');

const tooManyCategories = Array.from({ length: MAX_TOPIC_CATEGORIES + 1 }, (_, i) => `cs.X${String.fromCharCode(65 + i)}`).join(', ');
const tooManyQueries = Array.from({ length: MAX_TOPIC_QUERIES + 1 }, (_, i) => `topic ${i}`).join('\n');

describe('/subscribe refused', () => {
  it('names every wrong field at once, beside each, in the order of the form, keeping what was typed', async () => {
    const fields = { email: 'not an address', frequency: 'monthly', categories: 'cs.CL, <b>x</b>', queries: tooManyQueries };
    const res = await subscribe(fields);
    expect(res.statusCode).toBe(400);
    const f = refusedForm(res.body, SUBSCRIBE);
    expect(f.errors).toEqual({
      email: 'That does not look like an email address (name@example.org).',
      frequency: 'Choose daily or weekly.',
      categories: '"<b>x</b>" is not an arXiv category (such as cs.CL, math.AG or hep-th).',
      queries: `At most ${MAX_TOPIC_QUERIES} topics, one search per line (you gave ${MAX_TOPIC_QUERIES + 1}).`,
    });
    expect(f.values).toMatchObject({ email: fields.email, categories: fields.categories });
    expect(queriesText(f.root)).toBe(fields.queries);
    expect(chosen(f.root, SUBSCRIBE)).toBe('');
    expect(f.summary.map((l) => l.split(':')[0])).toEqual(['Email address', 'How often', 'Categories', 'Topics']);
    const links = f.root.querySelectorAll('[data-form-problems] a').map((a) => a.getAttribute('href'));
    expect(links).toEqual(['#f-email', '#digest-frequency-daily', '#digest-categories', '#digest-queries']);
    for (const l of links) expect(f.root.querySelector(l as string), l).not.toBeNull();
    expect(res.body).not.toContain('<b>x</b>');
    expect(await count('digest_subscriptions')).toBe(0);
    expect(await count('outbox')).toBe(0);
  });

  it('says in one sentence beside the address why it cannot be used, keeping the rest as typed', async () => {
    for (const [email, message] of [
      ['', 'Enter your email address.'],
      ['a@example.org\r\nBcc: b@example.org', 'An address cannot hold control characters.'],
      ['A <a@example.org>', 'That does not look like an email address (name@example.org).'],
      [`${'a'.repeat(300)}@example.org`, 'Too long: at most 300 characters.'],
    ] as const) {
      const res = await subscribe({ email, frequency: 'weekly', categories: 'cs.CL', queries: 'diffusion' });
      expect(res.statusCode, email).toBe(400);
      const f = refusedForm(res.body, SUBSCRIBE);
      expect(f.errors, email).toEqual({ email: message });
      expect(f.values, email).toMatchObject({ email, categories: 'cs.CL' });
      expect(queriesText(f.root)).toBe('diffusion');
      expect(chosen(f.root, SUBSCRIBE)).toBe('weekly');
    }
    expect(await count('outbox')).toBe(0);
  });

  it('refuses too many categories and topics with no word, beside each', async () => {
    const res = await subscribe({ email: 'v@example.org', frequency: 'daily', categories: tooManyCategories, queries: 'diffusion\n---' });
    expect(res.statusCode).toBe(400);
    const f = refusedForm(res.body, SUBSCRIBE);
    expect(f.errors).toEqual({
      categories: `At most ${MAX_TOPIC_CATEGORIES} categories (you gave ${MAX_TOPIC_CATEGORIES + 1}).`,
      queries: 'The topic "---" has no word to search for.',
    });
    expect(f.values.email).toBe('v@example.org');
    expect(await subscriptionByEmail(t.store.db, 'v@example.org')).toBeUndefined();
  });

  it('reads the same whether or not the address subscribes', async () => {
    const m = await makeMember(t.store, { email: 'member@example.org' });
    expect(
      (await postForm(t.app, '/settings/digest', { frequency: 'daily', queries: 'kept' }, await signedIn(t.store, m.id))).statusCode,
    ).toBe(303);
    const bad = { frequency: 'weekly', categories: 'nope!', queries: '' };
    const known = await subscribe({ email: 'member@example.org', ...bad });
    const unknown = await subscribe({ email: 'nobody@example.org', ...bad });
    expect(known.statusCode).toBe(400);
    expect(unknown.statusCode).toBe(400);
    const card = (body: string) => text(refusedForm(body).root.querySelector('.card')).replace(/(member|nobody)@example\.org/g, '…');
    expect(card(known.body)).toBe(card(unknown.body));
    expect(await subscriptionOfMember(t.store.db, m.id)).toMatchObject({ frequency: 'daily', topics: { queries: ['kept'] } });
  });

  it('keeps too many tries above the form, with the values and Retry-After (429)', async () => {
    const s = await buildTestApp(digestSettings());
    try {
      const form = await anonymousForm(s.app, '/subscribe');
      const fields = { email: 'often@example.org', frequency: 'weekly', categories: 'cs.CL', queries: 'diffusion' };
      let res = await postForm(s.app, '/subscribe', fields, form);
      for (let i = 0; i < 5 && res.statusCode === 200; i++) res = await postForm(s.app, '/subscribe', fields, form);
      expect(res.statusCode).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      const f = refusedForm(res.body, SUBSCRIBE);
      expect(f.errors).toEqual({});
      expect(f.values).toMatchObject({ email: fields.email, categories: 'cs.CL' });
      expect(chosen(f.root, SUBSCRIBE)).toBe('weekly');
      expect(text(f.root.querySelector('.card .notice--error'))).toMatch(/Too many confirmation mails/);
    } finally {
      await s.cleanup();
    }
  });

  it('keeps hostile text exactly in every field and shows it inert', async () => {
    const form = await anonymousForm(t.app, '/subscribe');
    for (const p of HOSTILE) {
      const res = await subscribe({ email: p, frequency: 'daily', categories: p, queries: p }, form);
      expect(res.statusCode, label(p)).toBe(400);
      const f = refusedForm(res.body, SUBSCRIBE);
      expect(f.errors.email, label(p)).toBeTruthy();
      expect(f.values.email, label(p)).toBe(wellFormed(p));
      expect(f.values.categories, label(p)).toBe(wellFormed(p));
      expect(queriesText(f.root), label(p)).toBe(wellFormed(p));
      assertInert(f.root, `subscribe ${label(p)}`);
    }
    expect(await count('digest_subscriptions')).toBe(0);
    expect(await count('outbox')).toBe(0);
  });
});

describe('the digest settings refused', () => {
  it('names every wrong field at once beside each, keeps what was typed, and saves nothing', async () => {
    const m = await makeMember(t.store, { email: 'ada@example.org' });
    const b = await signedIn(t.store, m.id);
    const fields = { frequency: 'hourly', categories: 'cs.CL math..AG', queries: `diffusion\n${'x'.repeat(101)}` };
    const res = await postForm(t.app, '/settings/digest', fields, b);
    expect(res.statusCode).toBe(400);
    const f = refusedForm(res.body, SETTINGS);
    expect(f.errors).toEqual({
      frequency: 'Choose off, daily or weekly.',
      categories: '"math..AG" is not an arXiv category (such as cs.CL, math.AG or hep-th).',
      queries: 'A topic has at most 100 characters; one has 101.',
    });
    expect(f.values.categories).toBe(fields.categories);
    expect(queriesText(f.root)).toBe(fields.queries);
    expect(chosen(f.root, SETTINGS)).toBe('');
    const links = f.root.querySelectorAll('#digest [data-form-problems] a').map((a) => a.getAttribute('href'));
    expect(links).toEqual(['#digest-frequency-off', '#digest-categories', '#digest-queries']);
    for (const l of links) expect(f.root.querySelector(l as string), l).not.toBeNull();
    // The top of the page says where the messages are.
    expect(text(f.root.querySelector('main .notice--error'))).toMatch(/digest settings are not saved/);
    expect(await subscriptionOfMember(t.store.db, m.id)).toBeUndefined();
  });

  it('keeps a saved digest as it was when a change is refused', async () => {
    const m = await makeMember(t.store, { email: 'grace@example.org' });
    const b = await signedIn(t.store, m.id);
    expect((await postForm(t.app, '/settings/digest', { frequency: 'weekly', categories: 'cs.LG', queries: '' }, b)).statusCode).toBe(303);
    const res = await postForm(t.app, '/settings/digest', { frequency: 'daily', categories: tooManyCategories, queries: '' }, b);
    expect(res.statusCode).toBe(400);
    const f = refusedForm(res.body, SETTINGS);
    expect(Object.keys(f.errors)).toEqual(['categories']);
    expect(f.values.categories).toBe(tooManyCategories);
    // What was typed is shown, not what is saved.
    expect(chosen(f.root, SETTINGS)).toBe('daily');
    expect(await subscriptionOfMember(t.store.db, m.id)).toMatchObject({ frequency: 'weekly', topics: { categories: ['cs.LG'] } });
  });

  it('says a refusal that is no field’s in the section, values kept (403 for an unproved address)', async () => {
    const m = await makeMember(t.store, { email: 'new@example.org', confirmed: false });
    const b = await signedIn(t.store, m.id);
    const res = await postForm(t.app, '/settings/digest', { frequency: 'weekly', categories: 'cs.CL', queries: 'mine' }, b);
    expect(res.statusCode).toBe(403);
    const f = refusedForm(res.body, SETTINGS);
    expect(f.errors).toEqual({});
    expect(text(f.root.querySelector('#digest .notice--error'))).toMatch(/Confirm your email address first/);
    expect(f.values.categories).toBe('cs.CL');
    expect(queriesText(f.root)).toBe('mine');
    expect(chosen(f.root, SETTINGS)).toBe('weekly');
    expect(await subscriptionOfMember(t.store.db, m.id)).toBeUndefined();
  });

  it('keeps hostile topics exactly and shows them inert', async () => {
    const m = await makeMember(t.store, { email: 'h@example.org' });
    const b = await signedIn(t.store, m.id);
    for (const p of HOSTILE) {
      // A frequency no form offers, so that every payload is refused whatever it is.
      const res = await postForm(t.app, '/settings/digest', { frequency: 'never', categories: p, queries: p }, b);
      expect(res.statusCode, label(p)).toBe(400);
      const f = refusedForm(res.body, SETTINGS);
      expect(f.values.categories, label(p)).toBe(wellFormed(p));
      expect(queriesText(f.root), label(p)).toBe(wellFormed(p));
      assertInert(f.root, `settings digest ${label(p)}`);
    }
    expect(await subscriptionOfMember(t.store.db, m.id)).toBeUndefined();
  });
});
