/**
 * Index-driven reads and writes along one dim: indexSelect, gather, scatter, scatterAdd, and the
 * mask ops maskedFill, maskedSelect; each with its derivative (gather and scatterAdd are each
 * other's adjoints, as are indexSelect and indexAdd, maskedSelect and maskedScatter).
 */
import { record } from '../autograd/node.js';
import { Tensor, assertTensor, describe, type TensorLike } from '../tensor/tensor.js';
import {
  broadcastShapes,
  contiguousStrides,
  formatShape,
  normalizeDim,
  numelOf,
  sameShape,
  type Shape,
} from '../tensor/shape.js';
import { forEachRow, gather as gatherView } from '../tensor/kernels/strided.js';
import { checkBounds, readIndex, type IndexArray } from './index-args.js';
import { broadcastData, operand, where as whereOp } from './elementwise.js';
import { embed, narrow } from './views.js';
import { checkOptions } from '../tensor/options.js';
import { allocForWrite, allocZeroed } from '../tensor/kernels/arena.js';

/** Shape of a tensor seen as at least 1-D (PyTorch treats 0-d inputs of these ops as size-1). */
const atLeast1 = (shape: Shape): number[] => (shape.length === 0 ? [1] : [...shape]);
const stridesAtLeast1 = (t: Tensor): number[] => (t.dim() === 0 ? [1] : [...t.strides]);

/**
 * `strides` with dim `skip` (the dim the index replaces) counting for nothing: walking an index's
 * rows with them gives each row's offset in the indexed tensor before the index is added.
 */
const withoutDim = (strides: readonly number[], skip: number): number[] =>
  strides.map((s, k) => (k === skip ? 0 : s));

interface DimIndex {
  dim: number;
  idx: IndexArray;
  values: Int32Array;
}

/** Validates gather/scatter's dim and index against self (and src), PyTorch's checks and words. */
function checkDimIndex(op: string, x: Tensor, dim: number, index: unknown, src?: Tensor): DimIndex {
  const d = normalizeDim(dim, x.dim(), op);
  const idx = readIndex(index, op);
  const xs = atLeast1(x.shape);
  const is = atLeast1(idx.shape);
  if (idx.shape.length !== x.dim() && !(idx.shape.length <= 1 && x.dim() <= 1)) {
    throw new RangeError(
      `${op}(): Index tensor must have the same number of dimensions as ${src ? 'self tensor' : 'input tensor'}`,
    );
  }
  if (numelOf(idx.shape) > 0) {
    for (let k = 0; k < is.length; k++) {
      if (k !== d && is[k] > xs[k]) {
        throw new RangeError(
          `${op}(): Size does not match at dimension ${k} expected index ${formatShape(idx.shape)} to be ` +
            `smaller than self ${formatShape(x.shape)} apart from dimension ${d}`,
        );
      }
      if (src && is[k] > atLeast1(src.shape)[k]) {
        throw new RangeError(
          `${op}(): Expected index ${formatShape(idx.shape)} to be smaller than self ${formatShape(x.shape)} ` +
            `apart from dimension ${d} and to be smaller size than src ${formatShape(src.shape)}`,
        );
      }
    }
  }
  if (src && src.dim() !== idx.shape.length && !(src.dim() <= 1 && idx.shape.length <= 1)) {
    throw new RangeError(
      `${op}(): Index tensor must have the same number of dimensions as src tensor`,
    );
  }
  const values = checkBounds(idx, xs[d], d, op, false);
  return { dim: d, idx, values };
}

function gatherKernel(x: Tensor, di: DimIndex): Float32Array {
  const values = di.values;
  const out = allocForWrite(values.length);
  const xs = stridesAtLeast1(x);
  const buf = x.buffer;
  const base = x.offset;
  const along = xs[di.dim];
  forEachRow(atLeast1(di.idx.shape), withoutDim(xs, di.dim), base, (at, flat, len, step) => {
    for (let j = 0; j < len; j++) out[flat + j] = buf[at + j * step + values[flat + j] * along];
  });
  return out;
}

/** How scatter combines a written value with the one already there. */
type Combine = 'replace' | 'add' | 'multiply';

/**
 * Writes (or combines) `src[flat]` (or the one number `value` when src is null) into a row-major
 * copy of x at the indexed places. One loop per combine mode, so no call per element.
 */
