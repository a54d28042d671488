/**
 * Every WebAssembly memory reserves ~10 GiB of address space, and a process has room for ~13 000
 * of them. torchlet bounds the memories it keeps alive for tensor storage (WASM_MEMORY_LIMIT), so
 * holding any number of large tensors never starves other WebAssembly in the process; past the
 * bound, storage is plain arrays with the same results.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { ARENA_BYTES, WASM_MEMORY_LIMIT } from '../src/tensor/kernels/simd.js';
import {
  WASM_STORAGE_MIN_ELEMENTS,
  streamKernelsFor,
  wasmMemoriesInUse,
} from '../src/tensor/kernels/wasm-storage.js';

const n = WASM_STORAGE_MIN_ELEMENTS;
/** More tensors of n elements than the shared arena can hold: the rest get memories of their own. */
const arenaFull = ARENA_BYTES / (4 * n);
const inWasm = (t: Tensor) => streamKernelsFor(t.buffer, t.numel()) !== undefined;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('WebAssembly memories for tensor storage', () => {
  it('stay within WASM_MEMORY_LIMIT however many large tensors are alive', () => {
    const held: Tensor[] = [];
    for (let i = 0; i < arenaFull + WASM_MEMORY_LIMIT + 64; i++) held.push(torch.zeros(n));
    expect(wasmMemoriesInUse()).toBeLessThanOrEqual(WASM_MEMORY_LIMIT);
    expect(inWasm(held[held.length - 1])).toBe(false);
    // Plain storage past the limit computes the same as wasm-backed storage.
    const a = held[0].add_(0.25);
    const b = held[held.length - 1].add_(0.25);
    expect(a.sum().item()).toBe(b.sum().item());
    expect(a.norm().item()).toBe(b.norm().item());
    // Other WebAssembly in the process still gets memory.
    expect(() => new WebAssembly.Memory({ initial: 1 })).not.toThrow();
    held.length = 0;
  });

  it('come back once the tensors are collected and the program yields', async () => {
    for (let i = 0; i < arenaFull + WASM_MEMORY_LIMIT + 8; i++) torch.zeros(n);
    // Inside one synchronous run nothing reports a collection: the bound holds, storage is plain.
    expect(wasmMemoriesInUse()).toBe(WASM_MEMORY_LIMIT);
    expect(inWasm(torch.zeros(n))).toBe(false);
    for (let round = 0; round < 20 && wasmMemoriesInUse() > WASM_MEMORY_LIMIT / 2; round++) {
      gc();
      await sleep(10);
    }
    expect(wasmMemoriesInUse()).toBeLessThan(WASM_MEMORY_LIMIT / 2);
    expect(inWasm(torch.zeros(n))).toBe(true);
  });
});
