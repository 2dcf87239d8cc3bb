// Upvotes through the form (with and without JS) and the API; the page cache never hands one member's
// header or votes to another; the API ignores cookies; rate limits.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addPaper, apiToken, getPage, makeMember, postForm, signedIn } from '../support/members.ts';
import { text, voteCounts } from '../support/pages.ts';
import { buildTestApp, type TestApp } from '../support/store.ts';

const DAY = '2026-06-02';
let t: TestApp;

beforeEach(async () => {
  t = await buildTestApp();
  await addPaper(t.store, { id: '2606.00001', day: DAY, upvotes: 5 });
  await addPaper(t.store, { id: '2606.00002', day: DAY, upvotes: 3 });
});
afterEach(async () => {
  await t.cleanup();
});

async function localVotes(id: string): Promise<number> {
  return (await t.store.db.selectFrom('papers').select('local_upvotes').where('id', '=', id).executeTakeFirstOrThrow()).local_upvotes;
}

function api(method: 'POST' | 'DELETE', id: string, headers: Record<string, string>) {
  return t.app.inject({ method, url: `/api/papers/${id}/upvote`, headers });
}

describe('upvotes from the page', () => {
  it('without JS: posts, counts once, comes back to the page; "down" takes the vote back', async () => {
    const m = await makeMember(t.store);
    const b = await signedIn(t.store, m.id);
    const referer = `http://localhost:3000/papers/date/${DAY}`;
    const res = await postForm(t.app, '/papers/2606.00002/upvote', { vote: 'up' }, b, { referer });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/papers/date/${DAY}#paper-2606-00002`);
    expect(await localVotes('2606.00002')).toBe(1);
    // Twice (a double click, a replayed form) still one vote.
    await postForm(t.app, '/papers/2606.00002/upvote', { vote: 'up' }, b, { referer });
    expect(await localVotes('2606.00002')).toBe(1);

    // The list shows the new count, the member's button pressed, and re-ranks: 3 + 1 = 4 < 5 still.
    const page = await getPage(t.app, `/papers/date/${DAY}`, b);
    expect(voteCounts(page.root)).toEqual([5, 4]);
    const pressed = page.root.querySelectorAll('[data-upvote][aria-pressed="true"]').map((e) => e.getAttribute('data-upvote'));
    expect(pressed).toEqual(['2606.00002']);
    expect(page.res.headers['cache-control']).toBe('private, no-store');

    await postForm(t.app, '/papers/2606.00002/upvote', { vote: 'down' }, b, { referer });
    expect(await localVotes('2606.00002')).toBe(0);
  });

  it('with JS: answers JSON with the new state', async () => {
    const m = await makeMember(t.store);
    const b = await signedIn(t.store, m.id);
    const res = await postForm(t.app, '/papers/2606.00001/upvote', { vote: 'up' }, b, { accept: 'application/json' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ paperId: '2606.00001', voted: true, upvotes: 6 });
    const down = await postForm(t.app, '/papers/2606.00001/upvote', { vote: 'down' }, b, { accept: 'application/json' });
    expect(down.json()).toEqual({ paperId: '2606.00001', voted: false, upvotes: 5 });
  });

  it('sends signed-out visitors to sign in, and asks unconfirmed members to confirm first', async () => {
    const anon = await postForm(t.app, '/papers/2606.00001/upvote', { vote: 'up', _csrf: '' }, undefined, {
      referer: `http://localhost:3000/papers/date/${DAY}`,
    });
    expect(anon.statusCode).toBe(303);
    expect(anon.headers.location).toBe(`/signin?return_to=${encodeURIComponent(`/papers/date/${DAY}`)}`);
    const u = await makeMember(t.store, { confirmed: false });
    // Not a dead end: back to the page, which says it on top (test/forms/comments.test.ts has the rest).
    const res = await postForm(t.app, '/papers/2606.00001/upvote', { vote: 'up' }, await signedIn(t.store, u.id));
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/papers/2606.00001?confirm_to_vote=1#confirm-to-vote');
    expect(await localVotes('2606.00001')).toBe(0);
  });

  it('limits votes with 429 and Retry-After', async () => {
    const s = await buildTestApp({ rateLimitScale: '0.05' }); // 120 * 0.05 = 6 votes per window
    try {
      await addPaper(s.store, { id: '2606.00009', day: DAY });
      const m = await makeMember(s.store);
      const b = await signedIn(s.store, m.id);
      const codes: number[] = [];
      for (let i = 0; i < 8; i++) {
        const r = await postForm(s.app, '/papers/2606.00009/upvote', { vote: i % 2 ? 'down' : 'up' }, b, { accept: 'application/json' });
        codes.push(r.statusCode);
        if (r.statusCode === 429) expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
      }
      expect(codes).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
    } finally {
      await s.cleanup();
    }
  });
});

