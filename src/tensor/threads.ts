/** How many threads torchlet's matrix products use: PyTorch's `set_num_threads`/`get_num_threads`. */
import { checkInteger } from './shape.js';
import { startThreads, threadsInUse } from './kernels/thread-pool.js';

/** The most threads setNumThreads accepts. */
const MAX_THREADS = 256;

/**
 * Sets how many threads matrix products (`matmul`, `mm`, `bmm`, `linear`, the products inside
 * `conv2d` and the backward of each) use: this thread and `threads - 1` workers that split the rows
 * or columns of each large product. Products with fewer than 64 rows, or below ~4·10^6
 * multiply-adds per block, stay on one thread, where the split costs more than it saves. Every
 * element is computed by one thread exactly as on one thread, so results are bit-identical for any
 * number of threads. Everything else runs on the calling thread.
 *
 * The default is 1 (PyTorch defaults to the number of cores): threads are an option. Workers
 * start in the background and join products once ready (about 50 ms in Node);
 * `backend().threads` tells how many run now. Calling it again with the same count keeps the
 * workers. Threads need WebAssembly SIMD, shared memory and workers: Node 20.16+
 * (worker_threads), Bun, Deno, and browsers on cross-origin-isolated pages (see docs/browser.md).
 * Elsewhere this keeps one thread and {@link getNumThreads} reports 1. On a browser's main
 * thread, which may not block, this thread spins while it waits for the workers.
 *
 * @param threads - Threads for matrix products, an integer in [1, 256]; 1 stops the workers.
 * @returns Nothing.
 * @throws TypeError when `threads` is not an integer; RangeError when it is outside [1, 256].
 * @example
 * ```ts
 * import { setNumThreads, getNumThreads, randn } from 'torchlet';
 * setNumThreads(2);
 * getNumThreads(); // 2 in Node 20.16+
 * randn([512, 512]).matmul(randn([512, 512])); // the same bits as with one thread
 * ```
 */
export function setNumThreads(threads: number): void {
  checkInteger(threads, 'setNumThreads', 'threads');
  if (threads < 1 || threads > MAX_THREADS)
    throw new RangeError(`setNumThreads: threads must be in [1, ${MAX_THREADS}], got ${threads}`);
  startThreads(threads);
}

/**
 * The number of threads matrix products use: what {@link setNumThreads} set, or 1 (the default,
 * and where this platform cannot run workers with shared memory).
 *
 * @returns The number of threads, at least 1.
 * @throws Never.
 * @example
 * ```ts
 * import { getNumThreads } from 'torchlet';
 * getNumThreads(); // 1 until setNumThreads is called
 * ```
 */
export function getNumThreads(): number {
  return threadsInUse();
}
