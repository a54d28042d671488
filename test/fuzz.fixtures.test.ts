/**
 * Differential fuzzer: random tensor programs (test/fixtures/fuzz.json, written by
 * scripts/fixtures/fuzz.py with PyTorch as the oracle) replayed in torchlet.
 *
 * Each program builds its inputs with the recorded memory layout (contiguous, transposed, strided,
 * offset, expanded), runs 3-12 ops (broadcasting elementwise ops, reductions with dims, matmul of
 * ranks 1-4, views, in-place ops on non-leaves and through views, scans, sorting, gather, joins)
 * and calls `root.backward(gradient)`. Every variable's final value and every leaf's gradient must
 * match PyTorch's; where PyTorch refused, torchlet must refuse at the same step (or in backward).
 *
 * Tolerance: |torchlet - PyTorch| <= 1e-6 + 1e-5 |PyTorch|, NaN equal to NaN, infinities exact.
 *
 * The float64-accumulation class. Float32 results carry rounding error, and where a computation
 * amplifies it (a sum whose terms cancel, a variance of nearly equal numbers, a softmax of large
 * logits, a division by a small difference) two correct float32 implementations that accumulate in
 * a different order, or in float64, differ by more than the tolerance. The generator runs every
 * program a second time in float64 and stores in `err64`, per tensor, the largest difference
 * between PyTorch's float32 answer and the float64 one (its own float32 error on that tensor). An
 * element outside the tolerance is in this class, and accepted, exactly when both answers are
 * finite and |torchlet - PyTorch| <= 1e-6 + 1e-5 |PyTorch| + 4 err64 — torchlet's float32 error is
 * then of the size PyTorch's own is. Everything else must match; the test counts the accepted ones.
 */
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../src/index.js';
import { loadFixture } from './helpers.js';
import { makeLeaf, num, replay, type JsonTensor, type Program } from './fuzz-programs.js';

const fixture = loadFixture<{ meta: { rtol: number; atol: number }; programs: Program[] }>(
  'fuzz.json',
);
const { programs } = fixture;
const { rtol: RTOL, atol: ATOL } = fixture.meta;

/** The accepted float64-accumulation class; see the comment at the top of this file. */
function inFloat64Class(got: number, want: number, err64: number): boolean {
  if (!Number.isFinite(got) || !Number.isFinite(want)) return false;
  return Math.abs(got - want) <= ATOL + RTOL * Math.abs(want) + 4 * err64;
}

function closeEnough(got: number, want: number): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want)) return got === want;
  return Math.abs(got - want) <= ATOL + RTOL * Math.abs(want);
}

interface Tally {
  /** Elements compared with PyTorch's answer. */
  compared: number;
  /** Elements that differed from PyTorch's float32 answer but are in the float64 class. */
  float64Class: number;
}

/** Disagreements between a torchlet tensor and PyTorch's, as readable lines. */
function compare(
  label: string,
  got: Tensor | null,
  want: JsonTensor | null,
  err64: number,
  tally: Tally,
): string[] {
  if (want === null || got === null) {
    return (want === null) === (got === null)
      ? []
      : [
          `${label}: torchlet ${got === null ? 'null' : 'a tensor'}, PyTorch ${want === null ? 'null' : 'a tensor'}`,
        ];
  }
  if (JSON.stringify([...got.shape]) !== JSON.stringify(want.shape))
    return [`${label}: shape [${got.shape.join(', ')}], PyTorch [${want.shape.join(', ')}]`];
  const values = got.toFloat32Array();
  const out: string[] = [];
  tally.compared += want.data.length;
  want.data.forEach((w, i) => {
    const expected = num(w);
    if (closeEnough(values[i], expected)) return;
    if (err64 > 0 && inFloat64Class(values[i], expected, err64)) {
      tally.float64Class += 1;
      return;
    }
    out.push(`${label}[${i}]: torchlet ${values[i]}, PyTorch ${expected}`);
  });
  return out.slice(0, 3);
}

