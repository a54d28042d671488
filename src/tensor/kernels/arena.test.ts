import { describe, expect, it } from 'vitest';
import {
  allocForWrite,
  allocZeroed,
  arenaAlloc,
  inArena,
  outOfArena,
  releaseToArena,
} from './arena.js';
import { addKernel, divKernel, mulKernel, subKernel, type BinaryKernel } from './elementwise.js';
import { reluBackwardInto, reluInto, selectPositive } from './masks.js';
import { sumLeading } from './reduce.js';
import { ARENA_MIN_ELEMENTS } from './simd.js';
import { simdSupported } from './simd.js';
import { tensor, zeros } from '../creation.js';
import type { Tensor } from '../tensor.js';
import { SGD } from '../../optim/sgd.js';
import { Adam } from '../../optim/adam.js';
import { AdamW } from '../../optim/adamw.js';
import { Adagrad } from '../../optim/adagrad.js';
import { RMSprop } from '../../optim/rmsprop.js';

const N = ARENA_MIN_ELEMENTS + 7; // a tail that the JavaScript loops finish

/** Awkward values: signed zeros, subnormals, infinities, NaN, huge and tiny, plus random ones. */
function awkward(n: number, seed: number): Float32Array {
  const special = [0, -0, 1e-45, -1e-45, 1e-38, Infinity, -Infinity, NaN, 3e38, -3e38, 1, -1];
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] =
      i % 5 === 0 ? special[s % special.length] : ((s / 2 ** 32) * 2 - 1) * 10 ** ((s % 9) - 4);
  }
  return out;
}

/** Arena memory for an output (as long-lived storage gets it). */
const arenaOut = (n: number): Float32Array => arenaAlloc(n, false, false)!;

function inArenaCopy(values: Float32Array): Float32Array {
  const d = arenaAlloc(values.length, false, false);
  if (d === null) throw new Error('no arena');
  d.set(values);
  return d;
}

/** Bit patterns, with every NaN as one pattern (the kernels may differ only in NaN payloads). */
function bits(d: Float32Array): number[] {
  const out: number[] = [];
  const u = new Uint32Array(d.buffer, d.byteOffset, d.length);
  for (let i = 0; i < d.length; i++) out.push(d[i] !== d[i] ? 0x7fc00000 : u[i]);
  return out;
}

const suite = simdSupported() ? describe : describe.skip;

type Where = 'arena' | 'plain gradient' | 'plain';

/**
 * Runs `steps` of an optimizer from `start` with the given gradients, its memory placed as `where`
 * says: everything in the arena; the gradient a plain array (copied through the scratch in
 * chunks); everything plain (the JavaScript loop). Returns the parameter's bits.
 */
function runWhere(
  where: Where,
  start: Float32Array,
  grads: Float32Array[],
  make: (p: Tensor) => { step(): void },
): number[] {
  const p = tensor(start, { requiresGrad: true });
  if (where === 'plain') p.subarrayView(); // moves p out of the arena
  expect(inArena(p.buffer)).toBe(where !== 'plain');
  const opt = make(p);
  for (const g of grads) {
    p.grad = tensor(g);
    if (where !== 'arena') p.grad.subarrayView();
    opt.step();
  }
  return bits(p.buffer.slice());
}

/** The three placements give the same bits. */
function expectSameEverywhere(
  start: Float32Array,
  grads: Float32Array[],
  make: (p: Tensor) => { step(): void },
): void {
  const [arena, plainGrad, plain] = (['arena', 'plain gradient', 'plain'] as const).map((w) =>
    runWhere(w, start, grads, make),
  );
  expect(arena).toEqual(plain);
  expect(plainGrad).toEqual(plain);
}

