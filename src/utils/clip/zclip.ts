/**
 * ZClip (Kumar et al. 2025, "ZClip: Adaptive Spike Mitigation for LLM Pre-Training"): an EMA of the
 * gradient norm's mean and variance, and a z-score test that clips spikes — with the semantics of
 * the reference implementation (`zclip.py`, v1), plus a state dict so a resumed run continues
 * identically.
 */
import { describe } from '../../tensor/tensor.js';
import { checkOptions } from '../../tensor/options.js';
import { collectParameters, gradsOf, assertGradsWritable, type ParametersLike } from './params.js';
import { scaleGradsByNorm, totalNormOf } from './clip-grad.js';
import { afterClip, beforeClip } from './pitfalls.js';
import { foreachMul_ } from '../../ops/foreach.js';

/** Options of {@link ZClip}. */
export interface ZClipOptions {
  /** EMA smoothing factor of the mean and variance. Default 0.97. */
  alpha?: number;
  /** z-score above which a norm is a spike (`'zscore'`), or the std multiple (`'percentile'`). Default 2.5. */
  zThresh?: number;
  /** A fixed cap on the norm applied on every step, warm-up included; `null` for none. Default 1.0. */
  maxGradNorm?: number | null;
  /** Added to the standard deviation in the z-score. Default 1e-6. */
  eps?: number;
  /** Steps whose norms are collected (not adaptively clipped) before the EMA starts. Default 25. */
  warmupSteps?: number;
  /** `'zscore'` (default) or `'percentile'` (clip to `mean + zThresh·std` whenever above it). */
  mode?: 'zscore' | 'percentile';
  /** In `'zscore'` mode: `'adaptive_scaling'` (default) or `'mean'` (clip spikes to the mean). */
  clipOption?: 'adaptive_scaling' | 'mean';
  /** Multiplies the adaptive threshold (`'adaptive_scaling'` only). Default 1.0. */
  clipFactor?: number;
  /** Leave the EMA untouched on a spike. Default false. */
  skipUpdateOnSpike?: boolean;
}

/** The serialisable state of a {@link ZClip} (plain numbers, JSON-safe except non-finite norms). */
export interface ZClipState {
  /** Norms collected during warm-up (empty once the EMA has started). */
  buffer: number[];
  /** Whether warm-up is over (the EMA runs). */
  initialized: boolean;
  /** The EMA mean of the norm (`null` during warm-up). */
  mean: number | null;
  /** The EMA (population) variance of the norm (`null` during warm-up). */
  var: number | null;
  /** Steps taken so far. */
  step: number;
}

const OPTION_SPEC = {
  alpha: 'number',
  zThresh: 'number',
  maxGradNorm: 'number|null',
  eps: 'number',
  warmupSteps: 'integer',
  mode: "'zscore'|'percentile'",
  clipOption: "'adaptive_scaling'|'mean'",
  clipFactor: 'number',
  skipUpdateOnSpike: 'boolean',
} as const;

/**
 * Adaptive spike clipping with an EMA z-score. Call `step(model)` after `backward()` and before
 * `optimizer.step()`; it returns the total L2 norm before clipping.
 *
 * Per step, with `g` the total norm:
 * - warm-up (the first `warmupSteps` steps): `g` is collected; the gradients are clipped only by
 *   `maxGradNorm` (as `clipGradNorm_`, when it is not null); after the last warm-up step the EMA
 *   starts at the collected norms' mean and population variance;
 * - then, `'zscore'` mode: `z = (g − mean) / (std + eps)`; when `z > zThresh` the threshold is
 *   `(mean + zThresh·std / (z / zThresh)) · clipFactor` (`'adaptive_scaling'`) or `mean`
 *   (`'mean'`); `'percentile'` mode: the threshold is `mean + zThresh·std` when `g` exceeds it;
 * - the effective cap is `min(threshold ?? g, maxGradNorm)`; when `g` exceeds it every gradient
 *   is multiplied by `cap / (g + 1e-6)` (rounded to float32);
 * - the EMA is updated with the threshold on a spike (unless `skipUpdateOnSpike`) or with `g`:
 *   `mean ← α·mean + (1−α)·x`, then `var ← α·var + (1−α)·(x − mean)²` with the new mean.
 *
 * Non-finite norms: the gradients are treated as the reference treats them — an infinite norm is
 * a spike (its finite elements scale to 0, infinite ones become NaN) and the EMA takes the
 * (finite) threshold; a NaN norm leaves the gradients unchanged after warm-up. As a deliberate
 * difference from the reference, whose statistics a single NaN (or a warm-up ∞) would poison for
 * the rest of the run, a NaN norm never enters the EMA and a non-finite warm-up norm never enters
 * the buffer (that step does not count towards `warmupSteps`).
 *
 * @example
 * const zclip = new clipping.ZClip({ alpha: 0.97, zThresh: 2.5 });
 * for (const [x, y] of loader) {
 *   optimizer.zeroGrad();
 *   lossFn.call(model.call(x), y).backward();
 *   const norm = zclip.step(model); // the norm before clipping
 *   optimizer.step();
 * }
 */
