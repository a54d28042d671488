/** Datasets: what a DataLoader reads samples from (`torch.utils.data.Dataset`). */
import { Tensor, describe } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';

/**
 * A map-style dataset: `length` samples, read one at a time by index (PyTorch's `__len__` and
 * `__getitem__`). Plain arrays are datasets too.
 */
export interface Dataset<T> {
  /** How many samples the dataset holds. */
  readonly length: number;
  /**
   * The sample at `index` (PyTorch's `__getitem__`).
   *
   * @param index - 0 ≤ index < length.
   * @returns The sample.
   */
  getItem(index: number): T;
}

/** Anything a DataLoader accepts as a dataset: a {@link Dataset} or a plain array of samples. */
export type DatasetLike<T> = Dataset<T> | readonly T[];

/**
 * Tensors that share their first dimension; sample `i` is the array of their `i`-th rows
 * (`torch.utils.data.TensorDataset`).
 *
 * @example
 * ```ts
 * const ds = new TensorDataset(torch.randn(100, 3), torch.randn(100));
 * const [x0, y0] = ds.getItem(0); // shapes [3] and []
 * ```
 */
export class TensorDataset implements Dataset<Tensor[]> {
  /** The tensors, in the order given. */
  readonly tensors: readonly Tensor[];

  /**
   * Creates the dataset, as `TensorDataset(*tensors)`.
   *
   * @param tensors - One or more tensors with the same size in dimension 0.
   * @throws TypeError when an argument is not a Tensor; RangeError when there is none, one is 0-d,
   *   or their first dimensions differ ("Size mismatch between tensors", as PyTorch).
   */
  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new RangeError('TensorDataset: expected at least one tensor');
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor))
        throw new TypeError(`TensorDataset: argument ${i} must be a Tensor, got ${describe(t)}`);
      if (t.dim() === 0)
        throw new RangeError(`TensorDataset: argument ${i} is 0-d; every tensor needs a dim 0`);
    });
    const n = tensors[0].shape[0];
    tensors.forEach((t, i) => {
      if (t.shape[0] !== n) {
        throw new RangeError(
          `TensorDataset: Size mismatch between tensors: tensor 0 has shape ${formatShape(tensors[0].shape)}, ` +
            `tensor ${i} has shape ${formatShape(t.shape)}`,
        );
      }
    });
    this.tensors = tensors;
  }

  /** The number of samples: the tensors' common size in dimension 0. */
  get length(): number {
    return this.tensors[0].shape[0];
  }

  /**
   * The `index`-th row of every tensor (views, as PyTorch's `tensor[index]`).
   *
   * @param index - A sample index; negative values count from the end.
   * @returns One row per tensor.
   * @throws RangeError when `index` is out of range or not an integer.
   */
  getItem(index: number): Tensor[] {
    const n = this.length;
    if (!Number.isInteger(index) || index < -n || index >= n)
      throw new RangeError(
        `TensorDataset.getItem: index ${index} is out of range for ${n} samples`,
      );
    return this.tensors.map((t) => t.select(0, index));
  }
}

/** @internal Reads sample `i` of an array or a Dataset. */
export function itemOf<T>(dataset: DatasetLike<T>, index: number): T {
  return Array.isArray(dataset)
    ? (dataset as readonly T[])[index]
    : (dataset as Dataset<T>).getItem(index);
}

/** @internal Whether `value` can serve as a dataset. */
export function isDatasetLike(value: unknown): value is DatasetLike<unknown> {
  if (Array.isArray(value)) return true;
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { getItem?: unknown }).getItem === 'function' &&
    typeof (value as { length?: unknown }).length === 'number'
  );
}
