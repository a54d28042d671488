/**
 * Wasm-backed storage in WebAssembly memory, and the SIMD kernels that run on it: every kernel must
 * give bit-for-bit what the JavaScript kernels give on a plain Float32Array.
 */
import { describe, expect, it, vi } from 'vitest';
import { clampRange, clampSymmetric, scaleRange } from './inplace.js';
import {
  ARENA_MIN_ELEMENTS,
  WASM_PAGE_BYTES,
  WASM_STORAGE_MAX_ELEMENTS,
  WASM_STORAGE_MIN_ELEMENTS,
} from './simd.js';
import { maxAbs, sumAbs, sumRow, sumSquares } from './reduce.js';
import { allocWasmBacked, copyWasmBacked, streamKernelsFor } from './wasm-storage.js';

const N = WASM_STORAGE_MIN_ELEMENTS + 13;
const specials = [NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-45, 3.4e38, -3.4e38, 1.5e-39];

function sample(seed: number, specialEvery: number): Float32Array {
  let s = seed;
  const out = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] =
      s % specialEvery === 0 ? specials[(s >>> 8) % specials.length] : (s / 2 ** 32 - 0.5) * 4;
  }
  return out;
}

/** The same values in a plain array and in wasm-backed storage. */
function pair(seed: number, specialEvery = 97): [Float32Array, Float32Array] {
  const plain = sample(seed, specialEvery);
  const wasm = copyWasmBacked(plain);
  expect(streamKernelsFor(wasm, wasm.length)).toBeDefined();
  expect(streamKernelsFor(plain, plain.length)).toBeUndefined();
  return [plain, wasm];
}

const bits = (a: Float32Array) => new Int32Array(a.buffer, a.byteOffset, a.length);
const expectSameBits = (a: Float32Array, b: Float32Array) => {
  const x = bits(a);
  const y = bits(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) expect([i, a[i]]).toEqual([i, b[i]]);
};

// Runs that start anywhere mod 4, with any length mod 4, short (JavaScript) and long (SIMD).
const runs: [number, number][] = [
  [0, N],
  [1, N - 1],
  [2, N - 7],
  [3, 1000],
  [5, 63],
  [6, 64],
  [7, 65],
  [N - 100, 100],
];

describe('wasm-backed storage', () => {
  it('has the sizes its constants spell out', () => {
    expect(WASM_STORAGE_MIN_ELEMENTS).toBe(2 ** 17);
    expect(WASM_STORAGE_MAX_ELEMENTS).toBe((65536 * WASM_PAGE_BYTES) / 4);
  });

  it('is WebAssembly memory from ARENA_MIN_ELEMENTS elements on, plain below', () => {
    const big = allocWasmBacked(WASM_STORAGE_MIN_ELEMENTS);
    expect(big.length).toBe(WASM_STORAGE_MIN_ELEMENTS);
    expect(big.every((v) => v === 0)).toBe(true);
    expect(streamKernelsFor(big, big.length)).toBeDefined();
    const least = allocWasmBacked(ARENA_MIN_ELEMENTS);
    expect(streamKernelsFor(least, least.length)).toBeDefined();
    expect(streamKernelsFor(allocWasmBacked(ARENA_MIN_ELEMENTS - 1), N)).toBeUndefined();
    expect(streamKernelsFor(new Float32Array(N), N)).toBeUndefined();
  });

  it('copies values of any typed array', () => {
    const src = Float64Array.from({ length: N }, (_, i) => i / 3);
    expect(copyWasmBacked(src)).toEqual(Float32Array.from(src));
  });

  it('keeps storages apart (a kernel on one leaves the other alone)', () => {
    const a = copyWasmBacked(new Float32Array(N).fill(2));
    const b = copyWasmBacked(new Float32Array(N).fill(3));
    scaleRange(a, 0, N, 0.5);
    expect([a[0], a[N - 1], b[0], b[N - 1]]).toEqual([1, 1, 3, 3]);
  });
});

