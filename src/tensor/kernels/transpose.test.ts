/**
 * A transposed matrix made contiguous (gather) runs on the SIMD kernel's 4x4 blocks in the arena,
 * with the edges in JavaScript: every shape remainder, slices of a wider matrix (a row stride
 * larger than the width), offsets, and plain arrays, which keep the loop.
 */
import { describe, expect, it } from 'vitest';
import { tensor } from '../creation.js';
import { arenaAlloc, inArena, releaseToArena } from './arena.js';

/** Touches arena memory and gives it back, so that the next output lands in the arena. */
function outputsInArena(): void {
  const blocks = Array.from({ length: 8 }, () => arenaAlloc(1 << 16, true, false)!);
  for (const b of blocks) releaseToArena(b);
}

describe('transposed copies', () => {
  it('give every element in place, for every remainder, slices and offsets', () => {
    const base = tensor(
      Float32Array.from({ length: 300 * 310 }, (_, i) => (i % 2 ? -1 : 1) * (i + 0.5)),
      { shape: [300, 310] },
    );
    expect(inArena(base.buffer)).toBe(true);
    for (const [r0, c0, rows, cols] of [
      [0, 0, 300, 310],
      [0, 0, 256, 64],
      [3, 5, 257, 130],
      [1, 2, 130, 257],
      [7, 0, 61, 259],
      [0, 9, 5, 300],
      [1, 2, 299, 7],
    ]) {
      const part = base.narrow(0, r0!, rows!).narrow(1, c0!, cols!); // row stride 310
      outputsInArena();
      const t = part.t().contiguous();
      if (rows! * cols! >= 1 << 14) expect(inArena(t.buffer)).toBe(true);
      const got = t.toFloat32Array();
      const src = base.toFloat32Array();
      let bad = -1;
      for (let a = 0; a < cols! && bad < 0; a++)
        for (let b = 0; b < rows!; b++)
          if (got[a * rows! + b] !== src[(r0! + b) * 310 + c0! + a]) {
            bad = a * rows! + b;
            break;
          }
      expect(bad, `${r0},${c0} ${rows}x${cols}`).toBe(-1);
    }
  });
});
