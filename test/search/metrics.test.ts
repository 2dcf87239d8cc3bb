import { describe, expect, it } from 'vitest';
import { averagePrecision, dcgAtK, ndcgAtK, ndcgPercentCutoff, queryMetrics } from '../../src/search/metrics.ts';

const b = (xs: number[]) => xs.map((x) => x !== 0);

describe('averagePrecision', () => {
  it('averages precision at each relevant rank', () => {
    // Relevant at ranks 1, 2, 4, 6, 10: (1/1 + 2/2 + 3/4 + 4/6 + 5/10) / 5 = 0.78333...
    expect(averagePrecision(b([1, 1, 0, 1, 0, 1, 0, 0, 0, 1]))).toBeCloseTo(0.7833333333, 9);
    // Relevant at ranks 2 and 3: (1/2 + 2/3) / 2
    expect(averagePrecision(b([0, 1, 1]))).toBeCloseTo((1 / 2 + 2 / 3) / 2, 12);
    expect(averagePrecision(b([1]))).toBe(1);
  });

  it('is 0 without any relevant item, and for an empty list', () => {
    expect(averagePrecision(b([0, 0, 0]))).toBe(0);
    expect(averagePrecision([])).toBe(0);
  });
});

describe('NDCG, standard convention (2^g - 1 gains, 1/log2(rank + 1))', () => {
  it('computes DCG by hand', () => {
    // (2^2-1)/log2(2) + 0 + (2^1-1)/log2(4) = 3 + 0.5
    expect(dcgAtK([2, 0, 1], 3)).toBeCloseTo(3.5, 12);
    expect(dcgAtK([2, 0, 1], 1)).toBe(3);
    expect(dcgAtK([2, 0, 1], 10)).toBeCloseTo(3.5, 12);
  });

  it('normalises by the ideal order of the same judged items', () => {
    // ideal [2, 1, 0]: 3 + 1/log2(3)
    expect(ndcgAtK([2, 0, 1], 3)).toBeCloseTo(3.5 / (3 + 1 / Math.log2(3)), 12);
    expect(ndcgAtK([3, 2, 1, 0], 2)).toBe(1);
    // A relevant item below the cut-off still counts in the ideal: [0, 3] at k = 1 scores 0.
    expect(ndcgAtK([0, 3], 1)).toBe(0);
    expect(ndcgAtK([0, 0], 2)).toBe(0);
    expect(ndcgAtK([1, 2], 0)).toBe(0);
  });
});

describe('NDCG as the CSFCube script computes it (rank_metrics, method 0)', () => {
  it('matches the doctests of rank_metrics', () => {
    const r = [3, 2, 3, 0, 0, 1, 2, 2, 3, 0];
    expect(dcgAtK(r, 1, 'csfcube-script')).toBe(3);
    expect(dcgAtK(r, 2, 'csfcube-script')).toBe(5);
    expect(dcgAtK(r, 10, 'csfcube-script')).toBeCloseTo(9.6051177391888114, 12);
    expect(ndcgAtK(r, 1, 'csfcube-script')).toBe(1);
    expect(ndcgAtK([2, 1, 2, 0], 4, 'csfcube-script')).toBeCloseTo(0.9203032077642922, 12);
    expect(ndcgAtK([0], 1, 'csfcube-script')).toBe(0);
    expect(ndcgAtK([1], 2, 'csfcube-script')).toBe(1);
  });
});

describe('NDCG%20 and queryMetrics', () => {
  it('cuts at a fifth of the pool, rounded down', () => {
    expect(ndcgPercentCutoff(100)).toBe(20);
    expect(ndcgPercentCutoff(101)).toBe(20);
    expect(ndcgPercentCutoff(99)).toBe(19);
    expect(ndcgPercentCutoff(4)).toBe(0);
  });

  it('computes both metrics of one ranked pool', () => {
    // Pool of 10: k = 2. Grades >= 2 relevant at ranks 2 and 3.
    const grades = [1, 3, 2, 0, 0, 0, 0, 0, 0, 0];
    const m = queryMetrics(grades);
    expect(m.ap).toBeCloseTo((1 / 2 + 2 / 3) / 2, 12);
    // DCG@2 = 1/log2(2) + 7/log2(3); ideal [3, 2] = 7 + 3/log2(3)
    expect(m.ndcg20pct).toBeCloseTo((1 + 7 / Math.log2(3)) / (7 + 3 / Math.log2(3)), 12);
    // script: DCG@2 = 1 + 3; ideal = 3 + 2
    expect(m.ndcg20pctScript).toBeCloseTo(4 / 5, 12);
  });
});
