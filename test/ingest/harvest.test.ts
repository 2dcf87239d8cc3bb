// The harvest as a whole: the stand-in arXiv serves listings as OAI-PMH pages; Folio stores them and
// must end with exactly the source's corpus — uninterrupted, killed with SIGKILL and resumed, or after
// faults — while keeping its polite delay (measured on the server's request log).
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harvestArxiv, nextFromDay, unfinishedHarvest } from '../../src/actions/harvest-arxiv.ts';
import type { Store } from '../../src/db/connection.ts';
import { arxivCategories } from '../../src/domain/arxiv-id.ts';
import { cleanText } from '../../src/domain/paper.ts';
import { enqueue } from '../../src/jobs/queue.ts';
import { jobHandlers } from '../../src/jobs/setup.ts';
import { Worker } from '../../src/jobs/worker.ts';
import { keywordSearch } from '../../src/search/keyword/fts.ts';
import { parseQuery } from '../../src/search/keyword/query.ts';
import { type ArxivStandin, startArxivStandin } from '../support/arxiv-standin/server.ts';
import { type CliRun, runFolio, startFolio } from '../support/cli.ts';
import { buildStore, type TestStore } from '../support/store.ts';

const SET = 'cs';
const FROM = '2025-06-01';
// The fixture listings hold 2025-06-02 and 2025-06-03 of this window: small pages make a harvest of many pages.
const UNTIL = '2025-06-03';
let standin: ArxivStandin;

beforeAll(async () => {
  standin = await startArxivStandin({ corpus: 'listings', pageSize: 40 });
}, 180_000);
afterAll(async () => standin?.close());

async function dump(store: Store) {
  const papers = await store.db
    .selectFrom('papers')
    .select(['id', 'version', 'title', 'abstract', 'published_at', 'updated_at', 'categories', 'primary_category', 'comment'])
    .orderBy('id')
    .execute();
  const authors = await store.db
    .selectFrom('authors')
    .select(['paper_id', 'position', 'name'])
    .orderBy('paper_id')
    .orderBy('position')
    .execute();
  return { papers, authors };
}

function runCli(env: NodeJS.ProcessEnv, args: string[], killAfterMs?: number): Promise<CliRun> {
  return runFolio(['ingest', 'arxiv', ...args], env, killAfterMs);
}

/** Pages the store's harvests have stored in all. */
async function storedPages(store: Store): Promise<number> {
  const rows = await store.db.selectFrom('harvests').select('pages').execute();
  return rows.reduce((n, r) => n + r.pages, 0);
}

/**
 * Runs `folio ingest arxiv ARGS` and kills it (SIGKILL) at a random moment up to 1.5 s after it stored
 * its first page; a run that ends first is returned as it ended.
 */
async function killAfterProgress(t: TestStore, args: string[]): Promise<CliRun> {
  const before = await storedPages(t.store);
  const run = startFolio(['ingest', 'arxiv', ...args], t.env);
  let ended = false;
  void run.done.then(() => {
    ended = true;
  });
  while (!ended && (await storedPages(t.store)) <= before) await sleep(50);
  if (!ended) {
    await sleep(Math.random() * 1500);
    run.child.kill('SIGKILL');
  }
  return run.done;
}

