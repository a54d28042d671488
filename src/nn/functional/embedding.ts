/** `embedding` (row lookup) and `oneHot`. */
import { record } from '../../autograd/node.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { Tensor, assertTensor, describe } from '../../tensor/tensor.js';
import { checkOptions } from '../../tensor/options.js';
import { formatShape } from '../../tensor/shape.js';
import { allocForWrite, allocZeroed } from '../../tensor/kernels/arena.js';

function indexData(
  fn: string,
  indices: Tensor | readonly number[],
): { data: Float32Array; shape: number[] } {
  if (indices instanceof Tensor)
    return { data: indices._contiguousData(), shape: [...indices.shape] };
  if (Array.isArray(indices)) return { data: Float32Array.from(indices), shape: [indices.length] };
  throw new TypeError(`${fn}: expected indices as a Tensor or number[], got ${describe(indices)}`);
}

/** Rows of `weight` at `idx`; derivative: rows added back (`rowsAdd`). */
function gatherRows(
  weight: Tensor,
  idx: Float32Array,
  shape: readonly number[],
  skip: number,
  zeroSkipped = false,
): Tensor {
  const [num, dim] = weight.shape;
  const w = weight._contiguousData();
  const out = zeroSkipped ? allocZeroed(idx.length * dim) : allocForWrite(idx.length * dim);
  for (let i = 0; i < idx.length; i++) {
    if (zeroSkipped && idx[i] === skip) continue;
    out.set(w.subarray(idx[i] * dim, idx[i] * dim + dim), i * dim);
  }
  return record(Tensor._fromData(out, [...shape, dim]), 'EmbeddingBackward0', [weight], (g) => [
    addRows(g, idx, num, skip),
  ]);
}

/** Sums the rows of `g` (`[*, dim]`) into `[num, dim]` at `idx`, leaving row `skip` at zero. */
function addRows(g: Tensor, idx: Float32Array, num: number, skip: number): Tensor {
  const dim = g.shape.at(-1)!;
  const gs = g._contiguousData();
  const out = allocZeroed(num * dim);
  for (let i = 0; i < idx.length; i++) {
    if (idx[i] === skip) continue;
    const o = idx[i] * dim;
    for (let j = 0; j < dim; j++) out[o + j] += gs[i * dim + j];
  }
  const shape = g.shape.slice(0, -1);
  return record(Tensor._fromData(out, [num, dim]), 'EmbeddingDenseBackwardBackward0', [g], (u) => [
    gatherRows(u, idx, shape, skip, true),
  ]);
}

/** Options of `embedding`. */
export interface EmbeddingOptions {
  /** Row whose gradient is always zero (negative counts from the end; default none). */
  paddingIdx?: number | null;
  /** Rows looked up are first renormalised in place to at most this norm (default none). */
  maxNorm?: number | null;
  /** The norm's exponent for `maxNorm` (default 2). */
  normType?: number;
}

/**
 * Looks up rows of `weight`: `torch.nn.functional.embedding`.
 *
 * @param input - Integer indices (a float32 tensor of integers, or `number[]`).
 * @param weight - `[numEmbeddings, embeddingDim]`.
 * @param options - `paddingIdx` (none), `maxNorm` (none), `normType` (2).
 * @returns `[...input.shape, embeddingDim]`.
 * @throws RangeError on an index out of range or a bad `paddingIdx`.
 * @example
 * embedding(tensor([[0, 2]]), weight); // [1, 2, dim]
 */
export function embedding(
  input: Tensor | readonly number[],
  weight: Tensor,
  options?: EmbeddingOptions,
): Tensor {
  const fn = 'embedding';
  assertTensor(weight, fn, 'weight to be a Tensor');
  const opts = checkOptions<EmbeddingOptions>(fn, options, {
    paddingIdx: 'integer|null',
    maxNorm: 'number|null',
    normType: 'number',
  });
  if (weight.dim() !== 2)
    throw new RangeError(
      `${fn}: 'weight' must be 2-D, got weight of size ${formatShape(weight.shape)}`,
    );
  const num = weight.shape[0];
  let paddingIdx = opts.paddingIdx ?? null;
  if (paddingIdx !== null) {
    if (paddingIdx >= num || paddingIdx < -num)
      throw new RangeError(
        `${fn}: Padding_idx must be within num_embeddings, got paddingIdx=${paddingIdx} for ${num} embeddings`,
      );
    if (paddingIdx < 0) paddingIdx += num;
  }
  const { data, shape } = indexData(fn, input);
  for (const v of data) {
    if (!Number.isInteger(v) || v < 0 || v >= num)
      throw new RangeError(`${fn}: index out of range in self (index ${v}, ${num} embeddings)`);
  }
  const maxNorm = opts.maxNorm ?? null;
  if (maxNorm !== null) renorm(weight, data, maxNorm, opts.normType ?? 2);
  return gatherRows(weight, data, shape, paddingIdx ?? -1);
}

/** PyTorch's embedding_renorm_: each referenced row with norm > maxNorm scaled by maxNorm/(norm + 1e-7). */
function renorm(weight: Tensor, idx: Float32Array, maxNorm: number, p: number): void {
  const dim = weight.shape[1];
  const w = weight._contiguousData().slice();
  for (const row of new Set(idx)) {
    let s = 0;
    for (let j = 0; j < dim; j++) {
      const a = Math.abs(w[row * dim + j]);
      s = p === Infinity ? Math.max(s, a) : s + a ** p;
    }
    const n = p === Infinity ? s : s ** (1 / p);
    if (n > maxNorm) {
      const scale = maxNorm / (n + 1e-7);
      for (let j = 0; j < dim; j++) w[row * dim + j] = Math.fround(w[row * dim + j] * scale);
    }
  }
  noGrad(() => weight.copy_(Tensor._fromData(w, weight.shape)));
}

/**
 * One-hot encoding: `torch.nn.functional.one_hot`. Result values are 0 and 1 (float32).
 *
 * @param indices - Non-negative integer class indices.
 * @param numClasses - Number of classes (default −1: the largest index + 1).
 * @returns `[...indices.shape, numClasses]`.
 * @throws RangeError on negative indices, indices ≥ numClasses, or −1 with an empty input.
 * @example
 * oneHot(tensor([0, 2]), 3); // [[1, 0, 0], [0, 0, 1]]
 */
export function oneHot(indices: Tensor | readonly number[], numClasses = -1): Tensor {
  const fn = 'oneHot';
  const { data, shape } = indexData(fn, indices);
  if (!Number.isInteger(numClasses) || numClasses < -1)
    throw new RangeError(
      `${fn}: num_classes must be -1 or a non-negative integer, got ${describe(numClasses)}`,
    );
  let max = -1;
  for (const v of data) {
    if (!Number.isInteger(v))
      throw new RangeError(`${fn}: Class values must be integers, got ${v}`);
    if (v < 0) throw new RangeError(`${fn}: Class values must be non-negative.`);
    if (v > max) max = v;
  }
  let classes = numClasses;
  if (classes === -1) {
    if (data.length === 0)
      throw new RangeError(`${fn}: Can not infer total number of classes from empty tensor.`);
    classes = max + 1;
  } else if (max >= classes)
    throw new RangeError(`${fn}: Class values must be smaller than num_classes.`);
  const out = allocZeroed(data.length * classes);
  for (let i = 0; i < data.length; i++) out[i * classes + data[i]] = 1;
  return Tensor._fromData(out, [...shape, classes]);
}
