/** The branch-free mask kernels give the same bits as the branchy loops they replace. */
import { describe, expect, it } from 'vitest';
import { reluInto, selectPositive } from './masks.js';

const bitsOf = (f: Float32Array) => Array.from(new Int32Array(f.buffer, f.byteOffset, f.length));

/** Specials (signed zeros, infinities, NaNs of both signs, denormals, extremes) and random values. */
function values(): Float32Array {
  const specials = new Float32Array([
    0,
    -0,
    1,
    -1,
    Infinity,
    -Infinity,
    NaN,
    1e-45,
    -1e-45,
    1.17549435e-38,
    -1.17549435e-38,
    3.4028235e38,
    -3.4028235e38,
    0.5,
    -0.5,
  ]);
  const negNaN = new Float32Array(
    new Int32Array([0xffc00000 | 0, 0x7fc00001, 0xff800001 | 0]).buffer,
  );
  const random = new Float32Array(997);
  let s = 12345;
  for (let i = 0; i < random.length; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    random[i] = (s / 0x7fffffff - 0.5) * 10 ** ((s % 9) - 4);
  }
  const all = new Float32Array(specials.length + negNaN.length + random.length);
  all.set(specials);
  all.set(negNaN, specials.length);
  all.set(random, specials.length + negNaN.length);
  return all;
}

describe('reluInto', () => {
  it('equals v > 0 ? v : v === v ? 0 : NaN bit for bit, also in place and on offset views', () => {
    const x = values();
    const expected = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      expected[i] = v > 0 ? v : v === v ? 0 : NaN;
    }
    const out = new Float32Array(x.length);
    reluInto(x, out);
    expect(bitsOf(out)).toEqual(bitsOf(expected));
    const inPlace = x.slice();
    reluInto(inPlace, inPlace);
    expect(bitsOf(inPlace)).toEqual(bitsOf(expected));
    const view = new Float32Array(x.length + 3).subarray(3);
    reluInto(x, view);
    expect(bitsOf(view)).toEqual(bitsOf(expected));
  });
});

describe('selectPositive', () => {
  it('equals where(y > 0, g, 0) bit for bit', () => {
    const y = values();
    const g = values().reverse();
    const expected = new Float32Array(y.length);
    for (let i = 0; i < y.length; i++) expected[i] = y[i] > 0 ? g[i] : 0;
    const out = new Float32Array(y.length);
    selectPositive(y, g, out);
    // NaN gradients pass through unchanged where y > 0: compare NaN as NaN, all else bit for bit.
    const canon = (f: Float32Array) => Float32Array.from(f, (v) => v);
    expect(bitsOf(canon(out))).toEqual(bitsOf(canon(expected)));
    for (let i = 0; i < y.length; i++) if (!(y[i] > 0)) expect(Object.is(out[i], 0)).toBe(true);
  });
});
