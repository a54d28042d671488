/**
 * softmax / logSoftmax (forward and backward) on the WebAssembly SIMD kernels of
 * generated/softmax.wat. Data is copied block by block (SOFTMAX_BLOCK_FLOATS at a time, so the
 * passes over a block hit the cache) into the kernels' own memory, normalised there with a
 * vectorised exp, and copied out. Rows are padded to whole f32x4 vectors: with -inf in the forward
 * pass (exp gives 0, the max is unchanged) and 0 in the backward pass (adds nothing to the sums).
 *
 * Every function returns null where WebAssembly SIMD is unavailable; callers then run the
 * JavaScript kernels, which use Math.exp and float64 sums and so can differ in the last bits.
 */
import { SOFTMAX_BLOCK_FLOATS, softmaxKernelModule } from './simd.js';
import { allocForWrite } from './arena.js';

interface Kernel {
  memory: WebAssembly.Memory;
  rowsExpSum: (p: number, rows: number, stride: number, stats: number, store: number) => void;
  rowsApply: (p: number, rows: number, stride: number, stats: number, shift: number) => void;
  rowsBackward: (p: number, rows: number, stride: number, y: number, log: number) => void;
  colsExpSum: (p: number, size: number, width: number, stats: number, store: number) => void;
  colsApply: (p: number, size: number, width: number, stats: number, shift: number) => void;
  colsBackward: (
    p: number,
    size: number,
    width: number,
    stats: number,
    y: number,
    log: number,
  ) => void;
}

let kernel: Kernel | null | undefined;
let heap = new Float32Array(0);

function load(): Kernel | null {
  if (kernel !== undefined) return kernel;
  try {
    const module = softmaxKernelModule();
    kernel =
      module === null ? null : (new WebAssembly.Instance(module, {}).exports as unknown as Kernel);
  } catch {
    kernel = null; // no WebAssembly, or no SIMD: the JavaScript kernels take over
  }
  return kernel;
}

/** The kernels with at least `floats` floats of scratch memory (heap views it). */
function withScratch(floats: number): Kernel | null {
  const kern = load();
  if (kern === null) return null;
  const have = kern.memory.buffer.byteLength;
  if (floats * 4 > have) kern.memory.grow(Math.ceil((floats * 4 - have) / 65536));
  if (heap.buffer !== kern.memory.buffer) heap = new Float32Array(kern.memory.buffer);
  return kern;
}

const roundUp4 = (x: number) => (x + 3) & ~3;

/** heap[at, at + padTo) = src[from, from + len) followed by `pad`. */
function copyIn(
  src: Float32Array,
  from: number,
  at: number,
  len: number,
  padTo: number,
  pad: number,
): void {
  if (len >= 32) heap.set(src.subarray(from, from + len), at);
  else for (let i = 0; i < len; i++) heap[at + i] = src[from + i];
  for (let i = len; i < padTo; i++) heap[at + i] = pad;
}

/** out[to, to + len) = heap[at, at + len). */
function copyOut(at: number, out: Float32Array, to: number, len: number): void {
  if (len >= 32) out.set(heap.subarray(at, at + len), to);
  else for (let i = 0; i < len; i++) out[to + i] = heap[at + i];
}

/** Rows of `rows` x `size` (one block: `count` rows from `r0`) copied in at `at` with `stride`. */
function rowsIn(
  src: Float32Array,
  r0: number,
  count: number,
  size: number,
  stride: number,
  at: number,
  pad: number,
): void {
  if (stride === size) {
    heap.set(src.subarray(r0 * size, (r0 + count) * size), at);
    return;
  }
  for (let i = 0; i < count; i++) copyIn(src, (r0 + i) * size, at + i * stride, size, stride, pad);
}

function rowsOut(out: Float32Array, r0: number, count: number, size: number, stride: number): void {
  if (stride === size) {
    out.set(heap.subarray(0, count * size), r0 * size);
    return;
  }
  for (let i = 0; i < count; i++) copyOut(i * stride, out, (r0 + i) * size, size);
}

/** Column blocks of one [size, inner] slab: width of one block (a multiple of 4). */
function columnWidth(size: number, inner: number): number {
  const fit = Math.max(4, Math.floor(SOFTMAX_BLOCK_FLOATS / size / 4) * 4);
  return Math.min(fit, roundUp4(inner));
}

/**
 * Softmax (or logSoftmax) of contiguous `src` laid out as [outer, size, inner], normalised along
 * `size`, written into `out` (default: a fresh array); null when WebAssembly SIMD is unavailable.
 */
