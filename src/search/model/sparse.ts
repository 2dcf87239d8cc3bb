// Sparse vectors with sorted indices: the tf-idf representation of one text.

export interface SparseVector {
  /** Term ids, strictly increasing. */
  idx: Int32Array;
  val: Float32Array;
}

export const EMPTY_SPARSE: SparseVector = { idx: new Int32Array(0), val: new Float32Array(0) };

/** Builds a sparse vector from a term-id -> weight map. */
export function sparseFromMap(m: Map<number, number>): SparseVector {
  const ids = [...m.keys()].sort((a, b) => a - b);
  const idx = new Int32Array(ids.length);
  const val = new Float32Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as number;
    idx[i] = id;
    val[i] = m.get(id) as number;
  }
  return { idx, val };
}

export function sparseNorm(v: SparseVector): number {
  let s = 0;
  for (let i = 0; i < v.val.length; i++) s += (v.val[i] as number) ** 2;
  return Math.sqrt(s);
}

/** Scales to unit L2 norm, in place; a zero vector stays zero. */
export function sparseNormalize(v: SparseVector): SparseVector {
  const n = sparseNorm(v);
  if (n > 0) for (let i = 0; i < v.val.length; i++) v.val[i] = (v.val[i] as number) / n;
  return v;
}

/** Dot product by merging the two sorted index lists. */
export function sparseDot(a: SparseVector, b: SparseVector): number {
  let i = 0;
  let j = 0;
  let s = 0;
  const ai = a.idx;
  const bi = b.idx;
  while (i < ai.length && j < bi.length) {
    const x = ai[i] as number;
    const y = bi[j] as number;
    if (x === y) {
      s += (a.val[i] as number) * (b.val[j] as number);
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return s;
}

/** The shared terms of two vectors with the product of their weights (their share of the dot). */
export function sparseSharedTerms(a: SparseVector, b: SparseVector): { id: number; weight: number }[] {
  const out: { id: number; weight: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.idx.length && j < b.idx.length) {
    const x = a.idx[i] as number;
    const y = b.idx[j] as number;
    if (x === y) {
      out.push({ id: x, weight: (a.val[i] as number) * (b.val[j] as number) });
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return out;
}