function scatterKernel(
  x: Tensor,
  di: DimIndex,
  src: Float32Array | null,
  value: number,
  combine: Combine,
): Float32Array {
  const out = x.toFloat32Array();
  const shape = atLeast1(x.shape);
  const strides = contiguousStrides(shape);
  const along = strides[di.dim];
  const values = di.values;
  const from = src ?? new Float32Array(values.length).fill(value);
  forEachRow(atLeast1(di.idx.shape), withoutDim(strides, di.dim), 0, (off, flat, len, step) => {
    if (combine === 'add')
      for (let j = 0; j < len; j++)
        out[off + j * step + values[flat + j] * along] += from[flat + j];
    else if (combine === 'multiply')
      for (let j = 0; j < len; j++)
        out[off + j * step + values[flat + j] * along] *= from[flat + j];
    else
      for (let j = 0; j < len; j++) out[off + j * step + values[flat + j] * along] = from[flat + j];
  });
  return out;
}

/** Reads `src` at each position of the index's shape (src may be larger than the index). */
function srcReader(src: Tensor, di: DimIndex): Float32Array {
  const shape = atLeast1(di.idx.shape);
  const srcShape = atLeast1(src.shape);
  // Same shape and row-major: read src's memory in place (the kernel only reads it).
  if (src.isContiguous() && sameShape(srcShape, shape)) return src._contiguousData();
  const view = {
    buffer: src.buffer,
    shape,
    strides: stridesAtLeast1(src),
    offset: src.offset,
  };
  return gatherView(view, new Float32Array(numelOf(shape)));
}

function indexTensor(di: DimIndex): Tensor {
  return Tensor._fromData(Float32Array.from(di.values), di.idx.shape);
}

/**
 * `torch.gather`: out[i][j][k] = x[index[i][j][k]][j][k] for dim 0 (and so on).
 * @param x - the source
 * @param dim - the dim to index along
 * @param index - integer Tensor or nested array, same number of dims as x
 * @returns a tensor of index's shape
 * @throws RangeError on bad dims, shape mismatch or an index out of range
 * @example gather(tensor([[1, 2], [3, 4]]), 1, [[0, 0], [1, 0]]) // [[1, 1], [4, 3]]
 */
export function gather(x: Tensor, dim: number, index: Tensor | readonly unknown[]): Tensor {
  assertTensor(x, 'gather');
  const di = checkDimIndex('gather', x, dim, index);
  const out = Tensor._fromData(gatherKernel(x, di), di.idx.shape);
  const shape = x.shape;
  return record(
    out,
    'GatherBackward0',
    [x],
    (g) => [
      scatterAdd(Tensor._fromData(allocZeroed(numelOf(shape)), shape), di.dim, indexTensor(di), g),
    ],
    // Saved as PyTorch saves it (only its shape is read): writing x in place makes backward refuse.
    [x],
  );
}

/** `g`'s gradient for a src larger than the index: the gathered values padded with zeros. */
function padToShape(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  if (shape.length === 0) return g.reshape([]);
  const gs = atLeast1(g.shape);
  return embed(
    g,
    shape,
    (z) => gs.reduce((t, s, k) => narrow(t, k, 0, s), z).reshape(g.shape as number[]),
    'ConstantPadNdBackward0',
  );
}

/**
 * `torch.scatter_add`: a copy of x with `src` values added at the indexed places (duplicates add up).
 * @param x - the tensor to add into
 * @param dim - the dim to index along
 * @param index - integer Tensor or nested array
 * @param src - the values, at least as large as index in every dim
 * @returns a new tensor of x's shape
 * @throws RangeError on bad dims, shape mismatch or an index out of range
 */
export function scatterAdd(
  x: Tensor,
  dim: number,
  index: Tensor | readonly unknown[],
  src: Tensor,
): Tensor {
  assertTensor(x, 'scatter_add');
  assertTensor(src, 'scatter_add', 'src to be a Tensor');
  const di = checkDimIndex('scatter_add', x, dim, index, src);
  const values = srcReader(src, di);
  const out = Tensor._fromData(scatterKernel(x, di, values, 0, 'add'), x.shape);
  const srcShape = src.shape;
  return record(out, 'ScatterAddBackward0', [x, src], (g, _s, [nx, ns]) => [
    nx ? g : null,
    ns ? padToShape(gather(g, di.dim, indexTensor(di)), srcShape) : null,
  ]);
}

/** Options of `scatter`. */
export interface ScatterOptions {
  /** Combine with the existing value instead of replacing it. */
  reduce?: 'add' | 'multiply';
}

