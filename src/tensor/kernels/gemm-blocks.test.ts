/**
 * The SIMD GEMM computes large products in blocks of rows so its scratch memory stays bounded (and
 * its addresses far below 2^32) at any size. Blocking must not change a single bit, and the packed
 * panels (unrolled for whole panels, looped for the ragged last one) must hold the same values.
 */
import { describe, expect, it } from 'vitest';
import { gemmSimd } from './gemm-simd.js';
import type { Mat } from './matmul.js';

let seed = 11;
const rnd = (n: number) =>
  Float32Array.from({ length: n }, () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff - 0.5;
  });

const rowMajor = (rows: number, cols: number): Mat => ({
  buffer: rnd(rows * cols + 5),
  offset: 5,
  rowStride: cols,
  colStride: 1,
});
const transposed = (rows: number, cols: number): Mat => ({
  buffer: rnd(rows * cols),
  offset: 0,
  rowStride: 1,
  colStride: rows,
});

describe('gemmSimd in row blocks', () => {
  for (const [m, k, n] of [
    [37, 300, 29],
    [64, 513, 40],
    [9, 1, 17],
  ]) {
    it(`gives the same bits for ${m}x${k}x${n} with a scratch of a few rows as in one block`, () => {
      for (const [a, b] of [
        [rowMajor(m, k), rowMajor(k, n)],
        [transposed(m, k), transposed(k, n)],
      ]) {
        const whole = new Float32Array(m * n);
        const blocked = new Float32Array(m * n);
        expect(gemmSimd(a, b, m, k, n, whole, 0)).toBe(true);
        // Room for the B panel and 4 to 8 rows: many row blocks, the last one ragged.
        const bBytes = Math.min(k, 256) * Math.ceil(n / 8) * 8 * 4;
        const rowBytes = (Math.min(k, 256) + Math.ceil(n / 8) * 8) * 4;
        expect(gemmSimd(a, b, m, k, n, blocked, 0, bBytes + 6 * rowBytes)).toBe(true);
        expect(Array.from(blocked)).toEqual(Array.from(whole));
      }
    });
  }

  it('declines (for the JavaScript kernels) when even one B panel exceeds the scratch', () => {
    const out = new Float32Array(4 * 4);
    expect(gemmSimd(rowMajor(4, 64), rowMajor(64, 4), 4, 64, 4, out, 0, 1024)).toBe(false);
  });
});
