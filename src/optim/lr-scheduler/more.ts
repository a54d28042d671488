/** PyTorch's remaining epoch schedulers: MultiplicativeLR, ConstantLR, PolynomialLR, ChainedScheduler. */
import { describe } from '../../tensor/tensor.js';
import { LRScheduler, schedulerOptions, type AnyOptimizer } from './scheduler.js';

/** Options of `MultiplicativeLR`. */
export interface MultiplicativeLROptions {
  /** epoch → factor applied to the current lr; or one function per group (required). */
  lrLambda: ((epoch: number) => number) | Array<(epoch: number) => number>;
  /** Index of the last epoch when resuming. Default -1. */
  lastEpoch?: number;
  /** Accepted for PyTorch compatibility; nothing is printed. */
  verbose?: boolean;
}

/**
 * Multiplies each group's lr by `lrLambda(epoch)` every epoch after the first (PyTorch's
 * MultiplicativeLR).
 *
 * @param optimizer - The optimizer.
 * @param options - `lrLambda` (required), `lastEpoch` (-1); or the function(s) alone.
 * @throws TypeError for bad options; RangeError when the number of functions differs from the
 *   number of groups.
 * @example
 * const sched = new lrScheduler.MultiplicativeLR(opt, { lrLambda: () => 0.95 });
 */
export class MultiplicativeLR extends LRScheduler {
  /** One function per param group: each step multiplies the group's lr by `lrLambda(epoch)`. */
  lrLambdas: Array<(epoch: number) => number>;

  /**
   * Attaches the schedule to `optimizer` and sets each group's initial lr, as PyTorch's
   * `lr_scheduler.MultiplicativeLR(optimizer, ...)` (which takes the first step, to epoch 0, at
   * construction).
   *
   * @param optimizer - The optimizer whose param groups' `lr` it sets.
   * @param options - See {@link MultiplicativeLROptions}. A function (or one per group) alone is
   *   the `lrLambda` option.
   * @throws TypeError if a required option is missing, or an option is unknown or mistyped.
   * @throws RangeError if an option has a value PyTorch rejects.
   */
  constructor(
    optimizer: AnyOptimizer,
    options: MultiplicativeLROptions | MultiplicativeLROptions['lrLambda'],
  ) {
    super(optimizer, 'MultiplicativeLR');
    const o = schedulerOptions<MultiplicativeLROptions>('MultiplicativeLR', options, 'lrLambda', {
      lrLambda: 'function|array',
    });
    const fns = o.lrLambda;
    if (fns === undefined)
      throw new TypeError("MultiplicativeLR: missing required option 'lrLambda'");
    const n = this.optimizer.paramGroups.length;
    if (Array.isArray(fns)) {
      if (fns.length !== n)
        throw new RangeError(`MultiplicativeLR: Expected ${n} lr_lambdas, but got ${fns.length}`);
      this.lrLambdas = [...fns];
    } else this.lrLambdas = Array<(epoch: number) => number>(n).fill(fns);
    this.start(o.lastEpoch ?? -1);
  }

  protected getLr(): number[] {
    if (this.lastEpoch > 0)
      return this.groups.map((g, i) => g.lr * this.lrLambdas[i](this.lastEpoch));
    return this.groups.map((g) => g.lr);
  }

  /**
   * As PyTorch: functions are not saved (`lr_lambdas` holds null for each).
   *
   * @returns The base state with `lr_lambdas` (one `null` per group).
   */
  override stateDict(): Record<string, unknown> {
    return { ...super.stateDict(), lr_lambdas: this.lrLambdas.map(() => null) };
  }
}

/** Options of `ConstantLR`. */
export interface ConstantLROptions {
  /** Factor of the lr until `totalIters`, in [0, 1]. Default 1/3. */
  factor?: number;
  /** Epochs the factor applies. Default 5. */
  totalIters?: number;
  /** Index of the last epoch when resuming. Default -1. */
  lastEpoch?: number;
  /** Accepted for PyTorch compatibility; nothing is printed. */
  verbose?: boolean;
}

