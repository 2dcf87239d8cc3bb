// Parser of the arXiv query API's Atom feeds (https://export.arxiv.org/api/query), in all the forms seen
// over the years: 2016/2017 feeds (http ids, namespaces declared inline on each element, http links) and
// the 2026 form (namespaces on the root, https links, `published` after the categories). An empty result is a
// feed with no entry; the error feed (HTTP 400 for `id_list=abc`: one entry titled "Error" whose summary says
// what was wrong) throws an ArxivApiError. A document that cannot be read throws an AtomParseError.

import { parseArxivId } from '../../domain/arxiv-id.ts';
import type { AuthorRecord, PaperRecord } from '../../domain/paper.ts';
import { cleanText } from '../../domain/paper.ts';
import { ArxivApiError, AtomParseError } from './errors.ts';
import { isoFromDateTime, optionalText } from './fields.ts';
import { child, children, childText, readXml, readXmlSync, type XmlElement, type XmlErrorFactory, type XmlLimits } from './xml.ts';

export const ATOM_NS = 'http://www.w3.org/2005/Atom';
export const ARXIV_ATOM_NS = 'http://arxiv.org/schemas/atom';
export const OPENSEARCH_NS = 'http://a9.com/-/spec/opensearch/1.1/';

export interface ArxivLinks {
  /** The abstract page (`rel="alternate"`). */
  abs?: string;
  /** The PDF (`title="pdf"`). */
  pdf?: string;
  /** The publisher's DOI link (`title="doi"`). */
  doi?: string;
}

export interface AtomEntry {
  record: PaperRecord;
  links: ArxivLinks;
}

export interface AtomSkipped {
  /** The entry's `<id>` as sent. */
  entryId?: string;
  reason: string;
}

export interface AtomFeed {
  entries: AtomEntry[];
  skipped: AtomSkipped[];
  /** opensearch:totalResults / startIndex / itemsPerPage. */
  totalResults?: number;
  startIndex?: number;
  itemsPerPage?: number;
  /** The feed's own `<updated>` (when the answer was made), as an ISO instant. */
  updated?: string;
}

export interface AtomParseOptions extends XmlLimits {
  /** The HTTP status the feed came with, reported in an ArxivApiError. */
  status?: number;
}

const atomError: XmlErrorFactory = (message, pos, cause) => new AtomParseError(message, pos, cause === undefined ? undefined : { cause });

const FEED_FIELDS = new Set(['entry', 'updated', 'totalResults', 'startIndex', 'itemsPerPage']);

function intText(s: string | undefined): number | undefined {
  const t = s?.trim();
  return t !== undefined && /^\d+$/.test(t) ? Number(t) : undefined;
}

function isErrorEntry(entry: XmlElement): boolean {
  const id = childText(entry, 'id')?.trim() ?? '';
  if (/\/api\/errors\b/.test(id)) return true;
  return childText(entry, 'title')?.trim() === 'Error' && parseArxivId(id) === null;
}

function author(el: XmlElement): AuthorRecord | undefined {
  const name = optionalText(childText(el, 'name'));
  if (!name) return undefined;
  const a: AuthorRecord = { name };
  const aff = children(el, 'affiliation')
    .map((x) => optionalText(x.text))
    .filter((x): x is string => x !== undefined);
  if (aff.length) a.affiliation = aff.join('; ');
  return a;
}

