/**
 * The optimizers' SIMD updates (generated/update.wat), bound to the arena: they run when the
 * parameter, its gradient and its state all live there, and give the bits of the JavaScript loops
 * they replace. A module of its own so that an app without an optimizer does not carry it.
 */
import {
  ARENA_OPERAND_FLOATS,
  allInArena,
  arenaInstance,
  arenaOperand,
  inArena,
} from '../tensor/kernels/arena.js';
import { UPDATE_WASM_HEX } from '../tensor/kernels/generated/update-wasm.js';
import { compileOnce } from '../tensor/kernels/simd.js';

/** The exports of generated/update.wat (addresses in bytes, counts multiples of 4). */
interface UpdateKernels {
  axpy(p: number, g: number, count: number, alpha: number): void;
  /** See squareAverageUpdate. */
  squareAverage(
    p: number,
    g: number,
    s: number,
    count: number,
    negLr: number,
    eps: number,
    decay: number,
    rest: number,
  ): void;
  /** d = wd·p + g (g negated first when `negate` is 1), in double rounded to float32. */
  direction(p: number, g: number, d: number, count: number, wd: number, negate: number): void;
  momentum(
    p: number,
    g: number,
    buf: number,
    count: number,
    negLr: number,
    momentum: number,
    dampening: number,
    mode: number,
  ): void;
  adam(
    p: number,
    g: number,
    m: number,
    v: number,
    vMax: number,
    count: number,
    beta1: number,
    oneMinusBeta1: number,
    beta2: number,
    oneMinusBeta2: number,
    biasCorrection2Sqrt: number,
    eps: number,
    negStepSize: number,
    amsgrad: number,
  ): void;
}

/** The update kernels when every array lives in the arena; undefined otherwise. */
export function updateKernelsFor(
  count: number,
  ...arrays: Float32Array[]
): UpdateKernels | undefined {
  if (!allInArena(count, ...arrays)) return undefined;
  return arenaInstance(compileOnce(UPDATE_WASM_HEX)) as UpdateKernels | undefined;
}

/**
 * Runs `run(address, start, count)` over the first `count` elements of `grad` (a multiple of 8):
 * at its own address when it lives in the arena, else copied chunk by chunk into the arena's
 * scratch (a gradient stored again after `zeroGrad()` cleared it is usually a plain array, while
 * the parameter and the optimizer's state live in the arena): one copy is far cheaper than the
 * JavaScript loop the update would otherwise take.
 */
export function overGradient(
  grad: Float32Array,
  count: number,
  run: (address: number, start: number, count: number) => void,
): void {
  if (inArena(grad)) {
    run(grad.byteOffset, 0, count);
    return;
  }
  for (let start = 0; start < count; start += ARENA_OPERAND_FLOATS) {
    const len = Math.min(ARENA_OPERAND_FLOATS, count - start);
    run(arenaOperand(grad.subarray(start, start + len), 0), start, len);
  }
}

/**
 * The square-average update of Adagrad (`decay` 1, `rest` 1) and plain RMSprop (`decay` α, `rest`
 * 1 − α) on SIMD, over the leading multiple of 8 elements: s = f32(s·decay) + f32(rest·g)·g
 * rounded once, then p += f32(negLr·g) / (sqrt(s) + eps), with the bits of the optimizers' loops.
 * Returns how many elements it did (0 where the arrays are not in the arena); the loop does the
 * rest.
 */
export function squareAverageUpdate(
  param: Float32Array,
  grad: Float32Array,
  acc: Float32Array,
  negLr: number,
  eps: number,
  decay: number,
  rest: number,
): number {
  const n = param.length;
  const simd = updateKernelsFor(n, param, acc);
  if (simd === undefined) return 0;
  const done = n - (n & 7);
  overGradient(grad, done, (g, at, len) =>
    simd.squareAverage(
      param.byteOffset + 4 * at,
      g,
      acc.byteOffset + 4 * at,
      len,
      negLr,
      eps,
      decay,
      rest,
    ),
  );
  return done;
}
