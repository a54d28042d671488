/** Batching samples: PyTorch's `default_collate` for tensors, numbers, arrays and records. */
import { Tensor, describe } from '../../tensor/tensor.js';
import { tensor } from '../../tensor/creation.js';
import { stack } from '../../ops/join.js';

/** A batch built from samples of type `T` (tensors stacked, numbers turned into a 1-D tensor). */
export type Collated = Tensor | Collated[] | { [key: string]: Collated } | string[];

/**
 * Stacks a list of samples into a batch, as PyTorch's `default_collate`: tensors are stacked along
 * a new dim 0, numbers become a 1-D tensor, strings a list, and arrays and plain objects are
 * collated element by element (so a sample `[x, y]` gives a batch `[xs, ys]`).
 *
 * @param samples - The samples of one batch; at least one.
 * @returns The batch.
 * @throws TypeError when samples mix kinds, arrays differ in length, or a value cannot be batched.
 * @example
 * ```ts
 * defaultCollate([[torch.tensor([1, 2]), 0], [torch.tensor([3, 4]), 1]]);
 * // [tensor([[1., 2.], [3., 4.]]), tensor([0., 1.])]
 * ```
 */
export function defaultCollate(samples: readonly unknown[]): Collated {
  if (samples.length === 0) throw new RangeError('defaultCollate: expected at least one sample');
  const first = samples[0];
  if (first instanceof Tensor) {
    samples.forEach((s, i) => {
      if (!(s instanceof Tensor))
        throw new TypeError(`defaultCollate: sample ${i} is ${describe(s)}, sample 0 is a Tensor`);
    });
    return stack(samples as Tensor[], 0);
  }
  if (typeof first === 'number') {
    samples.forEach((s, i) => {
      if (typeof s !== 'number')
        throw new TypeError(`defaultCollate: sample ${i} is ${describe(s)}, sample 0 is a number`);
    });
    return tensor(samples as number[]);
  }
  if (typeof first === 'string') return [...(samples as string[])];
  if (Array.isArray(first)) {
    const n = first.length;
    samples.forEach((s, i) => {
      if (!Array.isArray(s) || s.length !== n)
        throw new TypeError(
          `defaultCollate: each element in list of batch should be of equal size (sample ${i})`,
        );
    });
    return first.map((_, k) => defaultCollate(samples.map((s) => (s as unknown[])[k])));
  }
  if (first !== null && typeof first === 'object') {
    const out: Record<string, Collated> = {};
    for (const key of Object.keys(first)) {
      out[key] = defaultCollate(samples.map((s) => (s as Record<string, unknown>)[key]));
    }
    return out;
  }
  throw new TypeError(
    `defaultCollate: batch must contain tensors, numbers, strings, arrays or objects; found ${describe(first)}`,
  );
}
