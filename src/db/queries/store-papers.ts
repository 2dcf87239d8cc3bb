// Stores what the importers and harvesters parse. Idempotent and order-independent: every source
// record carries a freshness stamp, the fresher description of a paper wins field by field, and a
// losing record may only fill what is still unknown. Importing the same files again, or in another
// order, therefore ends in the same rows and reports nothing new or changed.
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { arxivCategories } from '../../domain/arxiv-id.ts';
import type { AuthorRecord, DailyEntryRecord, ImportBatch, OrgRecord, PaperRecord, UserRecord } from '../../domain/paper.ts';
import { safeAvatarUrl, safeHttpUrl } from '../../domain/safe-url.ts';
import type { AuthorsTable, Database, PapersTable } from '../schema.ts';
import { refreshSearchIndex } from './search-index.ts';

/**
 * Author rows per INSERT: a collaboration paper lists thousands of authors, and SQLite allows 32,766
 * bound values per statement (11 columns x 2,000 rows stays well under it).
 */
const AUTHOR_ROWS_PER_INSERT = 2000;

export interface StoreCounts {
  papers: number;
  newPapers: number;
  updatedPapers: number;
  entries: number;
  newEntries: number;
  updatedEntries: number;
}

export function emptyCounts(): StoreCounts {
  return { papers: 0, newPapers: 0, updatedPapers: 0, entries: 0, newEntries: 0, updatedEntries: 0 };
}

export function addCounts(a: StoreCounts, b: StoreCounts): StoreCounts {
  return {
    papers: a.papers + b.papers,
    newPapers: a.newPapers + b.newPapers,
    updatedPapers: a.updatedPapers + b.updatedPapers,
    entries: a.entries + b.entries,
    newEntries: a.newEntries + b.newEntries,
    updatedEntries: a.updatedEntries + b.updatedEntries,
  };
}

type Trx = Transaction<Database>;

/** Stamps become full instants, so that a day and an instant of the same day compare sensibly. */
function instant(stamp: string): string {
  return stamp.length === 10 ? `${stamp}T00:00:00.000Z` : stamp;
}

