/** `LayerNorm`, `BatchNorm1d`, `BatchNorm2d` with PyTorch's parameters, buffers and state-dict keys. */
import { noGrad } from '../../autograd/grad-mode.js';
import { Tensor, describe } from '../../tensor/tensor.js';
import { ones, zeros } from '../../tensor/creation.js';
import { checkOptions } from '../../tensor/options.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { batchNorm, layerNorm } from '../functional/normalization.js';

/** Options of `LayerNorm`. */
export interface LayerNormOptions {
  /** Added to the variance for numerical stability (default 1e-5). */
  eps?: number;
  /** Learnable per-element weight (and bias) (default true). */
  elementwiseAffine?: boolean;
  /** Learnable bias, when affine (default true). */
  bias?: boolean;
}

/**
 * Layer normalisation: `torch.nn.LayerNorm`. `weight` starts at ones, `bias` at zeros.
 *
 * @example
 * const norm = new LayerNorm(64);
 */
export class LayerNorm extends Module {
  /** The trailing shape normalised over. */
  readonly normalizedShape: number[];
  /** Added to the variance for numerical stability. */
  readonly eps: number;
  /** Whether the layer has a learnable `weight` (and `bias`). */
  readonly elementwiseAffine: boolean;
  /** The learnable scale, shape `normalizedShape`, initially ones; `null` without affine. */
  weight: Parameter | null;
  /** The learnable shift, shape `normalizedShape`, initially zeros; `null` without it. */
  bias: Parameter | null;

  /**
   * Creates the layer, as `nn.LayerNorm(normalized_shape, ...)`: weight ones, bias zeros.
   *
   * @param normalizedShape - Trailing shape to normalise over.
   * @param options - `eps` (1e-5), `elementwiseAffine` (true), `bias` (true).
   * @throws TypeError on an unknown option.
   */
  constructor(normalizedShape: number | readonly number[], options?: LayerNormOptions) {
    super();
    const opts = checkOptions<LayerNormOptions>('LayerNorm', options, {
      eps: 'number',
      elementwiseAffine: 'boolean',
      bias: 'boolean',
    });
    this.normalizedShape =
      typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.eps = opts.eps ?? 1e-5;
    this.elementwiseAffine = opts.elementwiseAffine ?? true;
    this.weight = this.elementwiseAffine ? new Parameter(ones(this.normalizedShape)) : null;
    this.bias =
      this.elementwiseAffine && (opts.bias ?? true)
        ? new Parameter(zeros(this.normalizedShape))
        : null;
    if (!this.elementwiseAffine) {
      this.registerParameter('weight', null);
      this.registerParameter('bias', null);
    } else if (this.bias === null) this.registerParameter('bias', null);
  }

  /**
   * Normalises over the trailing `normalizedShape` dimensions (biased variance), then scales and
   * shifts. Prefer `call(input)`.
   *
   * @param input - Shape `[..., ...normalizedShape]`.
   * @returns The same shape.
   * @throws RangeError if the trailing dimensions of `input` are not `normalizedShape`.
   */
  forward(input: Tensor): Tensor {
    return layerNorm(input, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `(${this.normalizedShape.join(', ')},), eps=${pyFloat(this.eps)}, elementwise_affine=${this.elementwiseAffine ? 'True' : 'False'}`;
  }
}

/** Options of `BatchNorm1d`/`BatchNorm2d`. */
export interface BatchNormModuleOptions {
  /** Added to the variance for numerical stability (default 1e-5). */
  eps?: number;
  /** Weight of each new batch in the running statistics; null for a cumulative average (default 0.1). */
  momentum?: number | null;
  /** Learnable weight and bias (default true). */
  affine?: boolean;
  /** Keep running statistics for evaluation (default true). */
  trackRunningStats?: boolean;
}

/** A float as Python's repr prints it (`1e-05`, `0.1`). */
function pyFloat(v: number): string {
  if (v !== 0 && Math.abs(v) < 1e-4) return v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return Number.isInteger(v) ? `${v}.0` : String(v);
}

/** Shared state and forward of the batch-norm layers. */
abstract class BatchNormBase extends Module {
  /** The number of channels C. */
  readonly numFeatures: number;
  /** Added to the variance for numerical stability. */
  readonly eps: number;
  /** Weight of each new batch in the running statistics; `null` for a cumulative average. */
  readonly momentum: number | null;
  /** Whether the layer has a learnable `weight` and `bias`. */
  readonly affine: boolean;
  /** Whether running statistics are kept (and used in evaluation mode). */
  readonly trackRunningStats: boolean;
  /** The learnable scale `[C]`, initially ones; `null` without affine. */
  weight: Parameter | null;
  /** The learnable shift `[C]`, initially zeros; `null` without affine. */
  bias: Parameter | null;

  constructor(cls: string, numFeatures: number, options: BatchNormModuleOptions | undefined) {
    super();
    const opts = checkOptions<BatchNormModuleOptions>(cls, options, {
      eps: 'number',
      momentum: 'number|null',
      affine: 'boolean',
      trackRunningStats: 'boolean',
    });
    if (!Number.isInteger(numFeatures) || numFeatures < 0)
      throw new TypeError(
        `${cls}: num_features must be a non-negative integer, got ${describe(numFeatures)}`,
      );
    this.numFeatures = numFeatures;
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    this.affine = opts.affine ?? true;
    this.trackRunningStats = opts.trackRunningStats ?? true;
    this.weight = this.affine ? new Parameter(ones(numFeatures)) : null;
    this.bias = this.affine ? new Parameter(zeros(numFeatures)) : null;
    if (!this.affine) {
      this.registerParameter('weight', null);
      this.registerParameter('bias', null);
    }
    this.registerBuffer('running_mean', this.trackRunningStats ? zeros(numFeatures) : null);
    this.registerBuffer('running_var', this.trackRunningStats ? ones(numFeatures) : null);
    this.registerBuffer('num_batches_tracked', this.trackRunningStats ? zeros([]) : null);
  }

