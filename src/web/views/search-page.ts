// `/search`: the search form (query, mode, filters, all a plain GET form) and the results, with the
// query's words marked in titles and abstracts. `/search/results` serves the results part alone, which
// public/js/folio.js fetches while the visitor types; without JS the form submits as usual.
import type { PaperView } from '../../db/queries/papers.ts';
import type { SearchFilters } from '../../search/filters.ts';
import type { Piece } from '../../search/highlight.ts';
import { highlight } from '../../search/highlight.ts';
import type { ParsedQuery } from '../../search/keyword/query.ts';
import { RANKER_DEPTH, SEARCH_MODES, type SearchHit, type SearchMode, type SearchResponse } from '../../search/search.ts';
import { escapeHtml, type Html, html, trusted } from '../html.ts';
import { authorsShort, githubLink, ICONS, orgLink, paperDomId, paperPath, visibleAuthors, voteButton } from './components.ts';
import { agree, mediumDay, plural } from './format.ts';
import { renderPage } from './layout.ts';
import { hasMath, renderTex, splitMath } from './math.ts';
import { newTexBudget } from './tex-budget.ts';

/** Abstracts longer than this are shown as a window around their first marked word. */
export const SNIPPET_CHARS = 320;
/** Where formulas are, roughly as splitMath finds them (a snippet must not cut one in two). */
const MATH_SPAN = /\$\$[\s\S]+?\$\$|\\\([\s\S]+?\\\)|\\\[[\s\S]+?\\\]|\$[^\s$][^$]*?\$/g;
/** How much text a snippet keeps before the first marked word. */
const SNIPPET_LEAD = 90;

export const MODE_LABELS: Record<SearchMode, { label: string; hint: string }> = {
  hybrid: { label: 'Best match', hint: 'your words and their meaning, combined' },
  keyword: { label: 'Exact words', hint: 'papers holding your words, titles first' },
  meaning: { label: 'Meaning', hint: 'papers about the same thing, in any words' },
};

export interface CategoryOption {
  name: string;
  papers: number;
}

export interface SearchPageData {
  /** The query as typed (cut to what is shown). */
  q: string;
  mode: SearchMode;
  filters: SearchFilters;
  page: number;
  pageSize: number;
  result: SearchResponse | null;
  categories: CategoryOption[];
  organizations: string[];
  /** Problems with the address's parameters (ignored, and said so). */
  warnings: string[];
}

function markedText(text: string, q: ParsedQuery): string {
  return highlight(text, q)
    .map((p: Piece) => (p.type === 'highlight' ? `<mark>${escapeHtml(p.text)}</mark>` : escapeHtml(p.text)))
    .join('');
}

/** Text with its math rendered by KaTeX and the query's words marked everywhere else. */
export function renderMarked(text: string, q: ParsedQuery): Html {
  let out = '';
  const budget = newTexBudget();
  for (const seg of splitMath(text)) out += seg.kind === 'math' ? renderTex(seg.tex, false, budget) : markedText(seg.text, q);
  return trusted(out);
}

/** A window of a long abstract around its first marked word, never cutting through math. */
export function snippetAround(text: string, q: ParsedQuery, max = SNIPPET_CHARS): { text: string; before: boolean; after: boolean } {
  if (text.length <= max) return { text, before: false, after: false };
  const pieces = highlight(text, q);
  let first = 0;
  let at = 0;
  for (const p of pieces) {
    if (p.type === 'highlight') {
      first = at;
      break;
    }
    at += p.text.length;
  }
  let start = first > SNIPPET_LEAD ? first - SNIPPET_LEAD : 0;
  let end = Math.min(text.length, start + max);
  if (end === text.length) start = Math.max(0, end - max);
  // Never cut through math: a window edge inside a formula moves to the formula's edge.
  for (const m of text.matchAll(MATH_SPAN)) {
    const a = m.index ?? 0;
    const b = a + m[0].length;
    if (start > a && start < b) start = a;
    if (end > a && end < b) end = b;
  }
  if (start > 0) {
    const space = text.indexOf(' ', start);
    if (space > 0 && space - start < 20) start = space + 1;
  }
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end);
    if (space > start + max / 2) end = space;
  }
  return { text: text.slice(start, end), before: start > 0, after: end < text.length };
}

function matchLabel(h: SearchHit): string {
  if (h.keywordRank !== undefined && h.meaningRank !== undefined) return 'Your words, close in meaning';
  if (h.meaningRank !== undefined) return 'Close in meaning';
  return 'Your words';
}

