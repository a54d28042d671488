/**
 * The arena: one WebAssembly memory shared by the large tensors (created data, op outputs,
 * gradients, optimizer state), so that one instance of the SIMD kernels sees every operand of an
 * op — two-tensor elementwise ops, their backward, optimizer updates — and writes its output in
 * place. Blocks are whole 64 KiB units, kept free by size, split and merged, and handed out again
 * when their tensor is gone, so a training step reuses the memory of the one before instead of
 * faulting in new pages.
 *
 * Nothing needs disposing. A block comes back when either
 * - a FinalizationRegistry reports that its Float32Array (the storage's `data`, which every tensor
 *   on that storage and every backward closure reading it holds) was collected — reports arrive
 *   between turns of the event loop, never inside a synchronous loop; or
 * - `Tensor.dispose()` proves that nothing else can see it (see tensor.ts).
 * A synchronous loop that never yields gets nothing back from the collector, so temporaries take
 * only memory touched before, unless dispose() gave them allowance (ARENA_TEMPORARY_BYTES): else,
 * and when the arena is full, storages are plain Float32Arrays and the JavaScript kernels give
 * the same bits.
 *
 * Memory that leaves the library as a live view (`subarrayView()`) is first moved out of the arena
 * (outOfArena): a block is only ever reused once nothing can read it.
 */
import {
  ARENA_BYTES,
  ARENA_TEMPORARY_BYTES,
  ARENA_MIN_ELEMENTS,
  SCRATCH_MIN_COUNT,
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
  /** Comparisons as masks (1 or +0), and maximum/minimum, with the same operands as `add`. */
  eq(a: number, stepA: number, b: number, stepB: number, out: number, count: number): void;
  ne(a: number, stepA: number, b: number, stepB: number, out: number, count: number): void;
  lt(a: number, stepA: number, b: number, stepB: number, out: number, count: number): void;
  le(a: number, stepA: number, b: number, stepB: number, out: number, count: number): void;
  gt(a: number, stepA: number, b: number, stepB: number, out: number, count: number): void;
  ge(a: number, stepA: number, b: number, stepB: number, out: number, count: number): void;
  maximum(a: number, stepA: number, b: number, stepB: number, out: number, count: number): void;
  minimum(a: number, stepA: number, b: number, stepB: number, out: number, count: number): void;
  /**
   * leakyRelu (backward 0: out = x > 0 ? x : x·slope) or its backward (1: out = x > 0 ? g : g·slope),
   * the products in double rounded to float32; `g` is read only for the backward.
   */
  leakyRelu(
    x: number,
    g: number,
    out: number,
    count: number,
    slope: number,
    backward: number,
  ): void;
  /**
   * out = clamp(x, lo, hi) as kernels/elementwise.ts's loop (lo and hi not NaN); `zeros`: bit 1
   * when lo is -0, bit 2 when hi is +0.
   */
  clampRange(x: number, out: number, count: number, lo: number, hi: number, zeros: number): void;
  relu(x: number, out: number, count: number): void;
  /** out = f(x) for the one-operand op number `op` (kernels/unary-math.ts UNARY_OPS). */
  unary(x: number, out: number, count: number, op: number): void;
  selectPositive(y: number, g: number, out: number, count: number): void;
  reluBackward(y: number, g: number, out: number, count: number): void;
  sumRows(src: number, rows: number, stride: number, cols: number, acc: number): void;
  /** dst[c·ds + r] = src[r·ss + c] over multiples of 4 rows and columns (strided.ts gather). */
  transpose(src: number, dst: number, rows: number, cols: number, ss: number, ds: number): void;
  /** Maxima of 16-column strips (minima with flip 1 << 31), stored at out (reduce-simd.ts). */
  extremeStrips(
    p: number,
    rows: number,
    stride: number,
    strips: number,
    step: number,
    out: number,
    flip: number,
    fold: number,
  ): void;
}

interface Arena {
  readonly memory: WebAssembly.Memory;
  readonly buffer: ArrayBuffer;
  readonly kernels: StreamKernels;
  /** Units in the arena; the first SCRATCH_UNITS are the kernels' scratch, never handed out. */
  readonly units: number;
  /** The first unit not in any block (blocks below it are live or free). */
  top: number;
  /** The highest `top` ever: units below it were touched (reusing them faults nothing in). */
  touched: number;
  /** Units of the block starting at each unit (0 elsewhere). */
  readonly size: Int32Array;
  /** 1 where a live block starts. */
  readonly live: Uint8Array;
  /** For a free block ending at unit u: its start + 1 at [u] (0 elsewhere), to merge backwards. */
  readonly freeEnd: Int32Array;
  /** Free blocks' starts by their size in units. */
  readonly free: Map<number, Set<number>>;
  /** Never-touched bytes temporaries may still take (given by dispose(), see creditArena). */
  temporaryLeft: number;
  readonly registry: FinalizationRegistry<number>;
}