/**
 * Scales each group's lr by `factor` for the first `totalIters` epochs (PyTorch's ConstantLR).
 *
 * @param optimizer - The optimizer.
 * @param options - `factor` (1/3), `totalIters` (5), `lastEpoch` (-1).
 * @throws TypeError for bad options; RangeError for a factor outside [0, 1].
 * @example
 * const sched = new lrScheduler.ConstantLR(opt, { factor: 0.5, totalIters: 4 });
 */
export class ConstantLR extends LRScheduler {
  /** The multiplicative factor. */
  factor: number;
  /** Epochs the schedule runs over. */
  totalIters: number;

  /**
   * Attaches the schedule to `optimizer` and sets each group's initial lr, as PyTorch's
   * `lr_scheduler.ConstantLR(optimizer, ...)` (which takes the first step, to epoch 0, at
   * construction).
   *
   * @param optimizer - The optimizer whose param groups' `lr` it sets.
   * @param options - See {@link ConstantLROptions}.
   * @throws TypeError if a required option is missing, or an option is unknown or mistyped.
   * @throws RangeError if an option has a value PyTorch rejects.
   */
  constructor(optimizer: AnyOptimizer, options: ConstantLROptions = {}) {
    super(optimizer, 'ConstantLR');
    const o = schedulerOptions<ConstantLROptions>('ConstantLR', options, null, {
      factor: 'number',
      totalIters: 'number',
    });
    const factor = o.factor ?? 1 / 3;
    if (!(factor <= 1 && factor >= 0))
      throw new RangeError(
        'ConstantLR: Constant multiplicative factor expected to be between 0 and 1.',
      );
    this.factor = factor;
    this.totalIters = o.totalIters ?? 5;
    this.start(o.lastEpoch ?? -1);
  }

  protected getLr(): number[] {
    const { lastEpoch, totalIters, factor } = this;
    if (lastEpoch === 0) return this.groups.map((g) => g.lr * factor);
    if (lastEpoch !== totalIters) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * (1.0 / factor));
  }

  protected override closedFormLr(): number[] {
    const past = this.lastEpoch >= this.totalIters ? 1 : 0;
    return this.baseLrs.map((b) => b * (this.factor + past * (1 - this.factor)));
  }

  protected override stateFields(): Record<string, string> {
    return { factor: 'factor', totalIters: 'total_iters' };
  }
}

/** Options of `PolynomialLR`. */
export interface PolynomialLROptions {
  /** Epochs over which the lr decays to 0. Default 5. */
  totalIters?: number;
  /** Power of the polynomial. Default 1. */
  power?: number;
  /** Index of the last epoch when resuming. Default -1. */
  lastEpoch?: number;
  /** Accepted for PyTorch compatibility; nothing is printed. */
  verbose?: boolean;
}

/**
 * Decays each group's lr as `(1 − epoch / totalIters)^power` (PyTorch's PolynomialLR).
 *
 * @param optimizer - The optimizer.
 * @param options - `totalIters` (5), `power` (1), `lastEpoch` (-1).
 * @throws TypeError for bad options.
 * @example
 * const sched = new lrScheduler.PolynomialLR(opt, { totalIters: 10, power: 2 });
 */
export class PolynomialLR extends LRScheduler {
  /** Epochs the schedule runs over. */
  totalIters: number;
  /** Power of the polynomial. */
  power: number;

  /**
   * Attaches the schedule to `optimizer` and sets each group's initial lr, as PyTorch's
   * `lr_scheduler.PolynomialLR(optimizer, ...)` (which takes the first step, to epoch 0, at
   * construction).
   *
   * @param optimizer - The optimizer whose param groups' `lr` it sets.
   * @param options - See {@link PolynomialLROptions}.
   * @throws TypeError if a required option is missing, or an option is unknown or mistyped.
   * @throws RangeError if an option has a value PyTorch rejects.
   */
  constructor(optimizer: AnyOptimizer, options: PolynomialLROptions = {}) {
    super(optimizer, 'PolynomialLR');
    const o = schedulerOptions<PolynomialLROptions>('PolynomialLR', options, null, {
      totalIters: 'number',
      power: 'number',
    });
    this.totalIters = o.totalIters ?? 5;
    this.power = o.power ?? 1;
    this.start(o.lastEpoch ?? -1);
  }