export class ZClip {
  /** EMA smoothing factor of the mean and variance. */
  readonly alpha: number;
  /** The z-score that makes a spike (`'zscore'`), or the std multiple (`'percentile'`). */
  readonly zThresh: number;
  /** The fixed cap applied on every step, or `null` for none. */
  readonly maxGradNorm: number | null;
  /** Added to the standard deviation in the z-score. */
  readonly eps: number;
  /** Steps collected before the EMA starts. */
  readonly warmupSteps: number;
  /** `'zscore'` or `'percentile'`. */
  readonly mode: 'zscore' | 'percentile';
  /** What a spike is clipped to in `'zscore'` mode. */
  readonly clipOption: 'adaptive_scaling' | 'mean';
  /** Multiplies the adaptive threshold. */
  readonly clipFactor: number;
  /** Whether spikes leave the EMA untouched. */
  readonly skipUpdateOnSpike: boolean;

  private buffer: number[] = [];
  private initialized = false;
  private mean: number | null = null;
  private variance: number | null = null;
  private steps = 0;

  /**
   * Creates the clipper, as ZClip (Kumar et al.): it tracks the gradient norm's EMA mean and
   * variance and clips z-score spikes.
   *
   * @param options - `alpha` (default 0.97), `zThresh` (2.5), `maxGradNorm` (1.0), `eps` (1e-6),
   *   `warmupSteps` (25), `mode` (`'zscore'`), `clipOption` (`'adaptive_scaling'`), `clipFactor`
   *   (1.0), `skipUpdateOnSpike` (`false`).
   * @throws TypeError for an unknown option or a value of the wrong type.
   * @throws RangeError for `warmupSteps < 1` or `alpha` outside [0, 1].
   */
  constructor(options?: ZClipOptions) {
    const o = checkOptions<ZClipOptions>('ZClip', options, OPTION_SPEC);
    this.alpha = o.alpha ?? 0.97;
    this.zThresh = o.zThresh ?? 2.5;
    this.maxGradNorm = o.maxGradNorm === undefined ? 1.0 : o.maxGradNorm;
    this.eps = o.eps ?? 1e-6;
    this.warmupSteps = o.warmupSteps ?? 25;
    this.mode = o.mode ?? 'zscore';
    this.clipOption = o.clipOption ?? 'adaptive_scaling';
    this.clipFactor = o.clipFactor ?? 1.0;
    this.skipUpdateOnSpike = o.skipUpdateOnSpike ?? false;
    if (this.warmupSteps < 1)
      throw new RangeError(`ZClip: warmupSteps must be at least 1, got ${this.warmupSteps}`);
    if (!(this.alpha >= 0 && this.alpha <= 1))
      throw new RangeError(`ZClip: alpha must be in [0, 1], got ${describe(this.alpha)}`);
  }

  /** The EMA mean of the norm (`null` during warm-up). */
  get emaMean(): number | null {
    return this.mean;
  }

  /** The EMA variance of the norm (`null` during warm-up). */
  get emaVar(): number | null {
    return this.variance;
  }

  /** True once warm-up is over and the EMA runs. */
  get isInitialized(): boolean {
    return this.initialized;
  }

  /**
   * The adaptive threshold for a norm `g`, or `null` when `g` is not a spike (the reference's
   * `_compute_clip_val`); needs the EMA (after warm-up).
   *
   * @param g - A total gradient norm.
   * @returns The threshold to clip to, or `null`.
   */
  threshold(g: number): number | null {
    if (!this.initialized || this.mean === null || this.variance === null) return null;
    const std = this.variance ** 0.5;
    if (this.mode === 'percentile') {
      const threshold = this.mean + this.zThresh * std;
      return g > threshold ? threshold : null;
    }
    const z = (g - this.mean) / (std + this.eps);
    if (!(z > this.zThresh)) return null;
    if (this.clipOption === 'mean') return this.mean;
    const eta = z / this.zThresh;
    return (this.mean + (this.zThresh * std) / eta) * this.clipFactor;
  }

