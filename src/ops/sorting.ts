/**
 * Sorting and selection along a dim: sort, argsort, topk, kthvalue and unique. NaN counts as the
 * largest value (as in PyTorch and NumPy); `sort` is stable; `topk` and `kthvalue` leave ties in
 * the order PyTorch's CPU kernels do. Values take gradients at the positions they came from.
 */
import { Tensor } from '../tensor/tensor.js';
import { checkOptions } from '../tensor/options.js';
import { checkBool, checkInteger, normalizeDim } from '../tensor/shape.js';
import { checkDim, checkTensor, lanes, selected, selectLanes } from './math-common.js';
import { reducedShape, type ValuesIndices } from './reduce.js';
import { introsort, nthElement, partialSort, quickSelect } from './selection.js';
import { stableArgsort } from './stable-sort.js';
import { laidOutLike } from './layout-like.js';
import { withDim } from './scatter-gather.js';

/** a < b with NaN above everything. */
export const ascending = (a: number, b: number): boolean => a < b || (b !== b && a === a);
/** a > b with NaN above everything. */
export const descending = (a: number, b: number): boolean => a > b || (a !== a && b === b);

/** Options of {@link sort} and {@link argsort}. */
export interface SortOptions {
  /** The dim to sort along. Default -1. */
  dim?: number;
  /** Largest first. Default false. */
  descending?: boolean;
  /** Keep equal elements in their original order (always the case here). Default false. */
  stable?: boolean;
}

function sortArgs(
  op: string,
  dimOrOptions: number | SortOptions | undefined,
  desc: boolean | undefined,
): { dim: number; descending: boolean } {
  if (dimOrOptions !== null && typeof dimOrOptions === 'object') {
    const o = checkOptions<SortOptions>(op, dimOrOptions, {
      dim: 'integer',
      descending: 'boolean',
      stable: 'boolean',
    });
    return { dim: o.dim ?? -1, descending: o.descending ?? false };
  }
  const dim = dimOrOptions ?? -1;
  checkDim(dim, op);
  const d = desc ?? false;
  checkBool(d, op, 'descending');
  return { dim, descending: d };
}

function sortForward(x: Tensor, dim: number, desc: boolean, op: string): ValuesIndices {
  checkTensor(x, op);
  const l = lanes(x, dim, op);
  const { values, indices } = selectLanes(l, l.len, (vals, positions) =>
    stableArgsort(vals, desc, positions),
  );
  const shape = x.shape;
  // Laid out as the input, as PyTorch's sort allocates its outputs.
  return selected(
    x,
    laidOutLike(values, shape, [x]),
    laidOutLike(indices, shape, [x]),
    l.dim,
    'SortBackward0',
  );
}

/**
 * Sorts along a dim (stably; NaN sorts as the largest value).
 * @param x - Input tensor.
 * @param dim - The dim to sort along (default -1), or an options object `{ dim, descending, stable }`.
 * @param descending - Largest first (default false).
 * @returns `{ values, indices }` (also `[values, indices]`); gradients flow to the original positions.
 * @throws TypeError for a non-integer dim or bad options; RangeError for a dim out of range.
 * @example sort(tensor([3, 1, 2])).values // [1, 2, 3]
 */
export function sort(x: Tensor, dim?: number | SortOptions, descending?: boolean): ValuesIndices {
  const a = sortArgs('sort', dim, descending);
  return sortForward(x, a.dim, a.descending, 'sort');
}

/**
 * The indices that sort a dim (stably; NaN as the largest value).
 * @param x - Input tensor.
 * @param dim - The dim (default -1), or `{ dim, descending, stable }`.
 * @param descending - Largest first (default false).
 * @returns Indices (float32 integers) of `x`'s shape.
 * @throws TypeError for a non-integer dim or bad options; RangeError for a dim out of range.
 */
export function argsort(x: Tensor, dim?: number | SortOptions, descending?: boolean): Tensor {
  const a = sortArgs('argsort', dim, descending);
  return sortForward(x.detach(), a.dim, a.descending, 'argsort').indices;
}

/** Options of {@link topk}. */
export interface TopkOptions {
  /** The dim to select along. Default -1. */
  dim?: number;
  /** Take the largest (true, default) or the smallest elements. */
  largest?: boolean;
  /** Return them in order (default true); unsorted results keep PyTorch's CPU order. */
  sorted?: boolean;
}

/**
 * The `k` largest (or smallest) elements along a dim, with PyTorch's CPU tie order.
 * @param x - Input tensor.
 * @param k - How many to take (0 ≤ k ≤ size of the dim).
 * @param dim - The dim (default -1), or an options object `{ dim, largest, sorted }`.
 * @param largest - Largest (default true) or smallest.
 * @param sorted - Return them in order (default true).
 * @returns `{ values, indices }` with size `k` along `dim`; gradients flow to the taken positions.
 * @throws TypeError for a non-integer k or dim; RangeError for k or dim out of range.
 * @example topk(tensor([1, 5, 3]), 2).values // [5, 3]
 */
