// RSS 2.0 and Atom 1.0 documents from papers. Every text is escaped as characters (xml-writer.ts), and
// Atom says what each text is: titles and summaries plain text (`type="text"`), the content HTML
// (`type="html"`, the HTML itself escaped once more as XML text). Item ids are stable: the same paper
// in the same place (a day, a week, a month, or the trending list) always has the same GUID, so
// readers never show it twice.
import type { PaperView } from '../db/queries/papers.ts';
import { arxivAbsUrl, arxivPdfUrl } from '../domain/arxiv-id.ts';
import { safeHttpUrl } from '../domain/safe-url.ts';
import { texToText } from '../domain/tex-text.ts';
import { escapeHtml, html } from '../web/html.ts';
import { el, type XmlElement, xmlDocument, xmlSafe } from './xml-writer.ts';

export type FeedFormat = 'rss' | 'atom';

export interface FeedItem {
  view: PaperView;
  /** Stable identity of this item within this feed (e.g. `2026-06-02/2605.30611`). */
  key: string;
  /** When the item appeared (added to a list, or published). */
  date: Date;
}

export interface FeedSpec {
  /** Path of the feed itself, without extension (e.g. `/feeds/daily`). */
  path: string;
  /** Query string of the feed's own URL, for feeds that take parameters (`q=...`). */
  query?: string;
  /** Page the feed mirrors. */
  pagePath: string;
  title: string;
  description: string;
  items: FeedItem[];
}

/** How many authors an item names before "et al.". */
export const FEED_MAX_AUTHORS = 10;

function content(v: PaperView, baseUrl: string): string {
  const p = v.paper;
  const links = [
    html`<a href="${baseUrl}/papers/${p.id}">Discussion</a>`,
    html`<a href="${arxivAbsUrl(p.id)}">arXiv</a>`,
    html`<a href="${arxivPdfUrl(p.id)}">PDF</a>`,
    safeHttpUrl(p.github_repo)
      ? html`<a href="${p.github_repo}">Code${p.github_stars !== null ? ` (${p.github_stars} stars)` : ''}</a>`
      : '',
    safeHttpUrl(p.project_page) ? html`<a href="${p.project_page}">Project page</a>` : '',
  ].filter((l) => l !== '');
  const names = v.authors.map((a) => a.name);
  const authors = names.length > FEED_MAX_AUTHORS ? `${names.slice(0, FEED_MAX_AUTHORS).join(', ')} et al.` : names.join(', ');
  return html`<p>${authors}${v.organization ? ` · ${v.organization.fullname ?? v.organization.name}` : ''}</p>
<p>${p.abstract}</p>
<p>${v.upvotes} upvotes · ${v.numComments} comments</p>
<p>${links.map((l, i) => (i ? html` · ${l}` : l))}</p>`.value;
}

const ATOM_NS = 'http://www.w3.org/2005/Atom';
const CONTENT_NS = 'http://purl.org/rss/1.0/modules/content/';
const DC_NS = 'http://purl.org/dc/elements/1.1/';
const RSS_DOCS = 'https://www.rssboard.org/rss-specification';
const COPYRIGHT = 'Paper metadata from arXiv (CC0); summaries by their authors.';

/** One feed item as plain values: texts are plain text except `contentHtml`. */
interface ItemFields {
  id: string;
  title: string;
  link: string;
  date: Date;
  published?: Date;
  summary: string;
  contentHtml: string;
  authors: string[];
  categories: string[];
}

/** Text as feed readers show it: math as Unicode (domain/tex-text.ts), one line, no forbidden characters. */
function plainLine(s: string): string {
  // Forbidden characters go first, so that the space around one collapses with the rest.
  return xmlSafe(texToText(s)).replace(/\s+/g, ' ').trim();
}

function categoriesOf(json: string | null): string[] {
  try {
    const list = JSON.parse(json ?? '[]') as unknown;
    return Array.isArray(list) ? list.filter((c): c is string => typeof c === 'string').map(xmlSafe) : [];
  } catch {
    return [];
  }
}

function itemFields(item: FeedItem, feedId: string, baseUrl: string): ItemFields {
  const p = item.view.paper;
  return {
    id: `${feedId}#${item.key}`,
    title: plainLine(p.title),
    link: `${baseUrl}/papers/${p.id}`,
    date: item.date,
    ...(p.published_at ? { published: new Date(p.published_at) } : {}),
    summary: plainLine(p.abstract),
    contentHtml: xmlSafe(content(item.view, baseUrl)),
    authors: item.view.authors.slice(0, FEED_MAX_AUTHORS).map((a) => xmlSafe(a.name)),
    categories: categoriesOf(p.categories),
  };
}

