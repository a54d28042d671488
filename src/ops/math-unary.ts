/**
 * Unary math ops beyond the core set: trigonometric and hyperbolic functions and their inverses,
 * log2/log10/exp2, rounding, erf/erfinv and logit. Each forward sits beside its derivative from
 * PyTorch's derivatives.yaml, written with differentiable ops so that `createGraph` works.
 */
import { record } from '../autograd/node.js';
import { Tensor, describe } from '../tensor/tensor.js';
import { checkOptions } from '../tensor/options.js';
import { checkInteger } from '../tensor/shape.js';
import {
  abs,
  add,
  div,
  exp,
  gt,
  lt,
  mapElements,
  mul,
  neg,
  pow,
  rsqrt,
  sub,
  where,
} from './elementwise.js';
import { checkTensor, filled } from './math-common.js';
import { erf as erfScalar, erfinv as erfinvScalar, roundHalfEven } from './special-functions.js';

const LN2 = Math.LN2;
const LN10 = Math.LN10;
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const HALF_SQRT_PI = 0.5 * Math.sqrt(Math.PI);

/** A unary op whose derivative reads the saved input or output. */
function unary(
  x: unknown,
  op: string,
  fn: (v: number) => number,
  name: string,
  derivative: (g: Tensor, saved: Tensor) => Tensor,
  saves: 'input' | 'output',
): Tensor {
  checkTensor(x, op);
  const out = mapElements(x, fn);
  const saved = saves === 'input' ? x : out;
  return record(out, name, [x], (g, [s]) => [derivative(g, s!)], [saved]);
}

/** A piecewise-constant op (floor, ceil, …): its gradient is zero everywhere. */
function stepwise(x: unknown, op: string, fn: (v: number) => number, name: string): Tensor {
  checkTensor(x, op);
  const shape = x.shape;
  return record(mapElements(x, fn), name, [x], () => [filled(shape, 0)]);
}

/**
 * Tangent, elementwise.
 *
 * @param x - Input tensor (radians).
 * @returns `tan(x)`; its gradient is `1 + tan(x)²`.
 * @throws TypeError if `x` is not a Tensor.
 * @example tan(tensor([0, 0.5]))
 */
export const tan = (x: Tensor): Tensor =>
  unary(x, 'tan', Math.tan, 'TanBackward0', (g, o) => mul(g, add(mul(o, o), 1)), 'output');

/**
 * Arcsine, elementwise (NaN outside [-1, 1]).
 *
 * @param x - Input tensor.
 * @returns `asin(x)`; gradient `1 / sqrt(1 - x²)`.
 * @throws TypeError if `x` is not a Tensor.
 */
export const asin = (x: Tensor): Tensor =>
  unary(x, 'asin', Math.asin, 'AsinBackward0', (g, i) => mul(g, rsqrt(sub(1, mul(i, i)))), 'input');

/**
 * Arccosine, elementwise (NaN outside [-1, 1]).
 *
 * @param x - Input tensor.
 * @returns `acos(x)`; gradient `-1 / sqrt(1 - x²)`.
 * @throws TypeError if `x` is not a Tensor.
 */
export const acos = (x: Tensor): Tensor =>
  unary(
    x,
    'acos',
    Math.acos,
    'AcosBackward0',
    (g, i) => neg(mul(g, rsqrt(sub(1, mul(i, i))))),
    'input',
  );

/**
 * Arctangent, elementwise.
 *
 * @param x - Input tensor.
 * @returns `atan(x)`; gradient `1 / (1 + x²)`.
 * @throws TypeError if `x` is not a Tensor.
 */
export const atan = (x: Tensor): Tensor =>
  unary(x, 'atan', Math.atan, 'AtanBackward0', (g, i) => div(g, add(mul(i, i), 1)), 'input');

/**
 * Hyperbolic sine, elementwise.
 *
 * @param x - Input tensor.
 * @returns `sinh(x)`; gradient `cosh(x)`.
 * @throws TypeError if `x` is not a Tensor.
 */
export const sinh = (x: Tensor): Tensor =>
  unary(x, 'sinh', Math.sinh, 'SinhBackward0', (g, i) => mul(g, cosh(i)), 'input');

/**
 * Hyperbolic cosine, elementwise.
 *
 * @param x - Input tensor.
 * @returns `cosh(x)`; gradient `sinh(x)`.
 * @throws TypeError if `x` is not a Tensor.
 */
export const cosh = (x: Tensor): Tensor =>
  unary(x, 'cosh', Math.cosh, 'CoshBackward0', (g, i) => mul(g, sinh(i)), 'input');

