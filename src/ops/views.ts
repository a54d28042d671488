/** View ops: new shapes and strides over the same storage, each with its backward. */
import { record } from '../autograd/node.js';
import { isGradEnabled, noGrad } from '../autograd/grad-mode.js';
import { Tensor, assertTensor, describe } from '../tensor/tensor.js';
import {
  checkInteger,
  contiguousStrides,
  formatShape,
  inferShape,
  normalizeDim,
  normalizeDims,
  numelOf,
  shapeFromArgs,
  type Shape,
} from '../tensor/shape.js';
import { gather, scatter } from '../tensor/kernels/strided.js';
import { allocForWrite, allocZeroed } from '../tensor/kernels/arena.js';
import { checkOptions } from '../tensor/options.js';
import { Storage } from '../tensor/storage.js';
import { isNonOverlappingAndDense } from '../tensor/layout.js';
import { laidOutLike } from './layout-like.js';

/** A tensor on `x`'s storage with another shape, strides and offset. */
export function viewOf(
  x: Tensor,
  shape: Shape,
  strides: readonly number[],
  offset = x.offset,
): Tensor {
  const v = new Tensor(x._storage, shape, strides, offset);
  // A view of a detached alias is a view of that alias: it shares no history with the alias's base.
  v._base = x._isAlias ? x : (x._base ?? x);
  v._tracksBase = isGradEnabled();
  // A view of a split/chunk/unbind output is still one of them for in-place checks (as PyTorch).
  v._multiOutput = x._multiOutput ? { name: '', index: 0 } : null;
  return v;
}

/**
 * Strides for viewing memory laid out as (`shape`, `strides`) with `newShape`, or null when the
 * memory is not evenly spaced enough (PyTorch's computeStride).
 */