suite('the arena', () => {
  it('gives temporaries only memory touched before, reuses released blocks, leaves small sizes plain', () => {
    expect(inArena(allocZeroed(16))).toBe(false);
    expect(inArena(allocZeroed(N))).toBe(false); // nothing touched yet: a plain array
    const a = arenaAlloc(N, true, false)!; // long-lived storage may fault memory in
    expect(inArena(a)).toBe(true);
    a.fill(7);
    const offset = a.byteOffset;
    expect(releaseToArena(a)).toBe(true);
    expect(releaseToArena(a)).toBe(false); // twice: nothing to give back
    const b = allocZeroed(N); // a temporary may reuse what was touched
    expect(b.byteOffset).toBe(offset);
    expect(b.every((v) => v === 0)).toBe(true); // cleared
    b.fill(3);
    releaseToArena(b);
    const c = allocForWrite(N);
    expect(c.byteOffset).toBe(offset);
    expect(releaseToArena(c.subarray(1))).toBe(false); // only the array it handed out
    releaseToArena(c);
  });

  it('moves memory out before it leaves as a view', () => {
    const t = zeros([N]);
    expect(inArena(t.buffer)).toBe(true);
    const v = t.subarrayView();
    expect(inArena(v)).toBe(false);
    v[3] = 5;
    expect(t.buffer[3]).toBe(5); // the tensor followed its memory
    expect(t.data.buffer[3]).toBe(5); // and so did its alias
    const plain = new Float32Array(4);
    expect(outOfArena(plain)).toBe(plain);
  });

  const binaries: Array<[string, BinaryKernel]> = [
    ['add', addKernel],
    ['sub', subKernel],
    ['mul', mulKernel],
    ['div', divKernel],
  ];
  for (const [name, kernel] of binaries) {
    it(`${name}: SIMD on arena memory gives the JavaScript loops' bits`, () => {
      const a = awkward(N, 1);
      const b = awkward(N, 2);
      const plain = new Float32Array(N);
      const js = new Float32Array(N);
      for (let i = 0; i < N; i++) js[i] = kernel.fn(a[i], b[i]);
      kernel.same!(a, b, plain);
      const out = arenaOut(N);
      kernel.same!(inArenaCopy(a), inArenaCopy(b), out);
      expect(inArena(out)).toBe(true);
      expect(bits(out)).toEqual(bits(js));
      expect(bits(plain)).toEqual(bits(js));
      // A small plain operand (a bias row) is copied into the scratch and still runs SIMD.
      const small = a.subarray(0, 1000);
      const o2 = arenaOut(ARENA_MIN_ELEMENTS).subarray(0, 1000);
      kernel.same!(small, inArenaCopy(b).subarray(0, 1000), o2);
      expect(bits(o2)).toEqual(bits(js.subarray(0, 1000)));
      for (const s of [0, -0, 2.5, -1e-45, Infinity, NaN, 0.1]) {
        const expected = new Float32Array(N);
        for (let i = 0; i < N; i++) expected[i] = kernel.fn(a[i], s);
        const o = arenaOut(N);
        kernel.right!(inArenaCopy(a), s, o);
        expect(bits(o)).toEqual(bits(expected));
        if (kernel.left) {
          for (let i = 0; i < N; i++) expected[i] = kernel.fn(s, a[i]);
          kernel.left(s, inArenaCopy(a), o);
          expect(bits(o)).toEqual(bits(expected));
        }
      }
    });
  }

  it('relu and its masks: SIMD gives the JavaScript kernels’ bits', () => {
    const x = awkward(N, 3);
    const g = awkward(N, 4);
    for (const run of [
      (x: Float32Array, g: Float32Array, o: Float32Array) => reluInto(x, o),
      (x: Float32Array, g: Float32Array, o: Float32Array) => selectPositive(x, g, o),
      (x: Float32Array, g: Float32Array, o: Float32Array) => reluBackwardInto(x, g, o),
    ]) {
      const plain = new Float32Array(N);
      run(x, g, plain);
      const o = arenaOut(N);
      run(inArenaCopy(x), inArenaCopy(g), o);
      expect(inArena(o)).toBe(true);
      expect(new Uint32Array(o.buffer, o.byteOffset, N)).toEqual(new Uint32Array(plain.buffer));
    }
    // relu's backward passes g where the output is NaN, zeroes it where the output is <= 0.
    const y = Float32Array.of(NaN, -0, 0, -1, 1e-45, 2);
    const gg = Float32Array.of(5, 5, 5, 5, 5, 5);
    const out = new Float32Array(6);
    reluBackwardInto(y, gg, out);
    expect([...out]).toEqual([5, 0, 0, 0, 5, 5]);
  });

  it('column sums: SIMD gives the JavaScript loop’s bits, odd widths and row counts included', () => {
    for (const [rows, cols] of [
      [1027, 64],
      [17, 1001],
      [4, 4096],
      [3, 8192],
    ]) {
      const x = awkward(rows * cols, rows + cols).map((v) => (Number.isFinite(v) ? v : 1));
      const expected = sumLeading(x, rows, cols);
      const got = sumLeading(inArenaCopy(x), rows, cols);
      expect(bits(got)).toEqual(bits(expected));
    }
  });

  it('SGD updates: SIMD gives the JavaScript loop’s bits (momentum, dampening, Nesterov, weight decay, maximize)', () => {
    const options = [
      { lr: 0.1 },
      { lr: 0.01, momentum: 0.9 },
      { lr: 0.01, momentum: 0.9, dampening: 0.3 },
      { lr: 0.05, momentum: 0.8, nesterov: true },
      // Coupled weight decay and maximize: the direction kernel, and its memory reused per step.
      { lr: 0.01, momentum: 0.9, weightDecay: 0.01 },
      { lr: 0.1, weightDecay: 0.05, maximize: true },
      { lr: 0.1, maximize: true },
      { lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 0.02, maximize: true },
      { lr: 0.01, momentum: 0.5, dampening: 0.5, weightDecay: 0.1 },
    ];
    for (const opts of options) {
      const start = awkward(N, 5).map((v) => (Number.isFinite(v) ? v : 0.5));
      const grads = [awkward(N, 6), awkward(N, 7), awkward(N, 8)].map((g) =>
        g.map((v) => (Number.isFinite(v) ? v : -0.25)),
      );
      expectSameEverywhere(start, grads, (p) => new SGD([p], opts));
    }
  });
});

