/**
 * Logical reductions and order statistics: all, any, isclose, median, mode. Boolean results are
 * float32 tensors of 0 and 1 (there is one dtype).
 */
import { record } from '../autograd/node.js';
import { Tensor } from '../tensor/tensor.js';
import { normalizeDims } from '../tensor/shape.js';
import { reduceRows, rowLayout } from '../tensor/kernels/reduce.js';
import * as E from './elementwise.js';
import {
  checkTensor,
  closeMask,
  type IscloseOptions,
  lanes,
  selected,
  selectLanes,
} from './math-common.js';
import {
  reducedShape,
  reductionArgs,
  type DimOrOptions,
  type KeepdimOrOptions,
  type ReduceOptions,
  type ValuesIndices,
} from './reduce.js';
import { stableArgsort } from './stable-sort.js';
import { introsort } from './selection.js';

function truthReduce(x: Tensor, dimArg: unknown, keepArg: unknown, op: 'all' | 'any'): Tensor {
  checkTensor(x, op);
  const { dim, keepdim: keep } = reductionArgs(op, dimArg, keepArg);
  const dims = normalizeDims(dim, x.dim(), op);
  const wantAll = op === 'all';
  // A row's answer is settled by its first element whose truth differs from wantAll (NaN is
  // nonzero, so it counts as true).
  const out = reduceRows(rowLayout(x, dims), (data, start, length) => {
    for (let i = start; i < start + length; i++)
      if ((data[i] !== 0) !== wantAll) return wantAll ? 0 : 1;
    return wantAll ? 1 : 0;
  });
  return Tensor._fromData(out, reducedShape(x.shape, dims, keep));
}

/**
 * 1 where every element (over `dim`, or the whole tensor) is nonzero, else 0.
 * @param x - Input tensor.
 * @param dim - A dim, a list of dims, or omitted for all (PyTorch 2.x accepts lists).
 * @param keepdim - Keep reduced dims as size 1 (default false); also `{ keepdim }`.
 * @returns A 0/1 float tensor; `all` of an empty set is 1.
 * @throws RangeError for a dim out of range.
 * @example all(tensor([[1, 0], [1, 1]]), 1) // [0, 1]
 */
export function all(x: Tensor, dim?: DimOrOptions, keepdim?: KeepdimOrOptions): Tensor {
  return truthReduce(x, dim, keepdim, 'all');
}

/**
 * 1 where any element (over `dim`, or the whole tensor) is nonzero, else 0.
 * @param x - Input tensor.
 * @param dim - A dim, a list of dims, or omitted for all.
 * @param keepdim - Keep reduced dims as size 1 (default false); also `{ keepdim }`.
 * @returns A 0/1 float tensor; `any` of an empty set is 0.
 * @throws RangeError for a dim out of range.
 */
export function any(x: Tensor, dim?: DimOrOptions, keepdim?: KeepdimOrOptions): Tensor {
  return truthReduce(x, dim, keepdim, 'any');
}

export type { IscloseOptions };

/**
 * 1 where `|a - b| <= atol + rtol · |b|` (or `a == b`, which covers equal infinities), computed in
 * float32 as PyTorch does; with broadcasting.
 * @param a - A tensor (or a number when `b` is a tensor).
 * @param b - The reference values.
 * @param options - `{ rtol = 1e-5, atol = 1e-8, equalNan = false }`.
 * @returns A 0/1 float tensor of the broadcast shape.
 * @throws RangeError for a negative tolerance or shapes that do not broadcast.
 * @example isclose(tensor([1, 2]), tensor([1, 2.1])) // [1, 0]
 */
export function isclose(a: Tensor | number, b: Tensor | number, options?: IscloseOptions): Tensor {
  return closeMask('isclose', a, b, options);
}

/**
 * The lower median of all elements of `x`, as `torch.median(x)` (NaN if any is NaN; the gradient
 * is shared among the elements equal to it).
 *
 * @param x - Input tensor.
 * @returns A 0-d tensor.
 * @throws RangeError for an empty tensor.
 * @example median(tensor([3, 1, 2, 4])) // 2
 */
export function median(x: Tensor): Tensor;
/**
 * The lower median of each lane of `x` along `dim` and its index, as `torch.median(x, dim)` (the
 * first NaN when a lane holds one); the gradient flows to `indices`.
 *
 * @param x - Input tensor.
 * @param dim - The dim to reduce; or the options `{ dim, keepdim }`.
 * @param keepdim - Keep the reduced dim as size 1 (default false); or `{ keepdim }`.
 * @returns `{ values, indices }` (also destructurable as `[values, indices]`).
 * @throws TypeError for a non-integer dim; RangeError for a dim out of range or an empty dim.
 */