function viewStrides(shape: Shape, strides: readonly number[], newShape: Shape): number[] | null {
  // No elements, or a single one (0-d included): every layout of the new shape is valid.
  if (numelOf(shape) <= 1) return contiguousStrides(newShape);
  const out = new Array<number>(newShape.length);
  let viewD = newShape.length - 1;
  let chunkBase = strides[strides.length - 1] ?? 1;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    tensorNumel *= shape[d];
    if (d === 0 || (shape[d - 1] !== 1 && strides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        out[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = strides[d - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return out;
}

/**
 * A view of `x`'s memory with another shape, as `x.view(...)`; one size may be -1.
 *
 * @param x - The input tensor.
 * @param args - The sizes, as numbers or one list.
 * @returns A view sharing `x`'s memory.
 * @throws RangeError if the sizes do not match the number of elements.
 * @throws Error if `x`'s layout does not allow a view (use `reshape`).
 */
export function view(x: Tensor, args: ReadonlyArray<number | readonly number[]>): Tensor {
  assertTensor(x, 'view');
  const shape = inferShape(shapeFromArgsAllowingInfer(args, 'view'), x.numel(), 'view');
  const strides = viewStrides(x.shape, x.strides, shape);
  if (strides === null) {
    throw new Error(
      `view size is not compatible with input tensor's size and stride (at least one dimension spans ` +
        `across two contiguous subspaces): tensor ${formatShape(x.shape)} with strides ` +
        `${formatShape(x.strides)} cannot be viewed as ${formatShape(shape)}. Use .reshape(...) instead.`,
    );
  }
  const inputShape = x.shape;
  return record(viewOf(x, shape, strides), 'ViewBackward0', [x], (g) => [reshape(g, [inputShape])]);
}

/**
 * `x` with another shape, as `torch.reshape`: a view when the memory allows it, otherwise a copy.
 * One size may be -1.
 *
 * @param x - The input tensor.
 * @param args - The sizes, as numbers or one list.
 * @returns A tensor of that shape.
 * @throws RangeError if the sizes do not match the number of elements.
 * @example
 * ```ts
 * reshape(arange(6), [2, 3]).shape; // [2, 3]
 * ```
 */
export function reshape(x: Tensor, args: ReadonlyArray<number | readonly number[]>): Tensor {
  assertTensor(x, 'reshape');
  const shape = inferShape(shapeFromArgsAllowingInfer(args, 'reshape'), x.numel(), 'reshape');
  if (viewStrides(x.shape, x.strides, shape) !== null) return view(x, [shape]);
  return view(clone(x, { memoryFormat: 'contiguous' }), [shape]);
}

/** Like shapeFromArgs, but allows one -1 entry. */
function shapeFromArgsAllowingInfer(
  args: ReadonlyArray<number | readonly number[]>,
  op: string,
): number[] {
  const list =
    args.length === 1 && Array.isArray(args[0]) ? [...(args[0] as number[])] : (args as number[]);
  return shapeFromArgs([list.map((d) => (d === -1 ? 0 : d))], op).map((d, i) =>
    list[i] === -1 ? -1 : d,
  );
}

/**
 * A view of `x` with dims `dim0` and `dim1` swapped, as `torch.transpose`.
 *
 * @param x - The input tensor.
 * @param dim0 - The first dim.
 * @param dim1 - The second dim.
 * @returns A view sharing `x`'s memory.
 * @throws RangeError if a dim is out of range.
 */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  assertTensor(x, 'transpose');
  // A 0-d tensor accepts dims -1 and 0 (both 0 here): nothing to swap.
  const a = normalizeDim(dim0, x.dim(), 'transpose');
  const b = normalizeDim(dim1, x.dim(), 'transpose');
  const shape = [...x.shape];
  const strides = [...x.strides];
  if (a !== b) {
    [shape[a], shape[b]] = [shape[b], shape[a]];
    [strides[a], strides[b]] = [strides[b], strides[a]];
  }
  return record(viewOf(x, shape, strides), 'TransposeBackward0', [x], (g) => [transpose(g, a, b)]);
}

/**
 * The transpose of a matrix (a view), as `torch.t`; 0-d and 1-D tensors come back as they are.
 *
 * @param x - A tensor with at most 2 dims.
 * @returns A view sharing `x`'s memory.
 * @throws RangeError for more than 2 dims.
 */
export function t(x: Tensor): Tensor {
  assertTensor(x, 't');
  if (x.dim() > 2)
    throw new RangeError(`t() expects a tensor with <= 2 dimensions, but self is ${x.dim()}D`);
  const shape = [...x.shape].reverse();
  const strides = [...x.strides].reverse();
  return record(viewOf(x, shape, strides), 'TBackward0', [x], (g) => [t(g)]);
}

/**
 * A view of `x` with its dims reordered, as `torch.permute`: dim `i` of the result is dim
 * `dims[i]` of `x`.
 *
 * @param x - The input tensor.
 * @param dims - A permutation of `x`'s dims.
 * @returns A view sharing `x`'s memory.
 * @throws RangeError if `dims` is not a permutation of `x`'s dims.
 */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  assertTensor(x, 'permute');
  if (dims.length !== x.dim()) {
    throw new RangeError(
      `permute: number of dims ${dims.length} (${formatShape(dims)}) does not match the tensor's ${x.dim()} dims`,
    );
  }
  const norm = dims.map((d) => normalizeDim(d, x.dim(), 'permute'));
  if (new Set(norm).size !== norm.length)
    throw new RangeError(`permute: repeated dim in ${formatShape(dims)}`);
  const shape = norm.map((d) => x.shape[d]);
  const strides = norm.map((d) => x.strides[d]);
  const inverse = norm.map((_, i) => norm.indexOf(i));
  return record(viewOf(x, shape, strides), 'PermuteBackward0', [x], (g) => [permute(g, inverse)]);
}

/**
 * A view of `x` with a size-1 dim inserted at `dim`, as `torch.unsqueeze`.
 *
 * @param x - The input tensor.
 * @param dim - Where to insert, in `[-x.dim() - 1, x.dim()]`.
 * @returns A view sharing `x`'s memory.
 * @throws RangeError if `dim` is out of range.
 */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  assertTensor(x, 'unsqueeze');
  const d = normalizeDim(dim, x.dim() + 1, 'unsqueeze');
  const shape = [...x.shape];
  const strides = [...x.strides];
  const stride = d < x.dim() ? x.shape[d] * x.strides[d] : 1;
  shape.splice(d, 0, 1);
  strides.splice(d, 0, stride);
  return record(viewOf(x, shape, strides), 'UnsqueezeBackward0', [x], (g) => [squeeze(g, d)]);
}

/**
 * A view of `x` without its size-1 dims (all of them, or those listed in `dim`), as
 * `torch.squeeze`.
 *
 * @param x - The input tensor.
 * @param dim - A dim or a list of dims (default: every size-1 dim).
 * @returns A view sharing `x`'s memory.
 * @throws RangeError if a dim is out of range.
 */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  assertTensor(x, 'squeeze');
  const dims =
    dim === undefined ? x.shape.map((_, i) => i) : normalizeDims(dim, x.dim(), 'squeeze');
  const drop = new Set(dims.filter((d) => x.shape[d] === 1));
  const shape = x.shape.filter((_, i) => !drop.has(i));
  const strides = x.strides.filter((_, i) => !drop.has(i));
  const inputShape = x.shape;
  const name = dim === undefined ? 'SqueezeBackward0' : 'SqueezeBackward1';
  return record(viewOf(x, shape, strides), name, [x], (g) => [reshape(g, [inputShape])]);
}

