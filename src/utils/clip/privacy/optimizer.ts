/**
 * `DPOptimizer`: wraps any optimizer so that its step is a DP-SGD step (Opacus's `DPOptimizer`):
 * each example's gradient is clipped — flat over all parameters — to `maxGradNorm`, the clipped
 * gradients are summed, Gaussian noise of std `noiseMultiplier · maxGradNorm` is added, the sum is
 * divided by the expected batch size (mean-reduced losses), and the wrapped optimizer updates the
 * parameters from that gradient.
 */
import { Tensor, describe } from '../../../tensor/tensor.js';
import { zeros } from '../../../tensor/creation.js';
import { enableGrad, noGrad } from '../../../autograd/grad-mode.js';
import { normalInPlace } from '../../../random/sampling.js';
import { Generator } from '../../../random/generator.js';
import {
  Optimizer,
  type GroupOptions,
  type OptimizerStateDict,
  type ParamGroupInput,
  type ParamView,
  type ParamState,
} from '../../../optim/optimizer.js';
import { clearGradSample, gradSampleOf } from './grad-sample/store.js';
import type { LossReduction } from './grad-sample/module.js';

/** Any torchlet optimizer. */
type AnyOptimizer = Optimizer<GroupOptions, object>;

/** Options of {@link DPOptimizer} (Opacus's arguments in camelCase). */
export interface DPOptimizerOptions {
  /** σ: the noise std relative to `maxGradNorm` (≥ 0). */
  noiseMultiplier: number;
  /** C: the bound every example's gradient norm is clipped to (> 0). */
  maxGradNorm: number;
  /** The divisor of the noisy sum with a mean-reduced loss (dataset size × sample rate). */
  expectedBatchSize: number | null;
  /** The loss's reduction over the batch (default `'mean'`); `'sum'` does not divide. */
  lossReduction?: LossReduction;
  /** The source of the noise (default: the default generator, so `manualSeed` reproduces it). */
  generator?: Generator | null;
}

/** The smallest denominator term of the clip factor min(1, C / (‖gᵢ‖ + 1e-6)), as Opacus. */
const CLIP_EPS = 1e-6;

/**
 * The L2 norm of each example's gradient, flat over all the given parameters: the norm of the
 * per-parameter norms (float32, as Opacus computes it).
 *
 * @param samples - Each parameter's `gradSample` `[batch, ...shape]` (same batch).
 * @returns The `batch` norms.
 */
export function flatPerSampleNorms(samples: readonly Tensor[]): Float32Array {
  const batch = samples.length === 0 ? 0 : samples[0].shape[0];
  const total = new Float64Array(batch);
  for (const gs of samples) {
    const data = gs._contiguousData();
    const per = batch === 0 ? 0 : data.length / batch;
    for (let n = 0; n < batch; n++) {
      let s = 0;
      for (let j = n * per; j < (n + 1) * per; j++) s += data[j] * data[j];
      const norm = Math.fround(Math.sqrt(s));
      total[n] += norm * norm;
    }
  }
  return Float32Array.from(total, (s) => Math.sqrt(s));
}

/**
 * The base class, linked lazily: `optim/optimizer.ts` imports the clipping functions, whose module
 * also exports this one, so at our evaluation time `Optimizer` may not be initialised yet (an
 * import cycle). This constructor builds a real `Optimizer` (for `new.target`) on first use and
 * links its prototype to `Optimizer.prototype`, so `instanceof Optimizer` holds.
 */
function LazyOptimizerBase(this: unknown, ...args: unknown[]): object {
  const proto = LazyOptimizerBase.prototype as object;
  if (Object.getPrototypeOf(proto) !== Optimizer.prototype)
    Object.setPrototypeOf(proto, Optimizer.prototype);
  return Reflect.construct(Optimizer, args, new.target) as object;
}
const OptimizerBase = LazyOptimizerBase as unknown as typeof Optimizer;

/**
 * A private optimizer (Opacus's `DPOptimizer`) around any torchlet optimizer. `step()` replaces
 * each parameter's `grad` by the clipped, summed, noised and scaled per-sample gradients (from
 * `gradSample`, which a private module leaves after backward), then runs the wrapped optimizer's
 * update; `zeroGrad()` also clears `gradSample`. It shares the wrapped optimizer's parameter
 * groups and state (schedulers work on either).
 *
 * @example
 * const dp = new clipping.DPOptimizer(new optim.SGD(model.parameters(), { lr: 0.1 }), {
 *   noiseMultiplier: 1.0, maxGradNorm: 1.0, expectedBatchSize: 64,
 * });
 */
