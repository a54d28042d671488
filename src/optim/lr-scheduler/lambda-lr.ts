import { LRScheduler, schedulerOptions, type AnyOptimizer } from './scheduler.js';

/** Options of `LambdaLR`. */
export interface LambdaLROptions {
  /** epoch → factor of the initial lr; or one function per group (required). */
  lrLambda: ((epoch: number) => number) | Array<(epoch: number) => number>;
  /** Index of the last epoch when resuming. Default -1. */
  lastEpoch?: number;
  /** Accepted for PyTorch compatibility; nothing is printed. */
  verbose?: boolean;
}

/**
 * Sets each group's lr to its initial lr times `lrLambda(epoch)` (PyTorch's LambdaLR).
 *
 * @param optimizer - The optimizer.
 * @param options - `lrLambda` (required), `lastEpoch` (-1); or the function(s) alone.
 * @throws TypeError for a non-optimizer or bad options; RangeError when the number of
 *   functions differs from the number of groups.
 * @example
 * const sched = new lrScheduler.LambdaLR(opt, { lrLambda: (epoch) => 0.95 ** epoch });
 */
export class LambdaLR extends LRScheduler {
  /** The lr factor functions, one per param group: `lr = baseLr · lrLambda(epoch)`. */
  lrLambdas: Array<(epoch: number) => number>;

  /**
   * Attaches the schedule to `optimizer` and sets each group's initial lr, as PyTorch's
   * `lr_scheduler.LambdaLR(optimizer, ...)` (which takes the first step, to epoch 0, at
   * construction).
   *
   * @param optimizer - The optimizer whose param groups' `lr` it sets.
   * @param options - See {@link LambdaLROptions}. A function (or one per group) alone is the
   *   `lrLambda` option.
   * @throws TypeError if a required option is missing, or an option is unknown or mistyped.
   * @throws RangeError if an option has a value PyTorch rejects.
   */
  constructor(optimizer: AnyOptimizer, options: LambdaLROptions | LambdaLROptions['lrLambda']) {
    super(optimizer, 'LambdaLR');
    const o = schedulerOptions<LambdaLROptions>('LambdaLR', options, 'lrLambda', {
      lrLambda: 'function|array',
    });
    const fns = o.lrLambda;
    if (fns === undefined) throw new TypeError("LambdaLR: missing required option 'lrLambda'");
    const n = this.optimizer.paramGroups.length;
    if (Array.isArray(fns)) {
      if (fns.length !== n)
        throw new RangeError(`LambdaLR: Expected ${n} lr_lambdas, but got ${fns.length}`);
      this.lrLambdas = [...fns];
    } else this.lrLambdas = Array<(epoch: number) => number>(n).fill(fns);
    this.start(o.lastEpoch ?? -1);
  }

  protected getLr(): number[] {
    return this.baseLrs.map((b, i) => b * this.lrLambdas[i](this.lastEpoch));
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

/** Options of `LinearLR`. */
export interface LinearLROptions {
  /** Factor of the lr at the first epoch, in [0, 1]. Default 1/3. */
  startFactor?: number;
  /** Factor of the lr after `totalIters` epochs, in [0, 1]. Default 1. */
  endFactor?: number;
  /** Epochs over which the factor moves linearly. Default 5. */
  totalIters?: number;
  /** Index of the last epoch when resuming. Default -1. */
  lastEpoch?: number;
  /** Accepted for PyTorch compatibility; nothing is printed. */
  verbose?: boolean;
}

/**
 * Scales each group's lr by a factor moving linearly from `startFactor` to `endFactor` over
 * `totalIters` epochs (PyTorch's LinearLR; a common warm-up).
 *
 * @param optimizer - The optimizer.
 * @param options - `startFactor` (1/3), `endFactor` (1), `totalIters` (5), `lastEpoch` (-1).
 * @throws TypeError for a non-optimizer or bad options; RangeError for a factor outside [0, 1].
 * @example
 * const warmup = new lrScheduler.LinearLR(opt, { startFactor: 0.1, totalIters: 10 });
 */
export class LinearLR extends LRScheduler {
  /** Factor of the lr at the first epoch. */
  startFactor: number;
  /** Factor of the lr after `totalIters` epochs. */
  endFactor: number;
  /** Epochs the schedule runs over. */
  totalIters: number;

  /**
   * Attaches the schedule to `optimizer` and sets each group's initial lr, as PyTorch's
   * `lr_scheduler.LinearLR(optimizer, ...)` (which takes the first step, to epoch 0, at
   * construction).
   *
   * @param optimizer - The optimizer whose param groups' `lr` it sets.
   * @param options - See {@link LinearLROptions}.
   * @throws TypeError if a required option is missing, or an option is unknown or mistyped.
   * @throws RangeError if an option has a value PyTorch rejects.
   */
  constructor(optimizer: AnyOptimizer, options: LinearLROptions = {}) {
    super(optimizer, 'LinearLR');
    const o = schedulerOptions<LinearLROptions>('LinearLR', options, null, {
      startFactor: 'number',
      endFactor: 'number',
      totalIters: 'number',
    });
    const startFactor = o.startFactor ?? 1 / 3;
    const endFactor = o.endFactor ?? 1;
    if (!(startFactor <= 1 && startFactor >= 0))
      throw new RangeError(
        'LinearLR: Starting multiplicative factor expected to be between 0 and 1.',
      );
    if (!(endFactor <= 1 && endFactor >= 0))
      throw new RangeError(
        'LinearLR: Ending multiplicative factor expected to be between 0 and 1.',
      );
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = o.totalIters ?? 5;
    this.start(o.lastEpoch ?? -1);
  }

  protected getLr(): number[] {
    const { startFactor: s, endFactor: e, totalIters: t, lastEpoch } = this;
    if (lastEpoch === 0) return this.groups.map((g) => g.lr * s);
    if (lastEpoch > t) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * (1 + (e - s) / (t * s + (lastEpoch - 1) * (e - s))));
  }

  protected override closedFormLr(): number[] {
    const { startFactor: s, endFactor: e, totalIters: t } = this;
    return this.baseLrs.map((b) => b * (s + ((e - s) * Math.min(t, this.lastEpoch)) / t));
  }

  protected override stateFields(): Record<string, string> {
    return { startFactor: 'start_factor', endFactor: 'end_factor', totalIters: 'total_iters' };
  }
}
