/** Weight initialisation (`torch.nn.init`), drawing from the same generator stream as PyTorch. */
import { noGrad } from '../autograd/grad-mode.js';
import { Tensor, assertTensor } from '../tensor/tensor.js';
import type { RandomOptions } from '../random/sampling.js';

/** The nonlinearity names `calculateGain` knows, spelled as in PyTorch (`'leaky_relu'`, …). */
export type Nonlinearity =
  'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

/**
 * The recommended gain for an initialisation followed by `nonlinearity`, as
 * `nn.init.calculate_gain`: 1 for linear/conv/sigmoid, 5/3 for tanh, √2 for relu,
 * √(2 / (1 + slope²)) for leaky_relu and 3/4 for selu.
 *
 * @param nonlinearity - The nonlinearity's PyTorch name.
 * @param param - The negative slope for `'leaky_relu'` (default 0.01).
 * @returns The gain.
 * @throws RangeError for an unknown nonlinearity.
 * @example
 * ```ts
 * nn.init.calculateGain('tanh'); // 1.6666…
 * ```
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.sqrt(2);
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope ** 2));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new RangeError(`Unsupported nonlinearity ${String(nonlinearity)}`);
  }
}

/**
 * The fan-in and fan-out of a weight, as PyTorch's `_calculate_fan_in_and_fan_out`:
 * `shape[1] * receptive` and `shape[0] * receptive`, where `receptive` is the product of the
 * dimensions after the first two.
 *
 * @param t - A weight with at least 2 dimensions (`[out, in, ...kernel]`).
 * @returns `[fanIn, fanOut]`.
 * @throws RangeError if `t` has fewer than 2 dimensions.
 */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.dim() < 2) {
    throw new RangeError(
      `Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (got shape [${t.shape.join(', ')}])`,
    );
  }
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

/**
 * Fills `t` in place with samples from U(a, b), without recording the graph, as
 * `nn.init.uniform_`.
 *
 * @param t - The tensor to fill.
 * @param a - The lower bound (default 0).
 * @param b - The upper bound (default 1).
 * @param options - `generator` (default: the default generator).
 * @returns `t`.
 * @throws TypeError if `t` is not a Tensor.
 * @throws RangeError if `a > b`.
 */
export function uniform_(t: Tensor, a = 0, b = 1, options?: RandomOptions): Tensor {
  assertTensor(t, 'uniform_');
  return noGrad(() => t.uniform_(a, b, options));
}

/**
 * Fills `t` in place with samples from N(mean, std²), without recording the graph, as
 * `nn.init.normal_`.
 *
 * @param t - The tensor to fill.
 * @param mean - The mean (default 0).
 * @param std - The standard deviation (default 1).
 * @param options - `generator` (default: the default generator).
 * @returns `t`.
 * @throws TypeError if `t` is not a Tensor.
 * @throws RangeError if `std` is negative.
 */
export function normal_(t: Tensor, mean = 0, std = 1, options?: RandomOptions): Tensor {
  assertTensor(t, 'normal_');
  return noGrad(() => t.normal_(mean, std, options));
}

/**
 * Fills `t` in place with `value`, without recording the graph, as `nn.init.constant_`.
 *
 * @param t - The tensor to fill.
 * @param value - The value.
 * @returns `t`.
 * @throws TypeError if `t` is not a Tensor.
 */
export function constant_(t: Tensor, value: number): Tensor {
  assertTensor(t, 'constant_');
  return noGrad(() => t.fill_(value));
}

/**
 * Fills `t` in place with zeros, without recording the graph, as `nn.init.zeros_`.
 *
 * @param t - The tensor to fill.
 * @returns `t`.
 */
export const zeros_ = (t: Tensor): Tensor => constant_(t, 0);
/**
 * Fills `t` in place with ones, without recording the graph, as `nn.init.ones_`.
 *
 * @param t - The tensor to fill.
 * @returns `t`.
 */
export const ones_ = (t: Tensor): Tensor => constant_(t, 1);

