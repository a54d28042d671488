/**
 * Matrix products split over threads (setNumThreads, see tensor/threads.ts). Worker threads
 * instantiate the GEMM micro-kernel (generated/gemm-shared.wat) on one shared memory with this
 * thread's instance, and each computes a share of C's rows or columns. Every element of C is
 * computed by one thread with the same operations in the same order as on one thread, so the
 * results are bit-identical whatever the number of threads. Packing and copies stay on this
 * thread.
 *
 * The threads meet through a few words of shared memory: this thread writes a job, wakes the
 * workers (Atomics.notify), computes its own share and waits for theirs. Workers start in the
 * background and join products once they are ready; until then, and where workers or shared
 * memory are unavailable, products run on this thread alone.
 */
import { GEMM_SHARED_MAX_PAGES, GEMM_SHARED_WASM_HEX } from './generated/gemm-shared-wasm.js';
import { GEMM_TILE_COLS, GEMM_TILE_ROWS } from './generated/gemm-wasm.js';
import { useGemmKernel, type GemmKernel } from './gemm-simd.js';
import { THREADED_GEMM_MIN_WORK, compileOnce } from './simd.js';

// Words of the control block. The worker's source (workerMain) spells these as numbers, since it
// runs on its own and cannot see this module.
const SEQ = 0; // bumped for every job (and for stop); workers wait on it
const READY = 1; // workers that are ready; a worker's id is its place in that count (1, 2, ...)
const DONE = 2; // workers that finished the current job
const STOP = 3; // 1: workers return
// a, b, c (byte addresses), row panels, k, np, accumulate, threads in the job, 1 to split columns,
// C's row stride
const JOB = 4;
const CONTROL_WORDS = 14;

/** Loads of the control word a waiting thread makes before it sleeps (see workerMain). */
const SPIN = 65536;

/** What a worker is started with. */
interface WorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
}

/**
 * A worker's whole program, run from its source text (so it must not refer to anything outside
 * itself): instantiate the kernel on the shared memory, then compute this worker's share of each
 * job's panels (of 4 rows or 8 columns) until stopped.
 */
function workerMain(data: WorkerData): void {
  const kernel = new WebAssembly.Instance(data.module, { env: { memory: data.memory } })
    .exports as unknown as Pick<GemmKernel, 'gemm'>;
  const c = new Int32Array(data.control);
  let seen = Atomics.load(c, 0);
  const id = Atomics.add(c, 1, 1) + 1;
  for (;;) {
    // Spin a little before sleeping: a step's products follow each other within microseconds,
    // and waking from Atomics.wait takes tens of them.
    for (let i = 0; i < 65536 && Atomics.load(c, 0) === seen; i++);
    Atomics.wait(c, 0, seen);
    seen = Atomics.load(c, 0);
    if (c[3] !== 0) return;
    const threads = c[11];
    if (id >= threads) continue; // started after this job was handed out
    const k = c[8];
    const np = c[9];
    const byColumns = c[12] !== 0;
    const ldc = c[13];
    const panels = byColumns ? np / 8 : c[7];
    const lo = Math.floor((panels * id) / threads);
    const hi = Math.floor((panels * (id + 1)) / threads);
    // A panel of 4 rows is 16·k bytes of packed A and 4 rows of C (16·ldc bytes); one of 8
    // columns is 32·k bytes of packed B and 32 bytes along C's rows.
    if (hi > lo) {
      if (byColumns)
        kernel.gemm(
          c[4],
          c[5] + lo * k * 32,
          c[6] + lo * 32,
          c[7] * 4,
          k,
          (hi - lo) * 8,
          c[10],
          ldc,
        );
      else
        kernel.gemm(
          c[4] + lo * k * 16,
          c[5],
          c[6] + lo * ldc * 16,
          (hi - lo) * 4,
          k,
          np,
          c[10],
          ldc,
        );
    }
    Atomics.add(c, 2, 1);
    Atomics.notify(c, 2);
  }
}

/** The worker's source text: Node's worker_threads hand it workerData, Web Workers a message. */
const workerSource = (): string =>
  `const main = ${String(workerMain)};\n` +
  "if (typeof require === 'function') main(require('node:worker_threads').workerData);\n" +
  'else globalThis.onmessage = (event) => main(event.data);\n';

/** A started worker, as far as the pool needs it. */
interface Terminable {
  terminate(): unknown;
}

type Spawn = (source: string, data: WorkerData) => Terminable;

/** The blob URL Web Workers start from (see spawner). */
let workerUrl: string | undefined;

interface NodeWorkerThreads {
  Worker: new (
    source: string,
    options: { eval: boolean; workerData: WorkerData },
  ) => Terminable & { unref(): void };
}

/**
 * How to start a worker here: Node's worker_threads (reached without an import, so that bundles
 * for browsers see no Node module), else Web Workers from a blob URL; null where neither exists.
 */
function spawner(): Spawn | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const threads = proc?.getBuiltinModule?.('node:worker_threads') as NodeWorkerThreads | undefined;
  if (threads !== undefined)
    return (source, workerData) => {
      const worker = new threads.Worker(source, { eval: true, workerData });
      worker.unref(); // an idle pool does not keep the process alive
      return worker;
    };
  if (typeof Worker !== 'function' || typeof Blob !== 'function') return null;
  return (source, data) => {
    // One blob URL for every worker this page starts (never revoked: a worker may still be
    // loading it).
    workerUrl ??= URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    const worker = new Worker(workerUrl, { type: 'module' });
    worker.postMessage(data);
    return worker;
  };
}

