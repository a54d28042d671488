/** Samplers: the order in which a DataLoader reads a dataset (`torch.utils.data.*Sampler`). */
import { Generator, defaultGenerator } from '../../random/generator.js';
import { randperm } from '../../random/sampling.js';
import { describe } from '../../tensor/tensor.js';

/**
 * One non-negative 63-bit draw, as `torch.empty((), dtype=torch.int64).random_(generator=g)`:
 * two 32-bit words (high first) reduced modulo 2^63.
 *
 * @internal
 */
export function randomInt64(generator: Generator): bigint {
  const hi = BigInt(generator.nextUint32());
  const lo = BigInt(generator.nextUint32());
  return ((hi << 32n) | lo) % (1n << 63n);
}

/**
 * Indices 0, 1, …, length − 1 in order (`SequentialSampler`).
 *
 * @example
 * ```ts
 * [...new SequentialSampler(3)]; // [0, 1, 2]
 * ```
 */
export class SequentialSampler implements Iterable<number> {
  /**
   * Creates the sampler, as `SequentialSampler(data_source)`.
   *
   * @param length - How many indices to yield (the dataset's length).
   * @throws RangeError when `length` is not a non-negative integer.
   */
  constructor(readonly length: number) {
    if (!Number.isInteger(length) || length < 0)
      throw new RangeError(
        `SequentialSampler: length must be a non-negative integer, got ${describe(length)}`,
      );
  }

  /**
   * Yields 0, 1, …, length − 1.
   *
   * @returns An iterator over the indices.
   */
  *[Symbol.iterator](): Iterator<number> {
    for (let i = 0; i < this.length; i++) yield i;
  }
}

/**
 * A fresh random permutation of 0 … length − 1 on every pass (`RandomSampler` without
 * replacement). With a `generator`, the permutation is drawn from it; without one, each pass
 * draws a seed from the default generator and permutes with a new generator seeded by it — the
 * same stream as PyTorch, so `manualSeed(s)` gives PyTorch's order for seed `s`.
 *
 * @example
 * ```ts
 * const g = new torch.Generator().manualSeed(5);
 * [...new RandomSampler(10, { generator: g })]; // PyTorch's randperm(10, generator=g)
 * ```
 */
export class RandomSampler implements Iterable<number> {
  /** The generator given, or null for the default generator's seeded stream. */
  readonly generator: Generator | null;

  /**
   * Creates the sampler, as `RandomSampler(data_source, generator=None)`.
   *
   * @param length - How many indices to permute (the dataset's length).
   * @param options - `generator`: where randomness comes from (default: a seed from the default
   *   generator on each pass).
   * @throws RangeError when `length` is not a non-negative integer; TypeError for a bad generator.
   */
  constructor(
    readonly length: number,
    options: { generator?: Generator | null } = {},
  ) {
    if (!Number.isInteger(length) || length < 0)
      throw new RangeError(
        `RandomSampler: length must be a non-negative integer, got ${describe(length)}`,
      );
    if (length === 0)
      throw new RangeError(
        'RandomSampler: num_samples should be a positive integer value, but got num_samples=0',
      );
    const g = options.generator ?? null;
    if (g !== null && !(g instanceof Generator))
      throw new TypeError(`RandomSampler: generator must be a Generator, got ${describe(g)}`);
    this.generator = g;
  }

  /**
   * Yields one fresh random permutation of 0 … length − 1 (drawing from the generator).
   *
   * @returns An iterator over the indices.
   */
  *[Symbol.iterator](): Iterator<number> {
    const g = this.generator ?? new Generator().manualSeed(randomInt64(defaultGenerator));
    const order = randperm(this.length, { generator: g }).toFloat32Array();
    for (let i = 0; i < order.length; i++) yield order[i];
    // PyTorch then draws the permutation of the remainder (length % length = 0 samples): with a
    // generator of the caller's, that draw moves its stream, so it is made here too.
    if (this.generator !== null) randperm(this.length, { generator: g });
  }
}