  /** The running mean buffer (`running_mean`), or null without running statistics. */
  get runningMean(): Tensor | null {
    return this._buffers.get('running_mean') ?? null;
  }
  /** The running variance buffer (`running_var`). */
  get runningVar(): Tensor | null {
    return this._buffers.get('running_var') ?? null;
  }
  /** How many training batches updated the running statistics (`num_batches_tracked`). */
  get numBatchesTracked(): Tensor | null {
    return this._buffers.get('num_batches_tracked') ?? null;
  }

  /** Zeroes the running mean, sets the running variance to one and the batch count to zero. */
  resetRunningStats(): void {
    noGrad(() => {
      this.runningMean?.zero_();
      this.runningVar?.fill_(1);
      this.numBatchesTracked?.zero_();
    });
  }

  /**
   * Throws if `input` does not have the rank this layer accepts.
   *
   * @param input - The input of `forward`.
   * @throws RangeError for the wrong rank.
   */
  protected abstract checkInput(input: Tensor): void;

  /**
   * Normalises each channel with the batch statistics in training mode (updating the running
   * statistics), or with the running statistics in evaluation mode, then scales and shifts.
   * Prefer `call(input)`.
   *
   * @param input - `[N, C]` or `[N, C, L]` (BatchNorm1d), `[N, C, H, W]` (BatchNorm2d).
   * @returns The same shape.
   * @throws RangeError for the wrong rank or channel count, or a training batch of one value per
   *   channel.
   */
  forward(input: Tensor): Tensor {
    this.checkInput(input);
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats) {
      const count = this.numBatchesTracked;
      if (count !== null) {
        noGrad(() => count.add_(1));
        if (this.momentum === null) factor = 1 / count.item();
      }
    }
    const bnTraining = this.training || (this.runningMean === null && this.runningVar === null);
    const useRunning = !this.training || this.trackRunningStats;
    return batchNorm(
      input,
      useRunning ? this.runningMean : null,
      useRunning ? this.runningVar : null,
      {
        weight: this.weight,
        bias: this.bias,
        training: bnTraining,
        momentum: factor,
        eps: this.eps,
      },
    );
  }

  override extraRepr(): string {
    const b = (v: boolean) => (v ? 'True' : 'False');
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${this.momentum === null ? 'None' : pyFloat(this.momentum)}, affine=${b(this.affine)}, track_running_stats=${b(this.trackRunningStats)}`;
  }
}

/**
 * Batch normalisation of `[N, C]` or `[N, C, L]` input: `torch.nn.BatchNorm1d`.
 *
 * @example
 * const bn = new BatchNorm1d(16);
 * bn.stateDict(); // weight, bias, running_mean, running_var, num_batches_tracked
 */
export class BatchNorm1d extends BatchNormBase {
  /**
   * Creates the layer, as `nn.BatchNorm1d(num_features, ...)`: weight ones, bias zeros, running
   * mean 0 and variance 1.
   *
   * @param numFeatures - Channels C.
   * @param options - `eps` (1e-5), `momentum` (0.1; null = cumulative average), `affine` (true),
   *   `trackRunningStats` (true).
   * @throws TypeError on a bad option.
   */
  constructor(numFeatures: number, options?: BatchNormModuleOptions) {
    super('BatchNorm1d', numFeatures, options);
  }

  /**
   * Accepts 2-D or 3-D input.
   *
   * @param input - The input of `forward`.
   * @throws RangeError for another rank.
   */
  protected checkInput(input: Tensor): void {
    if (input.dim() !== 2 && input.dim() !== 3)
      throw new RangeError(`BatchNorm1d: expected 2D or 3D input (got ${input.dim()}D input)`);
  }
}

/**
 * Batch normalisation of `[N, C, H, W]` input: `torch.nn.BatchNorm2d`.
 *
 * @example
 * const bn = new BatchNorm2d(16, { momentum: null });
 */
export class BatchNorm2d extends BatchNormBase {
  /**
   * Creates the layer, as `nn.BatchNorm2d(num_features, ...)`: weight ones, bias zeros, running
   * mean 0 and variance 1.
   *
   * @param numFeatures - Channels C.
   * @param options - `eps` (1e-5), `momentum` (0.1; null = cumulative average), `affine` (true),
   *   `trackRunningStats` (true).
   * @throws TypeError on a bad option.
   */
  constructor(numFeatures: number, options?: BatchNormModuleOptions) {
    super('BatchNorm2d', numFeatures, options);
  }

  /**
   * Accepts 4-D input.
   *
   * @param input - The input of `forward`.
   * @throws RangeError for another rank.
   */
  protected checkInput(input: Tensor): void {
    if (input.dim() !== 4)
      throw new RangeError(`BatchNorm2d: expected 4D input (got ${input.dim()}D input)`);
  }
}
