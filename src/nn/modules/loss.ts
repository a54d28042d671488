/**
 * One module per loss, with PyTorch's constructor options; class weights (and `pos_weight`) are
 * registered as buffers as in PyTorch, so they appear in the state dict.
 */
import { Tensor } from '../../tensor/tensor.js';
import { checkOptions } from '../../tensor/options.js';
import { Module } from '../module.js';
import * as L from '../functional/loss.js';
import type { LossReduction } from '../functional/loss.js';

const REDUCTION = "'mean'|'sum'|'none'";

/** Base of the loss modules: holds `reduction` and an optional `weight` buffer. */
abstract class WeightedLoss extends Module {
  /** `'mean'`, `'sum'` or `'none'` (KLDivLoss also `'batchmean'`). */
  readonly reduction: LossReduction;

  /**
   * Sets the reduction and, for losses that take class weights, registers the `weight` buffer.
   *
   * @param reduction - `'mean'` (default), `'sum'` or `'none'`.
   * @param weight - The class weights, or `null`/`undefined` for none.
   * @param hasWeight - Whether this loss has a `weight` buffer at all.
   */
  constructor(
    reduction: LossReduction | undefined,
    weight: Tensor | null | undefined,
    hasWeight: boolean,
  ) {
    super();
    this.reduction = reduction ?? 'mean';
    if (hasWeight) this.registerBuffer('weight', weight ?? null);
  }

  /** The class-weight buffer (null when none was given). */
  get weight(): Tensor | null {
    return this._buffers.get('weight') ?? null;
  }

  /**
   * Replaces the class-weight buffer.
   *
   * @param value - The new weights, or `null` for none.
   */
  set weight(value: Tensor | null) {
    this._buffers.set('weight', value);
  }

  /**
   * Computes the loss of `input` against `target`. Prefer `call(input, target)`.
   *
   * @param input - The predictions (logits or probabilities, depending on the loss).
   * @param target - The targets.
   * @returns The reduced loss (0-d), or per-element losses with `reduction: 'none'`.
   */
  abstract override forward(input: Tensor, target: Tensor): Tensor;
}

/** Options of CrossEntropyLoss. */
export interface CrossEntropyLossOptions {
  /** Per-class weight `[C]`, kept as the `weight` buffer; default none. */
  weight?: Tensor | null;
  /** Ignored class index; default −100. */
  ignoreIndex?: number;
  /** `'mean'` (default), `'sum'` or `'none'`. */
  reduction?: LossReduction;
  /** Label smoothing ε in [0, 1]; default 0. */
  labelSmoothing?: number;
}

/**
 * `CrossEntropyLoss({ weight, ignoreIndex = -100, reduction = 'mean', labelSmoothing = 0 })`:
 * `crossEntropy(input, target, ...)` on logits with class indices or probabilities.
 */
export class CrossEntropyLoss extends WeightedLoss {
  /** Targets equal to it are ignored. */
  readonly ignoreIndex: number;
  /** Label smoothing ε. */
  readonly labelSmoothing: number;
  /**
   * Creates the loss, as `nn.CrossEntropyLoss(...)`; the options are those of `crossEntropy`.
   *
   * @param options - As `crossEntropy`.
   */
  constructor(options: CrossEntropyLossOptions = {}) {
    const o = checkOptions<CrossEntropyLossOptions>('CrossEntropyLoss', options, {
      weight: 'Tensor|null',
      ignoreIndex: 'integer',
      reduction: REDUCTION,
      labelSmoothing: 'number',
    });
    super(o.reduction, o.weight, true);
    this.ignoreIndex = o.ignoreIndex ?? -100;
    this.labelSmoothing = o.labelSmoothing ?? 0;
  }
  /**
   * Computes the cross entropy of logits against class indices or class probabilities, reduced by
   * `reduction`. Prefer `call(input, target)`.
   *
   * @param input - Logits.
   * @param target - Class indices or probabilities.
   * @returns The loss.
   * @throws TypeError if an argument is not a Tensor.
   * @throws RangeError if the shapes or the targets do not fit the loss (as its functional form).
   */
  forward(input: Tensor, target: Tensor): Tensor {
    return L.crossEntropy(input, target, {
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
      labelSmoothing: this.labelSmoothing,
    });
  }
}

