import { describe, expect, it } from 'vitest';
import { arxivCategories, normaliseArxivId, parseArxivId } from '../../src/domain/arxiv-id.ts';

describe('parseArxivId', () => {
  it.each([
    ['2401.12345', { id: '2401.12345' }],
    ['2401.12345v3', { id: '2401.12345', version: 3 }],
    ['1501.0001', { id: '1501.0001' }],
    ['0704.0001', { id: '0704.0001' }],
    ['hep-th/9901001', { id: 'hep-th/9901001' }],
    ['hep-th/9901001v2', { id: 'hep-th/9901001', version: 2 }],
    ['math.GT/0309136', { id: 'math/0309136' }],
    ['arXiv:2401.12345', { id: '2401.12345' }],
    ['ARXIV: 2401.12345v1', { id: '2401.12345', version: 1 }],
    ['  2401.12345 \n', { id: '2401.12345' }],
    ['https://arxiv.org/abs/2401.12345', { id: '2401.12345' }],
    ['http://arxiv.org/abs/2401.12345v2', { id: '2401.12345', version: 2 }],
    ['https://arxiv.org/pdf/2401.12345v2.pdf', { id: '2401.12345', version: 2 }],
    ['https://arxiv.org/pdf/2401.12345', { id: '2401.12345' }],
    ['https://export.arxiv.org/abs/hep-th/9901001', { id: 'hep-th/9901001' }],
    ['arxiv.org/abs/2401.12345/', { id: '2401.12345' }],
    ['https://www.arxiv.org/abs/2401.12345?context=cs', { id: '2401.12345' }],
  ])('accepts %j', (input, expected) => {
    expect(parseArxivId(input)).toEqual(expected);
  });

  it.each([
    '',
    ' ',
    '2401.123',
    '2401.123456',
    '2413.12345', // month 13
    '2400.12345', // month 0
    '0612.1234', // before the new scheme began (April 2007)
    '2401.12345v0',
    '2401.12345v',
    '2401.12345vv2',
    'foo/9901001',
    'hep-th/99010011',
    'hep-th/0801001', // old scheme ended in March 2007
    'hep-th/9913001',
    '../../etc/passwd',
    "2401.12345' OR 1=1 --",
    '2401.12345; DROP TABLE papers',
    '<script>alert(1)</script>',
    '2401.12345<script>',
    'https://evil.example/abs/2401.12345',
    'javascript:alert(1)//2401.12345',
    '２４０１.１２３４５', // full-width digits
    '2401.12345\u0000',
    `2401.${'1'.repeat(10_000)}`,
    'x'.repeat(1_000_000),
  ])('rejects %j', (input) => {
    expect(parseArxivId(input)).toBeNull();
  });

  it('rejects values that are not strings', () => {
    for (const v of [null, undefined, 2401.12345, {}, [], ['2401.12345']]) expect(parseArxivId(v)).toBeNull();
  });

  it('normalises to the id alone', () => {
    expect(normaliseArxivId('arXiv:2401.12345v9')).toBe('2401.12345');
    expect(normaliseArxivId('nope')).toBeNull();
  });
});

describe('arxivCategories', () => {
  it('keeps arXiv categories, drops ACM classes and repeats', () => {
    expect(arxivCategories(['cs.AI', 'I.2; I.2.7', ' cs.CL ', 'cs.AI', 'hep-th', 'physics.optics', '68T50'])).toEqual([
      'cs.AI',
      'cs.CL',
      'hep-th',
      'physics.optics',
    ]);
    expect(arxivCategories(null)).toEqual([]);
  });
});
