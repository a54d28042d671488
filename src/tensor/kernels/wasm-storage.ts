/**
 * Storage for lasting tensors: created data (tensor, zeros, randn, ...) and the gradients the
 * engine hands to leaves — what clipping and optimizers pass over again and again. When large, it
 * lives in a WebAssembly.Memory of its own, so the SIMD kernels of stream-wasm.ts run on it in
 * place (a JavaScript loop reads about one element per nanosecond; the SIMD kernels run at memory
 * speed).
 *
 * One memory per storage, because then nothing needs disposing: the garbage collector frees a
 * Memory like any ArrayBuffer once no tensor refers to it, and a memory that never grows never
 * detaches the Float32Array on it. The price is fresh pages on every allocation (a 4 MiB memory
 * costs ~2–3x a reused Float32Array to fill), which is why op outputs, mostly temporaries, stay
 * plain Float32Arrays, as do small storages (a memory rounds up to 64 KiB pages). Without
 * WebAssembly SIMD everything is a plain array and the JavaScript kernels do the work.
 */
import { decodeBase64 } from './base64.js';
import { STREAM_WASM_BASE64 } from './stream-wasm.js';
import { gather, type View } from './strided.js';
import { numelOf } from '../shape.js';

/** Storages of at least this many elements (512 KiB) get their own WebAssembly memory. */
export const WASM_STORAGE_MIN_ELEMENTS = 1 << 17;

/** Runs shorter than this stay in the JavaScript kernels: a WebAssembly call is not free. */
const STREAM_MIN_COUNT = 64;

const PAGE_BYTES = 65536;

/** The exports of stream-wasm.ts; addresses are byte offsets, counts are multiples of 4. */
export interface StreamKernels {
  sum(address: number, count: number, initial: number): number;
  sumSquares(address: number, count: number, initial: number): number;
  sumAbs(address: number, count: number, initial: number): number;
  maxAbs(address: number, count: number): number;
  scale(address: number, count: number, factor: number): void;
  clamp(address: number, count: number, lo: number, hi: number): void;
}

let streamModule: WebAssembly.Module | null | undefined;

function compiled(): WebAssembly.Module | null {
  if (streamModule === undefined) {
    try {
      streamModule = new WebAssembly.Module(decodeBase64(STREAM_WASM_BASE64).buffer as ArrayBuffer);
    } catch {
      streamModule = null; // no WebAssembly, or no SIMD
    }
  }
  return streamModule;
}

// Keyed by the memory's buffer, so both entries go with the storage.
const memories = /* @__PURE__ */ new WeakMap<ArrayBuffer, WebAssembly.Memory>();
const instances = /* @__PURE__ */ new WeakMap<ArrayBuffer, StreamKernels>();

/** Plain arrays for this many allocations after the address space for memories ran out. */
const BACKOFF = 1024;
let plainFor = 0;

/** A zero-filled Float32Array of n elements for a lasting tensor's storage. */
export function allocLasting(n: number): Float32Array {
  if (n < WASM_STORAGE_MIN_ELEMENTS || compiled() === null) return new Float32Array(n);
  if (plainFor > 0) {
    plainFor--;
    return new Float32Array(n);
  }
  const pages = Math.ceil((n * 4) / PAGE_BYTES);
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  } catch {
    // Each memory reserves address space; with many thousands alive the engine refuses more.
    plainFor = BACKOFF;
    return new Float32Array(n);
  }
  memories.set(memory.buffer, memory);
  return new Float32Array(memory.buffer, 0, n);
}

/** A copy of `values` in storage from allocLasting. */
export function copyLasting(values: ArrayLike<number>): Float32Array {
  const out = allocLasting(values.length);
  out.set(values);
  return out;
}

/** A strided view's elements, row-major, in storage from allocLasting. */
export function gatherLasting(view: View): Float32Array {
  return gather(view, allocLasting(numelOf(view.shape)));
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
    const module = memory && compiled();
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