describe('harvesting into the store', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await buildStore();
  });
  afterAll(async () => t.cleanup());

  it('stores exactly the papers the source serves, with their metadata', async () => {
    const totals = await harvestArxiv(t.store.db, {
      endpoint: standin.oaiUrl,
      set: SET,
      from: FROM,
      until: UNTIL,
      metadataPrefix: 'arXiv',
      delayMs: 0,
    });
    const want = standin.listIds({ from: FROM, until: UNTIL, set: SET });
    expect(totals).toMatchObject({ records: want.length, newPapers: want.length, updatedPapers: 0, skipped: 0, status: 'done' });
    const { papers, authors } = await dump(t.store);
    expect(papers.map((p) => p.id)).toEqual([...want].sort());
    const byId = new Map(standin.corpus.map((p) => [p.id, p]));
    const authorsOf = new Map<string, string[]>();
    for (const a of authors) authorsOf.set(a.paper_id, [...(authorsOf.get(a.paper_id) ?? []), a.name]);
    for (const p of papers) {
      const src = byId.get(p.id);
      expect(src, p.id).toBeDefined();
      expect(cleanText(p.title)).toBe(cleanText(src?.title ?? ''));
      expect(cleanText(p.abstract)).toBe(cleanText(src?.abstract ?? ''));
      expect(JSON.parse(p.categories)).toEqual(arxivCategories(src?.categories));
      expect(authorsOf.get(p.id)?.map(cleanText)).toEqual(src?.authors.map(cleanText));
    }
    // The harvested papers are searchable at once, by their own title.
    const title = papers[0]?.title ?? '';
    const hit = await keywordSearch(t.store.db, parseQuery(`"${title}"`), {}, 5);
    expect(hit.ids).toContain(papers[0]?.id);
  });

  it('starts the next incremental harvest where the last one ended', async () => {
    expect(await nextFromDay(t.store.db, SET)).toBe(UNTIL);
    expect(await nextFromDay(t.store.db, 'math', new Date('2026-11-26T03:00:00Z'))).toBe('2026-11-25');
  });
});

describe('resuming', () => {
  it('ends with the corpus of an uninterrupted run when killed with SIGKILL at random points', async () => {
    const clean = await buildStore();
    const killed = await buildStore();
    try {
      // A delay that makes the harvest outlast the moment it is killed at.
      const args = ['--set', SET, '--from', FROM, '--until', UNTIL, '--endpoint', standin.oaiUrl, '--delay', '0.3'];
      const full = await runCli(clean.env, args);
      expect(full.code).toBe(0);
      // Each run is killed once it has stored a page more than the last one (however slowly a loaded
      // machine starts it), at a random moment after that; then the harvest is resumed.
      const kills: number[] = [];
      let run = await killAfterProgress(killed, args);
      for (let i = 0; i < 4 && run.signal === 'SIGKILL'; i++) {
        kills.push(i);
        run = await killAfterProgress(killed, ['--resume']);
      }
      // Resume to the end; a resume that fails says why (a bounded number of tries, not a loop forever).
      for (let i = 0; i < 3 && run.code !== 0; i++) run = await runCli(killed.env, ['--resume']);
      expect(run.code, `the last resume: ${run.signal ?? ''} ${run.stderr}`).toBe(0);
      expect(kills.length, 'at least one run was killed mid-harvest').toBeGreaterThan(0);
      expect(run.stdout).toMatch(/^harvested \d+ records \(\d+ new, \d+ updated, 0 skipped\) in \d+ pages$/m);
      const a = await dump(clean.store);
      const b = await dump(killed.store);
      expect(b.papers.length).toBe(standin.listIds({ from: FROM, until: UNTIL, set: SET }).length);
      expect(b).toEqual(a);
      expect(await unfinishedHarvest(killed.store.db)).toBeUndefined();
    } finally {
      await clean.cleanup();
      await killed.cleanup();
    }
  }, 600_000);

  it('survives a 503, a dropped connection and a malformed page, and resumes to the same corpus', async () => {
    const t = await buildStore();
    try {
      const start = standin.requests.length;
      standin.faults.push(
        { when: [start + 2], fault: { kind: 'unavailable', retryAfter: '1' } },
        { when: [start + 4], fault: { kind: 'drop' } },
        { when: [start + 7], fault: { kind: 'malformed' } },
      );
      const opts = { endpoint: standin.oaiUrl, set: SET, from: FROM, until: '2025-06-03', metadataPrefix: 'arXiv' as const, delayMs: 0 };
      await expect(harvestArxiv(t.store.db, opts)).rejects.toThrow();
      const failed = await unfinishedHarvest(t.store.db, SET);
      expect(failed?.status).toBe('failed');
      expect(failed?.last_error).toMatch(/./);
      const log = standin.requests.slice(start);
      expect(log.map((r) => r.fault).filter(Boolean)).toEqual(['unavailable', 'drop', 'malformed']);
      const done = await harvestArxiv(t.store.db, opts, failed);
      expect(done.status).toBe('done');
      const ids = (await dump(t.store)).papers.map((p) => p.id);
      expect(ids).toEqual([...standin.listIds({ from: FROM, until: '2025-06-03', set: SET })].sort());
    } finally {
      await t.cleanup();
    }
  }, 120_000);
});

