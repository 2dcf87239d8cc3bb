// Imported profiles become foreign identities. Until now a Daily Papers file's author and submitter
// users were stored in `users` under their Hugging Face user name, the table local members live in: a
// file could make a local member a verified author, or fill an admin's profile and credit them with a
// submission. From here on:
//
// - `hf_identities` holds the Hugging Face profiles that imports name, keyed by their Hugging Face id
//   (by user name only when a file gives no id). They never sign in and carry no rights here.
// - `authors.hf_identity_id` / `hf_status` / `hf_status_changed_at` keep the verification imported
//   from Hugging Face; `authors.user_id` / `status` are set only by this site's claim flow.
// - `daily_entries.hf_submitted_by` keeps who submitted a paper on Hugging Face; `submitted_by` only
//   a local submission.
//
// Existing rows are moved: profiles without an account become identities (and their `users` rows go
// when nothing else refers to them); an author link to a member that no confirmed claim backs, and an
// entry of a member that carries Hugging Face's list time (`announced_at`, which a local submission
// never has), were imported and move to an identity made from that member's imported fields.
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../dialect.ts';
import { watchTables } from './generation-triggers.ts';

/** Tables added here whose changes are visible on pages: each write bumps the data generation. */
const WATCHED_TABLES = ['hf_identities'];

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const autoId = dialect === 'postgres' ? 'serial' : 'integer';
  await db.schema
    .createTable('hf_identities')
    .addColumn('id', autoId, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
    // Hugging Face's `_id`: the key. Null only for profiles a file gave no id for.
    .addColumn('hf_id', 'text', (c) => c.unique())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('fullname', 'text')
    .addColumn('avatar_url', 'text')
    .addColumn('is_pro', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('hf_identities_username').on('hf_identities').column('username').execute();

  await db.schema
    .alterTable('authors')
    .addColumn('hf_identity_id', 'integer', (c) => c.references('hf_identities.id'))
    .execute();
  await db.schema.alterTable('authors').addColumn('hf_status', 'text').execute();
  await db.schema.alterTable('authors').addColumn('hf_status_changed_at', 'text').execute();
  await db.schema
    .alterTable('daily_entries')
    .addColumn('hf_submitted_by', 'integer', (c) => c.references('hf_identities.id'))
    .execute();
  await db.schema.createIndex('daily_entries_hf_submitter').on('daily_entries').column('hf_submitted_by').execute();

  // Profiles that have no account were made by imports: all of them become identities.
  const noAccount = sql`not exists (select 1 from accounts a where a.user_id = u.id)`;
  // Links to members that were not made here: an author link no confirmed claim backs, an entry with
  // Hugging Face's own list time.
  const importedAuthor = sql`authors.user_id is not null and not exists (
      select 1 from author_claims c where c.paper_id = authors.paper_id and c.position = authors.position
        and c.user_id = authors.user_id and c.status = 'confirmed')`;
  const importedEntry = sql`daily_entries.submitted_by is not null and daily_entries.announced_at is not null`;
  await sql`insert into hf_identities (hf_id, username, fullname, avatar_url, is_pro, created_at)
    select case when u.id = (select min(u2.id) from users u2 where u2.hf_id = u.hf_id) then u.hf_id end, u.username, u.fullname, u.avatar_url, u.is_pro, u.created_at from users u
    where (${noAccount})
       or exists (select 1 from authors where authors.user_id = u.id and ${importedAuthor})
       or exists (select 1 from daily_entries where daily_entries.submitted_by = u.id and ${importedEntry})`.execute(db);
  // Each moved profile made exactly one identity under its (unique) user name. Two profiles with one
  // Hugging Face id (a renamed user) keep it on the first only, since the id is unique.
  const identityOf = (userCol: string) =>
    sql`(select h.id from hf_identities h join users u on u.username = h.username where u.id = ${sql.ref(userCol)})`;
  await sql`update authors set hf_identity_id = ${identityOf('authors.user_id')}, hf_status = status,
      hf_status_changed_at = status_changed_at, user_id = null, status = null, status_changed_at = null
    where (${importedAuthor}) or user_id in (select u.id from users u where ${noAccount})`.execute(db);
  await sql`update daily_entries set hf_submitted_by = ${identityOf('daily_entries.submitted_by')}, submitted_by = null
    where (${importedEntry}) or submitted_by in (select u.id from users u where ${noAccount})`.execute(db);
  // The imported profiles' `users` rows: gone unless something local refers to them.
  await sql`delete from users where id in (select u.id from users u where ${noAccount})
    and id not in (select user_id from votes) and id not in (select user_id from comments)
    and id not in (select user_id from comment_votes) and id not in (select user_id from author_claims)
    and id not in (select user_id from org_members) and id not in (select actor_id from moderation_log)
    and id not in (select user_id from authors where user_id is not null)
    and id not in (select submitted_by from daily_entries where submitted_by is not null)
    and id not in (select hidden_by from comments where hidden_by is not null)
    and id not in (select decided_by from author_claims where decided_by is not null)
    and id not in (select user_id from digest_subscriptions where user_id is not null)`.execute(db);

  await watchTables(db, dialect, WATCHED_TABLES);
}
