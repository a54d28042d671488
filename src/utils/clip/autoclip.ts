/**
 * AutoClip (Seetharaman et al. 2020, "AutoClip: Adaptive Gradient Clipping for Source Separation
 * Networks"): clip to a percentile of the history of gradient norms — the paper's rule.
 */
import { describe } from '../../tensor/tensor.js';
import { checkOptions } from '../../tensor/options.js';
import { foreachNorm } from '../../ops/foreach.js';
import { assertGradsWritable, collectParameters, gradsOf, type ParametersLike } from './params.js';
import { scaleGradsByNorm } from './clip-grad.js';

/** Options of {@link AutoClip}. */
export interface AutoClipOptions {
  /** The percentile p in [0, 100] of the norm history to clip to. Default 10. */
  percentile?: number;
  /** How many of the latest norms to keep; `Infinity` (the paper) keeps them all. Default Infinity. */
  historyLength?: number;
}

/** The serialisable state of an {@link AutoClip}. */
export interface AutoClipState {
  /** The norms seen, oldest first (at most `historyLength`). */
  history: number[];
}

/**
 * NumPy's `percentile(values, q)` with the default linear interpolation, bit for bit: virtual
 * index `(n − 1)·q/100`, and `a + (b − a)·t` (or `b − (b − a)·(1 − t)` when t ≥ 0.5).
 *
 * @param sorted - The values in ascending order (non-empty).
 * @param q - The percentile in [0, 100].
 * @returns The interpolated percentile.
 */
