// `/papers/trending`: papers by the published trending score. The formula and its constants are one
// click away above the list (folded, so the papers come first), the full explanation (docs/trending.md)
// one link further; an instance whose newest daily list is old says so, since age drives the ranking.
import type { PaperView } from '../../db/queries/papers.ts';
import type { ListView } from '../../domain/list-view.ts';
import type { TrendingParams } from '../../domain/trending.ts';
import { type Html, html, trusted } from '../html.ts';
import { listViewToggle, type PagerState, pager, paperList } from './components.ts';
import { mediumDay, plural } from './format.ts';
import { renderPage } from './layout.ts';
import { hasMath } from './math.ts';

export interface TrendingPageData {
  rows: PaperView[];
  params: TrendingParams;
  pager: PagerState;
  firstRank: number;
  total: number;
  /** The newest day with a visible list entry, when it is older than STALE_LIST_DAYS. */
  staleSince?: string;
  view: ListView;
  /** The path the list view switch comes back to. */
  path: string;
}

/** A newest daily list older than this many days makes the page say the ranking is of old news. */
export const STALE_LIST_DAYS = 7;

const num = (n: number) => String(Math.round(n * 100) / 100);

export function formulaSummary(p: TrendingParams): Html {
  return html`<details class="formula">
  <summary class="formula__summary">How papers are ranked here</summary>
  <p class="formula__expr"><span class="formula__label">score =</span> <span class="formula__frac"><span>upvotes + ${num(p.commentWeight)} × comments + ${num(p.starWeight)} × ln(1 + GitHub stars)</span><span>(hours since listed + ${num(p.ageOffsetHours)})<sup>${num(p.gravity)}</sup></span></span></p>
  <p class="formula__text">Votes, comments and stars lift a paper; age pulls it down, as on Hacker News. Age counts from the paper's latest day on a daily list, or from its arXiv publication. <a href="/about/trending">How trending works</a></p>
</details>`;
}

export function renderTrendingPage(d: TrendingPageData): string {
  const body = html`<div class="list-head">
  <div class="list-head__text">
    <p class="eyebrow">Trending</p>
    <h1>Trending papers</h1>
    <p class="list-head__sub">${d.total ? html`${plural(d.total, 'paper')} with points · ` : ''}ranked by a published score</p>
  </div>
  <div class="list-head__tools">${listViewToggle(d.view, d.path)}</div>
</div>
${
  d.staleSince
    ? html`<p class="notice" role="status">The newest daily list here is from ${mediumDay(d.staleSince)}: these papers trended then.</p>`
    : ''
}
${formulaSummary(d.params)}
${
  d.rows.length
    ? paperList(d.rows, { firstRank: d.firstRank, view: d.view })
    : html`<section class="empty"><h2>Nothing is trending yet</h2><p>Papers trend once members upvote or discuss them.</p><p><a href="/papers">See today's papers</a></p></section>`
}
${pager(d.pager)}`;
  return renderPage({
    title: `Trending papers${d.pager.page > 1 ? ` (page ${d.pager.page})` : ''}`,
    description: 'Papers ranked by the published trending score: upvotes, comments and GitHub stars over age.',
    body,
    tabs: { current: 'trending' },
    math: hasMath(body.value),
    feeds: [{ title: 'Trending papers', path: '/feeds/trending' }],
    noindex: d.pager.page > 1,
  });
}

/** A documentation page rendered from Markdown in docs/ (trusted text from the code base). */
export function renderDocPage(title: string, markup: string): string {
  return renderPage({ title, description: title, body: html`<article class="doc">${trusted(markup)}</article>` });
}
