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
  /** See squareAverageUpdate; `mode` bit 1: centered (ga used), bit 2: momentum (b used). */
  squareAverage(
    p: number,
    g: number,
    s: number,
    ga: number,
    b: number,
    count: number,
    negLr: number,
    eps: number,
    decay: number,
    rest: number,
    momentum: number,
    mode: number,
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

/** RMSprop's optional state for squareAverageUpdate: the centered average and the momentum. */
export interface SquareAverageExtras {
  /** The running average of the gradients (centered RMSprop), or null. */
  gradAvg: Float32Array | null;
  /** The momentum buffer (RMSprop with momentum > 0), or null. */
  buffer: Float32Array | null;
  /** The momentum factor, as a float32 value (used only with `buffer`). */
  momentum: number;
}

/** Adagrad and plain RMSprop: no gradient average, no momentum. */
const NO_EXTRAS: SquareAverageExtras = { gradAvg: null, buffer: null, momentum: 0 };

/**
 * The square-average update of Adagrad (`decay` 1, `rest` 1) and RMSprop (`decay` α, `rest`
 * 1 − α) on SIMD, over the leading multiple of 8 elements, with the bits of the optimizers' loops:
 * s = f32(s·decay) + f32(rest·g)·g rounded once; centered (`extras.gradAvg`):
 * ḡ = f32(ḡ·decay) + rest·g rounded once and a = sqrt(f32(s − ḡ²)) + eps, else a = sqrt(s) + eps;
 * with momentum (`extras.buffer`): b = b·momentum + g / a, p = f32(negLr·b + p) in double; else
 * p += f32(negLr·g) / a.
 *
 * @param param - The parameter's memory, updated in place.
 * @param grad - The update direction (the gradient after weight decay and maximize).
 * @param acc - The square average (Adagrad's sum), updated in place.
 * @param negLr - −lr as a float32 value (Adagrad: −clr).
 * @param eps - eps as a float32 value.
 * @param decay - The factor of the old average (float32): α, or 1 for Adagrad.
 * @param rest - The factor of the new term (float32): 1 − α, or 1 for Adagrad.
 * @param extras - RMSprop's centered average and momentum buffer (default: neither).
 * @returns How many elements it did (0 where the arrays are not all in the arena); the caller's
 *   loop does the rest.
 */
export function squareAverageUpdate(
  param: Float32Array,
  grad: Float32Array,
  acc: Float32Array,
  negLr: number,
  eps: number,
  decay: number,
  rest: number,
  extras: SquareAverageExtras = NO_EXTRAS,
): number {
  const n = param.length;
  const { gradAvg, buffer, momentum } = extras;
  const state = [acc];
  if (gradAvg !== null) state.push(gradAvg);
  if (buffer !== null) state.push(buffer);
  const simd = updateKernelsFor(n, param, ...state);
  if (simd === undefined) return 0;
  const done = n - (n & 7);
  const mode = (gradAvg === null ? 0 : 1) | (buffer === null ? 0 : 2);
  overGradient(grad, done, (g, at, len) =>
    simd.squareAverage(
      param.byteOffset + 4 * at,
      g,
      acc.byteOffset + 4 * at,
      gradAvg === null ? 0 : gradAvg.byteOffset + 4 * at,
      buffer === null ? 0 : buffer.byteOffset + 4 * at,
      len,
      negLr,
      eps,
      decay,
      rest,
      momentum,
      mode,
    ),
  );
  return done;
}
