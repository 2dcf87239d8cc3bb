// The small amount of linear algebra the model needs, on typed arrays: a CSR sparse matrix,
// sparse x dense products, a cyclic Jacobi eigen-solver for small symmetric matrices, and a
// randomized truncated SVD (Halko, Martinsson & Tropp 2011) built from them.
// Dense matrices are row-major Float64Array with explicit shapes.

export interface Dense {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** Compressed sparse rows: row i holds entries indptr[i] .. indptr[i+1]-1. */
export interface Csr {
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

export function dense(rows: number, cols: number): Dense {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

/** Builds a CSR matrix from sparse rows, keeping only columns < `cols`. */
export function csrFromRows(rows: readonly { idx: Int32Array; val: Float32Array }[], cols: number): Csr {
  let nnz = 0;
  for (const r of rows) for (let k = 0; k < r.idx.length; k++) if ((r.idx[k] as number) < cols) nnz++;
  const indptr = new Int32Array(rows.length + 1);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let p = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as { idx: Int32Array; val: Float32Array };
    for (let k = 0; k < r.idx.length; k++) {
      const c = r.idx[k] as number;
      if (c < cols) {
        indices[p] = c;
        values[p] = r.val[k] as number;
        p++;
      }
    }
    indptr[i + 1] = p;
  }
  return { rows: rows.length, cols, indptr, indices, values };
}

/** A (n x m, sparse) times B (m x l, dense) -> n x l. */
export function csrMulDense(a: Csr, b: Dense): Dense {
  if (a.cols !== b.rows) throw new Error('csrMulDense: shape mismatch');
  const l = b.cols;
  const out = dense(a.rows, l);
  const od = out.data;
  const bd = b.data;
  for (let i = 0; i < a.rows; i++) {
    const o = i * l;
    for (let p = a.indptr[i] as number, end = a.indptr[i + 1] as number; p < end; p++) {
      const v = a.values[p] as number;
      const bo = (a.indices[p] as number) * l;
      for (let c = 0; c < l; c++) od[o + c] = (od[o + c] as number) + v * (bd[bo + c] as number);
    }
  }
  return out;
}

/** The transpose of a CSR matrix, as CSR (so that A^T B is a row-by-row gather, like A B). */
export function csrTranspose(a: Csr): Csr {
  const indptr = new Int32Array(a.cols + 1);
  for (let p = 0; p < a.indices.length; p++) {
    const c = a.indices[p] as number;
    indptr[c + 1] = (indptr[c + 1] as number) + 1;
  }
  for (let c = 0; c < a.cols; c++) indptr[c + 1] = (indptr[c + 1] as number) + (indptr[c] as number);
  const fill = indptr.slice(0, a.cols);
  const indices = new Int32Array(a.indices.length);
  const values = new Float32Array(a.indices.length);
  for (let r = 0; r < a.rows; r++) {
    for (let p = a.indptr[r] as number, end = a.indptr[r + 1] as number; p < end; p++) {
      const c = a.indices[p] as number;
      const o = fill[c] as number;
      fill[c] = o + 1;
      indices[o] = r;
      values[o] = a.values[p] as number;
    }
  }
  return { rows: a.cols, cols: a.rows, indptr, indices, values };
}

/** A^T (m x n, A sparse n x m) times B (n x l, dense) -> m x l. */
export function csrTransMulDense(a: Csr, b: Dense): Dense {
  if (a.rows !== b.rows) throw new Error('csrTransMulDense: shape mismatch');
  const l = b.cols;
  const out = dense(a.cols, l);
  const od = out.data;
  const bd = b.data;
  for (let i = 0; i < a.rows; i++) {
    const bo = i * l;
    for (let p = a.indptr[i] as number, end = a.indptr[i + 1] as number; p < end; p++) {
      const v = a.values[p] as number;
      const o = (a.indices[p] as number) * l;
      for (let c = 0; c < l; c++) od[o + c] = (od[o + c] as number) + v * (bd[bo + c] as number);
    }
  }
  return out;
}

/** X^T X (l x l) of a tall n x l matrix. */
export function gram(x: Dense): Dense {
  const l = x.cols;
  const g = dense(l, l);
  const gd = g.data;
  const xd = x.data;
  for (let i = 0; i < x.rows; i++) {
    const o = i * l;
    for (let a = 0; a < l; a++) {
      const va = xd[o + a] as number;
      if (va === 0) continue;
      const go = a * l;
      for (let b = a; b < l; b++) gd[go + b] = (gd[go + b] as number) + va * (xd[o + b] as number);
    }
  }
  for (let a = 0; a < l; a++) for (let b = 0; b < a; b++) gd[a * l + b] = gd[b * l + a] as number;
  return g;
}

/** X (n x l) times a small dense M (l x k) -> n x k. */
export function mulSmall(x: Dense, m: Dense): Dense {
  if (x.cols !== m.rows) throw new Error('mulSmall: shape mismatch');
  const l = x.cols;
  const k = m.cols;
  const out = dense(x.rows, k);
  const od = out.data;
  const xd = x.data;
  const md = m.data;
  for (let i = 0; i < x.rows; i++) {
    const xo = i * l;
    const oo = i * k;
    for (let a = 0; a < l; a++) {
      const v = xd[xo + a] as number;
      if (v === 0) continue;
      const mo = a * k;
      for (let c = 0; c < k; c++) od[oo + c] = (od[oo + c] as number) + v * (md[mo + c] as number);
    }
  }
  return out;
}

/**
 * Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations.
 * Returns eigenvalues in decreasing order and the eigenvectors as the columns of `vectors`.
 */
export function symmetricEigen(s: Dense, maxSweeps = 60, tol = 1e-12): { values: Float64Array; vectors: Dense } {
  const n = s.rows;
  if (s.cols !== n) throw new Error('symmetricEigen: matrix is not square');
  const a = Float64Array.from(s.data);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let total = 0;
  for (let i = 0; i < n * n; i++) total += (a[i] as number) ** 2;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += (a[p * n + q] as number) ** 2;
    if (off <= tol * tol * total || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q] as number;
        if (Math.abs(apq) < 1e-300) continue;
        const app = a[p * n + p] as number;
        const aqq = a[q * n + q] as number;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const sn = t * c;
        // Rotate rows/columns p and q of a (kept symmetric), and columns p, q of v.
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p] as number;
          const akq = a[k * n + q] as number;
          a[k * n + p] = c * akp - sn * akq;
          a[k * n + q] = sn * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k] as number;
          const aqk = a[q * n + k] as number;
          a[p * n + k] = c * apk - sn * aqk;
          a[q * n + k] = sn * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p] as number;
          const vkq = v[k * n + q] as number;
          v[k * n + p] = c * vkp - sn * vkq;
          v[k * n + q] = sn * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => (a[y * n + y] as number) - (a[x * n + x] as number));
  const values = new Float64Array(n);
  const vectors = dense(n, n);
  order.forEach((src, dst) => {
    values[dst] = a[src * n + src] as number;
    for (let k = 0; k < n; k++) vectors.data[k * n + dst] = v[k * n + src] as number;
  });
  return { values, vectors };
}

