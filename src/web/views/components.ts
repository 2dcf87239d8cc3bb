// Pieces several pages share: a paper in a list, author names, organisation and user chips, paging.
import type { AuthorRow, EntryView, HfIdentityRow, OrgRow, PaperView, UserRow } from '../../db/queries/papers.ts';
import { LIST_VIEWS, type ListView } from '../../domain/list-view.ts';
import { safeHttpUrl } from '../../domain/safe-url.ts';
import { escapeHtml, type Html, html, trusted } from '../html.ts';
import { compactNumber, mediumDay, plural } from './format.ts';
import { renderMath } from './math.ts';

/** With more authors than this, a list shows the first few names and the count. */
export const MAX_LISTED_AUTHORS = 4;
/** Names shown before the count when there are too many to list. */
const AUTHORS_BEFORE_COUNT = 3;
/** The same default the JSON API hands out (presenters/hf.ts). */
const DEFAULT_AVATAR = '/static/avatar.svg';

// Small icons drawn with the text colour; constants, hence trusted.
export const ICONS = {
  up: trusted(
    '<svg class="icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false"><path d="M8 3 14 11H2z" fill="currentColor"/></svg>',
  ),
  comment: trusted(
    '<svg class="icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false"><path d="M2.5 3h11a1 1 0 0 1 1 1v6.5a1 1 0 0 1-1 1H7l-3.5 2.5v-2.5h-1a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1z" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linejoin="round"/></svg>',
  ),
  star: trusted(
    '<svg class="icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false"><path d="M8 1.5l1.9 4 4.4.5-3.3 3 .9 4.3L8 11.1l-3.9 2.2.9-4.3-3.3-3 4.4-.5z" fill="currentColor"/></svg>',
  ),
  github: trusted(
    '<svg class="icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false"><path fill="currentColor" d="M8 .2a8 8 0 0 0-2.5 15.6c.4 0 .5-.2.5-.4v-1.5c-2.2.5-2.7-1-2.7-1-.4-.9-.9-1.2-.9-1.2-.7-.5.1-.5.1-.5.8.1 1.2.8 1.2.8.7 1.3 1.9.9 2.3.7.1-.5.3-.9.5-1.1-1.8-.2-3.6-.9-3.6-4 0-.9.3-1.6.8-2.1-.1-.2-.4-1 .1-2.1 0 0 .7-.2 2.2.8a7.6 7.6 0 0 1 4 0c1.5-1 2.2-.8 2.2-.8.4 1.1.2 1.9.1 2.1.5.6.8 1.3.8 2.1 0 3.1-1.9 3.8-3.7 4 .3.3.6.8.6 1.5v2.2c0 .2.1.5.6.4A8 8 0 0 0 8 .2z"/></svg>',
  ),
  calendar: trusted(
    '<svg class="icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false"><rect x="2" y="3" width="12" height="11" rx="1.5" fill="none" stroke="currentColor" stroke-width="1.4"/><path d="M2 6.5h12M5 1.5v3M11 1.5v3" stroke="currentColor" stroke-width="1.4"/></svg>',
  ),
  check: trusted(
    '<svg class="icon" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false"><path d="M3 8.5l3 3 7-7" fill="none" stroke="currentColor" stroke-width="2"/></svg>',
  ),
};

/** Root-relative path of a paper page; old ids keep their slash (`/papers/hep-th/9901001`). */
export function paperPath(id: string): string {
  return `/papers/${id.split('/').map(encodeURIComponent).join('/')}`;
}

export const authorPath = (name: string): string => `/authors/${encodeURIComponent(name)}`;
export const orgPath = (name: string): string => `/orgs/${encodeURIComponent(name)}`;
export const submitterPath = (username: string): string => `/submitters/${encodeURIComponent(username)}`;
/** The page of a Hugging Face profile named by imported files (not a member of this site). */
export const hfUserPath = (username: string): string => `/huggingface/${encodeURIComponent(username)}`;

/** A safe id attribute for a paper (ids may hold dots and slashes). */
export function paperDomId(id: string): string {
  return `paper-${id.replace(/[^A-Za-z0-9-]/g, '-')}`;
}

/** Only absolute http(s) images are shown: relative paths in imported data point at another site. */
export function imageUrl(url: string | null | undefined): string | undefined {
  return safeHttpUrl(url) ?? undefined;
}

export function avatar(url: string | null | undefined, cls = 'avatar'): Html {
  return html`<img class="${cls}" src="${imageUrl(url) ?? DEFAULT_AVATAR}" alt="" width="20" height="20" loading="lazy" decoding="async">`;
}

