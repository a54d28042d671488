/**
 * The arena: one WebAssembly memory shared by the large tensors (created data, op outputs,
 * gradients), so that one instance of the SIMD kernels sees every operand of an op — two-tensor
 * elementwise ops, their backward, optimizer updates — and writes its output in place. Blocks are
 * whole 64 KiB pages, kept in free lists by size and handed out again when their tensor is gone,
 * so a training step reuses the memory of the one before instead of faulting in fresh pages.
 *
 * Nothing needs disposing. A block comes back when either
 * - a FinalizationRegistry reports that its Float32Array (the storage's `data`, which every tensor
 *   on that storage and every backward closure reading it holds) was collected — reports arrive
 *   between turns of the event loop, never inside a synchronous loop; or
 * - `Tensor.dispose()` proves that nothing else can see it (see tensor.ts).
 * A synchronous loop that never yields gets nothing back from the collector, so fresh pages are
 * capped per turn (ARENA_FRESH_BYTES_PER_TURN): past the cap, and when the arena is full, storages
 * are plain Float32Arrays and the JavaScript kernels give the same bits.
 *
 * Memory that leaves the library as a live view (`subarrayView()`) is first moved out of the arena
 * (evictFromArena): a block is only ever reused once nothing can read it.
 */
import {
  ARENA_BYTES,
  ARENA_FRESH_BYTES_PER_TURN,
  ARENA_MIN_ELEMENTS,
  STREAM_MIN_COUNT,
  WASM_PAGE_BYTES,
  streamKernelModule,
} from './simd.js';

/**
 * The exports of generated/stream.wat. Addresses are byte offsets into the memory the instance was
 * given; counts are multiples of 4 (the callers finish the tail in JavaScript).
 */
export interface StreamKernels {
  sum(address: number, count: number, initial: number): number;
  sumSquares(address: number, count: number, initial: number): number;
  sumAbs(address: number, count: number, initial: number): number;
  maxAbs(address: number, count: number): number;
  scale(address: number, count: number, factor: number): void;
  clamp(address: number, count: number, lo: number, hi: number): void;
  /** out = a op b, each operand moving on by its step in bytes (16, or 0 for a splat). */
  add(a: number, stepA: number, b: number, stepB: number, out: number, count: number): void;
  sub(a: number, stepA: number, b: number, stepB: number, out: number, count: number): void;
  mul(a: number, stepA: number, b: number, stepB: number, out: number, count: number): void;
  div(a: number, stepA: number, b: number, stepB: number, out: number, count: number): void;
  relu(x: number, out: number, count: number): void;
  selectPositive(y: number, g: number, out: number, count: number): void;
  reluBackward(y: number, g: number, out: number, count: number): void;
  sumRows(src: number, rows: number, stride: number, cols: number, acc: number): void;
}

interface Arena {
  readonly memory: WebAssembly.Memory;
  readonly buffer: ArrayBuffer;
  readonly kernels: StreamKernels;
  /** Pages in the arena; the first SCRATCH_PAGES are the kernels' scratch, never handed out. */
  readonly pages: number;
  /** The first page never handed out yet. */
  top: number;
  /** Pages of the block starting at each page (0 elsewhere), and whether it is in use. */
  readonly blockPages: Int32Array;
  readonly live: Uint8Array;
  /** Free blocks' start pages by their size in pages. */
  readonly free: Map<number, number[]>;
  /** Fresh bytes still allowed in this turn of the event loop. */
  freshLeft: number;
  turnPending: boolean;
  readonly registry: FinalizationRegistry<number>;
}

/** The arena's unit of allocation: a block is a whole number of these (64 KiB, one wasm page). */
const BLOCK_BYTES = WASM_PAGE_BYTES;

/** The kernels' scratch area at the start of the arena (1 MiB: operand copies, accumulators). */
export const ARENA_SCRATCH_BYTES = 1 << 20;

/** Where arenaSplat puts four copies of a scalar: the last 16 bytes of the scratch. */
const SPLAT = ARENA_SCRATCH_BYTES - 16;

/** Bytes of each of the two operand copies arenaOperand makes, below the splat. */
const HALF = SPLAT / 2;

/** Units at the start of the arena reserved as the scratch, never handed out. */
const SCRATCH_PAGES = ARENA_SCRATCH_BYTES / BLOCK_BYTES;

let arena: Arena | null | undefined;

function reserve(bytes: number): WebAssembly.Memory | null {
  const pages = bytes / WASM_PAGE_BYTES;
  try {
    return new WebAssembly.Memory({ initial: pages, maximum: pages });
  } catch {
    return null;
  }
}

