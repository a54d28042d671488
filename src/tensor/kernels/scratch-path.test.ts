/**
 * Elementwise SIMD kernels over arrays that do not live in the arena (arenaElementwise copies them
 * through its scratch chunk by chunk) give the JavaScript loops' bits: plain operands and outputs,
 * mixed placements, in place, scalars, lengths across chunk boundaries and odd tails.
 */
import { describe, expect, it } from 'vitest';
import { ARENA_OPERAND_FLOATS, allocLongLived } from './arena.js';
import { addKernel, divKernel, mulKernel, subKernel } from './elementwise.js';
import { reluBackwardInto, reluInto, selectPositive } from './masks.js';
import { clamp, eq, ge, gt, le, lt, maximum, minimum, ne, where } from '../../ops/elementwise.js';
import { tensor } from '../creation.js';
import { leakyRelu } from '../../nn/functional/activation.js';

const bits = (f: Float32Array) => new Int32Array(f.buffer, f.byteOffset, f.length);

/** The first index where the two arrays' bits differ, or -1 (fast on long arrays). */
function firstDifference(got: Float32Array, want: Float32Array): number {
  const [g, w] = [bits(got), bits(want)];
  if (g.length !== w.length) return -2;
  for (let i = 0; i < g.length; i++) if (g[i] !== w[i]) return i;
  return -1;
}

let seed = 99;
function values(n: number): Float32Array {
  const out = new Float32Array(n);
  const specials = [0, -0, NaN, Infinity, -Infinity, 1e-45, -3.4e38];
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    out[i] = i % 97 < specials.length ? specials[i % 97]! : (seed / 0x7fffffff - 0.5) * 100;
  }
  return out;
}

/** `data` as a plain array or copied into an arena block. */
function place(data: Float32Array, inArena: boolean): Float32Array {
  if (!inArena) return data.slice();
  const block = allocLongLived(Math.max(data.length, 1 << 14), false).subarray(0, data.length);
  block.set(data);
  return block;
}

const LENGTHS = [64, 1001, 3 * ARENA_OPERAND_FLOATS + 6];
const PLACEMENTS: [boolean, boolean, boolean][] = [
  [false, false, false],
  [true, false, false],
  [false, true, false],
  [true, true, false],
  [false, false, true],
];
const BINARY = [
  ['add', addKernel, (x: number, y: number) => x + y],
  ['sub', subKernel, (x: number, y: number) => x - y],
  ['mul', mulKernel, (x: number, y: number) => x * y],
  ['div', divKernel, (x: number, y: number) => x / y],
] as const;

describe.each(BINARY)('%s through the scratch', (_name, kernel, f) => {
  it.each(LENGTHS)('same shape, every placement of a, b and out, n = %i', (n) => {
    const a = values(n);
    const b = values(n);
    const want = new Float32Array(n).map((_, i) => f(a[i]!, b[i]!));
    for (const [pa, pb, po] of PLACEMENTS) {
      const out = place(new Float32Array(n), po);
      kernel.same!(place(a, pa), place(b, pb), out);
      expect(firstDifference(out, want)).toBe(-1);
    }
  });

  it.each(LENGTHS)('scalar on either side and in place, n = %i', (n) => {
    const a = values(n);
    const s = 1.75;
    const right = new Float32Array(n).map((_, i) => f(a[i]!, s));
    const left = new Float32Array(n).map((_, i) => f(s, a[i]!));
    const out = new Float32Array(n);
    kernel.right!(a, s, out);
    expect(firstDifference(out, right)).toBe(-1);
    if (kernel.left) {
      kernel.left(s, a, out);
      expect(firstDifference(out, left)).toBe(-1);
    }
    const own = a.slice();
    kernel.same!(own, a, own);
    expect(
      firstDifference(
        own,
        new Float32Array(n).map((_, i) => f(a[i]!, a[i]!)),
      ),
    ).toBe(-1);
  });
});

describe('relu and its masks through the scratch', () => {
  it.each(LENGTHS)('match the loops on plain and mixed arrays, in place, n = %i', (n) => {
    const x = values(n);
    const g = values(n);
    // The references: the same kernels on arrays too short for SIMD (the JavaScript loops).
    const loop = (fn: (a: Float32Array, b: Float32Array, o: Float32Array) => void) => {
      const out = new Float32Array(n);
      for (let s = 0; s < n; s += 60) {
        const e = Math.min(s + 60, n);
        fn(x.subarray(s, e), g.subarray(s, e), out.subarray(s, e));
      }
      return out;
    };
    const reluWant = loop((a, _b, o) => reluInto(a, o));
    const selectWant = loop(selectPositive);
    const backwardWant = loop(reluBackwardInto);
    for (const [pa, pb, po] of PLACEMENTS) {
      const out = place(new Float32Array(n), po);
      reluInto(place(x, pa), out);
      expect(firstDifference(out, reluWant)).toBe(-1);
      selectPositive(place(x, pa), place(g, pb), out);
      expect(firstDifference(out, selectWant)).toBe(-1);
      reluBackwardInto(place(x, pa), place(g, pb), out);
      expect(firstDifference(out, backwardWant)).toBe(-1);
    }
    const own = g.slice();
    reluBackwardInto(x, own, own);
    expect(firstDifference(own, backwardWant)).toBe(-1);
  });
});

