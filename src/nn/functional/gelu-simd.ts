/**
 * gelu (approximate 'none') and its derivative on WebAssembly SIMD (generated/gelu.wat, from
 * scripts/wasm/gelu.mjs), with the bits of the JavaScript loops in activation.ts: each double
 * step is the loop's own, and where the kernel's exp stands in for Math.exp it checks the float32
 * rounding and hands the rare unsure elements to the loop's functions. A module of its own, so an
 * app without gelu does not carry it.
 */
import { arenaElementwise, arenaInstance } from '../../tensor/kernels/arena.js';
import { GELU_WASM_HEX } from '../../tensor/kernels/generated/gelu-wasm.js';
import { compileOnce } from '../../tensor/kernels/simd.js';

interface GeluKernels {
  gelu(x: number, g: number, out: number, count: number, mode: 0 | 1): void;
}

/**
 * A `PointwiseSpec.simd` for gelu: out = f(x) (g null) or df(g, x) over the leading multiple of 4
 * of the elements; returns how many it did (the caller's loop does the rest).
 *
 * @param f - gelu(x) as the loop computes it (the kernel's fallback).
 * @param df - g·gelu'(x) as the loop computes it (the kernel's fallback).
 * @returns The kernel runner.
 */
export function geluSimd(
  f: (x: number) => number,
  df: (g: number, x: number) => number,
): (x: Float32Array, g: Float32Array | null, out: Float32Array) => number {
  return (x, g, out) => {
    const k = arenaInstance(compileOnce(GELU_WASM_HEX), {
      fallback: (v: number, gv: number, mode: number) => (mode === 0 ? f(v) : df(gv, v)),
    }) as GeluKernels | undefined;
    if (k === undefined) return 0;
    return arenaElementwise(x, g, out, (px, pg, po, n) =>
      k.gelu(px, g === null ? px : pg, po, n, g === null ? 0 : 1),
    );
  };
}
