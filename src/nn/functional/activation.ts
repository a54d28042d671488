/**
 * Activation functions of `torch.nn.functional`, each with PyTorch's derivative: its behaviour at
 * the kinks, masks that select 0 (so inf/NaN upstream gradients in a flat region do not leak) and
 * a second derivative for `createGraph`.
 */
import { Tensor, assertTensor, describe } from '../../tensor/tensor.js';
import { checkOptions } from '../../tensor/options.js';
import { normalizeDim } from '../../tensor/shape.js';
import { record } from '../../autograd/node.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { abs, add, div, mul, sigmoid, sub } from '../../ops/elementwise.js';
import { narrow } from '../../ops/views.js';
import { cat } from '../../ops/join.js';
import { pointwise, type PointwiseSpec } from './pointwise.js';
import { simdLeakyRelu } from '../../tensor/kernels/elementwise.js';
import { erfFloat32 } from './erf.js';
import { activationSimd } from './activation-simd.js';

// ---- Argument reading ------------------------------------------------------------------------

/**
 * Reads scalar arguments given positionally (`elu(x, 0.5)`) or as an options object
 * (`elu(x, { alpha: 0.5 })`). `inplace` is accepted for ported code and ignored: results are
 * always new tensors.
 */
function scalarArgs(
  fn: string,
  args: readonly unknown[],
  names: readonly string[],
  defaults: readonly number[],
): number[] {
  const first = args[0];
  if (first !== null && typeof first === 'object' && !(first instanceof Tensor)) {
    if (args.slice(1).some((a) => a !== undefined)) {
      throw new TypeError(`${fn}: an options object must be the last argument`);
    }
    const spec: Record<string, string> = { inplace: 'boolean' };
    for (const n of names) spec[n] = 'number';
    const opts = checkOptions<Record<string, number | undefined>>(fn, first, spec);
    return names.map((n, i) => opts[n] ?? defaults[i]);
  }
  return names.map((n, i) => {
    const v = args[i];
    if (v === undefined) return defaults[i];
    if (typeof v !== 'number') {
      throw new TypeError(`${fn}: ${n} must be a number, got ${describe(v)}`);
    }
    return v;
  });
}

function input(x: unknown, fn: string): Tensor {
  assertTensor(x, fn, 'input to be a Tensor');
  return x;
}

// ---- The activations -------------------------------------------------------------------------

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const GELU_TANH_BETA = Math.sqrt(2 / Math.PI);
const GELU_TANH_KAPPA = 0.044715;

/** exp rounded to float32, so that over- and underflow happen where PyTorch's kernels have them. */
const exp32 = (v: number): number => Math.fround(Math.exp(v));
/** erf rounded to float32: 1 + erf(x) is exactly 0 far in the left tail, as in PyTorch. */
const erf32 = erfFloat32;

const geluF = (x: number): number => x * 0.5 * (1 + erf32(x * SQRT1_2));
const geluDf = (g: number, x: number): number =>
  g * (0.5 * (1 + erf32(x * SQRT1_2)) + x * INV_SQRT_2PI * exp32(-0.5 * x * x));

const geluNone: PointwiseSpec = {
  name: 'GeluBackward0',
  f: geluF,
  df: geluDf,
  d2: (x) => INV_SQRT_2PI * Math.exp(-0.5 * x * x) * (2 - x * x),
  // The same bits on WebAssembly SIMD (activation-simd.ts).
  simd: activationSimd('gelu', geluF, geluDf),
};

