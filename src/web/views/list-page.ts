// The Daily / Weekly / Monthly lists: a period's papers ranked by upvotes, with links to the previous
// and next periods that have papers, and an empty state that points at the nearest days with papers.
import type { EntryView } from '../../db/queries/papers.ts';
import type { ListView } from '../../domain/list-view.ts';
import type { Period } from '../../domain/periods.ts';
import { type Html, html, trusted } from '../html.ts';
import { DIGEST_BANNER_END, DIGEST_BANNER_START } from './account-nav.ts';
import { listViewToggle, type PagerState, pager, paperList } from './components.ts';
import { dayRange, fullDay, periodShortName, periodTitle, plural, snippet } from './format.ts';
import { type FeedLink, renderPage, SITE_FEEDS, type TabName, type Tabs } from './layout.ts';
import { hasMath, plainText } from './math.ts';

/** The feed each kind of list offers. */
const LIST_FEEDS: Record<'day' | 'week' | 'month', FeedLink> = {
  day: { title: 'Daily papers', path: '/feeds/daily' },
  week: { title: 'Top papers of the week', path: '/feeds/weekly' },
  month: { title: 'Top papers of the month', path: '/feeds/monthly' },
};

export interface ListPageData {
  period: Period;
  rows: EntryView[];
  total: number;
  pager: PagerState;
  /** Rank of the first row on this page. */
  firstRank: number;
  prev?: Period;
  next?: Period;
  /** The nearest days with papers (for the empty state). */
  prevDay?: string;
  nextDay?: string;
  tabs: Tabs;
  canonical?: string;
  /** How the list shows papers, and the path its view switch comes back to. */
  view: ListView;
  path: string;
}

const KIND_TAB: Record<Period['kind'], TabName> = { day: 'daily', week: 'weekly', month: 'monthly' };
const KIND_LABEL: Record<Period['kind'], string> = { day: 'Daily Papers', week: 'Weekly Papers', month: 'Monthly Papers' };
const KIND_NOUN: Record<Period['kind'], string> = { day: 'day', week: 'week', month: 'month' };

export function periodPath(p: Period): string {
  if (p.kind === 'day') return `/papers/date/${p.key}`;
  return `/papers/${p.kind}/${p.key}`;
}

function periodNav(d: ListPageData): Html {
  const noun = KIND_NOUN[d.period.kind];
  return html`<nav class="period-nav" aria-label="Previous and next ${noun}">
  ${
    d.prev
      ? html`<a class="button" rel="prev" href="${periodPath(d.prev)}"><span aria-hidden="true">←</span> ${periodShortName(d.prev)}</a>`
      : html`<span class="button button--disabled" aria-disabled="true">No earlier ${noun}</span>`
  }
  ${
    d.next
      ? html`<a class="button" rel="next" href="${periodPath(d.next)}">${periodShortName(d.next)} <span aria-hidden="true">→</span></a>`
      : html`<span class="button button--disabled" aria-disabled="true">No later ${noun}</span>`
  }
</nav>`;
}

function emptyState(d: ListPageData): Html {
  const where = d.period.kind === 'day' ? `on ${fullDay(d.period.key)}` : `in ${periodTitle(d.period)}`;
  if (!d.prevDay && !d.nextDay) {
    return html`<section class="empty">
  <h2>No papers yet</h2>
  <p>This site holds no papers on any list so far. An operator can load some with <code>folio import</code>, or members can submit papers.</p>
</section>`;
  }
  return html`<section class="empty">
  <h2>No papers ${where}</h2>
  <p>Nobody put a paper on the list ${where}. The nearest days with papers:</p>
  <ul class="empty__links">
    ${d.prevDay ? html`<li><a href="/papers/date/${d.prevDay}">← ${fullDay(d.prevDay)}</a></li>` : ''}
    ${d.nextDay ? html`<li><a href="/papers/date/${d.nextDay}">${fullDay(d.nextDay)} →</a></li>` : ''}
  </ul>
</section>`;
}

export function renderListPage(d: ListPageData): string {
  const p = d.period;
  const title = periodTitle(p);
  const sub = p.kind === 'day' ? '' : dayRange(p);
  // One row of navigation under the list: the pages when there are several, else the next period's.
  const bottomNav = d.pager.pages > 1 ? pager(d.pager) : d.rows.length > 5 ? periodNav(d) : html``;
  const body = html`<div class="list-head">
  <div class="list-head__text">
    <p class="eyebrow">${KIND_LABEL[p.kind]}</p>
    <h1>${title}</h1>
    <p class="list-head__sub">${sub ? html`<span>${sub}</span>` : ''}${sub && d.total ? ' · ' : ''}${d.total ? plural(d.total, 'paper') : ''}${d.total > 1 ? ' · ranked by upvotes' : ''}</p>
  </div>
  <div class="list-head__tools">${listViewToggle(d.view, d.path)}${periodNav(d)}</div>
</div>
${d.pager.page === 1 ? html`${trusted(DIGEST_BANNER_START)}<p class="digest-banner"><span>Get trending papers in your email inbox!</span> <a href="/subscribe">Subscribe to the digest</a></p>${trusted(DIGEST_BANNER_END)}` : ''}
${d.rows.length ? paperList(d.rows, { firstRank: d.firstRank, view: d.view }) : emptyState(d)}
${bottomNav}`;
  const first = d.rows[0];
  const description = first
    ? `${KIND_LABEL[p.kind]} for ${title}: ${plural(d.total, 'paper')}, led by “${snippet(plainText(first.paper.title), 100)}”.`
    : `${KIND_LABEL[p.kind]} for ${title}.`;
  return renderPage({
    title: `${KIND_LABEL[p.kind]} – ${title}${d.pager.page > 1 ? ` (page ${d.pager.page})` : ''}`,
    description,
    body,
    tabs: { ...d.tabs, current: KIND_TAB[p.kind] },
    math: hasMath(body.value),
    ...(d.canonical ? { canonical: d.canonical } : {}),
    feeds: [LIST_FEEDS[p.kind], SITE_FEEDS[1] as FeedLink],
  });
}
