// Row types of every table, as Kysely sees them. Instants and days are ISO 8601 strings in both
// dialects, so that rows compare and sort the same way everywhere; lists are JSON text.

import type { Generated } from 'kysely';
import type { ListView } from '../domain/list-view.ts';

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
  /** The local member who claimed this authorship here (claim flow only, see actions/authorship.ts). */
  user_id: number | null;
  status: string | null;
  status_changed_at: string | null;
  /** The Hugging Face profile an imported file says verified this authorship there: no right here. */
  hf_identity_id: number | null;
  hf_status: string | null;
  hf_status_changed_at: string | null;
}

/** A Hugging Face profile named by an imported file: foreign, never a local account. */
export interface HfIdentitiesTable {
  id: Generated<number>;
  /** Hugging Face's `_id` (the key); null only when a file gave none. */
  hf_id: string | null;
  username: string;
  fullname: string | null;
  avatar_url: string | null;
  is_pro: number;
  created_at: string;
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
  /** The local member who submitted it here. */
  submitted_by: number | null;
  /** Who submitted it on Hugging Face (imported). */
  hf_submitted_by: number | null;
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

export type Role = 'member' | 'trusted' | 'moderator' | 'admin';

export interface AccountsTable {
  user_id: number;
  /** Lower-cased; unique. */
  email: string;
  /** `scrypt$N$r$p$salt$hash` (see security/passwords.ts). */
  password_hash: string;
  email_confirmed_at: string | null;
  role: Role;
  suspended_at: string | null;
  suspended_reason: string | null;
  created_at: string;
  password_changed_at: string;
  /** How lists show papers to this member (domain/list-view.ts). */
  list_view: Generated<ListView>;
}

export interface SessionsTable {
  /** sha256 (hex) of the cookie's token. */
  id: string;
  user_id: number;
  /** The synchronizer token every form of this session carries. */
  csrf_token: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
  ip: string | null;
  user_agent: string | null;
}

export type EmailTokenPurpose = 'confirm' | 'reset';

export interface EmailTokensTable {
  token_hash: string;
  user_id: number;
  purpose: EmailTokenPurpose;
  email: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  /** sha256 (hex) of the token; the token itself is shown once. */
  token_hash: string;
  /** The token's first characters, to tell tokens apart in /settings. */
  prefix: string;
  created_at: string;
  last_used_at: string | null;
}

export interface RateLimitsTable {
  bucket: string;
  window_start: string;
  count: number;
  expires_at: string;
}

export interface CommentsTable {
  id: Generated<number>;
  paper_id: string;
  user_id: number;
  parent_id: number | null;
  depth: number;
  /** Markdown as written. */
  body: string;
  /** Rendered and sanitised at write time. */
  body_html: string;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
  hidden_at: string | null;
  hidden_by: number | null;
  upvotes: number;
  downvotes: number;
  /** Wilson lower bound of (upvotes, upvotes + downvotes): the ordering key (domain/wilson.ts). */
  score: number;
}

export interface CommentVotesTable {
  user_id: number;
  comment_id: number;
  /** 1 or -1. */
  value: number;
  created_at: string;
}

export type ClaimStatus = 'pending' | 'confirmed' | 'refused';

export interface AuthorClaimsTable {
  id: Generated<number>;
  paper_id: string;
  position: number;
  user_id: number;
  status: ClaimStatus;
  created_at: string;
  decided_at: string | null;
  decided_by: number | null;
  reason: string | null;
}

export type OrgRole = 'admin' | 'member';

export interface OrgMembersTable {
  org_id: number;
  user_id: number;
  role: OrgRole;
  created_at: string;
}

export interface ModerationLogTable {
  id: Generated<number>;
  actor_id: number;
  action: string;
  target_type: string;
  target_id: string;
  reason: string;
  created_at: string;
}

export interface OutboxTable {
  id: Generated<number>;
  to_addr: string;
  subject: string;
  text_body: string;
  html_body: string;
  headers: string; // JSON object
  created_at: string;
  sent_at: string | null;
  attempts: number;
  last_error: string | null;
  /** What the mail is (digest, account, subscription, test): metrics and /admin/outbox tell them apart. */
  kind: string;
  status: OutboxStatus;
  /** The recipient's display name, if any (checked and encoded by the sender, never pasted into a header). */
  to_name: string | null;
  /** Fixed when queued, so that a retry repeats it and receivers can drop a duplicate. */
  message_id: string | null;
  next_attempt_at: string | null;
  locked_by: string | null;
  locked_until: string | null;
  /** smtp, or outbox (no SMTP configured: kept for /admin/outbox and written to FOLIO_DATA_DIR/outbox). */
  delivered_via: string | null;
}

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'bounced' | 'suppressed' | 'cancelled';

/** Addresses the SMTP server refused for good (see email/sender.ts). */
export interface MailAddressesTable {
  email: string;
  /** Permanent refusals in a row (a delivery resets it). */
  hard_bounces: number;
  last_bounce_at: string | null;
  last_error: string | null;
  /** Set once hard_bounces reaches FOLIO_MAIL_BOUNCE_LIMIT: nothing is mailed there any more. */
  suppressed_at: string | null;
}

export type DigestFrequency = 'daily' | 'weekly';
export type SubscriptionStatus = 'pending' | 'active' | 'unsubscribed';

export interface DigestSubscriptionsTable {
  id: Generated<number>;
  email: string;
  user_id: number | null;
  frequency: DigestFrequency;
  queries: string; // JSON array of search queries
  categories: string; // JSON array of arXiv categories
  status: SubscriptionStatus;
  requested_frequency: DigestFrequency | null;
  requested_queries: string | null;
  requested_categories: string | null;
  requested_at: string | null;
  created_at: string;
  confirmed_at: string | null;
  unsubscribed_at: string | null;
  updated_at: string;
}

export interface DigestDeliveriesTable {
  subscription_id: number;
  /** `daily:2026-06-02` or `weekly:2026-W23`. */
  period: string;
  outbox_id: number | null;
  papers: number;
  created_at: string;
}

export type SearchIndexState = 'building' | 'ready' | 'retired' | 'failed';

/** One build of the vector index (search/index-store.ts); the current one is the latest `ready` row. */
export interface SearchIndexesTable {
  id: Generated<number>;
  /** The embedding provider: builtin, openai or onnx. */
  provider: string;
  /** The provider's model (for builtin, the text model's format version). */
  model: string;
  dims: number;
  state: SearchIndexState;
  /** Vectors held. */
  papers: number;
  /** The key the next added paper gets. */
  next_key: number;
  /** Bumped on every change of the vectors, so that other processes reload them. */
  revision: number;
  /** Papers in the corpus when the build started (the growth that triggers a rebuild is measured from it). */
  corpus_size: number;
  /** The built-in text model (TextModel.serialize), used for explanations and the tf-idf half. */
  text_model: Uint8Array | null;
  info: string; // JSON
  last_error: string | null;
  created_at: string;
  ready_at: string | null;
}

export interface SearchDocsTable {
  index_id: number;
  key: number;
  paper_id: string;
}

export interface Database {
  papers: PapersTable;
  authors: AuthorsTable;
  users: UsersTable;
  hf_identities: HfIdentitiesTable;
  organizations: OrganizationsTable;
  daily_entries: DailyEntriesTable;
  votes: VotesTable;
  meta: MetaTable;
  jobs: JobsTable;
  harvests: HarvestsTable;
  accounts: AccountsTable;
  sessions: SessionsTable;
  email_tokens: EmailTokensTable;
  api_tokens: ApiTokensTable;
  rate_limits: RateLimitsTable;
  comments: CommentsTable;
  comment_votes: CommentVotesTable;
  author_claims: AuthorClaimsTable;
  org_members: OrgMembersTable;
  moderation_log: ModerationLogTable;
  outbox: OutboxTable;
  mail_addresses: MailAddressesTable;
  digest_subscriptions: DigestSubscriptionsTable;
  digest_deliveries: DigestDeliveriesTable;
  search_indexes: SearchIndexesTable;
  search_docs: SearchDocsTable;
}
