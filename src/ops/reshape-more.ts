/**
 * More shape ops: flip, roll, repeat, tile, tril, triu, diagonal, diag, movedim, swapaxes and
 * unflatten, each with its derivative. diagonal, movedim, swapaxes and unflatten are views.
 */
import { record } from '../autograd/node.js';
import { noGrad } from '../autograd/grad-mode.js';
import { Tensor, assertTensor, describe } from '../tensor/tensor.js';
import {
  checkInteger,
  formatShape,
  inferShape,
  normalizeDim,
  normalizeDims,
  numelOf,
} from '../tensor/shape.js';
import { gather } from '../tensor/kernels/strided.js';
import { embed, expand, permute, reshape, transpose, view, viewOf } from './views.js';
import { laidOutLike } from './layout-like.js';
import { checkOptions } from '../tensor/options.js';
import { allocForWrite } from '../tensor/kernels/arena.js';

function dimList(dims: number | readonly number[], op: string, arg = 'dims'): number[] {
  const list = typeof dims === 'number' ? [dims] : dims;
  if (!Array.isArray(list))
    throw new TypeError(
      `${op}: ${arg} must be an integer or an array of integers, got ${describe(dims)}`,
    );
  return list.map((d: unknown) => checkInteger(d, op, arg));
}

/**
 * Reverses the order of elements along `dims` (a copy, as PyTorch's flip).
 * @param x - the input
 * @param dims - a dim or a list of dims; negative dims count from the end
 * @returns a new tensor of x's shape
 * @throws RangeError on an out-of-range or repeated dim
 * @example flip(tensor([[1, 2], [3, 4]]), [1]) // [[2, 1], [4, 3]]
 */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  assertTensor(x, 'flip');
  const ds = dimList(dims, 'flip');
  // No dims flips nothing (normalizeDims reads an empty list as every dim).
  const wrapped = ds.length === 0 ? [] : normalizeDims(ds, x.dim(), 'flip');
  // Read through negative strides: a flipped window on the same memory, then one copy.
  const strides = [...x.strides];
  let offset = x.offset;
  if (x.numel() > 0) {
    for (const d of wrapped) {
      offset += (x.shape[d] - 1) * x.strides[d];
      strides[d] = -strides[d];
    }
  }
  const data = gather(
    { buffer: x.buffer, shape: x.shape, strides, offset },
    allocForWrite(x.numel()),
  );
  // Laid out as the input (PyTorch allocates flip's output with empty_like).
  const out = laidOutLike(data, x.shape, [x]);
  return record(out, 'FlipBackward0', [x], (g) => [flip(g, wrapped)]);
}

/** Rolls one dim by `shift` (a copy): output[i] = x[(i - shift) mod n]. */
function rollDim(x: Tensor, shift: number, d: number): Tensor {
  const n = x.shape[d];
  const out = allocForWrite(x.numel());
  if (x.numel() > 0) {
    const s = ((shift % n) + n) % n;
    const src = x._contiguousData();
    const inner = numelOf(x.shape.slice(d + 1));
    const outer = numelOf(x.shape.slice(0, d));
    const block = n * inner;
    for (let o = 0; o < outer; o++) {
      const base = o * block;
      // The last s rows move to the front.
      out.set(src.subarray(base + (n - s) * inner, base + block), base);
      out.set(src.subarray(base, base + (n - s) * inner), base + s * inner);
    }
  }
  return Tensor._fromData(out, x.shape);
}

/**
 * Rolls elements along `dims` by `shifts`, wrapping around; without dims the flattened tensor is
 * rolled and reshaped back, as PyTorch's roll.
 * @param x - the input
 * @param shifts - one shift or one shift per dim
 * @param dims - the dims to roll (default: the flattened tensor)
 * @returns a new tensor of x's shape
 * @throws RangeError when shifts and dims differ in length, or a dim is out of range
 * @example roll(tensor([1, 2, 3, 4]), 1) // [4, 1, 2, 3]
 */