/** This thread's instance of the shared kernel, and what workers need to make theirs. */
interface Shared {
  kernel: GemmKernel;
  module: WebAssembly.Module;
}

let shared: Shared | null | undefined;

function sharedKernel(): Shared | null {
  if (shared !== undefined) return shared;
  shared = null;
  const module = compileOnce(GEMM_SHARED_WASM_HEX);
  if (module === null || typeof SharedArrayBuffer !== 'function') return null;
  try {
    const memory = new WebAssembly.Memory({
      initial: 1,
      maximum: GEMM_SHARED_MAX_PAGES,
      shared: true,
    });
    const exports = new WebAssembly.Instance(module, { env: { memory } })
      .exports as unknown as GemmKernel;
    shared = { module, kernel: { memory, gemm: exports.gemm, pack: exports.pack } };
  } catch {
    // no shared memory here (e.g. a page that is not cross-origin isolated)
  }
  return shared;
}

interface Pool {
  readonly threads: number;
  readonly control: Int32Array;
  readonly workers: Terminable[];
}

let pool: Pool | null = null;

/** Whether this thread may block in Atomics.wait (a browser's main thread may not: it spins). */
let canBlock: boolean | undefined;

function mayBlock(control: Int32Array): boolean {
  if (canBlock === undefined) {
    try {
      Atomics.wait(control, STOP, 1, 0); // returns at once: STOP is 0
      canBlock = true;
    } catch {
      canBlock = false;
    }
  }
  return canBlock;
}

/** Waits until control[index] reaches `target`. */
function waitFor(control: Int32Array, index: number, target: number): void {
  const block = mayBlock(control);
  for (let i = 0, seen; (seen = Atomics.load(control, index)) < target; i++)
    if (block && i > SPIN) Atomics.wait(control, index, seen);
}

/** GEMM calls split over threads so far, and those split by columns (for tests). */
let splitCalls = 0;
let columnSplits = 0;

/**
 * The `gemm` of `kernel`, splitting C between this thread and the pool's: by panels of 8 columns
 * when C has more of those than panels of 4 rows (each thread then reads its own part of B and all
 * of A), else by panels of rows (its own part of A, all of B), so that the operand every thread
 * reads is the smaller one.
 */
function splitGemm(kernel: GemmKernel, p: Pool): GemmKernel['gemm'] {
  const control = p.control;
  return (a, b, c, mp, k, np, accumulate, ldc) => {
    const rowPanels = mp / GEMM_TILE_ROWS;
    const colPanels = np / GEMM_TILE_COLS;
    const byColumns = colPanels > rowPanels;
    const threads = Math.min(
      p.threads,
      1 + Atomics.load(control, READY),
      byColumns ? colPanels : rowPanels,
    );
    if (threads < 2 || mp * np * k < THREADED_GEMM_MIN_WORK) {
      kernel.gemm(a, b, c, mp, k, np, accumulate, ldc);
      return;
    }
    splitCalls++;
    if (byColumns) columnSplits++;
    control.set([a, b, c, rowPanels, k, np, accumulate, threads, byColumns ? 1 : 0, ldc], JOB);
    control[DONE] = 0;
    Atomics.add(control, SEQ, 1);
    Atomics.notify(control, SEQ);
    // This thread is id 0: the first panels.
    if (byColumns) {
      const own = Math.floor(colPanels / threads) * GEMM_TILE_COLS;
      kernel.gemm(a, b, c, mp, k, own, accumulate, ldc);
    } else {
      const own = Math.floor(rowPanels / threads) * GEMM_TILE_ROWS;
      kernel.gemm(a, b, c, own, k, np, accumulate, ldc);
    }
    waitFor(control, DONE, threads - 1);
  };
}

function stop(p: Pool): void {
  p.control[STOP] = 1;
  Atomics.add(p.control, SEQ, 1);
  Atomics.notify(p.control, SEQ);
  for (const worker of p.workers) worker.terminate();
}

/**
 * Runs matrix products on `threads` threads (this one and threads - 1 workers), or on this thread
 * alone (1); where workers or shared memory are unavailable, on this thread alone.
 */
export function startThreads(threads: number): void {
  if (pool !== null && pool.threads === threads) return; // already running
  if (pool !== null) stop(pool);
  pool = null;
  useGemmKernel(null);
  if (threads === 1) return;
  const s = sharedKernel();
  const spawn = spawner();
  if (s === null || spawn === null) return;
  const control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
  const data: WorkerData = { module: s.module, memory: s.kernel.memory, control: control.buffer };
  const p: Pool = { threads, control, workers: [] };
  try {
    const source = workerSource();
    for (let i = 1; i < threads; i++) p.workers.push(spawn(source, data));
  } catch {
    stop(p); // workers cannot start here (e.g. a content security policy forbids blob: workers)
    return;
  }
  pool = p;
  useGemmKernel({ ...s.kernel, gemm: splitGemm(s.kernel, p) });
}

/** Threads matrix products use (1 unless startThreads started more). */
export const threadsInUse = (): number => pool?.threads ?? 1;

/** Threads products run on now: this one and the workers that have started (see backend()). */
export const threadsRunning = (): number =>
  pool === null ? 1 : Math.min(pool.threads, 1 + Atomics.load(pool.control, READY));

/** For tests: workers ready to take rows, and GEMM calls split over threads so far. */
export const poolState = (): { ready: number; splitCalls: number; columnSplits: number } => ({
  ready: pool === null ? 0 : Atomics.load(pool.control, READY),
  splitCalls,
  columnSplits,
});
