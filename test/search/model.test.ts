import { describe, expect, it } from 'vitest';
import { CorpusIndex, centroid } from '../../src/search/model/corpus-index.ts';
import { csrFromRows, dense, orthonormalize, randomizedSvd, symmetricEigen } from '../../src/search/model/linalg.ts';
import { denseDot, MODEL_VERSION, TextModel } from '../../src/search/model/text-model.ts';

// A small synthetic corpus: papers on four topics, each drawing words from its topic's vocabulary.
// In the vehicles topic, half the papers say "car" and half "automobile", never both.
const TOPICS: Record<string, string[]> = {
  vehicles: ['engine', 'wheel', 'driver', 'fuel', 'brake', 'traffic', 'road', 'speed'],
  parsing: ['parser', 'syntax', 'treebank', 'grammar', 'constituent', 'dependency', 'sentence', 'tree'],
  vision: ['image', 'pixel', 'convolution', 'segmentation', 'camera', 'object', 'detection', 'video'],
  biology: ['protein', 'gene', 'cell', 'sequence', 'genome', 'enzyme', 'molecule', 'expression'],
};

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function corpus(n = 240): string[] {
  const r = rng(7);
  const names = Object.keys(TOPICS);
  const docs: string[] = [];
  for (let i = 0; i < n; i++) {
    const topic = names[i % names.length] as string;
    const words = TOPICS[topic] as string[];
    const picked: string[] = [];
    for (let w = 0; w < 12; w++) picked.push(words[Math.floor(r() * words.length)] as string);
    if (topic === 'vehicles') picked.push(i % 8 === 0 ? 'car' : 'automobile', i % 8 === 0 ? 'cars' : 'automobiles');
    docs.push(`A study of ${picked.join(' ')} with experiments.`);
  }
  return docs;
}

const DOCS = corpus();
const model = TextModel.train(DOCS, { dims: 8 });

describe('TextModel', () => {
  it('trains a small model with the requested dimensions', () => {
    expect(model.info.version).toBe(MODEL_VERSION);
    expect(model.dims).toBe(8);
    expect(model.vocabularySize).toBeGreaterThan(30);
    expect(model.info.trainedOnDocs).toBe(DOCS.length);
  });

  it('embeds to unit vectors, and to zeros when no word is known', () => {
    const e = model.embed(DOCS[0] as string);
    expect(e).toBeInstanceOf(Float32Array);
    expect(e.length).toBe(8);
    expect(denseDot(e, e)).toBeCloseTo(1, 5);
    expect(Array.from(model.embed(''))).toEqual(new Array(8).fill(0));
    expect(Array.from(model.embed('zzzz qqqq'))).toEqual(new Array(8).fill(0));
  });

  it('finds every paper most similar to itself', () => {
    const vecs = DOCS.map((d) => model.vectorize(d));
    for (let i = 0; i < vecs.length; i += 7) {
      const self = model.similarity(vecs[i]!, vecs[i]!);
      expect(self).toBeCloseTo(1, 5);
      for (let j = 0; j < vecs.length; j++) if (j !== i) expect(model.similarity(vecs[i]!, vecs[j]!)).toBeLessThanOrEqual(self + 1e-6);
    }
  });

  it('ranks papers of the same topic above the others', () => {
    const s = model.score('engine brake driver road', ['protein gene enzyme', 'wheel fuel traffic speed', 'parser syntax tree']);
    expect(s[1]).toBeGreaterThan(s[0]!);
    expect(s[1]).toBeGreaterThan(s[2]!);
  });

  it('relates words that never co-occur but share contexts (LSA)', () => {
    // As many dimensions as topics: the space keeps the topics, not the car/automobile split.
    const topical = TextModel.train(DOCS, { dims: 4 });
    const car = topical.embed('car');
    const automobile = topical.embed('automobile');
    const protein = topical.embed('protein');
    expect(denseDot(car, automobile)).toBeGreaterThan(0.8);
    expect(denseDot(car, protein)).toBeLessThan(0.3);
    // tf-idf alone sees no overlap between them
    expect(topical.explain('car', 'automobile')).toEqual([]);
  });

  it('explains a match with the shared words, heaviest first, in a readable spelling', () => {
    const ex = model.explain('Cars and their engines', 'An engine for the car');
    expect(ex.map((e) => e.stem)).toEqual(expect.arrayContaining(['car', 'engin']));
    expect(ex.length).toBe(2);
    expect(ex[0]!.weight).toBeGreaterThanOrEqual(ex[1]!.weight);
    const engine = ex.find((e) => e.stem === 'engin');
    expect(engine?.term).toBe('engine');
  });

  it('is deterministic: training twice gives the same embeddings', () => {
    const again = TextModel.train(DOCS, { dims: 8 });
    for (const d of DOCS.slice(0, 10)) expect(Array.from(again.embed(d))).toEqual(Array.from(model.embed(d)));
  });

  it('round-trips through the binary form and JSON with identical vectors', () => {
    const bin = TextModel.deserialize(model.serialize());
    const json = TextModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    for (const m of [bin, json]) {
      expect(m.info).toEqual(model.info);
      for (const d of DOCS.slice(0, 20)) {
        expect(Array.from(m.embed(d))).toEqual(Array.from(model.embed(d)));
        const a = m.vectorize(d);
        const b = model.vectorize(d);
        expect(Array.from(a.sparse.idx)).toEqual(Array.from(b.sparse.idx));
        expect(Array.from(a.sparse.val)).toEqual(Array.from(b.sparse.val));
      }
      expect(m.explain(DOCS[0]!, DOCS[4]!)).toEqual(model.explain(DOCS[0]!, DOCS[4]!));
    }
  });

  it('refuses a file of another version or a truncated one', () => {
    const json = model.toJSON();
    expect(() => TextModel.fromJSON({ ...json, version: 'folio-text-model/0' })).toThrow(/retrain/);
    const bytes = model.serialize();
    expect(() => TextModel.deserialize(bytes.subarray(0, bytes.length - 8))).toThrow(/truncated/);
    expect(() => TextModel.deserialize(new Uint8Array(20))).toThrow(/not a Folio text model/);
  });
});