export function topk(
  x: Tensor,
  k: number,
  dim?: number | TopkOptions,
  largest?: boolean,
  sorted?: boolean,
): ValuesIndices {
  checkTensor(x, 'topk');
  let o: TopkOptions;
  if (dim !== null && typeof dim === 'object')
    o = checkOptions<TopkOptions>('topk', dim, {
      dim: 'integer',
      largest: 'boolean',
      sorted: 'boolean',
    });
  else o = { dim, largest, sorted };
  const d = o.dim ?? -1;
  const big = o.largest ?? true;
  const inOrder = o.sorted ?? true;
  checkDim(d, 'topk');
  checkBool(big, 'topk', 'largest');
  checkBool(inOrder, 'topk', 'sorted');
  checkInteger(k, 'topk', 'k');
  const l = lanes(x, d, 'topk');
  if (k < 0 || k > l.len)
    throw new RangeError(
      `topk: selected index k out of range (k = ${k}, dimension ${l.dim} has size ${l.len})`,
    );
  const better = big ? descending : ascending;
  const { values, indices } = selectLanes(l, k, (vals, positions) => {
    if (k === 0) return;
    const less = (i: number, j: number) => better(vals[i], vals[j]);
    const n = positions.length;
    // PyTorch's CPU topk: a partial sort when k is small against the size, else nth_element
    // followed by a sort of the first k - 1.
    if (k * 64 <= n) partialSort(positions, 0, k, n, less);
    else {
      nthElement(positions, 0, k - 1, n, less);
      if (inOrder) introsort(positions, 0, k - 1, less);
    }
  });
  const shape = withDim(x, l.dim, k);
  return selected(
    x,
    Tensor._fromData(values, shape),
    Tensor._fromData(indices, shape),
    l.dim,
    'TopkBackward0',
  );
}

/**
 * The k-th smallest element along a dim (NaN as the largest), with PyTorch's CPU tie order.
 * @param x - Input tensor.
 * @param k - 1-based rank (1 ≤ k ≤ size of the dim).
 * @param dim - The dim (default -1).
 * @param keepdim - Keep the reduced dim as size 1 (default false).
 * @returns `{ values, indices }`; the gradient flows to the selected position.
 * @throws TypeError for a non-integer k or dim; RangeError for k or dim out of range.
 * @example kthvalue(tensor([3, 1, 2]), 2).values // 2
 */
export function kthvalue(
  x: Tensor,
  k: number,
  dim: number | { dim?: number; keepdim?: boolean } = -1,
  keepdim = false,
): ValuesIndices {
  checkTensor(x, 'kthvalue');
  if (dim !== null && typeof dim === 'object') {
    const o = checkOptions<{ dim?: number; keepdim?: boolean }>('kthvalue', dim, {
      dim: 'integer',
      keepdim: 'boolean',
    });
    return kthvalue(x, k, o.dim ?? -1, o.keepdim ?? false);
  }
  checkDim(dim, 'kthvalue');
  checkBool(keepdim, 'kthvalue', 'keepdim');
  checkInteger(k, 'kthvalue', 'k');
  const l = lanes(x, dim, 'kthvalue');
  if (k < 1 || k > l.len)
    throw new RangeError(
      `kthvalue: selected number k out of range for dimension ${l.dim} (k = ${k}, size ${l.len})`,
    );
  const { values, indices } = selectLanes(l, 1, (vals, positions) => {
    quickSelect(positions, k - 1, (i, j) => descending(vals[i], vals[j]));
    positions[0] = positions[k - 1];
  });
  const shape = reducedShape(x.shape, [l.dim], keepdim);
  return selected(
    x,
    Tensor._fromData(values, shape),
    Tensor._fromData(indices, shape),
    l.dim,
    'KthvalueBackward0',
  );
}

/** Options of {@link unique}. */
export interface UniqueOptions {
  /** Sort the unique values ascending (they always are here; see the docs). Default true. */
  sorted?: boolean;
  /** Also return, for each input element (or slice), the index of its unique value. */
  returnInverse?: boolean;
  /** Also return how often each unique value occurs. */
  returnCounts?: boolean;
  /** Unique slices along this dim instead of unique elements. */
  dim?: number | null;
}

/** `[values, inverse?, counts?]` in PyTorch's order, also reachable by name. */
export type UniqueResult = Tensor[] & {
  /** The unique values (or slices), sorted. */
  values: Tensor;
  /** With `returnInverse`: for each input element (or slice), the index of its unique value. */
  inverse?: Tensor;
  /** With `returnCounts`: how often each unique value occurs. */
  counts?: Tensor;
};

