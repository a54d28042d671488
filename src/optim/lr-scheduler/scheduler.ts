/**
 * The learning-rate scheduler template (PyTorch 1.13's `_LRScheduler`): a scheduler computes each
 * group's lr from the current ones (`getLr`, so that two schedulers chain on one optimizer) or
 * from the epoch alone (`closedFormLr`, used when `step(epoch)` is given an epoch).
 */
import { describe } from '../../tensor/tensor.js';
import { checkOptions, type OptionSpec } from '../../tensor/options.js';
import { Optimizer, type GroupOptions } from '../optimizer.js';

/** Any optimizer, whatever its options and state. */
export type AnyOptimizer = Optimizer<GroupOptions, object>;

/** A parameter group as a scheduler reads and writes it (`lr` plus scheduler keys). */
export type SchedulerGroup = Record<string, unknown> & { lr: number };

/** Python's `%` (the result takes the divisor's sign). */
export function pmod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** Python's `bisect_right` over a sorted list. */
export function bisectRight(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < sorted[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Checks that `optimizer` is an optimizer (PyTorch's `TypeError: X is not an Optimizer`). */
export function requireOptimizer(name: string, optimizer: unknown): AnyOptimizer {
  if (!(optimizer instanceof Optimizer))
    throw new TypeError(`${name}: ${describe(optimizer)} is not an Optimizer`);
  return optimizer as AnyOptimizer;
}

/**
 * Checked scheduler options; a bare value (number, array or function) stands for the first
 * required argument, as PyTorch's positional form (`new StepLR(opt, 30)`).
 */
export function schedulerOptions<T extends object>(
  name: string,
  options: unknown,
  positionalKey: string | null,
  spec: OptionSpec,
): T {
  if (
    positionalKey !== null &&
    (typeof options === 'number' || typeof options === 'function' || Array.isArray(options))
  ) {
    return { [positionalKey]: options } as T;
  }
  return {
    ...checkOptions<T>(name, options, { ...spec, lastEpoch: 'integer', verbose: 'boolean' }),
  };
}

function copyValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copyValue);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copyValue(x)]));
  return v;
}

/**
 * Base class of the epoch-based schedulers. Subclasses set their fields, then call
 * `start(lastEpoch)`, which records `initialLr` on each group and takes the initial step.
 */
export abstract class LRScheduler {
  /** The optimizer whose groups' `lr` this scheduler sets. */
  readonly optimizer: AnyOptimizer;
  /** Each group's `initialLr` when the scheduler started. */
  baseLrs: number[] = [];
  /** The index of the last epoch (step); -1 before the initial step. */
  lastEpoch = -1;
  /** How many times `step()` ran (PyTorch's `_step_count`). */
  protected stepCount = 0;
  /** The lrs the last step set. */
  protected lastLr: number[] = [];
  /** The class name used in messages. */
  protected readonly schedulerName: string;

  /**
   * Attaches the scheduler to `optimizer` (subclasses then call `start`).
   *
   * @param optimizer - The optimizer to schedule.
   * @param name - The class name for messages.
   * @throws TypeError when `optimizer` is not an Optimizer.
   */
  constructor(optimizer: AnyOptimizer, name: string) {
    this.schedulerName = name;
    this.optimizer = requireOptimizer(name, optimizer);
  }

  /** The optimizer's groups as the scheduler sees them. */
  protected get groups(): SchedulerGroup[] {
    return this.optimizer.paramGroups as unknown as SchedulerGroup[];
  }

  /**
   * Records the base lrs and takes the initial step (PyTorch's constructor tail).
   *
   * @param lastEpoch - -1 for a fresh schedule, or the epoch to resume from (the groups must then
   *   hold `initialLr`).
   * @throws Error when resuming and a group has no `initialLr`.
   */
  protected start(lastEpoch: number): void {
    if (lastEpoch === -1) {
      for (const g of this.groups) if (!('initialLr' in g)) g.initialLr = g.lr;
    } else {
      this.groups.forEach((g, i) => {
        if (!('initialLr' in g))
          throw new Error(
            `${this.schedulerName}: param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`,
          );
      });
    }
    this.baseLrs = this.groups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
    this.initialStep();
  }

  /** Resets the step count and takes one step (used again by SequentialLR). */
  initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /**
   * The lrs for `lastEpoch`, computed from the groups' current lrs (chainable form).
   *
   * @returns One lr per param group.
   */
  protected abstract getLr(): number[];

  /**
   * The lrs for `lastEpoch` from the epoch alone, when the scheduler has such a form.
   *
   * @returns One lr per param group, or `null` when there is no closed form.
   */
  protected closedFormLr(): number[] | null {
    return null;
  }

  /**
   * Advances one epoch (or, deprecated as in PyTorch, jumps to `epoch`) and sets each group's lr.
   *
   * @param epoch - Omit it (the normal use); a number jumps to that epoch.
   */
  step(epoch?: number): void {
    this.stepCount += 1;
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch += 1;
      values = this.getLr();
    } else {
      this.lastEpoch = epoch;
      values = this.closedFormLr() ?? this.getLr();
    }
    this.groups.forEach((g, i) => {
      g.lr = values[i];
    });
    this.lastLr = this.groups.map((g) => g.lr);
  }

  /**
   * The learning rates the last step set, one per group.
   *
   * @returns A copy of the list.
   */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /**
   * Field name → PyTorch state-dict key, besides the base ones.
   *
   * @returns The extra fields and their state-dict keys.
   */
  protected stateFields(): Record<string, string> {
    return {};
  }

  private allFields(): Record<string, string> {
    return {
      ...this.stateFields(),
      baseLrs: 'base_lrs',
      lastEpoch: 'last_epoch',
      stepCount: '_step_count',
      lastLr: '_last_lr',
    };
  }

  /**
   * The scheduler's state with PyTorch's keys (`last_epoch`, `base_lrs`, `_step_count`,
   * `_last_lr`, and the scheduler's own settings).
   *
   * @returns A JSON-serialisable object `loadStateDict` accepts.
   */
  stateDict(): Record<string, unknown> {
    const self = this as unknown as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [field, key] of Object.entries(this.allFields())) out[key] = copyValue(self[field]);
    return out;
  }

  /**
   * Restores a state written by `stateDict()` (here or by PyTorch, same keys).
   *
   * @param state - The state dict; keys it lacks keep their current values.
   * @throws TypeError when `state` is not an object.
   */
  loadStateDict(state: Record<string, unknown>): void {
    if (state === null || typeof state !== 'object')
      throw new TypeError(
        `${this.schedulerName}.loadStateDict: expected an object, got ${describe(state)}`,
      );
    const self = this as unknown as Record<string, unknown>;
    for (const [field, key] of Object.entries(this.allFields()))
      if (key in state) self[field] = copyValue(state[key]);
  }
}
