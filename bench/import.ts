// Import throughput over all shared arXiv listings (papers/s), into a fresh store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importFiles } from '../src/actions/import-files.ts';
import { openStore } from '../src/db/connection.ts';
import type { Row } from './table.ts';

/** The shared real data: FOLIO_SHARED_DATA, or `../shared/data` beside the checkout. */
export const SHARED = process.env.FOLIO_SHARED_DATA ?? join(import.meta.dirname, '..', '..', 'shared', 'data');

export async function benchImport(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'folio-bench-import-'));
  const store = await openStore(dir);
  try {
    const rows: Row[] = [];
    for (const [label, paths] of [
      ['all arXiv listings (first import)', [join(SHARED, 'arxiv-listings')]],
      ['same again (idempotent re-import)', [join(SHARED, 'arxiv-listings')]],
      ['Daily Papers files', [join(SHARED, 'hf-daily')]],
    ] as const) {
      const t0 = performance.now();
      const r = await importFiles(store.db, [...paths]);
      const s = (performance.now() - t0) / 1000;
      rows.push({ run: label, records: r.counts.papers, new: r.counts.newPapers, seconds: s, 'papers/s': Math.round(r.counts.papers / s) });
    }
    return rows;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
