/** `scaledDotProductAttention`: PyTorch 2.x's math path. */
import { Tensor, assertTensor, describe } from '../../tensor/tensor.js';
import { checkOptions } from '../../tensor/options.js';
import { formatShape } from '../../tensor/shape.js';
import { add, exp, mul, sub } from '../../ops/elementwise.js';
import { logsumexp } from '../../ops/reduce.js';
import { matmul } from '../../ops/linalg.js';
import { transpose } from '../../ops/views.js';
import { dropout } from './dropout.js';

/** Options of `scaledDotProductAttention`. */
export interface AttentionOptions {
  /** Added to the scores (float mask: 0 to keep, −∞ to block); broadcast to `[..., L, S]`. */
  attnMask?: Tensor | null;
  /** Dropout on the attention weights (default 0). */
  dropoutP?: number;
  /** Block keys after each query's position (default false). */
  isCausal?: boolean;
  /** Score scale (default 1/√E). */
  scale?: number | null;
}

/**
 * softmax(q kᵀ · scale + mask) v: `torch.nn.functional.scaled_dot_product_attention` (2.x).
 * There is one dtype, so `attnMask` is always additive (a boolean mask becomes 0/−∞).
 *
 * @param query - `[..., L, E]`.
 * @param key - `[..., S, E]`.
 * @param value - `[..., S, Ev]`.
 * @param options - `attnMask` (null), `dropoutP` (0), `isCausal` (false), `scale` (1/√E).
 * @returns `[..., L, Ev]`.
 * @throws RangeError when both `attnMask` and `isCausal` are given, or shapes do not match.
 * @example
 * const out = scaledDotProductAttention(q, k, v, { isCausal: true });
 */
export function scaledDotProductAttention(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  options?: AttentionOptions,
): Tensor {
  const fn = 'scaledDotProductAttention';
  assertTensor(query, fn, 'query to be a Tensor');
  assertTensor(key, fn, 'key to be a Tensor');
  assertTensor(value, fn, 'value to be a Tensor');
  const opts = checkOptions<AttentionOptions>(fn, options, {
    attnMask: 'Tensor|null',
    dropoutP: 'number',
    isCausal: 'boolean',
    scale: 'number|null',
  });
  if (query.dim() < 2 || key.dim() < 2 || value.dim() < 2)
    throw new RangeError(
      `${fn}: query, key and value must be at least 2-D, got ${formatShape(query.shape)}, ${formatShape(key.shape)} and ${formatShape(value.shape)}`,
    );
  const E = query.shape.at(-1)!;
  if (key.shape.at(-1) !== E || key.shape.at(-2) !== value.shape.at(-2)) {
    throw new RangeError(
      `${fn}: Expected query ${formatShape(query.shape)}, key ${formatShape(key.shape)} and value ${formatShape(value.shape)} to share the embedding dim of query and key and the sequence dim of key and value`,
    );
  }
  const mask = opts.attnMask ?? null;
  if (mask !== null && opts.isCausal === true)
    throw new RangeError(`${fn}: Explicit attn_mask should not be set when is_causal=True`);
  const dropoutP = opts.dropoutP ?? 0;
  if (!(dropoutP >= 0 && dropoutP <= 1))
    throw new RangeError(`${fn}: dropout_p must be in [0, 1], got ${describe(dropoutP)}`);
  const scale = opts.scale ?? 1 / Math.sqrt(E);
  let scores = mul(matmul(query, transpose(key, -2, -1)), scale);
  if (opts.isCausal === true) {
    const L = query.shape.at(-2)!;
    const S = key.shape.at(-2)!;
    const bias = new Float32Array(L * S);
    for (let i = 0; i < L; i++) for (let j = i + 1; j < S; j++) bias[i * S + j] = -Infinity;
    scores = add(scores, Tensor._fromData(bias, [L, S]));
  } else if (mask !== null) scores = add(scores, mask);
  let weights = exp(sub(scores, logsumexp(scores, -1, true)));
  if (dropoutP > 0) weights = dropout(weights, dropoutP, true);
  return matmul(weights, value);
}
