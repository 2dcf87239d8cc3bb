// Titles and abstracts with LaTeX math, rendered by KaTeX on the server so that pages need no script.
// Only the math segments go through KaTeX (its output is trusted markup); everything else is escaped.
//
// Abstracts are full of dollar signs that are money ("Earn $1 Million", "under $200k"), so `$...$`
// follows Pandoc's rule: the opening `$` has a non-space character right after it, the closing `$` a
// non-space character right before it and no digit right after it. `\$` is a literal dollar.
import katex from 'katex';
import { escapeHtml, type Html, trusted } from '../html.ts';

/** Longer "math" is almost surely a stray dollar sign; also bounds the time KaTeX may take. */
export const MAX_MATH_CHARS = 1000;
/** Largest box KaTeX may draw (em); keeps a hostile `\rule` from covering the page. */
const KATEX_MAX_SIZE_EM = 20;

type Segment = { kind: 'text'; text: string } | { kind: 'math'; tex: string; display: boolean };

function findClosingDollar(s: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '\n' && s[i + 1] === '\n') return -1; // math never spans a paragraph break
    if (c !== '$') continue;
    const before = s[i - 1] ?? ' ';
    const after = s[i + 1] ?? '';
    if (/\s/.test(before) || /\d/.test(after)) continue;
    return i;
  }
  return -1;
}

/** Splits text into plain and math segments. Exported for tests. */
export function splitMath(s: string): Segment[] {
  const out: Segment[] = [];
  let text = '';
  const pushText = () => {
    if (text) out.push({ kind: 'text', text });
    text = '';
  };
  const tryMath = (open: string, close: string, display: boolean, i: number): number => {
    const start = i + open.length;
    const end = s.indexOf(close, start);
    if (end < 0 || end === start || end - start > MAX_MATH_CHARS) return -1;
    pushText();
    out.push({ kind: 'math', tex: s.slice(start, end), display });
    return end + close.length;
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    const next = s[i + 1];
    let j = -1;
    if (c === '\\' && next === '$') {
      text += '$';
      i += 2;
      continue;
    }
    if (c === '\\' && next === '(') j = tryMath('\\(', '\\)', false, i);
    else if (c === '\\' && next === '[') j = tryMath('\\[', '\\]', true, i);
    else if (c === '$' && next === '$') j = tryMath('$$', '$$', true, i);
    else if (c === '$' && next !== undefined && !/\s/.test(next)) {
      const end = findClosingDollar(s, i + 1);
      if (end > 0 && end - i - 1 <= MAX_MATH_CHARS) {
        pushText();
        out.push({ kind: 'math', tex: s.slice(i + 1, end), display: false });
        j = end + 1;
      }
    }
    if (j > 0) {
      i = j;
      continue;
    }
    text += c;
    i++;
  }
  pushText();
  return out;
}

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
    out += escapeText(t.slice(last, at));
    out += `<a href="${escapeHtml(url)}" rel="nofollow noopener">${escapeHtml(url)}</a>`;
    last = at + url.length;
  }
  return out + escapeText(t.slice(last));
}

export function renderTex(tex: string, display: boolean): string {
  return katex.renderToString(tex, {
    displayMode: display,
    throwOnError: false,
    output: 'htmlAndMathml',
    // Abstracts hold unicode in math (β, ≤) that KaTeX renders well; strict mode would only warn.
    strict: 'ignore',
    trust: false,
    maxSize: KATEX_MAX_SIZE_EM,
  });
}

export interface MathOptions {
  /** Turn URLs into links (paper page), or leave them as text (lists, where the item is a link). */
  links?: boolean;
  /** Render display math inline: a clamped list abstract has no room for display blocks. */
  inlineOnly?: boolean;
}

/** Text with its math rendered, everything else escaped. */
export function renderMath(s: string, opts: MathOptions = {}): Html {
  let out = '';
  for (const seg of splitMath(s)) {
    if (seg.kind === 'math') out += renderTex(seg.tex, seg.display && !opts.inlineOnly);
    else out += opts.links ? linkify(seg.text) : escapeText(seg.text);
  }
  return trusted(out);
}

/** Paragraphs (split at blank lines), each with its math rendered. */
export function renderMathParagraphs(s: string, opts: MathOptions = {}): Html[] {
  return s
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => renderMath(p, opts));
}

/** The text as a reader would say it, for `<title>` and descriptions: no `\$` escapes. */
export function plainText(s: string): string {
  return s.replace(/\\\$/g, '$').replace(/\\url\{([^}\s]+)\}/g, '$1');
}

/** Whether a rendered page needs KaTeX's stylesheet. */
export function hasMath(markup: string): boolean {
  return markup.includes('class="katex');
}