export function roll(
  x: Tensor,
  shifts: number | readonly number[],
  dims?: number | readonly number[] | null,
): Tensor {
  assertTensor(x, 'roll');
  const ss = dimList(shifts, 'roll', 'shifts');
  const ds = dims === undefined || dims === null ? [] : dimList(dims, 'roll');
  // Without dims, one shift rolls the flattened tensor.
  if (ds.length === 0 ? ss.length !== 1 : ds.length !== ss.length) {
    throw new RangeError(
      `roll: shifts and dimensions must align. shifts: ${ss.length}, dims: ${ds.length}`,
    );
  }
  if (ds.length === 0) {
    const shape = [...x.shape];
    return reshape(roll(reshape(x, [[-1]]), ss, [0]), [shape]);
  }
  const norm = ds.map((d) => normalizeDim(d, x.dim(), 'roll'));
  const out = noGrad(() => {
    let y = x;
    norm.forEach((d, i) => {
      if (d < y.dim()) y = rollDim(y, ss[i], d);
    });
    return y === x ? Tensor._fromData(x.toFloat32Array(), x.shape) : y;
  });
  const back = ss.map((s) => -s);
  return record(out, 'RollBackward0', [x], (g) => [roll(g, back, norm)]);
}

/**
 * Repeats the tensor along each dim (`torch.Tensor.repeat`): sizes may add leading dims.
 * @param x - the input
 * @param sizes - repetitions per dim, as numbers or one array
 * @returns a new tensor of shape `sizes[i] * x.shape[i]` (x's shape padded with leading 1s)
 * @throws RangeError when fewer sizes than dims are given or a size is negative
 * @example repeat(tensor([1, 2]), [2, 2]) // [[1, 2, 1, 2], [1, 2, 1, 2]]
 */
export function repeat(x: Tensor, sizes: readonly number[]): Tensor {
  assertTensor(x, 'repeat');
  const reps = dimList(sizes, 'repeat', 'sizes');
  if (reps.length < x.dim()) {
    throw new RangeError(
      'repeat: Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor',
    );
  }
  for (const r of reps) {
    if (r < 0)
      throw new RangeError(
        `repeat: Trying to create tensor with negative dimension ${r}: ${formatShape(reps)}`,
      );
  }
  const padded = [...new Array<number>(reps.length - x.dim()).fill(1), ...x.shape];
  // Interleave a broadcast dim before each dim: [r0, s0, r1, s1, ...], expand, then fold pairs.
  const pairs: number[] = [];
  const target: number[] = [];
  padded.forEach((s, i) => {
    pairs.push(1, s);
    target.push(reps[i], s);
  });
  const expanded = expand(reshape(x, [pairs]), target);
  return reshape(expanded, [padded.map((s, i) => s * reps[i])]);
}

/**
 * `torch.tile`: like repeat, but fewer repetitions than dims are padded with leading 1s.
 * @param x - the input
 * @param dims - repetitions per dim
 * @returns the tiled tensor
 * @throws RangeError on a negative repetition
 * @example tile(tensor([[1, 2]]), [2]) // [[1, 2, 1, 2]]
 */
export function tile(x: Tensor, dims: readonly number[]): Tensor {
  assertTensor(x, 'tile');
  const reps = dimList(dims, 'tile');
  const padded = [...new Array<number>(Math.max(0, x.dim() - reps.length)).fill(1), ...reps];
  return repeat(x, padded);
}

function triangle(x: Tensor, diagonal: number, lower: boolean): Tensor {
  const op = lower ? 'tril' : 'triu';
  assertTensor(x, op);
  const k = checkInteger(diagonal, op, 'diagonal');
  if (x.dim() < 2) throw new RangeError(`${op}: input tensor must have at least 2 dimensions`);
  const data = x.toFloat32Array();
  const rows = x.shape[x.dim() - 2];
  const cols = x.shape[x.dim() - 1];
  // One matrix after another (none when a matrix is empty: then so is `data`).
  for (let base = 0; base < data.length; base += rows * cols) {
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++)
        if (lower ? j - i > k : j - i < k) data[base + i * cols + j] = 0;
    }
  }
  const name = lower ? 'TrilBackward0' : 'TriuBackward0';
  return record(Tensor._fromData(data, x.shape), name, [x], (g) => [triangle(g, k, lower)]);
}

/**
 * The lower triangle of the last two dims; elements above diagonal `diagonal` become 0.
 * @param x - a tensor with at least 2 dims
 * @param diagonal - which diagonal to keep up to (default 0; positive is above the main one)
 * @returns a new tensor of x's shape
 * @throws RangeError for tensors with fewer than 2 dims
 * @example tril(ones(3, 3)) // [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
 */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return triangle(x, diagonal, true);
}

