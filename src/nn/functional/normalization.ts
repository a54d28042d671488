/** `layerNorm`, `batchNorm` and `normalize`, composed from differentiable ops. */
import { noGrad } from '../../autograd/grad-mode.js';
import { Tensor, assertTensor, describe } from '../../tensor/tensor.js';
import { checkOptions } from '../../tensor/options.js';
import { formatShape } from '../../tensor/shape.js';
import { add, clamp, div, mul, rsqrt, sub } from '../../ops/elementwise.js';
import { mean, norm, variance } from '../../ops/reduce.js';
import { view } from '../../ops/views.js';
import { releaseUnsaved } from '../../autograd/node.js';

/**
 * Layer normalisation over the trailing `normalizedShape` dims: `torch.nn.functional.layer_norm`.
 * y = (x − mean) / √(var + eps) · weight + bias, with the biased variance.
 *
 * @param input - Any tensor whose trailing dims equal `normalizedShape`.
 * @param normalizedShape - The trailing shape to normalise over (a number for one dim).
 * @param weight - Elementwise scale of shape `normalizedShape`, or null (default null).
 * @param bias - Elementwise shift of shape `normalizedShape`, or null (default null).
 * @param eps - Added to the variance (default 1e-5).
 * @returns A tensor of the input's shape.
 * @throws RangeError when the trailing dims or the affine shapes do not match.
 * @example
 * const y = layerNorm(x, [x.shape.at(-1)!]);
 */
