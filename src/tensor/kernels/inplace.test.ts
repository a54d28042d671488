/** The bit-pattern clamp must equal the two-step float clamp (and PyTorch's signed zeros). */
import { describe, expect, it } from 'vitest';
import { clampRange, clampSymmetric, scaleRange } from './inplace.js';

const specials = [NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45, 3.4e38, -3.4e38];

function sample(n: number, seed: number): Float32Array {
  let s = seed;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] = s % 7 === 0 ? specials[s % specials.length] : (s / 2 ** 32 - 0.5) * 4;
  }
  return out;
}

const sameBits = (a: Float32Array, b: Float32Array) =>
  expect(Array.from(new Int32Array(a.buffer))).toEqual(Array.from(new Int32Array(b.buffer)));

describe('clampSymmetric', () => {
  for (const c of [0, 0.5, 1, 1.9, Infinity, 1e-45]) {
    it(`equals clamp_min(-c) then clamp_max(c) for c = ${c}, every length, offset and stride`, () => {
      for (let n = 0; n < 23; n++) {
        for (const [start, stride] of [
          [0, 1],
          [3, 1],
          [1, 2],
        ]) {
          const data = sample(40, n * 31 + start);
          const expected = data.slice();
          const count = Math.max(0, Math.min(n, Math.floor((40 - start) / stride)));
          clampSymmetric(data, start, count, c, stride);
          clampRange(expected, start, count, -c, c, stride);
          sameBits(data, expected);
        }
      }
    });
  }
});

describe('scaleRange', () => {
  it('scales exactly like a plain loop for every length and stride', () => {
    for (let n = 0; n < 11; n++) {
      for (const stride of [1, 3]) {
        const data = sample(40, n);
        const expected = data.slice();
        scaleRange(data, 2, n, 0.3, stride);
        for (let k = 0; k < n; k++) expected[2 + k * stride] *= 0.3;
        sameBits(data, expected);
      }
    }
  });
});
