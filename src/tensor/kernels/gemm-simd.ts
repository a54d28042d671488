/**
 * Matrix multiply on the WebAssembly SIMD micro-kernel of gemm-wasm.ts. Operands are packed into
 * the kernel's panel layout straight from their strides (so transposed or sliced operands need no
 * separate copy), multiplied with f32x4 accumulators (float32 accumulation, as BLAS does), and the
 * result is copied out. Returns false when WebAssembly SIMD is not available; callers then use the
 * JavaScript kernels.
 */
import { GEMM_TILE_COLS, GEMM_TILE_ROWS, GEMM_WASM_BASE64 } from './gemm-wasm.js';
import type { Mat } from './matmul.js';
import { decodeBase64 } from './base64.js';

interface Kernel {
  memory: WebAssembly.Memory;
  gemm: (
    a: number,
    b: number,
    c: number,
    mp: number,
    k: number,
    np: number,
    accumulate: number,
  ) => void;
}

let kernel: Kernel | null | undefined;

function load(): Kernel | null {
  if (kernel !== undefined) return kernel;
  try {
    const bytes = decodeBase64(GEMM_WASM_BASE64);
    const instance = new WebAssembly.Instance(
      new WebAssembly.Module(bytes.buffer as ArrayBuffer),
      {},
    );
    const exports = instance.exports as unknown as Kernel;
    kernel = { memory: exports.memory, gemm: exports.gemm };
  } catch {
    kernel = null; // no WebAssembly, or no SIMD: the JavaScript kernels take over
  }
  return kernel;
}

export function simdAvailable(): boolean {
  return load() !== null;
}

const roundUp = (x: number, m: number) => Math.ceil(x / m) * m;

/** Depth of one k-block. */
const K_BLOCK = 256;

/** out[m, n] (row-major at `outOffset`) = A[m, k] · B[k, n]; false if SIMD is unavailable. */
export function gemmSimd(
  a: Mat,
  b: Mat,
  m: number,
  k: number,
  n: number,
  out: Float32Array,
  outOffset: number,
): boolean {
  const kern = load();
  if (kern === null) return false;
  const R = GEMM_TILE_ROWS;
  const C = GEMM_TILE_COLS;
  const mp = roundUp(m, R);
  const np = roundUp(n, C);
  // k is cut into blocks so one B panel (KC x 8 floats) and one A panel stay in L1 cache.
  const kc = Math.min(K_BLOCK, k);
  const aLen = mp * kc;
  const bLen = kc * np;
  const cStart = aLen + bLen;
  const bytes = (cStart + mp * np) * 4;
  const have = kern.memory.buffer.byteLength;
  if (bytes > have) kern.memory.grow(Math.ceil((bytes - have) / 65536));
  const mem = new Float32Array(kern.memory.buffer, 0, cStart + mp * np);
  for (let k0 = 0; k0 < k; k0 += kc) {
    const depth = Math.min(kc, k - k0);
    packPanels(
      mem,
      0,
      a.buffer,
      a.offset + k0 * a.colStride,
      a.rowStride,
      a.colStride,
      m,
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
    kern.gemm(0, aLen * 4, cStart * 4, mp, depth, np, k0 === 0 ? 0 : 1);
  }
  for (let i = 0; i < m; i++)
    out.set(mem.subarray(cStart + i * np, cStart + i * np + n), outOffset + i * n);
  return true;
}

/**
 * Writes `rows` x `k` strided values (element (r, p) at `src[off + r * rs + p * ps]`) as panels of
 * `width` rows, interleaved per p: dst[((r / width) * k + p) * width + r % width]. Rows past
 * `rows` in the last panel are zero. Writes are sequential; reads walk `width` streams.
 */
function packPanels(
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
    for (let p = 0; p < k; p++) {
      const at = base + p * ps;
      let w = 0;
      for (; w < full; w++) dst[o++] = src[at + w * rs];
      for (; w < width; w++) dst[o++] = 0;
    }
  }
}
