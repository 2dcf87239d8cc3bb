// Harvest runs and their resumable state. The state row is written in the same transaction as each
// page's papers, so a harvest killed at any point resumes exactly where its stored papers end.
import type { Kysely } from 'kysely';
import type { Dialect } from '../dialect.ts';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('harvests')
    .addColumn('id', dialect === 'postgres' ? 'serial' : 'integer', (c) =>
      dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('arxiv-oai'))
    .addColumn('endpoint', 'text', (c) => c.notNull())
    .addColumn('set_spec', 'text')
    .addColumn('metadata_prefix', 'text', (c) => c.notNull())
    .addColumn('from_day', 'text')
    .addColumn('until_day', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('running'))
    .addColumn('pages', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('records', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('new_papers', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_papers', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('harvests_set_status').on('harvests').columns(['set_spec', 'status', 'id']).execute();
}