/**
 * Cholesky factor (upper triangular R with R^T R = G) of a symmetric positive definite matrix, or null
 * when G is not numerically positive definite.
 */
export function cholesky(g: Dense): Dense | null {
  const n = g.rows;
  const r = dense(n, n);
  const rd = r.data;
  const gd = g.data;
  for (let j = 0; j < n; j++) {
    let d = gd[j * n + j] as number;
    for (let k = 0; k < j; k++) d -= (rd[k * n + j] as number) ** 2;
    if (!(d > 1e-13 * Math.abs(gd[j * n + j] as number)) || d <= 0) return null;
    const rjj = Math.sqrt(d);
    rd[j * n + j] = rjj;
    for (let i = j + 1; i < n; i++) {
      let s = gd[j * n + i] as number;
      for (let k = 0; k < j; k++) s -= (rd[k * n + j] as number) * (rd[k * n + i] as number);
      rd[j * n + i] = s / rjj;
    }
  }
  return r;
}

/** Inverse of an upper triangular matrix (upper triangular). */
function upperInverse(r: Dense): Dense {
  const n = r.rows;
  const inv = dense(n, n);
  const rd = r.data;
  const id = inv.data;
  for (let j = n - 1; j >= 0; j--) {
    id[j * n + j] = 1 / (rd[j * n + j] as number);
    for (let i = j - 1; i >= 0; i--) {
      let s = 0;
      for (let k = i + 1; k <= j; k++) s += (rd[i * n + k] as number) * (id[k * n + j] as number);
      id[i * n + j] = -s / (rd[i * n + i] as number);
    }
  }
  return inv;
}