export class DPOptimizer extends OptimizerBase<GroupOptions> {
  /** The optimizer whose update runs after the private gradient is formed. */
  readonly originalOptimizer: AnyOptimizer;
  /** σ, the noise std relative to `maxGradNorm`. */
  noiseMultiplier: number;
  /** C, the per-example clipping bound. */
  maxGradNorm: number;
  /** The divisor of the noisy sum with a mean-reduced loss. */
  expectedBatchSize: number | null;
  /** The loss's reduction over the batch. */
  readonly lossReduction: LossReduction;
  /** The noise's generator (null: the default generator). */
  generator: Generator | null;
  /** Called after each private step, before the update (the privacy engine's accountant step). */
  stepHook: ((optimizer: DPOptimizer) => void) | null = null;
  /** The clip factors of the last step's examples (for inspection). */
  lastClipFactors: Float32Array | null = null;
  /** @internal Set by a Poisson data loader: the current batch is empty. */
  _emptyBatch = false;
  private ready = false;

  /**
   * Wraps `optimizer` for DP-SGD, as Opacus's `DPOptimizer`: each step clips every per-sample
   * gradient, adds Gaussian noise and then runs the wrapped optimizer's update.
   *
   * @param optimizer - The optimizer to make private (SGD, Adam, …).
   * @param options - See {@link DPOptimizerOptions}.
   * @throws TypeError for a non-optimizer; RangeError for σ < 0, C ≤ 0 or a bad batch size.
   */
  constructor(optimizer: AnyOptimizer, options: DPOptimizerOptions) {
    if (!(optimizer instanceof Optimizer))
      throw new TypeError(
        `DPOptimizer: optimizer must be a torchlet optimizer, got ${describe(optimizer)}`,
      );
    super(
      optimizer.paramGroups.flatMap((g: { params: Tensor[] }) => g.params),
      { lr: 0 },
      { name: 'DPOptimizer' },
    );
    // Share the wrapped optimizer's groups and state: hyper-parameters set here reach its update.
    Object.defineProperty(this, 'paramGroups', { value: optimizer.paramGroups });
    Object.defineProperty(this, 'state', { value: optimizer.state });
    Object.defineProperty(this, 'defaults', { value: optimizer.defaults });
    const { noiseMultiplier, maxGradNorm, expectedBatchSize, lossReduction = 'mean' } = options;
    const generator = options.generator ?? null;
    if (typeof noiseMultiplier !== 'number' || !(noiseMultiplier >= 0))
      throw new RangeError(
        `DPOptimizer: noiseMultiplier must be a number >= 0, got ${describe(noiseMultiplier)}`,
      );
    if (typeof maxGradNorm !== 'number' || !(maxGradNorm > 0))
      throw new RangeError(
        `DPOptimizer: maxGradNorm must be a number > 0, got ${describe(maxGradNorm)}`,
      );
    if (lossReduction !== 'mean' && lossReduction !== 'sum')
      throw new TypeError(
        `DPOptimizer: lossReduction must be 'mean' or 'sum', got ${describe(lossReduction)}`,
      );
    if (
      lossReduction === 'mean' &&
      !(typeof expectedBatchSize === 'number' && expectedBatchSize > 0)
    )
      throw new RangeError(
        `DPOptimizer: expectedBatchSize must be a number > 0 with a mean-reduced loss, got ${describe(expectedBatchSize)}`,
      );
    if (generator !== null && !(generator instanceof Generator))
      throw new TypeError(
        `DPOptimizer: generator must be a Generator or null, got ${describe(generator)}`,
      );
    this.originalOptimizer = optimizer;
    this.noiseMultiplier = noiseMultiplier;
    this.maxGradNorm = maxGradNorm;
    this.expectedBatchSize = expectedBatchSize;
    this.lossReduction = lossReduction;
    this.generator = generator;
    this.ready = true;
  }

  /** The trainable parameters, in group order. */
  private trainable(): Tensor[] {
    return this.paramGroups.flatMap((g) => g.params).filter((p) => p.requiresGrad);
  }