describe('comparisons, maximum, minimum and clamp on the SIMD kernels', () => {
  const nanBits = new Float32Array(new Int32Array([0x7f800001, 0xffc12345 | 0]).buffer);
  /** Values with specials, NaN payloads, ties (every 5th element of y equals x) and ±0 pairs. */
  function pair(n: number): [Float32Array, Float32Array] {
    const x = values(n);
    const y = values(n);
    for (let i = 0; i < n; i += 5) y[i] = x[i]!;
    for (let i = 3; i < n; i += 50) [x[i], y[i]] = [0, -0];
    for (let i = 7; i < n; i += 50) [x[i], y[i]] = [-0, 0];
    x[11 % n] = nanBits[0]!;
    y[13 % n] = nanBits[1]!;
    return [x, y];
  }
  const ops = [
    ['eq', eq, (p: number, q: number) => (p === q ? 1 : 0)],
    ['ne', ne, (p: number, q: number) => (p !== q ? 1 : 0)],
    ['lt', lt, (p: number, q: number) => (p < q ? 1 : 0)],
    ['le', le, (p: number, q: number) => (p <= q ? 1 : 0)],
    ['gt', gt, (p: number, q: number) => (p > q ? 1 : 0)],
    ['ge', ge, (p: number, q: number) => (p >= q ? 1 : 0)],
    ['maximum', maximum, (p: number, q: number) => (p !== p || q !== q ? NaN : p > q ? p : q)],
    ['minimum', minimum, (p: number, q: number) => (p !== p || q !== q ? NaN : p < q ? p : q)],
  ] as const;
  it.each(ops)('%s: same shapes, a scalar, large and small tensors', (_name, op, f) => {
    for (const n of [1 << 15, 1001]) {
      const [x, y] = pair(n);
      const want = new Float32Array(n).map((_, i) => f(x[i]!, y[i]!));
      expect(firstDifference(op(tensor(x), tensor(y)).toFloat32Array(), want)).toBe(-1);
      const s = Math.fround(0.25);
      const right = new Float32Array(n).map((_, i) => f(x[i]!, s));
      expect(firstDifference(op(tensor(x), tensor(s)).toFloat32Array(), right)).toBe(-1);
      const left = new Float32Array(n).map((_, i) => f(s, x[i]!));
      expect(firstDifference(op(tensor(s), tensor(x)).toFloat32Array(), left)).toBe(-1);
    }
  });
  it('clamp: NaN payloads, ±0 at the bounds, bounds that are not float32 values, crossed bounds', () => {
    for (const n of [1 << 15, 1001]) {
      const [x] = pair(n);
      for (const [lo, hi] of [
        [-0.5, 0.5],
        [0, 0],
        [-0, 1e39],
        [0.1, 0.30000001],
        [2, 1],
        [-Infinity, 0.7],
        // Each pairing of signed zeros as bounds (pmax/pmin's ties), and one beside a nonzero bound.
        [-0, 0],
        [0, -0],
        [-0, -0],
        [-1, -0],
        [0, 2],
        [-3, 0],
      ]) {
        const want = new Float32Array(n).map((_, i) => {
          const v = x[i]!;
          return v !== v ? v : Math.min(Math.max(v, lo!), hi!);
        });
        expect(firstDifference(clamp(tensor(x), lo!, hi!).toFloat32Array(), want)).toBe(-1);
      }
    }
  });
});

describe('leakyRelu on the SIMD kernel', () => {
  it.each([0.01, 0.2, -1.5, 3])('forward and backward give the loops bits, slope %f', (slope) => {
    for (const n of [1 << 15, 1001]) {
      const x = values(n);
      const g = values(n).reverse();
      x[5] = new Float32Array(new Int32Array([0xffc12345 | 0]).buffer)[0]!;
      const want = new Float32Array(n).map((_, i) => (x[i]! > 0 ? x[i]! : x[i]! * slope));
      const wantGrad = new Float32Array(n).map((_, i) => (x[i]! > 0 ? g[i]! : g[i]! * slope));
      const t = tensor(x, { requiresGrad: true });
      const y = leakyRelu(t, slope);
      expect(firstDifference(y.toFloat32Array(), want)).toBe(-1);
      y.backward(tensor(g));
      expect(firstDifference(t.grad!.toFloat32Array(), wantGrad)).toBe(-1);
    }
  });
});

describe('where of contiguous tensors (one branch-free pass)', () => {
  it('gives the broadcast path bits: NaN and ±0 conditions, NaN payloads quieted; gradients', () => {
    const n = 4099;
    const c = values(n);
    for (let i = 0; i < n; i += 7) c[i] = i % 2 ? 0 : -0;
    const [x, y] = [values(n), values(n).reverse()];
    x[3] = new Float32Array(new Int32Array([0x7f800001]).buffer)[0]!;
    y[4] = new Float32Array(new Int32Array([0xff812345 | 0]).buffer)[0]!;
    c[4] = 0;
    const want = new Float32Array(n).map((_, i) => (c[i] !== 0 ? x[i]! : y[i]!));
    const xt = tensor(x, { requiresGrad: true });
    const yt = tensor(y, { requiresGrad: true });
    const out = where(tensor(c), xt, yt);
    expect(firstDifference(out.toFloat32Array(), want)).toBe(-1);
    // The same through the broadcast path (a [1, n] condition against [2, n] operands).
    const wide = where(
      tensor(c).reshape([1, n]),
      tensor(x).expand([2, n]).contiguous(),
      tensor(y).expand([2, n]).contiguous(),
    );
    expect(firstDifference(wide.toFloat32Array().subarray(0, n), want)).toBe(-1);
    out.backward(tensor(new Float32Array(n).fill(1)));
    expect(Array.from(xt.grad!.toFloat32Array())).toEqual(Array.from(c, (v) => (v !== 0 ? 1 : 0)));
    expect(Array.from(yt.grad!.toFloat32Array())).toEqual(Array.from(c, (v) => (v !== 0 ? 0 : 1)));
  });
});