/** Options of {@link kaimingUniform_} and {@link kaimingNormal_}. */
export interface KaimingOptions extends RandomOptions {
  /** The negative slope of the rectifier after this layer, for `'leaky_relu'` (default 0). */
  a?: number;
  /**
   * `'fan_in'` (default) preserves the variance of the activations in the forward pass,
   * `'fan_out'` that of the gradients in the backward pass.
   */
  mode?: 'fan_in' | 'fan_out';
  /** The nonlinearity after this layer (default `'leaky_relu'`), see {@link calculateGain}. */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: Tensor, options: KaimingOptions): number {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const fan = (options.mode ?? 'fan_in') === 'fan_in' ? fanIn : fanOut;
  const gain = calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  return gain / Math.sqrt(fan);
}

/**
 * Fills `t` in place with samples from U(-bound, bound), bound = gain · √(3 / fan), as
 * `nn.init.kaiming_uniform_` (He initialisation), drawing the same numbers as PyTorch for the same
 * seed.
 *
 * @param t - A weight with at least 2 dimensions.
 * @param options - `a` (default 0), `mode` (default `'fan_in'`), `nonlinearity` (default
 *   `'leaky_relu'`), `generator` (default: the default generator).
 * @returns `t`.
 * @throws TypeError if `t` is not a Tensor.
 * @throws RangeError if `t` has fewer than 2 dimensions.
 * @example
 * ```ts
 * const w = empty(8, 4);
 * nn.init.kaimingUniform_(w, { nonlinearity: 'relu' });
 * ```
 */
export function kaimingUniform_(t: Tensor, options: KaimingOptions = {}): Tensor {
  assertTensor(t, 'kaimingUniform_');
  if (t.numel() === 0) return t;
  const bound = Math.sqrt(3) * kaimingStd(t, options);
  return uniform_(t, -bound, bound, options);
}

/**
 * Fills `t` in place with samples from N(0, std²), std = gain / √fan, as
 * `nn.init.kaiming_normal_` (He initialisation).
 *
 * @param t - A weight with at least 2 dimensions.
 * @param options - `a` (default 0), `mode` (default `'fan_in'`), `nonlinearity` (default
 *   `'leaky_relu'`), `generator` (default: the default generator).
 * @returns `t`.
 * @throws TypeError if `t` is not a Tensor.
 * @throws RangeError if `t` has fewer than 2 dimensions.
 */
export function kaimingNormal_(t: Tensor, options: KaimingOptions = {}): Tensor {
  assertTensor(t, 'kaimingNormal_');
  if (t.numel() === 0) return t;
  return normal_(t, 0, kaimingStd(t, options), options);
}

/**
 * Fills `t` in place with samples from U(-a, a), a = gain · √(6 / (fanIn + fanOut)), as
 * `nn.init.xavier_uniform_` (Glorot initialisation).
 *
 * @param t - A weight with at least 2 dimensions.
 * @param gain - A scaling factor (default 1).
 * @param options - `generator` (default: the default generator).
 * @returns `t`.
 * @throws TypeError if `t` is not a Tensor.
 * @throws RangeError if `t` has fewer than 2 dimensions.
 */
export function xavierUniform_(t: Tensor, gain = 1, options?: RandomOptions): Tensor {
  assertTensor(t, 'xavierUniform_');
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const a = Math.sqrt(3) * gain * Math.sqrt(2 / (fanIn + fanOut));
  return uniform_(t, -a, a, options);
}

/**
 * Fills `t` in place with samples from N(0, std²), std = gain · √(2 / (fanIn + fanOut)), as
 * `nn.init.xavier_normal_` (Glorot initialisation).
 *
 * @param t - A weight with at least 2 dimensions.
 * @param gain - A scaling factor (default 1).
 * @param options - `generator` (default: the default generator).
 * @returns `t`.
 * @throws TypeError if `t` is not a Tensor.
 * @throws RangeError if `t` has fewer than 2 dimensions.
 */
export function xavierNormal_(t: Tensor, gain = 1, options?: RandomOptions): Tensor {
  assertTensor(t, 'xavierNormal_');
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), options);
}
