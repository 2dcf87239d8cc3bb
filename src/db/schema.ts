// Row types of every table, as Kysely sees them. Instants and days are ISO 8601 strings in both
// dialects, so that rows compare and sort the same way everywhere; lists are JSON text.
import type { Generated } from 'kysely';

export interface PapersTable {
  id: string;
  version: number | null;
  title: string;
  abstract: string;
  published_at: string | null;
  updated_at: string | null;
  categories: string; // JSON array
  primary_category: string | null;
  comment: string | null;
  journal_ref: string | null;
  doi: string | null;
  github_repo: string | null;
  github_stars: number | null;
  project_page: string | null;
  ai_summary: string | null;
  ai_keywords: string | null; // JSON array
  organization_id: number | null;
  discussion_id: string | null;
  /** Freshness of the arXiv metadata held (see PaperRecord.stamp). */
  meta_stamp: string;
  /** Freshness of the community fields held (GitHub, project page, AI summary, organisation). */
  community_stamp: string | null;
  /** Snapshot counts from imported files; never mixed with local counts. */
  imported_upvotes: number;
  imported_comments: number;
  /** Counters of what happened on this instance, updated in the transaction that changes them. */
  local_upvotes: number;
  local_comments: number;
  hidden: number;
  created_at: string;
  changed_at: string;
  /** Stored trending score (domain/trending.ts), recomputed in the database. */
  trending_score: number;
}

export interface AuthorsTable {
  paper_id: string;
  position: number;
  name: string;
  hf_id: string | null;
  hidden: number;
  affiliation: string | null;
  user_id: number | null;
  status: string | null;
  status_changed_at: string | null;
}

export interface UsersTable {
  id: Generated<number>;
  username: string;
  fullname: string | null;
  avatar_url: string | null;
  hf_id: string | null;
  is_pro: number;
  created_at: string;
}

export interface OrganizationsTable {
  id: Generated<number>;
  name: string;
  fullname: string | null;
  avatar: string | null;
  hf_id: string | null;
}

export interface DailyEntriesTable {
  id: Generated<number>;
  paper_id: string;
  day: string;
  /** When the paper was put on the list (Daily Papers' `submittedOnDailyAt`). */
  added_at: string;
  /** The list item's own `publishedAt` in Daily Papers bodies, kept for compatibility. */
  announced_at: string | null;
  submitted_by: number | null;
  organization_id: number | null;
  thumbnail: string | null;
  media_urls: string | null; // JSON array
  is_author_participating: number | null;
  hidden: number;
}

export interface VotesTable {
  user_id: number;
  paper_id: string;
  created_at: string;
}

export interface MetaTable {
  key: string;
  value: string;
}

export type JobState = 'queued' | 'running' | 'done' | 'failed';

export interface JobsTable {
  id: Generated<number>;
  kind: string;
  payload: string; // JSON
  unique_key: string | null;
  state: JobState;
  due_at: string;
  attempts: number;
  max_attempts: number;
  locked_by: string | null;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface HarvestsTable {
  id: Generated<number>;
  source: string;
  endpoint: string;
  set_spec: string | null;
  metadata_prefix: string;
  from_day: string | null;
  until_day: string | null;
  /** The harvester's resumable state (JSON), stored with each page's papers. */
  state: string;
  status: 'running' | 'done' | 'failed';
  pages: number;
  records: number;
  new_papers: number;
  updated_papers: number;
  skipped: number;
  last_error: string | null;
  started_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface Database {
  papers: PapersTable;
  authors: AuthorsTable;
  users: UsersTable;
  organizations: OrganizationsTable;
  daily_entries: DailyEntriesTable;
  votes: VotesTable;
  meta: MetaTable;
  jobs: JobsTable;
  harvests: HarvestsTable;
}
