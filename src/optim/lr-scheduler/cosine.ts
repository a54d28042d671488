import { LRScheduler, pmod, schedulerOptions, type AnyOptimizer } from './scheduler.js';

/** Options of `CosineAnnealingLR`. */
export interface CosineAnnealingLROptions {
  /** Half-period in epochs (required). */
  TMax: number;
  /** Minimum lr. Default 0. */
  etaMin?: number;
  /** Index of the last epoch when resuming. Default -1. */
  lastEpoch?: number;
  /** Accepted for PyTorch compatibility; nothing is printed. */
  verbose?: boolean;
}

/**
 * Cosine annealing from each group's lr down to `etaMin` over `TMax` epochs and back up
 * (PyTorch's CosineAnnealingLR, its recursive form, so it chains with other schedulers).
 *
 * @param optimizer - The optimizer.
 * @param options - `TMax` (required), `etaMin` (0), `lastEpoch` (-1); or `TMax` alone.
 * @throws TypeError for a non-optimizer or bad options.
 * @example
 * const sched = new lrScheduler.CosineAnnealingLR(opt, { TMax: 100, etaMin: 1e-5 });
 */
export class CosineAnnealingLR extends LRScheduler {
  /** Half-period of the cosine, in epochs. */
  TMax: number;
  /** Minimum learning rate. */
  etaMin: number;

  /**
   * Attaches the schedule to `optimizer` and sets each group's initial lr, as PyTorch's
   * `lr_scheduler.CosineAnnealingLR(optimizer, ...)` (which takes the first step, to epoch 0, at
   * construction).
   *
   * @param optimizer - The optimizer whose param groups' `lr` it sets.
   * @param options - See {@link CosineAnnealingLROptions}. A number alone is the `TMax` option.
   * @throws TypeError if a required option is missing, or an option is unknown or mistyped.
   * @throws RangeError if an option has a value PyTorch rejects.
   */
  constructor(optimizer: AnyOptimizer, options: CosineAnnealingLROptions | number) {
    super(optimizer, 'CosineAnnealingLR');
    const o = schedulerOptions<CosineAnnealingLROptions>('CosineAnnealingLR', options, 'TMax', {
      TMax: 'number',
      etaMin: 'number',
    });
    if (o.TMax === undefined)
      throw new TypeError("CosineAnnealingLR: missing required option 'TMax'");
    this.TMax = o.TMax;
    this.etaMin = o.etaMin ?? 0;
    this.start(o.lastEpoch ?? -1);
  }

  protected getLr(): number[] {
    const { TMax, etaMin, lastEpoch } = this;
    const groups = this.groups;
    if (lastEpoch === 0) return groups.map((g) => g.lr);
    if (this.stepCount === 1 && lastEpoch > 0) {
      return this.baseLrs.map(
        (b) => etaMin + ((b - etaMin) * (1 + Math.cos((lastEpoch * Math.PI) / TMax))) / 2,
      );
    }
    if (pmod(lastEpoch - 1 - TMax, 2 * TMax) === 0) {
      return groups.map(
        (g, i) => g.lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / TMax))) / 2,
      );
    }
    return groups.map(
      (g) =>
        ((1 + Math.cos((Math.PI * lastEpoch) / TMax)) /
          (1 + Math.cos((Math.PI * (lastEpoch - 1)) / TMax))) *
          (g.lr - etaMin) +
        etaMin,
    );
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map(
      (b) =>
        this.etaMin +
        ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.TMax))) / 2,
    );
  }

  protected override stateFields(): Record<string, string> {
    return { TMax: 'T_max', etaMin: 'eta_min' };
  }
}

/** Options of `CosineAnnealingWarmRestarts`. */
export interface CosineAnnealingWarmRestartsOptions {
  /** Epochs until the first restart (required, a positive integer). */
  T0: number;
  /** Factor by which the period grows after each restart (integer >= 1). Default 1. */
  TMult?: number;
  /** Minimum lr. Default 0. */
  etaMin?: number;
  /** Index of the last epoch when resuming. Default -1. */
  lastEpoch?: number;
  /** Accepted for PyTorch compatibility; nothing is printed. */
  verbose?: boolean;
}

