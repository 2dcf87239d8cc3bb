// Daily arXiv listings as JSON lines (one paper a line: id, pdf, abs, authors[], title, categories[],
// comment, summary). Lines carry no date: the listing's day comes from the file name. A paper first
// listed on a day was announced that day, so the day stands in for its publication date; the store
// keeps the earliest such day when a paper is listed again (cross-lists, replacements).
import { z } from 'zod';
import { arxivCategories, parseArxivId } from '../../domain/arxiv-id.ts';
import type { PaperRecord } from '../../domain/paper.ts';
import { parseJsonText } from '../../domain/well-formed.ts';
import type { SkippedRecord } from '../errors.ts';

const lineSchema = z.object({
  id: z.string().max(100),
  title: z.string().trim().min(1).max(5000),
  summary: z.string().max(100_000).nullish(),
  authors: z.array(z.string().max(1000)).max(10_000).nullish(),
  categories: z.array(z.string().max(500)).max(100).nullish(),
  comment: z.string().max(10_000).nullish(),
});

export interface ListingResult {
  papers: PaperRecord[];
  skipped: SkippedRecord[];
}

export function looksLikeArxivJsonl(firstLine: string): boolean {
  try {
    const o = JSON.parse(firstLine) as Record<string, unknown>;
    return typeof o === 'object' && o !== null && 'id' in o && 'title' in o && ('summary' in o || 'abs' in o);
  } catch {
    return false;
  }
}

export function parseArxivJsonl(text: string, day: string | null, where: string): ListingResult {
  const out: ListingResult = { papers: [], skipped: [] };
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    if (!line.trim()) continue;
    const at = `${where}:${i + 1}`;
    let raw: unknown;
    try {
      raw = parseJsonText(line);
    } catch {
      out.skipped.push({ where: at, reason: 'not a JSON object' });
      continue;
    }
    const parsed = lineSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      out.skipped.push({ where: at, reason: `${issue?.path.join('.') || 'line'}: ${issue?.message ?? 'invalid'}` });
      continue;
    }
    const l = parsed.data;
    const id = parseArxivId(l.id);
    if (!id) {
      out.skipped.push({ where: at, reason: `not an arXiv id: ${JSON.stringify(l.id.slice(0, 60))}` });
      continue;
    }
    const categories = arxivCategories(l.categories);
    out.papers.push({
      id: id.id,
      ...(id.version ? { version: id.version } : {}),
      title: l.title.trim(),
      abstract: (l.summary ?? '').trim(),
      authors: (l.authors ?? []).map((name) => ({ name: name.trim() })).filter((a) => a.name),
      ...(day ? { publishedAt: `${day}T00:00:00.000Z` } : {}),
      ...(categories.length ? { categories, primaryCategory: categories[0] } : {}),
      ...(l.comment?.trim() ? { comment: l.comment.trim() } : {}),
      stamp: day ? `${day}T00:00:00.000Z` : '1970-01-01T00:00:00.000Z',
    });
  }
  return out;
}
