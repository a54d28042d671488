/**
 * Where the engine stores leaves' gradients: a leaf's first gradient is placed where it can stay
 * (the shared arena, where clipping and the optimizer's update run SIMD over it), written once; a
 * gradient that stays is accumulated in place; one stored again after being cleared is a
 * temporary like any op output. Either way the numbers are the same.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { streamKernelsFor } from '../src/tensor/kernels/wasm-storage.js';
import { WASM_STORAGE_MIN_ELEMENTS } from '../src/tensor/kernels/simd.js';

const n = WASM_STORAGE_MIN_ELEMENTS + 5;
const inWasm = (t: Tensor) => streamKernelsFor(t.buffer, t.numel()) !== undefined;
const bits = (t: Tensor) => Array.from(new Int32Array(t.toFloat32Array().buffer));

describe('gradient storage', () => {
  it('is wasm-backed the first time, and the same numbers when cleared and stored again', () => {
    torch.manualSeed(3);
    const w = torch.randn([n], { requiresGrad: true });
    const lossOf = () => w.mul(w).mul(0.75).sum();
    lossOf().backward();
    const first = w.grad!;
    expect(inWasm(first)).toBe(true);
    const firstBits = bits(first);

    w.grad = null;
    lossOf().backward();
    expect(bits(w.grad!)).toEqual(firstBits);

    // A gradient that stays is accumulated in place, in whatever storage it has.
    const kept = w.grad!.buffer;
    lossOf().backward();
    expect(w.grad!.buffer).toBe(kept);
    expect(w.grad!.div(2).sub(first).abs().sum().item()).toBe(0);
  });

  it('stays wasm-backed when zeroGrad zeroes in place instead of clearing', () => {
    const w = torch.ones([n], { requiresGrad: true });
    const opt = new torch.optim.SGD([w], { lr: 0.1 });
    for (let step = 0; step < 3; step++) {
      opt.zeroGrad({ setToNone: false });
      w.mul(2).sum().backward();
      opt.step();
    }
    expect(inWasm(w.grad!)).toBe(true);
    expect(w.grad!.buffer[n - 1]).toBe(2);
  });
});
