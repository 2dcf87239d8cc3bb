// The stand-in's volume data: the arXiv daily listings under shared/data/arxiv-listings (about 71,700 unique
// papers), one entry per paper. A paper's datestamp is the date of the latest listing file it appears in
// (ids repeat across days: cross-lists, replacements); its metadata comes from that latest appearance.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseArxivId } from '../../../src/domain/arxiv-id.ts';
import { FIXTURES } from '../shared-paths.ts';

export const LISTINGS_DIR = `${join(FIXTURES, 'arxiv-listings')}/`;

export interface StandinPaper {
  /** Canonical id, no version. */
  id: string;
  version?: number;
  title: string;
  abstract: string;
  authors: string[];
  categories: string[];
  primaryCategory?: string;
  comment?: string;
  /** `YYYY-MM-DD`: the OAI datestamp. */
  datestamp: string;
  /** `YYYY-MM-DD` of the first version, when the listing says. */
  created?: string;
  /** `YYYY-MM-DD` of the latest version, when the listing says. */
  updated?: string;
  /** Which listing the metadata came from. */
  source: 'daily-arxiv-jsonl' | 'daydayarxiv';
}

export interface CorpusStats {
  /** Lines/objects read, ids that did not parse. */
  read: number;
  invalid: number;
}

interface DailyLine {
  id: string;
  authors?: string[];
  title?: string;
  categories?: string[];
  comment?: string | null;
  summary?: string;
}

interface DayDayItem {
  arxiv_id: string;
  title?: string;
  authors?: string[];
  abstract?: string;
  categories?: string[];
  primary_category?: string;
  comment?: string | null;
  published_date?: string;
  updated_date?: string;
}

const dayOf = (s: string | undefined): string | undefined => (s && /^\d{4}-\d{2}-\d{2}/.test(s) ? s.slice(0, 10) : undefined);

let cached: { papers: StandinPaper[]; stats: CorpusStats } | undefined;

/**
 * Every unique paper of both listings, sorted by (datestamp, id). Read once per process (about 2 s) and shared;
 * treat the result as read-only.
 */
export function loadListingsCorpus(dir: string = LISTINGS_DIR): { papers: readonly StandinPaper[]; stats: CorpusStats } {
  if (cached && dir === LISTINGS_DIR) return cached;
  const byId = new Map<string, StandinPaper>();
  const stats: CorpusStats = { read: 0, invalid: 0 };
  const put = (p: StandinPaper): void => {
    const prev = byId.get(p.id);
    // The latest listing wins; on the same day the richer daydayarxiv record wins.
    if (!prev || p.datestamp > prev.datestamp || (p.datestamp === prev.datestamp && p.source === 'daydayarxiv')) byId.set(p.id, p);
  };

  const dailyDir = join(dir, 'daily-arxiv-jsonl');
  for (const f of readdirSync(dailyDir).sort()) {
    const day = dayOf(f);
    if (!day || !f.endsWith('.jsonl.gz')) continue;
    for (const line of gunzipSync(readFileSync(join(dailyDir, f)))
      .toString('utf8')
      .split('\n')) {
      if (!line.trim()) continue;
      stats.read++;
      const o = JSON.parse(line) as DailyLine;
      const parsed = parseArxivId(o.id);
      if (!parsed || !o.title) {
        stats.invalid++;
        continue;
      }
      const p: StandinPaper = {
        id: parsed.id,
        title: o.title,
        abstract: o.summary ?? '',
        authors: o.authors ?? [],
        categories: o.categories ?? [],
        datestamp: day,
        source: 'daily-arxiv-jsonl',
      };
      if (parsed.version) p.version = parsed.version;
      if (o.categories?.[0]) p.primaryCategory = o.categories[0];
      if (o.comment) p.comment = o.comment;
      put(p);
    }
  }

  const ddDir = join(dir, 'daydayarxiv');
  for (const f of readdirSync(ddDir).sort()) {
    const day = dayOf(f);
    if (!day || !f.endsWith('.json.gz')) continue;
    const items = JSON.parse(gunzipSync(readFileSync(join(ddDir, f))).toString('utf8')) as DayDayItem[];
    for (const o of items) {
      stats.read++;
      const parsed = parseArxivId(o.arxiv_id);
      if (!parsed || !o.title) {
        stats.invalid++;
        continue;
      }
      const p: StandinPaper = {
        id: parsed.id,
        title: o.title,
        abstract: o.abstract ?? '',
        authors: o.authors ?? [],
        categories: o.categories ?? [],
        datestamp: day,
        source: 'daydayarxiv',
      };
      if (parsed.version) p.version = parsed.version;
      const primary = o.primary_category ?? o.categories?.[0];
      if (primary) p.primaryCategory = primary;
      if (o.comment) p.comment = o.comment;
      const created = dayOf(o.published_date);
      const updated = dayOf(o.updated_date);
      if (created) p.created = created;
      if (updated && updated !== created) p.updated = updated;
      put(p);
    }
  }

  const papers = [...byId.values()].sort((a, b) =>
    a.datestamp < b.datestamp ? -1 : a.datestamp > b.datestamp ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  const out = { papers, stats };
  if (dir === LISTINGS_DIR) cached = out;
  return out;
}

const PHYSICS_ARCHIVES = new Set([
  'astro-ph',
  'cond-mat',
  'gr-qc',
  'hep-ex',
  'hep-lat',
  'hep-ph',
  'hep-th',
  'math-ph',
  'nlin',
  'nucl-ex',
  'nucl-th',
  'physics',
  'quant-ph',
]);

/** arXiv's OAI setSpecs for a list of categories: `cs.CV` → `cs`, `hep-th` → `physics:hep-th`. */
export function setSpecsOf(categories: readonly string[]): string[] {
  const out = new Set<string>();
  for (const c of categories) {
    const archive = c.split('.')[0] ?? c;
    if (!archive) continue;
    out.add(PHYSICS_ARCHIVES.has(archive) ? `physics:${archive}` : archive);
  }
  return [...out];
}

/** Does a record with these setSpecs belong to the requested set (`physics` holds every `physics:*`)? */
export function inSet(specs: readonly string[], set: string): boolean {
  return specs.some((s) => s === set || s.startsWith(`${set}:`));
}
