// The Hugging Face compatible read API: shapes, parameters, errors, paging.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles } from '../../src/actions/import-files.ts';
import { makeMember } from '../support/members.ts';
import { buildTestApp, FIXTURES, type TestApp } from '../support/store.ts';

const DAYS = ['2026-06-01', '2026-06-02', '2026-06-03', '2026-06-08'];
type Item = {
  paper: { id: string; upvotes: number; submittedOnDailyAt?: string; publishedAt: string };
  publishedAt: string;
  numComments: number;
};

let t: TestApp;
const files = DAYS.map((d) => join(FIXTURES, 'hf-daily', `${d}.json`));
const source = new Map(
  DAYS.map((d, i) => [d, JSON.parse(readFileSync(files[i] as string, 'utf8')) as { paper: { id: string; upvotes: number } }[]]),
);

beforeAll(async () => {
  t = await buildTestApp();
  await importFiles(t.store.db, [...files, join(FIXTURES, 'arxiv-listings', 'daily-arxiv-jsonl', '2026-06-01.jsonl.gz')]);
});
afterAll(async () => t.cleanup());

async function get(url: string) {
  const res = await t.app.inject({ method: 'GET', url });
  return { status: res.statusCode, headers: res.headers, body: res.json() as unknown };
}

/** Every item of a period, following the `p` pages. */
async function getAll(url: string, limit: number): Promise<Item[]> {
  const out: Item[] = [];
  for (let p = 0; p < 1000; p++) {
    const r = await get(`${url}&limit=${limit}&p=${p}`);
    out.push(...(r.body as Item[]));
    if (!r.headers.link) break;
  }
  return out;
}

describe('GET /api/daily_papers', () => {
  it('returns a day ordered by upvotes, ties by time added', async () => {
    const { status, body } = await get('/api/daily_papers?date=2026-06-02&limit=100');
    expect(status).toBe(200);
    const items = body as Item[];
    expect(items.map((i) => i.paper.id).sort()).toEqual(
      source
        .get('2026-06-02')
        ?.map((i) => i.paper.id)
        .sort(),
    );
    for (let i = 1; i < items.length; i++) {
      const [a, b] = [items[i - 1] as Item, items[i] as Item];
      expect(
        a.paper.upvotes > b.paper.upvotes ||
          (a.paper.upvotes === b.paper.upvotes && (a.paper.submittedOnDailyAt ?? '') <= (b.paper.submittedOnDailyAt ?? '')),
      ).toBe(true);
    }
  });

  it('serves weeks and months, and the most recent entries without a period', async () => {
    const week = await getAll('/api/daily_papers?week=2026-W23', 100);
    expect(week.length).toBeGreaterThan(100);
    const expected = new Set(['2026-06-01', '2026-06-02', '2026-06-03'].flatMap((d) => source.get(d)?.map((i) => i.paper.id) ?? []));
    expect(new Set(week.map((i) => i.paper.id))).toEqual(expected);
    const month = await getAll('/api/daily_papers?month=2026-06', 100);
    expect(month.length).toBe(new Set(DAYS.flatMap((d) => source.get(d)?.map((i) => i.paper.id) ?? [])).size);
    const latest = (await get('/api/daily_papers?limit=3')).body as Item[];
    expect(latest.map((i) => i.paper.submittedOnDailyAt?.slice(0, 10))).toEqual(['2026-06-08', '2026-06-08', '2026-06-08']);
    expect((await get('/api/daily_papers?date=2020-01-01')).body).toEqual([]);
  });

  it('pages with p and limit, and says where the next page is', async () => {
    const all = await getAll('/api/daily_papers?month=2026-06', 100);
    const first = await get('/api/daily_papers?month=2026-06&limit=7');
    expect(first.headers.link).toBe('<http://localhost:3000/api/daily_papers?month=2026-06&limit=7&p=1>; rel="next"');
    const pages = await getAll('/api/daily_papers?month=2026-06', 7);
    expect(pages.map((i) => i.paper.id)).toEqual(all.map((i) => i.paper.id));
    expect(new Set(pages.map((i) => i.paper.id)).size).toBe(pages.length);
  });

  it('filters by submitter', async () => {
    const items = source.get('2026-06-02') as { paper: { id: string }; submittedBy?: { name: string } }[];
    const name = items.find((i) => i.submittedBy)?.submittedBy?.name as string;
    const want = DAYS.flatMap((d) => (source.get(d) as typeof items).filter((i) => i.submittedBy?.name === name).map((i) => i.paper.id));
    const got = await getAll(`/api/daily_papers?submitter=${encodeURIComponent(name)}`, 100);
    expect(got.map((i) => i.paper.id).sort()).toEqual([...new Set(want)].sort());
    expect((await get('/api/daily_papers?submitter=nobody-here')).body).toEqual([]);
  });

  it('sorts by publication date on request', async () => {
    const items = await getAll('/api/daily_papers?week=2026-W23&sort=publishedAt', 100);
    const dates = items.map((i) => i.paper.publishedAt);
    expect(dates).toEqual([...dates].sort().reverse());
  });

  it.each([
    ['date=2026-02-30', /date/],
    ['date=2026-6-2', /date/],
    ['date=yesterday', /date/],
    ["date=2026-06-02'--", /date/],
    ['week=2025-W53', /week/],
    ['week=2026-23', /week/],
    ['month=2026-13', /month/],
    ['date=2026-06-02&week=2026-W23', /at most one/],
    ['limit=0', /limit/],
    ['limit=101', /limit/],
    ['limit=-1', /limit/],
    ['limit=ten', /limit/],
    ['limit=1e3', /limit/],
    ['p=-1', /"p"/],
    ['p=1.5', /"p"/],
    ['sort=random', /sort/],
    ['date=2026-06-02&date=2026-06-03', /once/],
  ])('refuses %s with 400 and a JSON error', async (query, message) => {
    const r = await get(`/api/daily_papers?${query}`);
    expect(r.status).toBe(400);
    expect((r.body as { error: string }).error).toMatch(message);
  });
});

