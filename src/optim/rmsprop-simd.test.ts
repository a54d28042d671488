/**
 * RMSprop with momentum and/or centered runs its update on a SIMD kernel when the parameter and its
 * state live in the arena: these tests check it gives the JavaScript loop's bits, step after step,
 * for every variant, with weight decay and maximize, on awkward data (zeros, subnormals, huge
 * values, NaN and infinities in the gradients), wherever the arrays live.
 */
import { describe, expect, it } from 'vitest';
import { RMSprop, type RMSpropOptions, type RMSpropState } from './rmsprop.js';
import { squareAverageUpdate } from './update-kernels.js';
import { tensor } from '../tensor/creation.js';
import { ARENA_OPERAND_FLOATS, arenaAlloc, inArena } from '../tensor/kernels/arena.js';
import { ARENA_MIN_ELEMENTS, simdSupported } from '../tensor/kernels/simd.js';

const f = Math.fround;

/** Large enough for the arena, and not a multiple of 8: the loop finishes a tail of 5. */
const N = ARENA_MIN_ELEMENTS + 5;

type Options = Omit<RMSpropOptions, 'lr'> & { lr: number };

const base: Options = {
  lr: 0.01,
  alpha: 0.99,
  eps: 1e-8,
  weightDecay: 0,
  momentum: 0,
  centered: false,
  maximize: false,
};

/** The variants the kernel serves, each with and without weight decay and maximize. */
const variants: Array<[string, Partial<Options>]> = [
  ['momentum', { momentum: 0.9 }],
  ['centered', { centered: true }],
  ['centered + momentum', { centered: true, momentum: 0.9 }],
  ['plain', {}],
].flatMap(([name, o]) => [
  [name as string, o as Partial<Options>],
  [`${name as string}, weightDecay`, { ...(o as Partial<Options>), weightDecay: 0.02 }],
  [`${name as string}, maximize`, { ...(o as Partial<Options>), maximize: true, alpha: 0.9 }],
  [
    `${name as string}, weightDecay + maximize`,
    { ...(o as Partial<Options>), weightDecay: 0.1, maximize: true, eps: 1e-6, lr: 0.003 },
  ],
]);

/** A small deterministic generator (LCG) of numbers in [0, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Random values over many magnitudes, with zeros (both signs), subnormals and huge values, and,
 * when `nonFinite`, a few NaNs and infinities, at random places.
 */
function data(n: number, seed: number, nonFinite: boolean): Float32Array {
  const r = random(seed);
  const special = [0, -0, 1e-45, -1e-45, 1e-38, -1e-38, 3e38, -3e38, 1e20, -1e-20];
  const bad = [NaN, Infinity, -Infinity];
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = r();
    if (u < 0.06) out[i] = special[Math.floor(r() * special.length)]!;
    else if (nonFinite && u < 0.07) out[i] = bad[Math.floor(r() * bad.length)]!;
    else out[i] = (r() * 2 - 1) * 10 ** Math.floor(r() * 9 - 5);
  }
  return out;
}

/** Bit patterns, with every NaN as one pattern (NaN payloads may differ). */
function bits(d: Float32Array): number[] {
  const u = new Uint32Array(d.buffer, d.byteOffset, d.length);
  return Array.from(u, (b, i) => (d[i] !== d[i] ? 0x7fc00000 : b));
}

/** The parameter and every state buffer after the steps, as bits. */
interface Result {
  param: number[];
  squareAvg: number[];
  gradAvg: number[] | null;
  buffer: number[] | null;
}

/**
 * PyTorch 1.13's single-tensor RMSprop in float32, written out: the JavaScript loop's operations and
 * rounding points, element by element (the update direction as the optimizer computes it first).
 */
function reference(start: Float32Array, grads: Float32Array[], o: Options): Result {
  const n = start.length;
  const p = Float32Array.from(start);
  const sq = new Float32Array(n);
  const ga = new Float32Array(n);
  const b = new Float32Array(n);
  const alpha = f(o.alpha);
  const rest = f(1 - o.alpha);
  const eps = f(o.eps);
  const mom = f(o.momentum);
  const negLr = f(-o.lr);
  const wd = f(o.weightDecay);
  for (const grad of grads) {
    for (let i = 0; i < n; i++) {
      let g = o.maximize ? -grad[i]! : grad[i]!;
      if (o.weightDecay !== 0) g = f(wd * p[i]! + g);
      const s = f(f(sq[i]! * alpha) + f(rest * g) * g);
      sq[i] = s;
      let a: number;
      if (o.centered) {
        const m = f(f(ga[i]! * alpha) + rest * g);
        ga[i] = m;
        a = f(Math.sqrt(f(s - m * m)));
      } else a = f(Math.sqrt(s));
      a = f(a + eps);
      if (o.momentum > 0) {
        const v = f(f(b[i]! * mom) + f(g / a));
        b[i] = v;
        p[i] = f(negLr * v + p[i]!);
      } else p[i] = f(p[i]! + f(f(negLr * g) / a));
    }
  }
  return {
    param: bits(p),
    squareAvg: bits(sq),
    gradAvg: o.centered ? bits(ga) : null,
    buffer: o.momentum > 0 ? bits(b) : null,
  };
}

type Where = 'arena' | 'plain gradient' | 'plain';

/**
 * Runs RMSprop from `start` over `grads`, its memory placed as `where` says: everything in the
 * arena (SIMD); the gradient a plain array (SIMD through the scratch); the parameter a plain array
 * (the JavaScript loop). Small parameters are plain arrays wherever they come from.
 */