/**
 * The upper triangle of the last two dims; elements below diagonal `diagonal` become 0.
 * @param x - a tensor with at least 2 dims
 * @param diagonal - which diagonal to keep from (default 0)
 * @returns a new tensor of x's shape
 * @throws RangeError for tensors with fewer than 2 dims
 * @example triu(ones(3, 3), 1) // [[0, 1, 1], [0, 0, 1], [0, 0, 0]]
 */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return triangle(x, diagonal, false);
}

/** Options of `diagonal`, PyTorch's keyword arguments. */
export interface DiagonalOptions {
  /** Which diagonal: 0 the main one (default), > 0 above it, < 0 below it. */
  offset?: number;
  /** The first dim of the planes (default 0). */
  dim1?: number;
  /** The second dim of the planes (default 1). */
  dim2?: number;
}

/**
 * A view of the diagonal of the (dim1, dim2) planes, appended as the last dim (`torch.diagonal`).
 * @param x - a tensor with at least 2 dims
 * @param offset - 0 for the main diagonal, positive above it, negative below (default 0); or
 *   an options object `{ offset, dim1, dim2 }`
 * @param dim1 - first dim of the plane (default 0)
 * @param dim2 - second dim of the plane (default 1)
 * @returns a view sharing x's storage
 * @throws RangeError when dim1 and dim2 are the same dim or out of range
 * @example diagonal(tensor([[1, 2], [3, 4]])) // [1, 4]
 */
export function diagonal(
  x: Tensor,
  offset?: number | DiagonalOptions,
  dim1?: number,
  dim2?: number,
): Tensor {
  assertTensor(x, 'diagonal');
  return diagonalView(x, ...diagonalArgs(offset, dim1, dim2));
}

