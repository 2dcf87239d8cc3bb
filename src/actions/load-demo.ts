// The demo data loaded into an empty instance on first start, so that `npm start` shows a living site.
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { type ImportReport, importFiles } from './import-files.ts';

export const DEMO_DIR = fileURLToPath(new URL('../../demo/hf-daily', import.meta.url));
/**
 * The arXiv listings' records of the demo papers that the listings hold (374 of 1,308): Daily Papers
 * bodies carry no arXiv category, the listings do, so the demo's category filter, digest topics and
 * paper pages have real categories to show.
 */
export const DEMO_LISTINGS_DIR = fileURLToPath(new URL('../../demo/arxiv-listings', import.meta.url));

export async function isEmpty(db: Kysely<Database>): Promise<boolean> {
  const row = await db.selectFrom('papers').select('id').limit(1).executeTakeFirst();
  return row === undefined;
}

/** Loads the demo data when the store holds no paper yet; returns null when it did nothing. */
export async function loadDemoIfEmpty(
  db: Kysely<Database>,
  dirs: readonly string[] = [DEMO_DIR, DEMO_LISTINGS_DIR],
): Promise<ImportReport | null> {
  if (!(await isEmpty(db))) return null;
  return importFiles(db, [...dirs]);
}
