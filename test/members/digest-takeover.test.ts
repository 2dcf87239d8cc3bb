// A visitor's confirmed digest subscription cannot be taken over by someone who signs up with the
// address and never proves it: their /settings/digest (weekly, then off) neither moves it to their
// account, nor unsubscribes it, nor shows its topics, and the visitor's later confirmations stay theirs.
// Once the member proves the address, the subscription becomes theirs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { subscriptionByEmail, subscriptionOfMember } from '../../src/db/queries/digests.ts';
import { mailsTo } from '../../src/email/outbox.ts';
import { digestSettings } from '../support/digest.ts';
import { anonymousForm, getPage, makeMember, postForm, signedIn } from '../support/members.ts';
import { buildTestApp, type TestApp } from '../support/store.ts';

const VICTIM = 'victim@example.net';
let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp(digestSettings());
});
afterEach(async () => t.cleanup());

/** A visitor subscribes and confirms through the pages, as a browser would. */
async function visitorSubscribes(queries: string): Promise<void> {
  const form = await anonymousForm(t.app, '/subscribe');
  await postForm(t.app, '/subscribe', { email: VICTIM, frequency: 'daily', categories: '', queries }, form);
  const mails = await mailsTo(t.store.db, VICTIM);
  const m = /https:\/\/papers\.example\.org(\/subscribe\/confirm\?token=[^\s"<]+)/.exec(mails[0]?.text ?? '');
  expect(m?.[1], 'the confirmation mail holds a link').toBeDefined();
  const get = await getPage(t.app, String(m?.[1]).replace(/&amp;/g, '&'));
  const token = get.root.querySelector('input[name="token"]')?.getAttribute('value') ?? '';
  const csrf = get.root.querySelector('input[name="_csrf"]')?.getAttribute('value') ?? '';
  const pre = get.res.cookies.find((c) => c.name === 'folio_pre');
  const res = await postForm(t.app, '/subscribe/confirm', { token }, { cookie: pre ? `folio_pre=${pre.value}` : form.cookie, csrf });
  expect(res.statusCode, res.body.slice(0, 3000)).toBe(200);
}

describe('a visitor’s subscription', () => {
  it('is not taken over by a member who has not proved the address', async () => {
    await visitorSubscribes('secret topic');
    const before = await subscriptionByEmail(t.store.db, VICTIM);
    expect(before).toMatchObject({ status: 'active', userId: null });

    const mallory = await makeMember(t.store, { username: 'mallory', email: VICTIM, confirmed: false });
    const b = await signedIn(t.store, mallory.id);
    const weekly = await postForm(t.app, '/settings/digest', { frequency: 'weekly', categories: '', queries: 'mine' }, b);
    expect(weekly.statusCode).toBe(403);
    expect(weekly.body).toContain('Confirm your email address first');
    expect((await postForm(t.app, '/settings/digest', { frequency: 'off', categories: '', queries: '' }, b)).statusCode).toBe(303);

    const after = await subscriptionByEmail(t.store.db, VICTIM);
    expect(after).toMatchObject({
      id: before?.id,
      status: 'active',
      userId: null,
      frequency: 'daily',
      topics: { queries: ['secret topic'] },
    });
    expect(await subscriptionOfMember(t.store.db, mallory.id)).toBeUndefined();
    const settings = await getPage(t.app, '/settings', b);
    expect(settings.body).not.toContain('secret topic');

    // The visitor's next confirmation applies to the visitor's subscription, still no member's.
    await visitorSubscribes('another topic');
    expect(await subscriptionByEmail(t.store.db, VICTIM)).toMatchObject({ userId: null, topics: { queries: ['another topic'] } });
  });

  it('becomes the member’s once the member has proved the address', async () => {
    await visitorSubscribes('shared topic');
    const owner = await makeMember(t.store, { username: 'owner', email: VICTIM });
    const b = await signedIn(t.store, owner.id);
    expect((await postForm(t.app, '/settings/digest', { frequency: 'weekly', categories: '', queries: 'mine' }, b)).statusCode).toBe(303);
    expect(await subscriptionByEmail(t.store.db, VICTIM)).toMatchObject({ userId: owner.id, frequency: 'weekly', status: 'active' });
  });
});
