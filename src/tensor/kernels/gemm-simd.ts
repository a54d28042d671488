/**
 * Matrix multiply on the WebAssembly SIMD micro-kernel of gemm-wasm.ts. Operands are packed into
 * the kernel's panel layout from their strides (so transposed or sliced operands need no separate
 * transpose) — by the module's SIMD packing after one block copy into its memory, or here, multiplied with f32x4 accumulators (float32 accumulation, as BLAS does), and the
 * result is copied out. Returns false when WebAssembly SIMD is not available; callers then use the
 * JavaScript kernels.
 */
import { GEMM_TILE_COLS, GEMM_TILE_ROWS } from './generated/gemm-wasm.js';
import type { Mat } from './matmul.js';
import {
  GEMM_K_BLOCK,
  GEMM_SCRATCH_MAX_BYTES,
  THREADED_GEMM_MIN_ROWS,
  THREADED_GEMM_MIN_WORK,
  gemmKernelModule,
} from './simd.js';

/** The GEMM micro-kernel's exports (generated/gemm.wat; gemm-shared.wat for threaded products). */
export interface GemmKernel {
  memory: WebAssembly.Memory;
  pack: (
    dst: number,
    src: number,
    rowStride: number,
    depthStride: number,
    rows: number,
    k: number,
    width: number,
  ) => void;
  /** C (row stride `ldc` floats) = A · B, or += when `accumulate` is 1 (see generated/gemm.wat). */
  gemm: (
    a: number,
    b: number,
    c: number,
    mp: number,
    k: number,
    np: number,
    accumulate: number,
    ldc: number,
  ) => void;
}

let kernel: GemmKernel | null | undefined;

/** The kernel products run on when setNumThreads asked for threads (kernels/thread-pool.ts). */
let threaded: GemmKernel | null = null;

/**
 * Makes large matrix products run on `kern` (whose `gemm` splits C's rows or columns over threads,
 * each element computed as on one thread), or on this thread's own kernel again (null).
 */
export function useGemmKernel(kern: GemmKernel | null): void {
  threaded = kern;
}

function load(): GemmKernel | null {
  if (kernel !== undefined) return kernel;
  try {
    const module = gemmKernelModule();
    if (module === null) return (kernel = null);
    const instance = new WebAssembly.Instance(module, {});
    const exports = instance.exports as unknown as GemmKernel;
    kernel = { memory: exports.memory, gemm: exports.gemm, pack: exports.pack };
  } catch {
    kernel = null; // no WebAssembly, or no SIMD: the JavaScript kernels take over
  }
  return kernel;
}

/** Whether the GEMM micro-kernel runs here. */
export function simdAvailable(): boolean {
  return load() !== null;
}

const roundUp = (x: number, m: number) => Math.ceil(x / m) * m;

/** The kernel's memory as `floats` floats, grown first when it is smaller. */
function memoryOf(kern: GemmKernel, floats: number): Float32Array {
  const have = kern.memory.buffer.byteLength;
  if (floats * 4 > have) kern.memory.grow(Math.ceil((floats * 4 - have) / 65536));
  return new Float32Array(kern.memory.buffer, 0, floats);
}

/** Floats from a strided block's first element to its last (`rows` x `k`, strides `rs`, `ps`). */
const span = (rs: number, ps: number, rows: number, k: number): number =>
  rows === 0 || k === 0 ? 0 : (rows - 1) * rs + (k - 1) * ps + 1;

/**
 * out[m, n] (row-major at `outOffset`) = A[m, k] · B[k, n]; false if SIMD is unavailable (or a
 * B panel alone exceeds `scratchMaxBytes`, default GEMM_SCRATCH_MAX_BYTES). Results do not depend
 * on the scratch size: row blocks change which rows are computed together, not any sum.
 */
