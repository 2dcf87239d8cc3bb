// Math in titles and abstracts: which dollar signs start math, and that all else is escaped.
import { describe, expect, it } from 'vitest';
import { MAX_MATH_CHARS, plainText, renderMath, renderMathParagraphs, splitMath } from '../../src/web/views/math.ts';

const math = (s: string) => splitMath(s).filter((x) => x.kind === 'math');

describe('splitMath', () => {
  it('finds $...$, $$...$$, \\(...\\) and \\[...\\]', () => {
    expect(splitMath('a $x^2$ b')).toEqual([
      { kind: 'text', text: 'a ' },
      { kind: 'math', tex: 'x^2', display: false },
      { kind: 'text', text: ' b' },
    ]);
    expect(math('$$\\sum_i x_i$$')).toEqual([{ kind: 'math', tex: '\\sum_i x_i', display: true }]);
    expect(math('in \\( O(n^2) \\) time')).toEqual([{ kind: 'math', tex: ' O(n^2) ', display: false }]);
    expect(math('\\[ E = mc^2 \\]')).toEqual([{ kind: 'math', tex: ' E = mc^2 ', display: true }]);
  });

  it('leaves money and lone dollars alone', () => {
    for (const s of [
      'Can Frontier LLMs Earn $1 Million from Real-World Freelance Software Engineering?',
      'It costs $5 and $10.',
      'under $200k. With this model',
      'Fixing 7,400 Bugs for 1$: Cheap Crash-Site Program Repair',
      'a $ b $ c',
    ]) {
      expect(math(s), s).toEqual([]);
    }
    expect(splitMath('\\$OneMillion-Bench, \\$5')).toEqual([{ kind: 'text', text: '$OneMillion-Bench, $5' }]);
  });

  it('does not let math run across paragraphs or too far', () => {
    expect(math('$a\n\nb$')).toEqual([]);
    expect(math(`$${'x'.repeat(MAX_MATH_CHARS + 1)}$`)).toEqual([]);
    expect(math('\\( unclosed')).toEqual([]);
  });
});

describe('renderMath', () => {
  it('renders math with KaTeX (HTML and MathML) and escapes the rest', () => {
    const out = renderMath('<b>x</b> & $\\alpha < 1$').value;
    expect(out).toContain('&lt;b&gt;x&lt;/b&gt; &amp; ');
    expect(out).toContain('<span class="katex">');
    expect(out).toContain('<math');
    expect(out).not.toContain('<b>');
  });

  it('shows broken TeX as its source, not an exception', () => {
    const out = renderMath('$\\frac{$ and $\\href{javascript:alert(1)}{x}$').value;
    expect(out).toContain('<code class="math-source">$\\frac{$</code>');
    expect(out).not.toContain('katex-error');
    expect(out).not.toMatch(/href="javascript/);
  });

  it('keeps display math inline when asked (clamped list abstracts)', () => {
    expect(renderMath('$$x$$').value).toContain('katex-display');
    expect(renderMath('$$x$$', { inlineOnly: true }).value).not.toContain('katex-display');
  });

  it('links URLs and \\url{} on request, without trailing punctuation', () => {
    const out = renderMath('Code at https://github.com/a/b. See \\url{https://x.org/p?a=1&b=2}).', { links: true }).value;
    expect(out).toContain('<a href="https://github.com/a/b" rel="nofollow noopener">https://github.com/a/b</a>.');
    expect(out).toContain('<a href="https://x.org/p?a=1&amp;b=2" rel="nofollow noopener">');
    expect(renderMath('https://github.com/a/b').value).not.toContain('<a ');
  });

  it('turns Markdown emphasis into <em> and <strong>, but not stray stars', () => {
    expect(renderMath('we call it *CARVE*, a **new** idea').value).toBe('we call it <em>CARVE</em>, a <strong>new</strong> idea');
    expect(renderMath('a * b * c and 5*3*2').value).toBe('a * b * c and 5*3*2');
  });

  it('splits paragraphs at blank lines', () => {
    expect(renderMathParagraphs('one\ntwo\n\nthree').map((h) => h.value)).toEqual(['one\ntwo', 'three']);
  });

  it('gives plain text for titles', () => {
    expect(plainText('\\$OneMillion-Bench')).toBe('$OneMillion-Bench');
  });
});
