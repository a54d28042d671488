/** Function forms that dispatch like PyTorch's overloads, and whole-tensor comparisons. */
import { Tensor, describe } from '../tensor/tensor.js';
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

/** `torch.max(x)`, `torch.max(x, dim, keepdim?)` → `{ values, indices }`, `torch.max(x, other)`. */
export function max(x: Tensor): Tensor;
export function max(
  x: Tensor,
  dim: number | ReduceOptions,
  keepdim?: boolean | ReduceOptions,
): ValuesIndices;
export function max(x: Tensor, other: Tensor): Tensor;
export function max(
  x: Tensor,
  dim?: number | Tensor | null | ReduceOptions,
  keepdim?: boolean | ReduceOptions,
): Tensor | ValuesIndices {
  return extreme(x, dim, keepdim, true);
}

/** `torch.min`, with the same three forms as `max`. */
export function min(x: Tensor): Tensor;
export function min(
  x: Tensor,
  dim: number | ReduceOptions,
  keepdim?: boolean | ReduceOptions,
): ValuesIndices;
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
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${describe(x)}`);
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