/**
 * SGDR: cosine annealing with warm restarts every `T0 · TMult^k` epochs (PyTorch's
 * CosineAnnealingWarmRestarts). `step(epoch)` accepts fractional epochs
 * (`sched.step(epoch + i / iters)`).
 *
 * @param optimizer - The optimizer.
 * @param options - `T0` (required), `TMult` (1), `etaMin` (0), `lastEpoch` (-1); or `T0` alone.
 * @throws TypeError for a non-optimizer or bad options; RangeError for a non-positive-integer
 *   `T0`, `TMult` < 1 or non-integer, or a negative epoch.
 * @example
 * const sched = new lrScheduler.CosineAnnealingWarmRestarts(opt, { T0: 10, TMult: 2 });
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  /** Epochs until the first restart. */
  T0: number;
  /** Length of the current period. */
  Ti: number;
  /** Growth factor of the period after each restart. */
  TMult: number;
  /** Minimum learning rate. */
  etaMin: number;
  /** Epochs since the last restart (may be fractional). */
  TCur: number;

  /**
   * Attaches the schedule to `optimizer` and sets each group's initial lr, as PyTorch's
   * `lr_scheduler.CosineAnnealingWarmRestarts(optimizer, ...)` (which takes the first step, to
   * epoch 0, at construction).
   *
   * @param optimizer - The optimizer whose param groups' `lr` it sets.
   * @param options - See {@link CosineAnnealingWarmRestartsOptions}. A number alone is the `T0`
   *   option.
   * @throws TypeError if a required option is missing, or an option is unknown or mistyped.
   * @throws RangeError if an option has a value PyTorch rejects.
   */
  constructor(optimizer: AnyOptimizer, options: CosineAnnealingWarmRestartsOptions | number) {
    super(optimizer, 'CosineAnnealingWarmRestarts');
    const o = schedulerOptions<CosineAnnealingWarmRestartsOptions>(
      'CosineAnnealingWarmRestarts',
      options,
      'T0',
      { T0: 'number', TMult: 'number', etaMin: 'number' },
    );
    const T0 = o.T0;
    const TMult = o.TMult ?? 1;
    if (typeof T0 !== 'number' || !Number.isInteger(T0) || T0 <= 0)
      throw new RangeError(
        `CosineAnnealingWarmRestarts: Expected positive integer T_0, but got ${String(T0)}`,
      );
    if (!Number.isInteger(TMult) || TMult < 1)
      throw new RangeError(
        `CosineAnnealingWarmRestarts: Expected integer T_mult >= 1, but got ${TMult}`,
      );
    this.T0 = T0;
    this.Ti = T0;
    this.TMult = TMult;
    this.etaMin = o.etaMin ?? 0;
    const lastEpoch = o.lastEpoch ?? -1;
    this.TCur = lastEpoch;
    this.start(lastEpoch);
  }

  protected getLr(): number[] {
    return this.baseLrs.map(
      (b) =>
        this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.TCur) / this.Ti))) / 2,
    );
  }

  /**
   * Advances one epoch, or jumps to a (possibly fractional) `epoch`.
   *
   * @param epoch - Omit for the next epoch; a non-negative number to jump.
   * @throws RangeError for a negative epoch.
   */
  override step(epoch?: number): void {
    let e = epoch;
    if (e === undefined && this.lastEpoch < 0) e = 0;
    if (e === undefined) {
      e = this.lastEpoch + 1;
      this.TCur = this.TCur + 1;
      if (this.TCur >= this.Ti) {
        this.TCur = this.TCur - this.Ti;
        this.Ti = this.Ti * this.TMult;
      }
    } else {
      if (e < 0)
        throw new RangeError(
          `CosineAnnealingWarmRestarts: Expected non-negative epoch, but got ${e}`,
        );
      if (e >= this.T0) {
        if (this.TMult === 1) this.TCur = pmod(e, this.T0);
        else {
          const n = Math.trunc(
            Math.log((e / this.T0) * (this.TMult - 1) + 1) / Math.log(this.TMult),
          );
          this.TCur = e - (this.T0 * (this.TMult ** n - 1)) / (this.TMult - 1);
          this.Ti = this.T0 * this.TMult ** n;
        }
      } else {
        this.Ti = this.T0;
        this.TCur = e;
      }
    }
    this.lastEpoch = Math.floor(e);
    const values = this.getLr();
    this.groups.forEach((g, i) => {
      g.lr = values[i];
    });
    this.lastLr = this.groups.map((g) => g.lr);
  }

  protected override stateFields(): Record<string, string> {
    return { T0: 'T_0', Ti: 'T_i', TMult: 'T_mult', etaMin: 'eta_min', TCur: 'T_cur' };
  }
}