/**
 * Flattens dims `startDim` … `endDim` of `x` into one, as `torch.flatten` (a view when possible).
 *
 * @param x - The input tensor.
 * @param startDim - The first dim to flatten (default 0).
 * @param endDim - The last dim to flatten (default -1).
 * @returns A tensor with those dims merged.
 * @throws RangeError if a dim is out of range or `startDim` comes after `endDim`.
 */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  assertTensor(x, 'flatten');
  if (x.dim() === 0) return reshape(x, [[1]]);
  const s = normalizeDim(startDim, x.dim(), 'flatten');
  const e = normalizeDim(endDim, x.dim(), 'flatten');
  if (s > e)
    throw new RangeError('flatten() has invalid args: start_dim cannot come after end_dim');
  if (s === e) return x;
  const shape = [...x.shape.slice(0, s), numelOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, [shape]);
}

/**
 * A view of `x` with size-1 dims repeated to `sizes` without copying, as `x.expand(...)`; -1 keeps
 * a dim's size and new leading dims may be added.
 *
 * @param x - The input tensor.
 * @param sizes - The target sizes.
 * @returns A view sharing `x`'s memory.
 * @throws RangeError if a non-1 size would change.
 */
export function expand(x: Tensor, sizes: readonly number[]): Tensor {
  assertTensor(x, 'expand');
  if (sizes.length < x.dim()) {
    throw new RangeError(
      `expand: the number of sizes provided (${sizes.length}) must be greater or equal to the number of ` +
        `dimensions in the tensor (${x.dim()})`,
    );
  }
  const lead = sizes.length - x.dim();
  const shape: number[] = [];
  const strides: number[] = [];
  sizes.forEach((size, i) => {
    const j = i - lead;
    const own = j >= 0 ? x.shape[j] : 1;
    const target = size === -1 ? own : size;
    if (j < 0 && size === -1)
      throw new RangeError(`expand: -1 is not allowed in a leading, non-existing dimension`);
    if (!Number.isInteger(target) || target < 0)
      throw new RangeError(`expand: invalid size ${size}`);
    if (own !== target && own !== 1) {
      throw new RangeError(
        `expand: the expanded size of the tensor (${target}) must match the existing size (${own}) at ` +
          `non-singleton dimension ${i}. Target sizes: ${formatShape(sizes)}. Tensor sizes: ${formatShape(x.shape)}`,
      );
    }
    shape.push(target);
    strides.push(j >= 0 && own === target ? x.strides[j] : 0);
  });
  // The engine sums the gradient back to the input's shape.
  return record(viewOf(x, shape, strides), 'ExpandBackward0', [x], (g) => [g]);
}

