/**
 * The arena's exp, sigmoid, tanh and log kernels give the bits of the JavaScript loops they
 * replace, including where their own float64 result lies near a float32 rounding boundary (swept
 * over runs of consecutive float32 values), for NaN payloads, subnormal results, infinities and
 * tails.
 */
import { describe, expect, it } from 'vitest';
import {
  ARENA_OPERAND_FLOATS,
  ARENA_SCRATCH_BYTES,
  ARENA_TABLES,
  allocLongLived,
  inArena,
} from './arena.js';
import { UNARY_MATH_TABLES_ADDRESS, UNARY_MATH_TABLES_BYTES } from './generated/unary-math-wasm.js';
import { sumLeading } from './reduce.js';
import {
  UNARY_OPS,
  unaryMathSimd,
  unaryOpSimd,
  type UnaryMathFunction,
  type UnaryOp,
} from './unary-math.js';
import { exp, log, sigmoid, tanh } from '../../ops/elementwise.js';
import { tensor } from '../creation.js';

const REFERENCES: [string, UnaryMathFunction, (v: number) => number][] = [
  ['exp', 0, Math.exp],
  ['sigmoid', 1, (v) => 1 / (1 + Math.exp(-v))],
  ['tanh', 2, Math.tanh],
  ['log', 3, Math.log],
];

/** The float32 bits of `f(x[i])` as the JavaScript loop stores them. */
function expected(f: (v: number) => number, x: Float32Array): Int32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]!);
  return new Int32Array(out.buffer);
}

/** Runs the kernel on a copy of `values` in the arena; returns the output's bits and the count done. */
function kernel(fn: UnaryMathFunction, values: Float32Array, inPlace = false) {
  // Arena blocks start at 64 KiB: short runs take the front of one.
  const block = () =>
    allocLongLived(Math.max(values.length, 1 << 14), false).subarray(0, values.length);
  const x = block();
  x.set(values);
  const out = inPlace ? x : block();
  expect(inArena(x) && inArena(out)).toBe(true);
  const done = unaryMathSimd(fn, x, out);
  return { bits: new Int32Array(out.buffer, out.byteOffset, done).slice(), done };
}

/** The first index where the kernel's bits differ from JavaScript's, or -1. */
function firstMismatch(fn: UnaryMathFunction, f: (v: number) => number, values: Float32Array) {
  const { bits, done } = kernel(fn, values);
  expect(done).toBe(values.length - (values.length & 3));
  const want = expected(f, values);
  for (let i = 0; i < done; i++) if (bits[i] !== want[i]) return i;
  return -1;
}

/** `count` consecutive float32 values from `start` upwards (every rounding case in that run). */
function run(start: number, count: number): Float32Array {
  const bits = new Int32Array(count);
  const first = new Int32Array(new Float32Array([start]).buffer)[0]!;
  for (let i = 0; i < count; i++) bits[i] = first + (start < 0 ? -i : i);
  return new Float32Array(bits.buffer);
}

let seed = 7;
function random(count: number, scale: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    out[i] = (seed / 0x7fffffff - 0.5) * 2 * scale;
  }
  return out;
}

const SPECIALS = new Float32Array([
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
  88.72,
  88.7228,
  88.73,
  -87.33,
  -87.3365,
  -87.34,
  -103.27,
  -103.98,
  -104,
  110,
  -110,
  0.25,
  -0.25,
  0.24999999,
  -0.24999999,
  9.01,
  -9.01,
  17,
  -17,
  20,
  2 ** -13,
  -(2 ** -13),
  2 ** -30,
  1e-20,
  -1e-20,
]);
const NAN_PAYLOADS = new Float32Array(
  new Int32Array([0xffc00001 | 0, 0x7f800001, 0x7fc12345, 0xff812345 | 0]).buffer,
);

describe.each(REFERENCES)('%s kernel', (_name, fn, f) => {
  it('matches JavaScript on specials, NaN payloads and random values over wide ranges', () => {
    const values = new Float32Array(SPECIALS.length + NAN_PAYLOADS.length + 3 * 4000);
    values.set(SPECIALS);
    values.set(NAN_PAYLOADS, SPECIALS.length);
    values.set(random(4000, 1), SPECIALS.length + 4);
    values.set(random(4000, 20), SPECIALS.length + 4004);
    values.set(random(4000, 150), SPECIALS.length + 8004);
    expect(firstMismatch(fn, f, values)).toBe(-1);
  });

  it('matches JavaScript on random bit patterns (every exponent)', () => {
    const bits = new Int32Array(1 << 16);
    for (let i = 0; i < bits.length; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      bits[i] = (seed << 1) ^ (i * 2654435761);
    }
    expect(firstMismatch(fn, f, new Float32Array(bits.buffer))).toBe(-1);
  });

  it.each([0.001, 0.3, -0.7, 1, 2.5, -5, 12, -40, 43.99, -43.99, 85, -86, 87.3, -87.3, 88.7])(
    'matches JavaScript on 2^17 consecutive float32 values from %f (boundary cases included)',
    (start) => {
      expect(firstMismatch(fn, f, run(start, 1 << 17))).toBe(-1);
    },
  );

  it('copies plain arrays through the scratch chunk by chunk, in place too', () => {
    const values = random(3 * ARENA_OPERAND_FLOATS + 7, 30);
    const want = Array.from(expected(f, values).subarray(0, values.length - 3));
    const out = new Float32Array(values.length);
    expect(unaryMathSimd(fn, values, out)).toBe(values.length - 3);
    expect(Array.from(new Int32Array(out.buffer, 0, values.length - 3))).toEqual(want);
    const own = values.slice();
    unaryMathSimd(fn, own, own);
    expect(Array.from(new Int32Array(own.buffer, 0, values.length - 3))).toEqual(want);
  });

  it('works in place and leaves the tail to the caller', () => {
    const values = random(1027, 30);
    const { bits, done } = kernel(fn, values, true);
    expect(done).toBe(1024);
    expect(Array.from(bits)).toEqual(Array.from(expected(f, values).subarray(0, 1024)));
  });
});