export function linearPercentile(sorted: readonly number[], q: number): number {
  const n = sorted.length;
  const index = (n - 1) * (q / 100);
  const below = Math.min(Math.max(Math.floor(index), 0), n - 1);
  const above = Math.min(below + 1, n - 1);
  const t = index - Math.floor(index);
  const a = sorted[below];
  const b = sorted[above];
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/**
 * AutoClip: every step, the total L2 gradient norm joins the history, and the gradients are
 * clipped (as `clipGradNorm_`) to the `percentile`-th percentile of every norm seen — the current
 * one included, linear interpolation — which is the paper's Algorithm 1 (`p = 10` recommended;
 * 100 never clips, 0 clips to the smallest norm seen). The total norm enters the history as the
 * paper's code computes it: the square root of the sum of the squared per-tensor norms, in float64.
 *
 * Non-finite norms (a deliberate difference: the paper's code would let one NaN turn every later
 * threshold into NaN) never enter the history; that step's gradients are clipped to the
 * percentile of the finite history (as `clipGradNorm_`: an infinite norm zeroes the finite
 * elements, a NaN norm makes everything NaN), or left unchanged when no finite norm has been seen.
 *
 * @example
 * const autoclip = new clipping.AutoClip({ percentile: 10 });
 * loss.backward();
 * const norm = autoclip.step(model); // the norm before clipping
 * optimizer.step();
 */
export class AutoClip {
  /** The percentile (0–100) of the norm history that gradients are clipped to. */
  readonly percentile: number;
  /** How many of the latest norms are kept (`Infinity`: all). */
  readonly historyLength: number;
  private history: number[] = [];
  private sortedHistory: number[] = [];
  private lastThreshold: number | null = null;

  /**
   * Creates the clipper, as AutoClip (Seetharaman et al.): it clips to a percentile of the gradient
   * norms seen so far.
   *
   * @param options - `{ percentile = 10, historyLength = Infinity }`.
   * @throws TypeError for an unknown option or a wrong type; RangeError for a percentile outside
   *   [0, 100] or a history length below 1.
   */
  constructor(options?: AutoClipOptions) {
    const o = checkOptions<AutoClipOptions>('AutoClip', options, {
      percentile: 'number',
      historyLength: 'number',
    });
    this.percentile = o.percentile ?? 10;
    this.historyLength = o.historyLength ?? Infinity;
    if (!(this.percentile >= 0 && this.percentile <= 100))
      throw new RangeError(
        `AutoClip: percentile must be in [0, 100], got ${describe(this.percentile)}`,
      );
    if (
      !(this.historyLength >= 1) ||
      (Number.isFinite(this.historyLength) && !Number.isInteger(this.historyLength))
    )
      throw new RangeError(
        `AutoClip: historyLength must be a positive integer or Infinity, got ${describe(this.historyLength)}`,
      );
  }

  /** The threshold used by the last step (`null` before the first, or when it did not clip). */
  get threshold(): number | null {
    return this.lastThreshold;
  }

  /**
   * Measures the total norm, adds it to the history, and clips to the history's percentile.
   *
   * @param moduleOrParameters - A module, a tensor, an iterable of tensors or of `{ params }`
   *   groups; parameters whose `grad` is null are skipped.
   * @returns The total norm **before** clipping (0 when no parameter has a gradient).
   * @throws TypeError for a bad argument; Error for an expanded gradient. Nothing changes when it
   *   throws.
   */
  step(moduleOrParameters: ParametersLike): number {
    const op = 'AutoClip.step';
    const params = collectParameters(moduleOrParameters, op);
    assertGradsWritable(params, op);
    let sumSq = 0;
    for (const n of foreachNorm(gradsOf(params), 2)) sumSq += n * n;
    const g = Math.sqrt(sumSq);
    const added = Number.isFinite(g);
    const dropped = added ? this.push(g) : [];
    const threshold =
      this.sortedHistory.length > 0 ? linearPercentile(this.sortedHistory, this.percentile) : null;
    try {
      if (threshold !== null) scaleGradsByNorm(op, params, threshold, g);
    } catch (error) {
      // Nothing changes after an error: take the norm back out of the history.
      if (added) this.undoPush(g, dropped);
      throw error;
    }
    this.lastThreshold = threshold;
    return g;
  }

  /** Appends `g` and drops the oldest norms beyond `historyLength`; returns the dropped ones. */
  private push(g: number): number[] {
    this.history.push(g);
    insertSorted(this.sortedHistory, g);
    const dropped: number[] = [];
    while (this.history.length > this.historyLength) {
      const old = this.history.shift()!;
      removeSorted(this.sortedHistory, old);
      dropped.push(old);
    }
    return dropped;
  }

  private undoPush(g: number, dropped: number[]): void {
    this.history.pop();
    removeSorted(this.sortedHistory, g);
    for (const old of dropped.reverse()) {
      this.history.unshift(old);
      insertSorted(this.sortedHistory, old);
    }
  }

  /**
   * The history as plain data (a copy): save it with the checkpoint.
   *
   * @returns `{ history }`, oldest first.
   */
  stateDict(): AutoClipState {
    return { history: [...this.history] };
  }

  /**
   * Restores a history saved by {@link AutoClip.stateDict}, so that a resumed run continues exactly
   * as the uninterrupted one would (the history is cut to `historyLength`).
   *
   * @param state - `{ history: number[] }`.
   * @throws TypeError when `state` is not an AutoClip state dict (nothing changes).
   */
  loadStateDict(state: AutoClipState): void {
    if (
      state === null ||
      typeof state !== 'object' ||
      !Array.isArray(state.history) ||
      !state.history.every((x) => typeof x === 'number' && Number.isFinite(x))
    ) {
      throw new TypeError(
        `AutoClip.loadStateDict: expected { history: number[] } of finite norms, got ${describe(state)}`,
      );
    }
    const history = state.history.slice(
      Math.max(0, state.history.length - Math.min(this.historyLength, state.history.length)),
    );
    this.history = history;
    this.sortedHistory = [...history].sort((a, b) => a - b);
  }
}

/** Inserts `x` into the ascending array `sorted`, in place. */
function insertSorted(sorted: number[], x: number): void {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  sorted.splice(lo, 0, x);
}

/** Removes one `x` from the ascending array `sorted`, in place. */
function removeSorted(sorted: number[], x: number): void {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  sorted.splice(lo, 1);
}
