// Parser of arXiv's OAI-PMH responses (https://oaipmh.arxiv.org/oai): ListRecords / GetRecord pages with
// metadataPrefix `arXiv`, `arXivRaw` (and `arXivOld`), and the protocol's error responses.
//
// Each page becomes { records, skipped, resumptionToken?, error? }. A record that cannot become a PaperRecord
// (deleted, no metadata, bad id, invalid date, no title) is listed in `skipped` with the reason; it never
// stops the page. A document that cannot be read (not XML, malformed, truncated, an HTML page, a DOCTYPE) throws
// an OaiParseError: there is no partial result. The reader streams (see xml.ts): only one record is held as
// a tree at a time.

import { parseArxivId } from '../../domain/arxiv-id.ts';
import type { AuthorRecord, PaperRecord } from '../../domain/paper.ts';
import { cleanText } from '../../domain/paper.ts';
import { OaiParseError } from './errors.ts';
import { firstDoi, isoFromDatestamp, isoFromDay, isoFromRfc2822, optionalText, splitCategories, splitRawAuthors } from './fields.ts';
import { child, children, childText, readXml, readXmlSync, type XmlElement, type XmlErrorFactory, type XmlLimits } from './xml.ts';

export const OAI_NS = 'http://www.openarchives.org/OAI/2.0/';
export type ArxivMetadataPrefix = 'arXiv' | 'arXivRaw' | 'arXivOld';

/** The OAI-PMH error codes (OAI-PMH 2.0, section 3.6). */
export type OaiErrorCode =
  | 'badArgument'
  | 'badResumptionToken'
  | 'badVerb'
  | 'cannotDisseminateFormat'
  | 'idDoesNotExist'
  | 'noRecordsMatch'
  | 'noMetadataFormats'
  | 'noSetHierarchy';

export interface OaiError {
  /** One of {@link OaiErrorCode}, or whatever code the server sent. */
  code: string;
  message: string;
}

export interface OaiResumptionToken {
  token: string;
  completeListSize?: number;
  cursor?: number;
  expirationDate?: string;
}

export interface OaiSkipped {
  /** The OAI identifier from the record header (`oai:arXiv.org:0704.0001`), when there was one. */
  identifier?: string;
  datestamp?: string;
  reason: string;
  /** True for records the repository marks as deleted (header status="deleted"). */
  deleted?: boolean;
}

export interface OaiPage {
  /** The verb element the response holds (`ListRecords`, `GetRecord`, `Identify`...); absent on errors. */
  verb?: string;
  /** `responseDate` as an ISO instant. */
  responseDate?: string;
  /** The `<request>` element: the base URL and the arguments the server echoed. */
  request?: { url: string; args: Record<string, string> };
  records: PaperRecord[];
  skipped: OaiSkipped[];
  /** The token of the next page; absent on the last page (empty token) and on single pages. */
  resumptionToken?: OaiResumptionToken;
  /** The list position, whenever the page had a resumptionToken element (also the empty one of the last page). */
  list?: { completeListSize?: number; cursor?: number };
  /** The first OAI error, when the response is an error response. */
  error?: OaiError;
  /** All errors (OAI-PMH allows several). */
  errors?: OaiError[];
  /**
   * Smallest and greatest header datestamp on the page, as sent (`YYYY-MM-DD`), deleted and skipped records
   * included; `ordered` when they come in non-decreasing order on the page.
   */
  datestamps?: { min: string; max: string; ordered: boolean };
  /** Number of `<record>` elements on the page (records + skipped). */
  recordCount: number;
  /** Oddities that did not stop the parse (a page shorter than its token implies, a datestamp in the future...). */
  warnings: string[];
}

export interface OaiParseOptions extends XmlLimits {}

const oaiError: XmlErrorFactory = (message, pos, cause) => new OaiParseError(message, pos, cause === undefined ? undefined : { cause });

const VERBS = new Set(['ListRecords', 'GetRecord', 'ListIdentifiers', 'Identify', 'ListSets', 'ListMetadataFormats']);
const OAI_ID = /^oai:arXiv\.org:(.+)$/i;