/** Converts one `<entry>`; returns the reason when it cannot become a PaperRecord. `stamp` is filled in later. */
function entryToPaper(entry: XmlElement): AtomEntry | string {
  const rawId = childText(entry, 'id');
  if (rawId === undefined) return 'entry without <id>';
  const parsed = parseArxivId(rawId.trim());
  if (!parsed) return `invalid arXiv id ${JSON.stringify(rawId.trim().slice(0, 100))}`;
  const title = optionalText(childText(entry, 'title'));
  if (title === undefined) return 'no title';

  const rec: PaperRecord = { id: parsed.id, title, abstract: optionalText(childText(entry, 'summary')) ?? '', authors: [], stamp: '' };
  if (parsed.version !== undefined) rec.version = parsed.version;
  for (const field of ['published', 'updated'] as const) {
    const raw = childText(entry, field);
    if (raw === undefined) continue;
    const iso = isoFromDateTime(raw);
    if (!iso) return `invalid ${field} date ${JSON.stringify(cleanText(raw).slice(0, 60))}`;
    if (field === 'published') rec.publishedAt = iso;
    else rec.updatedAt = iso;
  }
  rec.authors = children(entry, 'author')
    .map(author)
    .filter((a): a is AuthorRecord => a !== undefined);

  const categories = [
    ...new Set(
      children(entry, 'category')
        .map((c) => c.attrs.term?.trim())
        .filter((t): t is string => !!t),
    ),
  ];
  const primary = child(entry, 'primary_category')?.attrs.term?.trim();
  if (primary) {
    rec.primaryCategory = primary;
    if (!categories.includes(primary)) categories.unshift(primary);
  } else if (categories[0]) rec.primaryCategory = categories[0];
  if (categories.length) rec.categories = categories;

  const comment = optionalText(childText(entry, 'comment'));
  if (comment) rec.comment = comment;
  const journalRef = optionalText(childText(entry, 'journal_ref'));
  if (journalRef) rec.journalRef = journalRef;
  const doi = optionalText(childText(entry, 'doi'));
  if (doi) rec.doi = doi.split(/\s+/)[0];

  const links: ArxivLinks = {};
  for (const l of children(entry, 'link')) {
    const href = l.attrs.href?.trim();
    if (!href) continue;
    if (l.attrs.title === 'pdf') links.pdf ??= href;
    else if (l.attrs.title === 'doi') links.doi ??= href;
    else if (l.attrs.rel === 'alternate') links.abs ??= href;
  }
  return { record: rec, links };
}

class FeedBuilder {
  readonly feed: AtomFeed = { entries: [], skipped: [] };
  private error: { detail: string; id?: string } | undefined;

  constructor(private readonly status?: number) {}

  root = (name: string, uri: string): string | undefined => {
    if (name !== 'feed') {
      const hint = name.toLowerCase() === 'html' ? ' (an HTML page, e.g. a proxy or server error page)' : '';
      return `not an Atom feed: the root element is <${name}>${hint}`;
    }
    if (uri !== ATOM_NS) return `not an Atom feed: root namespace is ${JSON.stringify(uri)}`;
    return undefined;
  };

  capture = (path: readonly string[], name: string): boolean => path.length === 1 && FEED_FIELDS.has(name);

  element = (el: XmlElement): void => {
    const f = this.feed;
    switch (el.name) {
      case 'updated': {
        const iso = isoFromDateTime(el.text);
        if (iso) f.updated = iso;
        return;
      }
      case 'totalResults':
      case 'startIndex':
      case 'itemsPerPage': {
        const n = intText(el.text);
        if (n !== undefined) f[el.name] = n;
        return;
      }
      case 'entry': {
        if (isErrorEntry(el)) {
          const detail = optionalText(childText(el, 'summary')) ?? 'unspecified error';
          const id = childText(el, 'id')?.trim();
          this.error ??= id ? { detail, id } : { detail };
          return;
        }
        const out = entryToPaper(el);
        if (typeof out === 'string') {
          const entryId = childText(el, 'id')?.trim();
          f.skipped.push(entryId ? { entryId, reason: out } : { reason: out });
        } else f.entries.push(out);
      }
    }
  };

  finish(): AtomFeed {
    if (this.error) throw new ArxivApiError(this.error.detail, this.error.id, this.status);
    for (const e of this.feed.entries) {
      // The feed's date is when arXiv described these papers: the freshness of this description. An entry's
      // own `updated` is the date of its latest version, which says nothing of later metadata edits.
      const stamp = this.feed.updated ?? e.record.updatedAt ?? e.record.publishedAt;
      if (stamp) e.record.stamp = stamp;
    }
    const undated = this.feed.entries.filter((e) => e.record.stamp === '');
    if (undated.length) {
      this.feed.entries = this.feed.entries.filter((e) => e.record.stamp !== '');
      for (const e of undated) this.feed.skipped.push({ entryId: e.record.id, reason: 'no date to stamp the record with' });
    }
    return this.feed;
  }
}

/** Parses a query-API feed already in memory. Throws AtomParseError (unreadable) or ArxivApiError (error feed). */
export function parseArxivAtom(input: string | Uint8Array, opts: AtomParseOptions = {}): AtomFeed {
  const b = new FeedBuilder(opts.status);
  readXmlSync(input, b, atomError, opts);
  return b.finish();
}

/** Parses a query-API feed as it streams in. */
export async function parseArxivAtomStream(
  input: string | Uint8Array | AsyncIterable<string | Uint8Array>,
  opts: AtomParseOptions = {},
): Promise<AtomFeed> {
  const b = new FeedBuilder(opts.status);
  await readXml(input, b, atomError, opts);
  return b.finish();
}