/** The arena's unit of allocation: a block is a whole number of these (64 KiB, one wasm page). */
const UNIT_BYTES = WASM_PAGE_BYTES;

/**
 * The kernels' scratch area at the start of the arena (1 MiB: operand copies, accumulators,
 * tables).
 */
export const ARENA_SCRATCH_BYTES = 1 << 20;

/** Where arenaSplat puts four copies of a scalar: the last 16 bytes of the scratch. */
const SPLAT = ARENA_SCRATCH_BYTES - 16;

/**
 * The kernels' constant tables (exp, sigmoid and tanh's, kernels/unary-math.ts): the top 32 KiB of
 * the scratch below the splat, written once by the module that owns them and used for nothing
 * else.
 */
export const ARENA_TABLES = ARENA_SCRATCH_BYTES - (32 << 10);

/** Bytes of each of the two operand copies arenaOperand makes, below the tables. */
const HALF = ARENA_TABLES / 2;

/** Where the scratch's second half starts (a multiple of 8: kernels' float64 results go there). */
export const ARENA_SCRATCH_HALF = HALF;

/** Units at the start of the arena reserved as the scratch, never handed out. */
const SCRATCH_UNITS = ARENA_SCRATCH_BYTES / UNIT_BYTES;

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
  // Smaller reservations where address space is tight (32-bit engines, constrained pages).
  const memory = reserve(ARENA_BYTES) ?? reserve(ARENA_BYTES / 4) ?? reserve(ARENA_BYTES / 16);
  if (memory === null) return null;
  let kernels: StreamKernels;
  try {
    kernels = new WebAssembly.Instance(module, { env: { memory } })
      .exports as unknown as StreamKernels;
  } catch {
    return null;
  }
  const units = memory.buffer.byteLength / UNIT_BYTES;
  const a: Arena = {
    memory,
    buffer: memory.buffer,
    kernels,
    units,
    top: SCRATCH_UNITS,
    touched: SCRATCH_UNITS,
    size: new Int32Array(units),
    live: new Uint8Array(units),
    freeEnd: new Int32Array(units),
    free: new Map(),
    temporaryLeft: 0,
    registry: new FinalizationRegistry<number>((start) => {
      if (a.live[start] === 1) freeBlock(a, start);
    }),
  };
  return a;
}

function get(): Arena | null {
  if (arena === undefined) arena = create();
  return arena;
}

function listFree(a: Arena, start: number, units: number): void {
  a.size[start] = units;
  a.freeEnd[start + units - 1] = start + 1;
  let set = a.free.get(units);
  if (set === undefined) a.free.set(units, (set = new Set()));
  set.add(start);
}

function unlistFree(a: Arena, start: number): void {
  const units = a.size[start];
  a.free.get(units)!.delete(start);
  a.freeEnd[start + units - 1] = 0;
}

/** Returns a live block, merged with free neighbours; a block that ends at `top` lowers it. */
function freeBlock(a: Arena, start: number): void {
  a.live[start] = 0;
  let units = a.size[start];
  const next = start + units;
  if (next < a.top && a.live[next] === 0 && a.size[next] > 0) {
    units += a.size[next];
    unlistFree(a, next);
    a.size[next] = 0;
  }
  const before = start > SCRATCH_UNITS ? a.freeEnd[start - 1] - 1 : -1;
  if (before >= 0) {
    unlistFree(a, before);
    a.size[start] = 0;
    units += a.size[before];
    start = before;
  }
  if (start + units === a.top) {
    a.size[start] = 0;
    a.top = start;
  } else listFree(a, start, units);
}

/** The start of a free block of `units` (the smallest that fits, split), or -1. */
function takeFree(a: Arena, units: number): number {
  let best = 0;
  for (const [size, set] of a.free)
    if (set.size > 0 && size >= units && (best === 0 || size < best)) {
      best = size;
      if (size === units) break;
    }
  if (best === 0) return -1;
  const start = a.free.get(best)!.values().next().value as number;
  unlistFree(a, start);
  if (best > units) listFree(a, start + units, best - units);
  a.size[start] = units;
  return start;
}

