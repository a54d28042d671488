/**
 * `torch.nn.functional` (the `F` of PyTorch code): layers, activations and losses as functions,
 * each with its derivative.
 *
 * @module torchlet/nn/functional
 */
import { record, releaseUnsaved } from '../autograd/node.js';
import { Tensor, assertTensor } from '../tensor/tensor.js';
import { formatShape, sameShape } from '../tensor/shape.js';
import { gemm } from '../tensor/kernels/matmul.js';
import { relu, sigmoid, tanh, sub, abs, mul } from '../ops/elementwise.js';
import { mean, sum } from '../ops/reduce.js';
import { matmul } from '../ops/linalg.js';

export { relu, sigmoid, tanh };

/**
 * Applies an affine map `y = input @ weightᵀ + bias`, as `F.linear`. 2-D inputs run as one fused
 * kernel (the weight is read transposed in place, the bias added in the same pass).
 *
 * @param input - Shape `[..., in]`.
 * @param weight - Shape `[out, in]`.
 * @param bias - Shape `[out]` (or 0-d), default `null` for none.
 * @returns Shape `[..., out]`.
 * @throws TypeError if an argument is not a Tensor.
 * @throws RangeError if `weight` is not 2-D, the last dimension of `input` is not `in`, or `bias`
 *   does not have `out` elements.
 * @example
 * ```ts
 * F.linear(ones(2, 3), ones(4, 3), zeros(4)).shape; // [2, 4]
 * ```
 */
export function linear(input: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  assertTensor(input, 'linear', 'input to be a Tensor');
  assertTensor(weight, 'linear', 'weight to be a Tensor');
  if (bias !== null) assertTensor(bias, 'linear', 'bias to be a Tensor');
  if (weight.dim() !== 2)
    throw new RangeError(`linear: weight must be 2-D, got shape ${formatShape(weight.shape)}`);
  const [out, inF] = weight.shape;
  if (input.dim() === 0 || input.shape[input.dim() - 1] !== inF) {
    throw new RangeError(
      `linear: input shape ${formatShape(input.shape)} and weight shape ${formatShape(weight.shape)} cannot be multiplied ` +
        `(expected last input dim ${inF})`,
    );
  }
  if (bias !== null && !(bias.dim() === 1 && bias.shape[0] === out) && !(bias.dim() === 0)) {
    throw new RangeError(
      `linear: bias shape ${formatShape(bias.shape)} does not match out_features ${out}`,
    );
  }
  if (input.dim() !== 2) {
    const y = matmul(input, weight.t());
    return bias === null ? y : y.add(bias);
  }
  const batch = input.shape[0];
  const data = allocForWrite(batch * out); // gemm writes every element
  gemm(
    {
      buffer: input.buffer,
      offset: input.offset,
      rowStride: input.strides[0],
      colStride: input.strides[1],
    },
    {
      buffer: weight.buffer,
      offset: weight.offset,
      rowStride: weight.strides[1],
      colStride: weight.strides[0],
    },
    batch,
    inF,
    out,
    data,
    0,
  );
  if (bias !== null) {
    const b = bias._contiguousData();
    for (let i = 0; i < batch; i++) {
      const base = i * out;
      for (let j = 0; j < out; j++) data[base + j] += b.length === 1 ? b[0] : b[j];
    }
  }
  const inputs = bias === null ? [input, weight] : [input, weight, bias];
  return record(
    Tensor._fromData(data, [batch, out]),
    bias === null ? 'MmBackward0' : 'AddmmBackward0',
    inputs,
    (g, [sw, sx], needs) => [
      needs[0] ? g.mm(sw!) : null,
      needs[1] ? g.t().mm(sx!) : null,
      needs[2] ? sum(g, 0) : null,
    ],
    [input.requiresGrad ? weight : null, weight.requiresGrad ? input : null],
  );
}

/**
 * How a loss combines its per-element values: `'mean'` (the default everywhere), `'sum'`, or
 * `'none'` (keep them all).
 */
export type Reduction = 'mean' | 'sum' | 'none';

/**
 * Checks a `reduction` option.
 *
 * @param reduction - The value to check.
 * @returns It, typed as a {@link Reduction}.
 * @throws RangeError unless it is `'mean'`, `'sum'` or `'none'`.
 */
export function checkReduction(reduction: unknown): Reduction {
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new RangeError(
      `${String(reduction)} is not a valid value for reduction (expected 'mean', 'sum' or 'none')`,
    );
  }
  return reduction;
}

function warnShapeMismatch(input: Tensor, target: Tensor): void {
  if (!sameShape(input.shape, target.shape)) {
    console.warn(
      `Using a target size (${formatShape(target.shape)}) that is different to the input size ` +
        `(${formatShape(input.shape)}). This will likely lead to incorrect results due to broadcasting. ` +
        'Please ensure they have the same size.',
    );
  }
}