describe('CorpusIndex', () => {
  const index = new CorpusIndex(
    model,
    DOCS.map((text, i) => ({ id: `p${i}`, text })),
  );

  it('lists similar papers of the same topic, without the paper itself', () => {
    const sim = index.similar('p0', 10);
    expect(sim).toHaveLength(10);
    expect(sim.map((s) => s.id)).not.toContain('p0');
    // p0 is a vehicles paper (i % 4 === 0)
    for (const s of sim) expect(Number(s.id.slice(1)) % 4).toBe(0);
    for (let i = 1; i < sim.length; i++) expect(sim[i - 1]!.score).toBeGreaterThanOrEqual(sim[i]!.score);
  });

  it('builds a reader profile from several papers', () => {
    expect(centroid([])).toBeNull();
    const profile = centroid([index.vector('p0'), index.vector('p4'), index.vector('p8')]);
    if (!profile) throw new Error('no profile');
    expect(denseDot(profile.dense, profile.dense)).toBeCloseTo(1, 5);
    // p12 is another vehicles paper, p3 a biology one
    expect(model.similarity(profile, index.vector('p12'))).toBeGreaterThan(model.similarity(profile, index.vector('p3')));
  });

  it('ranks a candidate list completely', () => {
    const ranked = index.rank('p1', ['p2', 'p5', 'p3', 'p9']);
    expect(ranked.map((r) => r.id).sort()).toEqual(['p2', 'p3', 'p5', 'p9']);
    expect(ranked[0]!.id).toMatch(/^p(5|9)$/); // same topic as p1 (i % 4 === 1)
  });
});

describe('linear algebra', () => {
  it('finds the eigenvalues of a small symmetric matrix', () => {
    const m = dense(3, 3);
    m.data.set([2, 1, 0, 1, 2, 0, 0, 0, 5]);
    const { values, vectors } = symmetricEigen(m);
    expect(Array.from(values).map((v) => +v.toFixed(10))).toEqual([5, 3, 1]);
    // A v = λ v for the first eigenvector
    const v0 = [vectors.data[0]!, vectors.data[3]!, vectors.data[6]!];
    expect(Math.abs(v0[2]!)).toBeCloseTo(1, 10);
  });

  it('orthonormalises a tall matrix', () => {
    const x = dense(50, 4);
    const r = rng(3);
    for (let i = 0; i < x.data.length; i++) x.data[i] = r() - 0.5 + (i % 4 === 0 ? 3 : 0);
    const q = orthonormalize(x);
    for (let a = 0; a < 4; a++)
      for (let b = 0; b < 4; b++) {
        let s = 0;
        for (let r = 0; r < 50; r++) s += q.data[r * 4 + a]! * q.data[r * 4 + b]!;
        expect(s).toBeCloseTo(a === b ? 1 : 0, 10);
      }
  });

  it('recovers the singular values of a sparse matrix', () => {
    // Rows are scaled unit vectors: singular values are 5, 4, 3, 2, 1 (columns 0..4, each used once).
    const rows = [5, 4, 3, 2, 1].map((s, i) => ({ idx: Int32Array.from([i]), val: Float32Array.from([s]) }));
    const svd = randomizedSvd(csrFromRows(rows, 6), 3, { oversample: 2, powerIters: 2 });
    expect(Array.from(svd.sigma).map((v) => +v.toFixed(6))).toEqual([5, 4, 3]);
  });
});
