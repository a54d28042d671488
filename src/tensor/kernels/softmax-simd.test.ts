import { describe, expect, it } from 'vitest';
import { softmaxBackwardSimd, softmaxSimd } from './softmax-simd.js';

/** Float64 reference of softmax / logSoftmax over [outer, size, inner] along size. */
function reference(x: Float32Array, outer: number, size: number, inner: number, log: boolean) {
  const out = new Float64Array(x.length);
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < inner; j++) {
      const at = (k: number) => (o * size + k) * inner + j;
      let m = -Infinity;
      for (let k = 0; k < size; k++) m = Number.isNaN(x[at(k)]) ? NaN : Math.max(m, x[at(k)]);
      let s = 0;
      for (let k = 0; k < size; k++) s += Math.exp(x[at(k)] - m);
      for (let k = 0; k < size; k++)
        out[at(k)] = log ? x[at(k)] - m - Math.log(s) : Math.exp(x[at(k)] - m) / s;
    }
  return out;
}

function backwardReference(
  g: Float32Array,
  y: Float32Array,
  outer: number,
  size: number,
  inner: number,
  log: boolean,
) {
  const out = new Float64Array(g.length);
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < inner; j++) {
      const at = (k: number) => (o * size + k) * inner + j;
      let s = 0;
      for (let k = 0; k < size; k++) s += log ? g[at(k)] : g[at(k)] * y[at(k)];
      for (let k = 0; k < size; k++)
        out[at(k)] = log ? g[at(k)] - Math.exp(y[at(k)]) * s : y[at(k)] * (g[at(k)] - s);
    }
  return out;
}

function random(n: number, scale: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * scale;
  }
  return out;
}

function expectNear(got: Float32Array, want: Float64Array, rtol: number, atol: number) {
  expect(got.length).toBe(want.length);
  const bad: string[] = [];
  for (let i = 0; i < got.length && bad.length < 5; i++) {
    const w = want[i];
    const ok = Number.isNaN(w)
      ? Number.isNaN(got[i])
      : !Number.isFinite(w)
        ? got[i] === w
        : Math.abs(got[i] - w) <= atol + rtol * Math.abs(w);
    if (!ok) bad.push(`element ${i}: ${got[i]} vs ${w}`);
  }
  expect(bad).toEqual([]);
}

const layouts: [number, number, number][] = [
  [1, 1, 1],
  [3, 5, 1],
  [7, 4, 1],
  [2, 1030, 1],
  [40, 33, 1],
  [2, 6, 3],
  [3, 5, 8],
  [1, 40, 1029],
  [2, 3000, 13],
];

describe('softmax SIMD kernels', () => {
  for (const [outer, size, inner] of layouts)
    for (const log of [false, true])
      it(`${log ? 'logSoftmax' : 'softmax'} over [${outer}, ${size}, ${inner}] is within a few ulp`, () => {
        const x = random(outer * size * inner, 40, outer + size + inner);
        const y = softmaxSimd(x, outer, size, inner, log);
        if (y === null) return; // no WebAssembly SIMD here: the JavaScript kernels run instead
        expectNear(y, reference(x, outer, size, inner, log), 4e-6, log ? 4e-6 : 1e-12);
        const g = random(x.length, 2, 7);
        const gx = softmaxBackwardSimd(g, y, outer, size, inner, log);
        expectNear(gx!, backwardReference(g, y, outer, size, inner, log), 1e-5, 1e-5);
      });

  it('exp is accurate across its range, subnormals and underflow included', () => {
    // logSoftmax of [0, v] is v - log(1 + e^v); softmax gives e^v / (1 + e^v) for the second.
    const vs = [-0.5, -1, -20, -80, -87.5, -90, -100, -103.5, -104, -110, -200, -1e30];
    for (const v of vs) {
      const y = softmaxSimd(Float32Array.of(0, v), 1, 2, 1, false);
      if (y === null) return;
      const want = Math.fround(Math.exp(Math.fround(v)) / (1 + Math.exp(Math.fround(v))));
      const tol = Math.max(2 ** -149, Math.abs(want) * 3e-7);
      expect(Math.abs(y[1] - want), `v = ${v}: ${y[1]} vs ${want}`).toBeLessThanOrEqual(tol);
    }
  });

  it('NaN and infinities follow the float arithmetic of the formula', () => {
    const cases: [number[], number[]][] = [
      [
        [1, NaN, 2],
        [NaN, NaN, NaN],
      ],
      [
        [-Infinity, -Infinity],
        [NaN, NaN],
      ],
      [
        [Infinity, 1],
        [NaN, NaN],
      ],
      [
        [0, -Infinity, 0],
        [0.5, 0, 0.5],
      ],
      [
        [3, 3, 3, 3, 3],
        [0.2, 0.2, 0.2, 0.2, 0.2],
      ],
    ];
    for (const [x, want] of cases) {
      const y = softmaxSimd(Float32Array.from(x), 1, x.length, 1, false);
      if (y === null) return;
      expect(Array.from(y)).toEqual(want.map(Math.fround));
      const c = softmaxSimd(Float32Array.from(x), 1, x.length, 1, false);
      expect(Array.from(c!)).toEqual(Array.from(y));
    }
  });

  it('empty inputs give empty outputs', () => {
    expect(softmaxSimd(new Float32Array(0), 0, 5, 1, true)?.length ?? 0).toBe(0);
    expect(softmaxSimd(new Float32Array(0), 3, 0, 2, false)?.length ?? 0).toBe(0);
  });
});
