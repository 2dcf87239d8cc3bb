// Reading papers, their authors and their places on the daily lists. Every list query returns entry
// rows; one shared step (`hydrate`) attaches authors, submitters and organisations in a fixed number of
// queries, whatever the page size.
import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { Database } from '../schema.ts';

export type ListSort = 'upvotes' | 'trending' | 'publishedAt';

export interface UserRow {
  id: number;
  username: string;
  fullname: string | null;
  avatar_url: string | null;
  hf_id: string | null;
  is_pro: number;
}

/** A Hugging Face profile named by an imported file (foreign: not a member of this site). */
export interface HfIdentityRow {
  id: number;
  username: string;
  fullname: string | null;
  avatar_url: string | null;
  hf_id: string | null;
  is_pro: number;
}

export interface OrgRow {
  id: number;
  name: string;
  fullname: string | null;
  avatar: string | null;
  hf_id: string | null;
}

export interface AuthorRow {
  paper_id: string;
  position: number;
  name: string;
  hf_id: string | null;
  hidden: number;
  affiliation: string | null;
  user_id: number | null;
  status: string | null;
  status_changed_at: string | null;
  hf_identity_id: number | null;
  hf_status: string | null;
  hf_status_changed_at: string | null;
}

export type PaperRow = Database['papers'];

export interface EntryRow {
  entry_id: number;
  day: string;
  added_at: string;
  announced_at: string | null;
  submitted_by: number | null;
  hf_submitted_by: number | null;
  entry_org_id: number | null;
  thumbnail: string | null;
  media_urls: string | null;
  is_author_participating: number | null;
}

export interface PaperView {
  paper: PaperRow;
  /** `user`: the member who claimed the authorship here; `hfUser`: who Hugging Face says verified it. */
  authors: (AuthorRow & { user?: UserRow; hfUser?: HfIdentityRow })[];
  organization?: OrgRow;
  upvotes: number;
  numComments: number;
}

export interface EntryView extends PaperView {
  entry: EntryRow;
  /** The member who submitted it here. */
  submitter?: UserRow;
  /** Who submitted it on Hugging Face (imported). */
  hfSubmitter?: HfIdentityRow;
  entryOrganization?: OrgRow;
}

/** The entry columns every list query selects beside the paper's (aliased as EntryRow has them). */
const ENTRY_COLUMNS = [
  'e.id as entry_id',
  'e.day',
  'e.added_at',
  'e.announced_at',
  'e.submitted_by',
  'e.hf_submitted_by',
  'e.organization_id as entry_org_id',
  'e.thumbnail',
  'e.media_urls',
  'e.is_author_participating',
] as const;

/** Upvotes shown everywhere: the imported snapshot plus the votes cast here. */
const UPVOTES = sql<number>`(p.imported_upvotes + p.local_upvotes)`;

export interface EntryQuery {
  start?: string;
  end?: string;
  /** Entries submitted here by this member. */
  submitterId?: number;
  /** Entries submitted on Hugging Face by this identity. */
  hfSubmitterId?: number;
  sort?: ListSort;
  limit: number;
  offset?: number;
}

