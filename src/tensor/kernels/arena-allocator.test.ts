/**
 * The arena's allocator on its own: blocks never overlap, freed neighbours merge, a large free
 * block is split for a smaller request, and once everything is returned the arena is one free
 * run again (nothing lost to fragmentation).
 */
import { describe, expect, it } from 'vitest';
import { arenaAlloc, arenaStats, releaseToArena } from './arena.js';
import { ARENA_MIN_ELEMENTS, simdSupported } from './simd.js';

const UNIT = 16384; // floats per 64 KiB unit
const suite = simdSupported() ? describe : describe.skip;

suite('the arena allocator', () => {
  it('keeps blocks apart, merges and splits, and ends as one free run', () => {
    let s = 12345;
    const rand = (k: number) => {
      s = (s * 1103515245 + 12345) >>> 0;
      return s % k;
    };
    const live: Float32Array[] = [];
    const stamp = (d: Float32Array, v: number) => {
      d[0] = v;
      d[d.length - 1] = v;
    };
    let made = 0;
    for (let step = 0; step < 3000; step++) {
      if (live.length > 0 && rand(3) === 0) {
        const d = live.splice(rand(live.length), 1)[0];
        expect(d[0]).toBe(d[d.length - 1]); // nobody wrote over it
        expect(releaseToArena(d)).toBe(true);
      } else {
        const n = ARENA_MIN_ELEMENTS + rand(40) * UNIT + rand(UNIT);
        const d = arenaAlloc(n, rand(2) === 0, false);
        if (d === null) continue;
        stamp(d, ++made);
        live.push(d);
      }
      if (step % 250 === 0) {
        const spans = live
          .map((d) => [d.byteOffset, d.byteOffset + d.length * 4] as const)
          .sort((p, q) => p[0] - q[0]);
        for (let i = 1; i < spans.length; i++)
          expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][1]);
      }
    }
    for (const d of live) expect(releaseToArena(d)).toBe(true);
    expect(arenaStats().liveBlocks).toBe(0);
    expect(arenaStats().freeBlocks).toBe(0); // everything merged back below the top
    // A block of every size fits again from the same start.
    const first = arenaAlloc(UNIT * 100, true, false)!;
    expect(first.every((v) => v === 0)).toBe(true); // reused memory comes back cleared
    releaseToArena(first);
  });

  it('splits a larger free block and reuses the rest', () => {
    const big = arenaAlloc(UNIT * 8, false, false)!;
    const guard = arenaAlloc(UNIT, false, false)!; // keeps `big` off the top
    const at = big.byteOffset;
    releaseToArena(big);
    const a = arenaAlloc(UNIT * 3, false, false)!;
    const b = arenaAlloc(UNIT * 5, false, false)!;
    expect(a.byteOffset).toBe(at);
    expect(b.byteOffset).toBe(at + UNIT * 3 * 4);
    for (const d of [a, b, guard]) releaseToArena(d);
    expect(arenaStats().freeBlocks).toBe(0);
  });
});