/** Units from `top` on, for a new block: reused units are free, never-touched ones are counted. */
function takeTop(a: Arena, units: number, temporary: boolean): number {
  if (a.top + units > a.units) return -1;
  const fresh = Math.max(0, a.top + units - a.touched) * UNIT_BYTES;
  if (temporary && fresh > a.temporaryLeft) return -1;
  if (temporary) a.temporaryLeft -= fresh;
  const start = a.top;
  a.top += units;
  a.touched = Math.max(a.touched, a.top);
  a.size[start] = units;
  return start;
}

/** Where arenaAlloc lists the arrays it hands out while the autograd engine runs a pass, or null. */
let handedOut: Set<Float32Array> | null = null;

/**
 * Lists every array arenaAlloc hands out in `set` from now on (null: stop); returns the previous
 * list. The engine gives back only memory it saw made (autograd/engine.ts).
 */
export function listArenaArrays(set: Set<Float32Array> | null): Set<Float32Array> | null {
  const previous = handedOut;
  handedOut = set;
  return previous;
}

/**
 * A Float32Array of n elements in the arena, or null when n is small, the arena is missing or
 * full, or (`temporary`, the default: op outputs and gradients) only never-touched memory is left
 * beyond the allowance dispose() gave (see ARENA_TEMPORARY_BYTES). Storage that usually lives long
 * (created data, optimizer state, a leaf's first gradient) passes `temporary = false`. `zero`: the
 * elements must read 0 (reused memory is cleared); otherwise the caller writes every element.
 */
