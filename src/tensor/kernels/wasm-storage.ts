/**
 * Wasm-backed storage: the storage of tensors that clipping and optimizers pass over again and
 * again — created data (tensor, zeros, randn, ...) and the gradients the engine hands to leaves.
 * Large ones live in the shared arena when it has room (kernels/arena.ts), where every SIMD kernel
 * reaches them; otherwise in a WebAssembly.Memory of their own, so the one-pass kernels of
 * generated/stream.wat (norms, clamp, scale) still run on them in place; otherwise (small, or
 * neither is available) in a plain Float32Array, where the JavaScript kernels give the same bits.
 *
 * A memory of its own needs no disposing either: the garbage collector frees it like any
 * ArrayBuffer once no tensor refers to it (also inside a synchronous loop), and a memory that
 * never grows never detaches the Float32Array on it. Its price is fresh pages on every allocation
 * and ~10 GiB of address space, so the number that may be alive is bounded by WASM_MEMORY_LIMIT
 * (see simd.ts and docs/performance.md "Where tensor storage lives"). A memory counts as alive
 * from its creation until a FinalizationRegistry reports it collected. That report only comes
 * between tasks, never inside a synchronous loop, so the count can overstate what is alive, never
 * understate it: past the limit, new storages are plain arrays until the program yields to the
 * event loop and the reports arrive.
 */
import { gather, type View } from './strided.js';
import { allocForWrite, arenaAlloc, arenaKernelsFor, type StreamKernels } from './arena.js';
import { numelOf } from '../shape.js';
import {
  STREAM_MIN_COUNT,
  WASM_MEMORY_LIMIT,
  WASM_PAGE_BYTES,
  WASM_STORAGE_MAX_ELEMENTS,
  WASM_STORAGE_MIN_ELEMENTS,
  streamKernelModule,
} from './simd.js';

export { WASM_STORAGE_MIN_ELEMENTS, WASM_STORAGE_MAX_ELEMENTS } from './simd.js';

export type { StreamKernels } from './arena.js';

// Keyed by the memory's buffer, so both entries go with the storage.
const memories = /* @__PURE__ */ new WeakMap<ArrayBuffer, WebAssembly.Memory>();
const instances = /* @__PURE__ */ new WeakMap<ArrayBuffer, StreamKernels>();

/** Memories created and not yet reported collected: an upper bound of those alive. */
let liveMemories = 0;
const collected =
  typeof FinalizationRegistry === 'function'
    ? /* @__PURE__ */ new FinalizationRegistry<null>(() => {
        liveMemories--;
      })
    : undefined;

/** Plain arrays for this many allocations after the engine refused a memory. */
const BACKOFF = 1024;
let plainFor = 0;

/** How many WebAssembly memories for storage may be alive now, at most (for tests and docs). */
export function wasmMemoriesInUse(): number {
  return liveMemories;
}

/**
 * A zero-filled Float32Array of n elements for wasm-backed storage: in the arena when it has
 * room, else in a memory of its own (allocOwnMemory), else plain.
 */
export function allocWasmBacked(n: number): Float32Array {
  return arenaAlloc(n, true, false) ?? allocOwnMemory(n);
}

/**
 * A zero-filled Float32Array of n elements in a WebAssembly memory of its own when n is at least
 * WASM_STORAGE_MIN_ELEMENTS, at most WASM_STORAGE_MAX_ELEMENTS (one 4 GiB memory), SIMD runs here
 * and fewer than WASM_MEMORY_LIMIT memories are alive; otherwise a plain Float32Array (the
 * JavaScript kernels give the same results on it).
 */
export function allocOwnMemory(n: number): Float32Array {
  if (
    n < WASM_STORAGE_MIN_ELEMENTS ||
    n > WASM_STORAGE_MAX_ELEMENTS ||
    collected === undefined ||
    streamKernelModule() === null
  )
    return new Float32Array(n);
  if (plainFor > 0 || liveMemories >= WASM_MEMORY_LIMIT) {
    if (plainFor > 0) plainFor--;
    return new Float32Array(n);
  }
  const pages = Math.ceil((n * 4) / WASM_PAGE_BYTES);
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  } catch {
    // Out of address space or memory: leave what remains to the rest of the process.
    plainFor = BACKOFF;
    return new Float32Array(n);
  }
  liveMemories++;
  collected.register(memory.buffer, null);
  memories.set(memory.buffer, memory);
  return new Float32Array(memory.buffer, 0, n);
}

/** A copy of `values` in storage from allocWasmBacked. */
export function copyWasmBacked(values: ArrayLike<number>): Float32Array {
  const out = allocWasmBacked(values.length);
  out.set(values);
  return out;
}

/** A strided view's elements, row-major, in storage from allocWasmBacked. */
export function gatherWasmBacked(view: View): Float32Array {
  return gather(view, allocWasmBacked(numelOf(view.shape)));
}

/** Leaves that had a gradient stored before (weakly held: leaves stay collectable). */
const leavesWithGradients = /* @__PURE__ */ new WeakSet<object>();

/**
 * Whether the gradient the engine is about to store in `leaf.grad` is the leaf's first ever (and
 * records that it now has one). A first gradient usually stays (zeroed or accumulated in place
 * step after step), so it is placed in the arena like created data, where clipping and the
 * optimizer's update reach it together with the parameter. Gradients stored again after
 * `zeroGrad()` cleared them churn one storage per step: they are temporaries (see arenaAlloc).
 */
export function firstGradient(leaf: object): boolean {
  if (leavesWithGradients.has(leaf)) return false;
  leavesWithGradients.add(leaf);
  return true;
}

/**
 * Storage for a gradient stored in `leaf.grad`: the elements of `view`, row-major, written once
 * into their final memory: for a leaf's first gradient (`lasting`) in the arena when it has room
 * (or a memory of its own), otherwise as any op output.
 */
export function gatherGradient(view: View, lasting: boolean): Float32Array {
  const n = numelOf(view.shape);
  return gather(
    view,
    lasting ? (arenaAlloc(n, false, false) ?? allocOwnMemory(n)) : allocForWrite(n),
  );
}

/**
 * The SIMD kernels bound to d's memory for a run of `count` elements, or undefined when d is a
 * plain array or the run is too short to be worth a WebAssembly call.
 */
export function streamKernelsFor(d: Float32Array, count: number): StreamKernels | undefined {
  if (count < STREAM_MIN_COUNT) return undefined;
  const shared = arenaKernelsFor(count, d);
  if (shared !== undefined) return shared;
  const buffer = d.buffer as ArrayBuffer;
  let kernels = instances.get(buffer);
  if (kernels === undefined) {
    const memory = memories.get(buffer);
    const module = memory && streamKernelModule();
    if (!memory || !module) return undefined;
    try {
      kernels = new WebAssembly.Instance(module, { env: { memory } })
        .exports as unknown as StreamKernels;
    } catch {
      memories.delete(buffer); // cannot bind: the JavaScript kernels handle this storage
      return undefined;
    }
    instances.set(buffer, kernels);
  }
  return kernels;
}

/** The stream kernels bound to `memory` (for tests of the address arithmetic on small memories). */
export function streamKernelsOn(memory: WebAssembly.Memory): StreamKernels | undefined {
  const module = streamKernelModule();
  if (!module) return undefined;
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as StreamKernels;
}
