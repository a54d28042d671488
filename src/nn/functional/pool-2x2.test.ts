/**
 * maxPool2d's 2×2, stride-2 windows run unrolled; values and indices must be the general loop's:
 * NaN takes over (a later NaN too), a tie keeps the first (+0 before -0 and the reverse), -inf
 * windows keep their first place.
 */
import { describe, expect, it } from 'vitest';
import { tensor } from '../../tensor/creation.js';
import { maxPool2d } from './pool.js';
import type { Tensor } from '../../tensor/tensor.js';

/** The general loop's rule over each window, in row-major order. */
function reference(x: Float32Array, planes: number, H: number, W: number) {
  const OH = H >> 1;
  const OW = W >> 1;
  const values = new Float32Array(planes * OH * OW);
  const indices = new Float32Array(planes * OH * OW);
  let o = 0;
  for (let p = 0; p < planes; p++)
    for (let i = 0; i < OH; i++)
      for (let j = 0; j < OW; j++, o++) {
        let best = -Infinity;
        let at = 2 * i * W + 2 * j;
        for (const [y, xx] of [
          [2 * i, 2 * j],
          [2 * i, 2 * j + 1],
          [2 * i + 1, 2 * j],
          [2 * i + 1, 2 * j + 1],
        ]) {
          const v = x[p * H * W + y! * W + xx!]!;
          if (v > best || v !== v) {
            best = v;
            at = y! * W + xx!;
          }
        }
        values[o] = best;
        indices[o] = at;
      }
  return { values, indices };
}

const bits = (t: Tensor) => Array.from(new Uint32Array(t.toFloat32Array().buffer));

describe('maxPool2d 2×2', () => {
  it("gives the general loop's values and indices", () => {
    const [N, C, H, W] = [2, 3, 10, 12];
    const data = new Float32Array(N * C * H * W);
    const specials = [NaN, 0, -0, -Infinity, Infinity, 1, 1];
    let seed = 3;
    for (let i = 0; i < data.length; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      data[i] =
        seed % 3 === 0
          ? specials[seed % specials.length]!
          : Math.round((seed / 0x7fffffff) * 4) - 2;
    }
    const x = tensor(data, { shape: [N, C, H, W] });
    const [values, indices] = maxPool2d(x, 2, { returnIndices: true }) as [Tensor, Tensor];
    const want = reference(data, N * C, H, W);
    expect(bits(values)).toEqual(Array.from(new Uint32Array(want.values.buffer)));
    expect(indices.toFloat32Array()).toEqual(want.indices);
  });
});
