import { describe, expect, it } from 'vitest';
import { MAX_TEXT_CHARS, tokenize } from '../../src/search/model/tokenizer.ts';

describe('tokenize', () => {
  it('returns nothing for empty or stop-word-only text', () => {
    expect(tokenize('')).toEqual([]);
    expect(tokenize('   \n\t ')).toEqual([]);
    expect(tokenize('The of and to it is')).toEqual([]);
    expect(tokenize('2019 42 3.14 — ! ?')).toEqual([]);
  });

  it('lowercases, stems and drops stop words', () => {
    expect(tokenize('We propose Neural Networks for the translation of languages')).toEqual([
      'propos',
      'neural',
      'network',
      'translat',
      'languag',
    ]);
  });

  it('splits on punctuation and hyphens, keeps letters with digits', () => {
    expect(tokenize('BERT-based 3D point-clouds (GPT-4)')).toEqual(['bert', 'base', '3d', 'point', 'cloud', 'gpt']);
  });

  it('folds Latin accents, ligatures and full-width forms', () => {
    expect(tokenize('Café CAFE café')).toEqual(['cafe', 'cafe', 'cafe']);
    expect(tokenize('naïve Schrödinger')).toEqual(tokenize('naive schrodinger'));
    expect(tokenize('ﬁne-tuning')).toEqual(tokenize('fine-tuning'));
    expect(tokenize('ＢＥＲＴ')).toEqual(['bert']);
  });

  it('keeps words of other scripts whole, with their marks', () => {
    expect(tokenize('Σύστημα μάθησης')).toEqual(['σύστημα', 'μάθησης']);
    expect(tokenize('深度学习 模型')).toEqual(['深度学习', '模型']);
    expect(tokenize('हिन्दी भाषा')).toEqual(['हिन्दी', 'भाषा']);
  });

  it("drops the English possessive 's", () => {
    expect(tokenize("the model's output")).toEqual(tokenize('the model output'));
  });

  it('handles a 10 KB text quickly, and ignores text past the length limit', () => {
    const sentence = 'Graph neural networks learn node representations by message passing. ';
    const text = sentence.repeat(Math.ceil(10_240 / sentence.length));
    expect(text.length).toBeGreaterThanOrEqual(10_240);
    const t0 = performance.now();
    const toks = tokenize(text);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(toks.length).toBe(Math.ceil(10_240 / sentence.length) * 8);
    expect(toks.slice(0, 8)).toEqual(['graph', 'neural', 'network', 'learn', 'node', 'represent', 'messag', 'pass']);
    const huge = 'word '.repeat(MAX_TEXT_CHARS);
    expect(tokenize(huge).length).toBe(MAX_TEXT_CHARS / 5);
  });
});