const geluTanh: PointwiseSpec = {
  name: 'GeluBackward0',
  f: (x) => 0.5 * x * (1 + Math.tanh(GELU_TANH_BETA * (x + GELU_TANH_KAPPA * x * x * x))),
  df: (g, x) => {
    const t = Math.tanh(GELU_TANH_BETA * (x + GELU_TANH_KAPPA * x * x * x));
    const inner = GELU_TANH_BETA * (1 + 3 * GELU_TANH_KAPPA * x * x);
    return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * inner);
  },
  d2: (x) => {
    const t = Math.tanh(GELU_TANH_BETA * (x + GELU_TANH_KAPPA * x * x * x));
    const u1 = GELU_TANH_BETA * (1 + 3 * GELU_TANH_KAPPA * x * x);
    const u2 = GELU_TANH_BETA * 6 * GELU_TANH_KAPPA * x;
    return (1 - t * t) * (u1 + 0.5 * x * (u2 - 2 * t * u1 * u1));
  },
};

/**
 * Gaussian Error Linear Unit: `x·Φ(x)`, or its tanh approximation.
 *
 * @param x - Input tensor.
 * @param options - `approximate`: `'none'` (default, exact erf) or `'tanh'`. The string itself
 *   is also accepted in place of the options object.
 * @returns `gelu(x)`, same shape.
 * @throws TypeError for an unknown option; RangeError when `approximate` is neither value.
 * @example
 * gelu(tensor([-1, 0, 1])); // tensor([-0.1587, 0.0000, 0.8413])
 */
export function gelu(
  x: Tensor,
  options: { approximate?: 'none' | 'tanh' } | 'none' | 'tanh' = {},
): Tensor {
  const t = input(x, 'gelu');
  const opts =
    typeof options === 'string'
      ? { approximate: options }
      : checkOptions<{ approximate?: string }>('gelu', options, { approximate: 'string' });
  const approximate = opts.approximate ?? 'none';
  if (approximate !== 'none' && approximate !== 'tanh') {
    throw new RangeError(
      `gelu: approximate argument must be either 'none' or 'tanh', got ${describe(approximate)}`,
    );
  }
  return pointwise(t, approximate === 'tanh' ? geluTanh : geluNone);
}

const siluF = (x: number): number => x / (1 + exp32(-x));
const siluDf = (g: number, x: number): number => {
  const s = 1 / (1 + exp32(-x));
  return g * s * (1 + x * (1 - s));
};

const siluSpec: PointwiseSpec = {
  name: 'SiluBackward0',
  f: siluF,
  df: siluDf,
  // The same bits on WebAssembly SIMD (activation-simd.ts).
  simd: activationSimd('silu', siluF, siluDf),
  d2: (x) => {
    const s = 1 / (1 + Math.exp(-x));
    return s * (1 - s) * (2 + x * (1 - 2 * s));
  },
};

/**
 * Sigmoid Linear Unit (swish): `x·σ(x)`.
 *
 * @param x - Input tensor.
 * @returns `silu(x)`, same shape.
 * @throws TypeError when `x` is not a Tensor.
 * @example
 * silu(tensor([1])); // tensor([0.7311])
 */
export function silu(x: Tensor): Tensor {
  return pointwise(input(x, 'silu'), siluSpec);
}

const mishSpec: PointwiseSpec = {
  name: 'MishBackward0',
  f: (x) => x * Math.tanh(Math.log1p(exp32(x))),
  df: (g, x) => {
    const s = 1 / (1 + exp32(-x));
    const t = Math.tanh(Math.log1p(exp32(x)));
    return g * (t + x * s * (1 - t * t));
  },
  d2: (x) => {
    const s = 1 / (1 + Math.exp(-x));
    const t = Math.tanh(Math.log1p(Math.exp(x)));
    return s * (1 - t * t) * (2 + x * (1 - s) - 2 * x * t * s);
  },
};

/**
 * Mish: `x·tanh(softplus(x))`.
 *
 * @param x - Input tensor.
 * @returns `mish(x)`, same shape.
 * @throws TypeError when `x` is not a Tensor.
 */
export function mish(x: Tensor): Tensor {
  return pointwise(input(x, 'mish'), mishSpec);
}