suite('the optimizers on arena memory', () => {
  it('Adam, AdamW (amsgrad or not), Adagrad, RMSprop: SIMD gives the JavaScript loop’s bits', () => {
    const configs: Array<[string, Record<string, unknown>]> = [
      ['Adam', { lr: 0.01 }],
      ['Adam', { lr: 0.003, betas: [0.8, 0.95], eps: 1e-6, amsgrad: true }],
      ['AdamW', { lr: 0.01, weightDecay: 0.1 }],
      ['AdamW', { lr: 0.02, amsgrad: true }],
      ['Adam', { lr: 0.01, weightDecay: 0.1 }],
      ['Adam', { lr: 0.01, weightDecay: 0.1, maximize: true }],
      ['Adagrad', { lr: 0.05 }],
      ['Adagrad', { lr: 0.05, lrDecay: 0.01, weightDecay: 0.01, initialAccumulatorValue: 0.1 }],
      ['RMSprop', { lr: 0.01 }],
      ['RMSprop', { lr: 0.01, alpha: 0.9, eps: 1e-6, weightDecay: 0.02 }],
      ['RMSprop', { lr: 0.01, momentum: 0.9, centered: true }],
    ];
    for (const [name, opts] of configs) {
      const start = awkward(N, 9).map((v) => (Number.isFinite(v) ? v : 0.5));
      const grads = [awkward(N, 10), awkward(N, 11), awkward(N, 12)].map((g) =>
        g.map((v, i) => (Number.isFinite(v) || i % 2 === 0 ? v : -0.25)),
      );
      const Opt = { Adam, AdamW, Adagrad, RMSprop }[name]!;
      expectSameEverywhere(start, grads, (p) => new Opt([p], opts));
    }
  });
});

suite('updates with a gradient larger than one scratch chunk', () => {
  it('SGD with momentum: chunked copies give the JavaScript loop’s bits', () => {
    const n = 3 * 131064 + 13; // three chunks and a tail
    const start = awkward(n, 21).map((v) => (Number.isFinite(v) ? v : 0.5));
    const g = awkward(n, 22).map((v) => (Number.isFinite(v) ? v : -0.25));
    const make = (p: Tensor) => new SGD([p], { lr: 0.01, momentum: 0.9 });
    expect(runWhere('plain gradient', start, [g, g], make)).toEqual(
      runWhere('plain', start, [g, g], make),
    );
  });
});
