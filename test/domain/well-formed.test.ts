import { describe, expect, it } from 'vitest';
import { parseJsonText, wellFormed, wellFormedDeep } from '../../src/domain/well-formed.ts';

describe('well-formed text', () => {
  it('replaces lone surrogates and keeps pairs, so the result can be put in a URL', () => {
    expect(wellFormed('a\uD800b')).toBe('a\uFFFDb');
    expect(wellFormed('\uDFFFa\uD83D')).toBe('\uFFFDa\uFFFD');
    expect(wellFormed('pair \uD83D\uDE00 kept')).toBe('pair \uD83D\uDE00 kept');
    expect(() => encodeURIComponent(wellFormed('x\uDC00\uD800'))).not.toThrow();
  });

  it('replaces NUL, which PostgreSQL text cannot hold', () => {
    expect(wellFormed('a\u0000b\u0000')).toBe('a\uFFFDb\uFFFD');
    expect(parseJsonText('{"name":"org\\u0000x"}')).toEqual({ name: 'org\uFFFDx' });
  });

  it('makes every string of a JSON document well-formed, however deep', () => {
    const v = parseJsonText('{"a":"\\ud800","b":["ok","\\udc00x"],"c":{"d":"\\ud83d\\ude00"},"n":1}');
    expect(v).toEqual({ a: '\uFFFD', b: ['ok', '\uFFFDx'], c: { d: '\uD83D\uDE00' }, n: 1 });
    expect(wellFormedDeep({ x: [{ y: '\uD800' }] })).toEqual({ x: [{ y: '\uFFFD' }] });
  });
});