function intAttr(v: string | undefined): number | undefined {
  if (v === undefined || !/^\d+$/.test(v.trim())) return undefined;
  return Number(v.trim());
}

/** Converts one `<metadata>` child (arXiv, arXivRaw or arXivOld element) and its header into a PaperRecord. */
function recordFromMetadata(meta: XmlElement, datestamp: string | undefined, headerId: string | undefined): PaperRecord | string {
  const format = meta.name;
  if (format !== 'arXiv' && format !== 'arXivRaw' && format !== 'arXivOld') return `unsupported metadata format <${format}>`;

  const rawId = childText(meta, 'id');
  const parsed = rawId === undefined ? (headerId === undefined ? null : parseArxivId(headerId)) : parseArxivId(rawId);
  if (!parsed) return rawId === undefined ? 'no <id> in metadata' : `invalid arXiv id ${JSON.stringify(cleanText(rawId).slice(0, 80))}`;
  if (headerId !== undefined) {
    const h = parseArxivId(headerId);
    if (h && h.id !== parsed.id) return `header identifier ${headerId} does not match metadata id ${parsed.id}`;
  }

  const title = optionalText(childText(meta, 'title'));
  if (title === undefined) return 'no title';

  let stamp: string | undefined;
  if (datestamp !== undefined) {
    stamp = isoFromDatestamp(datestamp);
    if (!stamp) return `invalid datestamp ${JSON.stringify(datestamp)}`;
  }

  const rec: PaperRecord = {
    id: parsed.id,
    title,
    abstract: optionalText(childText(meta, 'abstract')) ?? '',
    authors: [],
    stamp: '',
  };

  if (format === 'arXiv') {
    const created = childText(meta, 'created');
    const updated = childText(meta, 'updated');
    if (created !== undefined) {
      const iso = isoFromDay(created);
      if (!iso) return `invalid created date ${JSON.stringify(created.trim())}`;
      rec.publishedAt = iso;
    }
    if (updated !== undefined) {
      const iso = isoFromDay(updated);
      if (!iso) return `invalid updated date ${JSON.stringify(updated.trim())}`;
      rec.updatedAt = iso;
    } else if (rec.publishedAt) rec.updatedAt = rec.publishedAt;
    const authorsEl = child(meta, 'authors');
    if (authorsEl)
      rec.authors = children(authorsEl, 'author')
        .map(structuredAuthor)
        .filter((a): a is AuthorRecord => a !== undefined);
  } else {
    const authors = childText(meta, 'authors');
    if (authors !== undefined) rec.authors = splitRawAuthors(authors);
    if (format === 'arXivRaw') {
      const versions: { n: number; iso: string }[] = [];
      for (const v of children(meta, 'version')) {
        const label = v.attrs.version ?? '';
        const n = /^v(\d+)$/.exec(label.trim())?.[1];
        if (n === undefined) return `invalid version label ${JSON.stringify(label)}`;
        const date = childText(v, 'date');
        const iso = date === undefined ? undefined : isoFromRfc2822(date);
        if (!iso) return `invalid date ${JSON.stringify(cleanText(date ?? ''))} of version v${n}`;
        versions.push({ n: Number(n), iso });
      }
      versions.sort((a, b) => a.n - b.n);
      const first = versions[0];
      const last = versions[versions.length - 1];
      if (first && last) {
        rec.version = last.n;
        rec.publishedAt = first.iso;
        rec.updatedAt = last.iso;
      }
    }
  }

  const categories = splitCategories(childText(meta, 'categories'));
  if (categories.length) {
    rec.categories = categories;
    rec.primaryCategory = categories[0];
  }
  const comment = optionalText(childText(meta, 'comments'));
  if (comment) rec.comment = comment;
  const journalRef = optionalText(childText(meta, 'journal-ref'));
  if (journalRef) rec.journalRef = journalRef;
  const doi = firstDoi(childText(meta, 'doi'));
  if (doi) rec.doi = doi;

  const fallback = rec.updatedAt ?? rec.publishedAt;
  if (!stamp && !fallback) return 'no datestamp and no date in the metadata';
  rec.stamp = stamp ?? (fallback as string);
  return rec;
}