export function gemmSimd(
  a: Mat,
  b: Mat,
  m: number,
  k: number,
  n: number,
  out: Float32Array,
  outOffset: number,
  scratchMaxBytes = GEMM_SCRATCH_MAX_BYTES,
): boolean {
  // Small products stay on this thread's kernel and its unshared memory (see THREADED_GEMM_MIN_ROWS).
  const kern =
    threaded !== null && m >= THREADED_GEMM_MIN_ROWS && m * n * k >= THREADED_GEMM_MIN_WORK
      ? threaded
      : load();
  if (kern === null) return false;
  const R = GEMM_TILE_ROWS;
  const C = GEMM_TILE_COLS;
  const np = roundUp(n, C);
  // k is cut into blocks so one B panel (KC x 8 floats) and one A panel stay in L1 cache.
  const kc = Math.min(GEMM_K_BLOCK, k);
  const bLen = kc * np;
  // Rows of C are computed in blocks that keep the scratch (A panel, B panel, C block) within
  // GEMM_SCRATCH_MAX_BYTES: any product size works, and all addresses stay far below 2^32.
  const perRow = kc + np;
  const fit = Math.floor((scratchMaxBytes / 4 - bLen) / perRow);
  if (fit < R) return false; // B panel alone too large: the JavaScript kernels take this product
  const rowBlock = Math.min(roundUp(m, R), fit - (fit % R));
  const aLen = rowBlock * kc;
  const cStart = aLen + bLen;
  // The operands' elements are copied into the kernel's memory as they lie (one block copy each,
  // when they are dense enough) and packed there by the module's SIMD packing; otherwise packed
  // here from their strides. The same floats either way.
  const aSpan = span(a.rowStride, a.colStride, Math.min(rowBlock, m), k);
  const bSpan = span(b.colStride, b.rowStride, n, k);
  const aSrc = cStart + rowBlock * np;
  const bSrc = aSrc + aSpan;
  const copyIn =
    aSpan <= 2 * rowBlock * k + 64 &&
    bSpan <= 2 * n * k + 64 &&
    (bSrc + bSpan) * 4 <= 4 * GEMM_SCRATCH_MAX_BYTES; // the copies may take 3x the panels' budget
  const mem = memoryOf(kern, copyIn ? bSrc + bSpan : aSrc);
  if (copyIn) mem.set(b.buffer.subarray(b.offset, b.offset + bSpan), bSrc);
  for (let i0 = 0; i0 < m; i0 += rowBlock) {
    const rows = Math.min(rowBlock, m - i0);
    const mp = roundUp(rows, R);
    const aStart = a.offset + i0 * a.rowStride;
    if (copyIn)
      mem.set(a.buffer.subarray(aStart, aStart + span(a.rowStride, a.colStride, rows, k)), aSrc);
    for (let k0 = 0; k0 < k; k0 += kc) {
      const depth = Math.min(kc, k - k0);
      if (copyIn) {
        kern.pack(
          0,
          (aSrc + k0 * a.colStride) * 4,
          a.rowStride * 4,
          a.colStride * 4,
          rows,
          depth,
          R,
        );
        kern.pack(
          aLen * 4,
          (bSrc + k0 * b.rowStride) * 4,
          b.colStride * 4,
          b.rowStride * 4,
          n,
          depth,
          C,
        );
        kern.gemm(0, aLen * 4, cStart * 4, mp, depth, np, k0 === 0 ? 0 : 1, np);
        continue;
      }
      packPanels(
        mem,
        0,
        a.buffer,
        a.offset + i0 * a.rowStride + k0 * a.colStride,
        a.rowStride,
        a.colStride,
        rows,
        depth,
        R,
      );
      // B's columns are packed like A's rows: B(p, c) is the transpose's (c, p).
      packPanels(
        mem,
        aLen,
        b.buffer,
        b.offset + k0 * b.rowStride,
        b.colStride,
        b.rowStride,
        n,
        depth,
        C,
      );
      kern.gemm(0, aLen * 4, cStart * 4, mp, depth, np, k0 === 0 ? 0 : 1, np);
    }
    for (let i = 0; i < rows; i++)
      out.set(mem.subarray(cStart + i * np, cStart + i * np + n), outOffset + (i0 + i) * n);
  }
  return true;
}

/**
 * The module's SIMD packing of `rows` x `k` values of `src` (element (r, p) at
 * `src[off + r * rs + p * ps]`) into panels of `width` rows, for tests against packPanels; null
 * where WebAssembly SIMD is unavailable.
 */
export function packPanelsInKernel(
  src: Float32Array,
  off: number,
  rs: number,
  ps: number,
  rows: number,
  k: number,
  width: number,
): Float32Array | null {
  const kern = load();
  if (kern === null) return null;
  const out = roundUp(rows, width) * k;
  const srcSpan = span(rs, ps, rows, k);
  const mem = memoryOf(kern, out + srcSpan);
  mem.set(src.subarray(off, off + srcSpan), out);
  kern.pack(0, out * 4, rs * 4, ps * 4, rows, k, width);
  return mem.slice(0, out);
}

/**
 * Writes `rows` x `k` strided values (element (r, p) at `src[off + r * rs + p * ps]`) as panels of
 * `width` rows, interleaved per p: dst[((r / width) * k + p) * width + r % width]. Rows past
 * `rows` in the last panel are zero. Writes are sequential; reads walk `width` streams.
 */
export function packPanels(
  dst: Float32Array,
  start: number,
  src: Float32Array,
  off: number,
  rs: number,
  ps: number,
  rows: number,
  k: number,
  width: number,
): void {
  let o = start;
  for (let r0 = 0; r0 < rows; r0 += width) {
    const full = Math.min(width, rows - r0);
    const base = off + r0 * rs;
    if (full === 4 && width === 4) {
      // Whole panels of the kernel's widths, unrolled: one read per stream, no inner loop.
      for (let p = 0, at = base; p < k; p++, at += ps, o += 4) {
        dst[o] = src[at];
        dst[o + 1] = src[at + rs];
        dst[o + 2] = src[at + 2 * rs];
        dst[o + 3] = src[at + 3 * rs];
      }
      continue;
    }
    if (full === 8 && width === 8) {
      for (let p = 0, at = base; p < k; p++, at += ps, o += 8) {
        dst[o] = src[at];
        dst[o + 1] = src[at + rs];
        dst[o + 2] = src[at + 2 * rs];
        dst[o + 3] = src[at + 3 * rs];
        dst[o + 4] = src[at + 4 * rs];
        dst[o + 5] = src[at + 5 * rs];
        dst[o + 6] = src[at + 6 * rs];
        dst[o + 7] = src[at + 7 * rs];
      }
      continue;
    }
    for (let p = 0; p < k; p++) {
      const at = base + p * ps;
      let w = 0;
      for (; w < full; w++) dst[o++] = src[at + w * rs];
      for (; w < width; w++) dst[o++] = 0;
    }
  }
}
