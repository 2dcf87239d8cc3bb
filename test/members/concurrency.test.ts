// Votes racing each other, through a listening server and real HTTP: 200 members upvoting one paper at
// once count exactly 200; one member voting twice (or ten times) at once counts once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPaper, apiToken, makeMember, signedIn } from '../support/members.ts';
import { buildTestApp, type TestApp } from '../support/store.ts';

const MEMBERS = 200;
let t: TestApp;
let base: string;

beforeAll(async () => {
  t = await buildTestApp();
  await addPaper(t.store, { id: '2606.10001', day: '2026-06-02', upvotes: 7 });
  await addPaper(t.store, { id: '2606.10002', day: '2026-06-02' });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const a = t.app.server.address();
  if (!a || typeof a === 'string') throw new Error('no port');
  base = `http://127.0.0.1:${a.port}`;
}, 120_000);
afterAll(async () => {
  await t.cleanup();
});

async function counts(id: string) {
  const p = await t.store.db
    .selectFrom('papers')
    .select(['local_upvotes', 'imported_upvotes'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const rows = await t.store.db.selectFrom('votes').select('user_id').where('paper_id', '=', id).execute();
  return { counter: p.local_upvotes, rows: rows.length, shown: p.local_upvotes + p.imported_upvotes };
}

describe('votes at once', () => {
  it(`${MEMBERS} members upvote the same paper at once: exactly ${MEMBERS}`, async () => {
    const tokens = await Promise.all(Array.from({ length: MEMBERS }, async () => apiToken(t.store, (await makeMember(t.store)).id)));
    const results = await Promise.all(
      tokens.map((token) =>
        fetch(`${base}/api/papers/2606.10001/upvote`, { method: 'POST', headers: { authorization: `Bearer ${token}` } }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(MEMBERS).fill(200));
    expect(await counts('2606.10001')).toEqual({ counter: MEMBERS, rows: MEMBERS, shown: MEMBERS + 7 });
    const api = (await (await fetch(`${base}/api/papers/2606.10001`)).json()) as { upvotes: number };
    expect(api.upvotes).toBe(MEMBERS + 7);
  }, 120_000);

  it('one member voting twice at once (API and form, ten times each) counts once', async () => {
    const m = await makeMember(t.store);
    const token = await apiToken(t.store, m.id);
    const b = await signedIn(t.store, m.id);
    const viaApi = Array.from({ length: 10 }, () =>
      fetch(`${base}/api/papers/2606.10002/upvote`, { method: 'POST', headers: { authorization: `Bearer ${token}` } }),
    );
    const viaForm = Array.from({ length: 10 }, () =>
      fetch(`${base}/papers/2606.10002/upvote`, {
        method: 'POST',
        headers: { cookie: b.cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ _csrf: b.csrf, vote: 'up' }),
      }),
    );
    const res = await Promise.all([...viaApi, ...viaForm]);
    expect(res.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(await counts('2606.10002')).toEqual({ counter: 1, rows: 1, shown: 1 });
  }, 60_000);

  it('the same member voting up and down at once ends consistent (counter equals vote rows)', async () => {
    const m = await makeMember(t.store);
    const token = await apiToken(t.store, m.id);
    const res = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        fetch(`${base}/api/papers/2606.10002/upvote`, { method: i % 2 ? 'DELETE' : 'POST', headers: { authorization: `Bearer ${token}` } }),
      ),
    );
    expect(res.every((r) => r.status === 200)).toBe(true);
    const c = await counts('2606.10002');
    expect(c.counter).toBe(c.rows);
  }, 60_000);
});