function hash(value: unknown): string {
  return createHash('sha1').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

/** The total order on descriptions: stamp first, then content, so that ties cannot flip-flop. */
function rank(stamp: string, content: unknown): string {
  return `${instant(stamp)}|${hash(content)}`;
}

function coreOf(p: PaperRecord) {
  // Only arXiv categories (sources also carry MSC/ACM classes there); whatever the parser did.
  const categories = arxivCategories(p.categories);
  return {
    version: p.version ?? null,
    title: p.title,
    abstract: p.abstract,
    published_at: p.publishedAt ?? null,
    updated_at: p.updatedAt ?? null,
    categories: categories.length ? JSON.stringify(categories) : null,
    primary_category: arxivCategories(p.primaryCategory ? [p.primaryCategory] : [])[0] ?? categories[0] ?? null,
    comment: p.comment ?? null,
    journal_ref: p.journalRef ?? null,
    doi: p.doi ?? null,
  };
}

function communityOf(p: PaperRecord, orgId: number | null) {
  const c = p.community ?? {};
  return {
    github_repo: safeHttpUrl(c.githubRepo),
    github_stars: c.githubStars ?? null,
    project_page: safeHttpUrl(c.projectPage),
    ai_summary: c.aiSummary ?? null,
    ai_keywords: c.aiKeywords?.length ? JSON.stringify(c.aiKeywords) : null,
    organization_id: orgId,
    discussion_id: c.discussionId ?? null,
  };
}

/** Applies `incoming` over `row`: all defined fields when it wins, only the unknown ones when it loses. */
function merge<T extends Record<string, unknown>>(row: Record<string, unknown>, incoming: T, wins: boolean): void {
  for (const [k, v] of Object.entries(incoming)) {
    if (v === null || v === undefined) continue;
    if (wins || row[k] === null || row[k] === undefined || (k === 'categories' && row[k] === '[]')) row[k] = v;
  }
}

function earliest(a: string | null, b: string | null): string | null {
  if (!a || !b) return a ?? b;
  return b < a ? b : a;
}

function latest(a: string | null, b: string | null): string | null {
  if (!a || !b) return a ?? b;
  return b > a ? b : a;
}

class Lookups {
  private identities = new Map<string, number>();
  private orgs = new Map<string, number>();
  constructor(private readonly trx: Trx) {}

  /**
   * The Hugging Face identity an imported user record names: found by Hugging Face id (by user name
   * only when the file gives no id), made when new. Never a local member, whatever the name.
   */
  async identity(u: UserRecord | undefined, now: string): Promise<number | null> {
    if (!u?.username) return null;
    const key = u.hfId ? `id:${u.hfId}` : `name:${u.username}`;
    const cached = this.identities.get(key);
    if (cached !== undefined) return cached;
    let q = this.trx.selectFrom('hf_identities').selectAll();
    // By name, the oldest identity of that name: the one a first import of these files chose, whatever
    // the dialect's order of nulls, so a second import chooses it again.
    q = u.hfId ? q.where('hf_id', '=', u.hfId) : q.where('username', '=', u.username).orderBy('id');
    const row = await q.executeTakeFirst();
    let id: number;
    if (!row) {
      const ins = await this.trx
        .insertInto('hf_identities')
        .values({
          hf_id: u.hfId ?? null,
          username: u.username,
          fullname: u.fullname ?? null,
          avatar_url: safeAvatarUrl(u.avatarUrl),
          is_pro: u.isPro ? 1 : 0,
          created_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      id = ins.id;
    } else {
      id = row.id;
      // Only fill what is unknown: a later file must not flip a profile back and forth.
      const fill: Partial<Record<'fullname' | 'avatar_url', string>> = {};
      if (!row.fullname && u.fullname) fill.fullname = u.fullname;
      const avatarUrl = safeAvatarUrl(u.avatarUrl);
      if (!row.avatar_url && avatarUrl) fill.avatar_url = avatarUrl;
      if (Object.keys(fill).length) await this.trx.updateTable('hf_identities').set(fill).where('id', '=', id).execute();
    }
    this.identities.set(key, id);
    return id;
  }

  async org(o: OrgRecord | undefined): Promise<number | null> {
    if (!o?.name) return null;
    const cached = this.orgs.get(o.name);
    if (cached !== undefined) return cached;
    const row = await this.trx.selectFrom('organizations').selectAll().where('name', '=', o.name).executeTakeFirst();
    let id: number;
    if (!row) {
      const ins = await this.trx
        .insertInto('organizations')
        .values({ name: o.name, fullname: o.fullname ?? null, avatar: safeAvatarUrl(o.avatar), hf_id: o.hfId ?? null })
        .returning('id')
        .executeTakeFirstOrThrow();
      id = ins.id;
    } else {
      id = row.id;
      const fill: Partial<Record<'fullname' | 'avatar' | 'hf_id', string>> = {};
      if (!row.fullname && o.fullname) fill.fullname = o.fullname;
      const avatar = safeAvatarUrl(o.avatar);
      if (!row.avatar && avatar) fill.avatar = avatar;
      if (!row.hf_id && o.hfId) fill.hf_id = o.hfId;
      if (Object.keys(fill).length) await this.trx.updateTable('organizations').set(fill).where('id', '=', id).execute();
    }
    this.orgs.set(o.name, id);
    return id;
  }
}

/**
 * Works out the paper's author rows in memory (a replaced list, known facts filled in, claims brought up
 * to date) and writes them in one delete and one insert when they differ from what is stored.
 */
async function storeAuthors(trx: Trx, look: Lookups, p: PaperRecord, wins: boolean, isNew: boolean, now: string): Promise<boolean> {
  const existing = isNew ? [] : await trx.selectFrom('authors').selectAll().where('paper_id', '=', p.id).orderBy('position').execute();
  const sameNames = existing.length === p.authors.length && existing.every((a, i) => a.name === p.authors[i]?.name);
  const replace = !sameNames && (wins || existing.length === 0) && p.authors.length > 0;
  const rows: AuthorsTable[] = replace
    ? p.authors.map((a, i) => {
        // A new author list keeps each claim whose author is still at the same place.
        const old = existing[i]?.name === a.name ? existing[i] : undefined;
        return {
          paper_id: p.id,
          position: i,
          name: a.name,
          hf_id: old?.hf_id ?? null,
          hidden: a.hidden ? 1 : 0,
          affiliation: old?.affiliation ?? null,
          user_id: old?.user_id ?? null,
          status: old?.status ?? null,
          status_changed_at: old?.status_changed_at ?? null,
          hf_identity_id: old?.hf_identity_id ?? null,
          hf_status: old?.hf_status ?? null,
          hf_status_changed_at: old?.hf_status_changed_at ?? null,
        };
      })
    : existing.map((r) => ({ ...r }));
  for (const [i, a] of p.authors.entries()) {
    const row = rows[i];
    if (!row || row.name !== a.name) continue;
    if (!row.hf_id && a.hfId) row.hf_id = a.hfId;
    if (!row.affiliation && a.affiliation) row.affiliation = a.affiliation;
    // Verification on Hugging Face stays Hugging Face's: kept beside the author, never as a local claim.
    if (a.claimedBy && a.status && (!row.hf_status_changed_at || (a.statusLastChangedAt ?? '') > row.hf_status_changed_at)) {
      const identityId = await look.identity(a.claimedBy, now);
      if (identityId !== row.hf_identity_id || a.status !== row.hf_status) {
        row.hf_identity_id = identityId;
        row.hf_status = a.status;
        row.hf_status_changed_at = a.statusLastChangedAt ?? now;
      }
    }
  }
  if (JSON.stringify(rows) === JSON.stringify(existing)) return false;
  if (existing.length) await trx.deleteFrom('authors').where('paper_id', '=', p.id).execute();
  for (let at = 0; at < rows.length; at += AUTHOR_ROWS_PER_INSERT)
    await trx
      .insertInto('authors')
      .values(rows.slice(at, at + AUTHOR_ROWS_PER_INSERT))
      .execute();
  return true;
}

async function storePaper(trx: Trx, look: Lookups, p: PaperRecord, now: string): Promise<'new' | 'updated' | 'same'> {
  const existing = await trx.selectFrom('papers').selectAll().where('id', '=', p.id).executeTakeFirst();
  const core = coreOf(p);
  const coreRank = rank(p.stamp, { core, authors: p.authors.map((a) => [a.name, a.affiliation ?? null]) });
  const orgId = await look.org(p.community?.organization);
  const community = communityOf(p, orgId);
  const communityRank = p.community ? rank(p.stamp, community) : null;
  const c = p.community ?? {};

  if (!existing) {
    const row: PapersTable = {
      id: p.id,
      ...core,
      categories: core.categories ?? '[]',
      ...community,
      meta_stamp: coreRank,
      community_stamp: communityRank,
      imported_upvotes: c.upvotes ?? 0,
      imported_comments: c.numComments ?? 0,
      local_upvotes: 0,
      local_comments: 0,
      hidden: 0,
      created_at: now,
      changed_at: now,
      trending_score: 0,
    };
    await trx.insertInto('papers').values(row).execute();
    await storeAuthors(trx, look, p, true, true, now);
    return 'new';
  }

  const next: Record<string, unknown> = { ...existing };
  const coreWins = coreRank > existing.meta_stamp;
  merge(next, core, coreWins);
  if (coreWins) next.meta_stamp = coreRank;
  // A paper is published once: the earliest date any source knows is the right one, whoever wins.
  next.published_at = earliest(existing.published_at, core.published_at);
  next.updated_at = latest(existing.updated_at, core.updated_at);
  if (communityRank) {
    const communityWins = !existing.community_stamp || communityRank > existing.community_stamp;
    merge(next, community, communityWins);
    if (communityWins) next.community_stamp = communityRank;
  }
  // Snapshot counts only grow: the highest snapshot seen is the best estimate and keeps re-imports stable.
  next.imported_upvotes = Math.max(existing.imported_upvotes, c.upvotes ?? 0);
  next.imported_comments = Math.max(existing.imported_comments, c.numComments ?? 0);

  const changedCols = Object.keys(next).filter((k) => next[k] !== (existing as Record<string, unknown>)[k]);
  const authorsChanged = await storeAuthors(trx, look, p, coreWins, false, now);
  // A new rank alone (same visible values) is not a change worth reporting, but is still recorded.
  const visible = changedCols.filter((k) => k !== 'meta_stamp' && k !== 'community_stamp');
  if (changedCols.length) {
    const set: Record<string, unknown> = {};
    for (const k of changedCols) set[k] = next[k];
    if (visible.length || authorsChanged) set.changed_at = now;
    await trx.updateTable('papers').set(set).where('id', '=', p.id).execute();
  }
  return visible.length || authorsChanged ? 'updated' : 'same';
}

/** The safe links of an entry's media, as stored (JSON), or null when none is left. */
function mediaUrls(urls: string[] | undefined): string | null {
  const safe = (urls ?? []).map(safeHttpUrl).filter((u): u is string => u !== null);
  return safe.length ? JSON.stringify(safe) : null;
}

async function storeEntry(trx: Trx, look: Lookups, e: DailyEntryRecord, now: string): Promise<'new' | 'updated' | 'same'> {
  const values = {
    added_at: e.addedAt,
    announced_at: e.announcedAt ?? null,
    hf_submitted_by: await look.identity(e.submitter, now),
    organization_id: await look.org(e.organization),
    thumbnail: safeHttpUrl(e.thumbnail),
    media_urls: mediaUrls(e.mediaUrls),
    is_author_participating: e.isAuthorParticipating === undefined ? null : e.isAuthorParticipating ? 1 : 0,
  };
  const existing = await trx
    .selectFrom('daily_entries')
    .selectAll()
    .where('paper_id', '=', e.paperId)
    .where('day', '=', e.day)
    .executeTakeFirst();
  if (!existing) {
    await trx
      .insertInto('daily_entries')
      .values({ paper_id: e.paperId, day: e.day, hidden: 0, submitted_by: null, ...values })
      .execute();
    return 'new';
  }
  const set: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v !== null && v !== (existing as Record<string, unknown>)[k]) set[k] = v;
  }
  if (!Object.keys(set).length) return 'same';
  await trx.updateTable('daily_entries').set(set).where('id', '=', existing.id).execute();
  return 'updated';
}

/** Stores one batch in its own transaction: a batch is stored whole or not at all. */
export async function storeBatch(db: Kysely<Database>, batch: ImportBatch, now = new Date().toISOString()): Promise<StoreCounts> {
  return db.transaction().execute(async (trx) => storeBatchIn(trx, batch, now));
}

/** The same, inside a transaction the caller owns (a harvester stores its progress beside the papers). */
export async function storeBatchIn(trx: Trx, batch: ImportBatch, now = new Date().toISOString()): Promise<StoreCounts> {
  const look = new Lookups(trx);
  const counts = emptyCounts();
  const touched = new Set<string>();
  for (const p of batch.papers) {
    const r = await storePaper(trx, look, p, now);
    counts.papers++;
    if (r === 'new') counts.newPapers++;
    else if (r === 'updated') counts.updatedPapers++;
    if (r !== 'same') touched.add(p.id);
  }
  await refreshSearchIndex(trx, [...touched]);
  for (const e of batch.entries) {
    const r = await storeEntry(trx, look, e, now);
    counts.entries++;
    if (r === 'new') counts.newEntries++;
    else if (r === 'updated') counts.updatedEntries++;
  }
  return counts;
}

export type { AuthorRecord };
