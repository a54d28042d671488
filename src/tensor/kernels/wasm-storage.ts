/**
 * Wasm-backed storage: the storage of tensors that clipping and optimizers pass over again and
 * again — created data (tensor, zeros, randn, ...) and the gradients the engine hands to leaves.
 * When large, it lives in a WebAssembly.Memory of its own, so the SIMD kernels of
 * generated/stream.wat run on it in place (a JavaScript loop reads about one element per
 * nanosecond; the SIMD kernels run at memory speed). Everything else is gc-backed: a plain
 * Float32Array.
 *
 * One memory per storage, because then nothing needs disposing: the garbage collector frees a
 * Memory like any ArrayBuffer once no tensor refers to it (also inside a synchronous loop), and a
 * memory that never grows never detaches the Float32Array on it. The price is fresh pages on every
 * allocation (a 4 MiB memory costs ~2–3x a reused Float32Array to fill), which is why op outputs,
 * mostly temporaries, stay plain Float32Arrays, as do small storages (a memory rounds up to 64 KiB
 * pages). Without WebAssembly SIMD everything is a plain array and the JavaScript kernels do the
 * work.
 *
 * Each memory reserves ~10 GiB of address space, so the number that may be alive is bounded by
 * WASM_MEMORY_LIMIT (see simd.ts and docs/performance.md "Where tensor storage lives"). A memory
 * counts as alive from its creation until a FinalizationRegistry reports it collected. That report
 * only comes between tasks, never inside a synchronous loop, so the count can overstate what is
 * alive, never understate it: past the limit, new storages are plain arrays until the program
 * yields to the event loop and the reports arrive.
 */
import { gather, type View } from './strided.js';
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

/**
 * The exports of generated/stream.wat. Addresses are byte offsets (unsigned: JavaScript numbers
 * up to 2^32 - 16 are passed as they are and reinterpreted); counts are multiples of 4.
 */
export interface StreamKernels {
  sum(address: number, count: number, initial: number): number;
  sumSquares(address: number, count: number, initial: number): number;
  sumAbs(address: number, count: number, initial: number): number;
  maxAbs(address: number, count: number): number;
  scale(address: number, count: number, factor: number): void;
  clamp(address: number, count: number, lo: number, hi: number): void;
}

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
 * A zero-filled Float32Array of n elements for wasm-backed storage: in a WebAssembly memory of
 * its own when n is at least WASM_STORAGE_MIN_ELEMENTS, at most WASM_STORAGE_MAX_ELEMENTS (one
 * 4 GiB memory), SIMD runs here and fewer than WASM_MEMORY_LIMIT memories are alive; otherwise a
 * plain Float32Array (the JavaScript kernels give the same results on it).
 */
export function allocWasmBacked(n: number): Float32Array {
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

/** Leaves whose gradient storage was allocated before (weakly held: leaves stay collectable). */
const leavesWithGradients = /* @__PURE__ */ new WeakMap<object, true>();

/**
 * Storage for the gradient the engine stores in `leaf.grad` for the first time since it was
 * cleared: the elements of `view`, row-major. A leaf's first gradient ever is wasm-backed: when it
 * then stays (zeroed in place, accumulated in place) clipping and optimizers run SIMD on it step
 * after step for that one allocation. A leaf that needs fresh gradient storage again had its
 * gradient cleared (`zeroGrad()` setting it to null): it churns one storage per step, and a fresh
 * WebAssembly memory costs far more to fault in than a plain array (measured in
 * docs/performance.md), more than SIMD saves on a pass or two, so from then on it is gc-backed.
 */
export function gatherGradient(leaf: object, view: View): Float32Array {
  if (leavesWithGradients.has(leaf)) return gather(view, new Float32Array(numelOf(view.shape)));
  leavesWithGradients.set(leaf, true);
  return gatherWasmBacked(view);
}

/**
 * The SIMD kernels bound to d's memory for a run of `count` elements, or undefined when d is a
 * plain array or the run is too short to be worth a WebAssembly call.
 */
export function streamKernelsFor(d: Float32Array, count: number): StreamKernels | undefined {
  if (count < STREAM_MIN_COUNT) return undefined;
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
