// Any string of TeX-ish tokens in a comment renders within the document's budget and never emits a
// script, a javascript: attribute or an event handler.
import fc from 'fast-check';
import { parse } from 'node-html-parser';
import { describe, expect, it } from 'vitest';
import { renderCommentMarkdown } from '../../src/web/views/markdown.ts';
import { MAX_DOCUMENT_TEX_HTML_CHARS } from '../../src/web/views/tex-budget.ts';

const TOKENS = [
  '\\def',
  '\\a',
  '\\b',
  '{',
  '}',
  '^',
  '_',
  '\\kern-',
  '\\mkern-',
  '1',
  '9',
  '00',
  'em',
  'mu',
  '$',
  '$$',
  ' ',
  'x',
  '\\frac',
  '\\href{javascript:alert(1)}',
  '\\htmlStyle{color:red}',
  '<img onerror=x>',
  '\\let',
];

describe('comment rendering on arbitrary TeX-ish input', () => {
  it('stays within the budget and emits no script', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 400 }), (tokens) => {
        const src = tokens.join('');
        const out = renderCommentMarkdown(src);
        expect(out.length).toBeLessThanOrEqual(MAX_DOCUMENT_TEX_HTML_CHARS + 6 * src.length + 100);
        expect(out).not.toMatch(/<script/i);
        expect(out).not.toMatch(/="[^"]*javascript:/i);
        // Event handlers are looked for in attributes, as a browser would read them, not in text.
        const names = parse(out)
          .querySelectorAll('*')
          .flatMap((e) => Object.keys(e.attributes));
        expect(names.filter((n) => /^on/i.test(n))).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