  /**
   * Forms the private gradient of every trainable parameter in `grad` (clip, sum, noise, scale)
   * without updating, and counts the step in the accountant.
   *
   * @throws Error when a trainable parameter has no `gradSample` (a model not made private, or
   *   backward not run).
   */
  preStep(): void {
    const params = this.trainable();
    const samples = params.map(gradSampleOf);
    const missing = samples.findIndex((s) => s === null);
    let batchSamples: Tensor[];
    if (missing >= 0) {
      if (!(this._emptyBatch && samples.every((s) => s === null)))
        throw new Error(
          `DPOptimizer.step: parameter ${missing} (shape [${params[missing].shape.join(', ')}]) has no per-sample gradient (gradSample); run the private module with .call() and backward() before step()`,
        );
      batchSamples = params.map((p) => zeros([0, ...p.shape]));
    } else batchSamples = samples as Tensor[];
    const batch = batchSamples[0]?.shape[0] ?? 0;
    batchSamples.forEach((s, i) => {
      if (s.shape[0] !== batch)
        throw new Error(
          `DPOptimizer.step: per-sample gradients disagree on the batch size (${s.shape[0]} for parameter ${i}, ${batch} for parameter 0)`,
        );
    });
    const norms = flatPerSampleNorms(batchSamples);
    const C = Math.fround(this.maxGradNorm);
    const factors = new Float32Array(batch);
    for (let n = 0; n < batch; n++) factors[n] = Math.min(1, C / Math.fround(norms[n] + CLIP_EPS));
    this.lastClipFactors = factors;
    const std = this.noiseMultiplier * this.maxGradNorm;
    const divisor = this.lossReduction === 'mean' ? (this.expectedBatchSize as number) : 1;
    noGrad(() => {
      params.forEach((p, i) => {
        const data = batchSamples[i]._contiguousData();
        const per = p.numel();
        const summed = new Float32Array(per);
        for (let n = 0; n < batch; n++) {
          const f = factors[n];
          const base = n * per;
          for (let j = 0; j < per; j++) summed[j] += f * data[base + j];
        }
        if (std > 0) {
          const noise = normalInPlace(
            zeros(p.shape as number[]),
            0,
            std,
            this.generator === null ? undefined : { generator: this.generator },
          )._contiguousData();
          for (let j = 0; j < per; j++) summed[j] += noise[j];
        }
        if (divisor !== 1) for (let j = 0; j < per; j++) summed[j] /= divisor;
        p.grad = Tensor._fromData(summed, [...p.shape]);
      });
    });
    if (this.stepHook) this.stepHook(this);
  }

  /**
   * One private step: {@link DPOptimizer.preStep}, then the wrapped optimizer's `step()`.
   *
   * @param closure - Re-evaluates the model and returns the loss (run with gradients on first).
   * @returns The closure's loss, or `undefined`.
   * @throws Error as {@link DPOptimizer.preStep}.
   */
  override step(closure?: () => Tensor): Tensor | undefined {
    const loss = closure ? enableGrad(closure) : undefined;
    this.preStep();
    this.originalOptimizer.step();
    return loss;
  }

  /**
   * Clears the gradients (through the wrapped optimizer) and the per-sample gradients.
   *
   * @param options - `setToNone` (default true), or that boolean alone.
   */
  override zeroGrad(options: { setToNone?: boolean } | boolean = {}): void {
    this.originalOptimizer.zeroGrad(options);
    for (const g of this.paramGroups) for (const p of g.params) clearGradSample(p);
  }

  /**
   * Adds a parameter group to the wrapped optimizer.
   *
   * @param group - `{ params, ...options }`, as for the wrapped optimizer.
   */
  override addParamGroup(group: ParamGroupInput<GroupOptions>): void {
    if (!this.ready) {
      super.addParamGroup(group);
      return;
    }
    this.originalOptimizer.addParamGroup(group);
  }

  /**
   * The wrapped optimizer's state dict (PyTorch's layout).
   *
   * @returns The state dict of the wrapped optimizer.
   */
  override stateDict(): OptimizerStateDict<GroupOptions> {
    return this.originalOptimizer.stateDict() as OptimizerStateDict<GroupOptions>;
  }

  /**
   * Loads a state dict into the wrapped optimizer.
   *
   * @param dict - A state dict of the wrapped optimizer.
   */
  override loadStateDict(dict: OptimizerStateDict<GroupOptions>): void {
    this.originalOptimizer.loadStateDict(dict);
  }

  /**
   * No state of its own: the wrapped optimizer keeps it.
   *
   * @returns An empty state.
   */
  protected initState(): ParamState {
    return {};
  }

  /**
   * Never called: the wrapped optimizer performs the update.
   *
   * @param _view - Unused.
   * @throws Error always.
   */
  protected updateParameter(_view: ParamView): void {
    throw new Error('DPOptimizer: the wrapped optimizer performs the update');
  }
}