  protected getLr(): number[] {
    const { lastEpoch: e, totalIters: t } = this;
    if (e === 0 || e > t) return this.groups.map((g) => g.lr);
    const decay = ((1.0 - e / t) / (1.0 - (e - 1) / t)) ** this.power;
    return this.groups.map((g) => g.lr * decay);
  }

  protected override closedFormLr(): number[] {
    const t = this.totalIters;
    return this.baseLrs.map((b) => b * (1.0 - Math.min(t, this.lastEpoch) / t) ** this.power);
  }

  protected override stateFields(): Record<string, string> {
    return { totalIters: 'total_iters', power: 'power' };
  }
}

/**
 * Steps several schedulers of one optimizer together, each on the lr the previous one set
 * (PyTorch's ChainedScheduler).
 *
 * @param schedulers - The schedulers, all on the same optimizer.
 * @throws TypeError when `schedulers` is empty or holds something else; RangeError when they
 *   belong to different optimizers.
 * @example
 * const sched = new lrScheduler.ChainedScheduler([warmup, decay]);
 */
export class ChainedScheduler {
  /** The optimizer whose groups' `lr` this scheduler sets. */
  readonly optimizer: AnyOptimizer;
  /** The schedulers run by this one. */
  schedulers: LRScheduler[];
  private lastLr: number[];

  /**
   * Runs several schedulers on the same optimizer at every step, as
   * `lr_scheduler.ChainedScheduler(schedulers)`.
   *
   * @param schedulers - The schedulers, all attached to the same optimizer.
   * @throws TypeError if `schedulers` is not a non-empty array of schedulers.
   * @throws RangeError if they do not all belong to the same optimizer.
   */
  constructor(schedulers: LRScheduler[]) {
    if (!Array.isArray(schedulers) || schedulers.length === 0)
      throw new TypeError(
        `ChainedScheduler: expected a non-empty array of schedulers, got ${describe(schedulers)}`,
      );
    schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler))
        throw new TypeError(
          `ChainedScheduler: schedulers[${i}] is ${describe(s)}, not a scheduler`,
        );
      if (s.optimizer !== schedulers[0].optimizer)
        throw new RangeError(
          `ChainedScheduler expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and ${i} to be different`,
        );
    });
    this.schedulers = [...schedulers];
    this.optimizer = schedulers[0].optimizer;
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** Steps every scheduler in order. */
  step(): void {
    for (const s of this.schedulers) s.step();
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /**
   * The learning rates after the last step, one per group.
   *
   * @returns A copy of the list.
   */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /**
   * PyTorch's layout: `_last_lr` and `_schedulers` (their state dicts).
   *
   * @returns An object `loadStateDict` accepts.
   */
  stateDict(): Record<string, unknown> {
    return { _last_lr: [...this.lastLr], _schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  /**
   * Restores a state written by `stateDict()`.
   *
   * @param state - The state dict.
   * @throws TypeError when `state` is not an object.
   */
  loadStateDict(state: Record<string, unknown>): void {
    if (state === null || typeof state !== 'object')
      throw new TypeError(
        `ChainedScheduler.loadStateDict: expected an object, got ${describe(state)}`,
      );
    if (Array.isArray(state._last_lr)) this.lastLr = [...(state._last_lr as number[])];
    const subs = state._schedulers;
    if (Array.isArray(subs))
      subs.forEach((s, i) => this.schedulers[i]?.loadStateDict(s as Record<string, unknown>));
  }
}