const text = (name: string, value: string, attrs?: Record<string, string>): XmlElement => el(name, attrs, value);

interface FeedHead {
  id: string;
  title: string;
  description: string;
  page: string;
  self: { rss: string; atom: string };
  updated: Date;
}

function rss(head: FeedHead, items: ItemFields[]): string {
  const item = (i: ItemFields): XmlElement =>
    el(
      'item',
      undefined,
      text('title', i.title),
      text('link', i.link),
      text('guid', i.id, { isPermaLink: 'false' }),
      text('pubDate', (i.published ?? i.date).toUTCString()),
      // RSS readers take <description> for HTML (RSS 2.0 calls it entity-encoded HTML), so the plain
      // abstract is escaped as HTML first: `<a href=...>` in an abstract stays text on the page.
      text('description', escapeHtml(i.summary)),
      // content:encoded holds HTML by definition; as escaped text it parses back to that very HTML.
      text('content:encoded', i.contentHtml),
      // RSS's own <author> wants an email address; Dublin Core's creator takes a name.
      ...i.authors.map((a) => text('dc:creator', a)),
      ...i.categories.map((c) => text('category', c)),
    );
  const channel = el(
    'channel',
    undefined,
    text('title', head.title),
    text('link', head.page),
    text('description', escapeHtml(head.description)),
    text('lastBuildDate', head.updated.toUTCString()),
    text('docs', RSS_DOCS),
    text('generator', 'Folio'),
    text('language', 'en'),
    text('copyright', COPYRIGHT),
    el('atom:link', { href: head.self.rss, rel: 'self', type: 'application/rss+xml' }),
    ...items.map(item),
  );
  return xmlDocument(el('rss', { version: '2.0', 'xmlns:atom': ATOM_NS, 'xmlns:content': CONTENT_NS, 'xmlns:dc': DC_NS }, channel));
}

function atom(head: FeedHead, items: ItemFields[]): string {
  // Plain text is declared type="text": a reader must not take `<img onerror>` in a title for markup.
  const plain = { type: 'text' };
  const entry = (i: ItemFields): XmlElement =>
    el(
      'entry',
      undefined,
      text('title', i.title, plain),
      text('id', i.id),
      el('link', { rel: 'alternate', href: i.link }),
      text('updated', i.date.toISOString()),
      ...(i.published ? [text('published', i.published.toISOString())] : []),
      text('summary', i.summary, plain),
      text('content', i.contentHtml, { type: 'html' }),
      ...i.authors.map((a) => el('author', undefined, text('name', a))),
      ...i.categories.map((c) => el('category', { term: c, label: c })),
    );
  return xmlDocument(
    el(
      'feed',
      { xmlns: ATOM_NS },
      text('id', head.id),
      text('title', head.title, plain),
      text('subtitle', head.description, plain),
      text('updated', head.updated.toISOString()),
      text('generator', 'Folio'),
      el('link', { rel: 'alternate', href: head.page }),
      el('link', { rel: 'self', href: head.self.atom }),
      text('rights', COPYRIGHT, plain),
      ...items.map(entry),
    ),
  );
}

export function buildFeed(
  spec: FeedSpec,
  format: FeedFormat,
  opts: { baseUrl: string; siteName: string },
): { body: string; updated: Date } {
  const { baseUrl, siteName } = opts;
  const updated = new Date(Math.max(0, ...spec.items.map((i) => i.date.getTime())));
  const self = (ext: string) => `${baseUrl}${spec.path}.${ext}${spec.query ? `?${spec.query}` : ''}`;
  const head: FeedHead = {
    id: self('atom'),
    title: xmlSafe(`${spec.title} · ${siteName}`),
    description: xmlSafe(spec.description),
    page: `${baseUrl}${spec.pagePath}`,
    self: { rss: self('rss'), atom: self('atom') },
    updated: spec.items.length ? updated : new Date(0),
  };
  const items = spec.items.map((i) => itemFields(i, head.id, baseUrl));
  return { body: format === 'rss' ? rss(head, items) : atom(head, items), updated };
}
