/**
 * Broadcast rows (a bias row, a [N, 1] column, a tensor against itself reshaped) run the arena's
 * SIMD kernel row by row where the output lives; the bits are the JavaScript loop's: every
 * placement of the operands, left or right broadcast, row lengths with tails, strided and flipped
 * operands that keep the loop.
 */
import { describe, expect, it } from 'vitest';
import { tensor } from '../creation.js';
import { add, div, mul, sub } from '../../ops/elementwise.js';
import { flip } from '../../ops/reshape-more.js';
import type { Tensor } from '../tensor.js';
import { arenaAlloc, inArena, releaseToArena } from './arena.js';

const bits = (f: Float32Array) => Array.from(new Int32Array(f.buffer, f.byteOffset, f.length));

let seed = 7;
function values(n: number): Float32Array {
  const out = new Float32Array(n);
  const specials = [0, -0, NaN, Infinity, -Infinity, 1e-45, -3.4e38, 3e38];
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    out[i] = i % 89 < specials.length ? specials[i % 89]! : (seed / 0x7fffffff - 0.5) * 100;
  }
  return out;
}

/** Element `index` (of `outShape`) of `x` broadcast to `outShape`, read through its strides. */
function at(x: Tensor, outShape: readonly number[], index: number[]): number {
  const lead = outShape.length - x.shape.length;
  let off = x.offset;
  x.shape.forEach((d, i) => {
    if (d !== 1) off += index[lead + i]! * x.strides[i]!;
  });
  return x.buffer[off]!;
}

/** What the JavaScript loop stores: fn over the broadcast elements, rounded to float32. */
function reference(a: Tensor, b: Tensor, outShape: number[], fn: (p: number, q: number) => number) {
  const n = outShape.reduce((p, q) => p * q, 1);
  const out = new Float32Array(n);
  const index = outShape.map(() => 0);
  for (let i = 0; i < n; i++) {
    out[i] = fn(at(a, outShape, index), at(b, outShape, index));
    for (let d = outShape.length - 1; d >= 0; d--) {
      if (++index[d]! < outShape[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}

const OPS = [
  ['add', add, (p: number, q: number) => p + q],
  ['sub', sub, (p: number, q: number) => p - q],
  ['mul', mul, (p: number, q: number) => p * q],
  ['div', div, (p: number, q: number) => p / q],
] as const;

/**
 * [a's shape, b's shape]: rows and columns on either side, tails of 0 to 3, several leading dims;
 * outputs large enough for the arena.
 */
const SHAPES: Array<[number[], number[]]> = [
  [[300, 64], [64]],
  [[64], [300, 64]],
  [[520, 37], [37]],
  [[38], [520, 38]],
  [
    [420, 1],
    [420, 41],
  ],
  [
    [400, 43],
    [400, 1],
  ],
  [
    [8, 120, 19],
    [120, 19],
  ],
  [
    [5, 70, 66],
    [5, 1, 66],
  ],
  [
    [40, 1, 30],
    [1, 50, 30],
  ],
  [
    [2, 100, 1],
    [2, 1, 100],
  ],
];

/**
 * Touches arena memory and gives it back, so that the next outputs (temporaries, which take only
 * memory touched before) land in the arena; false leaves them plain arrays.
 */
function outputsInArena(yes: boolean): void {
  if (!yes) return;
  const blocks = Array.from({ length: 4 }, () => arenaAlloc(1 << 16, true, false)!);
  for (const b of blocks) releaseToArena(b);
}

describe('broadcast rows on the arena kernel', () => {
  for (const [name, op, fn] of OPS) {
    it(`${name}: the loop's bits for rows, columns and mixed broadcasts`, () => {
      for (const [[sa, sb], arena] of SHAPES.flatMap(
        (s) =>
          [
            [s, true],
            [s, false],
          ] as const,
      )) {
        outputsInArena(arena);
        const numel = (s: number[]) => s.reduce((p, q) => p * q, 1);
        const a = tensor(values(numel(sa)), { shape: sa });
        const b = tensor(values(numel(sb)), { shape: sb });
        const got = op(a, b);
        if (arena) expect(inArena(got.buffer)).toBe(true);
        const want = reference(a, b, got.shape as number[], fn);
        expect(bits(got._contiguousData()), `${name} ${sa} ${sb}`).toEqual(bits(want));
      }
    });
  }

  it('strided, transposed and flipped operands give the loop bits too', () => {
    const a = tensor(values(200 * 48), { shape: [200, 48] });
    const row = tensor(values(96), { shape: [96] });
    const col = tensor(values(400), { shape: [400, 1] });
    const cases: Array<[Tensor, Tensor]> = [
      [a, row.narrow(0, 10, 48)],
      [a, flip(row.narrow(0, 0, 48), [0])],
      [a.t(), tensor(values(200), { shape: [200] })],
      [a, col.narrow(0, 100, 200)],
      [flip(a, [1]), row.narrow(0, 48, 48)],
    ];
    for (const [x, y] of cases) {
      for (const [name, op, fn] of OPS) {
        outputsInArena(true);
        const got = op(x, y);
        const want = reference(x, y, got.shape as number[], fn);
        expect(bits(got._contiguousData()), name).toEqual(bits(want));
      }
    }
  });
});