/**
 * The mean squared error `(input - target)²`, reduced, as `F.mse_loss`. Shapes broadcast (with
 * PyTorch's warning when they differ). The gradient is PyTorch's `mse_loss_backward`,
 * α·(x − y)·g with α = 2/N for `'mean'` and 2 otherwise, rounded to float32 step by step.
 *
 * @param input - The predictions.
 * @param target - The targets.
 * @param options - `reduction` (default `'mean'`): `'mean'`, `'sum'` or `'none'`.
 * @returns The loss: 0-d, or elementwise with `'none'`.
 * @throws TypeError if `input` or `target` is not a Tensor.
 * @throws RangeError for an invalid `reduction` or shapes that do not broadcast.
 * @example
 * ```ts
 * F.mseLoss(tensor([1, 2]), tensor([1, 4])); // tensor(2.)
 * ```
 */
export function mseLoss(
  input: Tensor,
  target: Tensor,
  options: { reduction?: Reduction } = {},
): Tensor {
  assertTensor(input, 'mseLoss', 'input to be a Tensor');
  assertTensor(target, 'mseLoss', 'target to be a Tensor');
  const reduction = checkReduction(options.reduction ?? 'mean');
  warnShapeMismatch(input, target);
  const diff = sub(input.detach(), target.detach());
  // The squares on the elementwise kernel (float32 products, as a loop's Math.fround(d * d)), then
  // a float64 sum in index order: that order fixes the loss's bits.
  const squares = mul(diff, diff);
  const n = squares.numel();
  let out: Tensor;
  if (reduction === 'none') out = squares;
  else {
    const sq = squares._contiguousData();
    let s = 0;
    for (let i = 0; i < n; i++) s += sq[i];
    squares.dispose();
    out = Tensor._fromData(Float32Array.of(reduction === 'mean' ? s / n : s), []);
  }
  const alpha = Math.fround(reduction === 'mean' ? 2 / n : 2);
  const shape = diff.shape;
  record(
    out,
    'MseLossBackward0',
    [input, target],
    (g, [d], [ni, nt]) => {
      const gi = mul(mul(d!, alpha), reduction === 'none' ? g : g.expand(shape));
      return [ni ? gi : null, nt ? gi.neg() : null];
    },
    [diff],
  );
  return releaseUnsaved(out, diff);
}

/**
 * The mean absolute error `|input - target|`, reduced, as `F.l1_loss`.
 *
 * @param input - The predictions.
 * @param target - The targets.
 * @param options - `reduction` (default `'mean'`): `'mean'`, `'sum'` or `'none'`.
 * @returns The loss: 0-d, or elementwise with `'none'`.
 * @throws TypeError if `input` or `target` is not a Tensor.
 * @throws RangeError for an invalid `reduction` or shapes that do not broadcast.
 */
export function l1Loss(
  input: Tensor,
  target: Tensor,
  options: { reduction?: Reduction } = {},
): Tensor {
  assertTensor(input, 'l1Loss', 'input to be a Tensor');
  assertTensor(target, 'l1Loss', 'target to be a Tensor');
  const reduction = checkReduction(options.reduction ?? 'mean');
  warnShapeMismatch(input, target);
  const loss = abs(sub(input, target));
  return reduction === 'none' ? loss : reduction === 'sum' ? sum(loss) : mean(loss);
}

// ==== exports: nn-functional ====
export { conv1d, conv2d, convTranspose2d } from './functional/conv.js';
export type { ConvOptions, ConvTransposeOptions, SizeArg } from './functional/conv.js';
export {
  maxPool1d,
  maxPool2d,
  avgPool1d,
  avgPool2d,
  adaptiveAvgPool2d,
} from './functional/pool.js';
export type { MaxPoolOptions, AvgPoolOptions } from './functional/pool.js';
export { pad, interpolate } from './functional/resample.js';
export type { PadOptions, InterpolateOptions } from './functional/resample.js';
export { layerNorm, batchNorm, normalize, cosineSimilarity } from './functional/normalization.js';
export type { BatchNormOptions, NormalizeOptions } from './functional/normalization.js';
export { embedding, oneHot } from './functional/embedding.js';
export type { EmbeddingOptions } from './functional/embedding.js';
export { dropout } from './functional/dropout.js';
export { scaledDotProductAttention } from './functional/attention.js';
export type { AttentionOptions } from './functional/attention.js';
// ==== end nn-functional ====
// ==== exports: activations-losses ====
export { softmax, logSoftmax } from '../ops/softmax.js';
export type { SoftmaxDim } from '../ops/softmax.js';
export {
  gelu,
  silu,
  mish,
  elu,
  selu,
  celu,
  leakyRelu,
  relu6,
  hardtanh,
  hardsigmoid,
  hardswish,
  softplus,
  softsign,
  logsigmoid,
  glu,
} from './functional/activation.js';
export {
  crossEntropy,
  nllLoss,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  huberLoss,
  smoothL1Loss,
  klDiv,
} from './functional/loss.js';
export type {
  LossReduction,
  CrossEntropyOptions,
  NllOptions,
  BceOptions,
  BceLogitsOptions,
  HuberOptions,
  SmoothL1Options,
  KlDivOptions,
} from './functional/loss.js';
import { allocForWrite } from '../tensor/kernels/arena.js';
// ==== end activations-losses ====