/**
 * The distinct elements (or, with `dim`, the distinct slices along `dim`), sorted ascending.
 * Each NaN counts as distinct and sorts last. Not differentiable.
 * @param x - Input tensor.
 * @param options - `{ sorted = true, returnInverse = false, returnCounts = false, dim = null }`.
 * @returns The unique values alone, or `[values, inverse?, counts?]` when either flag is set.
 * @throws TypeError for bad options; RangeError for a dim out of range.
 * @example unique(tensor([2, 1, 2])) // [1, 2]
 */
export function unique(
  x: Tensor,
  options?: UniqueOptions & { returnInverse?: false; returnCounts?: false },
): Tensor;
export function unique(x: Tensor, options: UniqueOptions): Tensor | UniqueResult;
export function unique(x: Tensor, options?: UniqueOptions): Tensor | UniqueResult {
  checkTensor(x, 'unique');
  const o = checkOptions<UniqueOptions>('unique', options, {
    sorted: 'boolean',
    returnInverse: 'boolean',
    returnCounts: 'boolean',
    dim: 'integer|null',
  });
  const parts = o.dim === undefined || o.dim === null ? uniqueElements(x) : uniqueSlices(x, o.dim);
  if (!o.returnInverse && !o.returnCounts) return parts.values;
  const list: Tensor[] = [parts.values];
  if (o.returnInverse) list.push(parts.inverse);
  if (o.returnCounts) list.push(parts.counts);
  return Object.assign(list, {
    values: parts.values,
    inverse: o.returnInverse ? parts.inverse : undefined,
    counts: o.returnCounts ? parts.counts : undefined,
  });
}

interface UniqueParts {
  values: Tensor;
  inverse: Tensor;
  counts: Tensor;
}

/**
 * Groups the positions `order` visits (sorted, so equal ones are adjacent) into runs of `same`
 * ones: the first position of each run, for each position the index of its run, and the run
 * lengths as a tensor.
 */
function runsOf(
  order: Iterable<number>,
  n: number,
  same: (first: number, i: number) => boolean,
): { firsts: number[]; inverse: Float32Array; counts: Tensor } {
  const firsts: number[] = [];
  const counts: number[] = [];
  const inverse = new Float32Array(n);
  for (const i of order) {
    if (firsts.length === 0 || !same(firsts[firsts.length - 1], i)) {
      firsts.push(i);
      counts.push(0);
    }
    counts[counts.length - 1]++;
    inverse[i] = firsts.length - 1;
  }
  return { firsts, inverse, counts: Tensor._fromData(Float32Array.from(counts), [counts.length]) };
}

function uniqueElements(x: Tensor): UniqueParts {
  const data = x._contiguousData();
  const order = new Int32Array(data.length);
  stableArgsort(data, false, order);
  // NaN never equals the previous value, so every NaN is its own entry.
  const { firsts, inverse, counts } = runsOf(order, data.length, (f, i) => data[f] === data[i]);
  return {
    values: Tensor._fromData(
      Float32Array.from(firsts, (f) => data[f]),
      [firsts.length],
    ),
    inverse: Tensor._fromData(inverse, x.shape),
    counts,
  };
}

function uniqueSlices(x: Tensor, dim: number): UniqueParts {
  const d = normalizeDim(dim, x.dim(), 'unique');
  if (x.dim() === 0) return uniqueElements(x);
  if (x.shape.some((size, i) => size === 0 && i !== d))
    throw new RangeError(
      `unique: there are 0 sized dimensions, and they aren't selected (dim = ${dim}), so unique cannot be applied`,
    );
  const moved = x.detach().transpose(0, d).contiguous();
  const n = moved.shape[0];
  const width = n === 0 ? 0 : moved.numel() / n;
  const data = moved._contiguousData();
  const compare = (i: number, j: number): number => {
    for (let k = 0; k < width; k++) {
      const a = data[i * width + k];
      const b = data[j * width + k];
      if (ascending(a, b)) return -1;
      if (ascending(b, a)) return 1;
    }
    return 0;
  };
  const order = Array.from({ length: n }, (_, i) => i).sort(compare);
  const { firsts, inverse, counts } = runsOf(
    order,
    n,
    (f, i) => compare(f, i) === 0 && !hasNaN(data, i, width),
  );
  const out = new Float32Array(firsts.length * width);
  firsts.forEach((i, r) => out.set(data.subarray(i * width, (i + 1) * width), r * width));
  const shape = [firsts.length, ...moved.shape.slice(1)];
  const values = Tensor._fromData(out, shape).transpose(0, d).contiguous();
  return { values, inverse: Tensor._fromData(inverse, [n]), counts };
}

function hasNaN(data: Float32Array, row: number, width: number): boolean {
  for (let k = 0; k < width; k++) if (data[row * width + k] !== data[row * width + k]) return true;
  return false;
}
