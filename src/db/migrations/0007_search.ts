// Meaning search: the versions of the vector index and the papers each one holds.
//
// - `search_indexes`: one row per build of the index. The built-in text model it was built with is kept
//   in the row (a few MB to ~35 MB), so that every web and worker process, on any machine, embeds
//   queries with the very model the vectors came from. The current index is the latest `ready` row.
// - `search_docs`: which paper each vector key of an index stands for.
// - The vectors themselves: on SQLite in an HNSW file beside the database (usearch,
//   `<data>/vectors-<id>.usearch`); on PostgreSQL in a pgvector table per build,
//   `search_vectors_<id>`, created when the index is built, since its dimension depends on the model.
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.ts';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') {
    try {
      await sql`create extension if not exists vector`.execute(db);
    } catch (e) {
      throw new Error(
        `PostgreSQL has no pgvector extension (${(e as Error).message}). Install it (Debian: postgresql-NN-pgvector, ` +
          'or scripts/build-pgvector.sh), or use a managed PostgreSQL that offers it; Folio needs CREATE EXTENSION vector.',
      );
    }
  }
  const blob = dialect === 'postgres' ? 'bytea' : 'blob';
  await db.schema
    .createTable('search_indexes')
    .addColumn('id', dialect === 'postgres' ? 'serial' : 'integer', (c) =>
      dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('dims', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('papers', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_key', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('corpus_size', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('text_model', blob)
    .addColumn('info', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('ready_at', 'text')
    .execute();
  await db.schema.createIndex('search_indexes_state').on('search_indexes').columns(['state', 'id']).execute();

  await db.schema
    .createTable('search_docs')
    .addColumn('index_id', 'integer', (c) => c.notNull().references('search_indexes.id').onDelete('cascade'))
    .addColumn('key', 'integer', (c) => c.notNull())
    .addColumn('paper_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('search_docs_pk', ['index_id', 'key'])
    .execute();
  await db.schema.createIndex('search_docs_paper').on('search_docs').columns(['paper_id', 'index_id']).unique().execute();
}