  /**
   * Measures the total L2 gradient norm, clips (see the class description) and updates the
   * statistics.
   *
   * @param moduleOrParameters - A module, a tensor, an iterable of tensors or of `{ params }`
   *   groups; parameters whose `grad` is null are skipped.
   * @returns The total norm **before** clipping (0 when no parameter has a gradient).
   * @throws TypeError for a bad argument; Error for an expanded gradient. Nothing (gradients or
   *   statistics) changes when it throws.
   */
  step(moduleOrParameters: ParametersLike): number {
    const op = 'ZClip.step';
    const params = collectParameters(moduleOrParameters, op);
    assertGradsWritable(params, op);
    const g = totalNormOf(gradsOf(params), 2);
    const finite = Number.isFinite(g);
    if (!this.initialized) {
      if (this.maxGradNorm !== null) scaleGradsByNorm(op, params, this.maxGradNorm, g);
      else {
        beforeClip(op, params);
        afterClip(params);
      }
      this.steps++;
      if (finite) {
        this.buffer.push(g);
        if (this.buffer.length >= this.warmupSteps) this.initializeEma();
      }
      return g;
    }
    const clipVal = this.threshold(g);
    const adaptive = clipVal ?? g;
    // Python's min(a, b): b only when b < a (so a NaN `a` stays).
    const cap =
      this.maxGradNorm !== null && this.maxGradNorm < adaptive ? this.maxGradNorm : adaptive;
    const coefficient = g > cap ? Math.fround(cap / (g + 1e-6)) : 1;
    beforeClip(op, params, { coefficient, total: g, maxNorm: cap });
    if (coefficient < 1) foreachMul_(gradsOf(params), coefficient, op);
    afterClip(params);
    this.steps++;
    if (Number.isNaN(g)) return g;
    if (clipVal !== null && this.skipUpdateOnSpike) return g;
    this.updateEma(clipVal ?? g);
    return g;
  }

  private initializeEma(): void {
    const n = this.buffer.length;
    let sum = 0;
    for (const x of this.buffer) sum += x;
    const mean = sum / n;
    let ss = 0;
    for (const x of this.buffer) ss += (x - mean) ** 2;
    this.mean = mean;
    this.variance = ss / n;
    this.initialized = true;
    this.buffer = [];
  }

  private updateEma(x: number): void {
    const mean = this.alpha * this.mean! + (1 - this.alpha) * x;
    this.mean = mean;
    this.variance = this.alpha * this.variance! + (1 - this.alpha) * (x - mean) ** 2;
  }

  /**
   * The statistics, as plain data (a copy): save it with the checkpoint.
   *
   * @returns `{ buffer, initialized, mean, var, step }`.
   */
  stateDict(): ZClipState {
    return {
      buffer: [...this.buffer],
      initialized: this.initialized,
      mean: this.mean,
      var: this.variance,
      step: this.steps,
    };
  }

  /**
   * Restores statistics saved by {@link ZClip.stateDict}, so that a resumed run continues exactly
   * as the uninterrupted one would.
   *
   * @param state - A state dict (for example parsed back from JSON).
   * @throws TypeError when `state` is not a ZClip state dict (nothing changes).
   */
  loadStateDict(state: ZClipState): void {
    const op = 'ZClip.loadStateDict';
    if (state === null || typeof state !== 'object')
      throw new TypeError(`${op}: expected a ZClip state dict, got ${describe(state)}`);
    const { buffer, initialized, mean, step } = state;
    const variance = state.var;
    const numOrNull = (v: unknown) => v === null || typeof v === 'number';
    if (
      !Array.isArray(buffer) ||
      !buffer.every((x) => typeof x === 'number') ||
      typeof initialized !== 'boolean' ||
      !numOrNull(mean) ||
      !numOrNull(variance) ||
      (initialized && (mean === null || variance === null)) ||
      (step !== undefined && typeof step !== 'number')
    ) {
      throw new TypeError(
        `${op}: expected { buffer: number[], initialized: boolean, mean, var, step }, got ${describe(state)}`,
      );
    }
    this.buffer = [...buffer];
    this.initialized = initialized;
    this.mean = mean;
    this.variance = variance;
    this.steps = step ?? 0;
  }
}
