/**
 * Poisson sampling for DP-SGD (Opacus's `DPDataLoader` and `UniformWithReplacementSampler`):
 * every batch includes each example independently with probability q, so batch sizes vary and a
 * batch may be empty — the sampling the RDP analysis of the sampled Gaussian mechanism assumes.
 */
import { Tensor, describe } from '../../../tensor/tensor.js';
import { zeros } from '../../../tensor/creation.js';
import { rand } from '../../../random/sampling.js';
import { Generator } from '../../../random/generator.js';
import { DataLoader } from '../../data/dataloader.js';
import { TensorDataset, itemOf, type DatasetLike } from '../../data/dataset.js';
import { defaultCollate } from '../../data/collate.js';

/**
 * Batches of indices drawn by Poisson sampling: each of `numSamples` examples is in a batch with
 * probability `sampleRate`, independently (one `rand(numSamples) < sampleRate` per batch, as
 * Opacus draws it, so a seed gives PyTorch's batches); `floor(1 / sampleRate)` batches per pass.
 *
 * @example
 * const sampler = new UniformWithReplacementSampler({ numSamples: 1000, sampleRate: 0.01 });
 * const loader = new utils.data.DataLoader(dataset, { batchSampler: sampler });
 */
export class UniformWithReplacementSampler implements Iterable<number[]> {
  /** The dataset size. */
  readonly numSamples: number;
  /** The probability q that an example is in a batch. */
  readonly sampleRate: number;
  /** The source of randomness, or null for the default generator. */
  readonly generator: Generator | null;
  /** Batches per pass: floor(1 / sampleRate). */
  readonly steps: number;

  /**
   * Creates the sampler, as Opacus's `UniformWithReplacementSampler`: each sample joins each batch
   * independently with probability `sampleRate` (Poisson sampling).
   *
   * @param options - `numSamples` (≥ 1), `sampleRate` (in (0, 1]), `generator` (default: the
   *   default generator), `steps` (default floor(1 / sampleRate)).
   * @throws RangeError for sizes or rates out of range.
   */
  constructor(options: {
    numSamples: number;
    sampleRate: number;
    generator?: Generator | null;
    steps?: number;
  }) {
    const { numSamples, sampleRate, generator = null } = options;
    if (!Number.isInteger(numSamples) || numSamples < 1)
      throw new RangeError(
        `UniformWithReplacementSampler: numSamples must be an integer >= 1, got ${describe(numSamples)}`,
      );
    if (typeof sampleRate !== 'number' || !(sampleRate > 0 && sampleRate <= 1))
      throw new RangeError(
        `UniformWithReplacementSampler: sampleRate must be a number in (0, 1], got ${describe(sampleRate)}`,
      );
    if (generator !== null && !(generator instanceof Generator))
      throw new TypeError(
        `UniformWithReplacementSampler: generator must be a Generator or null, got ${describe(generator)}`,
      );
    this.numSamples = numSamples;
    this.sampleRate = sampleRate;
    this.generator = generator;
    this.steps = options.steps ?? Math.floor(1 / sampleRate);
  }

  /** Batches per pass (the loader's `length`). */
  get length(): number {
    return this.steps;
  }

  /**
   * One pass: `steps` batches of sample indices, each drawn by Poisson sampling (possibly empty).
   *
   * @returns An iterator over the batches of indices.
   */
  *[Symbol.iterator](): Iterator<number[]> {
    const q = Math.fround(this.sampleRate);
    for (let b = 0; b < this.steps; b++) {
      const u = (
        this.generator === null
          ? rand(this.numSamples)
          : rand(this.numSamples, { generator: this.generator })
      )._contiguousData();
      const indices: number[] = [];
      for (let i = 0; i < u.length; i++) if (u[i] < q) indices.push(i);
      yield indices;
    }
  }
}

/** An empty batch shaped like the dataset's samples: every tensor gets 0 rows. */
function emptyLike(sample: unknown): unknown {
  if (sample instanceof Tensor) return zeros([0, ...sample.shape]);
  if (typeof sample === 'number') return zeros([0]);
  if (typeof sample === 'string') return [];
  if (Array.isArray(sample)) return sample.map(emptyLike);
  if (sample !== null && typeof sample === 'object')
    return Object.fromEntries(Object.entries(sample).map(([k, v]) => [k, emptyLike(v)]));
  return [];
}

/**
 * A data loader with Poisson sampling over the dataset of `dataLoader` (Opacus's
 * `DPDataLoader.from_data_loader`): sample rate q = 1 / `dataLoader.length`, as many batches per
 * pass as the original had; an empty batch is the dataset's tensors with 0 rows.
 *
 * @param dataLoader - The original loader (its dataset and collate function are reused).
 * @param options - `generator`: the source of the sampling's randomness (default: the loader's, else the default generator).
 * @returns A `DataLoader` whose `batchSampler` is a {@link UniformWithReplacementSampler}.
 * @throws RangeError for an empty loader or dataset.
 */
export function dpDataLoader<T, B>(
  dataLoader: DataLoader<T, B>,
  options: { generator?: Generator | null } = {},
): DataLoader<T, B> {
  if (!(dataLoader instanceof DataLoader))
    throw new TypeError(
      `dpDataLoader: expected a utils.data.DataLoader, got ${describe(dataLoader)}`,
    );
  const dataset = dataLoader.dataset as DatasetLike<T>;
  const batches = dataLoader.length;
  if (!(batches > 0) || dataset.length === 0)
    throw new RangeError('dpDataLoader: the data loader yields no batches');
  const generator = options.generator ?? dataLoader.generator ?? null;
  const sampler = new UniformWithReplacementSampler({
    numSamples: dataset.length,
    sampleRate: 1 / batches,
    generator,
  });
  const own = (dataLoader as unknown as { collateFn?: (s: T[]) => B }).collateFn;
  const collate = (samples: T[]): B => {
    if (samples.length === 0 && !(dataset instanceof TensorDataset))
      return emptyLike(itemOf(dataset, 0)) as B;
    return own ? own(samples) : (defaultCollate(samples) as unknown as B);
  };
  return new DataLoader<T, B>(dataset, { batchSampler: sampler, generator, collateFn: collate });
}
