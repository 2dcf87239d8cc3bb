// Pages that list the papers of one organisation, author or submitter: a header, then the papers.
import type { EntryView, PaperView } from '../../db/queries/papers.ts';
import { type Html, html } from '../html.ts';
import { imageUrl, type PagerState, pager, paperList } from './components.ts';
import { plural } from './format.ts';
import { type FeedLink, renderPage } from './layout.ts';
import { hasMath } from './math.ts';

export interface CollectionPageData {
  /** What the page is about, above the heading ("Organization", "Author", "Submitter"). */
  kind: string;
  heading: string;
  /** A short line under the heading, such as the handle. */
  handle?: string;
  avatar?: string | null;
  rows: (PaperView | EntryView)[];
  total: number;
  /** "paper" counted how: "paper", "submitted paper". */
  noun: string;
  pager: PagerState;
  description: string;
  /** Shown when there are no papers. */
  emptyText: string;
  /** A section shown under the heading (an organisation's members). */
  extra?: Html;
  /** The feed of this collection, if it has one. */
  feed?: FeedLink;
}

export function renderCollectionPage(d: CollectionPageData): string {
  const img = imageUrl(d.avatar);
  const body: Html = html`<div class="list-head list-head--profile">
  ${img ? html`<img class="profile-avatar" src="${img}" alt="" width="64" height="64">` : ''}
  <div class="list-head__text">
    <p class="eyebrow">${d.kind}</p>
    <h1>${d.heading}</h1>
    <p class="list-head__sub">${d.handle ? html`<span>${d.handle}</span> · ` : ''}${plural(d.total, d.noun)}</p>
  </div>
</div>
${d.extra ?? ''}
${d.rows.length ? paperList(d.rows) : html`<section class="empty"><p>${d.emptyText}</p><p><a href="/papers">See today's papers</a></p></section>`}
${pager(d.pager)}`;
  return renderPage({
    title: `${d.heading}${d.pager.page > 1 ? ` (page ${d.pager.page})` : ''}`,
    description: d.description,
    body,
    math: hasMath(body.value),
    ...(d.feed ? { feeds: [d.feed] } : {}),
  });
}