/** Options of NLLLoss. */
export interface NLLLossOptions {
  /** Per-class weight `[C]`, kept as the `weight` buffer; default none. */
  weight?: Tensor | null;
  /** Ignored class index; default −100. */
  ignoreIndex?: number;
  /** `'mean'` (default), `'sum'` or `'none'`. */
  reduction?: LossReduction;
}

/** `NLLLoss({ weight, ignoreIndex = -100, reduction = 'mean' })` on log-probabilities. */
export class NLLLoss extends WeightedLoss {
  /** Targets equal to it are ignored. */
  readonly ignoreIndex: number;
  /**
   * Creates the loss, as `nn.NLLLoss(...)`; the options are those of `nllLoss`.
   *
   * @param options - As `nllLoss`.
   */
  constructor(options: NLLLossOptions = {}) {
    const o = checkOptions<NLLLossOptions>('NLLLoss', options, {
      weight: 'Tensor|null',
      ignoreIndex: 'integer',
      reduction: REDUCTION,
    });
    super(o.reduction, o.weight, true);
    this.ignoreIndex = o.ignoreIndex ?? -100;
  }
  /**
   * Computes the negative log-likelihood of log-probabilities against class indices, reduced by
   * `reduction`. Prefer `call(input, target)`.
   *
   * @param input - Log-probabilities.
   * @param target - Class indices.
   * @returns The loss.
   * @throws TypeError if an argument is not a Tensor.
   * @throws RangeError if the shapes or the targets do not fit the loss (as its functional form).
   */
  forward(input: Tensor, target: Tensor): Tensor {
    return L.nllLoss(input, target, {
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      reduction: this.reduction,
    });
  }
}

/** Options of BCELoss. */
export interface BCELossOptions {
  /** Weight broadcast against the input, kept as the `weight` buffer; default none. */
  weight?: Tensor | null;
  /** `'mean'` (default), `'sum'` or `'none'`. */
  reduction?: LossReduction;
}