/** Ids of listed, visible papers by trending score (highest first): one page, read in index order. */
async function trendingListedIds(db: Kysely<Database>, limit: number, offset: number): Promise<string[]> {
  const rows = await db
    .selectFrom('papers as p')
    .select('p.id')
    .where('p.hidden', '=', 0)
    .where(({ exists, selectFrom }) =>
      exists(selectFrom('daily_entries as e').select('e.id').whereRef('e.paper_id', '=', 'p.id').where('e.hidden', '=', 0)),
    )
    .orderBy('p.trending_score', 'desc')
    .orderBy('p.id')
    .limit(limit)
    .offset(offset)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Entries of a period (`start` inclusive, `end` exclusive), one per paper: when a paper sat on two
 * lists within the period, its first entry stands for it. Ordered by upvotes, ties by the time the
 * paper was added (earlier first), then by id so that pages never overlap.
 */
export async function listEntries(db: Kysely<Database>, q: EntryQuery): Promise<EntryView[]> {
  let query = db
    .selectFrom('daily_entries as e')
    .innerJoin('papers as p', 'p.id', 'e.paper_id')
    .where('e.hidden', '=', 0)
    .where('p.hidden', '=', 0);
  const trendingEver = q.sort === 'trending' && !q.start && !q.end && q.submitterId === undefined && q.hfSubmitterId === undefined;
  if (trendingEver) {
    // Trending over every list ever: read the page's papers from the trending index first and stop at
    // the page's end, instead of joining every entry ever made and sorting them all.
    const ids = await trendingListedIds(db, q.limit, q.offset ?? 0);
    if (!ids.length) return [];
    query = query.where('p.id', 'in', ids);
  }
  // The page's papers are already chosen (and offset) when trending over every list.
  const offset = trendingEver ? 0 : (q.offset ?? 0);
  if (q.start) query = query.where('e.day', '>=', q.start);
  if (q.end) query = query.where('e.day', '<', q.end);
  if (q.submitterId !== undefined && q.hfSubmitterId !== undefined) {
    const [local, hf] = [q.submitterId, q.hfSubmitterId];
    query = query.where((eb) => eb.or([eb('e.submitted_by', '=', local), eb('e.hf_submitted_by', '=', hf)]));
  } else if (q.submitterId !== undefined) query = query.where('e.submitted_by', '=', q.submitterId);
  else if (q.hfSubmitterId !== undefined) query = query.where('e.hf_submitted_by', '=', q.hfSubmitterId);
  const startBound = q.start;
  const endBound = q.end;
  query = query.where(({ eb, selectFrom }) =>
    eb(
      'e.id',
      '=',
      selectFrom('daily_entries as e2')
        .select((sub) => sub.fn.min('e2.id').as('m'))
        .whereRef('e2.paper_id', '=', 'e.paper_id')
        .where('e2.hidden', '=', 0)
        .$if(startBound !== undefined, (s) => s.where('e2.day', '>=', startBound as string))
        .$if(endBound !== undefined, (s) => s.where('e2.day', '<', endBound as string))
        .$if(q.submitterId !== undefined && q.hfSubmitterId !== undefined, (s) =>
          s.where((eb) =>
            eb.or([eb('e2.submitted_by', '=', q.submitterId as number), eb('e2.hf_submitted_by', '=', q.hfSubmitterId as number)]),
          ),
        )
        .$if(q.submitterId !== undefined && q.hfSubmitterId === undefined, (s) => s.where('e2.submitted_by', '=', q.submitterId as number))
        .$if(q.hfSubmitterId !== undefined && q.submitterId === undefined, (s) =>
          s.where('e2.hf_submitted_by', '=', q.hfSubmitterId as number),
        ),
    ),
  );
  let ordered = query.selectAll('p').select(ENTRY_COLUMNS);
  if (q.sort === 'publishedAt') ordered = ordered.orderBy('p.published_at', 'desc').orderBy('p.id', 'desc');
  else if (q.sort === 'trending') ordered = ordered.orderBy('p.trending_score', 'desc').orderBy(UPVOTES, 'desc').orderBy('p.id');
  else if (q.start === undefined && q.end === undefined) {
    // No period: the most recent entries first, as Hugging Face does.
    ordered = ordered.orderBy('e.day', 'desc').orderBy(UPVOTES, 'desc').orderBy('e.added_at').orderBy('p.id');
  } else ordered = ordered.orderBy(UPVOTES, 'desc').orderBy('e.added_at').orderBy('p.id');
  const rows = await ordered.limit(q.limit).offset(offset).execute();
  const entries = rows.map((r) => {
    const {
      entry_id,
      day,
      added_at,
      announced_at,
      submitted_by,
      hf_submitted_by,
      entry_org_id,
      thumbnail,
      media_urls,
      is_author_participating,
      ...paper
    } = r;
    return {
      paper: paper as PaperRow,
      entry: {
        entry_id,
        day,
        added_at,
        announced_at,
        submitted_by,
        hf_submitted_by,
        entry_org_id,
        thumbnail,
        media_urls,
        is_author_participating,
      },
    };
  });
  return hydrateEntries(db, entries);
}

async function usersById(db: Kysely<Database>, ids: number[]): Promise<Map<number, UserRow>> {
  if (!ids.length) return new Map();
  const rows = await db
    .selectFrom('users')
    .select(['id', 'username', 'fullname', 'avatar_url', 'hf_id', 'is_pro'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

async function identitiesById(db: Kysely<Database>, ids: number[]): Promise<Map<number, HfIdentityRow>> {
  if (!ids.length) return new Map();
  const rows = await db
    .selectFrom('hf_identities')
    .select(['id', 'username', 'fullname', 'avatar_url', 'hf_id', 'is_pro'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

async function orgsById(db: Kysely<Database>, ids: number[]): Promise<Map<number, OrgRow>> {
  if (!ids.length) return new Map();
  const rows = await db
    .selectFrom('organizations')
    .selectAll()
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** Attaches authors (with claimed users and imported identities) and organisations to papers, in four queries. */
export async function hydratePapers(db: Kysely<Database>, papers: PaperRow[]): Promise<PaperView[]> {
  if (!papers.length) return [];
  const ids = papers.map((p) => p.id);
  const authors = await db.selectFrom('authors').selectAll().where('paper_id', 'in', ids).orderBy('paper_id').orderBy('position').execute();
  const users = await usersById(
    db,
    authors.flatMap((a) => (a.user_id === null ? [] : [a.user_id])),
  );
  const identities = await identitiesById(
    db,
    authors.flatMap((a) => (a.hf_identity_id === null ? [] : [a.hf_identity_id])),
  );
  const orgs = await orgsById(
    db,
    papers.flatMap((p) => (p.organization_id === null ? [] : [p.organization_id])),
  );
  const byPaper = new Map<string, PaperView['authors']>();
  for (const a of authors) {
    const list = byPaper.get(a.paper_id) ?? [];
    const user = a.user_id === null ? undefined : users.get(a.user_id);
    const hfUser = a.hf_identity_id === null ? undefined : identities.get(a.hf_identity_id);
    list.push({ ...a, ...(user ? { user } : {}), ...(hfUser ? { hfUser } : {}) });
    byPaper.set(a.paper_id, list);
  }
  return papers.map((p) => {
    const org = p.organization_id === null ? undefined : orgs.get(p.organization_id);
    return {
      paper: p,
      authors: byPaper.get(p.id) ?? [],
      ...(org ? { organization: org } : {}),
      upvotes: p.imported_upvotes + p.local_upvotes,
      numComments: p.imported_comments + p.local_comments,
    };
  });
}

async function hydrateEntries(db: Kysely<Database>, rows: { paper: PaperRow; entry: EntryRow }[]): Promise<EntryView[]> {
  const views = await hydratePapers(
    db,
    rows.map((r) => r.paper),
  );
  const users = await usersById(
    db,
    rows.flatMap((r) => (r.entry.submitted_by === null ? [] : [r.entry.submitted_by])),
  );
  const identities = await identitiesById(
    db,
    rows.flatMap((r) => (r.entry.hf_submitted_by === null ? [] : [r.entry.hf_submitted_by])),
  );
  const orgs = await orgsById(
    db,
    rows.flatMap((r) => (r.entry.entry_org_id === null ? [] : [r.entry.entry_org_id])),
  );
  return views.map((v, i) => {
    const entry = (rows[i] as { entry: EntryRow }).entry;
    const submitter = entry.submitted_by === null ? undefined : users.get(entry.submitted_by);
    const hfSubmitter = entry.hf_submitted_by === null ? undefined : identities.get(entry.hf_submitted_by);
    const entryOrganization = entry.entry_org_id === null ? undefined : orgs.get(entry.entry_org_id);
    return {
      ...v,
      entry,
      ...(submitter ? { submitter } : {}),
      ...(hfSubmitter ? { hfSubmitter } : {}),
      ...(entryOrganization ? { entryOrganization } : {}),
    };
  });
}

export async function getPaperRow(db: Kysely<Database>, id: string): Promise<PaperRow | undefined> {
  return db.selectFrom('papers').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A paper with its latest list entry (if it was ever on a list). */
export async function getPaperView(db: Kysely<Database>, id: string): Promise<(PaperView & { entries: EntryView[] }) | undefined> {
  const row = await getPaperRow(db, id);
  if (!row) return undefined;
  const [view] = await hydratePapers(db, [row]);
  const entryRows = await db
    .selectFrom('daily_entries as e')
    .select(ENTRY_COLUMNS)
    .where('e.paper_id', '=', id)
    .where('e.hidden', '=', 0)
    .orderBy('e.day', 'desc')
    .execute();
  const entries = await hydrateEntries(
    db,
    entryRows.map((entry) => ({ paper: row, entry })),
  );
  return { ...(view as PaperView), entries };
}

/** All papers, newest arXiv publication first; the cursor is the last item's (published_at, id). */
export async function listPapersByPublication(
  db: Kysely<Database>,
  opts: { limit: number; after?: { publishedAt: string; id: string } },
): Promise<PaperView[]> {
  let q = db.selectFrom('papers').selectAll().where('hidden', '=', 0).where('published_at', 'is not', null);
  if (opts.after) {
    const { publishedAt, id } = opts.after;
    q = q.where((eb) => eb.or([eb('published_at', '<', publishedAt), eb.and([eb('published_at', '=', publishedAt), eb('id', '<', id)])]));
  }
  const rows = await q.orderBy('published_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
  return hydratePapers(db, rows);
}

/**
 * Narrows a query of `papers as p` to the visible papers of an organisation or an author. An author's
 * papers are found from the name (`p.id in (select paper_id ... where name = ?)`, read from the index
 * authors_name_paper), never by testing each paper of the store for that author: the work grows with the
 * author's papers, not with the store (migration 0009 says more).
 */
export function papersOf<O>(
  q: SelectQueryBuilder<Database & { p: Database['papers'] }, 'p', O>,
  filter: { organizationId: number } | { authorName: string },
): SelectQueryBuilder<Database & { p: Database['papers'] }, 'p', O> {
  const visible = q.where('p.hidden', '=', 0);
  if ('organizationId' in filter) return visible.where('p.organization_id', '=', filter.organizationId);
  const name = filter.authorName;
  return visible.where('p.id', 'in', (eb) => eb.selectFrom('authors as a').select('a.paper_id').where('a.name', '=', name));
}

/** Papers of an organisation or an author, newest first. */
export async function listPapersWhere(
  db: Kysely<Database>,
  filter: { organizationId: number } | { authorName: string },
  opts: { limit: number; offset?: number },
): Promise<PaperView[]> {
  const rows = await papersOf(db.selectFrom('papers as p').selectAll('p'), filter)
    .orderBy(sql`coalesce(p.published_at, p.created_at)`, 'desc')
    .orderBy('p.id', 'desc')
    .limit(opts.limit)
    .offset(opts.offset ?? 0)
    .execute();
  return hydratePapers(db, rows);
}

export async function findOrgByName(db: Kysely<Database>, name: string): Promise<OrgRow | undefined> {
  return db.selectFrom('organizations').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function findUserByUsername(db: Kysely<Database>, username: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .select(['id', 'username', 'fullname', 'avatar_url', 'hf_id', 'is_pro'])
    .where('username', '=', username)
    .executeTakeFirst();
}

/** The Hugging Face identity imports know under this user name (the one with an id first). */
export async function findHfIdentityByUsername(db: Kysely<Database>, username: string): Promise<HfIdentityRow | undefined> {
  return db
    .selectFrom('hf_identities')
    .select(['id', 'username', 'fullname', 'avatar_url', 'hf_id', 'is_pro'])
    .where('username', '=', username)
    .orderBy(sql`hf_id is null`)
    .orderBy('id')
    .executeTakeFirst();
}

/** The latest day that has a visible entry. */
export async function latestListDay(db: Kysely<Database>): Promise<string | undefined> {
  const r = await db
    .selectFrom('daily_entries as e')
    .innerJoin('papers as p', 'p.id', 'e.paper_id')
    .select(({ fn }) => fn.max('e.day').as('day'))
    .where('e.hidden', '=', 0)
    .where('p.hidden', '=', 0)
    .executeTakeFirst();
  return r?.day ?? undefined;
}

/** The nearest days with visible entries before `start` and from `end` on, to link previous/next. */
export async function neighbourDays(db: Kysely<Database>, start: string, end: string): Promise<{ prev?: string; next?: string }> {
  const base = db
    .selectFrom('daily_entries as e')
    .innerJoin('papers as p', 'p.id', 'e.paper_id')
    .where('e.hidden', '=', 0)
    .where('p.hidden', '=', 0);
  const prev = await base
    .select(({ fn }) => fn.max('e.day').as('day'))
    .where('e.day', '<', start)
    .executeTakeFirst();
  const next = await base
    .select(({ fn }) => fn.min('e.day').as('day'))
    .where('e.day', '>=', end)
    .executeTakeFirst();
  return { ...(prev?.day ? { prev: prev.day } : {}), ...(next?.day ? { next: next.day } : {}) };
}

/** The data generation: bumped by triggers on every visible write, so caches know when to drop. */
export async function dataGeneration(db: Kysely<Database>): Promise<string> {
  const r = await db.selectFrom('meta').select('value').where('key', '=', 'data_generation').executeTakeFirst();
  return r?.value ?? '0';
}

/** Papers by stored trending score (on a list or not), highest first. */
export async function listTrending(db: Kysely<Database>, opts: { limit: number; offset?: number }): Promise<PaperView[]> {
  const rows = await db
    .selectFrom('papers as p')
    .selectAll('p')
    .where('p.hidden', '=', 0)
    .where('p.trending_score', '>', 0)
    .orderBy('p.trending_score', 'desc')
    .orderBy('p.id')
    .limit(opts.limit)
    .offset(opts.offset ?? 0)
    .execute();
  return hydratePapers(db, rows);
}

/** Papers by id, in the order given (missing and hidden ones left out). */
export async function papersByIds(db: Kysely<Database>, ids: string[]): Promise<PaperView[]> {
  if (!ids.length) return [];
  const rows = await db.selectFrom('papers').selectAll().where('id', 'in', ids).where('hidden', '=', 0).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return hydratePapers(
    db,
    ids.flatMap((id) => {
      const r = byId.get(id);
      return r ? [r] : [];
    }),
  );
}