export function arenaAlloc(n: number, zero: boolean, temporary = true): Float32Array | null {
  if (n < ARENA_MIN_ELEMENTS) return null;
  const a = get();
  if (a === null) return null;
  const units = Math.ceil((n * 4) / UNIT_BYTES);
  const touchedBefore = a.touched;
  let start = takeFree(a, units);
  if (start < 0) start = takeTop(a, units, temporary);
  if (start < 0) return null;
  a.live[start] = 1;
  const data = new Float32Array(a.buffer, start * UNIT_BYTES, n);
  // Memory never touched reads 0 already; anything below the old high-water mark may not.
  if (zero && start < touchedBefore) data.fill(0);
  a.registry.register(data, start, data);
  handedOut?.add(data);
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

/**
 * A Float32Array of n elements for storage that usually lives long or is given back when its call
 * ends (see arenaAlloc): arena or plain, zero-filled unless `zero` is false (the caller writes
 * every element).
 */
export function allocLongLived(n: number, zero = true): Float32Array {
  return arenaAlloc(n, zero, false) ?? new Float32Array(n);
}

/**
 * Fresh-page allowance back for `bytes` given up early (`dispose()` of a plain array): a loop that
 * disposes what it allocates gets arena blocks even after a synchronous run spent the allowance,
 * and from the second step on reuses them. Sizes the arena would not hold give nothing.
 */
export function creditArena(bytes: number): void {
  const a = arena;
  if (a != null && bytes >= ARENA_MIN_ELEMENTS * 4)
    a.temporaryLeft = Math.min(a.temporaryLeft + bytes, ARENA_TEMPORARY_BYTES);
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
  freeBlock(a, data.byteOffset / UNIT_BYTES);
  return true;
}

/**
 * A plain copy of `data` when it lives in the arena (for memory that leaves the library as a live
 * view); `data` itself otherwise. The arena block returns once nothing holds `data`.
 */
export function outOfArena(data: Float32Array): Float32Array {
  return inArena(data) ? data.slice() : data;
}

/** The arena's SIMD kernels (for arenaElementwise's callbacks); undefined without an arena. */
export function streamKernels(): StreamKernels | undefined {
  return get()?.kernels;
}

/**
 * The SIMD kernels when every array lives in the arena and the run is long enough to be worth a
 * WebAssembly call; undefined otherwise.
 */
export function arenaKernelsFor(
  count: number,
  ...arrays: Float32Array[]
): StreamKernels | undefined {
  return allInArena(count, ...arrays) ? arena!.kernels : undefined;
}

const instances = /* @__PURE__ */ new WeakMap<WebAssembly.Module, WebAssembly.Exports | null>();

/**
 * The exports of another kernel module (one that imports `env.memory`, and `functions` beside it
 * in `env`) bound to the arena, once per module; undefined where the arena or the module is
 * missing. Lets kernels only some parts of the library need (the optimizers' updates) live in
 * modules of their own.
 */
export function arenaInstance(
  module: WebAssembly.Module | null,
  functions: Record<string, (...args: number[]) => number> = {},
): WebAssembly.Exports | undefined {
  const a = get();
  if (a === null || module === null) return undefined;
  let exports = instances.get(module);
  if (exports === undefined) {
    try {
      exports = new WebAssembly.Instance(module, { env: { memory: a.memory, ...functions } })
        .exports;
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

/**
 * Runs an elementwise kernel `run(pa, pb, po, count)` (arena addresses of `a`, `b` and `out`) over
 * the leading multiple of 4 of out's elements, wherever the arrays live; returns how many it did (0
 * without an arena, or for a run too short to pay for the call): the caller's loop does the rest.
 * Arrays in the arena are used where they lie; the others go through the scratch chunk by chunk
 * (`a` in half 0, `b` in half 1, a plain `out` written in half 0 and copied out), so an op whose
 * output or operands are plain arrays still runs SIMD, for the price of a copy each way. `b` null:
 * a one-operand kernel (pb is -1). out may be a or b (never partly overlapping them).
 */
export function arenaElementwise(
  a: Float32Array,
  b: Float32Array | null,
  out: Float32Array,
  run: (pa: number, pb: number, po: number, count: number) => void,
): number {
  const done = out.length - (out.length & 3);
  const ar = done < STREAM_MIN_COUNT ? null : get();
  if (ar === null) return 0;
  const buffer = ar.buffer;
  if (a.buffer === buffer && (b === null || b.buffer === buffer) && out.buffer === buffer) {
    run(a.byteOffset, b === null ? -1 : b.byteOffset, out.byteOffset, done);
    return done;
  }
  if (done < SCRATCH_MIN_COUNT) return 0;
  for (let start = 0; start < done; start += ARENA_OPERAND_FLOATS) {
    const end = Math.min(start + ARENA_OPERAND_FLOATS, done);
    const o = out.subarray(start, end);
    const pb = b === null ? -1 : arenaOperand(b.subarray(start, end), 1);
    // A plain out is written in half 0, so a is copied there too (in place), unless it lives here.
    run(
      arenaOperand(a.subarray(start, end), 0),
      pb,
      o.buffer === buffer ? o.byteOffset : 0,
      end - start,
    );
    if (o.buffer !== buffer) o.set(new Float32Array(buffer, 0, end - start));
  }
  return done;
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
  arenaScratch(slot, d.length)!.set(d);
  return slot * HALF;
}

/**
 * Half `slot` (0 or 1) of the scratch area as `count` floats (at most ARENA_OPERAND_FLOATS), for a
 * kernel to work on a copy of a plain array; undefined without an arena. Valid until the next
 * kernel call that uses the same half.
 */
function arenaScratch(slot: 0 | 1, count: number): Float32Array | undefined {
  const a = get();
  return a === null ? undefined : new Float32Array(a.buffer, slot * HALF, count);
}

/** The most floats arenaOperand copies into one half of the scratch, a multiple of 8. */
export const ARENA_OPERAND_FLOATS = Math.floor(HALF / 32) * 8;

/** The address of four copies of the float32 `s` in the scratch (an operand with step 0). */
export function arenaSplat(s: number): number {
  new Float32Array(arena!.buffer, SPLAT, 4).fill(s);
  return SPLAT;
}

/** The scratch area below the tables as float64s (the column-sum kernel's accumulators). */
export function arenaScratch64(): Float64Array | undefined {
  const a = arena;
  return a == null ? undefined : new Float64Array(a.buffer, 0, ARENA_TABLES / 8);
}

/** What the arena holds now (for tests and the benchmark's memory report). */
export function arenaStats(): {
  reservedBytes: number;
  touchedBytes: number;
  liveBlocks: number;
  freeBlocks: number;
} {
  const a = arena;
  if (a == null) return { reservedBytes: 0, touchedBytes: 0, liveBlocks: 0, freeBlocks: 0 };
  let liveBlocks = 0;
  for (let u = SCRATCH_UNITS; u < a.top; u++) liveBlocks += a.live[u];
  let freeBlocks = 0;
  for (const set of a.free.values()) freeBlocks += set.size;
  return {
    reservedBytes: a.buffer.byteLength,
    touchedBytes: a.touched * UNIT_BYTES,
    liveBlocks,
    freeBlocks,
  };
}
