/** The SIMD and JavaScript GEMM kernels against a float64 reference, over shapes and layouts. */
import { describe, expect, it } from 'vitest';
import { gemmJs, type GemmKernel, type Mat } from './matmul.js';
import { gemmSimd, simdAvailable } from './gemm-simd.js';

function reference(a: Mat, b: Mat, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        s +=
          a.buffer[a.offset + i * a.rowStride + p * a.colStride] *
          b.buffer[b.offset + p * b.rowStride + j * b.colStride];
      }
      out[i * n + j] = s;
    }
  }
  return out;
}

let seed = 7;
const rnd = (n: number) =>
  Float32Array.from({ length: n }, () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff - 0.5;
  });

/** A [rows, cols] matrix stored row-major or transposed, with a leading offset of 3. */
function matrix(rows: number, cols: number, transposed: boolean): Mat {
  const buffer = rnd(rows * cols + 3);
  return transposed
    ? { buffer, offset: 3, rowStride: 1, colStride: rows }
    : { buffer, offset: 3, rowStride: cols, colStride: 1 };
}

describe('gemm kernels', () => {
  it('WebAssembly SIMD is available on this platform', () => expect(simdAvailable()).toBe(true));

  const shapes: Array<[number, number, number]> = [
    [1, 1, 1],
    [2, 3, 4],
    [5, 7, 3],
    [16, 16, 16],
    [17, 33, 9],
    [64, 64, 64],
    [3, 300, 5],
    [33, 1, 65],
    [100, 37, 13],
  ];
  const kernels: Array<[string, GemmKernel]> = [
    ['simd', (a, b, m, k, n, out, o) => expect(gemmSimd(a, b, m, k, n, out, o)).toBe(true)],
    ['js', gemmJs],
  ];
  for (const [kernelName, gemm] of kernels)
    for (const [m, k, n] of shapes) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          it(`${kernelName}: [${m}, ${k}] x [${k}, ${n}] (A${ta ? 'ᵀ' : ''} B${tb ? 'ᵀ' : ''})`, () => {
            const a = matrix(m, k, ta);
            const b = matrix(k, n, tb);
            const out = new Float32Array(m * n + 2).fill(NaN);
            gemm(a, b, m, k, n, out, 1);
            const ref = reference(a, b, m, k, n);
            expect(Number.isNaN(out[0]) && Number.isNaN(out[m * n + 1])).toBe(true);
            ref.forEach((v, i) =>
              expect(Math.abs(out[1 + i] - v)).toBeLessThan(1e-5 * Math.sqrt(k) + 1e-6),
            );
          });
        }
      }
    }

  for (const [kernelName, gemm] of kernels) {
    it(`${kernelName}: propagates NaN and infinity like IEEE arithmetic`, () => {
      const m = 20;
      const a = matrix(m, m, false);
      const b = matrix(m, m, false);
      a.buffer[3] = NaN; // row 0
      b.buffer[3 + 5] = Infinity; // column 5
      const out = new Float32Array(m * m);
      gemm(a, b, m, m, m, out, 0);
      expect(Number.isNaN(out[0])).toBe(true);
      expect(Math.abs(out[m + 5])).toBe(Infinity);
    });
  }
});