/** The diagonal view itself, with resolved arguments. */
export function diagonalView(x: Tensor, offset: number, dim1: number, dim2: number): Tensor {
  checkInteger(offset, 'diagonal', 'offset');
  const d1 = normalizeDim(dim1, x.dim(), 'diagonal');
  const d2 = normalizeDim(dim2, x.dim(), 'diagonal');
  if (x.dim() < 2 || d1 === d2) {
    throw new RangeError(`diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  }
  const s1 = x.shape[d1];
  const s2 = x.shape[d2];
  let size: number;
  let start = x.offset;
  if (offset >= 0) {
    size = Math.max(Math.min(s1, s2 - offset), 0);
    if (size > 0) start += offset * x.strides[d2];
  } else {
    size = Math.max(Math.min(s1 + offset, s2), 0);
    if (size > 0) start -= offset * x.strides[d1];
  }
  const keep = x.shape.map((_, i) => i).filter((i) => i !== d1 && i !== d2);
  const shape = [...keep.map((i) => x.shape[i]), size];
  const strides = [...keep.map((i) => x.strides[i]), x.strides[d1] + x.strides[d2]];
  const inputShape = x.shape;
  return record(viewOf(x, shape, strides, start), 'DiagonalBackward0', [x], (g) => [
    embed(g, inputShape, (z) => diagonalView(z, offset, d1, d2), 'DiagonalBackwardBackward0'),
  ]);
}

/** Reads diagonal's arguments: PyTorch's positional (offset, dim1, dim2) or an options object. */
function diagonalArgs(
  a?: number | DiagonalOptions,
  dim1?: number,
  dim2?: number,
): [number, number, number] {
  if (a !== undefined && typeof a === 'object') {
    // Values are checked where they are used, with the positional arguments' messages.
    const o = checkOptions<DiagonalOptions>('diagonal', a, {
      offset: 'any',
      dim1: 'any',
      dim2: 'any',
    });
    return [o.offset ?? 0, o.dim1 ?? 0, o.dim2 ?? 1];
  }
  return [a ?? 0, dim1 ?? 0, dim2 ?? 1];
}

/**
 * `torch.diag`: a 1-D input becomes a square matrix with it on diagonal `diagonal_`; a 2-D input
 * gives a copy of that diagonal.
 *
 * @param x - A 1-D or 2-D tensor.
 * @param diagonal_ - Which diagonal (default 0; > 0 above the main one, < 0 below).
 * @returns A new tensor.
 * @throws RangeError for other ranks.
 * @example diag(tensor([1, 2])) // [[1, 0], [0, 2]]
 */
export function diag(x: Tensor, diagonal_ = 0): Tensor {
  assertTensor(x, 'diag');
  const k = checkInteger(diagonal_, 'diag', 'diagonal');
  if (x.dim() === 1) {
    const n = x.shape[0] + Math.abs(k);
    return embed(x, [n, n], (z) => diagonalView(z, k, 0, 1), 'DiagEmbedBackward0');
  }
  if (x.dim() === 2) {
    const d = diagonalView(x, k, 0, 1);
    return record(Tensor._fromData(d.toFloat32Array(), d.shape), 'CloneBackward0', [d], (g) => [g]);
  }
  throw new RangeError(`diag(): Supports 1D or 2D tensors. Got ${x.dim()}D`);
}

/**
 * Moves dims `source` to positions `destination`, the others keeping their order (a view).
 * @param x - the input
 * @param source - a dim or list of dims
 * @param destination - their new positions, same length as source
 * @returns a view sharing x's storage
 * @throws RangeError on length mismatch, repeated or out-of-range dims
 * @example movedim(zeros(2, 3, 4), 0, -1).shape // [3, 4, 2]
 */
export function movedim(
  x: Tensor,
  source: number | readonly number[],
  destination: number | readonly number[],
): Tensor {
  assertTensor(x, 'movedim');
  const src = dimList(source, 'movedim', 'source');
  const dst = dimList(destination, 'movedim', 'destination');
  if (src.length !== dst.length) {
    throw new RangeError(
      `movedim: Invalid source or destination dims: source (${formatShape(src)} dims) should contain ` +
        `the same number of dims as destination (${formatShape(dst)} dims)`,
    );
  }
  const nd = x.dim();
  const s = src.map((d) => normalizeDim(d, nd, 'movedim'));
  const t = dst.map((d) => normalizeDim(d, nd, 'movedim'));
  if (new Set(s).size !== s.length)
    throw new RangeError(`movedim: repeated dim in \`source\` (${formatShape(src)})`);
  if (new Set(t).size !== t.length)
    throw new RangeError(`movedim: repeated dim in \`destination\` (${formatShape(dst)})`);
  if (nd === 0) return permute(x, []);
  const order = new Array<number>(nd).fill(-1);
  s.forEach((d, i) => (order[t[i]] = d));
  const rest = x.shape.map((_, i) => i).filter((i) => !s.includes(i));
  let r = 0;
  for (let i = 0; i < nd; i++) if (order[i] === -1) order[i] = rest[r++];
  return permute(x, order);
}

/**
 * `torch.swapaxes`: transpose of two dims (a view).
 * @param x - the input
 * @param axis0 - first dim
 * @param axis1 - second dim
 * @returns a view sharing x's storage
 * @throws RangeError on out-of-range dims
 */
export function swapaxes(x: Tensor, axis0: number, axis1: number): Tensor {
  assertTensor(x, 'swapaxes');
  return transpose(x, axis0, axis1);
}

/**
 * Splits dim `dim` into `sizes` (one may be -1), as a view.
 * @param x - the input
 * @param dim - the dim to split
 * @param sizes - the new sizes, whose product is x.shape[dim]
 * @returns a view sharing x's storage
 * @throws RangeError when the sizes do not multiply to the dim's size
 * @example unflatten(zeros(2, 6), 1, [2, 3]).shape // [2, 2, 3]
 */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  assertTensor(x, 'unflatten');
  const d = normalizeDim(dim, x.dim(), 'unflatten');
  const list = dimList(sizes, 'unflatten', 'sizes');
  if (list.length === 0) throw new RangeError('unflatten: sizes must be non-empty');
  const size = x.dim() === 0 ? 1 : x.shape[d];
  if (list.filter((s) => s === -1).length > 1)
    throw new RangeError('unflatten: only one dimension can be inferred');
  let resolved: number[];
  try {
    // The view shapes' -1 inference; any size it rejects does not multiply up to the dim's size.
    resolved = inferShape(list, size, 'unflatten');
  } catch {
    throw new RangeError(
      `unflatten: Provided sizes ${formatShape(list)} don't multiply up to the size of dim ${dim} ` +
        `(${size}) in the input tensor`,
    );
  }
  const shape = [...x.shape.slice(0, d), ...resolved, ...x.shape.slice(d + 1)];
  return view(x, [shape]);
}