/**
 * Inverse hyperbolic sine, elementwise.
 *
 * @param x - Input tensor.
 * @returns `asinh(x)`; gradient `1 / sqrt(x² + 1)`.
 * @throws TypeError if `x` is not a Tensor.
 */
export const asinh = (x: Tensor): Tensor =>
  unary(
    x,
    'asinh',
    Math.asinh,
    'AsinhBackward0',
    (g, i) => mul(g, rsqrt(add(mul(i, i), 1))),
    'input',
  );

/**
 * Inverse hyperbolic cosine, elementwise (NaN below 1).
 *
 * @param x - Input tensor.
 * @returns `acosh(x)`; gradient `1 / sqrt(x² - 1)`.
 * @throws TypeError if `x` is not a Tensor.
 */
export const acosh = (x: Tensor): Tensor =>
  unary(
    x,
    'acosh',
    Math.acosh,
    'AcoshBackward0',
    (g, i) => mul(g, rsqrt(sub(mul(i, i), 1))),
    'input',
  );

/**
 * Inverse hyperbolic tangent, elementwise (±inf at ±1, NaN outside).
 *
 * @param x - Input tensor.
 * @returns `atanh(x)`; gradient `1 / (1 - x²)`.
 * @throws TypeError if `x` is not a Tensor.
 */
export const atanh = (x: Tensor): Tensor =>
  unary(x, 'atanh', Math.atanh, 'AtanhBackward0', (g, i) => div(g, sub(1, mul(i, i))), 'input');

/**
 * Base-2 logarithm, elementwise.
 *
 * @param x - Input tensor.
 * @returns `log2(x)`; gradient `1 / (x ln 2)`.
 * @throws TypeError if `x` is not a Tensor.
 */
export const log2 = (x: Tensor): Tensor =>
  unary(x, 'log2', Math.log2, 'Log2Backward0', (g, i) => div(g, mul(i, LN2)), 'input');

/**
 * Base-10 logarithm, elementwise.
 *
 * @param x - Input tensor.
 * @returns `log10(x)`; gradient `1 / (x ln 10)`.
 * @throws TypeError if `x` is not a Tensor.
 */
export const log10 = (x: Tensor): Tensor =>
  unary(x, 'log10', Math.log10, 'Log10Backward0', (g, i) => div(g, mul(i, LN10)), 'input');

/**
 * 2 to the power `x`, elementwise.
 *
 * @param x - Input tensor.
 * @returns `2^x`; gradient `2^x ln 2`.
 * @throws TypeError if `x` is not a Tensor.
 */
export const exp2 = (x: Tensor): Tensor =>
  unary(
    x,
    'exp2',
    (v) => Math.pow(2, v),
    'Exp2Backward0',
    (g, o) => mul(g, mul(o, LN2)),
    'output',
  );

/**
 * The error function, elementwise.
 *
 * @param x - Input tensor.
 * @returns `erf(x)`; gradient `2/√π · exp(-x²)`.
 * @throws TypeError if `x` is not a Tensor.
 */
export const erf = (x: Tensor): Tensor =>
  unary(
    x,
    'erf',
    erfScalar,
    'ErfBackward0',
    (g, i) => mul(g, mul(exp(neg(mul(i, i))), TWO_OVER_SQRT_PI)),
    'input',
  );

/**
 * The inverse error function, elementwise (±inf at ±1, NaN outside [-1, 1]).
 *
 * @param x - Input tensor.
 * @returns `erfinv(x)`; gradient `√π/2 · exp(erfinv(x)²)`.
 * @throws TypeError if `x` is not a Tensor.
 */
export const erfinv = (x: Tensor): Tensor =>
  unary(
    x,
    'erfinv',
    erfinvScalar,
    'ErfinvBackward0',
    (g, o) => mul(g, mul(exp(mul(o, o)), HALF_SQRT_PI)),
    'output',
  );

/**
 * Rounds down to an integer, elementwise (gradient zero).
 *
 * @param x - Input tensor.
 * @returns `floor(x)`.
 * @throws TypeError if `x` is not a Tensor.
 */
export const floor = (x: Tensor): Tensor => stepwise(x, 'floor', Math.floor, 'FloorBackward0');

/**
 * Rounds up to an integer, elementwise (gradient zero).
 *
 * @param x - Input tensor.
 * @returns `ceil(x)`.
 * @throws TypeError if `x` is not a Tensor.
 */
export const ceil = (x: Tensor): Tensor => stepwise(x, 'ceil', Math.ceil, 'CeilBackward0');