/** ELU with PyTorch's three coefficients (elu, selu and celu all run through it). */
function eluSpec(alpha: number, scale: number, inputScale: number): PointwiseSpec {
  const neg = alpha * scale;
  return {
    name: 'EluBackward0',
    f: (x) => (x > 0 ? x * scale : Math.expm1(x * inputScale) * neg),
    // The positive branch is selected by x > 0, so a NaN input takes the exp branch (NaN).
    df: (g, x) => (x > 0 ? g * scale : g * inputScale * neg * Math.exp(x * inputScale)),
    d2: (x) => (x > 0 ? 0 : inputScale * inputScale * neg * Math.exp(x * inputScale)),
  };
}

/**
 * Exponential Linear Unit: `x` for x > 0, `α·(eˣ − 1)` otherwise.
 *
 * @param x - Input tensor.
 * @param alpha - α, default 1 (also `{ alpha }`).
 * @returns `elu(x)`, same shape.
 * @throws TypeError when `alpha` is not a number.
 * @example
 * elu(tensor([-1, 2]), 0.5); // tensor([-0.3161, 2.0000])
 */
export function elu(x: Tensor, alpha?: number | { alpha?: number; inplace?: boolean }): Tensor {
  const [a] = scalarArgs('elu', [alpha], ['alpha'], [1]);
  return pointwise(input(x, 'elu'), eluSpec(a, 1, 1));
}

/** SELU's α and scale (Klambauer et al.), as PyTorch's constants. */
export const SELU_ALPHA = 1.6732632423543772;
/** SELU's scale. */
export const SELU_SCALE = 1.0507009873554805;

/**
 * Scaled ELU: `scale·elu(x, α)` with PyTorch's fixed constants.
 *
 * @param x - Input tensor.
 * @returns `selu(x)`, same shape.
 * @throws TypeError when `x` is not a Tensor.
 */
export function selu(x: Tensor): Tensor {
  return pointwise(input(x, 'selu'), eluSpec(SELU_ALPHA, SELU_SCALE, 1));
}

/**
 * Continuously differentiable ELU: `max(0, x) + min(0, α·(exp(x/α) − 1))`.
 *
 * @param x - Input tensor.
 * @param alpha - α, default 1 (also `{ alpha }`).
 * @returns `celu(x)`, same shape.
 * @throws RangeError when α is 0 (PyTorch's ZeroDivisionError).
 */
export function celu(x: Tensor, alpha?: number | { alpha?: number; inplace?: boolean }): Tensor {
  const [a] = scalarArgs('celu', [alpha], ['alpha'], [1]);
  if (a === 0) throw new RangeError('celu: alpha cannot be 0 for CELU (ZeroDivisionError)');
  return pointwise(input(x, 'celu'), eluSpec(a, 1, 1 / a));
}

/**
 * Leaky ReLU: `x` for x > 0, `negativeSlope·x` otherwise.
 *
 * @param x - Input tensor.
 * @param negativeSlope - Slope for x ≤ 0, default 0.01 (also `{ negativeSlope }`).
 * @returns `leakyRelu(x)`, same shape.
 * @throws TypeError when the slope is not a number.
 * @example
 * leakyRelu(tensor([-2, 3]), 0.1); // tensor([-0.2000, 3.0000])
 */
export function leakyRelu(
  x: Tensor,
  negativeSlope?: number | { negativeSlope?: number; inplace?: boolean },
): Tensor {
  const [slope] = scalarArgs('leakyRelu', [negativeSlope], ['negativeSlope'], [0.01]);
  return pointwise(input(x, 'leakyRelu'), {
    name: 'LeakyReluBackward0',
    f: (v) => (v > 0 ? v : v * slope),
    df: (g, v) => (v > 0 ? g : g * slope),
    simd: (x, g, out) => simdLeakyRelu(x, g, slope, out),
  });
}

function hardtanhSpec(minVal: number, maxVal: number): PointwiseSpec {
  return {
    name: 'HardtanhBackward0',
    f: (v) => (v !== v ? v : v < minVal ? minVal : v > maxVal ? maxVal : v),
    // Passes strictly inside the bounds only; NaN inputs get 0, as PyTorch.
    df: (g, v) => (v > minVal && v < maxVal ? g : 0),
  };
}

