// Titles and abstracts with LaTeX math, rendered by KaTeX on the server so that pages need no script.
// Only the math segments go through KaTeX (its output is trusted markup); everything else is escaped.
// Where the math is: domain/math-segments.ts.
import { splitMath } from '../../domain/math-segments.ts';
import { safeHttpUrl } from '../../domain/safe-url.ts';
import { texToText } from '../../domain/tex-text.ts';
import { escapeHtml, type Html, trusted } from '../html.ts';
import { newTexBudget, renderTexWithin, type TexBudget } from './tex-budget.ts';

export { MAX_MATH_CHARS, splitMath } from '../../domain/math-segments.ts';

const URL_RE = /https?:\/\/[^\s<>"'`{}]+/g;
/**
 * `*words*` and `**words**`: abstracts from Daily Papers carry a little Markdown emphasis. The stars
 * must hug the words, so that `a * b` and footnote stars stay as they are.
 */
const EMPHASIS = /(^|[\s([{])(\*{1,2})([^\s*](?:[^*\n]{0,300}?[^\s*])?)\2(?=$|[\s.,;:!?)\]}&])/g;

/** Escapes plain text and turns its Markdown emphasis into <em>/<strong>. */
function escapeText(text: string): string {
  return escapeHtml(text).replace(EMPHASIS, (_m, lead: string, stars: string, inner: string) =>
    stars.length === 2 ? `${lead}<strong>${inner}</strong>` : `${lead}<em>${inner}</em>`,
  );
}
const TRAILING = /[.,;:!?'"]+$/;

/** Escapes text and turns bare http(s) URLs (and LaTeX `\url{...}`) into links. */
export function linkify(text: string): string {
  const t = text.replace(/\\url\{([^}\s]+)\}/g, '$1');
  let out = '';
  let last = 0;
  for (const m of t.matchAll(URL_RE)) {
    let url = m[0];
    url = url.replace(TRAILING, '');
    // A closing parenthesis belongs to the URL only when the URL opened one.
    while (url.endsWith(')') && (url.match(/\(/g)?.length ?? 0) < (url.match(/\)/g)?.length ?? 0)) url = url.slice(0, -1);
    url = url.replace(TRAILING, '');
    const at = m.index ?? 0;
    // A URL with credentials or odd characters stays text: it would show one host and open another.
    if (!safeHttpUrl(url)) continue;
    out += escapeText(t.slice(last, at));
    out += `<a href="${escapeHtml(url)}" rel="nofollow noopener">${escapeHtml(url)}</a>`;
    last = at + url.length;
  }
  return out + escapeText(t.slice(last));
}

/** One formula to markup; pass the document's budget when it has more than one (tex-budget.ts). */
export function renderTex(tex: string, display: boolean, budget: TexBudget = newTexBudget()): string {
  return renderTexWithin(tex, display, budget);
}

export interface MathOptions {
  /** Turn URLs into links (paper page), or leave them as text (lists, where the item is a link). */
  links?: boolean;
  /** Render display math inline: a clamped list abstract has no room for display blocks. */
  inlineOnly?: boolean;
}

/** Text with its math rendered, everything else escaped. */
export function renderMath(s: string, opts: MathOptions = {}, budget: TexBudget = newTexBudget()): Html {
  let out = '';
  for (const seg of splitMath(s)) {
    if (seg.kind === 'math') out += renderTex(seg.tex, seg.display && !opts.inlineOnly, budget);
    else out += opts.links ? linkify(seg.text) : escapeText(seg.text);
  }
  return trusted(out);
}

/** Paragraphs (split at blank lines), each with its math rendered. */
export function renderMathParagraphs(s: string, opts: MathOptions = {}): Html[] {
  const budget = newTexBudget(); // one budget for the whole abstract
  return s
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => renderMath(p, opts, budget));
}

/** The text as a reader would say it, for `<title>` and descriptions: math as Unicode, no `\$` escapes. */
export function plainText(s: string): string {
  return texToText(s);
}

/** Whether a rendered page needs KaTeX's stylesheet. */
export function hasMath(markup: string): boolean {
  return markup.includes('class="katex');
}
