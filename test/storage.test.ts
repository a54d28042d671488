/**
 * Large tensors (created data, leaves' gradients, op outputs) get WebAssembly storage (the shared
 * arena), and everything computed on them equals what the same computation gives on plain storage.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { streamKernelsFor } from '../src/tensor/kernels/wasm-storage.js';
import { WASM_STORAGE_MIN_ELEMENTS } from '../src/tensor/kernels/simd.js';
import { ARENA_MIN_ELEMENTS } from '../src/tensor/kernels/simd.js';

const inWasm = (t: Tensor) => streamKernelsFor(t.buffer, t.numel()) !== undefined;
const shapes = [[512, 300], [WASM_STORAGE_MIN_ELEMENTS + 1], [7, 3]];
const bits = (t: Tensor) => Array.from(new Int32Array(t.toFloat32Array().buffer));

/** Gradients of 0.5·Σ (k·w)² for each shape: w is random, the gradient is k²·w. */
function withGrads(seed: number): Tensor[] {
  torch.manualSeed(seed);
  return shapes.map((s, k) => {
    const w = torch.randn(s, { requiresGrad: true });
    w.mul(k + 1.5)
      .pow(2)
      .sum()
      .mul(0.5)
      .backward();
    return w;
  });
}

/** The same parameters with gradients in plain storage (an op's output). */
function plainTwins(params: Tensor[]): Tensor[] {
  return params.map((p) => {
    const twin = p.detach().clone();
    twin.grad = p.grad!.mul(1);
    twin.grad.subarrayView(); // a view that leaves the library moves its memory to a plain array
    return twin;
  });
}

describe('wasm-backed storage', () => {
  it('holds large created tensors and first leaf gradients; small ones stay plain', () => {
    const n = WASM_STORAGE_MIN_ELEMENTS;
    for (const t of [
      torch.zeros(n),
      torch.ones(2, n / 2),
      torch.full([n], 3),
      torch.randn(n),
      torch.rand(n),
      torch.tensor(new Float32Array(n)),
      torch.tensor(torch.zeros(n).t()),
      torch.arange(n),
      torch.randperm(n),
    ])
      expect(inWasm(t)).toBe(true);
    expect(inWasm(torch.zeros(ARENA_MIN_ELEMENTS))).toBe(true);
    expect(inWasm(torch.zeros(ARENA_MIN_ELEMENTS - 1))).toBe(false);
    const [big, , small] = withGrads(1);
    expect(inWasm(big.grad!)).toBe(true);
    expect(inWasm(small.grad!)).toBe(false);
    // Op outputs take arena memory touched before (or given by dispose()), else plain arrays:
    // either way the numbers are the same (test/dispose.test.ts covers where they go).
  });

  it('accumulates a second backward into the same gradient storage', () => {
    const w = torch.ones([WASM_STORAGE_MIN_ELEMENTS], { requiresGrad: true });
    w.mul(2).sum().backward();
    const storage = w.grad!.buffer;
    w.mul(3).sum().backward();
    expect(w.grad!.buffer).toBe(storage);
    expect([w.grad!.buffer[0], w.grad!.buffer[WASM_STORAGE_MIN_ELEMENTS - 1]]).toEqual([5, 5]);
  });

  for (const normType of [2, 1, Infinity]) {
    it(`clipGradNorm_ (norm ${normType}) gives the same total and gradients as on plain storage`, () => {
      const params = withGrads(2);
      const twins = plainTwins(params);
      expect(inWasm(twins[0].grad!)).toBe(false);
      const total = torch.nn.utils.clipGradNorm_(params, 1.0, normType);
      const plainTotal = torch.nn.utils.clipGradNorm_(twins, 1.0, normType);
      expect(total.item()).toBe(plainTotal.item());
      params.forEach((p, i) => expect(bits(p.grad!)).toEqual(bits(twins[i].grad!)));
      const after = torch.nn.utils.getTotalNorm(
        params.map((p) => p.grad!),
        normType,
      );
      expect(after.item()).toBeCloseTo(1.0, 5);
    });
  }

  it('clipGradValue_ gives the same gradients as on plain storage, NaN and signed zeros kept', () => {
    const params = withGrads(3);
    const g = params[0].grad!.buffer;
    [g[0], g[1], g[2]] = [NaN, -0, Infinity];
    const twins = plainTwins(params);
    torch.nn.utils.clipGradValue_(params, 0.25);
    torch.nn.utils.clipGradValue_(twins, 0.25);
    params.forEach((p, i) => expect(bits(p.grad!)).toEqual(bits(twins[i].grad!)));
    expect([g[0], Object.is(g[1], -0), g[2]]).toEqual([NaN, true, 0.25]);
  });
});
