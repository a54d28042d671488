/**
 * exp, sigmoid, tanh and log over the arena (generated/unary-math.wat): float64 SIMD with the bits
 * of the JavaScript loops they replace. Each result is computed to within 2^-41 (exp, sigmoid and
 * tanh, from a table of 2^(j/2048) the module writes at ARENA_TABLES when bound) or 2^-45 (log)
 * and rounded to float32; where that rounding could differ from JavaScript's (a result near a
 * float32 rounding boundary, NaN, a subnormal result, an input outside the function's range) the
 * kernel calls the JavaScript function itself, so the output is bit for bit `Math.fround(f(x))`
 * for f below (kernels/unary-math.test.ts).
 */
import { arenaElementwise, arenaInstance, streamKernels } from './arena.js';
import { unaryMathKernelModule } from './simd.js';

/** The functions, in the kernel's numbering, exactly as the JavaScript loops compute them. */
const FUNCTIONS = [
  Math.exp,
  (v: number): number => 1 / (1 + Math.exp(-v)),
  Math.tanh,
  Math.log,
] as const;

/** Which function: exp (0), the logistic sigmoid (1), tanh (2) or log (3). */
export type UnaryMathFunction = 0 | 1 | 2 | 3;

interface UnaryMathKernels {
  map(x: number, out: number, count: number, fn: UnaryMathFunction): void;
  log(x: number, out: number, count: number): void;
}

/**
 * The kernels bound to the arena (binding writes map's constants and table of 2^(j/2048) at
 * ARENA_TABLES); undefined without WebAssembly SIMD or an arena.
 */
function kernels(): UnaryMathKernels | undefined {
  return arenaInstance(unaryMathKernelModule(), {
    fallback: (v: number, f: number) => FUNCTIONS[f]!(v),
  }) as UnaryMathKernels | undefined;
}

/**
 * out[i] = f(x[i]) for the leading multiple of 4 of the elements (x may be out), on the arrays in
 * the arena or through its scratch (see arenaElementwise); returns how many it did, 0 when it could
 * not. The caller's JavaScript loop does the rest.
 */
export function unaryMathSimd(fn: UnaryMathFunction, x: Float32Array, out: Float32Array): number {
  const k = kernels();
  if (k === undefined) return 0;
  const n = Math.min(x.length, out.length);
  return arenaElementwise(x.subarray(0, n), null, out.subarray(0, n), (px, _, po, m) =>
    fn === 3 ? k.log(px, po, m) : k.map(px, po, m, fn),
  );
}

/**
 * out[i] = Math.fround(f(x[i])) for every element, f the function `fn` of {@link FUNCTIONS}: the
 * SIMD kernel where it runs, the JavaScript function for the rest (or all).
 *
 * @param fn - exp (0), sigmoid (1), tanh (2) or log (3).
 * @param x - The input.
 * @param out - The output (as long as x; may be x).
 */
export function unaryMathInto(fn: UnaryMathFunction, x: Float32Array, out: Float32Array): void {
  const f = FUNCTIONS[fn];
  for (let i = unaryMathSimd(fn, x, out); i < x.length; i++) out[i] = f(x[i]!);
}

/**
 * The one-operand ops of the arena's `unary` kernel, in its numbering, each with the bits of the
 * JavaScript loop it replaces: `-x`, `Math.abs(x)`, `Math.sqrt(x)`, `1 / x`, `x * x`,
 * `f32(x * x) * x`, `1 / f32(Math.sqrt(x))`, `1 / f32(x * x)` and `1 / Math.sqrt(x)`.
 */
export const UNARY_OPS = [
  'neg',
  'abs',
  'sqrt',
  'reciprocal',
  'square',
  'cube',
  'reciprocalSqrtFloat',
  'reciprocalSquare',
  'rsqrt',
] as const;

/** A one-operand op of {@link UNARY_OPS}. */
export type UnaryOp = (typeof UNARY_OPS)[number];

/**
 * out[i] = op(x[i]) for the leading multiple of 4 of the elements on the arena's SIMD kernel (see
 * arenaElementwise; x may be out); returns how many it did. The caller's loop does the rest.
 */
export function unaryOpSimd(op: UnaryOp, x: Float32Array, out: Float32Array): number {
  const n = Math.min(x.length, out.length);
  const code = UNARY_OPS.indexOf(op);
  return arenaElementwise(x.subarray(0, n), null, out.subarray(0, n), (px, _, po, m) =>
    streamKernels()!.unary(px, po, m, code),
  );
}
