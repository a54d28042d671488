/** Weight initialisation (`torch.nn.init`), drawing from the same generator stream as PyTorch. */
import { noGrad } from '../autograd/grad-mode.js';
import { Tensor, assertTensor } from '../tensor/tensor.js';
import type { RandomOptions } from '../random/sampling.js';

export type Nonlinearity =
  'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

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

export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.dim() < 2) {
    throw new RangeError(
      `Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (got shape [${t.shape.join(', ')}])`,
    );
  }
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

export function uniform_(t: Tensor, a = 0, b = 1, options?: RandomOptions): Tensor {
  assertTensor(t, 'uniform_');
  return noGrad(() => t.uniform_(a, b, options));
}

export function normal_(t: Tensor, mean = 0, std = 1, options?: RandomOptions): Tensor {
  assertTensor(t, 'normal_');
  return noGrad(() => t.normal_(mean, std, options));
}

export function constant_(t: Tensor, value: number): Tensor {
  assertTensor(t, 'constant_');
  return noGrad(() => t.fill_(value));
}

export const zeros_ = (t: Tensor): Tensor => constant_(t, 0);
export const ones_ = (t: Tensor): Tensor => constant_(t, 1);

export interface KaimingOptions extends RandomOptions {
  a?: number;
  mode?: 'fan_in' | 'fan_out';
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: Tensor, options: KaimingOptions): number {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const fan = (options.mode ?? 'fan_in') === 'fan_in' ? fanIn : fanOut;
  const gain = calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  return gain / Math.sqrt(fan);
}

/** U(-bound, bound) with bound = gain * sqrt(3 / fan), computed in double like PyTorch. */
export function kaimingUniform_(t: Tensor, options: KaimingOptions = {}): Tensor {
  assertTensor(t, 'kaimingUniform_');
  if (t.numel() === 0) return t;
  const bound = Math.sqrt(3) * kaimingStd(t, options);
  return uniform_(t, -bound, bound, options);
}

export function kaimingNormal_(t: Tensor, options: KaimingOptions = {}): Tensor {
  assertTensor(t, 'kaimingNormal_');
  if (t.numel() === 0) return t;
  return normal_(t, 0, kaimingStd(t, options), options);
}

export function xavierUniform_(t: Tensor, gain = 1, options?: RandomOptions): Tensor {
  assertTensor(t, 'xavierUniform_');
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const a = Math.sqrt(3) * gain * Math.sqrt(2 / (fanIn + fanOut));
  return uniform_(t, -a, a, options);
}

export function xavierNormal_(t: Tensor, gain = 1, options?: RandomOptions): Tensor {
  assertTensor(t, 'xavierNormal_');
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), options);
}
