/**
 * gelu (approximate 'none'), silu and their derivatives on WebAssembly SIMD
 * (generated/activations.wat, from scripts/wasm/activations.mjs), with the bits of the JavaScript
 * loops in activation.ts: each double step is the loop's own, and where the kernel's exp stands
 * in for Math.exp it checks the float32 rounding and hands the rare unsure elements to the loop's
 * functions. A module of its own, so an app without these activations does not carry it.
 */
import { arenaElementwise, arenaInstance } from '../../tensor/kernels/arena.js';
import {
  ACTIVATIONS_WASM_HEX,
  ACTIVATION_KERNELS,
} from '../../tensor/kernels/generated/activations-wasm.js';
import { compileOnce } from '../../tensor/kernels/simd.js';

type Kernel = (x: number, g: number, out: number, count: number, mode: 0 | 1) => void;

/** The loops' functions the kernels fall back to: [2·kernel] f(x), [2·kernel + 1] df(g, x). */
const fallbacks: Array<(x: number, g: number) => number> = [];

/**
 * A `PointwiseSpec.simd` for one of the module's activations: out = f(x) (g null) or df(g, x) over
 * the leading multiple of 2 of the elements; returns how many it did (the caller's loop does the
 * rest).
 *
 * @param name - The kernel: `'gelu'` or `'silu'`.
 * @param f - The activation as the loop computes it (the kernel's fallback).
 * @param df - g·f'(x) as the loop computes it (the kernel's fallback).
 * @returns The kernel runner.
 */
export function activationSimd(
  name: (typeof ACTIVATION_KERNELS)[number],
  f: (x: number) => number,
  df: (g: number, x: number) => number,
): (x: Float32Array, g: Float32Array | null, out: Float32Array) => number {
  const id = ACTIVATION_KERNELS.indexOf(name);
  fallbacks[2 * id] = f;
  fallbacks[2 * id + 1] = (x, g) => df(g, x);
  return (x, g, out) => {
    const exports = arenaInstance(compileOnce(ACTIVATIONS_WASM_HEX), {
      fallback: (v: number, gv: number, code: number) => fallbacks[code]!(v, gv),
    }) as Record<(typeof ACTIVATION_KERNELS)[number], Kernel> | undefined;
    if (exports === undefined) return 0;
    const kernel = exports[name];
    return arenaElementwise(x, g, out, (px, pg, po, n) =>
      kernel(px, g === null ? px : pg, po, n, g === null ? 0 : 1),
    );
  };
}
