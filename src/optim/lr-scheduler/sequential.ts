import { LRScheduler, bisectRight, type AnyOptimizer } from './scheduler.js';
import { checkOptions } from '../../tensor/options.js';
import { describe } from '../../tensor/tensor.js';

/** Options of `SequentialLR`. */
export interface SequentialLROptions {
  /** The schedulers to run one after another, all on `optimizer` (required). */
  schedulers: LRScheduler[];
  /** The epochs at which the next scheduler takes over; one fewer than `schedulers` (required). */
  milestones: number[];
  /** Index of the last epoch when resuming. Default -1. */
  lastEpoch?: number;
  /** Accepted for PyTorch compatibility; nothing is printed. */
  verbose?: boolean;
}

/**
 * Runs schedulers one after another, switching at the milestones (PyTorch's SequentialLR); a
 * scheduler taking over restarts from its epoch 0.
 *
 * @param optimizer - The optimizer all the schedulers belong to.
 * @param options - `schedulers` and `milestones` (required), `lastEpoch` (-1).
 * @throws TypeError for bad options; RangeError when a scheduler belongs to another optimizer or
 *   the milestone count is not one less than the scheduler count.
 * @example
 * const warmup = new lrScheduler.LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 * const decay = new lrScheduler.ExponentialLR(opt, { gamma: 0.9 });
 * const sched = new lrScheduler.SequentialLR(opt, { schedulers: [warmup, decay], milestones: [5] });
 */
export class SequentialLR extends LRScheduler {
  /** The schedulers run by this one. */
  schedulers: LRScheduler[];
  /** The epochs at which the next scheduler takes over. */
  milestones: number[];

  /**
   * Attaches the schedule to `optimizer` and sets each group's initial lr, as PyTorch's
   * `lr_scheduler.SequentialLR(optimizer, ...)` (which takes the first step, to epoch 0, at
   * construction).
   *
   * @param optimizer - The optimizer whose param groups' `lr` it sets.
   * @param options - See {@link SequentialLROptions}.
   * @throws TypeError if a required option is missing, or an option is unknown or mistyped.
   * @throws RangeError if an option has a value PyTorch rejects.
   */
  constructor(optimizer: AnyOptimizer, options: SequentialLROptions) {
    super(optimizer, 'SequentialLR');
    const o = checkOptions<SequentialLROptions>('SequentialLR', options, {
      schedulers: 'array',
      milestones: 'number[]',
      lastEpoch: 'integer',
      verbose: 'boolean',
    });
    if (o.schedulers === undefined || o.milestones === undefined)
      throw new TypeError("SequentialLR: the options 'schedulers' and 'milestones' are required");
    o.schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler))
        throw new TypeError(`SequentialLR: schedulers[${i}] is ${describe(s)}, not a scheduler`);
      if (s.optimizer !== optimizer)
        throw new RangeError(
          `SequentialLR: Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index ${i} to be different than the optimizer passed in.`,
        );
    });
    if (o.milestones.length !== o.schedulers.length - 1) {
      throw new RangeError(
        `SequentialLR: Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${o.schedulers.length} and the number of milestones to be equal to ${o.milestones.length}`,
      );
    }
    this.schedulers = [...o.schedulers];
    this.milestones = [...o.milestones];
    this.lastEpoch = (o.lastEpoch ?? -1) + 1;
    for (const g of this.groups) g.lr = g.initialLr as number;
    this.baseLrs = this.groups.map((g) => g.lr);
    for (const s of this.schedulers) s.lastEpoch -= 1;
    this.schedulers[0].initialStep();
    this.lastLr = this.schedulers[0].getLastLr();
  }

  protected getLr(): number[] {
    return this.getLastLr();
  }

  /** Advances one epoch, handing over to the next scheduler at a milestone. */
  override step(): void {
    this.lastEpoch += 1;
    const idx = bisectRight(this.milestones, this.lastEpoch);
    const scheduler = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) scheduler.step(0);
    else scheduler.step();
    this.lastLr = scheduler.getLastLr();
  }

  /**
   * PyTorch's layout: `last_epoch`, `_milestones`, `_last_lr` and `_schedulers` (their state
   * dicts).
   *
   * @returns An object `loadStateDict` accepts.
   */
  override stateDict(): Record<string, unknown> {
    return {
      _milestones: [...this.milestones],
      last_epoch: this.lastEpoch,
      _last_lr: [...this.lastLr],
      _schedulers: this.schedulers.map((s) => s.stateDict()),
    };
  }

  override loadStateDict(state: Record<string, unknown>): void {
    if (state === null || typeof state !== 'object')
      throw new TypeError(`SequentialLR.loadStateDict: expected an object, got ${describe(state)}`);
    if (Array.isArray(state._milestones)) this.milestones = [...(state._milestones as number[])];
    if (typeof state.last_epoch === 'number') this.lastEpoch = state.last_epoch;
    if (Array.isArray(state._last_lr)) this.lastLr = [...(state._last_lr as number[])];
    const subs = state._schedulers;
    if (Array.isArray(subs))
      subs.forEach((s, i) => this.schedulers[i]?.loadStateDict(s as Record<string, unknown>));
  }
}