/** `<author><keyname>Keyname</keyname><forenames>Forenames</forenames><suffix>II</suffix>` → "Forenames Keyname II". */
function structuredAuthor(el: XmlElement): AuthorRecord | undefined {
  const name = [childText(el, 'forenames'), childText(el, 'keyname'), childText(el, 'suffix')]
    .map((p) => optionalText(p))
    .filter((p) => p !== undefined)
    .join(' ');
  if (name === '') return undefined;
  const a: AuthorRecord = { name };
  const aff = children(el, 'affiliation')
    .map((x) => optionalText(x.text))
    .filter((x): x is string => x !== undefined);
  if (aff.length) a.affiliation = aff.join('; ');
  return a;
}

/** Builds the page while the reader streams; `finish()` checks the whole and returns it. */
class PageBuilder {
  readonly page: OaiPage = { records: [], skipped: [], recordCount: 0, warnings: [] };
  private rootOk = false;
  private datestampsSeen: string[] = [];

  root = (name: string, uri: string): string | undefined => {
    if (name !== 'OAI-PMH') {
      const hint = name.toLowerCase() === 'html' ? ' (an HTML page, e.g. a proxy or server error page)' : '';
      return `not an OAI-PMH response: the root element is <${name}>${hint}`;
    }
    if (uri !== OAI_NS) return `not an OAI-PMH 2.0 response: root namespace is ${JSON.stringify(uri)}`;
    this.rootOk = true;
    return undefined;
  };

  capture = (path: readonly string[], name: string): boolean => {
    if (path.length === 1) {
      if (VERBS.has(name)) this.page.verb = name;
      return name === 'responseDate' || name === 'request' || name === 'error';
    }
    if (path.length === 2 && (path[1] === 'ListRecords' || path[1] === 'GetRecord' || path[1] === 'ListIdentifiers')) {
      return name === 'record' || name === 'resumptionToken';
    }
    return false;
  };

  element = (el: XmlElement, path: readonly string[]): void => {
    const p = this.page;
    if (path.length === 1) {
      if (el.name === 'responseDate') {
        const iso = isoFromDatestamp(el.text.trim());
        if (iso) p.responseDate = iso;
        else p.warnings.push(`invalid responseDate ${JSON.stringify(el.text.trim())}`);
      } else if (el.name === 'request') {
        p.request = { url: el.text.trim(), args: { ...el.attrs } };
      } else if (el.name === 'error') {
        const e = { code: el.attrs.code ?? 'unknown', message: cleanText(el.text) };
        p.errors = [...(p.errors ?? []), e];
        p.error ??= e;
      }
      return;
    }
    if (el.name === 'resumptionToken') {
      const completeListSize = intAttr(el.attrs.completeListSize);
      const cursor = intAttr(el.attrs.cursor);
      p.list = {};
      if (completeListSize !== undefined) p.list.completeListSize = completeListSize;
      if (cursor !== undefined) p.list.cursor = cursor;
      const token = el.text.trim();
      if (token !== '') {
        p.resumptionToken = { token, ...p.list };
        if (el.attrs.expirationDate) p.resumptionToken.expirationDate = el.attrs.expirationDate;
      }
      return;
    }
    if (el.name === 'record') this.record(el);
  };

  private record(el: XmlElement): void {
    const p = this.page;
    p.recordCount++;
    const header = child(el, 'header');
    const identifier = optionalText(header ? childText(header, 'identifier') : undefined);
    const datestamp = optionalText(header ? childText(header, 'datestamp') : undefined);
    const out = this.convert(el, header, identifier, datestamp);
    if (typeof out !== 'string') {
      p.records.push(out);
      return;
    }
    const skipped: OaiSkipped = { reason: out };
    if (identifier !== undefined) skipped.identifier = identifier;
    if (datestamp !== undefined) skipped.datestamp = datestamp;
    if (out === 'deleted') skipped.deleted = true;
    p.skipped.push(skipped);
  }

