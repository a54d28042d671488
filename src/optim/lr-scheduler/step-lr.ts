import { LRScheduler, bisectRight, schedulerOptions, type AnyOptimizer } from './scheduler.js';

/** Options of `StepLR`. */
export interface StepLROptions {
  /** Epochs between decays (required). */
  stepSize: number;
  /** Multiplicative decay. Default 0.1. */
  gamma?: number;
  /** Index of the last epoch when resuming. Default -1. */
  lastEpoch?: number;
  /** Accepted for PyTorch compatibility; nothing is printed. */
  verbose?: boolean;
}

/**
 * Multiplies each group's lr by `gamma` every `stepSize` epochs (PyTorch's StepLR).
 *
 * @param optimizer - The optimizer.
 * @param options - `stepSize` (required), `gamma` (0.1), `lastEpoch` (-1); or `stepSize` alone.
 * @throws TypeError for a non-optimizer or bad options.
 * @example
 * const sched = new lrScheduler.StepLR(opt, { stepSize: 30, gamma: 0.1 });
 * for (let epoch = 0; epoch < 100; epoch++) { train(); sched.step(); }
 */
export class StepLR extends LRScheduler {
  /** Epochs between decays. */
  stepSize: number;
  /** Multiplicative decay factor. */
  gamma: number;

  /**
   * Attaches the schedule to `optimizer` and sets each group's initial lr, as PyTorch's
   * `lr_scheduler.StepLR(optimizer, ...)` (which takes the first step, to epoch 0, at
   * construction).
   *
   * @param optimizer - The optimizer whose param groups' `lr` it sets.
   * @param options - See {@link StepLROptions}. A number alone is the `stepSize` option.
   * @throws TypeError if a required option is missing, or an option is unknown or mistyped.
   * @throws RangeError if an option has a value PyTorch rejects.
   */
  constructor(optimizer: AnyOptimizer, options: StepLROptions | number) {
    super(optimizer, 'StepLR');
    const o = schedulerOptions<StepLROptions>('StepLR', options, 'stepSize', {
      stepSize: 'integer',
      gamma: 'number',
    });
    if (o.stepSize === undefined) throw new TypeError("StepLR: missing required option 'stepSize'");
    this.stepSize = o.stepSize;
    this.gamma = o.gamma ?? 0.1;
    this.start(o.lastEpoch ?? -1);
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0)
      return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }

  protected override stateFields(): Record<string, string> {
    return { stepSize: 'step_size', gamma: 'gamma' };
  }
}

/** Options of `MultiStepLR`. */
export interface MultiStepLROptions {
  /** Epoch indices at which to decay (required; repeats decay repeatedly). */
  milestones: number[];
  /** Multiplicative decay. Default 0.1. */
  gamma?: number;
  /** Index of the last epoch when resuming. Default -1. */
  lastEpoch?: number;
  /** Accepted for PyTorch compatibility; nothing is printed. */
  verbose?: boolean;
}

/**
 * Multiplies each group's lr by `gamma` at each milestone epoch (PyTorch's MultiStepLR).
 *
 * @param optimizer - The optimizer.
 * @param options - `milestones` (required), `gamma` (0.1), `lastEpoch` (-1); or the milestones alone.
 * @throws TypeError for a non-optimizer or bad options.
 * @example
 * const sched = new lrScheduler.MultiStepLR(opt, { milestones: [30, 80], gamma: 0.1 });
 */
export class MultiStepLR extends LRScheduler {
  /** Milestones as PyTorch's Counter: epoch → how many times it was given. */
  milestones: Record<string, number>;
  /** Multiplicative decay factor. */
  gamma: number;

  /**
   * Attaches the schedule to `optimizer` and sets each group's initial lr, as PyTorch's
   * `lr_scheduler.MultiStepLR(optimizer, ...)` (which takes the first step, to epoch 0, at
   * construction).
   *
   * @param optimizer - The optimizer whose param groups' `lr` it sets.
   * @param options - See {@link MultiStepLROptions}. A list alone is the `milestones` option.
   * @throws TypeError if a required option is missing, or an option is unknown or mistyped.
   * @throws RangeError if an option has a value PyTorch rejects.
   */
  constructor(optimizer: AnyOptimizer, options: MultiStepLROptions | number[]) {
    super(optimizer, 'MultiStepLR');
    const o = schedulerOptions<MultiStepLROptions>('MultiStepLR', options, 'milestones', {
      milestones: 'number[]',
      gamma: 'number',
    });
    if (o.milestones === undefined)
      throw new TypeError("MultiStepLR: missing required option 'milestones'");
    this.milestones = {};
    for (const m of o.milestones) this.milestones[m] = (this.milestones[m] ?? 0) + 1;
    this.gamma = o.gamma ?? 0.1;
    this.start(o.lastEpoch ?? -1);
  }

  protected getLr(): number[] {
    const count = this.milestones[this.lastEpoch];
    if (count === undefined) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma ** count);
  }

  protected override closedFormLr(): number[] {
    const sorted = Object.entries(this.milestones)
      .flatMap(([m, c]) => Array<number>(c).fill(Number(m)))
      .sort((a, b) => a - b);
    return this.baseLrs.map((b) => b * this.gamma ** bisectRight(sorted, this.lastEpoch));
  }

  protected override stateFields(): Record<string, string> {
    return { milestones: 'milestones', gamma: 'gamma' };
  }
}

/** Options of `ExponentialLR`. */
export interface ExponentialLROptions {
  /** Multiplicative decay per epoch (required). */
  gamma: number;
  /** Index of the last epoch when resuming. Default -1. */
  lastEpoch?: number;
  /** Accepted for PyTorch compatibility; nothing is printed. */
  verbose?: boolean;
}

/**
 * Multiplies each group's lr by `gamma` every epoch (PyTorch's ExponentialLR).
 *
 * @param optimizer - The optimizer.
 * @param options - `gamma` (required), `lastEpoch` (-1); or `gamma` alone.
 * @throws TypeError for a non-optimizer or bad options.
 * @example
 * const sched = new lrScheduler.ExponentialLR(opt, { gamma: 0.95 });
 */
export class ExponentialLR extends LRScheduler {
  /** Multiplicative decay factor. */
  gamma: number;

  /**
   * Attaches the schedule to `optimizer` and sets each group's initial lr, as PyTorch's
   * `lr_scheduler.ExponentialLR(optimizer, ...)` (which takes the first step, to epoch 0, at
   * construction).
   *
   * @param optimizer - The optimizer whose param groups' `lr` it sets.
   * @param options - See {@link ExponentialLROptions}. A number alone is the `gamma` option.
   * @throws TypeError if a required option is missing, or an option is unknown or mistyped.
   * @throws RangeError if an option has a value PyTorch rejects.
   */
  constructor(optimizer: AnyOptimizer, options: ExponentialLROptions | number) {
    super(optimizer, 'ExponentialLR');
    const o = schedulerOptions<ExponentialLROptions>('ExponentialLR', options, 'gamma', {
      gamma: 'number',
    });
    if (o.gamma === undefined)
      throw new TypeError("ExponentialLR: missing required option 'gamma'");
    this.gamma = o.gamma;
    this.start(o.lastEpoch ?? -1);
  }

  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** this.lastEpoch);
  }

  protected override stateFields(): Record<string, string> {
    return { gamma: 'gamma' };
  }
}
