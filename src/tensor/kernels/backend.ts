/** The public report of which kernels run on this platform. */
import { simdSupported, wasmSupported } from './simd.js';
import { threadsRunning } from './thread-pool.js';

/** Which kernels run here: see {@link backend}. */
export interface Backend {
  /**
   * The WebAssembly SIMD kernels run: matrix products, and clipping, norms, sums and clamps over
   * large tensors. When false, the JavaScript kernels do that work, with the same results except
   * matmul, which then accumulates in float64 instead of float32.
   */
  readonly simd: boolean;
  /** This platform compiles WebAssembly at all (false, e.g., where a page's CSP forbids it). */
  readonly wasm: boolean;
  /**
   * Threads that large matrix products run on right now: 1, or after `setNumThreads(n)` this
   * thread plus the workers that have started (up to n; workers start within ~50 ms in Node,
   * once the page's event loop runs in a browser, and never where shared memory or workers are
   * unavailable).
   */
  readonly threads: number;
}

/**
 * Which kernels run here. torchlet probes the platform once, the first time it needs to: a page
 * whose content security policy forbids WebAssembly compilation, or an engine without WebAssembly
 * SIMD, runs the JavaScript kernels and reports `simd: false` (and `wasm: false` when WebAssembly
 * cannot be compiled at all). `threads` tells how many threads matrix products use now (see
 * `setNumThreads`). Programs run the same everywhere; only the speed differs (and
 * matmul's accumulation precision, see `simd`).
 *
 * @returns `{ simd, wasm, threads }`: whether the WebAssembly SIMD kernels run, whether
 *   WebAssembly compiles here at all, and the threads matrix products run on now.
 * @throws Never.
 * @example
 * ```ts
 * import { backend } from 'torchlet';
 * backend(); // { simd: true, wasm: true, threads: 1 } in Node 18+ and current browsers
 * ```
 */
export function backend(): Backend {
  const wasm = wasmSupported();
  return { simd: wasm && simdSupported(), wasm, threads: threadsRunning() };
}
