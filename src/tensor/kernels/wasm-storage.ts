/**
 * Wasm-backed storage: the storage of tensors that clipping and optimizers pass over again and
 * again — created data (tensor, zeros, randn, ...), optimizer state and a leaf's first gradient.
 * Large ones live in the shared arena (kernels/arena.ts) when it has room, where every SIMD kernel
 * reaches them; everything else is a plain Float32Array, where the JavaScript kernels give the
 * same bits. One memory for all of them keeps the address space of the process untouched however
 * many tensors are alive (each WebAssembly memory reserves ~10 GiB of it: see docs/performance.md).
 */
import { gather, type View } from './strided.js';
import { allocForWrite, allocLongLived, arenaKernelsFor, type StreamKernels } from './arena.js';
import { numelOf } from '../shape.js';
import { streamKernelModule } from './simd.js';

export type { StreamKernels } from './arena.js';

/**
 * A zero-filled Float32Array of n elements for storage that usually lives long: in the arena when
 * it has room, else plain.
 */
export function allocWasmBacked(n: number): Float32Array {
  return allocLongLived(n);
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
 * into their final memory: for a leaf's first gradient (`lasting`) as long-lived storage,
 * otherwise as any op output.
 */
export function gatherGradient(view: View, lasting: boolean): Float32Array {
  const n = numelOf(view.shape);
  return gather(view, lasting ? allocLongLived(n, false) : allocForWrite(n));
}

/**
 * The SIMD kernels for a run of `count` elements of d, or undefined when d is a plain array or
 * the run is too short to be worth a WebAssembly call.
 */
export function streamKernelsFor(d: Float32Array, count: number): StreamKernels | undefined {
  return arenaKernelsFor(count, d);
}

/** The stream kernels bound to `memory` (for tests of the address arithmetic on any memory). */
export function streamKernelsOn(memory: WebAssembly.Memory): StreamKernels | undefined {
  const module = streamKernelModule();
  if (!module) return undefined;
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as StreamKernels;
}
