/** `torch.utils.data.DataLoader`: batches of a dataset, in PyTorch's order for the same seed. */
import { Generator, defaultGenerator } from '../../random/generator.js';
import { Tensor, describe } from '../../tensor/tensor.js';
import { zeros } from '../../tensor/creation.js';
import { checkOptions } from '../../tensor/options.js';
import { defaultCollate, type Collated } from './collate.js';
import { TensorDataset, isDatasetLike, itemOf, type DatasetLike } from './dataset.js';
import { RandomSampler, SequentialSampler, randomInt64 } from './samplers.js';

/** What `defaultCollate` makes of a batch of samples of type `T`. */
export type Batch<T> = T extends Tensor
  ? Tensor
  : T extends number
    ? Tensor
    : T extends string
      ? string[]
      : T extends readonly unknown[]
        ? { -readonly [K in keyof T]: Batch<T[K]> }
        : T extends object
          ? { [K in keyof T]: Batch<T[K]> }
          : never;

/** Options of {@link DataLoader}, PyTorch's keyword arguments in camelCase. */
export interface DataLoaderOptions<T, B> {
  /** Samples per batch (default 1); `null` yields single samples, uncollated. */
  batchSize?: number | null;
  /** A new random order on every pass (default false). */
  shuffle?: boolean;
  /** Leave out the last batch when it is smaller than `batchSize` (default false). */
  dropLast?: boolean;
  /** The source of the shuffle's randomness and of the per-pass seed (default: the default generator). */
  generator?: Generator | null;
  /** Custom order of sample indices; excludes `shuffle`. */
  sampler?: Iterable<number> | null;
  /** Custom batches of indices (each may be empty); excludes batchSize, shuffle, sampler, dropLast. */
  batchSampler?: Iterable<readonly number[]> | null;
  /** Turns a list of samples into a batch (default {@link defaultCollate}). */
  collateFn?: ((samples: T[]) => B) | null;
}

const SPEC = {
  batchSize: 'integer|null',
  shuffle: 'boolean',
  dropLast: 'boolean',
  generator: {
    test: (v: unknown) => v === null || v instanceof Generator,
    expected: 'a Generator or null',
  },
  sampler: 'object|null',
  batchSampler: 'object|null',
  collateFn: 'function|null',
  numWorkers: 'integer',
} as const;

/**
 * Iterates over a dataset in batches (`torch.utils.data.DataLoader`, single process). Each pass
 * (`for … of`) first draws a 64-bit base seed from the generator, as PyTorch's iterator does, so
 * that with the same `manualSeed` the shuffled order — and every random draw after it — is
 * PyTorch's.
 *
 * @typeParam T - A sample (for a {@link TensorDataset}: an array of tensors).
 * @typeParam B - A batch (by default tensors stacked along a new dim 0).
 * @example
 * ```ts
 * torch.manualSeed(0);
 * const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 32, shuffle: true });
 * for (const [xb, yb] of loader) {
 *   const loss = F.mseLoss(model.call(xb), yb);
 * }
 * ```
 */
export class DataLoader<T = unknown, B = Batch<T>> implements Iterable<B> {
  /** The dataset read. */
  readonly dataset: DatasetLike<T>;
  /** Samples per batch, or null for unbatched samples. */
  readonly batchSize: number | null;
  /** Whether a short last batch is dropped. */
  readonly dropLast: boolean;
  /** The generator of the shuffle and per-pass seed, or null for the default generator. */
  readonly generator: Generator | null;
  /** The order of sample indices. */
  readonly sampler: Iterable<number>;
  private readonly batchSampler: Iterable<readonly number[]> | null;
  private readonly collateFn: (samples: T[]) => B;

