/**
 * Where the kernels run, and every size threshold that picks a path: the one place that probes
 * the platform for WebAssembly and WebAssembly SIMD, and the one place that holds the numbers
 * (measured on a 2-core x86-64 VM, see docs/performance.md) that decide when a WebAssembly kernel
 * pays for its call, and how much memory the arena may take.
 *
 * Every WebAssembly path has a JavaScript twin giving the same results, so a platform without
 * WebAssembly (or a page whose content security policy forbids compiling it) runs the same
 * programs with the same numbers, only slower.
 */
import { decodeHex } from './hex.js';
import { GEMM_WASM_HEX } from './generated/gemm-wasm.js';
import { SOFTMAX_WASM_HEX } from './generated/softmax-wasm.js';
import { STREAM_WASM_HEX } from './generated/stream-wasm.js';
import { UNARY_MATH_WASM_HEX } from './generated/unary-math-wasm.js';

// ---- Sizes -------------------------------------------------------------------------------------

/** Bytes of one WebAssembly page: memories are sized in whole pages. */
export const WASM_PAGE_BYTES = 65536;

/**
 * A storage size every path treats as large (2^17 elements, 512 KiB): well above
 * ARENA_MIN_ELEMENTS, so tests use it for "a large tensor". The sizes only tests use are written
 * as literals: esbuild keeps an unused `1 << 17` in every bundle, an unused literal it drops.
 */
export const WASM_STORAGE_MIN_ELEMENTS = 131_072;

/**
 * The most elements one 32-bit WebAssembly memory can hold (4 GiB): the SIMD kernels' addresses
 * are unsigned 32-bit, and a run ending at its last element ends at address 2^32 (the kernels
 * count elements down so that it does not wrap).
 */
export const WASM_STORAGE_MAX_ELEMENTS = 1_073_741_824; // 65536 pages of WASM_PAGE_BYTES, as floats

/**
 * Storages of at least this many elements (64 KiB) are placed in the shared arena when it has room
 * (see kernels/arena.ts): below it, plain arrays cost less than a block that needs the garbage
 * collector's report to come back.
 */
export const ARENA_MIN_ELEMENTS = 1 << 14;

/**
 * Bytes reserved for the arena: 1 GiB of address space, reserved once and never grown (growing a
 * memory would detach every Float32Array on it); a quarter, then a sixteenth, where that much
 * cannot be reserved. Pages cost memory only once touched; touched pages are reused, never
 * returned (a memory cannot shrink), as PyTorch's caching allocator keeps what it allocated.
 */
export const ARENA_BYTES = 1 << 30;

/**
 * Op outputs and gradients stored again after being cleared (mostly temporaries) take arena memory
 * only where it was touched before: blocks that came back, or room below the arena's high-water
 * mark. Never-touched memory costs page faults (on the machine these numbers come from ~11 µs a
 * page, far more than a plain array the process recycles), and a loop that never yields gets no
 * block back from the garbage collector (finalizer reports wait for the next turn), so its
 * temporaries would spread over the whole arena. `dispose()` of a plain array gives its size as
 * allowance for never-touched memory, up to this many bytes: a loop that disposes what it is done
 * with reaches the arena from its second step on and then reuses the same blocks.
 */
export const ARENA_TEMPORARY_BYTES = 64 << 20;

/** Runs shorter than this stay in the JavaScript kernels: a WebAssembly call is not free. */
export const STREAM_MIN_COUNT = 64;

/**
 * Plain arrays shorter than this stay in the JavaScript kernels rather than going through the
 * arena's scratch (see arenaElementwise): the copies cost more than the loop below it (add, plain
 * arrays: 0.25 µs against 0.16 at 64 elements, 0.29 against 0.49 at 256).
 */
export const SCRATCH_MIN_COUNT = 256;

/**
 * Floats of one block the softmax kernels work on at a time (128 KiB): a block is copied into the
 * kernels' scratch memory, normalised there in a few passes that hit the cache, and copied out.
 */
export const SOFTMAX_BLOCK_FLOATS = 32768;

/** Matrix products below this many multiply-adds run the JavaScript kernels (packing overhead). */
export const GEMM_SIMD_MIN_WORK = 4096;

/** Depth of one k-block of the GEMM: one packed B panel (256 x 8 floats) stays in L1 cache. */
export const GEMM_K_BLOCK = 256;

/**
 * Products run on several threads (when setNumThreads asked for them) only from this many rows
 * of the output and this many multiply-adds per kernel call. Below ~64 rows, packing B (k·n
 * values, on the calling thread) costs as much as the kernel, and copies into the threads' shared
 * memory are ~3× slower than into an unshared one ([4, 4096]·[4096, 4096]: 12.5 ms on one thread,
 * 15.2 ms split); below ~4·10^6 multiply-adds, waking a worker costs what the split saves.
 */
export const THREADED_GEMM_MIN_ROWS = 64;

/** See THREADED_GEMM_MIN_ROWS. */
export const THREADED_GEMM_MIN_WORK = 1 << 22;

/**
 * Bytes of the GEMM's scratch memory (packed panels and the C block), at most: larger products
 * are computed in blocks of rows, so any size works and the scratch stays small.
 */
export const GEMM_SCRATCH_MAX_BYTES = 32 << 20;

// ---- Probe -------------------------------------------------------------------------------------

let wasmProbe: boolean | undefined;
const compiled = /* @__PURE__ */ new Map<string, WebAssembly.Module | null>();

/** A kernel module compiled from its bytes in hex, or null where it cannot run (see above). */
function compile(hex: string): WebAssembly.Module | null {
  try {
    return new WebAssembly.Module(decodeHex(hex).buffer as ArrayBuffer);
  } catch {
    return null; // no WebAssembly, no SIMD, or a content security policy forbids compiling
  }
}

/** {@link compile}, once per module: later calls return the same compiled module. */
export function compileOnce(hex: string): WebAssembly.Module | null {
  let module = compiled.get(hex);
  if (module === undefined) compiled.set(hex, (module = compile(hex)));
  return module;
}

// The core's modules are compiled here, their bytes side by side in a bundle (gzip then finds what
// they share).
/** The compiled one-pass kernels (generated/stream.wat), or null where they cannot run. */
export const streamKernelModule = (): WebAssembly.Module | null => compileOnce(STREAM_WASM_HEX);

/** The compiled GEMM micro-kernel (generated/gemm.wat), or null where it cannot run. */
export const gemmKernelModule = (): WebAssembly.Module | null => compileOnce(GEMM_WASM_HEX);

/** The compiled softmax kernels (generated/softmax.wat), or null where they cannot run. */
export const softmaxKernelModule = (): WebAssembly.Module | null => compileOnce(SOFTMAX_WASM_HEX);

/** The compiled exp/sigmoid/tanh kernel (generated/unary-math.wat), or null where it cannot run. */
export const unaryMathKernelModule = (): WebAssembly.Module | null =>
  compileOnce(UNARY_MATH_WASM_HEX);

/** Whether this platform compiles WebAssembly at all (an empty module). */
export function wasmSupported(): boolean {
  if (wasmProbe === undefined) {
    try {
      new WebAssembly.Module(Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0));
      wasmProbe = true;
    } catch {
      wasmProbe = false;
    }
  }
  return wasmProbe;
}

/** Whether the WebAssembly SIMD kernels run here (all of torchlet's WebAssembly is SIMD). */
export function simdSupported(): boolean {
  return streamKernelModule() !== null && gemmKernelModule() !== null;
}
