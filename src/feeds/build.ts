// RSS 2.0 and Atom 1.0 documents from papers, through the `feed` library (it writes the XML, escapes
// it and adds the elements each spec requires). Item ids are stable: the same paper in the same place
// (a day, a week, a month, or the trending list) always has the same GUID, so readers never show it
// twice.

import { Feed } from 'feed';
import type { PaperView } from '../db/queries/papers.ts';
import { arxivAbsUrl, arxivPdfUrl } from '../domain/arxiv-id.ts';
import { texToText } from '../domain/tex-text.ts';
import { html } from '../web/html.ts';

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

/**
 * Characters XML 1.0 forbids (C0 controls but tab and newlines, lone surrogates, U+FFFE/U+FFFF): a paper
 * title may hold one, and a single one makes the whole feed unreadable, so they are dropped.
 */
const XML_FORBIDDEN =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlSafe(s: string): string {
  return s.replace(XML_FORBIDDEN, '');
}

/** How many authors an item names before "et al.". */
export const FEED_MAX_AUTHORS = 10;

function content(v: PaperView, baseUrl: string): string {
  const p = v.paper;
  const links = [
    html`<a href="${baseUrl}/papers/${p.id}">Discussion</a>`,
    html`<a href="${arxivAbsUrl(p.id)}">arXiv</a>`,
    html`<a href="${arxivPdfUrl(p.id)}">PDF</a>`,
    p.github_repo ? html`<a href="${p.github_repo}">Code${p.github_stars !== null ? ` (${p.github_stars} stars)` : ''}</a>` : '',
    p.project_page ? html`<a href="${p.project_page}">Project page</a>` : '',
  ].filter((l) => l !== '');
  const names = v.authors.map((a) => a.name);
  const authors = names.length > FEED_MAX_AUTHORS ? `${names.slice(0, FEED_MAX_AUTHORS).join(', ')} et al.` : names.join(', ');
  return html`<p>${authors}${v.organization ? ` · ${v.organization.fullname ?? v.organization.name}` : ''}</p>
<p>${p.abstract}</p>
<p>${v.upvotes} upvotes · ${v.numComments} comments</p>
<p>${links.map((l, i) => (i ? html` · ${l}` : l))}</p>`.value;
}

export function buildFeed(
  spec: FeedSpec,
  format: FeedFormat,
  opts: { baseUrl: string; siteName: string },
): { body: string; updated: Date } {
  const { baseUrl, siteName } = opts;
  const updated = new Date(Math.max(0, ...spec.items.map((i) => i.date.getTime())));
  const self = (ext: string) => `${baseUrl}${spec.path}.${ext}${spec.query ? `?${spec.query}` : ''}`;
  const feed = new Feed({
    id: self('atom'),
    title: xmlSafe(`${spec.title} · ${siteName}`),
    description: xmlSafe(spec.description),
    link: `${baseUrl}${spec.pagePath}`,
    updated: spec.items.length ? updated : new Date(0),
    generator: 'Folio',
    language: 'en',
    feedLinks: { rss: self('rss'), atom: self('atom') },
    copyright: 'Paper metadata from arXiv (CC0); summaries by their authors.',
  });
  for (const item of spec.items) {
    const p = item.view.paper;
    const link = `${baseUrl}/papers/${p.id}`;
    const categories = (() => {
      try {
        return (JSON.parse(p.categories) as string[]).map((c) => ({ name: c, term: c }));
      } catch {
        return [];
      }
    })();
    feed.addItem({
      // Feed readers show titles and descriptions as plain text: math as Unicode (domain/tex-text.ts).
      title: xmlSafe(texToText(p.title).replace(/\s+/g, ' ').trim()),
      id: `${self('atom')}#${item.key}`,
      guid: `${self('atom')}#${item.key}`,
      link,
      date: item.date,
      ...(p.published_at ? { published: new Date(p.published_at) } : {}),
      description: xmlSafe(texToText(p.abstract).replace(/\s+/g, ' ').trim()),
      content: xmlSafe(content(item.view, baseUrl)),
      author: item.view.authors.slice(0, FEED_MAX_AUTHORS).map((a) => ({ name: xmlSafe(a.name) })),
      category: categories,
    });
  }
  return { body: format === 'rss' ? feed.rss2() : feed.atom1(), updated };
}
