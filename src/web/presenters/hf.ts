// The Hugging Face Papers API shapes (see docs/api.md). Optional fields are omitted, never null, as
// in the real bodies; instants are ISO 8601 with milliseconds and `Z`.
import { createHash } from 'node:crypto';
import type { AuthorRow, EntryView, HfIdentityRow, OrgRow, PaperView, UserRow } from '../../db/queries/papers.ts';

export interface HfUser {
  _id: string;
  avatarUrl: string;
  isPro: boolean;
  fullname: string;
  user: string;
  type: 'user';
  name: string;
}

export interface HfOrg {
  _id: string;
  name: string;
  fullname: string;
  avatar?: string;
}

/** A stable 24-hex id (the shape of Hugging Face's ids) for things that came without one. */
export function localId(kind: string, key: string | number): string {
  return createHash('sha1').update(`${kind}:${key}`).digest('hex').slice(0, 24);
}

export function iso(s: string | null | undefined): string | undefined {
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** Default avatar for users who never set one (a path on this server). */
const DEFAULT_AVATAR = '/static/avatar.svg';

export function presentUser(u: UserRow): HfUser {
  return presentProfile(u, localId('user', u.id));
}

/** The fields a member and an imported profile share, as Hugging Face's user object. */
function presentProfile(u: UserRow | HfIdentityRow, fallbackId: string): HfUser {
  return {
    _id: u.hf_id ?? fallbackId,
    avatarUrl: u.avatar_url ?? DEFAULT_AVATAR,
    isPro: u.is_pro === 1,
    fullname: u.fullname ?? u.username,
    user: u.username,
    type: 'user',
    name: u.username,
  };
}

/** An imported Hugging Face profile, as the files gave it (its own id, or a stable one of its own kind). */
export function presentHfUser(u: HfIdentityRow): HfUser {
  return presentProfile(u, localId('hf-user', u.id));
}

/** The submitter of an entry: the member here, else the Hugging Face user imported with it. */
function presentSubmitter(e: EntryView): HfUser | undefined {
  if (e.submitter) return presentUser(e.submitter);
  if (e.hfSubmitter) return presentHfUser(e.hfSubmitter);
  return undefined;
}

export function presentOrg(o: OrgRow): HfOrg {
  return {
    _id: o.hf_id ?? localId('org', o.id),
    name: o.name,
    fullname: o.fullname ?? o.name,
    ...(o.avatar ? { avatar: o.avatar } : {}),
  };
}

/** An author; a claim confirmed here comes first, else the verification imported from Hugging Face. */
function presentAuthor(a: AuthorRow & { user?: UserRow; hfUser?: HfIdentityRow }) {
  const base = { _id: a.hf_id ?? localId(`author:${a.paper_id}`, a.position), name: a.name, hidden: a.hidden === 1 };
  if (a.user && a.status) {
    return {
      ...base,
      user: presentUser(a.user),
      status: a.status,
      ...(a.status_changed_at ? { statusLastChangedAt: iso(a.status_changed_at) } : {}),
    };
  }
  if (a.hfUser && a.hf_status) {
    return {
      ...base,
      user: presentHfUser(a.hfUser),
      status: a.hf_status,
      ...(a.hf_status_changed_at ? { statusLastChangedAt: iso(a.hf_status_changed_at) } : {}),
    };
  }
  return base;
}

function parseList(json: string | null): string[] | undefined {
  if (!json) return undefined;
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.map(String) : undefined;
  } catch {
    return undefined;
  }
}

/** The `paper` object; with an entry, it carries the entry's `submittedOnDaily*` fields. */
export function presentPaper(v: PaperView, entry?: EntryView) {
  const p = v.paper;
  const keywords = parseList(p.ai_keywords);
  return {
    id: p.id,
    authors: v.authors.map(presentAuthor),
    publishedAt: iso(p.published_at) ?? iso(p.created_at),
    ...(entry ? { submittedOnDailyAt: iso(entry.entry.added_at) } : {}),
    ...(entry && presentSubmitter(entry) ? { submittedOnDailyBy: presentSubmitter(entry) } : {}),
    title: p.title,
    summary: p.abstract,
    upvotes: v.upvotes,
    ...(p.discussion_id ? { discussionId: p.discussion_id } : {}),
    ...(p.github_repo ? { githubRepo: p.github_repo } : {}),
    ...(p.github_stars !== null ? { githubStars: p.github_stars } : {}),
    ...(p.project_page ? { projectPage: p.project_page } : {}),
    ...(p.ai_summary ? { ai_summary: p.ai_summary } : {}),
    ...(keywords?.length ? { ai_keywords: keywords } : {}),
    ...(v.organization ? { organization: presentOrg(v.organization) } : {}),
    numComments: v.numComments,
  };
}

/** One item of `/api/daily_papers`. */
export function presentDailyItem(e: EntryView) {
  const media = parseList(e.entry.media_urls);
  const org = e.entryOrganization ?? e.organization;
  return {
    paper: presentPaper(e, e),
    publishedAt: iso(e.entry.announced_at) ?? iso(e.entry.added_at),
    title: e.paper.title,
    summary: e.paper.abstract,
    ...(e.entry.thumbnail ? { thumbnail: e.entry.thumbnail } : {}),
    ...(media?.length ? { mediaUrls: media } : {}),
    numComments: e.numComments,
    ...(presentSubmitter(e) ? { submittedBy: presentSubmitter(e) } : {}),
    ...(org ? { organization: presentOrg(org) } : {}),
    isAuthorParticipating: e.entry.is_author_participating === 1,
  };
}

/** A corpus paper in the daily item shape (search results, similar papers), without an entry. */
export function presentPaperItem(v: PaperView) {
  return {
    paper: presentPaper(v),
    publishedAt: iso(v.paper.published_at) ?? iso(v.paper.created_at),
    title: v.paper.title,
    summary: v.paper.abstract,
    numComments: v.numComments,
    ...(v.organization ? { organization: presentOrg(v.organization) } : {}),
    isAuthorParticipating: false,
  };
}
