// The first schema: papers and their authors, organisations, users, daily entries, local votes, and
// the `meta` table whose `data_generation` counter lets caches know when anything visible changed.
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.ts';
import { watchTables } from './generation-triggers.ts';

/** Tables whose changes are visible on pages and in the API: each write to them bumps the generation. */
const WATCHED_TABLES = ['papers', 'authors', 'users', 'organizations', 'daily_entries', 'votes'];

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const autoId = dialect === 'postgres' ? 'serial' : 'integer';
  await db.schema
    .createTable('users')
    .addColumn('id', autoId, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('fullname', 'text')
    .addColumn('avatar_url', 'text')
    .addColumn('hf_id', 'text')
    .addColumn('is_pro', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('organizations')
    .addColumn('id', autoId, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('fullname', 'text')
    .addColumn('avatar', 'text')
    .addColumn('hf_id', 'text')
    .execute();

  await db.schema
    .createTable('papers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('version', 'integer')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('abstract', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text')
    .addColumn('updated_at', 'text')
    .addColumn('categories', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('primary_category', 'text')
    .addColumn('comment', 'text')
    .addColumn('journal_ref', 'text')
    .addColumn('doi', 'text')
    .addColumn('github_repo', 'text')
    .addColumn('github_stars', 'integer')
    .addColumn('project_page', 'text')
    .addColumn('ai_summary', 'text')
    .addColumn('ai_keywords', 'text')
    .addColumn('organization_id', 'integer', (c) => c.references('organizations.id'))
    .addColumn('discussion_id', 'text')
    .addColumn('meta_stamp', 'text', (c) => c.notNull())
    .addColumn('community_stamp', 'text')
    .addColumn('imported_upvotes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('imported_comments', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('local_upvotes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('local_comments', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('hidden', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('papers_published').on('papers').columns(['published_at', 'id']).execute();
  await db.schema.createIndex('papers_org').on('papers').column('organization_id').execute();

  await db.schema
    .createTable('authors')
    .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('hf_id', 'text')
    .addColumn('hidden', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('affiliation', 'text')
    .addColumn('user_id', 'integer', (c) => c.references('users.id'))
    .addColumn('status', 'text')
    .addColumn('status_changed_at', 'text')
    .addPrimaryKeyConstraint('authors_pk', ['paper_id', 'position'])
    .execute();
  await db.schema.createIndex('authors_name').on('authors').column('name').execute();

  await db.schema
    .createTable('daily_entries')
    .addColumn('id', autoId, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addColumn('announced_at', 'text')
    .addColumn('submitted_by', 'integer', (c) => c.references('users.id'))
    .addColumn('organization_id', 'integer', (c) => c.references('organizations.id'))
    .addColumn('thumbnail', 'text')
    .addColumn('media_urls', 'text')
    .addColumn('is_author_participating', 'integer')
    .addColumn('hidden', 'integer', (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint('daily_entries_paper_day', ['paper_id', 'day'])
    .execute();
  await db.schema.createIndex('daily_entries_day').on('daily_entries').columns(['day', 'paper_id']).execute();
  await db.schema.createIndex('daily_entries_submitter').on('daily_entries').column('submitted_by').execute();

  await db.schema
    .createTable('votes')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('paper_id', 'text', (c) => c.notNull().references('papers.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('votes_pk', ['user_id', 'paper_id'])
    .execute();

  await db.schema
    .createTable('meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await sql`insert into meta (key, value) values ('data_generation', '0')`.execute(db);

  // Why triggers: every writer (importer, votes, moderation, later features) bumps the counter without
  // having to remember to, and it works across processes sharing one database.
  if (dialect === 'postgres') {
    await sql`create function bump_data_generation() returns trigger language plpgsql as $$
      begin
        update meta set value = (value::bigint + 1)::text where key = 'data_generation';
        return null;
      end $$`.execute(db);
  }
  await watchTables(db, dialect, WATCHED_TABLES);
}
