// The built-in model on the CSFCube dev split (real data from ../shared/data). Trained on the
// collection's own 4,205 papers, as an instance trains on its own corpus: takes a few seconds.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type EvalReport, evaluateSimilar, formatReport } from '../../src/search/evaluate.ts';
import { SHARED_DATA } from '../support/shared-data.ts';

const DATA = join(SHARED_DATA, 'csfcube');

describe('evaluateSimilar on CSFCube dev', () => {
  let report: EvalReport;
  beforeAll(async () => {
    report = await evaluateSimilar({ corpusDir: DATA, annsPrefix: join(DATA, 'dev-pid2anns'), train: [] });
  }, 120_000);

  const method = (name: string) => {
    const m = report.methods.find((x) => x.method === name);
    if (!m) throw new Error(`no ${name} in the report`);
    return m.byFacet;
  };

  it('reproduces the published SPECTER figures, so the metrics follow the collection', () => {
    const s = method('specter');
    expect(s.all.queries).toBe(24);
    expect(s.all.map).toBeCloseTo(0.354, 3);
    expect(s.all.ndcg20).toBeCloseTo(0.4804, 3);
  });

  it('meets the targets with the built-in model: MAP >= 39, NDCG%20 >= 54', () => {
    const f = method('folio');
    expect(report.methods[0]?.method).toBe('folio');
    expect(f.all.queries).toBe(24);
    expect(f.all.map).toBeGreaterThanOrEqual(0.39);
    expect(f.all.ndcg20).toBeGreaterThanOrEqual(0.54);
    // and beats both baselines of the same run on both metrics
    for (const base of ['tfidf', 'specter']) {
      expect(f.all.map).toBeGreaterThan(method(base).all.map);
      expect(f.all.ndcg20).toBeGreaterThan(method(base).all.ndcg20);
    }
  });

  it('meets the targets with what the product runs (HNSW-shortlist neighbours, dense smoothing)', () => {
    const f = method('folio-index');
    expect(f.all.queries).toBe(24);
    expect(f.all.map).toBeGreaterThanOrEqual(0.39);
    expect(f.all.ndcg20).toBeGreaterThanOrEqual(0.54);
    expect(f.all.map).toBeGreaterThan(method('tfidf').all.map);
  });

  it('reports every facet and prints a table', () => {
    const f = method('folio');
    for (const facet of ['background', 'method', 'result'] as const) {
      expect(f[facet].queries).toBe(8);
      expect(f[facet].map).toBeGreaterThan(0);
    }
    expect(report.corpusPapers).toBe(4205);
    expect(report.methods[0]?.perQuery).toHaveLength(24);
    const table = formatReport(report);
    expect(table).toMatch(/^folio\s/m);
    expect(table).toMatch(/^tfidf\s/m);
    expect(table).toMatch(/^specter\s+45\.62 \/ {2}54\.46/m);
  });
});