/**
 * Hard tanh: clamps into `[minVal, maxVal]`; the gradient is 0 at and beyond the bounds.
 *
 * @param x - Input tensor.
 * @param minVal - Lower bound, default −1 (also `{ minVal, maxVal }`).
 * @param maxVal - Upper bound, default 1.
 * @returns `hardtanh(x)`, same shape.
 * @throws RangeError when `minVal > maxVal`.
 */
export function hardtanh(
  x: Tensor,
  minVal?: number | { minVal?: number; maxVal?: number; inplace?: boolean },
  maxVal?: number,
): Tensor {
  const [lo, hi] = scalarArgs('hardtanh', [minVal, maxVal], ['minVal', 'maxVal'], [-1, 1]);
  if (lo > hi) {
    throw new RangeError(`hardtanh: min_val cannot be greater than max_val, got ${lo} > ${hi}`);
  }
  return pointwise(input(x, 'hardtanh'), hardtanhSpec(lo, hi));
}

/**
 * ReLU capped at 6: `hardtanh(x, 0, 6)` (its grad_fn is PyTorch's HardtanhBackward0).
 *
 * @param x - Input tensor.
 * @param options - `inplace` (default `false`), accepted for ported code; the result is always a
 *   new tensor.
 * @returns `min(max(x, 0), 6)`, same shape.
 * @throws TypeError when `x` is not a Tensor.
 */
export function relu6(x: Tensor, options?: { inplace?: boolean }): Tensor {
  checkOptions('relu6', options, { inplace: 'boolean' });
  return pointwise(input(x, 'relu6'), hardtanhSpec(0, 6));
}

const hardsigmoidSpec: PointwiseSpec = {
  name: 'HardsigmoidBackward0',
  f: (v) => (v !== v ? v : Math.min(Math.max(v + 3, 0), 6) / 6),
  df: (g, v) => (v > -3 && v < 3 ? g / 6 : 0),
};

/**
 * Hard sigmoid: `min(max(x + 3, 0), 6) / 6`; gradient 1/6 strictly inside (−3, 3), else 0.
 *
 * @param x - Input tensor.
 * @param options - `inplace` (default `false`), accepted for ported code; the result is always a
 *   new tensor.
 * @returns `hardsigmoid(x)`, same shape.
 * @throws TypeError when `x` is not a Tensor.
 */
export function hardsigmoid(x: Tensor, options?: { inplace?: boolean }): Tensor {
  checkOptions('hardsigmoid', options, { inplace: 'boolean' });
  return pointwise(input(x, 'hardsigmoid'), hardsigmoidSpec);
}

const hardswishSpec: PointwiseSpec = {
  name: 'HardswishBackward0',
  f: (v) => (v !== v ? v : (v * Math.min(Math.max(v + 3, 0), 6)) / 6),
  // 0 below −3, g from 3 on (inclusive), the slope in between (NaN inputs give NaN).
  df: (g, v) => (v < -3 ? 0 : v >= 3 ? g : g * (v / 3 + 0.5)),
  d2: (v) => (v > -3 && v < 3 ? 1 / 3 : 0),
};

/**
 * Hard swish: `x·hardsigmoid(x)`.
 *
 * @param x - Input tensor.
 * @param options - `inplace` (default `false`), accepted for ported code; the result is always a
 *   new tensor.
 * @returns `hardswish(x)`, same shape.
 * @throws TypeError when `x` is not a Tensor.
 */
export function hardswish(x: Tensor, options?: { inplace?: boolean }): Tensor {
  checkOptions('hardswish', options, { inplace: 'boolean' });
  return pointwise(input(x, 'hardswish'), hardswishSpec);
}

/**
 * Softplus: `log(1 + exp(β·x)) / β`, linear (`x`) where `β·x > threshold` for stability.
 *
 * @param x - Input tensor.
 * @param beta - β, default 1 (also `{ beta, threshold }`).
 * @param threshold - Above this value of β·x the function is the identity, default 20.
 * @returns `softplus(x)`, same shape.
 * @throws TypeError when an argument is not a number.
 * @example
 * softplus(tensor([0])); // tensor([0.6931])
 */