  /** The record as a PaperRecord, or why it is skipped. */
  private convert(
    el: XmlElement,
    header: XmlElement | undefined,
    identifier: string | undefined,
    datestamp: string | undefined,
  ): PaperRecord | string {
    if (!header) return 'record without <header>';
    const oaiId = identifier ? OAI_ID.exec(identifier)?.[1] : undefined;
    const headerId = oaiId !== undefined && parseArxivId(oaiId) ? oaiId : undefined;
    // Only datestamps of records that really are arXiv items count towards the page's range.
    if (datestamp !== undefined && headerId !== undefined && isoFromDatestamp(datestamp)) this.datestampsSeen.push(datestamp);
    if (header.attrs.status === 'deleted') return 'deleted';
    const meta = child(el, 'metadata')?.children[0];
    if (!meta) return 'record without metadata';
    if (identifier === undefined) return 'no identifier in header';
    if (headerId === undefined) return `invalid identifier ${JSON.stringify(identifier.slice(0, 80))}`;
    return recordFromMetadata(meta, datestamp, headerId);
  }

  finish(): OaiPage {
    const p = this.page;
    if (!this.rootOk) throw new OaiParseError('not an OAI-PMH response');
    if (!p.verb && !p.error) throw new OaiParseError('OAI-PMH response holds neither a verb element nor an error');
    if (p.verb && p.error) p.warnings.push(`response holds both <${p.verb}> and an error (${p.error.code})`);
    if (this.datestampsSeen.length) {
      let ds = this.datestampsSeen;
      // A datestamp after the response date cannot be true; keep it out of the range the harvester resumes from.
      const responseDay = p.responseDate?.slice(0, 10);
      if (responseDay) {
        const future = ds.filter((d) => d.slice(0, 10) > responseDay);
        if (future.length) {
          p.warnings.push(`${future.length} datestamp(s) after the response date ${responseDay} (e.g. ${future[0]}) ignored`);
          ds = ds.filter((d) => d.slice(0, 10) <= responseDay);
        }
      }
      const sorted = [...ds].sort();
      const min = sorted[0];
      const max = sorted[sorted.length - 1];
      const ordered = ds.every((d, i) => i === 0 || d >= (ds[i - 1] as string));
      if (min !== undefined && max !== undefined) p.datestamps = { min, max, ordered };
    }
    // arXiv's tokens read `<list id>|<position of the next record, 1-based>`: the page should hold exactly
    // (position - 1 - cursor) records. Fewer means the page was cut short somewhere on the way.
    const t = p.resumptionToken;
    const next = t ? /^\d+\|(\d+)$/.exec(t.token)?.[1] : undefined;
    if (t && next !== undefined && t.cursor !== undefined) {
      const expected = Number(next) - 1 - t.cursor;
      if (expected > 0 && p.recordCount !== expected) {
        p.warnings.push(
          `page holds ${p.recordCount} records but its resumptionToken (cursor ${t.cursor}, next ${next}) implies ${expected}: cut short?`,
        );
      }
    }
    return p;
  }
}

/** Parses an OAI-PMH response already in memory. Throws OaiParseError when it cannot be read. */
export function parseOaiPmh(input: string | Uint8Array, opts: OaiParseOptions = {}): OaiPage {
  const b = new PageBuilder();
  readXmlSync(input, b, oaiError, opts);
  return b.finish();
}

/** Parses an OAI-PMH response as it streams in (e.g. a fetch Response body). */
export async function parseOaiPmhStream(
  input: string | Uint8Array | AsyncIterable<string | Uint8Array>,
  opts: OaiParseOptions = {},
): Promise<OaiPage> {
  const b = new PageBuilder();
  await readXml(input, b, oaiError, opts);
  return b.finish();
}