function resultItem(h: SearchHit, q: ParsedQuery, rank: number, showMatch: boolean): Html {
  const v: PaperView = h.view;
  const p = v.paper;
  const id = paperDomId(p.id);
  const href = paperPath(p.id);
  const snip = snippetAround(p.abstract, q);
  const published = p.published_at;
  return html`<li class="paper-item" data-paper-item>
  <article class="paper paper--result" aria-labelledby="${id}">
    <div class="paper__side">
      <span class="paper__rank" title="Rank">#${rank}</span>
      ${voteButton(v, p.title)}
    </div>
    <div class="paper__body">
      <h2 class="paper__title"><a id="${id}" href="${href}" data-paper-link>${renderMarked(p.title, q)}</a></h2>
      ${snip.text ? html`<p class="paper__abstract paper__abstract--snippet">${snip.before ? '… ' : ''}${renderMarked(snip.text, q)}${snip.after ? ' …' : ''}</p>` : ''}
      ${authorsShort(visibleAuthors(v))}
      <ul class="meta">
        ${v.organization ? html`<li>${orgLink(v.organization)}</li>` : ''}
        ${published ? html`<li><time datetime="${published.slice(0, 10)}" title="Published on arXiv">${ICONS.calendar}<span class="visually-hidden">Published on arXiv </span>${mediumDay(published)}</time></li>` : ''}
        <li><a class="meta__comments" href="${href}" aria-label="${plural(v.numComments, 'comment')}">${ICONS.comment}${v.numComments}</a></li>
        ${p.github_repo ? html`<li>${githubLink(p.github_repo, p.github_stars)}</li>` : ''}
        ${showMatch ? html`<li class="meta__match">${matchLabel(h)}</li>` : ''}
      </ul>
    </div>
  </article>
</li>`;
}

/** The address of this search with some parameters changed (empty values left out). */
export function searchHref(d: Pick<SearchPageData, 'q' | 'mode' | 'filters'>, change: { page?: number; mode?: SearchMode } = {}): string {
  const u = new URLSearchParams();
  if (d.q) u.set('q', d.q);
  const mode = change.mode ?? d.mode;
  if (mode !== 'hybrid') u.set('mode', mode);
  const f = d.filters;
  if (f.from) u.set('from', f.from);
  if (f.to) u.set('to', f.to);
  if (f.category) u.set('category', f.category);
  if (f.organization) u.set('organization', f.organization);
  if (f.hasCode) u.set('hasCode', '1');
  if (f.onList) u.set('onList', '1');
  if (change.page && change.page > 1) u.set('p', String(change.page));
  const s = u.toString();
  return s ? `/search?${s}` : '/search';
}

function tips(): Html {
  return html`<section class="search-tips" aria-labelledby="search-tips-title">
  <h2 id="search-tips-title">How to search</h2>
  <ul>
    <li><code>diffusion transformer</code> — papers about both words (titles count most); <em>learning</em> also finds <em>learned</em>.</li>
    <li><code>"in-context learning"</code> — these words in this order.</li>
    <li><code>tokeni*</code> — words that start with <em>tokeni</em>.</li>
    <li><code>agents -survey</code> — leaves out papers that hold <em>survey</em>.</li>
    <li>Or describe what you are after in a sentence: <em>Best match</em> also finds papers that say it in other words.</li>
  </ul>
</section>`;
}

/** Hybrid results: how many hold the query's words (the ranker stops counting at its depth). */
function wordMatchesNote(km: number | undefined, total: number): string {
  if (km === undefined) return '';
  if (km === 0) return ' · no paper holds all these words: the results are only close in meaning';
  const all = km >= total;
  const subject = `${all ? plural(km, 'paper') : km.toLocaleString('en-US')}${km >= RANKER_DEPTH ? ' or more' : ''}`;
  return ` · ${subject} ${agree(km, 'holds', 'hold')} your words${all ? '' : ', the others are close in meaning'}`;
}

/** The results part: what /search/results returns and the live search replaces. */
export function renderResults(d: SearchPageData): string {
  const r = d.result;
  if (!r) return tips().value;
  const notes = [...d.warnings, ...r.notes.map((n) => n.message).filter(Boolean)];
  const noteList = notes.length ? html`<ul class="search-notes">${notes.map((n) => html`<li>${n}</li>`)}</ul>` : '';
  if (r.problem) return html`${noteList}<p class="search-summary">${r.problem}</p>${tips()}`.value;
  const first = (d.page - 1) * d.pageSize;
  if (!r.hits.length) {
    const anyFilter = Object.values(d.filters).some((v) => v !== undefined && v !== false && v !== '');
    return html`${noteList}<section class="empty">
  <h2>${d.page > 1 ? 'No more results' : 'No papers found'}</h2>
  <p>${d.page > 1 ? html`There are no results past ${first}.` : html`Nothing matches “${d.q}”${anyFilter ? ' with these filters' : ''}.`}</p>
  <ul class="empty__links">
    ${anyFilter ? html`<li><a href="${searchHref({ ...d, filters: {} })}">Search without filters</a></li>` : ''}
    ${d.mode !== 'meaning' && r.used !== 'keyword' ? html`<li><a href="${searchHref(d, { mode: 'meaning' })}">Search by meaning</a></li>` : ''}
    ${d.page > 1 ? html`<li><a href="${searchHref(d)}">First page</a></li>` : ''}
  </ul>
</section>`.value;
  }
  const more = r.total > first + r.hits.length;
  const shown = `${first + 1}–${first + r.hits.length}`;
  // Say what the results are: how many hold the words, and that the others are only close in meaning.
  // No "of N+": past the rankers' depth the count would be a guess.
  const exact = !more && d.page === 1;
  const count = exact ? `Results ${shown} of ${r.total}` : `Results ${shown}`;
  const holding = wordMatchesNote(r.wordMatches, r.total);
  const pagerNav =
    d.page > 1 || more
      ? html`<nav class="pager" aria-label="Result pages">
  ${d.page > 1 ? html`<a class="button" rel="prev" href="${searchHref(d, { page: d.page - 1 })}">← Previous</a>` : html`<span></span>`}
  <span class="pager__where">Page ${d.page}</span>
  ${more ? html`<a class="button" rel="next" href="${searchHref(d, { page: d.page + 1 })}">Next →</a>` : html`<span></span>`}
</nav>`
      : '';
  return html`${noteList}<p class="search-summary">${count} for “${d.q}” · ${MODE_LABELS[r.used].label.toLowerCase()}${holding}</p>
<ol class="papers" data-paper-list>
${r.hits.map((h, i) => resultItem(h, r.parsed, first + i + 1, r.used === 'hybrid'))}
</ol>
${pagerNav}`.value;
}

