// The TeX budget: hostile formulas in comments, abstracts and titles fall back to their escaped source
// instead of growing the page or the time to render it, and lengths cannot move markup off its box.
import { describe, expect, it } from 'vitest';
import { texToText } from '../../src/domain/tex-text.ts';
import { renderCommentMarkdown } from '../../src/web/views/markdown.ts';
import { renderMath } from '../../src/web/views/math.ts';
import { MAX_DOCUMENT_TEX_HTML_CHARS, MAX_TEX_OFFSET_EM } from '../../src/web/views/tex-budget.ts';
import { BOMB, WORST_TEX } from '../support/worst-tex.ts';

/** Formulas from arXiv abstracts (test/fixtures), which must still come out as KaTeX. */
const REAL = ['$\\mathcal{O}(n \\log n)$', '$\\ell_2$-regularised', '$\\mathbb{E}_{x \\sim p}[f(x)] \\leq \\epsilon$', '$\\sqrt{d_k}$'];

function emLengths(html: string): number[] {
  return [...html.matchAll(/style="[^"]*"/g)].flatMap((m) => [...m[0].matchAll(/(-?\d+(?:\.\d+)?)em/g)].map((n) => Number(n[1])));
}

describe.each([
  ['comment', (s: string) => renderCommentMarkdown(s)],
  ['abstract', (s: string) => renderMath(s).value],
])('%s rendering', (_where, render) => {
  it.each(WORST_TEX.map((s) => [s.slice(0, 50), s]))('%s… stays within the budget', (_name, src) => {
    const out = render(src);
    // KaTeX's markup is bounded; what falls back is the escaped source, a few times its own length.
    expect(out.length).toBeLessThanOrEqual(MAX_DOCUMENT_TEX_HTML_CHARS + 6 * src.length);
    for (const em of emLengths(out)) expect(Math.abs(em)).toBeLessThanOrEqual(MAX_TEX_OFFSET_EM);
    // \href and \url stay text (trust is off): the source may name javascript: inside the MathML
    // annotation, as text, but no attribute carries it.
    expect(out).not.toMatch(/="[^"]*javascript:/i);
    expect(out).not.toMatch(/<a\s/i);
    expect(out).not.toMatch(/<script|\son\w+=/i);
  });

  it('falls back to the source of a macro bomb', () => {
    const out = render(BOMB);
    expect(out.length).toBeLessThan(10_000);
    expect(out).not.toContain('class="katex"');
    expect(out).toContain('\\def\\a{');
  });

  it('still renders real formulas as KaTeX', () => {
    for (const f of REAL) expect(render(`Text ${f} text`), f).toContain('class="katex"');
  });
});

describe('plain-text math (mail, feeds, titles)', () => {
  it.each(WORST_TEX.map((s) => [s.slice(0, 50), s]))('%s… stays small', (_n, src) => {
    expect(texToText(src).length).toBeLessThanOrEqual(2 * src.length + 100);
  });
});