describe('the shared page cache and members', () => {
  it('never gives one member another’s header, token or votes, and keeps serving visitors from the cache', async () => {
    const ada = await makeMember(t.store, { username: 'ada' });
    const bob = await makeMember(t.store, { username: 'bob' });
    const a = await signedIn(t.store, ada.id);
    const b = await signedIn(t.store, bob.id);
    await postForm(t.app, '/papers/2606.00001/upvote', { vote: 'up' }, a);
    const url = `/papers/date/${DAY}`;
    const anon1 = await getPage(t.app, url);
    const pa = await getPage(t.app, url, a);
    const pb = await getPage(t.app, url, b);
    const anon2 = await getPage(t.app, url);
    expect(text(pa.root.querySelector('.account-menu__name'))).toBe('ada');
    expect(text(pb.root.querySelector('.account-menu__name'))).toBe('bob');
    expect(pa.body).toContain(`value="${a.csrf}"`);
    expect(pa.body).not.toContain(b.csrf);
    expect(pb.body).toContain(`value="${b.csrf}"`);
    expect(pb.body).not.toContain(a.csrf);
    expect(pa.root.querySelectorAll('[aria-pressed="true"][data-upvote]')).toHaveLength(1);
    expect(pb.root.querySelectorAll('[aria-pressed="true"][data-upvote]')).toHaveLength(0);
    for (const anon of [anon1, anon2]) {
      expect(anon.body).not.toContain('account-menu');
      expect(anon.body).not.toContain(a.csrf);
      expect(anon.root.querySelector('.account__signup')).not.toBeNull();
      expect(anon.res.headers.vary).toBe('Cookie, Accept-Encoding');
      expect(anon.res.headers.etag).toBeDefined();
    }
    // Identical anonymous bytes: the second came from the cache.
    expect(anon2.body).toBe(anon1.body);
  });

  it('ignores a forged or expired session cookie (and clears it)', async () => {
    const forged = await getPage(t.app, '/papers', { cookie: 'folio_session=forged' });
    expect(forged.status).toBe(200);
    expect(forged.body).not.toContain('account-menu');
    expect(String(forged.res.headers['set-cookie'])).toMatch(/folio_session=;/);
    const m = await makeMember(t.store);
    const b = await signedIn(t.store, m.id);
    await t.store.db
      .updateTable('sessions')
      .set({ expires_at: new Date(Date.now() - 1).toISOString() })
      .execute();
    expect((await getPage(t.app, '/papers', b)).body).not.toContain('account-menu');
  });
});

describe('upvotes through the API', () => {
  it('POST and DELETE with a bearer token', async () => {
    const m = await makeMember(t.store);
    const token = await apiToken(t.store, m.id);
    const auth = { authorization: `Bearer ${token}` };
    const up = await api('POST', '2606.00001', auth);
    expect(up.statusCode).toBe(200);
    expect(up.json()).toEqual({ paperId: '2606.00001', voted: true, upvotes: 6 });
    expect((await api('POST', '2606.00001', auth)).json()).toMatchObject({ voted: true, upvotes: 6 });
    const paper = await t.app.inject({ url: '/api/papers/2606.00001' });
    expect(paper.json().upvotes).toBe(6);
    expect((await api('DELETE', '2606.00001', auth)).json()).toMatchObject({ voted: false, upvotes: 5 });
    expect((await api('POST', '9999.99999', auth)).statusCode).toBe(404);
  });

  it('refuses without a token, with a bad or revoked one, and never acts on a session cookie', async () => {
    const m = await makeMember(t.store);
    const b = await signedIn(t.store, m.id);
    const none = await api('POST', '2606.00001', { cookie: b.cookie, 'x-csrf-token': b.csrf });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(none.json().error).toMatch(/API token/);
    expect((await api('POST', '2606.00001', { authorization: 'Bearer folio_notatoken' })).statusCode).toBe(401);
    expect((await api('POST', '2606.00001', { authorization: 'Basic Zm9vOmJhcg==' })).statusCode).toBe(401);
    const token = await apiToken(t.store, m.id);
    const id = (await t.store.db.selectFrom('api_tokens').select('id').executeTakeFirstOrThrow()).id;
    const revoke = await postForm(t.app, `/settings/tokens/${id}/revoke`, {}, b);
    expect(revoke.statusCode).toBe(303);
    expect((await api('POST', '2606.00001', { authorization: `Bearer ${token}` })).statusCode).toBe(401);
    expect(await localVotes('2606.00001')).toBe(0);
  });

  it('stores tokens hashed and shows them once', async () => {
    const m = await makeMember(t.store);
    const b = await signedIn(t.store, m.id);
    const res = await postForm(t.app, '/settings/tokens', { name: 'my bot' }, b);
    expect(res.statusCode).toBe(201);
    const shown = /folio_[\w-]{40,}/.exec(res.body)?.[0] as string;
    expect(shown).toBeDefined();
    const row = await t.store.db.selectFrom('api_tokens').selectAll().executeTakeFirstOrThrow();
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(shown.slice(10));
    const again = await getPage(t.app, '/settings', b);
    expect(again.body).not.toContain(shown);
    expect(again.body).toContain('my bot');
    expect((await api('POST', '2606.00001', { authorization: `Bearer ${shown}` })).statusCode).toBe(200);
  });
});
