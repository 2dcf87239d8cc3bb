// The paper page: title, authors, links, abstract with math, and where the paper stood on the lists.
// The main column is a sequence of sections, so that the discussion and similar papers can be
// appended later without touching the rest.
import type { EntryView, PaperView } from '../../db/queries/papers.ts';
import { arxivAbsUrl, arxivCategories, arxivPdfUrl } from '../../domain/arxiv-id.ts';
import { safeHttpUrl } from '../../domain/safe-url.ts';
import { type Html, html } from '../html.ts';
import {
  authorPath,
  githubLink,
  hfUserPath,
  ICONS,
  orgLink,
  paperDomId,
  submitterLink,
  submitterPath,
  visibleAuthors,
  voteButton,
} from './components.ts';
import { huggingFaceUrl } from './discussion.ts';
import { mediumDay, snippet } from './format.ts';
import { renderPage } from './layout.ts';
import { hasMath, plainText, renderMath, renderMathParagraphs } from './math.ts';

export type PaperPageData = PaperView & { entries: EntryView[] };

/**
 * Comments here, and those counted on Hugging Face when the paper came from there: their text is not
 * imported, so the page says where they are rather than a count the thread below does not show.
 */
function commentsFact(local: number, imported: number, id: string): Html {
  if (!imported) return html`${local.toLocaleString('en-US')}`;
  return html`${local.toLocaleString('en-US')} here · <a href="${huggingFaceUrl(id)}" rel="nofollow noopener">${imported.toLocaleString('en-US')} on Hugging Face</a>`;
}