/**
 * Rounds toward zero, elementwise (gradient zero).
 *
 * @param x - Input tensor.
 * @returns `trunc(x)`.
 * @throws TypeError if `x` is not a Tensor.
 */
export const trunc = (x: Tensor): Tensor => stepwise(x, 'trunc', Math.trunc, 'TruncBackward0');

/** Options of {@link round}. */
export interface RoundOptions {
  /** Number of decimal places (negative rounds to tens, hundreds, …). Default 0. */
  decimals?: number;
}

/**
 * Rounds half to even (as PyTorch), optionally to `decimals` places, computing in float32 like
 * PyTorch: `nearbyint(x · 10^d) / 10^d` (or `nearbyint(x / 10^-d) · 10^-d` for negative `d`).
 * @param x - Input tensor.
 * @param options - `{ decimals = 0 }`.
 * @returns The rounded tensor; gradient zero.
 * @throws TypeError when `decimals` is not an integer.
 * @example round(tensor([0.5, 1.5, 2.345]), { decimals: 2 })
 */
export function round(x: Tensor, options?: RoundOptions | number): Tensor {
  const opts: RoundOptions =
    typeof options === 'number'
      ? { decimals: options }
      : checkOptions<RoundOptions>('round', options, { decimals: 'integer' });
  if (typeof options === 'number') checkInteger(options, 'round', 'decimals');
  const decimals = opts.decimals ?? 0;
  if (decimals === 0) return stepwise(x, 'round', roundHalfEven, 'RoundBackward0');
  const f = Math.fround;
  const scale = f(Math.pow(10, Math.abs(decimals)));
  const fn =
    decimals > 0
      ? (v: number) => roundHalfEven(f(v * scale)) / scale
      : (v: number) => roundHalfEven(f(v / scale)) * scale;
  return stepwise(x, 'round', fn, 'RoundBackward1');
}

/**
 * Fractional part `x - trunc(x)`, keeping the sign of `x` (NaN for ±inf).
 *
 * @param x - Input tensor.
 * @returns `frac(x)`; the gradient passes through unchanged.
 * @throws TypeError if `x` is not a Tensor.
 */
export function frac(x: Tensor): Tensor {
  checkTensor(x, 'frac');
  return record(
    mapElements(x, (v) => v - Math.trunc(v)),
    'FracBackward0',
    [x],
    (g) => [g],
  );
}

/**
 * `x²`, elementwise (PyTorch records it as `pow(x, 2)`).
 *
 * @param x - Input tensor.
 * @returns `x * x`; gradient `2x`.
 * @throws TypeError if `x` is not a Tensor.
 */
export function square(x: Tensor): Tensor {
  checkTensor(x, 'square');
  return pow(x, 2);
}

/**
 * The log-odds `log(x / (1 - x))`. With `eps`, the input is first clamped to `[eps, 1 - eps]`
 * (and the gradient is zero outside that range); without it, inputs outside [0, 1] give NaN
 * values and NaN gradients.
 * @param x - Input tensor (probabilities).
 * @param eps - Clamp margin, or `null`/omitted for none.
 * @returns `logit(x)`.
 * @throws TypeError when `eps` is not a number or null.
 * @example logit(tensor([0.25, 0.5]))
 */
export function logit(x: Tensor, eps?: number | null | { eps?: number | null }): Tensor {
  checkTensor(x, 'logit');
  const e =
    eps !== null && typeof eps === 'object'
      ? (checkOptions<{ eps?: number | null }>('logit', eps, { eps: 'number|null' }).eps ?? null)
      : (eps ?? null);
  if (e !== null && typeof e !== 'number')
    throw new TypeError(`logit: eps must be a number or null, got ${describe(e)}`);
  const lo = e === null ? 0 : Math.fround(e);
  const hi = e === null ? 1 : Math.fround(1 - lo);
  const out = mapElements(x, (v) => {
    const z = e === null || v !== v ? v : Math.min(Math.max(v, lo), hi);
    return Math.log(Math.fround(z / Math.fround(1 - z)));
  });
  return record(
    out,
    'LogitBackward0',
    [x],
    (g, [sx]) => {
      const i = sx!;
      // |x (1 - x)| equals x (1 - x) inside [0, 1]; the abs turns -0 at x = -0 into +0 so that
      // the gradient there is g · inf, as PyTorch's.
      const inner = div(g, abs(mul(i, sub(1, i))));
      const outside = add(lt(i, lo), gt(i, hi));
      return [where(outside, e === null ? NaN : 0, inner)];
    },
    [x],
  );
}
