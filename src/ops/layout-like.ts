/**
 * Output layouts of ops that PyTorch allocates like their inputs (`empty_like` with the preserve
 * memory format, or TensorIterator): a transposed input gives a transposed output. The layout is
 * observable: it decides whether a later `view` is allowed and whether `reshape` aliases or copies.
 */
import { Tensor } from '../tensor/tensor.js';
import { Storage } from '../tensor/storage.js';
import type { Shape } from '../tensor/shape.js';
import { elementwiseStrides, layOut } from '../tensor/layout.js';

/**
 * A tensor holding row-major `values`, laid out as PyTorch lays out the output of an op over
 * `inputs`: row-major when they all are, their strides when they are dense alike, otherwise their
 * dims' memory order.
 *
 * @param values - The output's elements in row-major order (taken over, not copied, when the
 *   layout is row-major).
 * @param shape - The output's shape.
 * @param inputs - The op's tensor inputs, whose layout the output follows.
 * @returns The output tensor.
 */
export function laidOutLike(values: Float32Array, shape: Shape, inputs: readonly Tensor[]): Tensor {
  if (inputs.every((t) => t.isContiguous())) return Tensor._fromData(values, shape);
  const strides = elementwiseStrides(shape, inputs);
  return new Tensor(new Storage(layOut(values, shape, strides)), shape, strides);
}