describe('SIMD kernels equal the JavaScript kernels bit for bit', () => {
  for (const c of [0.3, Math.fround(0.7), 0, -1, 1e-30, 3e38, Infinity, NaN]) {
    it(`scaleRange by ${c}`, () => {
      for (const [start, count] of runs) {
        const [plain, wasm] = pair(start + 1);
        scaleRange(plain, start, count, c);
        scaleRange(wasm, start, count, c);
        expectSameBits(plain, wasm);
      }
    });
  }

  const bounds: [number, number][] = [
    [-0.5, 0.5],
    [-0.1, 1 / 3],
    [0.2, -0.2],
    [-0, 0],
    [0, 0],
    [-Infinity, 0.25],
    [NaN, 1],
    [-1, NaN],
    [1e-45, 1e-45],
  ];
  const show = (x: number) => (Object.is(x, -0) ? '-0' : String(x));
  for (const [lo, hi] of bounds) {
    it(`clampRange to [${show(lo)}, ${show(hi)}]`, () => {
      for (const [start, count] of runs) {
        const [plain, wasm] = pair(start + 11);
        clampRange(plain, start, count, lo, hi);
        clampRange(wasm, start, count, lo, hi);
        expectSameBits(plain, wasm);
      }
    });
  }

  for (const c of [0, 0.01, 1 / 3, 1.5, 1e-45, Infinity]) {
    it(`clampSymmetric to ±${c}`, () => {
      for (const [start, count] of runs) {
        const [plain, wasm] = pair(start + 21);
        clampSymmetric(plain, start, count, c);
        clampSymmetric(wasm, start, count, c);
        expectSameBits(plain, wasm);
      }
    });
  }

  // Reductions, without specials (the sums would be inf/NaN) and with them.
  for (const specialEvery of [1e9, 97]) {
    it(`sumRow, sumSquares, sumAbs and maxAbs${specialEvery === 97 ? ' with NaN/inf/subnormals' : ''}`, () => {
      for (const [start, count] of runs) {
        const [plain, wasm] = pair(start + 31, specialEvery);
        for (const reduce of [sumRow, sumSquares, sumAbs, maxAbs])
          expect(reduce(wasm, start, count)).toBe(reduce(plain, start, count));
      }
    });
  }

  it('maxAbs finds a NaN or the maximum in the leading elements and in the SIMD part', () => {
    for (const at of [0, 1, 2, 3, 4, 1001, N - 1]) {
      for (const value of [NaN, 1e30, -Infinity]) {
        const [plain, wasm] = pair(at, 1e9);
        plain[at] = value;
        wasm[at] = value;
        expect(maxAbs(wasm, 0, N)).toBe(maxAbs(plain, 0, N));
        expect(maxAbs(wasm, 1, N - 1)).toBe(maxAbs(plain, 1, N - 1));
      }
    }
  });

  it('work on views into the storage (a subarray with a byte offset)', () => {
    const [plain, wasm] = pair(41);
    const p = plain.subarray(3, N - 2);
    const l = wasm.subarray(3, N - 2);
    expect(sumSquares(l, 1, p.length - 1)).toBe(sumSquares(p, 1, p.length - 1));
    expect(maxAbs(l, 2, 500)).toBe(maxAbs(p, 2, 500));
    scaleRange(p, 1, p.length - 2, 0.3);
    scaleRange(l, 1, l.length - 2, 0.3);
    clampRange(p, 5, 1000, -0.5, 0.25);
    clampRange(l, 5, 1000, -0.5, 0.25);
    expectSameBits(plain, wasm);
  });
});

describe('when the engine refuses the arena', () => {
  it('falls back to plain zero-filled arrays that the JavaScript kernels handle', async () => {
    vi.resetModules(); // a fresh copy of the kernels, whose arena is not made yet
    const original = WebAssembly.Memory;
    const refuse = function () {
      throw new RangeError('WebAssembly.Memory(): could not allocate memory');
    };
    Object.defineProperty(WebAssembly, 'Memory', { value: refuse, configurable: true });
    let fresh: typeof import('./wasm-storage.js');
    let d: Float32Array;
    try {
      fresh = await import('./wasm-storage.js');
      d = fresh.allocWasmBacked(N);
    } finally {
      Object.defineProperty(WebAssembly, 'Memory', { value: original, configurable: true });
    }
    expect(d.length).toBe(N);
    expect(d.every((v) => v === 0)).toBe(true);
    expect(fresh.streamKernelsFor(d, d.length)).toBeUndefined();
    d.fill(-2);
    clampSymmetric(d, 0, N, 1);
    expect([d[0], d[N - 1]]).toEqual([-1, -1]);
  });
});