/**
 * Zeros of `shape` with `g` written into the window that `window` selects: backward of slicing
 * ops. Recorded (when the backward pass itself is, `createGraph`) as linear in g: its own
 * gradient is the window of the incoming one.
 */
export function embed(
  g: Tensor,
  shape: Shape,
  window: (z: Tensor) => Tensor,
  name: string,
): Tensor {
  const z = Tensor._fromData(allocZeroed(numelOf(shape)), shape);
  noGrad(() => scatter(g._contiguousData(), window(z)));
  return record(z, name, [g], (gg) => [window(gg)]);
}

/**
 * The slice of `x` at `index` along `dim`, without that dim (a view), as `torch.select`.
 *
 * @param x - The input tensor.
 * @param dim - The dim to index.
 * @param index - The position (negative counts from the end).
 * @returns A view sharing `x`'s memory.
 * @throws RangeError if `dim` or `index` is out of range.
 */
export function select(x: Tensor, dim: number, index: number): Tensor {
  assertTensor(x, 'select');
  if (x.dim() === 0) throw new RangeError('select() cannot be applied to a 0-dim tensor.');
  const d = normalizeDim(dim, x.dim(), 'select');
  const size = x.shape[d];
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new RangeError(
      `select(): index ${index} out of range for tensor of size ${formatShape(x.shape)} at dimension ${d}`,
    );
  }
  const i = index < 0 ? index + size : index;
  const shape = x.shape.filter((_, k) => k !== d);
  const strides = x.strides.filter((_, k) => k !== d);
  const inputShape = x.shape;
  return record(
    viewOf(x, shape, strides, x.offset + i * x.strides[d]),
    'SelectBackward0',
    [x],
    (g) => [embed(g, inputShape, (z) => select(z, d, i), 'SelectBackwardBackward0')],
  );
}

/**
 * Python slicing `x[start:end:step]` along `dim` (a view), with Python's clamping of out-of-range
 * bounds.
 *
 * @param x - The input tensor.
 * @param dim - The dim to slice.
 * @param start - The first position, or `null` for the start.
 * @param end - The exclusive end, or `null` for the end.
 * @param step - A positive step (default 1).
 * @returns A view sharing `x`'s memory.
 * @throws RangeError if `dim` is out of range or `step` is not a positive integer.
 */
export function slice(
  x: Tensor,
  dim: number,
  start: number | null,
  end: number | null,
  step = 1,
): Tensor {
  assertTensor(x, 'slice');
  const d = normalizeDim(dim, x.dim(), 'slice');
  if (!Number.isInteger(step) || step <= 0)
    throw new RangeError(`slice: step must be a positive integer, got ${step}`);
  const [s, e] = sliceBounds(x.shape[d], start, end);
  const len = Math.ceil((e - s) / step);
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape[d] = len;
  strides[d] = x.strides[d] * step;
  const inputShape = x.shape;
  return record(
    viewOf(x, shape, strides, x.offset + s * x.strides[d]),
    'SliceBackward0',
    [x],
    (g) => [embed(g, inputShape, (z) => slice(z, d, s, e, step), 'SliceBackwardBackward0')],
  );
}

/** Python's clamping of slice bounds in a dim of `size`: `[start, end]` with start <= end. */
export function sliceBounds(
  size: number,
  start: number | null,
  end: number | null,
): [number, number] {
  const clamp = (v: number | null, dflt: number) => {
    if (v === null) return dflt;
    const w = v < 0 ? v + size : v;
    return Math.min(Math.max(w, 0), size);
  };
  const s = clamp(start, 0);
  return [s, Math.max(clamp(end, size), s)];
}

