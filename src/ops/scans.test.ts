/** Scans over any dim give the float64 running sums and products of a plain per-lane loop, bit for bit. */
import { describe, expect, it } from 'vitest';
import { cumprod, cumsum } from './scans.js';
import { tensor } from '../tensor/creation.js';

/** The reference: each lane along `dim` accumulated in float64, in order, stored as float32. */
function reference(
  data: Float32Array,
  shape: number[],
  dim: number,
  product: boolean,
): Float32Array {
  const post = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  const len = shape[dim]!;
  const pre = data.length / (len * post);
  const out = new Float32Array(data.length);
  for (let p = 0; p < pre; p++)
    for (let q = 0; q < post; q++) {
      let acc = product ? 1 : 0;
      for (let k = 0; k < len; k++) {
        const i = (p * len + k) * post + q;
        acc = product ? acc * data[i]! : acc + data[i]!;
        out[i] = acc;
      }
    }
  return out;
}

describe('cumsum and cumprod over every dim', () => {
  const shape = [3, 50, 7];
  const data = new Float32Array(3 * 50 * 7).map(
    (_, i) => Math.sin(i * 12.9898) * 1.7 + (i % 13 === 0 ? 1e-7 : 0),
  );
  it.each([0, 1, 2])('dim %i', (dim) => {
    const x = tensor(data, { shape });
    for (const [op, product] of [
      [cumsum, false],
      [cumprod, true],
    ] as const) {
      const got = new Int32Array(op(x, dim).toFloat32Array().buffer);
      expect(Array.from(got)).toEqual(
        Array.from(new Int32Array(reference(data, shape, dim, product).buffer)),
      );
    }
  });
  it('the gradient of cumsum over dim 0 is the reversed cumulative sum', () => {
    const x = tensor(data, { shape, requiresGrad: true });
    cumsum(x, 0).backward(tensor(data, { shape }));
    const rev = (d: Float32Array) => {
      const out = new Float32Array(d.length);
      const post = 50 * 7;
      for (let q = 0; q < post; q++) {
        let acc = 0;
        for (let k = 2; k >= 0; k--) out[k * post + q] = acc += d[k * post + q]!;
      }
      return out;
    };
    expect(Array.from(x.grad!.toFloat32Array())).toEqual(Array.from(rev(data)));
  });
});
