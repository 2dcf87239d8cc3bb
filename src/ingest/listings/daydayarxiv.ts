// DayDayArXiv daily files: a JSON array of papers with versioned ids and arXiv's own dates
// (`2025-05-12 23:51:04 UTC`).
import { z } from 'zod';
import { arxivCategories, parseArxivId } from '../../domain/arxiv-id.ts';
import type { SkippedRecord } from '../errors.ts';
import type { ListingResult } from './arxiv-jsonl.ts';

const UTC_DATE = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) UTC$/;

function isoFromUtc(s: string | null | undefined): string | undefined {
  const m = s ? UTC_DATE.exec(s) : null;
  if (!m) return undefined;
  const iso = `${m[1]}T${m[2]}.000Z`;
  return Number.isNaN(Date.parse(iso)) ? undefined : iso;
}

const recordSchema = z.object({
  arxiv_id: z.string().max(100),
  title: z.string().trim().min(1).max(5000),
  abstract: z.string().max(100_000).nullish(),
  authors: z.array(z.string().max(1000)).max(10_000).nullish(),
  categories: z.array(z.string().max(500)).max(100).nullish(),
  primary_category: z.string().max(50).nullish(),
  comment: z.string().max(10_000).nullish(),
  published_date: z.string().max(40).nullish(),
  updated_date: z.string().max(40).nullish(),
});

export function looksLikeDaydayarxiv(body: unknown): boolean {
  return Array.isArray(body) && (body.length === 0 || (typeof body[0] === 'object' && body[0] !== null && 'arxiv_id' in body[0]));
}

export function parseDaydayarxiv(body: unknown[], where: string): ListingResult {
  const out: ListingResult = { papers: [], skipped: [] as SkippedRecord[] };
  for (const [i, raw] of body.entries()) {
    const at = `${where}[${i}]`;
    const parsed = recordSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      out.skipped.push({ where: at, reason: `${issue?.path.join('.') || 'record'}: ${issue?.message ?? 'invalid'}` });
      continue;
    }
    const r = parsed.data;
    const id = parseArxivId(r.arxiv_id);
    if (!id) {
      out.skipped.push({ where: at, reason: `not an arXiv id: ${JSON.stringify(r.arxiv_id.slice(0, 60))}` });
      continue;
    }
    const published = isoFromUtc(r.published_date);
    const updated = isoFromUtc(r.updated_date);
    if (r.published_date && !published) {
      out.skipped.push({ where: at, reason: `published_date: not a date: ${JSON.stringify(r.published_date)}` });
      continue;
    }
    const categories = arxivCategories(r.categories);
    const primary = r.primary_category?.trim() || categories[0];
    out.papers.push({
      id: id.id,
      ...(id.version ? { version: id.version } : {}),
      title: r.title.trim(),
      abstract: (r.abstract ?? '').trim(),
      authors: (r.authors ?? []).map((name) => ({ name: name.trim() })).filter((a) => a.name),
      ...(published ? { publishedAt: published } : {}),
      ...(updated ? { updatedAt: updated } : {}),
      ...(categories.length ? { categories } : {}),
      ...(primary ? { primaryCategory: primary } : {}),
      ...(r.comment?.trim() ? { comment: r.comment.trim() } : {}),
      stamp: updated ?? published ?? '1970-01-01T00:00:00.000Z',
    });
  }
  return out;
}
