/**
 * The optimizers' SIMD updates (generated/update.wat), bound to the arena: they run when the
 * parameter, its gradient and its state all live there, and give the bits of the JavaScript loops
 * they replace. A module of its own so that an app without an optimizer does not carry it.
 */
import { allInArena, arenaInstance } from '../tensor/kernels/arena.js';
import { UPDATE_WASM_HEX } from '../tensor/kernels/generated/update-wasm.js';
import { compile } from '../tensor/kernels/simd.js';

/** The exports of generated/update.wat (addresses in bytes, counts multiples of 4). */
interface UpdateKernels {
  axpy(p: number, g: number, count: number, alpha: number): void;
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

let module: WebAssembly.Module | null | undefined;

/** The update kernels when every array lives in the arena; undefined otherwise. */
export function updateKernelsFor(
  count: number,
  ...arrays: Float32Array[]
): UpdateKernels | undefined {
  if (!allInArena(count, ...arrays)) return undefined;
  if (module === undefined) module = compile(UPDATE_WASM_HEX);
  return arenaInstance(module) as UpdateKernels | undefined;
}