describe('politeness', () => {
  it('waits the configured delay between requests, as the server sees it', async () => {
    const t = await buildStore();
    try {
      const start = standin.requests.length;
      const run = await runCli(t.env, [
        '--set',
        SET,
        '--from',
        FROM,
        '--until',
        '2025-06-02',
        '--endpoint',
        standin.oaiUrl,
        '--delay',
        '0.3',
      ]);
      expect(run.code, run.stderr).toBe(0);
      const times = standin.requests.slice(start).map((r) => r.at);
      expect(times.length).toBeGreaterThan(2);
      for (let i = 1; i < times.length; i++) expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(295);
    } finally {
      await t.cleanup();
    }
  }, 60_000);

  it('refuses bad options before writing anything', async () => {
    const t = await buildStore();
    try {
      for (const args of [
        ['--set', 'cs;drop', '--from', FROM],
        ['--set', SET, '--from', '2025-02-30'],
        ['--set', SET, '--from', FROM, '--until', '2025-05-01'],
        ['--set', SET, '--from', FROM, '--endpoint', 'file:///etc/passwd'],
        ['--set', SET, '--from', FROM, '--delay', 'soon'],
        ['--set', SET],
        ['--resume'],
      ]) {
        const run = await runCli(t.env, args);
        expect(run.code, args.join(' ')).toBe(2);
        expect(run.stderr).toMatch(/folio: /);
      }
      const rows = await t.store.db.selectFrom('harvests').selectAll().execute();
      expect(rows).toEqual([]);
    } finally {
      await t.cleanup();
    }
  }, 120_000);
});

describe('the scheduled job', () => {
  it('harvests the configured sets and continues from the last datestamp next time', async () => {
    const t = await buildStore({ arxivOaiUrl: standin.oaiUrl, arxivDelay: '0', arxivSets: 'cs' });
    try {
      // A first run of a narrow window, as if yesterday's job had run.
      await harvestArxiv(t.store.db, {
        endpoint: standin.oaiUrl,
        set: SET,
        from: '2026-06-30',
        until: '2026-06-30',
        metadataPrefix: 'arXiv',
        delayMs: 0,
      });
      const quiet = { info() {}, error() {} };
      const worker = new Worker(t.store.db, jobHandlers(t.config, t.store), undefined, quiet);
      await enqueue(t.store.db, 'harvest-arxiv', { sets: ['cs'] });
      const job = await worker.runOnce();
      const row = await t.store.db
        .selectFrom('jobs')
        .selectAll()
        .where('id', '=', job?.id as number)
        .executeTakeFirstOrThrow();
      expect(row.state).toBe('done');
      const runs = await t.store.db.selectFrom('harvests').selectAll().orderBy('id').execute();
      expect(runs.map((r) => [r.from_day, r.status])).toEqual([
        ['2026-06-30', 'done'],
        ['2026-06-30', 'done'],
      ]);
      const n = await t.store.db
        .selectFrom('papers')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(n.n)).toBe(new Set(standin.listIds({ from: '2026-06-30', set: SET })).size);
    } finally {
      await t.cleanup();
    }
  }, 120_000);
});
