import { gemmSimd } from './gemm-simd.js';
import { GEMM_SIMD_MIN_WORK } from './simd.js';

/**
 * Pure matrix-multiply kernels on strided 2-D operands. Transposed operands (as in `Linear`'s
 * backward) are read in place, never materialised.
 */

/** A 2-D strided matrix: element (r, c) is `buffer[offset + r * rowStride + c * colStride]`. */
export interface Mat {
  readonly buffer: Float32Array;
  readonly offset: number;
  readonly rowStride: number;
  readonly colStride: number;
}

/** out[m, n] (row-major at `outOffset`) = A[m, k] · B[k, n]: the shape every GEMM kernel here has. */
export type GemmKernel = (
  a: Mat,
  b: Mat,
  m: number,
  k: number,
  n: number,
  out: Float32Array,
  outOffset: number,
) => void;

function packRowMajor(a: Mat, rows: number, cols: number): Mat {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++)
      out[r * cols + c] = a.buffer[a.offset + r * a.rowStride + c * a.colStride];
  }
  return { buffer: out, offset: 0, rowStride: cols, colStride: 1 };
}

/** Row-major (`colStride` 1), column-major (`rowStride` 1), or neither (then packed). */
function layoutOf(a: Mat, rows: number, cols: number): { mat: Mat; transposed: boolean } {
  if (a.colStride === 1 || cols === 1) return { mat: { ...a, colStride: 1 }, transposed: false };
  if (a.rowStride === 1 || rows === 1) return { mat: a, transposed: true };
  return { mat: packRowMajor(a, rows, cols), transposed: false };
}

/**
 * out[m, n] (row-major at `outOffset`) = A[m, k] · B[k, n]: WebAssembly SIMD for all but tiny
 * products (float32 accumulation, as BLAS), the JavaScript kernels otherwise (float64 accumulation).
 */
export const gemm: GemmKernel = (a, b, m, k, n, out, outOffset) => {
  if (m === 0 || n === 0) return;
  if (k === 0) {
    out.fill(0, outOffset, outOffset + m * n);
    return;
  }
  if (m * n * k >= GEMM_SIMD_MIN_WORK && gemmSimd(a, b, m, k, n, out, outOffset)) return;
  gemmJs(a, b, m, k, n, out, outOffset);
};

/** The JavaScript kernels: used for small products and where WebAssembly SIMD is unavailable. */
export const gemmJs: GemmKernel = (a, b, m, k, n, out, outOffset) => {
  const A = layoutOf(a, m, k);
  const B = layoutOf(b, k, n);
  if (!A.transposed && !B.transposed) gemmNN(A.mat, B.mat, m, k, n, out, outOffset);
  else if (!A.transposed && B.transposed) gemmNT(A.mat, B.mat, m, k, n, out, outOffset);
  else if (A.transposed && !B.transposed) gemmTN(A.mat, B.mat, m, k, n, out, outOffset);
  else gemmNT(packRowMajor(a, m, k), B.mat, m, k, n, out, outOffset);
};

/** A and B row-major: rows of B stream through a float64 row accumulator. */
const gemmNN: GemmKernel = (a, b, m, k, n, out, oo) => {
  const A = a.buffer;
  const B = b.buffer;
  const lda = a.rowStride;
  const ldb = b.rowStride;
  const acc = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    acc.fill(0);
    const ai = a.offset + i * lda;
    for (let p = 0; p < k; p++) {
      const av = A[ai + p];
      const bp = b.offset + p * ldb;
      for (let j = 0; j < n; j++) acc[j] += av * B[bp + j];
    }
    const base = oo + i * n;
    for (let j = 0; j < n; j++) out[base + j] = acc[j];
  }
};

/** A row-major, B column-major (B given as its transpose, row-major): dot products of rows. */
const gemmNT: GemmKernel = (a, b, m, k, n, out, oo) => {
  const A = a.buffer;
  const B = b.buffer;
  const lda = a.rowStride;
  const ldb = b.colStride;
  for (let i = 0; i < m; i++) {
    const ai = a.offset + i * lda;
    for (let j = 0; j < n; j++) {
      const bj = b.offset + j * ldb;
      let s = 0;
      for (let p = 0; p < k; p++) s += A[ai + p] * B[bj + p];
      out[oo + i * n + j] = s;
    }
  }
};

/** A column-major, B row-major: outer products accumulated into a float64 block. */
const gemmTN: GemmKernel = (a, b, m, k, n, out, oo) => {
  const A = a.buffer;
  const B = b.buffer;
  const lda = a.colStride;
  const ldb = b.rowStride;
  const acc = new Float64Array(m * n);
  for (let p = 0; p < k; p++) {
    const ap = a.offset + p * lda;
    const bp = b.offset + p * ldb;
    for (let i = 0; i < m; i++) {
      const av = A[ap + i];
      const base = i * n;
      for (let j = 0; j < n; j++) acc[base + j] += av * B[bp + j];
    }
  }
  for (let i = 0; i < m * n; i++) out[oo + i] = acc[i];
};
