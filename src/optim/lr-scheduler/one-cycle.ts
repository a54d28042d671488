import {
  LRScheduler,
  schedulerOptions,
  type AnyOptimizer,
  type SchedulerGroup,
} from './scheduler.js';

/** Options of `OneCycleLR`. */
export interface OneCycleLROptions {
  /** Peak lr, or one per group (required). */
  maxLr: number | number[];
  /** Total steps of the cycle; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number;
  /** Epochs (with `stepsPerEpoch`) when `totalSteps` is not given. */
  epochs?: number;
  /** Steps per epoch (with `epochs`). */
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the lr. Default 0.3. */
  pctStart?: number;
  /** `'cos'` (default) or `'linear'` annealing. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum (or Adam's beta1) inversely to the lr. Default true. */
  cycleMomentum?: boolean;
  /** Lowest momentum, or one per group. Default 0.85. */
  baseMomentum?: number | number[];
  /** Highest momentum, or one per group. Default 0.95. */
  maxMomentum?: number | number[];
  /** initial lr = maxLr / divFactor. Default 25. */
  divFactor?: number;
  /** min lr = initial lr / finalDivFactor. Default 1e4. */
  finalDivFactor?: number;
  /** Use three phases (up, down to the initial lr, annihilate) as fastai. Default false. */
  threePhase?: boolean;
  /** Index of the last step when resuming. Default -1. */
  lastEpoch?: number;
  /** Accepted for PyTorch compatibility; nothing is printed. */
  verbose?: boolean;
}

interface Phase {
  end_step: number;
  start_lr: string;
  end_lr: string;
  start_momentum: string;
  end_momentum: string;
}

/** PyTorch's phase keys name group fields in snake_case; groups here hold them in camelCase. */
const GROUP_FIELD: Record<string, string> = {
  initial_lr: 'initialLr',
  max_lr: 'maxLr',
  min_lr: 'minLr',
  max_momentum: 'maxMomentum',
  base_momentum: 'baseMomentum',
};

/**
 * The 1cycle policy (PyTorch's OneCycleLR): the lr rises from `maxLr / divFactor` to `maxLr`
 * over `pctStart` of the steps, then anneals to `initial / finalDivFactor`; momentum (SGD's or
 * RMSprop's `momentum`, Adam's `betas[0]`) moves the opposite way. Step it after every batch.
 *
 * @param optimizer - The optimizer.
 * @param options - `maxLr` (required) and `totalSteps` or `epochs` + `stepsPerEpoch`; see
 *   `OneCycleLROptions` for the rest and their defaults.
 * @throws TypeError for a non-optimizer or bad options; RangeError for PyTorch's invalid values;
 *   Error when stepped past `totalSteps`.
 * @example
 * const sched = new lrScheduler.OneCycleLR(opt, { maxLr: 0.01, totalSteps: 1000 });
 * // after each batch: opt.step(); sched.step();
 */
export class OneCycleLR extends LRScheduler {
  /** Total steps of the cycle. */
  totalSteps: number;
  /** The cycle's phases (PyTorch's `_schedule_phases`). */
  schedulePhases: Phase[];
  /** `'cos'` or `'linear'` annealing. */
  annealStrategy: 'cos' | 'linear';
  /** Whether momentum cycles inversely to the lr. */
  cycleMomentum: boolean;
  /** Whether the cycled momentum is Adam's `betas[0]`. */
  useBeta1 = false;