/**
 * Refusals whose words torchlet keeps from PyTorch (people search for them): when PyTorch's message
 * holds one of these, torchlet's must hold it too. The most specific comes first. Other refusals
 * (shape mismatches, bad arguments) are worded torchlet's way, naming the function and the values:
 * for those only the step that refuses must agree.
 */
const SAME_WORDS = [
  'one of the variables needed for gradient computation has been modified by an inplace operation',
  'a view of a leaf Variable that requires grad is being used in an in-place operation',
  'a leaf Variable that requires grad is being used in an in-place operation',
  'more than one element of the written-to tensor refers to a single memory location',
  'some elements of the input tensor and the written-to tensor refer to a single memory location',
  "view size is not compatible with input tensor's size and stride",
  'input tensor must have at least 2 dimensions',
  'cannot be concatenated',
  'Expected reduction dim',
];

/** Every disagreement of one program with PyTorch (empty when they agree). */
function disagreements(p: Program, tally: Tally): string[] {
  const { env, threw } = replay(p);
  if (p.error !== undefined) {
    const where = p.error.at === 'backward' ? 'backward' : `step ${p.error.at}`;
    if (threw === undefined)
      return [`PyTorch refused at ${where} (${p.error.message}); torchlet ran`];
    if (threw.at !== p.error.at)
      return [
        `PyTorch refused at ${where} (${p.error.message}); torchlet at ${threw.at}: ${String(threw.error)}`,
      ];
    const words = SAME_WORDS.find((w) => p.error!.message.includes(w));
    if (words !== undefined && !String(threw.error).includes(words))
      return [`PyTorch refused with '${words}'; torchlet with: ${String(threw.error)}`];
    return [];
  }
  if (threw !== undefined) return [`torchlet threw at ${threw.at}: ${String(threw.error)}`];
  const err = p.err64 ?? {};
  const out: string[] = [];
  for (const [k, v] of Object.entries(p.values!))
    out.push(...compare(k, env[k], v, err[k] ?? 0, tally));
  for (const [k, g] of Object.entries(p.grads!))
    out.push(...compare(`grad ${k}`, env[k].grad, g, err[`grad:${k}`] ?? 0, tally));
  return out;
}

describe('differential fuzzer: random programs match PyTorch', () => {
  const tally: Tally = { compared: 0, float64Class: 0 };

  it('has at least 1000 programs, some of them refusals', () => {
    expect(programs.length).toBeGreaterThanOrEqual(1000);
    expect(programs.filter((p) => p.error !== undefined).length).toBeGreaterThan(50);
  });

  it('builds the recorded memory layouts', () => {
    const t = makeLeaf({ shape: [2, 3], layout: 't', grad: true, data: [1, 2, 3, 4, 5, 6] });
    expect(t.isContiguous()).toBe(false);
    expect(t.isLeaf).toBe(true);
    expect(t.tolist()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const s = makeLeaf({ shape: [2, 2], layout: 's', grad: false, data: [1, 2, 3, 4] });
    expect([...s.strides]).toEqual([4, 2]);
    const o = makeLeaf({ shape: [2], layout: 'o', grad: false, data: [1, 2] });
    expect(o.offset).toBe(3);
    const e = makeLeaf({ shape: [2, 3], layout: 'e', base: [1, 3], grad: true, data: [1, 2, 3] });
    expect([...e.strides]).toEqual([0, 1]);
  });

  for (const p of programs) {
    it(p.name, () => {
      const found = disagreements(p, tally);
      if (found.length > 0) expect.fail(found.join('\n'));
    });
  }

  it('excuses few elements as float64-accumulation differences', () => {
    // Runs after the programs (tests in a file run in order). A rise here means a kernel's rounding
    // got worse, even where each element stays within its excuse.
    expect(tally.compared).toBeGreaterThan(50_000);
    expect(tally.float64Class).toBeLessThanOrEqual(tally.compared / 1000);
  });
});
