import { describe, expect, it } from 'vitest';
import {
  firstDoi,
  isoFromDatestamp,
  isoFromDateTime,
  isoFromDay,
  isoFromRfc2822,
  splitCategories,
  splitRawAuthors,
} from '../../../src/ingest/arxiv/fields.ts';
import { parseRetryAfter, realSleep } from '../../../src/ingest/arxiv/http.ts';

describe('dates', () => {
  it('reads arXivRaw version dates (RFC 2822)', () => {
    expect(isoFromRfc2822('Mon, 2 Apr 2007 19:18:42 GMT')).toBe('2007-04-02T19:18:42.000Z');
    expect(isoFromRfc2822('  Thu, 20 Oct 2016 16:58:38 GMT\n  ')).toBe('2016-10-20T16:58:38.000Z');
    expect(isoFromRfc2822('2 Apr 2007 19:18:42 +0200')).toBe('2007-04-02T17:18:42.000Z');
    expect(isoFromRfc2822('Tue, 31 Feb 2024 10:00:00 GMT')).toBeUndefined();
    expect(isoFromRfc2822('Mon, 2 Foo 2007 19:18:42 GMT')).toBeUndefined();
    expect(isoFromRfc2822('2007-04-02')).toBeUndefined();
  });

  it('reads days and datestamps strictly', () => {
    expect(isoFromDay('2007-04-07')).toBe('2007-04-07T00:00:00.000Z');
    expect(isoFromDay('2007-04-999')).toBeUndefined();
    expect(isoFromDay('2007-02-29')).toBeUndefined();
    expect(isoFromDay('2008-02-29')).toBe('2008-02-29T00:00:00.000Z');
    expect(isoFromDay('07-04-07')).toBeUndefined();
    expect(isoFromDatestamp('2024-01-02T03:04:05Z')).toBe('2024-01-02T03:04:05.000Z');
  });

  it('reads Atom dates with zones', () => {
    expect(isoFromDateTime('2016-10-09T00:00:00-04:00')).toBe('2016-10-09T04:00:00.000Z');
    expect(isoFromDateTime('2011-11-08T18:48:36Z')).toBe('2011-11-08T18:48:36.000Z');
    expect(isoFromDateTime('2011-11-08T18:48:36.123+01:30')).toBe('2011-11-08T17:18:36.000Z');
    expect(isoFromDateTime('2011-11-08 18:48:36')).toBeUndefined();
    expect(isoFromDateTime('2011-11-08T25:48:36Z')).toBeUndefined();
  });
});

describe('arXiv author strings', () => {
  const names = (s: string) => splitRawAuthors(s).map((a) => (a.affiliation ? `${a.name} [${a.affiliation}]` : a.name));

  it('splits on commas and "and"', () => {
    expect(names('D.V. Shetty, S.J. Yennello, and G.A. Souliotis')).toEqual(['D.V. Shetty', 'S.J. Yennello', 'G.A. Souliotis']);
    expect(names('Valeria M. Rosa and Patricio S. letelier')).toEqual(['Valeria M. Rosa', 'Patricio S. letelier']);
    expect(names('Joshua Berger, Maxim Perelstein, Michael Saelim and Philip Tanedo')).toHaveLength(4);
    expect(names('Carl Lagoze, Herbert Van de Sompel,\n      Robert Sanderson')).toEqual([
      'Carl Lagoze',
      'Herbert Van de Sompel',
      'Robert Sanderson',
    ]);
    // "and" inside a name or an affiliation is not a separator.
    expect(names('Alexander Sandersen (Texas A and M University)')).toEqual(['Alexander Sandersen [Texas A and M University]']);
    expect(names('')).toEqual([]);
  });

  it('reads affiliations in parentheses, numbered or not', () => {
    expect(names('A. One (MIT), B. Two')).toEqual(['A. One [MIT]', 'B. Two']);
    expect(names('A. One (1), B. Two (1, 2) ((1) CERN, (2) DESY)')).toEqual(['A. One [CERN]', 'B. Two [CERN; DESY]']);
    expect(names('The ATLAS Collaboration, et al.')).toEqual(['The ATLAS Collaboration']);
  });
});

describe('small readers', () => {
  it('categories and DOIs', () => {
    expect(splitCategories(' hep-ph  hep-ex\nhep-ph ')).toEqual(['hep-ph', 'hep-ex']);
    expect(splitCategories(undefined)).toEqual([]);
    expect(firstDoi('10.1103/PhysRevC.76.024606 10.1103/PhysRevC.76.039902')).toBe('10.1103/PhysRevC.76.024606');
    expect(firstDoi('  ')).toBeUndefined();
  });

  it('Retry-After: seconds or HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('the real sleep never returns early', async () => {
    for (const ms of [1, 5, 20]) {
      const t = performance.now();
      await realSleep(ms);
      expect(performance.now() - t).toBeGreaterThanOrEqual(ms);
    }
    const ctl = new AbortController();
    const p = realSleep(10_000, ctl.signal);
    ctl.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
  });
});