function create(): Arena | null {
  const module = streamKernelModule();
  if (module === null || typeof FinalizationRegistry !== 'function') return null;
  // A smaller reservation where address space is tight (32-bit engines, constrained pages).
  const memory = reserve(ARENA_BYTES) ?? reserve(ARENA_BYTES / 4);
  if (memory === null) return null;
  let kernels: StreamKernels;
  try {
    kernels = new WebAssembly.Instance(module, { env: { memory } })
      .exports as unknown as StreamKernels;
  } catch {
    return null;
  }
  const pages = memory.buffer.byteLength / BLOCK_BYTES;
  const a: Arena = {
    memory,
    buffer: memory.buffer,
    kernels,
    pages,
    top: SCRATCH_PAGES,
    blockPages: new Int32Array(pages),
    live: new Uint8Array(pages),
    free: new Map(),
    freshLeft: ARENA_FRESH_BYTES_PER_TURN,
    turnPending: false,
    registry: new FinalizationRegistry<number>((start) => freeBlock(a, start)),
  };
  return a;
}

function get(): Arena | null {
  if (arena === undefined) arena = create();
  return arena;
}

function freeBlock(a: Arena, start: number): void {
  if (a.live[start] === 0) return;
  a.live[start] = 0;
  const pages = a.blockPages[start];
  const list = a.free.get(pages);
  if (list) list.push(start);
  else a.free.set(pages, [start]);
}

/** A free block of `pages` pages, or of up to twice that when none fits exactly; -1 if none. */
function takeFree(a: Arena, pages: number): number {
  const exact = a.free.get(pages);
  if (exact !== undefined && exact.length > 0) return exact.pop()!;
  let best = 0;
  for (const [size, list] of a.free)
    if (list.length > 0 && size > pages && size <= 2 * pages && (best === 0 || size < best))
      best = size;
  return best === 0 ? -1 : a.free.get(best)!.pop()!;
}

/** Refills the fresh-page allowance on the next turn of the event loop. */
function scheduleTurn(a: Arena): void {
  if (a.turnPending) return;
  a.turnPending = true;
  const timer: unknown = setTimeout(() => {
    a.turnPending = false;
    a.freshLeft = ARENA_FRESH_BYTES_PER_TURN;
  }, 0);
  // Node: do not keep the process alive for it.
  if (typeof timer === 'object' && timer !== null && 'unref' in timer)
    (timer as { unref(): void }).unref();
}

/**
 * A Float32Array of n elements in the arena, or null when n is small, the arena is missing or
 * full, or (`budgeted`, the default: op outputs and gradients, mostly temporaries) out of fresh
 * pages for this turn. Storage that usually lives long (created data, optimizer state) passes
 * `budgeted = false` and may take any room left. `zero`: the elements must read 0 (a reused block
 * is cleared; a fresh one already is); otherwise the caller writes every element.
 */
export function arenaAlloc(n: number, zero: boolean, budgeted = true): Float32Array | null {
  if (n < ARENA_MIN_ELEMENTS) return null;
  const a = get();
  if (a === null) return null;
  const pages = Math.ceil((n * 4) / BLOCK_BYTES);
  let start = takeFree(a, pages);
  let reused = true;
  if (start < 0) {
    const bytes = pages * BLOCK_BYTES;
    if (a.top + pages > a.pages || (budgeted && a.freshLeft < bytes)) return null;
    start = a.top;
    a.top += pages;
    a.blockPages[start] = pages;
    if (budgeted) {
      a.freshLeft -= bytes;
      scheduleTurn(a);
    }
    reused = false;
  }
  a.live[start] = 1;
  const data = new Float32Array(a.buffer, start * BLOCK_BYTES, n);
  if (reused && zero) data.fill(0);
  a.registry.register(data, start, data);
  return data;
}

/** A zero-filled Float32Array of n elements: in the arena when it has room, else a plain one. */
export function allocZeroed(n: number): Float32Array {
  return arenaAlloc(n, true) ?? new Float32Array(n);
}

/** A Float32Array of n elements whose every element the caller writes: arena or plain. */
export function allocForWrite(n: number): Float32Array {
  return arenaAlloc(n, false) ?? new Float32Array(n);
}

/** A zero-filled Float32Array for storage that usually lives long (see arenaAlloc), arena or plain. */
export function allocLongLived(n: number): Float32Array {
  return arenaAlloc(n, true, false) ?? new Float32Array(n);
}

/**
 * Fresh-page allowance back for `bytes` given up early (`dispose()` of a plain array): a loop that
 * disposes what it allocates gets arena blocks even after a synchronous run spent the allowance,
 * and from the second step on reuses them.
 */
export function creditArena(bytes: number): void {
  const a = arena;
  if (a != null) a.freshLeft = Math.min(a.freshLeft + bytes, ARENA_FRESH_BYTES_PER_TURN);
}