  /**
   * Attaches the schedule to `optimizer` and sets each group's initial lr, as PyTorch's
   * `lr_scheduler.OneCycleLR(optimizer, ...)` (which takes the first step, to epoch 0, at
   * construction).
   *
   * @param optimizer - The optimizer whose param groups' `lr` it sets.
   * @param options - See {@link OneCycleLROptions}. `maxLr` and either `totalSteps` or `epochs`
   *   with `stepsPerEpoch` are required.
   * @throws TypeError if a required option is missing, or an option is unknown or mistyped.
   * @throws RangeError if an option has a value PyTorch rejects.
   */
  constructor(optimizer: AnyOptimizer, options: OneCycleLROptions) {
    super(optimizer, 'OneCycleLR');
    const o = schedulerOptions<OneCycleLROptions>('OneCycleLR', options, null, {
      maxLr: 'number|number[]',
      totalSteps: 'number|null',
      epochs: 'number|null',
      stepsPerEpoch: 'number|null',
      pctStart: 'number',
      annealStrategy: 'string',
      cycleMomentum: 'boolean',
      baseMomentum: 'number|number[]',
      maxMomentum: 'number|number[]',
      divFactor: 'number',
      finalDivFactor: 'number',
      threePhase: 'boolean',
    });
    const positiveInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;
    if (o.totalSteps == null && o.epochs == null && o.stepsPerEpoch == null) {
      throw new TypeError(
        'OneCycleLR: You must define either totalSteps OR (epochs AND stepsPerEpoch)',
      );
    } else if (o.totalSteps != null) {
      if (!positiveInt(o.totalSteps))
        throw new RangeError(
          `OneCycleLR: Expected positive integer total_steps, but got ${o.totalSteps}`,
        );
      this.totalSteps = o.totalSteps;
    } else {
      if (!positiveInt(o.epochs))
        throw new RangeError(
          `OneCycleLR: Expected positive integer epochs, but got ${String(o.epochs)}`,
        );
      if (!positiveInt(o.stepsPerEpoch))
        throw new RangeError(
          `OneCycleLR: Expected positive integer steps_per_epoch, but got ${String(o.stepsPerEpoch)}`,
        );
      this.totalSteps = (o.epochs as number) * (o.stepsPerEpoch as number);
    }
    const pct = o.pctStart ?? 0.3;
    const total = this.totalSteps;
    this.schedulePhases = o.threePhase
      ? [
          {
            end_step: pct * total - 1,
            start_lr: 'initial_lr',
            end_lr: 'max_lr',
            start_momentum: 'max_momentum',
            end_momentum: 'base_momentum',
          },
          {
            end_step: 2 * pct * total - 2,
            start_lr: 'max_lr',
            end_lr: 'initial_lr',
            start_momentum: 'base_momentum',
            end_momentum: 'max_momentum',
          },
          {
            end_step: total - 1,
            start_lr: 'initial_lr',
            end_lr: 'min_lr',
            start_momentum: 'max_momentum',
            end_momentum: 'max_momentum',
          },
        ]
      : [
          {
            end_step: pct * total - 1,
            start_lr: 'initial_lr',
            end_lr: 'max_lr',
            start_momentum: 'max_momentum',
            end_momentum: 'base_momentum',
          },
          {
            end_step: total - 1,
            start_lr: 'max_lr',
            end_lr: 'min_lr',
            start_momentum: 'base_momentum',
            end_momentum: 'max_momentum',
          },
        ];
    if (!(pct >= 0 && pct <= 1))
      throw new RangeError(`OneCycleLR: Expected float between 0 and 1 pct_start, but got ${pct}`);
    const strategy = o.annealStrategy ?? 'cos';
    if (strategy !== 'cos' && strategy !== 'linear')
      throw new RangeError(
        `OneCycleLR: anneal_strategy must by one of 'cos' or 'linear', instead got ${String(strategy)}`,
      );
    this.annealStrategy = strategy;
    const groups = this.groups;
    const lastEpoch = o.lastEpoch ?? -1;
    const maxLrs = this.perGroup('max_lr', o.maxLr);
    const divFactor = o.divFactor ?? 25;
    const finalDivFactor = o.finalDivFactor ?? 1e4;
    this.cycleMomentum = o.cycleMomentum ?? true;
    let maxMomentums: number[] = [];
    let baseMomentums: number[] = [];
    if (this.cycleMomentum) {
      const defaults = this.optimizer.defaults as unknown as Record<string, unknown>;
      if (!('momentum' in defaults) && !('betas' in defaults))
        throw new TypeError(
          'OneCycleLR: optimizer must support momentum with `cycleMomentum` option enabled',
        );
      this.useBeta1 = 'betas' in defaults;
      maxMomentums = this.perGroup('max_momentum', o.maxMomentum ?? 0.95);
      baseMomentums = this.perGroup('base_momentum', o.baseMomentum ?? 0.85);
    }
    if (lastEpoch === -1) {
      groups.forEach((g, i) => {
        g.initialLr = maxLrs[i] / divFactor;
        g.maxLr = maxLrs[i];
        g.minLr = (g.initialLr as number) / finalDivFactor;
      });
    }
    if (this.cycleMomentum && lastEpoch === -1) {
      groups.forEach((g, i) => {
        this.setMomentum(g, maxMomentums[i]);
        g.maxMomentum = maxMomentums[i];
        g.baseMomentum = baseMomentums[i];
      });
    }
    this.start(lastEpoch);
  }

  private perGroup(name: string, value: number | number[] | undefined): number[] {
    const n = this.groups.length;
    if (Array.isArray(value)) {
      if (value.length !== n)
        throw new RangeError(`OneCycleLR: expected ${n} values for ${name}, got ${value.length}`);
      return [...value];
    }
    if (typeof value !== 'number')
      throw new TypeError(`OneCycleLR: missing required option 'maxLr'`);
    return Array<number>(n).fill(value);
  }

  private setMomentum(g: SchedulerGroup, m: number): void {
    if (this.useBeta1) g.betas = [m, ...(g.betas as number[]).slice(1)];
    else g.momentum = m;
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'linear') return (end - start) * pct + start;
    const cosOut = Math.cos(Math.PI * pct) + 1;
    return end + ((start - end) / 2.0) * cosOut;
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new RangeError(
        `OneCycleLR: Tried to step ${stepNum + 1} times. The specified number of total steps is ${this.totalSteps}`,
      );
    }
    return this.groups.map((g) => {
      let startStep = 0;
      let lr = 0;
      let momentum = 0;
      const field = (key: string) => g[GROUP_FIELD[key]] as number;
      for (let i = 0; i < this.schedulePhases.length; i++) {
        const phase = this.schedulePhases[i];
        const endStep = phase.end_step;
        if (stepNum <= endStep || i === this.schedulePhases.length - 1) {
          const pct = (stepNum - startStep) / (endStep - startStep);
          lr = this.anneal(field(phase.start_lr), field(phase.end_lr), pct);
          if (this.cycleMomentum)
            momentum = this.anneal(field(phase.start_momentum), field(phase.end_momentum), pct);
          break;
        }
        startStep = phase.end_step;
      }
      if (this.cycleMomentum) this.setMomentum(g, momentum);
      return lr;
    });
  }

  protected override stateFields(): Record<string, string> {
    return {
      totalSteps: 'total_steps',
      schedulePhases: '_schedule_phases',
      annealStrategy: 'anneal_strategy',
      cycleMomentum: 'cycle_momentum',
      useBeta1: 'use_beta1',
    };
  }
}
