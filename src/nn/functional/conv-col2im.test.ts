/**
 * col2im adds the rows of each patch plane inside the image as one run (on the SIMD add kernel)
 * when output rows are as long as the input's, with -0 in the padding columns between them; the
 * bits must be those of adding row by row: every value, +0 and -0, NaN, over paddings, dilations
 * and kernels that leave whole rows in the padding.
 */
import { describe, expect, it } from 'vitest';
import { col2im, type ConvGeometry } from './conv-kernels.js';
import { allocLongLived } from '../../tensor/kernels/arena.js';

/** The row-by-row loop: each patch row's elements inside the image added in order. */
function reference(g: ConvGeometry, cols: Float32Array, out: Float32Array): void {
  const { c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = g;
  let row = 0;
  for (let ci = 0; ci < c; ci++)
    for (let p = 0; p < kh; p++)
      for (let q = 0; q < kw; q++, row++)
        for (let i = 0; i < oh; i++)
          for (let j = 0; j < ow; j++) {
            const y = i * sh - ph + p * dh;
            const x = j * sw - pw + q * dw;
            if (y >= 0 && y < h && x >= 0 && x < w)
              out[ci * h * w + y * w + x] += cols[row * oh * ow + i * ow + j]!;
          }
}

let seed = 11;
function values(n: number): Float32Array {
  const out = allocLongLived(Math.max(n, 1 << 14), false).subarray(0, n);
  const specials = [0, -0, -0, NaN, 1e-45, -3e38, 3e38];
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    out[i] = i % 5 === 0 ? specials[(i / 5) % specials.length]! : (seed / 0x7fffffff - 0.5) * 8;
  }
  return out;
}

const bits = (f: Float32Array) => Array.from(new Uint32Array(f.buffer, f.byteOffset, f.length));

describe('col2im', () => {
  // [c, h, w, kh, kw, ph, pw, dh, dw]: output rows as long as the input's (ow = w).
  const cases = [
    [3, 9, 11, 3, 3, 1, 1, 1, 1],
    [2, 7, 6, 5, 5, 2, 2, 1, 1],
    [2, 9, 9, 3, 3, 2, 2, 2, 2],
    [2, 4, 6, 7, 3, 3, 1, 1, 1],
    [3, 5, 5, 3, 3, 3, 1, 3, 1],
    [4, 32, 32, 3, 3, 1, 1, 1, 1],
  ];
  for (const [c, h, w, kh, kw, ph, pw, dh, dw] of cases)
    it(`adds the rows' bits: c ${c}, ${h}x${w}, kernel ${kh}x${kw}, padding ${ph},${pw}, dilation ${dh},${dw}`, () => {
      const oh = h! + 2 * ph! - dh! * (kh! - 1);
      const ow = w! + 2 * pw! - dw! * (kw! - 1);
      expect(ow).toBe(w);
      const g: ConvGeometry = {
        n: 1,
        c: c!,
        h: h!,
        w: w!,
        o: 1,
        kh: kh!,
        kw: kw!,
        sh: 1,
        sw: 1,
        ph: ph!,
        pw: pw!,
        dh: dh!,
        dw: dw!,
        groups: 1,
        oh,
        ow,
      };
      for (const fill of [null, -0]) {
        // Random values with specials, and all -0 (which any +0 added would turn into +0).
        const cols = values(c! * kh! * kw! * oh * ow);
        const start = values(c! * h! * w!);
        if (fill !== null) {
          cols.fill(fill);
          start.fill(fill);
        }
        const want = Float32Array.from(start);
        reference(g, Float32Array.from(cols), want);
        const got = allocLongLived(Math.max(start.length, 1 << 14), false).subarray(
          0,
          start.length,
        );
        got.set(start);
        col2im(g, cols, got, 0);
        expect(bits(got)).toEqual(bits(want));
      }
    });
});