describe('GET /api/papers/{id}', () => {
  it('returns the paper object, with or without a version suffix', async () => {
    const id = (source.get('2026-06-02') as { paper: { id: string } }[])[0]?.paper.id;
    const a = await get(`/api/papers/${id}`);
    const b = await get(`/api/papers/${id}v2`);
    expect(a.status).toBe(200);
    expect(a.body).toEqual(b.body);
    expect((a.body as { id: string; authors: unknown[] }).id).toBe(id);
  });

  it('serves corpus papers that were never on a list', async () => {
    const line = readFileSync(join(FIXTURES, 'arxiv-listings', 'daily-arxiv-jsonl', '2026-06-01.jsonl.gz'));
    expect(line.length).toBeGreaterThan(0);
    const list = (await get('/api/papers?limit=100')).body as Item[];
    const listed = new Set(DAYS.flatMap((d) => source.get(d)?.map((i) => i.paper.id) ?? []));
    const corpusOnly = list.find((i) => !listed.has(i.paper.id));
    expect(corpusOnly).toBeDefined();
    const r = await get(`/api/papers/${corpusOnly?.paper.id}`);
    expect(r.status).toBe(200);
    expect(r.body).not.toHaveProperty('submittedOnDailyAt');
  });

  it.each(['2401.99999', 'hep-th/9901001', 'hep-th%2F9901001', 'not-an-id', '..%2F..%2Fetc%2Fpasswd', '%3Cscript%3E'])(
    'answers 404 with a JSON error for %s',
    async (id) => {
      const r = await get(`/api/papers/${id}`);
      expect(r.status).toBe(404);
      expect(r.headers['content-type']).toMatch(/json/);
      expect(typeof (r.body as { error: string }).error).toBe('string');
    },
  );
});

describe('GET /api/papers (cursor)', () => {
  it('walks the whole corpus newest first, without overlap or gap', async () => {
    const seen: Item[] = [];
    let url = '/api/papers?limit=50';
    for (let guard = 0; guard < 100; guard++) {
      const r = await get(url);
      expect(r.status).toBe(200);
      seen.push(...(r.body as Item[]));
      const link = r.headers.link as string | undefined;
      if (!link) break;
      url = (/<http:\/\/localhost:3000([^>]+)>/.exec(link) as RegExpExecArray)[1] as string;
    }
    const ids = seen.map((i) => i.paper.id);
    expect(new Set(ids).size).toBe(ids.length);
    const n = await t.store.db
      .selectFrom('papers')
      .select(({ fn }) => fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(ids.length).toBe(Number(n.n));
    const dates = seen.map((i) => i.paper.publishedAt);
    expect(dates).toEqual([...dates].sort().reverse());
  });

  it.each(['cursor=garbage', 'cursor=W10', `cursor=${'A'.repeat(500)}`, 'limit=500'])('refuses %s', async (q) => {
    const r = await get(`/api/papers?${q}`);
    expect(r.status).toBe(400);
  });
});

describe('health and unknown endpoints', () => {
  it('reports health', async () => {
    expect(await get('/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
  });
  it('answers unknown API paths with a JSON 404', async () => {
    const r = await get('/api/nothing');
    expect(r.status).toBe(404);
    expect(r.body).toHaveProperty('error');
  });
});

describe('the cache never serves stale data', () => {
  it('shows a new vote at once', async () => {
    const url = '/api/daily_papers?date=2026-06-02&limit=100';
    const before = (await get(url)).body as Item[];
    const target = before[before.length - 1] as Item;
    // Imported files make no members (their users are Hugging Face identities): a member votes.
    const user = await makeMember(t.store);
    await t.store.db.transaction().execute(async (trx) => {
      await trx.insertInto('votes').values({ user_id: user.id, paper_id: target.paper.id, created_at: new Date().toISOString() }).execute();
      await trx
        .updateTable('papers')
        .set((eb) => ({ local_upvotes: eb('local_upvotes', '+', 1) }))
        .where('id', '=', target.paper.id)
        .execute();
    });
    const after = (await get(url)).body as Item[];
    expect(after.find((i) => i.paper.id === target.paper.id)?.paper.upvotes).toBe(target.paper.upvotes + 1);
  });
});