export function userName(u: UserRow | HfIdentityRow): string {
  return u.fullname?.trim() || u.username;
}

/** A Hugging Face profile, said to be one: imported names must not pass for members of this site. */
export function hfUserLink(u: HfIdentityRow): Html {
  return html`<a class="person person--hf" href="${hfUserPath(u.username)}" title="@${u.username} on Hugging Face">${avatar(u.avatar_url)}<span>${userName(u)}</span></a> <span class="muted">on Hugging Face</span>`;
}

/** Who submitted an entry: the member here, else the Hugging Face user an imported file names. */
export function submitterLink(e: { submitter?: UserRow; hfSubmitter?: HfIdentityRow }): Html | undefined {
  if (e.submitter) return userLink(e.submitter);
  if (e.hfSubmitter) return hfUserLink(e.hfSubmitter);
  return undefined;
}

export function userLink(u: UserRow): Html {
  return html`<a class="person" href="${submitterPath(u.username)}">${avatar(u.avatar_url)}<span>${userName(u)}</span></a>`;
}

export function orgLink(o: OrgRow): Html {
  const img = imageUrl(o.avatar);
  return html`<a class="org" href="${orgPath(o.name)}">${img ? html`<img class="avatar avatar--org" src="${img}" alt="" width="20" height="20" loading="lazy" decoding="async">` : ''}<span>${o.fullname?.trim() || o.name}</span></a>`;
}

export function visibleAuthors(v: PaperView): PaperView['authors'] {
  return v.authors.filter((a) => a.hidden !== 1);
}

/** Author names for a list: all when few, else the first ones and the count. */
export function authorsShort(authors: AuthorRow[]): Html {
  if (!authors.length) return html``;
  const shown = authors.length <= MAX_LISTED_AUTHORS ? authors : authors.slice(0, AUTHORS_BEFORE_COUNT);
  const names = shown.map((a, i) => html`${i > 0 ? ', ' : ''}<a href="${authorPath(a.name)}">${a.name}</a>`);
  const rest = authors.length - shown.length;
  return html`<p class="paper__authors"><span class="visually-hidden">Authors: </span>${names}${
    rest > 0 ? html` <span class="paper__more">… ${plural(authors.length, 'author')}</span>` : ''
  }</p>`;
}

/**
 * The attributes of a vote button that change with its state, as one run of text: pages are cached
 * signed-out, and web/personalize.ts presses a member's own votes by swapping this run.
 */
export function voteAttrs(id: string, voted: boolean): string {
  return voted
    ? `name="vote" value="down" data-upvote="${escapeHtml(id)}" aria-pressed="true" title="Remove your upvote"`
    : `name="vote" value="up" data-upvote="${escapeHtml(id)}" aria-pressed="false" title="Upvote"`;
}

/** The upvote form: posts without JS (and comes back to the page), updates in place with JS. */
export function voteButton(v: PaperView, title: string, voted = false): Html {
  return html`<form class="vote" method="post" action="${paperPath(v.paper.id)}/upvote"><input type="hidden" name="_csrf" value="">
      <button class="vote__button" type="submit" ${trusted(voteAttrs(v.paper.id, voted))} aria-label="Upvote “${title}”, ${plural(v.upvotes, 'upvote')}">${ICONS.up}<span class="vote__count">${compactNumber(v.upvotes)}</span></button>
    </form>`;
}

export function githubLink(repo: string | null, stars: number | null): Html {
  if (!safeHttpUrl(repo)) return html``;
  return html`<a class="chip chip--gh" href="${repo}" rel="noopener">${ICONS.github}<span>GitHub</span>${
    stars !== null ? html`<span class="chip__stars" aria-label="${plural(stars, 'star')}">${ICONS.star}${compactNumber(stars)}</span>` : ''
  }</a>`;
}

function isEntry(v: PaperView | EntryView): v is EntryView {
  return 'entry' in v;
}

export interface ItemOptions {
  /** Position in the ranked list (1-based), shown beside the vote. */
  rank?: number;
  /** Heading level of the title in the page outline. */
  headingLevel?: 2 | 3;
  /** Shown under the item's facts (why a recommendation is there). */
  extra?: Html;
  /** The compact list view: no abstract and no thumbnail, so that many papers fit on a screen. */
  compact?: boolean;
}

