/**
 * Every WebAssembly memory reserves ~10 GiB of address space, and a process has room for ~13 000
 * of them. All of torchlet's large tensors share one memory (the arena), so holding any number of
 * them never starves other WebAssembly in the process; past the arena, storage is plain arrays
 * with the same results.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { ARENA_BYTES } from '../src/tensor/kernels/simd.js';
import { arenaStats } from '../src/tensor/kernels/arena.js';
import { streamKernelsFor } from '../src/tensor/kernels/wasm-storage.js';
import { WASM_STORAGE_MIN_ELEMENTS } from '../src/tensor/kernels/simd.js';

const n = WASM_STORAGE_MIN_ELEMENTS;
/** More tensors of n elements than the arena can hold. */
const arenaFull = ARENA_BYTES / (4 * n);
const inWasm = (t: Tensor) => streamKernelsFor(t.buffer, t.numel()) !== undefined;

describe('storage for many large tensors', () => {
  it('takes one memory, then plain arrays, however many large tensors are alive', () => {
    const held: Tensor[] = [];
    for (let i = 0; i < arenaFull + 64; i++) held.push(torch.zeros(n));
    expect(inWasm(held[0])).toBe(true);
    expect(inWasm(held[held.length - 1])).toBe(false);
    expect(arenaStats().reservedBytes).toBeLessThanOrEqual(ARENA_BYTES);
    // Plain storage past the arena computes the same as arena storage.
    const a = held[0].add_(0.25);
    const b = held[held.length - 1].add_(0.25);
    expect(a.sum().item()).toBe(b.sum().item());
    expect(a.norm().item()).toBe(b.norm().item());
    // Other WebAssembly in the process still gets memory.
    expect(() => new WebAssembly.Memory({ initial: 1 })).not.toThrow();
    held.length = 0;
  });
});
