// The search page's rendering of results: marked words around math, and snippets of long abstracts.
import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/search/keyword/query.ts';
import { renderMarked, snippetAround } from '../../src/web/views/search-page.ts';

describe('marked text', () => {
  it('marks words outside math, renders math with KaTeX, escapes the rest', () => {
    const html = renderMarked('Scaling laws for $O(n^2)$ attention <script> scaling', parseQuery('scaling attention'));
    expect(html.value).toContain('<mark>Scaling</mark> laws');
    expect(html.value).toContain('<mark>attention</mark>');
    expect(html.value).toContain('class="katex"');
    expect(html.value).toContain('&lt;script&gt;');
    expect(html.value).not.toContain('<script>');
  });
});

describe('snippets', () => {
  const long = `${'Background sentence about other things. '.repeat(12)}Our method uses diffusion transformers for $x_t$ video generation. ${'More text follows here. '.repeat(12)}`;

  it('keep short texts whole', () => {
    expect(snippetAround('Short abstract.', parseQuery('abstract'))).toEqual({ text: 'Short abstract.', before: false, after: false });
  });

  it('show the part around the first marked word, on word boundaries', () => {
    const s = snippetAround(long, parseQuery('diffusion'));
    expect(s.before).toBe(true);
    expect(s.after).toBe(true);
    expect(s.text).toContain('diffusion transformers');
    expect(s.text.length).toBeLessThanOrEqual(330);
    expect(long).toContain(s.text);
  });

  it('never cut a formula in two', () => {
    const text = `${'x '.repeat(40)}word $\\frac{a}{b} + \\sum_{i=1}^{n} c_i$ ${'y '.repeat(200)}`;
    for (let lead = 0; lead < 3; lead++) {
      const s = snippetAround(text, parseQuery('word'), 60 + lead);
      const dollars = (s.text.match(/\$/g) ?? []).length;
      expect(dollars % 2).toBe(0);
    }
  });
});