describe('exp, sigmoid and tanh kernel and its tables', () => {
  it('keeps its constants and table inside the reserved top of the scratch, below the splat', () => {
    expect(UNARY_MATH_TABLES_ADDRESS).toBe(ARENA_TABLES);
    expect(ARENA_TABLES + UNARY_MATH_TABLES_BYTES).toBeLessThanOrEqual(ARENA_SCRATCH_BYTES - 16);
    expect(ARENA_OPERAND_FLOATS * 4 * 2).toBeLessThanOrEqual(ARENA_TABLES);
  });

  it('still matches JavaScript after the scratch is used up to the tables', () => {
    // The widest column sum the scratch takes fills its float64 accumulators up to ARENA_TABLES.
    const cols = ARENA_TABLES / 8;
    const data = allocLongLived(2 * cols);
    data.fill(1);
    expect(sumLeading(data, 2, cols)[cols - 1]).toBe(2);
    expect(firstMismatch(0, Math.exp, random(1 << 16, 30))).toBe(-1);
    expect(firstMismatch(0, Math.exp, run(-0.7, 1 << 17))).toBe(-1);
  });

  it.each([
    [0, Math.exp],
    [1, (v: number) => 1 / (1 + Math.exp(-v))],
    [2, Math.tanh],
  ] as const)(
    'function %i covers whole passes of 12 and the groups of 4 after them, with NaN in each',
    (fn, f) => {
      for (const n of [1200, 1204, 1208]) {
        expect(firstMismatch(fn, f, random(n, 5))).toBe(-1);
        for (const at of [n - 1, n - 5, n - 9, n - 13]) {
          const values = random(n, 5);
          values[at] = NaN; // that pass (or that group after the passes) goes to JavaScript
          expect(firstMismatch(fn, f, values)).toBe(-1);
        }
      }
    },
  );
});

describe('log kernel where its reduction switches', () => {
  // m = x / 2^k moves from [1, √2) to [√½, 1) at √2·2^k; results near 0 around 1; the smallest
  // normal and the largest values; the last normal below them goes to JavaScript.
  it.each([Math.SQRT2 - 1e-5, Math.SQRT1_2 - 1e-5, 0.9999, 1, 1.1754942e-38, 3.4e38, 5.9e-39])(
    'matches JavaScript on 2^17 consecutive float32 values from %f',
    (start) => {
      expect(firstMismatch(3, Math.log, run(start, 1 << 17))).toBe(-1);
    },
  );
});

describe('exp, sigmoid, tanh and log ops on arena tensors', () => {
  it.each([
    ['exp', exp, Math.exp],
    ['sigmoid', sigmoid, (v: number) => 1 / (1 + Math.exp(-v))],
    ['tanh', tanh, Math.tanh],
    ['log', log, Math.log],
  ] as const)('%s gives the JavaScript bits, odd lengths included', (_name, op, f) => {
    const values = random((1 << 15) + 3, 12);
    const x = tensor(values);
    expect(inArena(x.buffer)).toBe(true);
    const y = op(x);
    expect(Array.from(new Int32Array(y.toFloat32Array().buffer))).toEqual(
      Array.from(expected(f, values)),
    );
  });
});

const f32 = Math.fround;
const ONE_OPERAND: [UnaryOp, (v: number) => number][] = [
  ['neg', (v) => -v],
  ['abs', Math.abs],
  ['sqrt', Math.sqrt],
  ['reciprocal', (v) => 1 / v],
  ['square', (v) => v * v],
  ['cube', (v) => f32(v * v) * v],
  ['reciprocalSqrtFloat', (v) => 1 / f32(Math.sqrt(v))],
  ['reciprocalSquare', (v) => 1 / f32(v * v)],
  ['rsqrt', (v) => 1 / Math.sqrt(v)],
];

describe.each(ONE_OPERAND)('%s on the unary kernel', (op, f) => {
  const values = new Float32Array(SPECIALS.length + NAN_PAYLOADS.length + 2 * 5000 + 3);
  values.set(SPECIALS);
  values.set(NAN_PAYLOADS, SPECIALS.length);
  values.set(random(5000, 3), SPECIALS.length + 4);
  values.set(random(5000, 1e30), SPECIALS.length + 5004);
  const want = expected(f, values);
  const n = values.length - (values.length & 3);

  it('matches JavaScript in the arena and on plain arrays, in place too', () => {
    expect(UNARY_OPS).toContain(op);
    for (const inArena of [true, false]) {
      const x = inArena
        ? allocLongLived(1 << 14, false).subarray(0, values.length)
        : new Float32Array(values.length);
      x.set(values);
      const out = new Float32Array(values.length);
      expect(unaryOpSimd(op, x, out)).toBe(n);
      expect(Array.from(new Int32Array(out.buffer, 0, n))).toEqual(Array.from(want.subarray(0, n)));
      expect(unaryOpSimd(op, x, x)).toBe(n);
      const own = new Int32Array(x.buffer, x.byteOffset, n);
      expect(Array.from(own)).toEqual(Array.from(want.subarray(0, n)));
    }
  });
});