/**
 * `torch.scatter`: a copy of x with `src` (a Tensor, or one number) written at the indexed places.
 * @param x - the tensor written into
 * @param dim - the dim to index along
 * @param index - integer Tensor or nested array
 * @param src - the values (at least as large as index), or a number
 * @param options - `reduce: 'add' | 'multiply'` combines instead of replacing (default: replace)
 * @returns a new tensor of x's shape
 * @throws RangeError on bad dims, shape mismatch or an index out of range; TypeError on a bad reduce
 * @example scatter(zeros(3), 0, [2, 0], tensor([5, 6])) // [6, 0, 5]
 */
export function scatter(
  x: Tensor,
  dim: number,
  index: Tensor | readonly unknown[],
  src: TensorLike,
  options: ScatterOptions = {},
): Tensor {
  assertTensor(x, 'scatter');
  // reduce is checked below: PyTorch's RangeError, not checkOptions' TypeError.
  const { reduce } = checkOptions<ScatterOptions>('scatter', options, { reduce: 'any' });
  if (reduce !== undefined && reduce !== 'add' && reduce !== 'multiply') {
    throw new RangeError(
      `scatter(): reduce argument must be either add or multiply, got ${describe(reduce)}`,
    );
  }
  const isValue = typeof src === 'number';
  if (!isValue) assertTensor(src, 'scatter', 'src to be a Tensor or a number');
  const di = checkDimIndex('scatter', x, dim, index, isValue ? undefined : (src as Tensor));
  const value = isValue ? Math.fround(src) : 0;
  const values = isValue ? null : srcReader(src as Tensor, di);
  const out = Tensor._fromData(scatterKernel(x, di, values, value, reduce ?? 'replace'), x.shape);
  const inputs = isValue ? [x] : [x, src as Tensor];
  // ScatterBackward0 (src), 1 (value), 2 (src, reduce), 3 (value, reduce).
  const name = `ScatterBackward${(isValue ? 1 : 0) + (reduce ? 2 : 0)}`;
  const srcShape = isValue ? [] : (src as Tensor).shape;
  return record(out, name, inputs, (g, _s, [nx, ns]) => {
    if (reduce === 'multiply')
      throw new Error("scatter: the derivative for reduce='multiply' is not implemented");
    const gx = nx ? (reduce === 'add' ? g : scatter(g, di.dim, indexTensor(di), 0)) : null;
    if (isValue) return [gx];
    return [gx, ns ? padToShape(gather(g, di.dim, indexTensor(di)), srcShape) : null];
  });
}

/** Checks indexSelect's index: 0-d or 1-D integers within the dim. */
function checkSelectIndex(op: string, x: Tensor, dim: number, index: unknown): DimIndex {
  const d = normalizeDim(dim, x.dim(), op);
  const idx = readIndex(index, op);
  if (idx.shape.length > 1)
    throw new RangeError(
      `${op}(): Index is supposed to be a vector, got shape ${formatShape(idx.shape)}`,
    );
  if (x.dim() === 0 && idx.data.length !== 1) {
    throw new RangeError(
      `${op}(): Index to scalar can have only 1 value, got ${idx.data.length} value(s)`,
    );
  }
  const values = checkBounds(idx, atLeast1(x.shape)[d], d, op, false);
  return { dim: d, idx, values };
}

/** The shape of `x` with dim `d` replaced by `n` (0-d stays 0-d, as PyTorch). */
export function withDim(x: Tensor, d: number, n: number): number[] {
  if (x.dim() === 0) return [];
  const s = [...x.shape];
  s[d] = n;
  return s;
}

/** Copies slices of x along d at `values` (row-major output of shape withDim). */
function selectKernel(x: Tensor, d: number, values: Int32Array): Float32Array {
  const shape = atLeast1(x.shape);
  const outer = numelOf(shape.slice(0, d));
  const inner = numelOf(shape.slice(d + 1));
  const src = x._contiguousData();
  const n = shape[d];
  const out = allocForWrite(outer * values.length * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < values.length; j++) {
      const from = (o * n + values[j]) * inner;
      const to = (o * values.length + j) * inner;
      if (inner > 16) out.set(src.subarray(from, from + inner), to);
      else for (let k = 0; k < inner; k++) out[to + k] = src[from + k];
    }
  }
  return out;
}

/** The adjoint of indexSelect: zeros of `shape` with slices of g added at `values` along d. */
function indexAddInto(g: Tensor, shape: Shape, d: number, values: Int32Array): Tensor {
  const full = atLeast1(shape);
  const outer = numelOf(full.slice(0, d));
  const inner = numelOf(full.slice(d + 1));
  const n = full[d];
  const out = allocZeroed(numelOf(shape));
  const gd = g._contiguousData();
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < values.length; j++) {
      const to = (o * n + values[j]) * inner;
      const from = (o * values.length + j) * inner;
      for (let k = 0; k < inner; k++) out[to + k] += gd[from + k];
    }
  }
  const gShape = g.shape;
  return record(Tensor._fromData(out, shape), 'IndexAddBackward0', [g], (gg) => [
    recordSelect(Tensor._fromData(selectKernel(gg, d, values), gShape), gg, d, values),
  ]);
}

