import { Tensor, describe } from '../../tensor/tensor.js';
import {
  requireOptimizer,
  schedulerOptions,
  type AnyOptimizer,
  type SchedulerGroup,
} from './scheduler.js';

/** Options of `ReduceLROnPlateau`. */
export interface ReduceLROnPlateauOptions {
  /** `'min'`: reduce when the metric stops decreasing; `'max'`: stops increasing. Default 'min'. */
  mode?: 'min' | 'max';
  /** new lr = lr · factor (< 1). Default 0.1. */
  factor?: number;
  /** Epochs without improvement tolerated before reducing. Default 10. */
  patience?: number;
  /** Minimum change that counts as an improvement. Default 1e-4. */
  threshold?: number;
  /** `'rel'`: relative to the best (default); `'abs'`: absolute. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting again. Default 0. */
  cooldown?: number;
  /** Lower bound on the lr, or one per group. Default 0. */
  minLr?: number | number[];
  /** Reductions smaller than this are skipped. Default 1e-8. */
  eps?: number;
  /** Accepted for PyTorch compatibility; nothing is printed. */
  verbose?: boolean;
}

/**
 * Reduces each group's lr by `factor` when a metric has stopped improving for `patience`
 * epochs (PyTorch's ReduceLROnPlateau). Call `step(metric)` once per epoch.
 *
 * @param optimizer - The optimizer.
 * @param options - See `ReduceLROnPlateauOptions` for each option and its default.
 * @throws TypeError for a non-optimizer or bad options; RangeError for `factor >= 1`, an
 *   unknown mode, or a `minLr` list of the wrong length.
 * @example
 * const sched = new lrScheduler.ReduceLROnPlateau(opt, { mode: 'min', patience: 2 });
 * // each epoch: sched.step(validationLoss);
 */
export class ReduceLROnPlateau {
  /** The optimizer whose groups' `lr` this scheduler sets. */
  readonly optimizer: AnyOptimizer;
  /** The multiplicative factor. */
  factor: number;
  /** Lower bound on each group's lr. */
  minLrs: number[];
  /** Epochs without improvement tolerated before reducing. */
  patience: number;
  /** Epochs to wait after a reduction. */
  cooldown: number;
  /** Epochs of cooldown left. */
  cooldownCounter = 0;
  /** `'min'` or `'max'`. */
  mode: 'min' | 'max';
  /** Minimum change that counts as an improvement. */
  threshold: number;
  /** `'rel'` or `'abs'`. */
  thresholdMode: 'rel' | 'abs';
  /** The best metric seen. */
  best: number;
  /** Consecutive epochs without improvement. */
  numBadEpochs = 0;
  /** The worst possible metric for the mode (±inf). */
  modeWorse: number;
  /** Reductions smaller than this are skipped. */
  eps: number;
  /** The index of the last epoch. */
  lastEpoch = 0;
  private lastLr: number[] | null = null;

  /**
   * Attaches the schedule to `optimizer`, as `lr_scheduler.ReduceLROnPlateau(optimizer, ...)`;
   * call `step(metric)` after each evaluation.
   *
   * @param optimizer - The optimizer whose param groups' `lr` it lowers.
   * @param options - See {@link ReduceLROnPlateauOptions}: `mode` (`'min'`), `factor` (0.1),
   *   `patience` (10), `threshold` (1e-4), `thresholdMode` (`'rel'`), `cooldown` (0), `minLr` (0),
   *   `eps` (1e-8).
   * @throws TypeError if an option is unknown or mistyped.
   * @throws RangeError if `factor >= 1` or another option has a value PyTorch rejects.
   */
  constructor(optimizer: AnyOptimizer, options: ReduceLROnPlateauOptions = {}) {
    const o = schedulerOptions<ReduceLROnPlateauOptions>('ReduceLROnPlateau', options, null, {
      mode: "'min'|'max'",
      factor: 'number',
      patience: 'number',
      threshold: 'number',
      thresholdMode: "'rel'|'abs'",
      cooldown: 'number',
      minLr: 'number|number[]',
      eps: 'number',
    });
    const factor = o.factor ?? 0.1;
    if (!(factor < 1)) throw new RangeError('ReduceLROnPlateau: Factor should be < 1.0.');
    this.factor = factor;
    this.optimizer = requireOptimizer('ReduceLROnPlateau', optimizer);
    const n = this.optimizer.paramGroups.length;
    const minLr = o.minLr ?? 0;
    if (Array.isArray(minLr)) {
      if (minLr.length !== n)
        throw new RangeError(`ReduceLROnPlateau: expected ${n} min_lrs, got ${minLr.length}`);
      this.minLrs = [...minLr];
    } else this.minLrs = Array<number>(n).fill(minLr);
    this.patience = o.patience ?? 10;
    this.cooldown = o.cooldown ?? 0;
    this.mode = o.mode ?? 'min';
    this.threshold = o.threshold ?? 1e-4;
    this.thresholdMode = o.thresholdMode ?? 'rel';
    this.eps = o.eps ?? 1e-8;
    this.modeWorse = this.mode === 'min' ? Infinity : -Infinity;
    this.best = this.modeWorse;
  }