export function softplus(
  x: Tensor,
  beta?: number | { beta?: number; threshold?: number },
  threshold?: number,
): Tensor {
  const [b, th] = scalarArgs('softplus', [beta, threshold], ['beta', 'threshold'], [1, 20]);
  return pointwise(input(x, 'softplus'), {
    name: 'SoftplusBackward0',
    f: (v) => (v * b > th ? v : Math.log1p(Math.exp(v * b)) / b),
    df: (g, v) => {
      if (v * b > th) return g;
      const z = exp32(v * b);
      return (g * z) / (z + 1);
    },
    d2: (v) => {
      if (v * b > th) return 0;
      const s = 1 / (1 + Math.exp(-v * b));
      return b * s * (1 - s);
    },
  });
}

/**
 * Softsign: `x / (1 + |x|)` (composed of differentiable ops, as in PyTorch).
 *
 * @param x - Input tensor.
 * @returns `softsign(x)`, same shape.
 * @throws TypeError when `x` is not a Tensor.
 */
export function softsign(x: Tensor): Tensor {
  const t = input(x, 'softsign');
  return div(t, add(abs(t), 1));
}

const logsigmoidSpec: PointwiseSpec = {
  name: 'LogSigmoidBackward0',
  f: (v) => Math.min(v, 0) - Math.log1p(Math.exp(-Math.abs(v))),
  df: (g, v) => {
    const z = Math.exp(-Math.abs(v));
    return v < 0 ? g * (1 - z / (1 + z)) : g * (z / (1 + z));
  },
  d2: (v) => {
    const s = 1 / (1 + Math.exp(-v));
    return -s * (1 - s);
  },
};

/**
 * Log-sigmoid: `log σ(x) = min(x, 0) − log1p(exp(−|x|))`, stable for large |x|.
 *
 * @param x - Input tensor.
 * @returns `logsigmoid(x)`, same shape.
 * @throws TypeError when `x` is not a Tensor.
 */
export function logsigmoid(x: Tensor): Tensor {
  return pointwise(input(x, 'logsigmoid'), logsigmoidSpec);
}

/**
 * Gated Linear Unit: splits `x` in halves `a, b` along `dim` and returns `a·σ(b)`.
 *
 * @param x - Input tensor (at least 1-D).
 * @param dim - The dim to halve, default −1 (also `{ dim }`).
 * @returns A tensor whose `dim` is half as long.
 * @throws RangeError for a 0-d input or an odd size along `dim`.
 */
export function glu(x: Tensor, dim: number | { dim?: number } = -1): Tensor {
  const t = input(x, 'glu');
  const d0 =
    typeof dim === 'number'
      ? dim
      : (checkOptions<{ dim?: number }>('glu', dim, { dim: 'integer' }).dim ?? -1);
  if (t.dim() === 0)
    throw new RangeError('glu: glu does not support scalars because halving size must be even');
  const d = normalizeDim(d0, t.dim(), 'glu');
  const size = t.shape[d];
  if (size % 2 !== 0) {
    throw new RangeError(`glu: Halving dimension must be even, but dimension ${d} is size ${size}`);
  }
  const half = size / 2;
  const out = noGrad(() => mul(narrow(t, d, 0, half), sigmoid(narrow(t, d, half, half))));
  // d/da = g·σ(b), d/db = g·a·σ(b)·(1 − σ(b)), joined along dim (PyTorch's GluBackward0).
  return record(
    out,
    'GluBackward0',
    [t],
    (g, [sx]) => {
      const a = narrow(sx!, d, 0, half);
      const sb = sigmoid(narrow(sx!, d, half, half));
      const ga = mul(g, sb);
      return [cat([ga, mul(mul(ga, a), sub(1, sb))], d)];
    },
    [t],
  );
}