/** Records an indexSelect result `out` of `x` (shared by the op and its double backward). */
function recordSelect(out: Tensor, x: Tensor, d: number, values: Int32Array): Tensor {
  const shape = x.shape;
  return record(out, 'IndexSelectBackward0', [x], (g) => [indexAddInto(g, shape, d, values)]);
}

/**
 * `torch.index_select`: the slices of x along `dim` at `index` (a copy).
 * @param x - the source
 * @param dim - the dim to select along
 * @param index - a 1-D (or 0-d) integer Tensor or array
 * @returns a tensor with dim `dim` of size index.numel()
 * @throws RangeError on a bad dim, a non-vector index or an index out of range
 * @example indexSelect(tensor([[1, 2], [3, 4]]), 0, [1, 1]) // [[3, 4], [3, 4]]
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor | readonly number[]): Tensor {
  assertTensor(x, 'index_select');
  const di = checkSelectIndex('index_select', x, dim, index);
  const out = Tensor._fromData(
    selectKernel(x, di.dim, di.values),
    withDim(x, di.dim, di.values.length),
  );
  return recordSelect(out, x, di.dim, di.values);
}

/** Reads a mask as booleans broadcast with x; masks are nonzero = true. */
function maskShape(op: string, x: Tensor, mask: unknown): [Tensor, number[]] {
  assertTensor(mask, op, 'mask to be a Tensor');
  return [mask, broadcastShapes(x.shape, mask.shape, op)];
}

/**
 * `torch.masked_fill`: x with `value` where mask is nonzero (x and mask broadcast together).
 * @param x - the input
 * @param mask - a Tensor read as nonzero = true
 * @param value - a number or a 0-d Tensor (which receives a gradient)
 * @returns a new tensor of the broadcast shape
 * @throws RangeError when shapes do not broadcast or value has dims
 * @example maskedFill(tensor([1, 2, 3]), tensor([1, 0, 1]), 0) // [0, 2, 0]
 */
export function maskedFill(x: Tensor, mask: Tensor, value: TensorLike): Tensor {
  assertTensor(x, 'masked_fill');
  maskShape('masked_fill', x, mask);
  const v = operand(value, 'masked_fill');
  if (v.dim() !== 0) {
    throw new RangeError(
      `masked_fill_ only supports a 0-dimensional value tensor, but got tensor with ${v.dim()} dimension(s).`,
    );
  }
  return whereOp(mask, v, x);
}

/** Positions (row-major, in `shape`) where the broadcast mask is nonzero. */
function maskPositions(mask: Tensor, shape: Shape): Int32Array {
  const m = broadcastData(mask, shape);
  const out: number[] = [];
  for (let i = 0; i < m.length; i++) if (m[i] !== 0) out.push(i);
  return Int32Array.from(out);
}

function takePositions(x: Tensor, shape: Shape, at: Int32Array): Tensor {
  const all = broadcastData(x, shape);
  const out = allocForWrite(at.length);
  for (let i = 0; i < at.length; i++) out[i] = all[at[i]];
  return record(Tensor._fromData(out, [at.length]), 'MaskedSelectBackward0', [x], (g) => [
    putPositions(g, shape, at),
  ]);
}

/** Zeros of `shape` with g's values at `at`: the adjoint of takePositions. */
function putPositions(g: Tensor, shape: Shape, at: Int32Array): Tensor {
  const out = allocZeroed(numelOf(shape));
  const gd = g._contiguousData();
  for (let i = 0; i < at.length; i++) out[at[i]] = gd[i];
  return record(Tensor._fromData(out, shape), 'MaskedScatterBackward0', [g], (gg) => [
    takePositions(gg, shape, at),
  ]);
}

/**
 * `torch.masked_select`: the elements of x where mask is nonzero, as a 1-D tensor (x and mask
 * broadcast together).
 * @param x - the input
 * @param mask - a Tensor read as nonzero = true
 * @returns a 1-D tensor
 * @throws RangeError when shapes do not broadcast
 * @example maskedSelect(tensor([1, 2, 3]), tensor([1, 0, 1])) // [1, 3]
 */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  assertTensor(x, 'masked_select');
  const [m, shape] = maskShape('masked_select', x, mask);
  return takePositions(x, shape, maskPositions(m, shape));
}