export function layerNorm(
  input: Tensor,
  normalizedShape: number | readonly number[],
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  const fn = 'layerNorm';
  assertTensor(input, fn, 'input to be a Tensor');
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  const k = shape.length;
  const trailing = input.shape.slice(input.dim() - k);
  if (k === 0 || input.dim() < k || trailing.some((v, i) => v !== shape[i])) {
    throw new RangeError(
      `${fn}: Given normalized_shape=[${shape.join(', ')}], expected input with shape [*, ${shape.join(', ')}], but got input of size${formatShape(input.shape)}`,
    );
  }
  for (const [name, t] of [
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (t === null) continue;
    assertTensor(t, fn, `${name} to be a Tensor or null`);
    if (t.dim() !== k || t.shape.some((v, i) => v !== shape[i])) {
      throw new RangeError(
        `${fn}: Expected ${name} to be of same shape as normalized_shape, but got ${name} of shape ${formatShape(t.shape)} and normalized_shape = [${shape.join(', ')}]`,
      );
    }
  }
  const dims = shape.map((_, i) => input.dim() - k + i);
  const mu = mean(input, dims, true);
  const v = variance(input, dims, { correction: 0, keepdim: true });
  return normalized(input, mu, v, eps, weight, bias);
}

/**
 * ((x − μ) · rsqrt(σ² + eps)) · weight + bias as the composed ops (their bits and their graph).
 * Without a graph the intermediate tensors are garbage at once: they are given back, so that a loop
 * reuses their memory instead of faulting in new pages each call.
 */
function normalized(
  x: Tensor,
  mu: Tensor,
  v: Tensor,
  eps: number,
  weight: Tensor | null | undefined,
  bias: Tensor | null | undefined,
): Tensor {
  const temps = [sub(x, mu)];
  let y = mul(temps[0]!, rsqrt(add(v, eps)));
  if (weight) {
    temps.push(y);
    y = mul(y, weight);
  }
  if (bias) {
    temps.push(y);
    y = add(y, bias);
  }
  return releaseUnsaved(y, ...temps);
}

/** Options of `batchNorm`. */
export interface BatchNormOptions {
  /** Per-channel scale `[C]` (default `null`: none). */
  weight?: Tensor | null;
  /** Per-channel shift `[C]` (default `null`: none). */
  bias?: Tensor | null;
  /** Use batch statistics and update the running ones (default false). */
  training?: boolean;
  /** Weight of the new batch in the running statistics (default 0.1). */
  momentum?: number;
  /** Added to the variance for numerical stability (default 1e-5). */
  eps?: number;
}

const BN_SPEC = {
  weight: 'Tensor|null',
  bias: 'Tensor|null',
  training: 'boolean',
  momentum: 'number',
  eps: 'number',
};

/** Per-channel mean and biased variance in double precision, as PyTorch's CPU kernel. */
function channelStats(x: Tensor): { means: Float64Array; vars: Float64Array; count: number } {
  const data = x._contiguousData();
  const [n, c] = x.shape;
  const inner = x.shape.slice(2).reduce((a, b) => a * b, 1);
  const means = new Float64Array(c);
  const vars = new Float64Array(c);
  const count = n * inner;
  for (let ch = 0; ch < c; ch++) {
    let s = 0;
    for (let b = 0; b < n; b++) {
      const base = (b * c + ch) * inner;
      for (let i = 0; i < inner; i++) s += data[base + i];
    }
    const m = s / count;
    let q = 0;
    for (let b = 0; b < n; b++) {
      const base = (b * c + ch) * inner;
      for (let i = 0; i < inner; i++) q += (data[base + i] - m) ** 2;
    }
    means[ch] = m;
    vars[ch] = q / count;
  }
  return { means, vars, count };
}

/**
 * Batch normalisation over every dim but the channel dim (1): `torch.nn.functional.batch_norm`.
 * In training the batch statistics normalise the input and, when given, the running statistics
 * are updated in place: `running = (1 − momentum)·running + momentum·stat`, with the unbiased
 * variance; otherwise the running statistics normalise.
 *
 * @param input - `[N, C, *]`.
 * @param runningMean - `[C]` or null.
 * @param runningVar - `[C]` or null.
 * @param options - `weight`, `bias` (null), `training` (false), `momentum` (0.1), `eps` (1e-5).
 * @returns A tensor of the input's shape.
 * @throws RangeError when training on one value per channel, or on mismatched shapes.
 * @example
 * const y = batchNorm(x, runningMean, runningVar, { training: true });
 */
export function batchNorm(
  input: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  options?: BatchNormOptions,
): Tensor {
  const fn = 'batchNorm';
  assertTensor(input, fn, 'input to be a Tensor');
  const opts = checkOptions<BatchNormOptions>(fn, options, BN_SPEC);
  const training = opts.training ?? false;
  const momentum = opts.momentum ?? 0.1;
  const eps = opts.eps ?? 1e-5;
  if (input.dim() < 2)
    throw new RangeError(
      `${fn}: expected an input with at least 2 dims (N, C, ...), got input of size ${formatShape(input.shape)}`,
    );
  const c = input.shape[1];
  const named: Array<[string, Tensor | null | undefined]> = [
    ['running_mean', runningMean],
    ['running_var', runningVar],
    ['weight', opts.weight],
    ['bias', opts.bias],
  ];
  for (const [name, t] of named) {
    if (t === null || t === undefined) continue;
    assertTensor(t, fn, `${name} to be a Tensor or null`);
    if (t.numel() !== c)
      throw new RangeError(
        `${fn}: running_mean should contain ${c} elements not ${t.numel()}`.replace(
          'running_mean',
          name,
        ),
      );
  }
  if (!training && (runningMean === null || runningVar === null))
    throw new RangeError(`${fn}: running_mean and running_var must be defined in evaluation mode`);
  const statShape = [1, c, ...new Array<number>(input.dim() - 2).fill(1)];
  let mu: Tensor;
  let v: Tensor;
  if (training) {
    const count = input.numel() / Math.max(c, 1);
    if (count <= 1)
      throw new RangeError(
        `${fn}: Expected more than 1 value per channel when training, got input size ${formatShape(input.shape)}`,
      );
    const dims = input.shape.map((_, i) => i).filter((i) => i !== 1);
    mu = mean(input, dims, true);
    v = variance(input, dims, { correction: 0, keepdim: true });
    if (runningMean !== null || runningVar !== null) {
      const stats = channelStats(input.detach());
      noGrad(() => {
        if (runningMean !== null) {
          const old = runningMean._contiguousData();
          const next = Float32Array.from(
            old,
            (r, i) => momentum * stats.means[i] + (1 - momentum) * r,
          );
          runningMean.copy_(Tensor._fromData(next, runningMean.shape));
        }
        if (runningVar !== null) {
          const old = runningVar._contiguousData();
          const unbias = stats.count / (stats.count - 1);
          const next = Float32Array.from(
            old,
            (r, i) => momentum * stats.vars[i] * unbias + (1 - momentum) * r,
          );
          runningVar.copy_(Tensor._fromData(next, runningVar.shape));
        }
      });
    }
  } else {
    mu = view(runningMean!, [statShape]);
    v = view(runningVar!, [statShape]);
  }
  const weight = opts.weight && view(opts.weight, [statShape]);
  return normalized(input, mu, v, eps, weight, opts.bias && view(opts.bias, [statShape]));
}

/** Options of `normalize`. */
export interface NormalizeOptions {
  /** The norm's exponent (default 2). */
  p?: number;
  /** The dim to normalise over (default 1). */
  dim?: number;
  /** Lower bound of the divisor (default 1e-12). */
  eps?: number;
}

/**
 * Divides by the `p`-norm along `dim`, bounded below by `eps`: `torch.nn.functional.normalize`.
 *
 * @param input - Any tensor.
 * @param options - `p` (2), `dim` (1), `eps` (1e-12).
 * @returns `input / max(‖input‖_p, eps)`.
 * @throws TypeError on a bad option.
 * @example
 * normalize(embeddings, { dim: -1 });
 */
export function normalize(input: Tensor, options?: NormalizeOptions): Tensor {
  const fn = 'normalize';
  assertTensor(input, fn, 'input to be a Tensor');
  const opts = checkOptions<NormalizeOptions>(fn, options, {
    p: 'number',
    dim: 'integer',
    eps: 'number',
  });
  const denom = clamp(norm(input, opts.p ?? 2, opts.dim ?? 1, true), opts.eps ?? 1e-12, null);
  return div(input, denom);
}

/**
 * Cosine similarity along `dim`: `torch.nn.functional.cosine_similarity` (PyTorch 2.x formula:
 * each input divided by its norm clamped to `eps`, then the dot product).
 *
 * @param x1 - First input.
 * @param x2 - Second input (broadcast with `x1`).
 * @param options - `dim` (1), `eps` (1e-8).
 * @returns The similarities, with `dim` removed.
 * @throws TypeError on a bad option; RangeError on unbroadcastable shapes.
 * @example
 * cosineSimilarity(a, b, { dim: -1 });
 */
export function cosineSimilarity(
  x1: Tensor,
  x2: Tensor,
  options?: { dim?: number; eps?: number },
): Tensor {
  const fn = 'cosineSimilarity';
  assertTensor(x1, fn, 'x1 to be a Tensor');
  assertTensor(x2, fn, 'x2 to be a Tensor');
  const opts = checkOptions<{ dim?: number; eps?: number }>(fn, options, {
    dim: 'integer',
    eps: 'number',
  });
  const dim = opts.dim ?? 1;
  const eps = opts.eps ?? 1e-8;
  if (typeof eps !== 'number')
    throw new TypeError(`${fn}: eps must be a number, got ${describe(eps)}`);
  // The clamp is applied without a gradient of its own (PyTorch clamps the norms under no_grad).
  const unit = (x: Tensor): Tensor => {
    const n = norm(x, 2, dim, true);
    const lifted = noGrad(() => sub(clamp(n, eps, null), n));
    return div(x, add(n, lifted));
  };
  return mul(unit(x1), unit(x2)).sum(dim);
}