/** X (n x l) times an upper triangular U (l x l), skipping U's zero lower half. */
function mulUpper(x: Dense, u: Dense): Dense {
  const l = x.cols;
  const out = dense(x.rows, l);
  const od = out.data;
  const xd = x.data;
  const ud = u.data;
  for (let i = 0; i < x.rows; i++) {
    const o = i * l;
    for (let a = 0; a < l; a++) {
      const v = xd[o + a] as number;
      if (v === 0) continue;
      const uo = a * l;
      for (let c = a; c < l; c++) od[o + c] = (od[o + c] as number) + v * (ud[uo + c] as number);
    }
  }
  return out;
}

/**
 * Orthonormal basis of the columns of a tall matrix by Cholesky QR (Q = X R^-1 with R^T R = X^T X),
 * the cheapest stable choice when X is well conditioned; falls back to `orthonormalize` otherwise.
 */
export function choleskyQr(x: Dense): Dense {
  const r = cholesky(gram(x));
  return r ? mulUpper(x, upperInverse(r)) : orthonormalize(x, 2);
}

/**
 * Orthonormal basis of the column space of a tall matrix, via the eigen-decomposition of its Gram
 * matrix (Q = X W Λ^-1/2); a second pass restores orthogonality to machine precision. Directions with negligible energy are zeroed.
 */
export function orthonormalize(x: Dense, passes = 2): Dense {
  let q = x;
  for (let pass = 0; pass < passes; pass++) {
    const { values, vectors } = symmetricEigen(gram(q));
    const l = q.cols;
    const max = values[0] ?? 0;
    const w = dense(l, l);
    for (let c = 0; c < l; c++) {
      const lam = values[c] as number;
      const s = lam > max * 1e-12 && lam > 0 ? 1 / Math.sqrt(lam) : 0;
      for (let r = 0; r < l; r++) w.data[r * l + c] = (vectors.data[r * l + c] as number) * s;
    }
    q = mulSmall(q, w);
  }
  return q;
}

/** Deterministic pseudo-random generator (mulberry32), so that training is reproducible. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples by Box-Muller. */
export function gaussian(rows: number, cols: number, seed: number): Dense {
  const r = rng(seed);
  const m = dense(rows, cols);
  for (let i = 0; i < m.data.length; i += 2) {
    const u = Math.max(r(), 1e-12);
    const v = r();
    const rad = Math.sqrt(-2 * Math.log(u));
    m.data[i] = rad * Math.cos(2 * Math.PI * v);
    if (i + 1 < m.data.length) m.data[i + 1] = rad * Math.sin(2 * Math.PI * v);
  }
  return m;
}

export interface TruncatedSvd {
  /** Singular values, decreasing. */
  sigma: Float64Array;
  /** Right singular vectors as the columns of an m x k matrix (one row per column of A). */
  v: Dense;
}

/**
 * Top-k singular values and right singular vectors of a sparse n x m matrix A by randomized subspace
 * iteration on A^T A (Halko, Martinsson & Tropp 2011, alg. 4.4, on the row space): a random m x l
 * start (l = k + oversample), `powerIters` + 1 products with A^T A, each followed by an
 * orthonormalisation of the m x l basis Z, then a Rayleigh-Ritz step: the eigen-decomposition
 * (AZ)^T (AZ) = W Λ W^T gives V = Z W and σ = sqrt(Λ). Only m x l and l x l dense matrices are
 * orthonormalised or decomposed, never an n x l one, which keeps it fast when n is large.
 */
export function randomizedSvd(
  a: Csr,
  k: number,
  opts: { oversample?: number; powerIters?: number; seed?: number; onProgress?: (step: string) => void } = {},
): TruncatedSvd {
  const l = Math.min(k + (opts.oversample ?? 16), a.cols, a.rows);
  const kk = Math.min(k, l);
  const log = opts.onProgress ?? (() => {});
  const at = csrTranspose(a);
  // Each basis is well conditioned (a Gaussian start is; one product with
  // A^T A multiplies the condition number by at most (σ1/σl)^2), so Cholesky QR is enough.
  let z = gaussian(a.cols, l, opts.seed ?? 42);
  const iters = (opts.powerIters ?? 2) + 1;
  for (let it = 0; it < iters; it++) {
    z = choleskyQr(csrMulDense(at, csrMulDense(a, z)));
    log(`subspace iteration ${it + 1}/${iters}`);
  }
  const { values, vectors } = symmetricEigen(gram(csrMulDense(a, z)));
  const sigma = new Float64Array(kk);
  const w = dense(l, kk);
  for (let c = 0; c < kk; c++) {
    sigma[c] = Math.sqrt(Math.max(values[c] as number, 0));
    for (let r = 0; r < l; r++) w.data[r * kk + c] = vectors.data[r * l + c] as number;
  }
  return { sigma, v: mulSmall(z, w) };
}
