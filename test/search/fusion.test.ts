// Fusion of ranked lists: reciprocal rank fusion and the convex combination, on hand-made lists.
import { describe, expect, it } from 'vitest';
import { convex, fuse, RRF_K, rrf } from '../../src/search/fusion.ts';
import { highlight } from '../../src/search/highlight.ts';
import { parseQuery } from '../../src/search/keyword/query.ts';

const list = (ids: string[], scores = ids.map((_, i) => ids.length - i)) => ({ ids, scores });

describe('reciprocal rank fusion', () => {
  it('scores Σ 1/(k + rank) and puts papers both lists found first', () => {
    const f = rrf([list(['a', 'b', 'c']), list(['c', 'd', 'a'])]);
    expect(f.map((x) => x.id)).toEqual(['a', 'c', 'b', 'd']);
    expect(f[0]?.score).toBeCloseTo(1 / (RRF_K + 1) + 1 / (RRF_K + 3), 12);
    expect(f[0]?.ranks).toEqual([1, 3]);
    expect(f.find((x) => x.id === 'd')?.ranks).toEqual([undefined, 2]);
  });

  it('breaks ties by the best rank, then by id, and counts a repeated id once', () => {
    const f = rrf([list(['x', 'y']), list(['y', 'x'])]);
    expect(f.map((x) => x.id)).toEqual(['x', 'y']);
    expect(rrf([list(['a', 'a', 'b'])]).map((x) => x.id)).toEqual(['a', 'b']);
  });

  it('weighs lists, and a smaller k favours the top of each list', () => {
    expect(rrf([list(['a', 'b']), list(['b', 'a'])], 60, [1, 2]).map((x) => x.id)).toEqual(['b', 'a']);
    // 'a' tops one list; 'b' is fourth in both: k = 1 prefers the former, k = 60 the latter.
    const one = list(['a', 'x1', 'x2', 'b']);
    const two = list(['y1', 'y2', 'y3', 'b']);
    expect(rrf([one, two], 1)[0]?.id).toBe('a');
    expect(fuse([one, two])[0]?.id).toBe('b');
  });

  it('handles empty lists', () => {
    expect(rrf([list([]), list([])])).toEqual([]);
    expect(rrf([list(['a']), list([])]).map((x) => x.id)).toEqual(['a']);
  });
});

describe('convex combination', () => {
  it('mixes min-max normalised scores', () => {
    const kw = { ids: ['a', 'b', 'c'], scores: [10, 5, 0] };
    const m = { ids: ['c', 'b'], scores: [0.9, 0.1] };
    expect(convex([kw, m], 1).map((x) => x.id)).toEqual(['a', 'b', 'c']);
    expect(convex([kw, m], 0)[0]?.id).toBe('c');
    const half = convex([kw, m], 0.5);
    expect(half.find((x) => x.id === 'a')?.score).toBeCloseTo(0.5, 12);
    expect(half.find((x) => x.id === 'c')?.score).toBeCloseTo(0.5, 12);
    expect(half.find((x) => x.id === 'b')?.score).toBeCloseTo(0.25, 12);
  });
});

describe('highlights', () => {
  const join = (p: { text: string }[]) => p.map((x) => x.text).join('');
  it('mark stems, prefixes and phrase words, never negated ones, and concatenate back', () => {
    const text = 'Learned tokenizers: learning to tokenize, for Café-style surveys (naïve).';
    const p = highlight(text, parseQuery('learn tokeni* "cafe style" -survey naive'));
    expect(join(p)).toBe(text);
    expect(p.filter((x) => x.type === 'highlight').map((x) => x.text)).toEqual([
      'Learned',
      'tokenizers',
      'learning',
      'tokenize',
      'Café',
      'style',
      'naïve',
    ]);
  });

  it('return the text as one piece when nothing matches, and nothing for an empty text', () => {
    expect(highlight('Nothing here', parseQuery('zebra'))).toEqual([{ type: 'text', text: 'Nothing here' }]);
    expect(highlight('', parseQuery('zebra'))).toEqual([]);
    for (const t of ['日本語のテキスト', 'a\u0000b', '$x^2$ and \\(y\\)', '🙂 emoji'])
      expect(join(highlight(t, parseQuery('x y emoji テキスト')))).toBe(t);
  });
});
