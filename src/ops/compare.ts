/** Function forms that dispatch like PyTorch's overloads, and whole-tensor comparisons. */
import { Tensor, assertTensor, describe } from '../tensor/tensor.js';
import { sameShape } from '../tensor/shape.js';
import {
  maxAll,
  maxDim,
  minAll,
  minDim,
  reductionArgs,
  type ReduceOptions,
  type ValuesIndices,
} from './reduce.js';
import { maximum, minimum } from './elementwise.js';
import { closeMask } from './math-common.js';

/**
 * The largest element of `x`, as `torch.max(x)` (NaN if any element is NaN).
 *
 * @param x - The input tensor.
 * @returns A 0-d tensor.
 * @throws RangeError for an empty tensor.
 */
export function max(x: Tensor): Tensor;
/**
 * The largest elements of `x` along `dim` and their positions, as `torch.max(x, dim, keepdim)`.
 *
 * @param x - The input tensor.
 * @param dim - The dim to reduce; or the options `{ dim, keepdim }`.
 * @param keepdim - Keep the reduced dim with size 1 (default `false`); or `{ keepdim }`.
 * @returns `{ values, indices }` (also destructurable as `[values, indices]`).
 * @throws RangeError if `dim` is out of range.
 */
export function max(
  x: Tensor,
  dim: number | ReduceOptions,
  keepdim?: boolean | ReduceOptions,
): ValuesIndices;
/**
 * The elementwise maximum of `x` and `other`, as `torch.max(x, other)` (see `maximum`).
 *
 * @param x - A tensor.
 * @param other - A tensor that broadcasts with `x`.
 * @returns A new tensor of the broadcast shape.
 * @throws RangeError if the shapes do not broadcast.
 */
export function max(x: Tensor, other: Tensor): Tensor;
export function max(
  x: Tensor,
  dim?: number | Tensor | null | ReduceOptions,
  keepdim?: boolean | ReduceOptions,
): Tensor | ValuesIndices {
  return extreme(x, dim, keepdim, true);
}

/**
 * The smallest element of `x`, as `torch.min(x)` (NaN if any element is NaN).
 *
 * @param x - The input tensor.
 * @returns A 0-d tensor.
 * @throws RangeError for an empty tensor.
 */
export function min(x: Tensor): Tensor;
/**
 * The smallest elements of `x` along `dim` and their positions, as `torch.min(x, dim, keepdim)`.
 *
 * @param x - The input tensor.
 * @param dim - The dim to reduce; or the options `{ dim, keepdim }`.
 * @param keepdim - Keep the reduced dim with size 1 (default `false`); or `{ keepdim }`.
 * @returns `{ values, indices }` (also destructurable as `[values, indices]`).
 * @throws RangeError if `dim` is out of range.
 */
export function min(
  x: Tensor,
  dim: number | ReduceOptions,
  keepdim?: boolean | ReduceOptions,
): ValuesIndices;
/**
 * The elementwise minimum of `x` and `other`, as `torch.min(x, other)` (see `minimum`).
 *
 * @param x - A tensor.
 * @param other - A tensor that broadcasts with `x`.
 * @returns A new tensor of the broadcast shape.
 * @throws RangeError if the shapes do not broadcast.
 */
export function min(x: Tensor, other: Tensor): Tensor;
export function min(
  x: Tensor,
  dim?: number | Tensor | null | ReduceOptions,
  keepdim?: boolean | ReduceOptions,
): Tensor | ValuesIndices {
  return extreme(x, dim, keepdim, false);
}

function extreme(
  x: Tensor,
  dimArg: number | Tensor | null | ReduceOptions | undefined,
  keepArg: boolean | ReduceOptions | undefined,
  largest: boolean,
): Tensor | ValuesIndices {
  const op = largest ? 'max' : 'min';
  assertTensor(x, op);
  if (dimArg instanceof Tensor) {
    if (keepArg !== undefined)
      throw new TypeError(`${op}: unexpected argument ${describe(keepArg)} after the other tensor`);
    return largest ? maximum(x, dimArg) : minimum(x, dimArg);
  }
  const { dim, keepdim } = reductionArgs(op, dimArg, keepArg, undefined, true);
  if (dim === undefined) {
    if (keepArg !== undefined || keepdim)
      throw new TypeError(`${op}: keepdim needs a dim (${op}() over every element has no keepdim)`);
    return largest ? maxAll(x) : minAll(x);
  }
  return largest ? maxDim(x, dim as number, keepdim) : minDim(x, dim as number, keepdim);
}

function checkTwoTensors(op: string, a: unknown, b: unknown): void {
  if (!(a instanceof Tensor) || !(b instanceof Tensor))
    throw new TypeError(`${op}: expected two Tensors, got ${describe(a)} and ${describe(b)}`);
}

/**
 * Whether `a` and `b` have the same shape and elements, as `torch.equal` (NaN is never equal).
 *
 * @param a - A tensor.
 * @param b - A tensor.
 * @returns `true` or `false`.
 * @throws TypeError if an argument is not a Tensor.
 */
export function equal(a: Tensor, b: Tensor): boolean {
  checkTwoTensors('equal', a, b);
  if (!sameShape(a.shape, b.shape)) return false;
  const x = a._contiguousData();
  const y = b._contiguousData();
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/**
 * Whether `|a - b| <= atol + rtol · |b|` holds for every element (after broadcasting), as
 * `torch.allclose`.
 *
 * @param a - A tensor.
 * @param b - A tensor.
 * @param options - `rtol` (default 1e-5), `atol` (default 1e-8), `equalNan` (default `false`).
 * @returns `true` or `false`.
 * @throws TypeError if an argument is not a Tensor.
 * @throws TypeError for an unknown or mistyped option.
 * @throws RangeError if the shapes do not broadcast or a tolerance is negative.
 */
export function allclose(
  a: Tensor,
  b: Tensor,
  options: { rtol?: number; atol?: number; equalNan?: boolean } = {},
): boolean {
  checkTwoTensors('allclose', a, b);
  // PyTorch's allclose is isclose(...).all(): the same float32 comparison.
  return !closeMask('allclose', a, b, options)._contiguousData().includes(0);
}