  /**
   * Creates the loader, as `DataLoader(dataset, batch_size=1, shuffle=False, ...)`.
   *
   * @param dataset - A {@link Dataset} (anything with `length` and `getItem(i)`) or an array.
   * @param options - See {@link DataLoaderOptions}; unknown keys throw.
   * @throws TypeError for a bad dataset or option; RangeError for a batch size below 1; Error for
   *   PyTorch's mutually exclusive options (sampler with shuffle, batchSampler with batchSize…).
   */
  constructor(dataset: DatasetLike<T>, options: DataLoaderOptions<T, B> = {}) {
    if (!isDatasetLike(dataset))
      throw new TypeError(
        `DataLoader: dataset must be an array or have length and getItem(i), got ${describe(dataset)}`,
      );
    const o = checkOptions<DataLoaderOptions<T, B> & { numWorkers?: number }>(
      'DataLoader',
      options,
      SPEC,
    );
    if (o.numWorkers !== undefined && o.numWorkers !== 0)
      throw new RangeError(`DataLoader: numWorkers must be 0 (one thread), got ${o.numWorkers}`);
    const batchSize = o.batchSize === undefined ? 1 : o.batchSize;
    if (batchSize !== null && batchSize < 1)
      throw new RangeError(
        `DataLoader: batchSize should be a positive integer value, but got batchSize=${batchSize}`,
      );
    const shuffle = o.shuffle ?? false;
    const sampler = o.sampler ?? null;
    const batchSampler = o.batchSampler ?? null;
    if (sampler !== null && shuffle)
      throw new Error('DataLoader: option sampler is mutually exclusive with shuffle');
    if (
      batchSampler !== null &&
      ((o.batchSize !== undefined && o.batchSize !== 1) ||
        shuffle ||
        sampler !== null ||
        o.dropLast)
    )
      throw new Error(
        'DataLoader: option batchSampler is mutually exclusive with batchSize, shuffle, sampler, and dropLast',
      );
    for (const [name, it] of [
      ['sampler', sampler],
      ['batchSampler', batchSampler],
    ] as const) {
      if (it !== null && typeof (it as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function')
        throw new TypeError(`DataLoader: ${name} must be iterable, got ${describe(it)}`);
    }
    this.dataset = dataset;
    this.generator = o.generator ?? null;
    this.batchSize = batchSampler !== null ? null : batchSize;
    this.dropLast = o.dropLast ?? false;
    this.sampler =
      sampler ??
      (shuffle
        ? new RandomSampler(dataset.length, { generator: this.generator })
        : new SequentialSampler(dataset.length));
    this.batchSampler = batchSampler;
    this.collateFn = o.collateFn ?? ((samples: T[]) => this.collate(samples));
  }

  /** The number of batches a pass yields (PyTorch's `len(loader)`). */
  get length(): number {
    if (this.batchSampler !== null) {
      const n = (this.batchSampler as { length?: unknown }).length;
      if (typeof n === 'number') return n;
      throw new TypeError('DataLoader.length: the batchSampler has no length');
    }
    const n = (this.sampler as { length?: unknown }).length;
    const count = typeof n === 'number' ? n : this.dataset.length;
    if (this.batchSize === null) return count;
    return this.dropLast ? Math.floor(count / this.batchSize) : Math.ceil(count / this.batchSize);
  }

  /**
   * One pass over the dataset (an epoch), as iterating a PyTorch DataLoader: yields batches of
   * `batchSize` samples collated into tensors (the last one shorter unless `dropLast`), in the
   * sampler's order. Each pass draws from the generator as PyTorch does, so shuffled orders match
   * PyTorch's for the same seed.
   *
   * @returns An iterator over the batches.
   * @throws Error if the dataset throws for an index, or samples cannot be collated.
   */
  *[Symbol.iterator](): Iterator<B> {
    // PyTorch's iterator draws its base seed (for workers) before reading the sampler.
    randomInt64(this.generator ?? defaultGenerator);
    if (this.batchSampler !== null) {
      for (const indices of this.batchSampler)
        yield this.collateFn(indices.map((i) => itemOf(this.dataset, i)));
      return;
    }
    if (this.batchSize === null) {
      for (const i of this.sampler) yield itemOf(this.dataset, i) as unknown as B;
      return;
    }
    let batch: T[] = [];
    for (const i of this.sampler) {
      batch.push(itemOf(this.dataset, i));
      if (batch.length === this.batchSize) {
        yield this.collateFn(batch);
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield this.collateFn(batch);
  }

  /** Default batching; an empty batch of a TensorDataset is tensors with 0 rows. */
  private collate(samples: T[]): B {
    if (samples.length === 0 && this.dataset instanceof TensorDataset) {
      return this.dataset.tensors.map((t) => zeros([0, ...t.shape.slice(1)])) as unknown as B;
    }
    return defaultCollate(samples) as Collated as unknown as B;
  }
}