export function median(
  x: Tensor,
  dim: number | ReduceOptions,
  keepdim?: KeepdimOrOptions,
): ValuesIndices;
export function median(
  x: Tensor,
  dimArg?: number | null | ReduceOptions,
  keepArg?: KeepdimOrOptions,
): Tensor | ValuesIndices {
  checkTensor(x, 'median');
  const { dim, keepdim } = reductionArgs('median', dimArg, keepArg, undefined, true);
  if (dim === undefined) return medianAll(x);
  // reductionArgs checked that dim is one integer (single).
  const l = lanes(x, dim as number, 'median');
  checkReducible(x, l.dim, l.len, 'median');
  const { values, indices } = selectLanes(l, 1, (vals, positions) => {
    const nanAt = vals.findIndex((v) => v !== v);
    // Ascending order with ties broken by position: a strict total order, so the pick is unique.
    if (nanAt < 0) stableArgsort(vals, false, positions);
    positions[0] = nanAt >= 0 ? nanAt : positions[(l.len - 1) >> 1];
  });
  const shape = reducedShape(x.shape, [l.dim], keepdim);
  return selected(
    x,
    Tensor._fromData(values, shape),
    Tensor._fromData(indices, shape),
    l.dim,
    'MedianBackward1',
  );
}

function checkReducible(x: Tensor, dim: number, len: number, op: string): void {
  if (len === 0 && x.dim() > 0)
    throw new RangeError(`${op}(): Expected reduction dim ${dim} to have non-zero size.`);
}

function medianAll(x: Tensor): Tensor {
  const data = x._contiguousData();
  let value = NaN;
  if (data.length > 0 && !data.some((v) => v !== v)) {
    const sorted = Float32Array.from(data).sort();
    value = sorted[(data.length - 1) >> 1];
  }
  const out = E.scalar(value);
  return record(
    out,
    'MedianBackward0',
    [x],
    (g, [sx, so]) => {
      // evenly_distribute_backward: the gradient is split among the elements equal to the result
      // (among the NaNs when the result is NaN).
      const mask = Number.isNaN(so!.item()) ? E.isnan(sx!) : E.eq(sx!, so!);
      return [E.mul(E.div(mask, mask.sum()), g)];
    },
    [x, out],
  );
}

/**
 * The most frequent value along a dim (the smallest among equally frequent ones) and the index
 * PyTorch's CPU kernel reports for it, as `torch.mode`: the last occurrence for lanes of up to 16
 * elements; for longer lanes (and with NaNs, each of which counts once) the same unstable sort is
 * run so that the index is PyTorch's.
 *
 * @param x - Input tensor.
 * @param dimArg - The dim to reduce (default -1); or the options `{ dim, keepdim }`.
 * @param keepArg - Keep the reduced dim as size 1 (default false); or `{ keepdim }`.
 * @returns `{ values, indices }`; the gradient flows to `indices`.
 * @throws TypeError for a non-integer dim; RangeError for a dim out of range or an empty dim.
 * @example mode(tensor([1, 2, 2, 3])).values // 2
 */
export function mode(
  x: Tensor,
  dimArg?: number | ReduceOptions,
  keepArg?: KeepdimOrOptions,
): ValuesIndices {
  checkTensor(x, 'mode');
  const args = reductionArgs('mode', dimArg, keepArg, undefined, true);
  // reductionArgs checked that dim is one integer (single) when given.
  const dim = (args.dim as number | undefined) ?? -1;
  const keepdim = args.keepdim;
  const l = lanes(x, dim, 'mode');
  checkReducible(x, l.dim, l.len, 'mode');
  const { values, indices } = selectLanes(l, 1, (vals, positions) => {
    // PyTorch sorts (value, position) pairs by value with std::sort, which is not stable:
    // the index reported is the last of the mode's run in that order, so run the same sort.
    introsort(positions, 0, l.len, (i, j) => vals[i] < vals[j]);
    let best = 0;
    let run = 0;
    for (let i = 0; i < l.len; i++) {
      run++;
      const v = vals[positions[i]];
      if (i === l.len - 1 || vals[positions[i + 1]] !== v) {
        if (run > best) {
          best = run;
          positions[0] = positions[i];
        }
        run = 0;
      }
    }
  });
  const shape = reducedShape(x.shape, [l.dim], keepdim);
  return selected(
    x,
    Tensor._fromData(values, shape),
    Tensor._fromData(indices, shape),
    l.dim,
    'ModeBackward0',
  );
}