/** One paper in a list, as on huggingface.co/papers. */
export function paperItem(v: PaperView | EntryView, o: ItemOptions = {}): Html {
  const p = v.paper;
  const entry = isEntry(v) ? v : undefined;
  const id = paperDomId(p.id);
  const href = paperPath(p.id);
  const org = entry?.entryOrganization ?? v.organization;
  const thumb = o.compact ? undefined : imageUrl(entry?.entry.thumbnail);
  const title = renderMath(p.title, { inlineOnly: true });
  const titleText = p.title;
  const heading = o.headingLevel === 2 ? 'h2' : 'h3';
  const published = p.published_at ?? null;
  return html`<li class="paper-item" data-paper-item>
  <article class="paper${thumb ? ' paper--thumb' : ''}" aria-labelledby="${id}">
    <div class="paper__side">
      ${o.rank !== undefined ? html`<span class="paper__rank" title="Rank">#${o.rank}</span>` : ''}
      ${voteButton(v, titleText)}
    </div>
    <div class="paper__body">
      ${trusted(`<${heading} class="paper__title">`)}<a id="${id}" href="${href}" data-paper-link>${title}</a>${trusted(`</${heading}>`)}
      ${p.abstract && !o.compact ? html`<p class="paper__abstract">${renderMath(p.abstract, { inlineOnly: true })}</p>` : ''}
      ${authorsShort(visibleAuthors(v))}
      <ul class="meta">
        ${org ? html`<li>${orgLink(org)}</li>` : ''}
        ${published ? html`<li><time datetime="${published.slice(0, 10)}" title="Published on arXiv">${ICONS.calendar}<span class="visually-hidden">Published on arXiv </span>${mediumDay(published)}</time></li>` : ''}
        <li><a class="meta__comments" href="${href}" aria-label="${plural(v.numComments, 'comment')}">${ICONS.comment}${v.numComments}</a></li>
        ${p.github_repo ? html`<li>${githubLink(p.github_repo, p.github_stars)}</li>` : ''}
        ${entry && submitterLink(entry) ? html`<li class="meta__submitter">Submitted by ${submitterLink(entry)}</li>` : ''}
      </ul>
      ${o.extra ?? ''}
    </div>
    ${
      thumb
        ? html`<a class="paper__thumb" href="${href}" tabindex="-1"><img src="${thumb}" alt="Thumbnail of “${titleText}”" width="240" height="135" loading="lazy" decoding="async"></a>`
        : ''
    }
  </article>
</li>`;
}

export function paperList(items: (PaperView | EntryView)[], o: { firstRank?: number; headingLevel?: 2 | 3; view?: ListView } = {}): Html {
  const compact = o.view === 'compact';
  return html`<ol class="papers${compact ? ' papers--compact' : ''}" data-paper-list>
${items.map((v, i) => paperItem(v, { ...(o.firstRank !== undefined ? { rank: o.firstRank + i } : {}), headingLevel: o.headingLevel ?? 2, compact }))}
</ol>`;
}

const VIEW_LABELS: Record<ListView, string> = { full: 'Full', compact: 'Compact' };
const VIEW_HINTS: Record<ListView, string> = {
  full: 'Titles, abstracts and thumbnails',
  compact: 'Titles and authors only: more papers on a screen',
};

/**
 * The list view switch: a form that posts the choice and comes back to `returnTo` (a path this site
 * made). Its CSRF field is filled for members like every other form on a cached page.
 */
export function listViewToggle(view: ListView, returnTo: string): Html {
  return html`<form class="view-toggle" method="post" action="/view" aria-label="List view">
  <input type="hidden" name="_csrf" value=""><input type="hidden" name="return_to" value="${returnTo}">
  ${LIST_VIEWS.map(
    (v) =>
      html`<button class="view-toggle__button" type="submit" name="view" value="${v}" title="${VIEW_HINTS[v]}" aria-pressed="${v === view ? 'true' : 'false'}">${VIEW_LABELS[v]}</button>`,
  )}
</form>`;
}

export interface PagerState {
  page: number;
  pages: number;
  /** URL of a given page number. */
  href: (page: number) => string;
}

export function pager(s: PagerState): Html {
  if (s.pages <= 1) return html``;
  return html`<nav class="pager" aria-label="Pages">
  ${s.page > 1 ? html`<a class="button" rel="prev" href="${s.href(s.page - 1)}">← Previous page</a>` : html`<span></span>`}
  <span class="pager__where">Page ${s.page} of ${s.pages}</span>
  ${s.page < s.pages ? html`<a class="button" rel="next" href="${s.href(s.page + 1)}">Next page →</a>` : html`<span></span>`}
</nav>`;
}
