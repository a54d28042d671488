/** Function forms that dispatch like PyTorch's overloads, and whole-tensor comparisons. */
import { Tensor, describe } from '../tensor/tensor.js';
import { sameShape } from '../tensor/shape.js';
import { maxAll, maxDim, minAll, minDim, type ValuesIndices } from './reduce.js';
import { maximum, minimum } from './elementwise.js';

/** `torch.max(x)`, `torch.max(x, dim, keepdim?)` → `{ values, indices }`, `torch.max(x, other)`. */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, dim?: number | Tensor, keepdim = false): Tensor | ValuesIndices {
  if (dim === undefined) return maxAll(x);
  if (dim instanceof Tensor) return maximum(x, dim);
  return maxDim(x, dim, keepdim);
}

/** `torch.min`, with the same three forms as `max`. */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, dim?: number | Tensor, keepdim = false): Tensor | ValuesIndices {
  if (dim === undefined) return minAll(x);
  if (dim instanceof Tensor) return minimum(x, dim);
  return minDim(x, dim, keepdim);
}

/** True when both have the same shape and elements (NaN unequal, as `torch.equal`). */
export function equal(a: Tensor, b: Tensor): boolean {
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) {
    throw new TypeError(`equal: expected two Tensors, got ${describe(a)} and ${describe(b)}`);
  }
  if (!sameShape(a.shape, b.shape)) return false;
  const x = a._contiguousData();
  const y = b._contiguousData();
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** |a - b| <= atol + rtol * |b| elementwise, with broadcasting (as `torch.allclose`). */
export function allclose(
  a: Tensor,
  b: Tensor,
  options: { rtol?: number; atol?: number; equalNan?: boolean } = {},
): boolean {
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) {
    throw new TypeError(`allclose: expected two Tensors, got ${describe(a)} and ${describe(b)}`);
  }
  const rtol = options.rtol ?? 1e-5;
  const atol = options.atol ?? 1e-8;
  const equalNan = options.equalNan ?? false;
  const pairs = a.sub(b).detach(); // validates broadcasting
  const x = a.expand(pairs.shape as number[]).toFloat32Array();
  const y = b.expand(pairs.shape as number[]).toFloat32Array();
  for (let i = 0; i < x.length; i++) {
    const p = x[i];
    const q = y[i];
    if (p === q) continue;
    if (Number.isNaN(p) || Number.isNaN(q)) {
      if (equalNan && Number.isNaN(p) && Number.isNaN(q)) continue;
      return false;
    }
    if (!(Math.abs(p - q) <= atol + rtol * Math.abs(q))) return false;
  }
  return true;
}
