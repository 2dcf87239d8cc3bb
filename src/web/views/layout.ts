// The site layout every page shares: head, header with the list tabs and the search box, footer.
// No inline scripts or styles anywhere (the Content-Security-Policy allows only 'self'): the look is in
// public/css/folio.css, the keyboard shortcuts in public/js/folio.js, and the page works without it.
import { type Html, html, trusted } from '../html.ts';
import { ACCOUNT_END, ACCOUNT_START, anonymousNav } from './account-nav.ts';

/** Bump when folio.css or folio.js change, so that browsers holding the old file (cached 1 h) refetch. */
export const ASSET_VERSION = '4';
export const DEFAULT_SITE_NAME = 'Folio';

/**
 * The site's name. Held here rather than passed to every view because the error page is rendered by
 * the server's error handler, whose `renderErrorPage(status, message)` has no configuration at hand;
 * the page routes set it when they are registered.
 */
const site = { name: DEFAULT_SITE_NAME };

export function setSiteName(name: string): void {
  site.name = name;
}

export function siteName(): string {
  return site.name;
}

export type TabName = 'daily' | 'weekly' | 'monthly' | 'trending';

export interface Tabs {
  /** The tab to mark as the current one, if any. */
  current?: TabName;
  /** Where Daily / Weekly / Monthly lead: on a list page, to the periods holding the shown day. */
  daily?: string;
  weekly?: string;
  monthly?: string;
}

export interface PageOptions {
  /** The page's own title; the site name is appended. */
  title: string;
  description: string;
  body: Html;
  tabs?: Tabs;
  /** Absolute or root-relative canonical URL, when the page is reachable under several addresses. */
  canonical?: string;
  /** Links KaTeX's stylesheet (only pages that show math need it). */
  math?: boolean;
  /** Prefills the search box. */
  query?: string;
  /** The page has a search box of its own (the search page): the header leaves its box out. */
  ownSearch?: boolean;
  /** `noindex` for error pages and deep list pages. */
  noindex?: boolean;
  /** Feeds of this page: each path is a feed without extension (`/feeds/daily`), offered as RSS and Atom. */
  feeds?: FeedLink[];
}

export interface FeedLink {
  title: string;
  /** Path without extension; a query string, if any, goes in `query`. */
  path: string;
  query?: string;
}

/** The feeds every page offers when it has none of its own. */
export const SITE_FEEDS: FeedLink[] = [
  { title: 'Daily papers', path: '/feeds/daily' },
  { title: 'Trending papers', path: '/feeds/trending' },
];

function feedLinks(feeds: FeedLink[]): Html {
  return html`${feeds.map((f) => {
    const q = f.query ? `?${f.query}` : '';
    return html`<link rel="alternate" type="application/rss+xml" title="${f.title} (RSS)" href="${f.path}.rss${q}">
<link rel="alternate" type="application/atom+xml" title="${f.title} (Atom)" href="${f.path}.atom${q}">
`;
  })}`;
}

const TAB_LABELS: [TabName, string][] = [
  ['daily', 'Daily'],
  ['weekly', 'Weekly'],
  ['monthly', 'Monthly'],
  ['trending', 'Trending'],
];

function tabHref(name: TabName, tabs: Tabs): string {
  if (name === 'daily') return tabs.daily ?? '/papers';
  if (name === 'weekly') return tabs.weekly ?? '/papers/week';
  if (name === 'monthly') return tabs.monthly ?? '/papers/month';
  return '/papers/trending';
}

function header(tabs: Tabs, query: string | undefined, ownSearch: boolean): Html {
  return html`<header class="site-header">
  <div class="site-header__inner">
    <a class="brand" href="/papers"><img class="brand__logo" src="/static/img/logo.svg" alt="" width="28" height="28"><span class="brand__name">${site.name}</span></a>
    <nav class="tabs" aria-label="Paper lists">
      <ul>
        ${TAB_LABELS.map(
          ([name, label]) =>
            html`<li><a class="tab" href="${tabHref(name, tabs)}"${tabs.current === name ? html` aria-current="page"` : ''}>${label}</a></li>`,
        )}
      </ul>
    </nav>
    ${
      ownSearch
        ? ''
        : html`<form class="search" role="search" method="get" action="/search">
      <label class="visually-hidden" for="site-search">Search papers</label>
      <input id="site-search" class="search__input" type="search" name="q" value="${query ?? ''}" placeholder="Search papers" autocomplete="off" maxlength="500" data-search-box>
      <button class="search__button" type="submit">Search</button>
    </form>`
    }
    ${trusted(ACCOUNT_START)}${anonymousNav()}${trusted(ACCOUNT_END)}
  </div>
</header>`;
}

function footer(): Html {
  return html`<footer class="site-footer">
  <div class="site-footer__inner">
    <p>${site.name} — a self-hosted Daily Papers. Paper metadata from <a href="https://arxiv.org/">arXiv</a>.</p>
    <ul class="site-footer__links">
      <li><a href="/api/daily_papers">API</a></li>
      <li><a href="/papers">Today</a></li>
      <li><a href="/papers/trending">Trending</a></li>
    </ul>
    <p class="site-footer__keys">Keyboard: <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>o</kbd> open, <kbd>u</kbd> upvote, <kbd>/</kbd> search.</p>
  </div>
</footer>`;
}

export function renderPage(o: PageOptions): string {
  const title = o.title === site.name ? site.name : `${o.title} · ${site.name}`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${title}</title>
<meta name="description" content="${o.description}">
${o.noindex ? html`<meta name="robots" content="noindex">` : ''}
${o.canonical ? html`<link rel="canonical" href="${o.canonical}">` : ''}
${feedLinks(o.feeds ?? SITE_FEEDS)}<link rel="icon" href="/static/img/logo.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/css/folio.css?v=${ASSET_VERSION}">
${o.math ? html`<link rel="stylesheet" href="/static/katex/katex.min.css">` : ''}
<script src="/static/js/folio.js?v=${ASSET_VERSION}" defer></script>
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
${header(o.tabs ?? {}, o.query, o.ownSearch === true)}
<main id="main" class="page" tabindex="-1">
${o.body}
</main>
${footer()}
</body>
</html>
`.value;
}
