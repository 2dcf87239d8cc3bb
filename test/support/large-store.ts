// A SQLite store grown to a size where a backup takes a while (tens of megabytes), for tests and benches of
// backups under writes. The papers are made up, in batches through the same store path as imports.

import type { Store } from '../../src/db/connection.ts';
import { storeBatch } from '../../src/db/queries/store-papers.ts';

const BATCH = 1000;
const WORDS = 'graph neural network attention transformer sparse retrieval diffusion model language vision protein'.split(' ');

function abstract(i: number, words: number): string {
  const out: string[] = [];
  for (let w = 0; w < words; w++) out.push(WORDS[(i * 7 + w * 13) % WORDS.length] as string, String((i * 31 + w) % 9973));
  return out.join(' ');
}

/** Adds `n` papers with abstracts of about `words` words each; returns their ids' prefix. */
export async function growStore(store: Store, n: number, words = 200): Promise<void> {
  for (let start = 0; start < n; start += BATCH) {
    const papers = [];
    for (let i = start; i < Math.min(n, start + BATCH); i++) {
      papers.push({
        id: `2501.${String(10000 + i).padStart(5, '0')}`,
        title: `Made-up paper ${i} on ${WORDS[i % WORDS.length]}`,
        abstract: abstract(i, words),
        authors: [{ name: `Author ${i % 5000}` }, { name: `Coauthor ${i % 777}` }],
        publishedAt: new Date(Date.UTC(2025, 0, 1) + (i % 365) * 86_400_000).toISOString(),
        stamp: '2026-01-01',
      });
    }
    await storeBatch(store.db, { papers, entries: [] });
  }
}
