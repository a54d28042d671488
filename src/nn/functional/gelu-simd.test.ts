/**
 * gelu's SIMD kernel gives the bits of the JavaScript loops it replaces, forward and backward:
 * swept over runs of consecutive float32 values where erf switches formulas (|x·√½| = 1 and 4.5),
 * where the backward's exp turns subnormal and then zero, and where the kernel's own double lies
 * near a float32 rounding boundary (so the fallback runs); for random data, NaN payloads, infinities,
 * zeros and subnormals, in place and through the arena's scratch. scripts/checks/gelu-exhaustive.mjs
 * compares every float32 input (about eight minutes; not part of the suite).
 */
import { describe, expect, it } from 'vitest';
import { allocLongLived, inArena } from '../../tensor/kernels/arena.js';
import { erfFloat32 } from './erf.js';
import { geluSimd } from './gelu-simd.js';
import { gelu } from './activation.js';
import { tensor } from '../../tensor/creation.js';

// activation.ts's formulas, as its loops compute them.
const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const f = (x: number): number => x * 0.5 * (1 + erfFloat32(x * SQRT1_2));
const df = (g: number, x: number): number =>
  g *
  (0.5 * (1 + erfFloat32(x * SQRT1_2)) + x * INV_SQRT_2PI * Math.fround(Math.exp(-0.5 * x * x)));

let fallbacks = 0;
const run = geluSimd(
  (x) => (fallbacks++, f(x)),
  (g, x) => (fallbacks++, df(g, x)),
);

function inArenaCopy(values: Float32Array): Float32Array {
  const d = allocLongLived(Math.max(values.length, 1 << 14), false).subarray(0, values.length);
  d.set(values);
  expect(inArena(d)).toBe(true);
  return d;
}

/** The loop's bits and the kernel's bits (the kernel's leading multiple of 4, the loop the rest). */
function both(x: Float32Array, g: Float32Array | null, place: 'out' | 'x' | 'g' | 'plain' = 'out') {
  const want = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) want[i] = g === null ? f(x[i]!) : df(g[i]!, x[i]!);
  const xs = place === 'plain' ? x.slice() : inArenaCopy(x);
  const gs = g === null ? null : place === 'plain' ? g.slice() : inArenaCopy(g);
  const out =
    place === 'x'
      ? xs
      : place === 'g' && gs
        ? gs
        : place === 'plain'
          ? new Float32Array(x.length)
          : inArenaCopy(new Float32Array(x.length));
  const done = run(xs, gs, out);
  expect(done).toBe(x.length - (x.length & 3));
  return {
    want: new Int32Array(want.buffer),
    got: new Int32Array(out.buffer, out.byteOffset, done),
  };
}

function expectSame(x: Float32Array, g: Float32Array | null, place?: 'out' | 'x' | 'g' | 'plain') {
  const { want, got } = both(x, g, place);
  for (let i = 0; i < got.length; i++) {
    if (got[i] !== want[i]) {
      const xi = x[i]!;
      throw new Error(
        `gelu${g ? ' backward' : ''} at x = ${xi} (bits ${new Int32Array(Float32Array.of(xi).buffer)[0]!.toString(16)})${g ? `, g = ${g[i]}` : ''}: kernel ${got[i]!.toString(16)}, loop ${want[i]!.toString(16)}`,
      );
    }
  }
}

/** `count` consecutive float32 values from `start` upwards (by bit pattern). */
function run32(start: number, count: number): Float32Array {
  const first = new Int32Array(Float32Array.of(start).buffer)[0]!;
  const bits = new Int32Array(count);
  for (let i = 0; i < count; i++) bits[i] = start >= 0 ? first + i : first - i;
  return new Float32Array(bits.buffer);
}

function randomNormal(n: number, scale: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++)
    out[i] = scale * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  return out;
}

const SWEEP = 1 << 15;
// |x·√½| = 1 and 4.5 (erf's switches), exp(−x²/2) subnormal from |x| ≈ 13.216 and zero from
// |x| ≈ 14.42, and places in between.
const STARTS = [0.001, 0.7, Math.SQRT2 - 0.001, 2, 3.3, 4.5 * Math.SQRT2 - 0.001, 9, 13.2, 14.41];

describe('gelu on WebAssembly SIMD: the loops’ bits', () => {
  it('forward and backward over runs of consecutive float32 values', () => {
    const before = fallbacks;
    for (const start of STARTS)
      for (const sign of [1, -1]) {
        const x = run32(sign * start, SWEEP);
        expectSame(x, null);
        expectSame(x, randomNormal(SWEEP, 2, start * 1000));
      }
    // Near-boundary doubles do occur and go to the loop's functions.
    expect(fallbacks).toBeGreaterThan(before);
  });

  it('random data at several scales, in place and through the scratch', () => {
    for (const scale of [0.3, 1, 3, 20]) {
      const x = randomNormal(40003, scale, scale * 7);
      const g = randomNormal(40003, 1, scale * 11);
      for (const place of ['out', 'x', 'plain'] as const) {
        expectSame(x, null, place);
        expectSame(x, g, place);
      }
      expectSame(x, g, 'g');
    }
  });

  it('NaN payloads, infinities, zeros, subnormals and extremes in x and g', () => {
    const nanBits = [0x7fc00000, 0xffc00000, 0x7fa00001, 0xff800123 | 0, 0x7f800001];
    const nans = new Float32Array(new Int32Array(nanBits).buffer);
    const specials = Float32Array.of(
      0,
      -0,
      Infinity,
      -Infinity,
      1e-45,
      -1e-45,
      1.1754942e-38,
      -3.4028235e38,
      3.4028235e38,
      ...nans,
      1,
      -1,
    );
    const x = new Float32Array(specials.length * specials.length);
    const g = new Float32Array(x.length);
    for (let i = 0; i < specials.length; i++)
      for (let j = 0; j < specials.length; j++) {
        x[i * specials.length + j] = specials[i]!;
        g[i * specials.length + j] = specials[j]!;
      }
    expectSame(x, null);
    expectSame(x, g);
  });

  it('gelu() uses it: forward and backward match the loops on a tensor of 1e5 elements', () => {
    const data = randomNormal(100003, 1.5, 5);
    const t = tensor(data, { requiresGrad: true });
    const y = gelu(t);
    const want = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) want[i] = f(data[i]!);
    expect(new Int32Array(y.toFloat32Array().buffer)).toEqual(new Int32Array(want.buffer));
    y.sum().backward();
    for (let i = 0; i < data.length; i++) want[i] = df(1, data[i]!);
    expect(new Int32Array(t.grad!.toFloat32Array().buffer)).toEqual(new Int32Array(want.buffer));
  });
});