export function softmaxSimd(
  src: Float32Array,
  outer: number,
  size: number,
  inner: number,
  log: boolean,
  out = allocForWrite(outer * size * inner),
): Float32Array | null {
  if (out.length === 0) return load() === null ? null : out;
  if (inner === 1) {
    const stride = roundUp4(size);
    const perBlock = Math.max(1, Math.floor(SOFTMAX_BLOCK_FLOATS / stride));
    const rows = Math.min(perBlock, outer);
    const stats = rows * stride;
    const kern = withScratch(stats + 2 * rows);
    if (kern === null) return null;
    for (let r0 = 0; r0 < outer; r0 += rows) {
      const count = Math.min(rows, outer - r0);
      rowsIn(src, r0, count, size, stride, 0, -Infinity);
      kern.rowsExpSum(0, count, stride, stats * 4, log ? 0 : 1);
      // Each row's sum s becomes log s (logSoftmax: (x - max) - log s) or 1 / s (softmax).
      for (let i = stats + 1; i < stats + 2 * count; i += 2)
        heap[i] = log ? Math.log(heap[i]) : 1 / heap[i];
      kern.rowsApply(0, count, stride, stats * 4, log ? 1 : 0);
      rowsOut(out, r0, count, size, stride);
    }
    return out;
  }
  const width = columnWidth(size, inner);
  const stats = size * width;
  const kern = withScratch(stats + 2 * width);
  if (kern === null) return null;
  for (let o = 0; o < outer; o++) {
    const base = o * size * inner;
    for (let j0 = 0; j0 < inner; j0 += width) {
      const w = Math.min(width, inner - j0);
      const wp = roundUp4(w);
      for (let k = 0; k < size; k++) copyIn(src, base + k * inner + j0, k * wp, w, wp, -Infinity);
      kern.colsExpSum(0, size, wp, stats * 4, log ? 0 : 1);
      for (let j = stats + wp; j < stats + 2 * wp; j++)
        heap[j] = log ? Math.log(heap[j]) : 1 / heap[j];
      kern.colsApply(0, size, wp, stats * 4, log ? 1 : 0);
      for (let k = 0; k < size; k++) copyOut(k * wp, out, base + k * inner + j0, w);
    }
  }
  return out;
}

/**
 * The backward pass given the upstream gradient `g` and the forward output `y` (both contiguous,
 * [outer, size, inner]): softmax gives y·(g − Σ g·y), logSoftmax g − exp(y)·Σ g. Null when
 * WebAssembly SIMD is unavailable.
 */
export function softmaxBackwardSimd(
  g: Float32Array,
  y: Float32Array,
  outer: number,
  size: number,
  inner: number,
  log: boolean,
): Float32Array | null {
  const out = allocForWrite(outer * size * inner);
  if (out.length === 0) return load() === null ? null : out;
  if (inner === 1) {
    const stride = roundUp4(size);
    const perBlock = Math.max(1, Math.floor(SOFTMAX_BLOCK_FLOATS / stride));
    const rows = Math.min(perBlock, outer);
    const yAt = rows * stride;
    const kern = withScratch(2 * yAt);
    if (kern === null) return null;
    for (let r0 = 0; r0 < outer; r0 += rows) {
      const count = Math.min(rows, outer - r0);
      rowsIn(g, r0, count, size, stride, 0, 0);
      rowsIn(y, r0, count, size, stride, yAt, 0);
      kern.rowsBackward(0, count, stride, yAt * 4, log ? 1 : 0);
      rowsOut(out, r0, count, size, stride);
    }
    return out;
  }
  const width = columnWidth(size, inner);
  const yAt = size * width;
  const stats = 2 * yAt;
  const kern = withScratch(stats + width);
  if (kern === null) return null;
  for (let o = 0; o < outer; o++) {
    const base = o * size * inner;
    for (let j0 = 0; j0 < inner; j0 += width) {
      const w = Math.min(width, inner - j0);
      const wp = roundUp4(w);
      for (let k = 0; k < size; k++) {
        copyIn(g, base + k * inner + j0, k * wp, w, wp, 0);
        copyIn(y, base + k * inner + j0, yAt + k * wp, w, wp, 0);
      }
      kern.colsBackward(0, size, wp, stats * 4, yAt * 4, log ? 1 : 0);
      for (let k = 0; k < size; k++) copyOut(k * wp, out, base + k * inner + j0, w);
    }
  }
  return out;
}