function parseList(json: string | null): string[] {
  if (!json) return [];
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function authorList(v: PaperView): Html {
  const authors = visibleAuthors(v);
  if (!authors.length) return html``;
  return html`<ul class="author-list" aria-label="Authors">
  ${authors.map((a) => {
    // A claim confirmed here, or a verification imported from Hugging Face, told apart.
    const claimed = a.user && a.status ? a.user : undefined;
    const hf = !claimed && a.hfUser && a.hf_status ? a.hfUser : undefined;
    return html`<li><a href="${authorPath(a.name)}">${a.name}</a>${
      claimed
        ? html`<a class="claimed" href="${submitterPath(claimed.username)}" title="Verified author: @${claimed.username}">${ICONS.check}<span class="visually-hidden">verified author, @${claimed.username}</span></a>`
        : hf
          ? html`<a class="claimed claimed--hf" href="${hfUserPath(hf.username)}" title="Verified on Hugging Face: @${hf.username}">${ICONS.check}<span class="visually-hidden">verified on Hugging Face, @${hf.username}</span></a>`
          : ''
    }</li>`;
  })}
</ul>`;
}

function externalLinks(v: PaperView): Html {
  const p = v.paper;
  const project = safeHttpUrl(p.project_page);
  return html`<ul class="link-row" aria-label="Links">
  <li><a class="chip" href="${arxivAbsUrl(p.id)}" rel="noopener">arXiv page</a></li>
  <li><a class="chip" href="${arxivPdfUrl(p.id)}" rel="noopener">PDF</a></li>
  ${p.github_repo ? html`<li>${githubLink(p.github_repo, p.github_stars)}</li>` : ''}
  ${project ? html`<li><a class="chip" href="${project}" rel="noopener">Project page</a></li>` : ''}
</ul>`;
}

function facts(v: PaperPageData): Html {
  const p = v.paper;
  const categories = arxivCategories([...(p.primary_category ? [p.primary_category] : []), ...parseList(p.categories)]);
  const org = v.entries.find((e) => e.entryOrganization)?.entryOrganization ?? v.organization;
  const doi = p.doi && /^10\.\S+$/.test(p.doi) ? p.doi : undefined;
  return html`<dl class="facts">
  ${p.published_at ? html`<div><dt>Published on arXiv</dt><dd><time datetime="${p.published_at.slice(0, 10)}">${mediumDay(p.published_at)}</time></dd></div>` : ''}
  ${
    v.entries.length
      ? html`<div><dt>On the daily list</dt><dd><ul class="facts__days">${v.entries.map(
          (e) =>
            html`<li><a href="/papers/date/${e.entry.day}">${mediumDay(e.entry.day)}</a>${submitterLink(e) ? html`<span class="facts__by"> submitted by ${submitterLink(e)}</span>` : ''}</li>`,
        )}</ul></dd></div>`
      : ''
  }
  ${org ? html`<div><dt>Organization</dt><dd>${orgLink(org)}</dd></div>` : ''}
  <div><dt>Upvotes</dt><dd>${v.upvotes.toLocaleString('en-US')}</dd></div>
  <div><dt>Comments</dt><dd>${commentsFact(p.local_comments, p.imported_comments, p.id)}</dd></div>
  ${categories.length ? html`<div><dt>Categories</dt><dd><ul class="tags">${categories.map((c) => html`<li class="tag">${c}</li>`)}</ul></dd></div>` : ''}
  ${p.comment ? html`<div><dt>arXiv comment</dt><dd>${p.comment}</dd></div>` : ''}
  ${p.journal_ref ? html`<div><dt>Journal reference</dt><dd>${p.journal_ref}</dd></div>` : ''}
  ${doi ? html`<div><dt>DOI</dt><dd><a href="https://doi.org/${doi}" rel="noopener">${doi}</a></dd></div>` : ''}
</dl>`;
}

/** Sections that member features add: the discussion, the member's tools, a moderator's banner. */
export interface PaperPageExtras {
  banner?: Html;
  discussion?: Html;
  aside?: Html;
  /** Similar papers (views/recommend.ts), under the facts. */
  similar?: Html;
  /** Said beside the upvote button (to a member who must confirm their address before voting). */
  voteNote?: Html;
}

export function renderPaperPage(v: PaperPageData, extras: PaperPageExtras = {}): string {
  const p = v.paper;
  const keywords = parseList(p.ai_keywords);
  const titleText = plainText(p.title);
  const body = html`${extras.banner ?? ''}<article class="paper-page" aria-labelledby="${paperDomId(p.id)}">
  <header class="paper-page__head">
    <p class="eyebrow">arXiv:${p.id}${p.primary_category ? html` · ${p.primary_category}` : ''}</p>
    <h1 id="${paperDomId(p.id)}" class="paper-page__title">${renderMath(p.title)}</h1>
    ${authorList(v)}
    <div class="paper-page__actions">
      <div class="paper-page__vote">${voteButton(v, titleText)}${extras.voteNote ?? ''}</div>
      ${externalLinks(v)}
    </div>
  </header>
  <div class="paper-page__grid">
    <div class="paper-page__main">
      ${
        p.ai_summary
          ? html`<section class="section section--summary" aria-labelledby="ai-summary">
        <h2 id="ai-summary">AI-generated summary</h2>
        <p>${renderMath(p.ai_summary)}</p>
      </section>`
          : ''
      }
      <section class="section" aria-labelledby="abstract">
        <h2 id="abstract">Abstract</h2>
        <div class="abstract">${p.abstract ? renderMathParagraphs(p.abstract, { links: true }).map((para) => html`<p>${para}</p>`) : html`<p class="muted">No abstract.</p>`}</div>
      </section>
      ${
        keywords.length
          ? html`<section class="section" aria-labelledby="keywords">
        <h2 id="keywords">AI-generated keywords</h2>
        <ul class="tags">${keywords.map((k) => html`<li><a class="tag" href="/search?q=${encodeURIComponent(k)}">${k}</a></li>`)}</ul>
      </section>`
          : ''
      }
      ${extras.discussion ?? ''}
    </div>
    <aside class="paper-page__aside" aria-label="About this paper">
      ${facts(v)}
      ${extras.aside ?? ''}
      ${extras.similar ?? ''}
    </aside>
  </div>
</article>`;
  return renderPage({
    title: titleText,
    description: snippet(plainText(p.abstract || p.title)),
    body,
    math: hasMath(body.value),
  });
}
