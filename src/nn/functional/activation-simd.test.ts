/**
 * The gelu and silu SIMD kernels give the bits of the JavaScript loops they replace, forward and
 * backward: swept over runs of consecutive float32 values where gelu's erf switches formulas
 * (|x·√½| = 1 and 4.5), where an exp turns subnormal, zero or infinite, and where the kernel's own
 * double lies near a float32 rounding boundary (so the fallback runs); for random data, NaN
 * payloads, infinities, zeros and subnormals, in place and through the arena's scratch.
 * scripts/checks/activations-exhaustive.mjs compares every float32 input (not part of the suite).
 */
import { describe, expect, it } from 'vitest';
import { allocLongLived, inArena } from '../../tensor/kernels/arena.js';
import { erfFloat32 } from './erf.js';
import { activationSimd } from './activation-simd.js';
import { gelu, silu } from './activation.js';
import { tensor } from '../../tensor/creation.js';
import type { Tensor } from '../../tensor/tensor.js';

// activation.ts's formulas, as its loops compute them.
const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const exp32 = (v: number): number => Math.fround(Math.exp(v));
const FORMULAS = {
  gelu: {
    f: (x: number): number => x * 0.5 * (1 + erfFloat32(x * SQRT1_2)),
    df: (g: number, x: number): number =>
      g * (0.5 * (1 + erfFloat32(x * SQRT1_2)) + x * INV_SQRT_2PI * exp32(-0.5 * x * x)),
    op: gelu as (x: Tensor) => Tensor,
    // |x·√½| = 1 and 4.5 (erf's switches), exp(−x²/2) subnormal from |x| ≈ 13.216 and zero from
    // |x| ≈ 14.42, and places in between.
    starts: [0.001, 0.7, Math.SQRT2 - 0.001, 2, 3.3, 4.5 * Math.SQRT2 - 0.001, 9, 13.2, 14.41],
  },
  silu: {
    f: (x: number): number => x / (1 + exp32(-x)),
    df: (g: number, x: number): number => {
      const s = 1 / (1 + exp32(-x));
      return g * s * (1 + x * (1 - s));
    },
    op: silu as (x: Tensor) => Tensor,
    // exp(−x) subnormal from x ≈ 87.34, zero from x ≈ 103.97, infinite below x ≈ −88.72.
    starts: [0.001, 0.5, 3, 17, 87.3, 103.9, 88.7],
  },
} as const;

let fallbacks = 0;

function inArenaCopy(values: Float32Array): Float32Array {
  const d = allocLongLived(Math.max(values.length, 1 << 14), false).subarray(0, values.length);
  d.set(values);
  expect(inArena(d)).toBe(true);
  return d;
}

/** `count` consecutive float32 values from `start` away from zero (by bit pattern). */
function run32(start: number, count: number): Float32Array {
  const first = new Int32Array(Float32Array.of(start).buffer)[0]!;
  const bits = new Int32Array(count);
  for (let i = 0; i < count; i++) bits[i] = first + i;
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

const SWEEP = 1 << 14;

for (const [name, { f, df, op, starts }] of Object.entries(FORMULAS)) {
  const run = activationSimd(
    name as keyof typeof FORMULAS,
    (x) => (fallbacks++, f(x)),
    (g, x) => (fallbacks++, df(g, x)),
  );

  /** Compares the kernel (its leading multiple of 2) with the loop, bit for bit. */
  const expectSame = (
    x: Float32Array,
    g: Float32Array | null,
    place: 'out' | 'x' | 'g' | 'plain' = 'out',
  ) => {
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
    expect(done).toBeGreaterThanOrEqual(x.length - 3);
    const got = new Int32Array(out.buffer, out.byteOffset, done);
    const wantBits = new Int32Array(want.buffer);
    for (let i = 0; i < done; i++) {
      if (got[i] !== wantBits[i]) {
        throw new Error(
          `${name}${g ? ' backward' : ''} at x = ${x[i]}${g ? `, g = ${g[i]}` : ''}: kernel ${got[i]!.toString(16)}, loop ${wantBits[i]!.toString(16)}`,
        );
      }
    }
  };

  describe(`${name} on WebAssembly SIMD: the loops’ bits`, () => {
    it('forward and backward over runs of consecutive float32 values', () => {
      const before = fallbacks;
      for (const start of starts)
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
        const x = randomNormal(20003, scale, scale * 7);
        const g = randomNormal(20003, 1, scale * 11);
        for (const place of ['out', 'x', 'plain'] as const) {
          expectSame(x, null, place);
          expectSame(x, g, place);
        }
        expectSame(x, g, 'g');
      }
    });

    it('NaN payloads, infinities, zeros, subnormals and extremes in x and g', () => {
      const nanBits = [0x7fc00000, 0xffc00000 | 0, 0x7fa00001, 0xff800123 | 0, 0x7f800001];
      const nans = new Float32Array(new Int32Array(nanBits).buffer);
      const specials = Float32Array.of(
        ...[0, -0, Infinity, -Infinity, 1e-45, -1e-45, 1.1754942e-38, -3.4028235e38, 3.4028235e38],
        ...nans,
        ...[1, -1, 100, -100],
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

    it(`${name}() uses it: forward and backward match the loops on 1e5 elements`, () => {
      const data = randomNormal(100003, 1.5, 5);
      const t = tensor(data, { requiresGrad: true });
      const y = op(t);
      const want = new Float32Array(data.length);
      for (let i = 0; i < data.length; i++) want[i] = f(data[i]!);
      expect(new Int32Array(y.toFloat32Array().buffer)).toEqual(new Int32Array(want.buffer));
      y.sum().backward();
      for (let i = 0; i < data.length; i++) want[i] = df(1, data[i]!);
      expect(new Int32Array(t.grad!.toFloat32Array().buffer)).toEqual(new Int32Array(want.buffer));
    });
  });
}
