// The search page offers every primary category with its count of visible papers. Counting them from
// this index reads the index alone (a few bytes a paper) instead of every row of papers, and the
// counts are kept for FACETS_TTL_MS, so the facet costs one index walk every few minutes at most.
import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.createIndex('papers_category_visible').on('papers').columns(['hidden', 'primary_category']).execute();
}
