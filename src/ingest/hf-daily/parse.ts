// Daily Papers API bodies (`GET /api/daily_papers?date=`), saved one file per day. The schema drifted
// over two years (mediaUrl -> mediaUrls, organisations and AI fields appearing later), so every field
// but the paper's id, title and authors is optional.
import { z } from 'zod';
import { parseArxivId } from '../../domain/arxiv-id.ts';
import type { DailyEntryRecord, ImportBatch, OrgRecord, PaperRecord, UserRecord } from '../../domain/paper.ts';
import { safeAvatarUrl, safeHttpUrl } from '../../domain/safe-url.ts';
import type { SkippedRecord } from '../errors.ts';

const isoInstant = z.string().datetime({ offset: true });
// URLs are read as plain strings and tested one by one (safeHttpUrl): a bad link loses the link, not
// the paper.
const urlText = z.string().max(2000);

const userSchema = z
  .object({
    _id: z.string().max(100).optional(),
    avatarUrl: urlText.optional(),
    isPro: z.boolean().optional(),
    fullname: z.string().max(500).optional(),
    user: z.string().max(100).optional(),
    name: z.string().max(100).optional(),
  })
  .passthrough();

const orgSchema = z
  .object({
    _id: z.string().max(100).optional(),
    name: z.string().min(1).max(200),
    fullname: z.string().max(500).optional(),
    avatar: urlText.optional(),
  })
  .passthrough();

const authorSchema = z
  .object({
    _id: z.string().max(100).optional(),
    name: z.string().max(1000),
    hidden: z.boolean().optional(),
    user: userSchema.optional(),
    status: z.string().max(100).optional(),
    statusLastChangedAt: isoInstant.optional(),
  })
  .passthrough();

const paperSchema = z
  .object({
    id: z.string().max(100),
    title: z
      .string()
      .max(5000)
      .refine((t) => t.trim().length > 0, 'empty title'),
    summary: z.string().max(100_000).default(''),
    authors: z.array(authorSchema).max(10_000),
    publishedAt: isoInstant.optional(),
    submittedOnDailyAt: isoInstant.optional(),
    submittedOnDailyBy: userSchema.optional(),
    upvotes: z.number().int().min(0).max(10_000_000).optional(),
    discussionId: z.string().max(100).optional(),
    githubRepo: urlText.optional(),
    githubStars: z.number().int().min(0).optional(),
    projectPage: urlText.optional(),
    ai_summary: z.string().max(20_000).optional(),
    ai_keywords: z.array(z.string().max(500)).max(200).optional(),
    organization: orgSchema.optional(),
  })
  .passthrough();

const itemSchema = z
  .object({
    paper: paperSchema,
    publishedAt: isoInstant.optional(),
    title: z.string().max(5000).optional(),
    summary: z.string().max(100_000).optional(),
    thumbnail: urlText.optional(),
    mediaUrl: urlText.optional(),
    mediaUrls: z.array(urlText).max(100).optional(),
    numComments: z.number().int().min(0).optional(),
    submittedBy: userSchema.optional(),
    organization: orgSchema.optional(),
    isAuthorParticipating: z.boolean().optional(),
  })
  .passthrough();

type User = z.infer<typeof userSchema>;

/** Notes where a field was left out, and why (the rest of its item is kept). */
type Drop = (field: string, reason: string) => void;
const NOT_HTTP = 'not an absolute http(s) URL; left empty';

/** The URL when it is a safe http(s) link; otherwise undefined, and the drop is noted. */
function link(url: string | undefined, field: string, drop: Drop): string | undefined {
  if (url === undefined || url === '') return undefined;
  const safe = safeHttpUrl(url.trim());
  if (!safe) drop(field, NOT_HTTP);
  return safe ?? undefined;
}

/** An avatar: as link(), but Hugging Face's generated-avatar paths are kept too (safeAvatarUrl). */
function avatarLink(url: string | undefined, field: string, drop: Drop): string | undefined {
  if (url === undefined || url === '') return undefined;
  const safe = safeAvatarUrl(url.trim());
  if (!safe) drop(field, NOT_HTTP);
  return safe ?? undefined;
}

function user(u: User | undefined, field: string, drop: Drop): UserRecord | undefined {
  const username = u?.name ?? u?.user;
  if (!u || !username || !/^[\w.-]{1,100}$/.test(username)) return undefined;
  return {
    username,
    ...(u.fullname ? { fullname: u.fullname } : {}),
    ...withValue('avatarUrl', avatarLink(u.avatarUrl, `${field}.avatarUrl`, drop)),
    ...(u._id ? { hfId: u._id } : {}),
    ...(u.isPro !== undefined ? { isPro: u.isPro } : {}),
  };
}

function org(o: z.infer<typeof orgSchema> | undefined, field: string, drop: Drop): OrgRecord | undefined {
  if (!o) return undefined;
  return {
    name: o.name,
    ...(o.fullname ? { fullname: o.fullname } : {}),
    ...withValue('avatar', avatarLink(o.avatar, `${field}.avatar`, drop)),
    ...(o._id ? { hfId: o._id } : {}),
  };
}

function withValue<K extends string>(key: K, value: string | undefined): { [k in K]?: string } {
  return value === undefined ? {} : ({ [key]: value } as { [k in K]: string });
}

