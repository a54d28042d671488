/** `Embedding`: a lookup table layer. */
import { noGrad } from '../../autograd/grad-mode.js';
import { Tensor, describe } from '../../tensor/tensor.js';
import { empty } from '../../tensor/creation.js';
import { checkOptions } from '../../tensor/options.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { normal_ } from '../init.js';
import { embedding } from '../functional/embedding.js';

/** Options of `Embedding`. */
export interface EmbeddingModuleOptions {
  /** Row kept at zero and never updated (negative counts from the end). */
  paddingIdx?: number | null;
  /**
   * Renormalise, in place, each looked-up row whose `normType`-norm exceeds this (default `null`:
   * never).
   */
  maxNorm?: number | null;
  /** The p of the p-norm used with `maxNorm` (default 2). */
  normType?: number;
}

/**
 * A lookup table of `num` vectors of size `dim`: `torch.nn.Embedding`. The weight starts as
 * N(0, 1) draws (PyTorch's stream), with the `paddingIdx` row zeroed.
 *
 * @example
 * const emb = new Embedding(10, 3, { paddingIdx: 0 });
 * emb.call(tensor([[1, 2, 0]])); // [1, 3, 3]
 */
export class Embedding extends Module {
  /** Number of rows of the table (the vocabulary size). */
  readonly numEmbeddings: number;
  /** Size of each vector. */
  readonly embeddingDim: number;
  /** The row kept at zero whose gradient is always zero (made non-negative), or `null`. */
  readonly paddingIdx: number | null;
  /** Rows looked up with a larger norm are renormalised in place; `null` for never. */
  readonly maxNorm: number | null;
  /** The p of the p-norm used with `maxNorm`. */
  readonly normType: number;
  /** The learnable table `[numEmbeddings, embeddingDim]`, initially N(0, 1). */
  weight: Parameter;

  /**
   * Creates the table, as `nn.Embedding(num_embeddings, embedding_dim, ...)`, drawing N(0, 1)
   * weights.
   *
   * @param numEmbeddings - Rows.
   * @param embeddingDim - Columns.
   * @param options - `paddingIdx` (none), `maxNorm` (none), `normType` (2).
   * @throws RangeError when `paddingIdx` is out of range.
   */
  constructor(numEmbeddings: number, embeddingDim: number, options?: EmbeddingModuleOptions) {
    super();
    const opts = checkOptions<EmbeddingModuleOptions>('Embedding', options, {
      paddingIdx: 'integer|null',
      maxNorm: 'number|null',
      normType: 'number',
    });
    for (const [name, v] of [
      ['num_embeddings', numEmbeddings],
      ['embedding_dim', embeddingDim],
    ] as const) {
      if (!Number.isInteger(v) || v < 0)
        throw new TypeError(
          `Embedding: ${name} must be a non-negative integer, got ${describe(v)}`,
        );
    }
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    let p = opts.paddingIdx ?? null;
    if (p !== null) {
      if (p >= numEmbeddings || p < -numEmbeddings)
        throw new RangeError('Embedding: Padding_idx must be within num_embeddings');
      if (p < 0) p += numEmbeddings;
    }
    this.paddingIdx = p;
    this.maxNorm = opts.maxNorm ?? null;
    this.normType = opts.normType ?? 2;
    this.weight = new Parameter(empty(numEmbeddings, embeddingDim));
    this.resetParameters();
  }

  /** N(0, 1) on the weight, then the padding row set to zero. */
  resetParameters(): void {
    noGrad(() => {
      normal_(this.weight);
      if (this.paddingIdx !== null) this.weight.select(0, this.paddingIdx).fill_(0);
    });
  }

  /**
   * Looks up the rows of `weight` at the indices in `input`. Prefer `call(input)`.
   *
   * @param input - A tensor of integer indices of any shape.
   * @returns Shape `[...input.shape, embeddingDim]`.
   * @throws RangeError if an index is out of range.
   */
  forward(input: Tensor): Tensor {
    return embedding(input, this.weight, {
      paddingIdx: this.paddingIdx,
      maxNorm: this.maxNorm,
      normType: this.normType,
    });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : ''}`;
  }
}
