/** `PrivacyEngine`: makes a model, its optimizer and its data loader private (Opacus's semantics). */
import { describe } from '../../../tensor/tensor.js';
import { checkOptions } from '../../../tensor/options.js';
import { Generator } from '../../../random/generator.js';
import { Module } from '../../../nn/module.js';
import { Optimizer, type GroupOptions } from '../../../optim/optimizer.js';
import { DataLoader } from '../../data/dataloader.js';
import { RDPAccountant, checkDelta } from './accountant.js';
import { GradSampleModule, type LossReduction } from './grad-sample/module.js';
import { DPOptimizer } from './optimizer.js';
import { dpDataLoader } from './data-loader.js';
import { getNoiseMultiplier } from './noise-multiplier.js';

/** Options of {@link PrivacyEngine}. */
export interface PrivacyEngineOptions {
  /** The privacy accountant (default and only: `'rdp'`). */
  accountant?: 'rdp';
  /** Opacus's secure mode (cryptographically secure noise) is not available: only `false`. */
  secureMode?: boolean;
}

/** Arguments of {@link PrivacyEngine.makePrivate} (Opacus's `make_private` in camelCase). */
export interface MakePrivateOptions<T, B, M extends Module = Module> {
  /** The model; every layer with trainable parameters needs a per-sample gradient rule. */
  module: M;
  /** Any torchlet optimizer over (some of) the model's parameters. */
  optimizer: Optimizer<GroupOptions, object>;
  /** The training data; its length (batches per epoch) sets the sample rate q = 1 / length. */
  dataLoader: DataLoader<T, B>;
  /** σ: noise std relative to `maxGradNorm`. */
  noiseMultiplier: number;
  /** C: every example's gradient is clipped to this L2 norm (flat over all parameters). */
  maxGradNorm: number;
  /** Replace the loader by one with Poisson sampling (default true), which the accounting assumes. */
  poissonSampling?: boolean;
  /** The loss's reduction over the batch: `'mean'` (default) or `'sum'`. */
  lossReduction?: LossReduction;
  /** Whether the layers' inputs have the batch first (default true). */
  batchFirst?: boolean;
  /** The generator of the noise and of the Poisson sampling (default: the default generator). */
  noiseGenerator?: Generator | null;
  /** Only `'flat'` clipping (one bound over all parameters), Opacus's default. */
  clipping?: 'flat';
}

/** What {@link PrivacyEngine.makePrivate} returns. */
export interface PrivateTraining<T, B, M extends Module = Module> {
  /** The model wrapped to compute per-sample gradients; call it with `.call()`. */
  module: GradSampleModule<M>;
  /** The private optimizer; `step()` clips, noises and updates. */
  optimizer: DPOptimizer;
  /** The loader with Poisson sampling (or the original one with `poissonSampling: false`). */
  dataLoader: DataLoader<T, B>;
}

const MAKE_PRIVATE_SPEC = {
  module: 'object',
  optimizer: 'object',
  dataLoader: 'object',
  noiseMultiplier: 'number',
  maxGradNorm: 'number',
  poissonSampling: 'boolean',
  lossReduction: "'mean'|'sum'",
  batchFirst: 'boolean',
  noiseGenerator: {
    test: (v: unknown) => v === null || v instanceof Generator,
    expected: 'a Generator or null',
  },
  clipping: "'flat'",
} as const;

/**
 * DP-SGD in three lines, with Opacus's semantics: `makePrivate` wraps the model (per-sample
 * gradients after each backward), the optimizer (per-example clipping to `maxGradNorm`, Gaussian
 * noise of std `noiseMultiplier · maxGradNorm`, division by the expected batch size, then the
 * original update) and the data loader (Poisson sampling with rate 1 / number of batches); each
 * private `step()` is one step of the RDP accountant, and `getEpsilon(delta)` is the privacy spent.
 *
 * @example
 * const engine = new clipping.PrivacyEngine({ accountant: 'rdp' });
 * const { module, optimizer, dataLoader } = engine.makePrivate({
 *   module: model, optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), dataLoader: loader,
 *   noiseMultiplier: 1.1, maxGradNorm: 1.0, poissonSampling: true,
 * });
 * for (const [x, y] of dataLoader) {
 *   optimizer.zeroGrad();
 *   criterion.forward(module.call(x), y).backward();
 *   optimizer.step();
 * }
 * engine.getEpsilon(1e-5);
 */
export class PrivacyEngine {
  /** The privacy accountant every private step reports to. */
  readonly accountant: RDPAccountant;

  /**
   * Creates the engine, as Opacus's `PrivacyEngine(accountant="rdp")`.
   *
   * @param options - `{ accountant: 'rdp' }` (the default).
   * @throws TypeError for an unknown accountant or option; Error for `secureMode: true`.
   */
  constructor(options: PrivacyEngineOptions = {}) {
    const o = checkOptions<PrivacyEngineOptions>('PrivacyEngine', options, {
      accountant: "'rdp'",
      secureMode: 'boolean',
    });
    if (o.secureMode === true)
      throw new Error(
        'PrivacyEngine: secureMode (cryptographically secure noise) is not available',
      );
    this.accountant = new RDPAccountant();
  }