function run(where: Where, start: Float32Array, grads: Float32Array[], o: Options): Result {
  const p = tensor(start, { requiresGrad: true });
  if (where === 'plain') p.subarrayView(); // moves p out of the arena
  const opt = new RMSprop([p], o);
  for (const g of grads) {
    p.grad = tensor(g);
    if (where !== 'arena') p.grad.subarrayView();
    opt.step();
  }
  const state = opt.state.get(p) as RMSpropState;
  return {
    param: bits(p.toFloat32Array()),
    squareAvg: bits(state.square_avg.toFloat32Array()),
    gradAvg: state.grad_avg === undefined ? null : bits(state.grad_avg.toFloat32Array()),
    buffer:
      state.momentum_buffer === undefined ? null : bits(state.momentum_buffer.toFloat32Array()),
  };
}

/** Start values (finite: NaN and infinities come in through the gradients) and four gradients. */
function problem(n: number, seed: number): [Float32Array, Float32Array[]] {
  const start = data(n, seed, false);
  const grads = [1, 2, 3, 4].map((k) => data(n, seed + 100 * k, k !== 1));
  return [start, grads];
}

const suite = simdSupported() ? describe : describe.skip;

suite('RMSprop on SIMD gives the JavaScript loop’s bits', () => {
  it.each(variants)('%s, on arena-resident parameters', (_, variant) => {
    const o = { ...base, ...variant };
    const [start, grads] = problem(N, 7);
    expect(inArena(tensor(start).buffer)).toBe(true);
    const expected = reference(start, grads, o);
    for (const where of ['arena', 'plain gradient', 'plain'] as const) {
      expect(run(where, start, grads, o), where).toEqual(expected);
    }
  });

  it.each(variants)('%s, on small plain parameters', (_, variant) => {
    const o = { ...base, ...variant };
    for (const n of [0, 1, 7, 13, 37]) {
      const [start, grads] = problem(n, 11 + n);
      expect(run('arena', start, grads, o), `n = ${n}`).toEqual(reference(start, grads, o));
    }
  });

  it('with a plain gradient longer than one scratch chunk', () => {
    const n = 2 * ARENA_OPERAND_FLOATS + 13; // two chunks and a tail
    const [start, grads] = problem(n, 23);
    const o = { ...base, centered: true, momentum: 0.5, weightDecay: 0.01 };
    const grads2 = grads.slice(0, 2);
    expect(run('plain gradient', start, grads2, o)).toEqual(reference(start, grads2, o));
  });
});

/** A copy of `values` in the arena. */
function arenaCopy(values: Float32Array): Float32Array {
  const d = arenaAlloc(values.length, false, false);
  if (d === null) throw new Error('no arena');
  d.set(values);
  return d;
}

suite('squareAverageUpdate with a gradient average and a momentum buffer', () => {
  const alpha = f(0.95);
  const rest = f(1 - 0.95);
  const eps = f(1e-8);
  const negLr = f(-0.01);
  const mom = f(0.9);

  it.each([
    ['momentum', false, true],
    ['centered', true, false],
    ['centered + momentum', true, true],
  ] as const)(
    '%s: runs over the leading multiple of 8 with the loop’s bits',
    (_, centered, momentum) => {
      const n = N + 2; // a tail of 7
      const g = data(n, 31, true);
      const [p0, s0, ga0, b0] = [32, 33, 34, 35].map((seed) => data(n, seed, false));
      const s0abs = s0!.map(Math.abs); // a square average is never negative
      const p = arenaCopy(p0!);
      const s = arenaCopy(s0abs);
      const ga = arenaCopy(ga0!);
      const b = arenaCopy(b0!);
      for (const grad of [arenaCopy(g), g]) {
        p.set(p0!);
        s.set(s0abs);
        ga.set(ga0!);
        b.set(b0!);
        const done = squareAverageUpdate(p, grad, s, negLr, eps, alpha, rest, {
          gradAvg: centered ? ga : null,
          buffer: momentum ? b : null,
          momentum: mom,
        });
        expect(done).toBe(n - 7);
        // The loop's arithmetic on the elements the kernel did; the tail is left untouched.
        const P = Float32Array.from(p0!);
        const S = Float32Array.from(s0abs);
        const GA = Float32Array.from(ga0!);
        const B = Float32Array.from(b0!);
        for (let i = 0; i < done; i++) {
          const x = g[i]!;
          S[i] = f(f(S[i]! * alpha) + f(rest * x) * x);
          let a: number;
          if (centered) {
            GA[i] = f(f(GA[i]! * alpha) + rest * x);
            a = f(Math.sqrt(f(S[i]! - GA[i]! * GA[i]!)));
          } else a = f(Math.sqrt(S[i]!));
          a = f(a + eps);
          if (momentum) {
            B[i] = f(f(B[i]! * mom) + f(x / a));
            P[i] = f(negLr * B[i]! + P[i]!);
          } else P[i] = f(P[i]! + f(f(negLr * x) / a));
        }
        expect(bits(p)).toEqual(bits(P));
        expect(bits(s)).toEqual(bits(S));
        expect(bits(ga)).toEqual(bits(GA));
        expect(bits(b)).toEqual(bits(B));
      }
    },
  );

  it('leaves everything to the loop when a state array is not in the arena', () => {
    const n = N;
    const p = arenaCopy(data(n, 41, false));
    const s = arenaCopy(new Float32Array(n));
    const g = arenaCopy(data(n, 42, false));
    const plain = new Float32Array(n);
    const before = Float32Array.from(p);
    const args = [p, g, s, negLr, eps, alpha, rest] as const;
    expect(squareAverageUpdate(...args, { gradAvg: plain, buffer: null, momentum: 0 })).toBe(0);
    expect(squareAverageUpdate(...args, { gradAvg: null, buffer: plain, momentum: mom })).toBe(0);
    expect(bits(p)).toEqual(bits(before));
  });
});
