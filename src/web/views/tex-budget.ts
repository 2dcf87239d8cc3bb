// KaTeX under a budget. KaTeX bounds the number of macro expansions (`maxExpand`) but not what they
// produce: three nested `\def`s in a 230-character comment expand to 60,000 glyphs (660 KB of HTML,
// seconds of synchronous work inside a request). Every formula the site renders (comments, titles,
// abstracts, search snippets) goes through `renderTexWithin`, which bounds, per formula and per
// document (one comment, one title, one abstract):
// - the tokens KaTeX's macro expander may process (counted as it works, so a runaway expansion stops
//   early instead of being measured afterwards),
// - the time one formula and one document may take (a backstop for what the token count misses),
// - the size of the markup,
// - how many formulas are rendered.
// Past any bound a formula is shown as its TeX source, escaped.
//
// It also keeps KaTeX's output inside its box: `trust: false` (no \href, \htmlStyle, \htmlClass...),
// `maxSize` for \rule and friends, and every em length in KaTeX's inline styles clamped, since
// `maxSize` does not bound negative lengths (`\kern-1000em` would move a formula over the page).
import katex from 'katex';
import { MAX_MATH_CHARS } from '../../domain/math-segments.ts';
import { escapeHtml } from '../html.ts';

/** Largest box KaTeX may draw (em); keeps a hostile `\rule` from covering the page. */
export const KATEX_MAX_SIZE_EM = 20;
/**
 * Largest length, either sign, in KaTeX's inline styles (em). Real formulas stay well within it (a
 * tall matrix is a few em); a negative `\kern`, `\mkern`, `\hspace`, `\mskip` or `\raisebox` beyond
 * it would move glyphs out of the formula.
 */
export const MAX_TEX_OFFSET_EM = KATEX_MAX_SIZE_EM;
/** Macro expansions one formula may make (KaTeX's default is 1000; real abstracts use a few dozen). */
export const MAX_TEX_EXPANSIONS = 200;
/**
 * Tokens KaTeX's expander may look up for one formula. A 1000-character formula of real math uses
 * well under a thousand; the 230-character `\def` bomb needs 60,000. Stopping at this bound costs a
 * few milliseconds.
 */
export const MAX_TEX_TOKENS = 4000;
/** Markup of one formula (characters). Real formulas give a few KB; 4000 glyphs give about 50 KB. */
export const MAX_TEX_HTML_CHARS = 64_000;
/** Time one formula may take (ms): a backstop, since the token bound already stops runaway input. */
export const MAX_TEX_MS = 50;
/** Formulas rendered per document (a comment, an abstract); more are shown as source. */
export const MAX_FORMULAS_PER_DOCUMENT = 100;
/** Markup of all formulas of one document (characters). */
export const MAX_DOCUMENT_TEX_HTML_CHARS = 256_000;
/** Time all formulas of one document may take (ms). */
export const MAX_DOCUMENT_TEX_MS = 200;
/** How often (in token look-ups) the clock is read: often enough to stop in time, rarely enough to be free. */
const CLOCK_EVERY = 64;

/** What one document (a comment, a title, an abstract) has spent so far. */
export interface TexBudget {
  formulas: number;
  htmlChars: number;
  ms: number;
  /** Formulas shown as source because a bound was reached. */
  fallbacks: number;
}

export function newTexBudget(): TexBudget {
  return { formulas: 0, htmlChars: 0, ms: 0, fallbacks: 0 };
}

class TexBudgetExceeded extends Error {}

/** The formula as its source, escaped: what a reader sees when a formula is over budget. */
export function texSource(tex: string, display: boolean): string {
  const [open, close] = display ? ['$$', '$$'] : ['$', '$'];
  return `<code class="math-source">${escapeHtml(`${open}${tex}${close}`)}</code>`;
}

/**
 * KaTeX keeps user macros (`\def`, `\newcommand`, `\let`) in the `macros` object and looks up every
 * token it expands there first (Namespace.get: hasOwnProperty on it). A proxy over an empty object
 * sees each of those look-ups, so it counts the expander's work as it happens and can stop it.
 */
function countingMacros(deadline: number): Record<string, string> {
  let lookups = 0;
  return new Proxy<Record<string, string>>(
    {},
    {
      getOwnPropertyDescriptor(target, key) {
        lookups++;
        if (lookups > MAX_TEX_TOKENS) throw new TexBudgetExceeded('too many tokens');
        if (lookups % CLOCK_EVERY === 0 && performance.now() > deadline) throw new TexBudgetExceeded('too slow');
        return Reflect.getOwnPropertyDescriptor(target, key);
      },
    },
  );
}

const EM_LENGTH = /(-?\d+(?:\.\d+)?)em/g;

/** Clamps every em length in the style attributes of KaTeX's markup to ±MAX_TEX_OFFSET_EM. */
function clampLengths(markup: string): string {
  return markup.replace(/style="([^"]*)"/g, (_m, style: string) => {
    const clamped = style.replace(EM_LENGTH, (_l, n: string) => {
      const v = Number(n);
      return `${Math.max(-MAX_TEX_OFFSET_EM, Math.min(MAX_TEX_OFFSET_EM, v))}em`;
    });
    return `style="${clamped}"`;
  });
}

/** One formula to markup within the document's budget, or its source when a bound is reached. */
export function renderTexWithin(tex: string, display: boolean, budget: TexBudget): string {
  const fallback = () => {
    budget.fallbacks++;
    return texSource(tex, display);
  };
  if (
    tex.length > MAX_MATH_CHARS ||
    budget.formulas >= MAX_FORMULAS_PER_DOCUMENT ||
    budget.htmlChars >= MAX_DOCUMENT_TEX_HTML_CHARS ||
    budget.ms >= MAX_DOCUMENT_TEX_MS
  ) {
    return fallback();
  }
  budget.formulas++;
  const start = performance.now();
  const deadline = start + Math.min(MAX_TEX_MS, MAX_DOCUMENT_TEX_MS - budget.ms);
  let out: string;
  try {
    out = katex.renderToString(tex, {
      displayMode: display,
      // Broken TeX is shown as its source, like TeX over budget: KaTeX's own error span would carry
      // the parser's message (and pieces of the source) in a title attribute and paint it red.
      throwOnError: true,
      output: 'htmlAndMathml',
      // Abstracts hold unicode in math (β, ≤) that KaTeX renders well; strict mode would only warn.
      strict: 'ignore',
      trust: false,
      maxSize: KATEX_MAX_SIZE_EM,
      maxExpand: MAX_TEX_EXPANSIONS,
      macros: countingMacros(deadline),
    });
  } catch (e) {
    budget.ms += performance.now() - start;
    if (e instanceof TexBudgetExceeded) return fallback();
    if (e instanceof katex.ParseError) return texSource(tex, display);
    throw e;
  }
  budget.ms += performance.now() - start;
  if (out.length > MAX_TEX_HTML_CHARS || budget.htmlChars + out.length > MAX_DOCUMENT_TEX_HTML_CHARS) return fallback();
  budget.htmlChars += out.length;
  return clampLengths(out);
}
