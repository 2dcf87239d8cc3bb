// The vector index of the store in use: usearch beside SQLite, pgvector in PostgreSQL
// (FOLIO_TEST_PG_URL). Same behaviour from both: nearest by inner product, exact filtered search,
// stored vectors read back, additions replacing a key, durability across reopening.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertDocs } from '../../src/db/queries/search-indexes.ts';
import { DocsFilter } from '../../src/search/service.ts';
import { createVectorIndex, openVectorIndex, removeVectorIndex, type VectorStore } from '../../src/search/vectors/open.ts';
import { vectorFiles } from '../../src/search/vectors/usearch-index.ts';
import type { VectorIndex } from '../../src/search/vectors/vector-index.ts';
import { buildStore, type TestStore } from '../support/store.ts';

const DIMS = 8;
const N = 400;
let t: TestStore;
let vs: VectorStore;
let index: VectorIndex;
const INDEX_ID = 1;

/** A pseudo-random unit vector per key (a small LCG, so every run sees the same ones). */
function vec(i: number): Float32Array {
  let x = (i + 1) * 2654435761;
  const v = Float32Array.from({ length: DIMS }, () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648 - 0.5;
  });
  const n = Math.hypot(...v);
  return v.map((y) => y / n);
}

/** The exact answer, by brute force over the keys that pass. */
function nearest(q: Float32Array, k: number, pass: (key: number) => boolean = () => true): number[] {
  return Array.from({ length: N }, (_, i) => i)
    .filter(pass)
    .map((i) => ({ i, s: vec(i).reduce((acc, x, c) => acc + x * (q[c] as number), 0) }))
    .sort((a, b) => b.s - a.s)
    .slice(0, k)
    .map((x) => x.i);
}

beforeAll(async () => {
  t = await buildStore();
  vs = { db: t.store.db, dialect: t.store.dialect, dataDir: t.dir };
  const now = new Date().toISOString();
  // Papers to filter on: every tenth one has code; 0..9 are hidden-or-not alternately.
  await t.store.db
    .insertInto('papers')
    .values(
      Array.from({ length: N }, (_, i) => ({
        id: `2601.${String(i).padStart(5, '0')}`,
        title: `Paper ${i}`,
        abstract: 'x',
        categories: '["cs.LG"]',
        meta_stamp: now,
        created_at: now,
        changed_at: now,
        published_at: `2026-01-${String(1 + (i % 28)).padStart(2, '0')}T00:00:00.000Z`,
        github_repo: i % 10 === 0 ? `https://github.com/x/${i}` : null,
        hidden: i === 3 ? 1 : 0,
        imported_upvotes: 0,
        imported_comments: 0,
        local_upvotes: 0,
        local_comments: 0,
        trending_score: 0,
      })),
    )
    .execute();
  await t.store.db
    .insertInto('search_indexes')
    .values({
      id: INDEX_ID,
      provider: 'builtin',
      model: 'test',
      dims: DIMS,
      state: 'building',
      papers: 0,
      next_key: 0,
      revision: 0,
      corpus_size: N,
      info: '{}',
      created_at: now,
    })
    .execute();
  await insertDocs(
    t.store.db,
    INDEX_ID,
    Array.from({ length: N }, (_, i) => ({ key: i, paperId: `2601.${String(i).padStart(5, '0')}` })),
  );
  index = await createVectorIndex(vs, INDEX_ID, DIMS);
  await index.add(
    Array.from({ length: N }, (_, i) => i),
    Array.from({ length: N }, (_, i) => vec(i)),
  );
  await index.save();
});

afterAll(async () => {
  await index?.close();
  await t?.cleanup();
});

describe(`vector index (${process.env.FOLIO_TEST_PG_URL ? 'pgvector' : 'usearch'})`, () => {
  it('finds the nearest vectors by inner product, best first', async () => {
    expect(await index.size()).toBe(N);
    const hits = await index.search(vec(16), 5);
    expect(hits[0]?.key).toBe(16);
    expect(hits[0]?.score).toBeCloseTo(1, 3);
    for (let i = 1; i < hits.length; i++) expect((hits[i - 1]?.score ?? 0) >= (hits[i]?.score ?? 0)).toBe(true);
    expect(hits.map((h) => h.key)).toEqual(nearest(vec(16), 5));
  });

  it('reads stored vectors back', async () => {
    const [a, missing] = await index.get([42, 10_000]);
    expect(Array.from(a as Float32Array).map((x) => Math.round(x * 1e4))).toEqual(Array.from(vec(42)).map((x) => Math.round(x * 1e4)));
    expect(missing).toBeUndefined();
  });

  it('filters exactly: only papers that pass, hidden ones never', async () => {
    const hasCode = new DocsFilter(t.store.db, INDEX_ID, { hasCode: true });
    const hits = await index.search(vec(0), 10, hasCode);
    expect(hits.map((h) => h.key)).toEqual(nearest(vec(0), 10, (i) => i % 10 === 0));
    const visible = new DocsFilter(t.store.db, INDEX_ID, {});
    const near3 = await index.search(vec(3), 20, visible);
    expect(near3.map((h) => h.key)).toEqual(nearest(vec(3), 20, (i) => i !== 3));
    // A filter that lets three papers through (days 5 with code: 60, 200, 340) finds exactly them.
    const oneDay = new DocsFilter(t.store.db, INDEX_ID, { from: '2026-01-05', to: '2026-01-05', hasCode: true });
    const few = await index.search(vec(1), 5, oneDay);
    expect(few.map((h) => h.key).sort((a, b) => a - b)).toEqual([60, 200, 340]);
  });

  it('replaces the vector of a key added again, and forgets removed keys', async () => {
    await index.add([7], [vec(100)]);
    expect((await index.search(vec(100), 2)).map((h) => h.key).sort((a, b) => a - b)).toEqual([7, 100]);
    await index.add([7], [vec(7)]);
    expect((await index.search(vec(100), 1))[0]?.key).toBe(100);
    await index.remove([8]);
    expect((await index.search(vec(8), 10)).map((h) => h.key)).not.toContain(8);
    await index.add([8], [vec(8)]);
    await index.save();
  });

  it('is durable: a reopened index answers the same', async () => {
    const again = await openVectorIndex(vs, INDEX_ID, DIMS);
    try {
      expect(await again.size()).toBe(N);
      expect((await again.search(vec(21), 1))[0]?.key).toBe(21);
    } finally {
      await again.close();
    }
  });

  it('is removed whole', async () => {
    const other = await createVectorIndex(vs, 99, DIMS);
    await other.add([1], [vec(1)]);
    await other.save();
    await other.close();
    await removeVectorIndex(vs, 99);
    if (t.store.dialect === 'sqlite') {
      expect(existsSync(vectorFiles(t.dir, 99).graph)).toBe(false);
      expect(existsSync(vectorFiles(t.dir, 99).vectors)).toBe(false);
    } else {
      const r = await t.store.db
        .selectFrom('pg_tables' as never)
        .select('tablename' as never)
        .where('tablename' as never, '=', 'search_vectors_99' as never)
        .execute();
      expect(r).toEqual([]);
    }
  });
});
