// "Similar papers" on a paper page, and the "For you" page: compact lists whose every item says why it
// is there (the words it shares with the paper, or with the papers the member upvoted).
import type { ForYouResult } from '../../search/for-you.ts';
import type { SimilarPaper } from '../../search/similar.ts';
import { type Html, html } from '../html.ts';
import { paperItem, paperPath } from './components.ts';
import { mediumDay, plural } from './format.ts';
import { renderPage } from './layout.ts';
import { hasMath, renderMath } from './math.ts';

function reasons(words: readonly string[], label: string): Html {
  if (!words.length) return html``;
  return html`<p class="reasons"><span class="reasons__label">${label}</span> ${words.map((w, i) => html`${i ? ' ' : ''}<span class="reason">${w}</span>`)}</p>`;
}

/** The aside section of a paper page; `null` list: the index is not built yet. */
export function similarSection(items: SimilarPaper[] | null): Html {
  if (items === null) {
    return html`<section class="similar" aria-labelledby="similar-title"><h2 id="similar-title" class="similar__title">Similar papers</h2>
  <p class="similar__empty">Similar papers appear once the meaning index is built (it is built in the background).</p></section>`;
  }
  if (!items.length) return html``;
  return html`<section class="similar" aria-labelledby="similar-title">
  <h2 id="similar-title" class="similar__title">Similar papers</h2>
  <ol class="similar__list">
    ${items.map(
      (s) => html`<li class="similar__item">
      <h3 class="similar__heading"><a class="similar__link" href="${paperPath(s.view.paper.id)}">${renderMath(s.view.paper.title, { inlineOnly: true })}</a></h3>
      <p class="similar__meta">${s.view.paper.published_at ? mediumDay(s.view.paper.published_at) : ''}${s.view.upvotes ? html` · ${plural(s.view.upvotes, 'upvote')}` : ''}</p>
      ${reasons(s.words, 'Shared:')}
    </li>`,
    )}
  </ol>
</section>`;
}

export interface ForYouPageData {
  result: ForYouResult;
  recent: boolean;
  page: number;
  pageSize: number;
  username: string;
}

function forYouTabs(d: ForYouPageData): Html {
  return html`<nav class="segmented" aria-label="Which papers">
  <a class="segmented__item" href="/for-you"${d.recent ? html` aria-current="page"` : ''}>Recent</a>
  <a class="segmented__item" href="/for-you?all=1"${d.recent ? '' : html` aria-current="page"`}>All time</a>
</nav>`;
}

export function renderForYouPage(d: ForYouPageData): string {
  const r = d.result;
  let content: Html;
  if (r.status === 'no-index') {
    content = html`<section class="empty"><h2>Almost ready</h2><p>Your feed is learnt from the meaning index, which is being built in the background. Come back in a few minutes.</p><p><a href="/papers">See today's papers</a></p></section>`;
  } else if (r.status === 'too-few-upvotes') {
    const more = r.needed - r.upvotes;
    content = html`<section class="empty">
  <h2>Upvote ${plural(more, 'more paper')} to start your feed</h2>
  <p>“For you” learns what you like from the papers you upvote: ${r.upvotes ? html`you have upvoted ${plural(r.upvotes, 'paper')} so far` : 'you have not upvoted any paper yet'}, and it needs at least ${r.needed}.</p>
  <ul class="empty__links"><li><a href="/papers">Today's papers</a></li><li><a href="/papers/trending">Trending</a></li><li><a href="/search">Search</a></li></ul>
</section>`;
  } else if (!r.items.length) {
    content = html`<section class="empty"><h2>Nothing new for you here</h2><p>${d.recent ? html`No recent paper matches your upvotes yet. <a href="/for-you?all=1">See all time</a>.` : 'No paper matches your upvotes yet.'}</p></section>`;
  } else {
    const first = (d.page - 1) * d.pageSize;
    const more = r.total > first + r.items.length;
    const base = d.recent ? '/for-you' : '/for-you?all=1';
    const href = (p: number) => (p === 1 ? base : `${base}${d.recent ? '?' : '&'}p=${p}`);
    content = html`<ol class="papers" data-paper-list>
${r.items.map((it, i) => {
  const why = html`${reasons(it.words, 'Shared with your upvotes:')}${it.because ? html`<p class="reasons reasons--because"><span class="reasons__label">Closest to</span> <a href="${paperPath(it.because.id)}">${renderMath(it.because.title, { inlineOnly: true })}</a>, which you upvoted</p>` : ''}`;
  return paperItem(it.view, { rank: first + i + 1, headingLevel: 2, extra: why });
})}
</ol>
${
  d.page > 1 || more
    ? html`<nav class="pager" aria-label="Pages">
  ${d.page > 1 ? html`<a class="button" rel="prev" href="${href(d.page - 1)}">← Previous</a>` : html`<span></span>`}
  <span class="pager__where">Page ${d.page}</span>
  ${more ? html`<a class="button" rel="next" href="${href(d.page + 1)}">Next →</a>` : html`<span></span>`}
</nav>`
    : ''
}`;
  }
  const body = html`<div class="list-head">
  <div class="list-head__text">
    <p class="eyebrow">For you</p>
    <h1>Papers for @${d.username}</h1>
    <p class="list-head__sub">Learnt from ${r.status === 'ok' || r.status === 'too-few-upvotes' ? plural(r.upvotes, 'upvote') : 'your upvotes'}${d.recent ? ', among papers of the last 30 days' : ''}.</p>
  </div>
  ${forYouTabs(d)}
</div>
${content}`;
  return renderPage({
    title: 'For you',
    description: 'Papers picked for you from your upvotes.',
    body,
    math: hasMath(body.value),
    noindex: true,
  });
}
