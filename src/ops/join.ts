/** Joining tensors: `cat` and `stack`, each with its backward (slices of the gradient). */
import { record } from '../autograd/node.js';
import { Tensor, describe } from '../tensor/tensor.js';
import { formatShape, normalizeDim, numelOf } from '../tensor/shape.js';
import { allocForWrite } from '../tensor/kernels/arena.js';
import { narrow, unsqueeze } from './views.js';

/**
 * Concatenates tensors along an existing dim, as `torch.cat`; all sizes but `dim`'s must match.
 *
 * @param tensors - The tensors (a non-empty list).
 * @param dim - The dim to join along (default 0).
 * @returns A new tensor.
 * @throws TypeError if `tensors` is not a list of tensors.
 * @throws RangeError if the list is empty, the shapes do not match, or `dim` is out of range.
 * @example
 * ```ts
 * cat([ones(2, 3), zeros(1, 3)]).shape; // [3, 3]
 * ```
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0)
    throw new RangeError('cat(): expected a non-empty list of Tensors');
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor))
      throw new TypeError(`cat(): expected a list of Tensors, got ${describe(t)} at position ${i}`);
  });
  const first = tensors[0];
  if (first.dim() === 0)
    throw new RangeError('cat(): zero-dimensional tensor (at position 0) cannot be concatenated');
  const d = normalizeDim(dim, first.dim(), 'cat');
  tensors.forEach((t, i) => {
    const ok =
      t.dim() === first.dim() &&
      t.shape.every((s: number, k: number) => k === d || s === first.shape[k]);
    if (!ok) {
      throw new RangeError(
        `cat(): sizes of tensors must match except in dimension ${d}: tensor 0 has shape ` +
          `${formatShape(first.shape)}, tensor ${i} has shape ${formatShape(t.shape)}`,
      );
    }
  });
  const sizes = tensors.map((t) => t.shape[d]);
  const shape = [...first.shape];
  shape[d] = sizes.reduce((a, b) => a + b, 0);
  // Each input's rows of size·inner elements go to their place in the output's rows of
  // total·inner: block copies, and no view on the output (which could then not be disposed).
  const inner = numelOf(shape.slice(d + 1));
  const row = shape[d] * inner;
  const data = allocForWrite(numelOf(shape));
  let start = 0;
  tensors.forEach((t, i) => {
    const src = t._contiguousData();
    const len = sizes[i] * inner;
    for (let o = 0, at = start; o < src.length; o += len, at += row)
      data.set(src.subarray(o, o + len), at);
    start += len;
  });
  const out = Tensor._fromData(data, shape);
  return record(out, 'CatBackward0', tensors, (g) => {
    let s = 0;
    return sizes.map((len) => {
      const piece = narrow(g, d, s, len);
      s += len;
      return piece;
    });
  });
}

/**
 * Stacks tensors of equal shape along a new dim, as `torch.stack`.
 *
 * @param tensors - The tensors (a non-empty list, all of one shape).
 * @param dim - Where the new dim goes (default 0).
 * @returns A new tensor with one more dim.
 * @throws TypeError if `tensors` is not a list of tensors.
 * @throws RangeError if the list is empty, the shapes differ, or `dim` is out of range.
 * @example
 * ```ts
 * stack([tensor([1, 2]), tensor([3, 4])]).shape; // [2, 2]
 * ```
 */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0)
    throw new RangeError('stack expects a non-empty list of Tensors');
  const first = tensors[0];
  if (!(first instanceof Tensor))
    throw new TypeError(`stack: expected Tensors, got ${describe(first)}`);
  const d = normalizeDim(dim, first.dim() + 1, 'stack');
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor) || formatShape(t.shape) !== formatShape(first.shape)) {
      throw new RangeError(
        `stack expects each tensor to be equal size, but got ${formatShape(first.shape)} at entry 0 and ` +
          `${t instanceof Tensor ? formatShape(t.shape) : describe(t)} at entry ${i}`,
      );
    }
  });
  return cat(
    tensors.map((t) => unsqueeze(t, d)),
    d,
  );
}