/** `BCELoss({ weight, reduction = 'mean' })` on probabilities. */
export class BCELoss extends WeightedLoss {
  /**
   * Creates the loss, as `nn.BCELoss(...)`; the options are those of `binaryCrossEntropy`.
   *
   * @param options - As `binaryCrossEntropy`.
   */
  constructor(options: BCELossOptions = {}) {
    const o = checkOptions<BCELossOptions>('BCELoss', options, {
      weight: 'Tensor|null',
      reduction: REDUCTION,
    });
    super(o.reduction, o.weight, true);
  }
  /**
   * Computes the binary cross entropy of probabilities against targets in [0, 1], reduced by
   * `reduction`. Prefer `call(input, target)`.
   *
   * @param input - Probabilities.
   * @param target - Targets.
   * @returns The loss.
   * @throws TypeError if an argument is not a Tensor.
   * @throws RangeError if the shapes or the targets do not fit the loss (as its functional form).
   */
  forward(input: Tensor, target: Tensor): Tensor {
    return L.binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/** Options of BCEWithLogitsLoss. */
export interface BCEWithLogitsLossOptions extends BCELossOptions {
  /** Positive-example weight, kept as the `pos_weight` buffer; default none. */
  posWeight?: Tensor | null;
}

/**
 * `BCEWithLogitsLoss({ weight, reduction = 'mean', posWeight })` on logits; `pos_weight` is a
 * buffer under PyTorch's name.
 */
export class BCEWithLogitsLoss extends WeightedLoss {
  /**
   * Creates the loss, as `nn.BCEWithLogitsLoss(...)`; the options are those of
   * `binaryCrossEntropyWithLogits`.
   *
   * @param options - As `binaryCrossEntropyWithLogits`.
   */
  constructor(options: BCEWithLogitsLossOptions = {}) {
    const o = checkOptions<BCEWithLogitsLossOptions>('BCEWithLogitsLoss', options, {
      weight: 'Tensor|null',
      posWeight: 'Tensor|null',
      reduction: REDUCTION,
    });
    super(o.reduction, o.weight, true);
    this.registerBuffer('pos_weight', o.posWeight ?? null);
  }
  /** The positive-example weight buffer (`pos_weight`), or null. */
  get posWeight(): Tensor | null {
    return this._buffers.get('pos_weight') ?? null;
  }
  /**
   * Computes the binary cross entropy of logits (a stable sigmoid + BCE), reduced by `reduction`.
   * Prefer `call(input, target)`.
   *
   * @param input - Logits.
   * @param target - Targets.
   * @returns The loss.
   * @throws TypeError if an argument is not a Tensor.
   * @throws RangeError if the shapes or the targets do not fit the loss (as its functional form).
   */
  forward(input: Tensor, target: Tensor): Tensor {
    return L.binaryCrossEntropyWithLogits(input, target, {
      weight: this.weight,
      posWeight: this.posWeight,
      reduction: this.reduction,
    });
  }
}

/** `HuberLoss({ reduction = 'mean', delta = 1 })`. */
export class HuberLoss extends WeightedLoss {
  /** Where the quadratic part ends. */
  readonly delta: number;
  /**
   * Creates the loss, as `nn.HuberLoss(reduction='mean', delta=1.0)`.
   *
   * @param options - As `huberLoss`.
   */
  constructor(options: { reduction?: LossReduction; delta?: number } = {}) {
    const o = checkOptions<{ reduction?: LossReduction; delta?: number }>('HuberLoss', options, {
      reduction: REDUCTION,
      delta: 'number',
    });
    super(o.reduction, null, false);
    this.delta = o.delta ?? 1;
  }
  /**
   * Computes the Huber loss (quadratic below `delta`, linear above), reduced by `reduction`. Prefer
   * `call(input, target)`.
   *
   * @param input - Predictions.
   * @param target - Targets.
   * @returns The loss.
   * @throws TypeError if an argument is not a Tensor.
   * @throws RangeError if the shapes or the targets do not fit the loss (as its functional form).
   */
  forward(input: Tensor, target: Tensor): Tensor {
    return L.huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/** `SmoothL1Loss({ reduction = 'mean', beta = 1 })`. */
export class SmoothL1Loss extends WeightedLoss {
  /** Where the quadratic part ends. */
  readonly beta: number;
  /**
   * Creates the loss, as `nn.SmoothL1Loss(reduction='mean', beta=1.0)`.
   *
   * @param options - As `smoothL1Loss`.
   */
  constructor(options: { reduction?: LossReduction; beta?: number } = {}) {
    const o = checkOptions<{ reduction?: LossReduction; beta?: number }>('SmoothL1Loss', options, {
      reduction: REDUCTION,
      beta: 'number',
    });
    super(o.reduction, null, false);
    this.beta = o.beta ?? 1;
  }
  /**
   * Computes the smooth L1 loss (quadratic below `beta`, linear above), reduced by `reduction`.
   * Prefer `call(input, target)`.
   *
   * @param input - Predictions.
   * @param target - Targets.
   * @returns The loss.
   * @throws TypeError if an argument is not a Tensor.
   * @throws RangeError if the shapes or the targets do not fit the loss (as its functional form).
   */
  forward(input: Tensor, target: Tensor): Tensor {
    return L.smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/** `KLDivLoss({ reduction = 'mean', logTarget = false })` with log-probability inputs. */
export class KLDivLoss extends Module {
  /** `'mean'`, `'batchmean'`, `'sum'` or `'none'`. */
  readonly reduction: LossReduction | 'batchmean';
  /** Whether the target holds log-probabilities. */
  readonly logTarget: boolean;
  /**
   * Creates the loss, as `nn.KLDivLoss(reduction='mean', log_target=False)`.
   *
   * @param options - As `klDiv`.
   */
  constructor(options: { reduction?: LossReduction | 'batchmean'; logTarget?: boolean } = {}) {
    super();
    const o = checkOptions<{ reduction?: LossReduction | 'batchmean'; logTarget?: boolean }>(
      'KLDivLoss',
      options,
      { reduction: "'mean'|'sum'|'none'|'batchmean'", logTarget: 'boolean' },
    );
    this.reduction = o.reduction ?? 'mean';
    this.logTarget = o.logTarget ?? false;
  }
  /**
   * Computes the KL divergence of `target` from `input` (log-probabilities), reduced by
   * `reduction`. Prefer `call(input, target)`.
   *
   * @param input - Log-probabilities.
   * @param target - Probabilities.
   * @returns The loss.
   * @throws TypeError if an argument is not a Tensor.
   * @throws RangeError if the shapes or the targets do not fit the loss (as its functional form).
   */
  forward(input: Tensor, target: Tensor): Tensor {
    return L.klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}
