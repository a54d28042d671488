/**
 * WebAssembly addresses are unsigned 32-bit: a run of elements that ends at the last element of a
 * full 4 GiB memory (a tensor of 2^30 elements, or any row or view ending there) has the end
 * address 2^32, which wraps to 0. The kernels must not compute it: they count elements down.
 *
 * A 4 GiB memory is too much for CI, so these tests hand the kernels runs that end at 2^32 on a
 * small memory: a kernel that really walks the run reads past the small memory and traps; one whose
 * loop bound wrapped returns at once having done nothing (the bug: `ones(2**30).sum()` gave 0).
 */
import { describe, expect, it } from 'vitest';
import { streamKernelsOn, type StreamKernels } from './wasm-storage.js';
import { WASM_PAGE_BYTES } from './simd.js';

const TOP = 2 ** 32;

function kernelsOnOnePage(): { k: StreamKernels; f: Float32Array } {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
  const k = streamKernelsOn(memory);
  if (!k) throw new Error('WebAssembly SIMD unavailable');
  return { k, f: new Float32Array(memory.buffer) };
}

const runs: Array<[string, (k: StreamKernels, address: number, count: number) => unknown]> = [
  ['sum', (k, a, n) => k.sum(a, n, 0)],
  ['sumSquares', (k, a, n) => k.sumSquares(a, n, 0)],
  ['sumAbs', (k, a, n) => k.sumAbs(a, n, 0)],
  ['maxAbs', (k, a, n) => k.maxAbs(a, n)],
  ['scale', (k, a, n) => k.scale(a, n, 0.5)],
  ['clamp', (k, a, n) => k.clamp(a, n, -1, 1)],
];

describe('SIMD kernels at the end of the 32-bit address space', () => {
  for (const [name, run] of runs) {
    it(`${name} walks a run ending at address 2^32 instead of skipping it`, () => {
      const { k } = kernelsOnOnePage();
      // The last 4 and the last 2^30 elements of the address space (a whole 4 GiB tensor).
      expect(() => run(k, TOP - 16, 4)).toThrow(WebAssembly.RuntimeError);
      expect(() => run(k, 0, 2 ** 30)).toThrow(WebAssembly.RuntimeError);
      expect(() => run(k, TOP - 2 ** 20, 2 ** 18)).toThrow(WebAssembly.RuntimeError);
    });
  }

  it('computes runs that end at the last element of their memory', () => {
    const { k, f } = kernelsOnOnePage();
    const n = WASM_PAGE_BYTES / 4;
    f.fill(1);
    f[n - 1] = -3;
    expect(k.sum(0, n, 0)).toBe(n - 4);
    expect(k.sum(WASM_PAGE_BYTES - 64, 16, 0)).toBe(12);
    expect(k.maxAbs(WASM_PAGE_BYTES - 16, 4)).toBe(3);
    k.scale(WASM_PAGE_BYTES - 16, 4, 2);
    expect(Array.from(f.subarray(n - 5))).toEqual([1, 2, 2, 2, -6]);
    k.clamp(WASM_PAGE_BYTES - 16, 4, -1, 1);
    expect(Array.from(f.subarray(n - 5))).toEqual([1, 1, 1, 1, -1]);
  });
});