/**
 * The `length` elements of `x` from `start` along `dim` (a view), as `torch.narrow`.
 *
 * @param x - The input tensor.
 * @param dim - The dim to narrow.
 * @param start - The first position (negative counts from the end).
 * @param length - How many positions.
 * @returns A view sharing `x`'s memory.
 * @throws RangeError if the range does not fit in the dim.
 */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  assertTensor(x, 'narrow');
  const d = normalizeDim(dim, x.dim(), 'narrow');
  const size = x.shape[d];
  const s = start < 0 ? start + size : start;
  if (!Number.isInteger(length) || length < 0 || s < 0 || s + length > size) {
    throw new RangeError(
      `narrow: start (${start}) + length (${length}) exceeds dimension size (${size}) of tensor ${formatShape(x.shape)}`,
    );
  }
  return slice(x, d, s, s + length);
}

/** Marks the outputs of a function returning several views: PyTorch refuses in-place writes to them. */
function markMultiOutput(views: Tensor[], name: string): Tensor[] {
  views.forEach((v, i) => {
    v._multiOutput = { name, index: i };
  });
  return views;
}

/**
 * The slices of `x` along `dim`, each without that dim (views), as `torch.unbind`.
 *
 * @param x - The input tensor.
 * @param dim - The dim to split (default 0).
 * @returns One view per position along `dim`.
 * @throws RangeError if `dim` is out of range.
 */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  assertTensor(x, 'unbind');
  if (x.dim() === 0)
    throw new RangeError('unbind: dimension specified as 0 but tensor has no dimensions');
  const d = normalizeDim(dim, x.dim(), 'unbind');
  return markMultiOutput(
    Array.from({ length: x.shape[d] }, (_, i) => select(x, d, i)),
    'UnbindBackward0',
  );
}

/**
 * Splits into views along `dim`: pieces of `sizeOrSizes` elements (the last may be smaller), or,
 * with a list, pieces of exactly those sizes (PyTorch's `split_with_sizes`).
 * @param x - The tensor to split.
 * @param sizeOrSizes - A piece size (a non-negative integer; 0 only for an empty dim) or a list
 *   of sizes adding up to the dim's size.
 * @param dim - The dim to split (default 0).
 * @returns The pieces, views of `x` (PyTorch refuses in-place writes to them under autograd).
 * @throws TypeError for a size that is not an integer; RangeError for sizes that do not fit.
 * @example split(arange(5), [2, 3]) // [tensor([0, 1]), tensor([2, 3, 4])]
 */
export function split(x: Tensor, sizeOrSizes: number | readonly number[], dim = 0): Tensor[] {
  assertTensor(x, 'split');
  checkInteger(dim, 'split');
  if (x.dim() === 0)
    throw new RangeError('split: expected a tensor with at least one dimension, got a 0-d tensor');
  const d = normalizeDim(dim, x.dim(), 'split');
  const size = x.shape[d];
  if (Array.isArray(sizeOrSizes)) {
    const sizes = sizeOrSizes as readonly unknown[];
    sizes.forEach((s, i) => {
      if (!Number.isInteger(s) || (s as number) < 0) {
        throw new TypeError(
          `split: split sizes must be non-negative integers, got ${describe(s)} at position ${i}`,
        );
      }
    });
    const total = (sizes as number[]).reduce((a, b) => a + b, 0);
    if (total !== size) {
      throw new RangeError(
        `split_with_sizes expects split_sizes to sum exactly to ${size} (input tensor's size at ` +
          `dimension ${d}), but got split_sizes=${formatShape(sizes as number[])}`,
      );
    }
    const out: Tensor[] = [];
    let start = 0;
    for (const s of sizes as number[]) {
      out.push(slice(x, d, start, start + s));
      start += s;
    }
    return markMultiOutput(out, 'SplitWithSizesBackward0');
  }
  const splitSize = sizeOrSizes as number;
  if (!Number.isInteger(splitSize))
    throw new TypeError(
      `split: split size must be an integer or a list of integers, got ${describe(splitSize)}`,
    );
  if (splitSize < 0)
    throw new RangeError(`split: split size must be non-negative, got ${splitSize}`);
  if (splitSize === 0 && size !== 0)
    throw new RangeError(
      `split: split_size can only be 0 if dimension size is 0, but got dimension size of ${size}`,
    );
  const out: Tensor[] = [];
  // An empty dim still gives one (empty) piece, as in PyTorch.
  if (size === 0) out.push(slice(x, d, 0, 0));
  for (let s = 0; s < size; s += splitSize) out.push(slice(x, d, s, Math.min(s + splitSize, size)));
  return markMultiOutput(out, 'SplitBackward0');
}

