// A small real corpus for search tests: three days of Daily Papers (with organisations, code links,
// AI summaries) and one day of arXiv listings (papers never on a list), and its search index.
import { join } from 'node:path';
import { importFiles } from '../../src/actions/import-files.ts';
import { type BuildContext, rebuildSearchIndex } from '../../src/search/index-build.ts';
import { FIXTURES, type TestStore } from './store.ts';

export const SAMPLE_DAYS = ['2026-06-01', '2026-06-02', '2026-06-03'];

export async function importSearchSample(t: TestStore): Promise<void> {
  await importFiles(t.store.db, [
    ...SAMPLE_DAYS.map((d) => join(FIXTURES, 'hf-daily', `${d}.json`)),
    join(FIXTURES, 'arxiv-listings', 'daily-arxiv-jsonl', '2026-06-01.jsonl.gz'),
  ]);
}

export function buildContext(t: TestStore): BuildContext {
  return { db: t.store.db, dialect: t.store.dialect, dataDir: t.dir, config: t.config, provider: null };
}

export async function buildSearchIndex(t: TestStore) {
  const r = await rebuildSearchIndex(buildContext(t));
  if (!r) throw new Error('no index was built');
  return r;
}
