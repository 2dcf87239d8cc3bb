// The search index's jobs: the update job asks for a rebuild when there is no index or the corpus grew
// by a quarter, and otherwise adds new papers; the rebuild job runs `folio search-index rebuild` in a
// child process against the same store. Also the schedule entries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusSize, currentIndex } from '../../src/db/queries/search-indexes.ts';
import { storeBatch } from '../../src/db/queries/store-papers.ts';
import { scheduleEntries } from '../../src/jobs/setup.ts';
import type { JobContext } from '../../src/jobs/worker.ts';
import { REBUILD_GROWTH } from '../../src/search/index-build.ts';
import { REBUILD_JOB, runRebuildProcess, runUpdateJob, SEARCH_UPDATE_CRON, UPDATE_JOB } from '../../src/search/jobs.ts';
import { importSearchSample } from '../support/search.ts';
import { buildStore, type TestStore } from '../support/store.ts';

let t: TestStore;
const logs: string[] = [];
const jobCtx = (): JobContext => ({ signal: new AbortController().signal, log: (m) => logs.push(m) });
const queued = async (kind: string) =>
  (await t.store.db.selectFrom('jobs').select('id').where('kind', '=', kind).where('state', '=', 'queued').execute()).length;

beforeAll(async () => {
  t = await buildStore();
  await importSearchSample(t);
}, 120_000);

afterAll(async () => t?.cleanup());

describe('search index jobs', () => {
  it('are scheduled: a nightly rebuild and a frequent update', () => {
    const entries = scheduleEntries(t.config);
    expect(entries.find((e) => e.kind === REBUILD_JOB)?.cron).toBe(t.config.searchIndexCron);
    expect(entries.find((e) => e.kind === UPDATE_JOB)?.cron).toBe(SEARCH_UPDATE_CRON);
  });

  it('queue a rebuild when there is no index (once, however often the update runs)', async () => {
    await runUpdateJob(t.config, t.store, jobCtx());
    await runUpdateJob(t.config, t.store, jobCtx());
    expect(await queued(REBUILD_JOB)).toBe(1);
    expect(await currentIndex(t.store.db)).toBeUndefined();
  });

  it('rebuild in a child process of the same program and store', async () => {
    await runRebuildProcess(t.config, jobCtx());
    const cur = await currentIndex(t.store.db);
    expect(cur?.state).toBe('ready');
    expect(cur?.papers).toBe(await corpusSize(t.store.db));
    expect(logs.some((l) => /index \d+ is current/.test(l))).toBe(true);
  }, 120_000);

  it('add new papers in place, and once the corpus grew by a quarter queue a rebuild instead', async () => {
    await t.store.db.deleteFrom('jobs').execute();
    const cur = await currentIndex(t.store.db);
    const size = cur?.corpus_size ?? 0;
    const paper = (i: number) => ({
      id: `2699.${String(i).padStart(5, '0')}`,
      title: `Synthetic paper ${i} on graph neural networks`,
      abstract: 'Graph neural networks learn node representations by message passing between neighbours.',
      authors: [{ name: 'Test Author' }],
      stamp: '2026-06-10',
    });
    await storeBatch(t.store.db, { papers: [paper(0)], entries: [] });
    await runUpdateJob(t.config, t.store, jobCtx());
    expect(await queued(REBUILD_JOB)).toBe(0);
    expect((await currentIndex(t.store.db))?.papers).toBe(size + 1);

    const more = Math.ceil(size * REBUILD_GROWTH) + 1;
    await storeBatch(t.store.db, { papers: Array.from({ length: more }, (_, i) => paper(i + 1)), entries: [] });
    await runUpdateJob(t.config, t.store, jobCtx());
    expect(await queued(REBUILD_JOB)).toBe(1);
    // The rebuild indexes every paper with the new model, so the old index is not grown first (keyword
    // search has the new papers meanwhile).
    expect((await currentIndex(t.store.db))?.papers).toBe(size + 1);
  }, 120_000);
});