/**
 * Splits into `chunks` views of equal size along `dim` (the last may be smaller, and there may be
 * fewer), as PyTorch's chunk; an empty dim gives `chunks` empty pieces.
 * @param x - The tensor to split.
 * @param chunks - The number of pieces (a positive integer).
 * @param dim - The dim (default 0).
 * @returns The pieces, views of `x`.
 * @throws TypeError for a non-integer count; RangeError for a count below 1.
 */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  assertTensor(x, 'chunk');
  checkInteger(chunks, 'chunk', 'chunks');
  if (chunks <= 0)
    throw new RangeError(`chunk: chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
  if (x.dim() === 0) throw new RangeError('chunk: chunk expects at least a 1-dimensional tensor');
  const d = normalizeDim(dim, x.dim(), 'chunk');
  const size = x.shape[d];
  if (size === 0) {
    const pieces = Array.from({ length: chunks }, () => slice(x, d, 0, 0));
    return markMultiOutput(pieces, 'SplitWithSizesBackward0');
  }
  return split(x, Math.ceil(size / chunks), d);
}

/**
 * `x` itself when already contiguous, otherwise a contiguous (row-major) copy, as
 * `x.contiguous()`.
 *
 * @param x - The input tensor.
 * @returns A contiguous tensor with the same values.
 */
export function contiguous(x: Tensor): Tensor {
  assertTensor(x, 'contiguous');
  return x.isContiguous() ? x : clone(x, { memoryFormat: 'contiguous' });
}

/** Options of `clone`: PyTorch's `memory_format=` (`torch.preserve_format` or `contiguous_format`). */
export interface CloneOptions {
  /** `'preserve'` (default): keep a dense input's strides; `'contiguous'`: row-major. */
  memoryFormat?: 'preserve' | 'contiguous';
}

/**
 * A copy with its own memory. Like PyTorch's default (`preserve_format`), a dense input (a
 * transpose, a permute) keeps its strides, and any other input gets a dense layout in its own
 * dim order, so a later `reshape` of the copy copies again where PyTorch's does.
 * @param x - The tensor to copy.
 * @param options - `{ memoryFormat: 'preserve' | 'contiguous' }` (default `'preserve'`).
 * @returns The copy, recorded as CloneBackward0.
 * @throws TypeError when `x` is not a tensor or an option is unknown or of the wrong type.
 * @example clone(arange(6).reshape(2, 3).t()).stride() // [1, 3]
 */
export function clone(x: Tensor, options?: CloneOptions): Tensor {
  assertTensor(x, 'clone');
  const { memoryFormat = 'preserve' } = checkOptions<CloneOptions>('clone', options, {
    memoryFormat: "'preserve'|'contiguous'",
  });
  let out: Tensor;
  if (memoryFormat === 'contiguous' || x.isContiguous()) {
    // Into memory the arena can reuse (toFloat32Array's is the caller's, so always fresh).
    out = Tensor._fromData(gather(x, allocForWrite(x.numel())), x.shape);
  } else if (isNonOverlappingAndDense(x.shape, x.strides)) {
    const n = x.numel();
    out = new Tensor(new Storage(x.buffer.slice(x.offset, x.offset + n)), x.shape, x.strides);
  } else {
    // Not dense (a strided slice): a dense layout in the input's dim order (infer_dense_strides).
    out = laidOutLike(x.toFloat32Array(), x.shape, [x]);
  }
  return record(out, 'CloneBackward0', [x], (g) => [g]);
}