  private get groups(): SchedulerGroup[] {
    return this.optimizer.paramGroups as unknown as SchedulerGroup[];
  }

  /** Whether a reduction's cooldown is still running. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /**
   * Whether `a` improves on `best` under the mode and threshold.
   *
   * @param a - A metric value.
   * @param best - The best value so far.
   * @returns `true` if `a` counts as an improvement.
   */
  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1 - this.threshold);
    if (this.mode === 'min') return a < best - this.threshold;
    if (this.thresholdMode === 'rel') return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }

  /**
   * Records one epoch's metric and reduces the lrs if it has not improved for `patience` epochs.
   *
   * @param metrics - The metric (a number or a one-element tensor).
   * @param epoch - Deprecated as in PyTorch: the epoch number; default the next one.
   * @throws TypeError when the metric is not a number or one-element tensor.
   */
  step(metrics: number | Tensor, epoch?: number): void {
    let current: number;
    if (metrics instanceof Tensor && metrics.numel() === 1) current = metrics.item();
    else if (typeof metrics === 'number') current = metrics;
    else
      throw new TypeError(
        `ReduceLROnPlateau.step: metrics must be a number or a one-element Tensor, got ${describe(metrics)}`,
      );
    const e = epoch ?? this.lastEpoch + 1;
    this.lastEpoch = e;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else this.numBadEpochs += 1;
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.groups.map((g) => g.lr);
  }

  private reduceLr(): void {
    this.groups.forEach((g, i) => {
      const oldLr = g.lr;
      const newLr = Math.max(oldLr * this.factor, this.minLrs[i]);
      if (oldLr - newLr > this.eps) g.lr = newLr;
    });
  }

  /**
   * The learning rates after the last `step` (before any step: the groups' current lrs).
   *
   * @returns One lr per group.
   */
  getLastLr(): number[] {
    return this.lastLr ? [...this.lastLr] : this.groups.map((g) => g.lr);
  }

  /**
   * The scheduler's state with PyTorch's keys (`best`, `num_bad_epochs`, `cooldown_counter`, …).
   *
   * @returns An object `loadStateDict` accepts.
   */
  stateDict(): Record<string, unknown> {
    const out: Record<string, unknown> = {
      factor: this.factor,
      min_lrs: [...this.minLrs],
      patience: this.patience,
      verbose: false,
      cooldown: this.cooldown,
      cooldown_counter: this.cooldownCounter,
      mode: this.mode,
      threshold: this.threshold,
      threshold_mode: this.thresholdMode,
      best: this.best,
      num_bad_epochs: this.numBadEpochs,
      mode_worse: this.modeWorse,
      eps: this.eps,
      last_epoch: this.lastEpoch,
    };
    if (this.lastLr) out._last_lr = [...this.lastLr];
    return out;
  }

  /**
   * Restores a state written by `stateDict()` (here or by PyTorch).
   *
   * @param state - The state dict; keys it lacks keep their current values.
   * @throws TypeError when `state` is not an object; RangeError for an unknown mode.
   */
  loadStateDict(state: Record<string, unknown>): void {
    if (state === null || typeof state !== 'object')
      throw new TypeError(
        `ReduceLROnPlateau.loadStateDict: expected an object, got ${describe(state)}`,
      );
    const mode = state.mode ?? this.mode;
    const thresholdMode = state.threshold_mode ?? this.thresholdMode;
    if (mode !== 'min' && mode !== 'max')
      throw new RangeError(`ReduceLROnPlateau: mode ${String(mode)} is unknown!`);
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs')
      throw new RangeError(
        `ReduceLROnPlateau: threshold mode ${String(thresholdMode)} is unknown!`,
      );
    const num = (key: string, current: number) =>
      typeof state[key] === 'number' ? (state[key] as number) : current;
    this.factor = num('factor', this.factor);
    if (Array.isArray(state.min_lrs)) this.minLrs = [...(state.min_lrs as number[])];
    this.patience = num('patience', this.patience);
    this.cooldown = num('cooldown', this.cooldown);
    this.cooldownCounter = num('cooldown_counter', this.cooldownCounter);
    this.mode = mode;
    this.threshold = num('threshold', this.threshold);
    this.thresholdMode = thresholdMode;
    this.best = num('best', this.best);
    this.numBadEpochs = num('num_bad_epochs', this.numBadEpochs);
    this.modeWorse = mode === 'min' ? Infinity : -Infinity;
    this.eps = num('eps', this.eps);
    this.lastEpoch = num('last_epoch', this.lastEpoch);
    if (Array.isArray(state._last_lr)) this.lastLr = [...(state._last_lr as number[])];
  }
}