  /**
   * Makes training private (Opacus's `make_private`).
   *
   * @param options - See {@link MakePrivateOptions}.
   * @returns `{ module, optimizer, dataLoader }` to train with instead of the originals.
   * @throws TypeError for a missing or mistyped argument; RangeError for σ < 0 or C ≤ 0; Error
   *   naming a layer with trainable parameters but no per-sample gradient rule, or when the
   *   optimizer holds parameters that are not the module's.
   */
  makePrivate<T, B, M extends Module>(
    options: MakePrivateOptions<T, B, M>,
  ): PrivateTraining<T, B, M> {
    const op = 'PrivacyEngine.makePrivate';
    const o = checkOptions<MakePrivateOptions<T, B, M>>(op, options, MAKE_PRIVATE_SPEC);
    const { module, optimizer, dataLoader, noiseMultiplier, maxGradNorm } = o;
    if (!(module instanceof Module))
      throw new TypeError(`${op}: module must be an nn.Module, got ${describe(module)}`);
    if (!(optimizer instanceof Optimizer))
      throw new TypeError(
        `${op}: optimizer must be a torchlet optimizer, got ${describe(optimizer)}`,
      );
    if (!(dataLoader instanceof DataLoader))
      throw new TypeError(
        `${op}: dataLoader must be a utils.data.DataLoader, got ${describe(dataLoader)}`,
      );
    if (typeof noiseMultiplier !== 'number' || !(noiseMultiplier >= 0))
      throw new RangeError(
        `${op}: noiseMultiplier must be a number >= 0, got ${describe(noiseMultiplier)}`,
      );
    if (typeof maxGradNorm !== 'number' || !(maxGradNorm > 0))
      throw new RangeError(`${op}: maxGradNorm must be a number > 0, got ${describe(maxGradNorm)}`);
    const owned = new Set(module.parameters());
    const foreign = optimizer.paramGroups.flatMap((g) => g.params).findIndex((p) => !owned.has(p));
    if (foreign >= 0)
      throw new Error(
        `${op}: the optimizer's parameter ${foreign} is not a parameter of the module`,
      );
    const lossReduction = o.lossReduction ?? 'mean';
    const generator = o.noiseGenerator ?? null;
    const gsm: GradSampleModule<M> =
      module instanceof GradSampleModule
        ? (module as unknown as GradSampleModule<M>)
        : new GradSampleModule(module, { lossReduction, batchFirst: o.batchFirst ?? true });
    const batches = dataLoader.length;
    if (!(batches > 0)) throw new RangeError(`${op}: the data loader yields no batches`);
    const sampleRate = 1 / batches;
    // Opacus: int(len(dataset) * sample_rate).
    const expectedBatchSize = Math.trunc(dataLoader.dataset.length * sampleRate);
    const loader =
      o.poissonSampling === false
        ? dataLoader
        : dpDataLoader(dataLoader, generator === null ? {} : { generator });
    const dpOptimizer = new DPOptimizer(optimizer, {
      noiseMultiplier,
      maxGradNorm,
      expectedBatchSize:
        lossReduction === 'mean' ? Math.max(expectedBatchSize, 1) : expectedBatchSize,
      lossReduction,
      generator,
    });
    dpOptimizer.stepHook = (opt) => {
      this.accountant.step({ noiseMultiplier: opt.noiseMultiplier, sampleRate });
    };
    return {
      module: gsm,
      optimizer: dpOptimizer,
      dataLoader: loader === dataLoader ? loader : markEmptyBatches(loader, dpOptimizer),
    };
  }

  /**
   * Makes training private with the noise multiplier that spends `targetEpsilon` (at
   * `targetDelta`) over `epochs` epochs (Opacus's `make_private_with_epsilon`).
   *
   * @param options - {@link MakePrivateOptions} without `noiseMultiplier`, plus `targetEpsilon`,
   *   `targetDelta` and `epochs`.
   * @returns As {@link PrivacyEngine.makePrivate}; `optimizer.noiseMultiplier` is the σ chosen.
   * @throws As {@link PrivacyEngine.makePrivate} and {@link getNoiseMultiplier}.
   */
  makePrivateWithEpsilon<T, B, M extends Module>(
    options: Omit<MakePrivateOptions<T, B, M>, 'noiseMultiplier'> & {
      targetEpsilon: number;
      targetDelta: number;
      epochs: number;
    },
  ): PrivateTraining<T, B, M> {
    const { targetEpsilon, targetDelta, epochs, ...rest } = options;
    const loader = rest.dataLoader;
    if (!(loader instanceof DataLoader))
      throw new TypeError(
        `PrivacyEngine.makePrivateWithEpsilon: dataLoader must be a utils.data.DataLoader, got ${describe(loader)}`,
      );
    const noiseMultiplier = getNoiseMultiplier({
      targetEpsilon,
      targetDelta,
      sampleRate: 1 / loader.length,
      epochs,
    });
    return this.makePrivate({ ...rest, noiseMultiplier });
  }

  /**
   * ε spent so far for the given δ, by the accountant.
   *
   * @param delta - The target δ in (0, 1), typically below 1 / dataset size.
   * @returns ε (0 before any private step).
   * @throws RangeError for a δ outside (0, 1).
   */
  getEpsilon(delta: number): number {
    checkDelta('PrivacyEngine.getEpsilon', delta);
    return this.accountant.getEpsilon(delta);
  }
}

/** Tells the optimizer when the loader yields an empty batch (whose step may have no backward). */
function markEmptyBatches<T, B>(
  loader: DataLoader<T, B>,
  optimizer: DPOptimizer,
): DataLoader<T, B> {
  const iterate = loader[Symbol.iterator].bind(loader);
  Object.defineProperty(loader, Symbol.iterator, {
    configurable: true,
    value: function* (): IterableIterator<B> {
      for (const batch of { [Symbol.iterator]: iterate }) {
        optimizer._emptyBatch = isEmptyBatch(batch);
        yield batch;
      }
    },
  });
  return loader;
}

function isEmptyBatch(batch: unknown): boolean {
  const first = Array.isArray(batch) ? batch[0] : batch;
  return (
    first !== null &&
    typeof first === 'object' &&
    'shape' in first &&
    Array.isArray((first as { shape: unknown }).shape) &&
    (first as { shape: number[] }).shape[0] === 0
  );
}