function firstIssue(err: z.ZodError): string {
  const i = err.issues[0];
  return i ? `${i.path.join('.') || 'item'}: ${i.message}` : 'invalid';
}

export interface HfDailyResult extends ImportBatch {
  skipped: SkippedRecord[];
  /** Fields left out of records that were kept (a link that is not http(s)), and why. */
  dropped: SkippedRecord[];
}

/** Why a body is not a Daily Papers list, or null when it is one. */
export function whyNotHfDaily(body: unknown): string | null {
  const list = Array.isArray(body) ? body : (body as { data?: unknown })?.data;
  if (!Array.isArray(list)) return 'not a JSON array of Daily Papers items';
  if (list.length > 0 && typeof list[0] === 'string' && /^\s*\{'paper'/.test(list[0])) {
    return "holds Python repr strings ({'paper': ...}) instead of JSON objects: not a Daily Papers API body";
  }
  if (!Array.isArray(body)) return 'wrapped in an object; a Daily Papers API body is a bare JSON array';
  if (list.some((x) => typeof x !== 'object' || x === null || !('paper' in x))) return 'items lack a "paper" object';
  return null;
}

/**
 * Parses one day's body. `day` is the list's day (from the file name); when unknown, each item's own
 * `submittedOnDailyAt` gives it.
 */
export function parseHfDaily(body: unknown, day: string | null, where: string): HfDailyResult {
  const out: HfDailyResult = { papers: [], entries: [], skipped: [], dropped: [] };
  const items = body as unknown[];
  for (const [i, raw] of items.entries()) {
    const parsed = itemSchema.safeParse(raw);
    const at = `${where}[${i}]`;
    if (!parsed.success) {
      out.skipped.push({ where: at, reason: firstIssue(parsed.error) });
      continue;
    }
    const it = parsed.data;
    const p = it.paper;
    const id = parseArxivId(p.id)?.id;
    if (!id) {
      out.skipped.push({ where: at, reason: `not an arXiv id: ${JSON.stringify(p.id.slice(0, 60))}` });
      continue;
    }
    const entryDay = day ?? p.submittedOnDailyAt?.slice(0, 10) ?? it.publishedAt?.slice(0, 10);
    if (!entryDay) {
      out.skipped.push({ where: at, reason: 'no day: neither the file name nor the item names one' });
      continue;
    }
    const drop: Drop = (field, reason) => out.dropped.push({ where: `${at}.${field}`, reason });
    const organization = org(p.organization ?? it.organization, p.organization ? 'paper.organization' : 'organization', drop);
    const paper: PaperRecord = {
      id,
      // Kept exactly as given, so that the API serves back the very same text.
      title: p.title,
      abstract: p.summary,
      authors: p.authors.map((a) => {
        const claimedBy = user(a.user, 'paper.authors.user', drop);
        return {
          name: a.name.trim(),
          ...(a._id ? { hfId: a._id } : {}),
          ...(a.hidden ? { hidden: true } : {}),
          ...(claimedBy && a.status ? { claimedBy, status: a.status } : {}),
          ...(claimedBy && a.status && a.statusLastChangedAt ? { statusLastChangedAt: a.statusLastChangedAt } : {}),
        };
      }),
      ...(p.publishedAt ? { publishedAt: p.publishedAt } : {}),
      stamp: p.submittedOnDailyAt ?? `${entryDay}T00:00:00.000Z`,
      community: {
        ...withValue('githubRepo', link(p.githubRepo, 'paper.githubRepo', drop)),
        ...(p.githubStars !== undefined ? { githubStars: p.githubStars } : {}),
        ...withValue('projectPage', link(p.projectPage, 'paper.projectPage', drop)),
        ...(p.ai_summary ? { aiSummary: p.ai_summary } : {}),
        ...(p.ai_keywords?.length ? { aiKeywords: p.ai_keywords } : {}),
        ...(organization ? { organization } : {}),
        ...(p.discussionId ? { discussionId: p.discussionId } : {}),
        upvotes: p.upvotes ?? 0,
        numComments: it.numComments ?? 0,
      },
    };
    const submitter = user(it.submittedBy, 'submittedBy', drop) ?? user(p.submittedOnDailyBy, 'paper.submittedOnDailyBy', drop);
    const entryOrg = org(it.organization, 'organization', drop);
    const mediaUrls = (it.mediaUrls ?? (it.mediaUrl ? [it.mediaUrl] : undefined))
      ?.map((m, n) => link(m, `mediaUrls[${n}]`, drop))
      .filter((m): m is string => m !== undefined);
    const entry: DailyEntryRecord = {
      paperId: id,
      day: entryDay,
      addedAt: p.submittedOnDailyAt ?? `${entryDay}T00:00:00.000Z`,
      ...(it.publishedAt ? { announcedAt: it.publishedAt } : {}),
      ...(submitter ? { submitter } : {}),
      ...(entryOrg ? { organization: entryOrg } : {}),
      ...withValue('thumbnail', link(it.thumbnail, 'thumbnail', drop)),
      ...(mediaUrls?.length ? { mediaUrls } : {}),
      ...(it.isAuthorParticipating !== undefined ? { isAuthorParticipating: it.isAuthorParticipating } : {}),
    };
    out.papers.push(paper);
    out.entries.push(entry);
  }
  return out;
}