function modeSwitch(d: SearchPageData): Html {
  return html`<fieldset class="search-modes">
  <legend class="visually-hidden">Ranking</legend>
  ${SEARCH_MODES.map(
    (m) =>
      html`<label class="search-mode" title="${MODE_LABELS[m].hint}"><input type="radio" name="mode" value="${m}"${m === d.mode ? html` checked` : ''}><span>${MODE_LABELS[m].label}</span></label>`,
  )}
</fieldset>`;
}

function filterFields(d: SearchPageData): Html {
  const f = d.filters;
  const open = !!(f.from || f.to || f.category || f.organization || f.hasCode || f.onList);
  return html`<details class="search-filters"${open ? html` open` : ''}>
  <summary>Filters${open ? html` <span class="search-filters__on">(on)</span>` : ''}</summary>
  <div class="search-filters__grid">
    <div class="field"><label class="field__label" for="search-from">Published from</label><input class="field__input" id="search-from" name="from" type="date" value="${f.from ?? ''}"></div>
    <div class="field"><label class="field__label" for="search-to">to</label><input class="field__input" id="search-to" name="to" type="date" value="${f.to ?? ''}"></div>
    <div class="field"><label class="field__label" for="search-category">Category</label><select class="field__input" id="search-category" name="category">
      <option value="">Any</option>
      ${d.categories.map((c) => html`<option value="${c.name}"${c.name === f.category ? html` selected` : ''}>${c.name} (${c.papers.toLocaleString('en-US')})</option>`)}
      ${f.category && !d.categories.some((c) => c.name === f.category) ? html`<option value="${f.category}" selected>${f.category}</option>` : ''}
    </select></div>
    <div class="field"><label class="field__label" for="search-org">Organization</label><input class="field__input" id="search-org" name="organization" list="search-orgs" value="${f.organization ?? ''}" autocomplete="off" maxlength="100">
      <datalist id="search-orgs">${d.organizations.map((o) => html`<option value="${o}"></option>`)}</datalist></div>
    <label class="search-check"><input type="checkbox" name="hasCode" value="1"${f.hasCode ? html` checked` : ''}> Has code</label>
    <label class="search-check"><input type="checkbox" name="onList" value="1"${f.onList ? html` checked` : ''}> Was on a daily list</label>
  </div>
</details>`;
}

export function renderSearchPage(d: SearchPageData): string {
  const results = trusted(renderResults(d));
  const body = html`<div class="search-page">
  <form class="search-form" method="get" action="/search" role="search" data-search-form>
    <label class="visually-hidden" for="search-q">Search all papers</label>
    <div class="search-form__row">
      <input class="search-form__input" id="search-q" data-search-box name="q" type="search" value="${d.q}" placeholder="Search all papers: words, &quot;a phrase&quot;, prefix*, -exclude" autocomplete="off" maxlength="1000"${d.q ? '' : html` autofocus`}>
      <button class="button button--primary search-form__go" type="submit">Search</button>
    </div>
    ${modeSwitch(d)}
    ${filterFields(d)}
  </form>
  <div class="search-results" id="search-results" data-search-results aria-live="polite">
${results}
  </div>
</div>`;
  const title = d.q ? `Search: ${d.q}` : 'Search';
  return renderPage({
    title,
    description: d.q ? `Papers matching “${d.q}”.` : 'Search every paper by keyword or by meaning.',
    body,
    ownSearch: true,
    math: hasMath(body.value),
    ...(d.q ? { feeds: [{ title: `Papers matching “${d.q}”`, path: '/feeds/search', query: `q=${encodeURIComponent(d.q)}` }] } : {}),
    noindex: d.page > 1,
  });
}
