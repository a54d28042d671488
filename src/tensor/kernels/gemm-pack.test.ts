/**
 * The GEMM's packing in WebAssembly (block copies, 4x4 transposes, element by element) writes the
 * same panels as the JavaScript packing, for every stride pattern and partial panel.
 */
import { describe, expect, it } from 'vitest';
import { packPanels, packPanelsInKernel } from './gemm-simd.js';
import { simdSupported } from './simd.js';

const suite = simdSupported() ? describe : describe.skip;

suite('GEMM panel packing in WebAssembly', () => {
  it('gives the JavaScript packing’s panels', () => {
    const src = Float32Array.from({ length: 40000 }, (_, i) => Math.sin(i) * 1000 + i);
    let cases = 0;
    for (const width of [4, 8])
      for (const rows of [1, 3, 4, 5, 8, 9, 16, 21])
        for (const k of [1, 2, 3, 4, 5, 7, 8, 13, 32])
          for (const [rs, ps] of [
            [1, rows], // rows contiguous along the panel (block copies)
            [k, 1], // rows running along k (4x4 transposes)
            [2 * k + 3, 1], // a slice of wider rows
            [1, 2 * rows + 1],
            [3, 7 * rows], // neither
            [0, 1], // expanded rows
            [1, 0], // expanded along k
          ]) {
            const off = 11;
            const expected = new Float32Array(Math.ceil(rows / width) * width * k);
            packPanels(expected, 0, src, off, rs, ps, rows, k, width);
            const got = packPanelsInKernel(src, off, rs, ps, rows, k, width)!;
            expect(got).toEqual(expected);
            cases++;
          }
    expect(cases).toBe(2 * 8 * 9 * 7);
  });
});