/** Whether `d` lives in the arena. */
export function inArena(d: Float32Array): boolean {
  return arena != null && d.buffer === arena.buffer;
}

/**
 * Returns `data`'s block to the free lists now, when `data` is the very array arenaAlloc handed
 * out (not a subarray of it). The caller guarantees nothing reads it any more.
 * @returns Whether a block was released.
 */
export function releaseToArena(data: Float32Array): boolean {
  const a = arena;
  if (a == null || data.buffer !== a.buffer || !a.registry.unregister(data)) return false;
  freeBlock(a, data.byteOffset / BLOCK_BYTES);
  return true;
}

/**
 * A plain copy of `data` when it lives in the arena (for memory that leaves the library as a live
 * view); `data` itself otherwise. The arena block returns once nothing holds `data`.
 */
export function outOfArena(data: Float32Array): Float32Array {
  return inArena(data) ? data.slice() : data;
}

/**
 * The SIMD kernels when every array lives in the arena and the run is long enough to be worth a
 * WebAssembly call; undefined otherwise.
 */
export function arenaKernelsFor(
  count: number,
  x: Float32Array,
  y?: Float32Array,
  z?: Float32Array,
): StreamKernels | undefined {
  const a = arena;
  if (a == null || count < STREAM_MIN_COUNT) return undefined;
  const b = a.buffer;
  if (x.buffer !== b || (y !== undefined && y.buffer !== b) || (z !== undefined && z.buffer !== b))
    return undefined;
  return a.kernels;
}

const instances = /* @__PURE__ */ new WeakMap<WebAssembly.Module, WebAssembly.Exports | null>();

/**
 * The exports of another kernel module (one that imports `env.memory`) bound to the arena, once
 * per module; undefined where the arena or the module is missing. Lets kernels only some parts of
 * the library need (the optimizers' updates) live in modules of their own.
 */
export function arenaInstance(module: WebAssembly.Module | null): WebAssembly.Exports | undefined {
  const a = get();
  if (a === null || module === null) return undefined;
  let exports = instances.get(module);
  if (exports === undefined) {
    try {
      exports = new WebAssembly.Instance(module, { env: { memory: a.memory } }).exports;
    } catch {
      exports = null;
    }
    instances.set(module, exports);
  }
  return exports ?? undefined;
}

/** Whether every array lives in the arena (and the run is worth a WebAssembly call). */
export function allInArena(count: number, ...arrays: Float32Array[]): boolean {
  const a = arena;
  if (a == null || count < STREAM_MIN_COUNT) return false;
  for (const d of arrays) if (d.buffer !== a.buffer) return false;
  return true;
}

/** The arena's kernels when `out` lives there and the run is long enough; undefined otherwise. */
export function arenaKernelsWriting(out: Float32Array): StreamKernels | undefined {
  const a = arena;
  return a != null && out.length >= STREAM_MIN_COUNT && out.buffer === a.buffer
    ? a.kernels
    : undefined;
}

/**
 * The arena address of an operand: where it lives when it lives there, else a copy of it in half
 * `slot` (0 or 1) of the scratch area when it fits (a bias row, a small operand broadcast against
 * a large one); -1 when neither.
 */
export function arenaOperand(d: Float32Array, slot: 0 | 1): number {
  const a = arena;
  if (a == null) return -1;
  if (d.buffer === a.buffer) return d.byteOffset;
  if (d.length * 4 > HALF) return -1;
  new Float32Array(a.buffer, slot * HALF, d.length).set(d);
  return slot * HALF;
}

/** The address of four copies of the float32 `s` in the scratch (an operand with step 0). */
export function arenaSplat(s: number): number {
  new Float32Array(arena!.buffer, SPLAT, 4).fill(s);
  return SPLAT;
}

/** The scratch area below the splat as float64s (the column-sum kernel's accumulators). */
export function arenaScratch64(): Float64Array | undefined {
  const a = arena;
  return a == null ? undefined : new Float64Array(a.buffer, 0, SPLAT / 8);
}

/** What the arena holds now (for tests and the benchmark's memory report). */
export function arenaStats(): {
  reservedBytes: number;
  usedBytes: number;
  liveBlocks: number;
  freeBlocks: number;
} {
  const a = arena;
  if (a == null) return { reservedBytes: 0, usedBytes: 0, liveBlocks: 0, freeBlocks: 0 };
  let liveBlocks = 0;
  for (let p = SCRATCH_PAGES; p < a.top; p++) liveBlocks += a.live[p];
  let freeBlocks = 0;
  for (const list of a.free.values()) freeBlocks += list.length;
  return {
    reservedBytes: a.buffer.byteLength,
    usedBytes: (a.top - SCRATCH_PAGES) * BLOCK_BYTES,
    liveBlocks,
    freeBlocks,
  };
}
