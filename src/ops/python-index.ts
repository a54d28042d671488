/**
 * Python indexing: `x[items]` as `index(x, ...items)` and `x[items] = value` as `indexPut_`.
 * Numbers, slice strings, `null` and `'...'` (basic indexing) give views; integer tensors and
 * arrays (advanced indexing) give copies, with PyTorch's placement of the advanced dims.
 */
import { record } from '../autograd/node.js';
import { Tensor, assertTensor, describe, type TensorLike } from '../tensor/tensor.js';
import {
  broadcastShapes,
  checkInteger,
  contiguousStrides,
  formatShape,
  numelOf,
  type Shape,
} from '../tensor/shape.js';
import { broadcastStrides, gather as gatherView } from '../tensor/kernels/strided.js';
import { broadcastsTo, checkBounds, nestedShape, outOfBounds, readIndex } from './index-args.js';
import { broadcastData, operand } from './elementwise.js';
import { copy_ } from './inplace.js';
import { checkOptions } from '../tensor/options.js';
import { select, slice, sliceBounds, unsqueeze, view } from './views.js';
import { addresses, takeAt, zeroAt } from './view-history.js';

/**
 * One item of a Python index: an integer, `null` (new axis), `'...'`, a slice string such as
 * `':'`, `'1:5'`, `'::2'` or `'-3:'`, an integer Tensor / (nested) number array, or a (nested)
 * boolean array used as a mask. Tensors always index by integer (there is no bool dtype): for a
 * mask held in a tensor use maskedSelect, maskedFill or where.
 */
export type IndexItem = number | null | string | Tensor | readonly unknown[];

type Parsed =
  | { kind: 'int'; value: number }
  | { kind: 'slice'; start: number | null; stop: number | null; step: number }
  | { kind: 'none' }
  | { kind: 'ellipsis'; skip: number }
  | {
      kind: 'adv';
      shape: Shape;
      data: Float32Array | Float64Array;
      maskSize?: number;
      maskAt?: number;
    };

const SLICE = /^\s*([+-]?\d+)?\s*:\s*([+-]?\d+)?\s*(?::\s*([+-]?\d+)?\s*)?$/;

function parseSlice(text: string, op: string): Parsed {
  if (text.trim() === '...') return { kind: 'ellipsis', skip: 0 };
  const m = SLICE.exec(text);
  if (m === null) {
    throw new TypeError(
      `${op}: cannot read the string '${text}' as an index: expected '...' or a slice such as ':', '1:5', '::2'`,
    );
  }
  const num = (s: string | undefined) => (s === undefined ? null : Number(s));
  const step = num(m[3]) ?? 1;
  if (step === 0) throw new RangeError(`${op}: slice step cannot be zero`);
  if (step < 0) throw new RangeError(`${op}: step must be greater than zero, got ${step}`);
  return { kind: 'slice', start: num(m[1]), stop: num(m[2]), step };
}

/** The first non-array leaf of a nested array (to tell boolean masks from integer indices). */
function firstLeaf(value: readonly unknown[]): unknown {
  let v: unknown = value;
  while (Array.isArray(v)) {
    if (v.length === 0) return undefined;
    v = v[0];
  }
  return v;
}

/**
 * A boolean array mask (`x[[true, false, true]]`) as one advanced index per mask dim: the
 * coordinates of its true elements, as PyTorch's nonzero() turns a bool mask into indices.
 */
function parseMask(mask: readonly unknown[], op: string): Parsed[] {
  const shape = nestedShape(mask, op, 'a boolean mask');
  const strides = contiguousStrides(shape);
  const coords: number[][] = shape.map(() => []);
  // The leaves in row-major order; the coordinates of leaf i follow from the strides.
  (mask as unknown[]).flat(Infinity).forEach((v, i) => {
    if (typeof v !== 'boolean')
      throw new TypeError(`${op}: a boolean mask must hold only booleans, got ${describe(v)}`);
    if (v) shape.forEach((size, d) => coords[d].push(Math.floor(i / strides[d]) % size));
  });
  return coords.map((c, d) => ({
    kind: 'adv',
    shape: [c.length],
    data: Float64Array.from(c),
    maskSize: shape[d],
    maskAt: d,
  }));
}

function parseItem(item: unknown, op: string): Parsed {
  if (item === null) return { kind: 'none' };
  if (typeof item === 'number') return { kind: 'int', value: checkInteger(item, op, 'an index') };
  if (typeof item === 'string') return parseSlice(item, op);
  if (item instanceof Tensor || Array.isArray(item)) {
    const idx = readIndex(item, op, 'an index tensor');
    // A 0-d integer tensor indexes like a Python integer, as in PyTorch.
    if (item instanceof Tensor && idx.shape.length === 0)
      return { kind: 'int', value: idx.data[0] };
    return { kind: 'adv', shape: idx.shape, data: idx.data };
  }
  throw new TypeError(
    `${op}: only integers, slices (':'), ellipsis ('...'), null and integer tensors or arrays are ` +
      `valid indices, got ${describe(item)}`,
  );
}

/**
 * Parses the items; each `'...'` skips the dims that the other items leave (PyTorch's rule, which
 * also accepts several ellipses: all but the first then skip past the end).
 */
function parseItems(items: readonly unknown[], ndim: number, op: string): Parsed[] {
  const parsed = items.flatMap((it) =>
    Array.isArray(it) && typeof firstLeaf(it) === 'boolean'
      ? parseMask(it, op)
      : [parseItem(it, op)],
  );
  const consumed = parsed.filter((p) => p.kind !== 'none' && p.kind !== 'ellipsis').length;
  if (consumed > ndim) throw tooManyIndices(op, ndim);
  for (const p of parsed) if (p.kind === 'ellipsis') p.skip = ndim - consumed;
  return parsed;
}

/** Each dimension-consuming item needs a dim left (several ellipses can skip past the end). */
function needDim(p: Parsed, dim: number, ndim: number, op: string): void {
  if (p.kind !== 'none' && p.kind !== 'ellipsis' && dim >= ndim) throw tooManyIndices(op, ndim);
}

function tooManyIndices(op: string, ndim: number): RangeError {
  return new RangeError(`${op}: too many indices for tensor of dimension ${ndim}`);
}

/** An integer item, wrapped (a 0-d tensor never gets here: parseItems counts its items). */
function checkInt(value: number, size: number, dim: number, op: string): number {
  if (value < -size || value >= size) throw outOfBounds(op, value, dim, size);
  return value < 0 ? value + size : value;
}

/** A strided window relative to a tensor's row-major layout. */
interface Meta {
  shape: number[];
  strides: number[];
  offset: number;
}

/** Where each advanced index sits in the basic-indexed window. */
interface Advanced {
  dim: number;
  shape: Shape;
  data: Float32Array | Float64Array;
}

/** Applies the basic items to a window description; collects the advanced ones. */
function resolveBasic(shape: Shape, parsed: Parsed[], op: string): { meta: Meta; adv: Advanced[] } {
  const meta: Meta = { shape: [...shape], strides: contiguousStrides(shape), offset: 0 };
  const adv: Advanced[] = [];
  let dim = 0;
  for (const p of parsed) {
    needDim(p, dim, meta.shape.length, op);
    if (p.kind === 'int') {
      const i = checkInt(p.value, meta.shape[dim], dim, op);
      meta.offset += i * meta.strides[dim];
      meta.shape.splice(dim, 1);
      meta.strides.splice(dim, 1);
    } else if (p.kind === 'slice') {
      const [s, e] = sliceBounds(meta.shape[dim], p.start, p.stop);
      const len = Math.ceil((e - s) / p.step);
      if (len > 0) meta.offset += s * meta.strides[dim];
      meta.shape[dim] = len;
      meta.strides[dim] *= p.step;
      dim++;
    } else if (p.kind === 'none') {
      meta.shape.splice(dim, 0, 1);
      meta.strides.splice(dim, 0, 0);
      dim++;
    } else if (p.kind === 'adv') {
      if (p.maskSize !== undefined && p.maskSize !== meta.shape[dim]) {
        throw new RangeError(
          `${op}: The shape of the mask [${p.maskSize}] at index ${p.maskAt} does not match the ` +
            `shape of the indexed tensor [${meta.shape[dim]}] at index ${dim}`,
        );
      }
      adv.push({ dim, shape: p.shape, data: p.data });
      dim++;
    } else {
      dim += p.skip;
    }
  }
  return { meta, adv };
}

/**
 * The row-major positions (in the indexed tensor) of every element of `x[items]`, and its shape.
 * Advanced dims go where the first one was when they are adjacent, else first (PyTorch's rule).
 */
function indexOffsets(
  meta: Meta,
  adv: Advanced[],
  op: string,
): { shape: number[]; offsets: Int32Array; run: number } {
  let bshape: number[] = [];
  for (const a of adv) {
    try {
      bshape = broadcastShapes(bshape, a.shape, op);
    } catch {
      throw new RangeError(
        `${op}: shape mismatch: indexing tensors could not be broadcast together with shapes ` +
          adv.map((b) => formatShape(b.shape)).join(', '),
      );
    }
  }
  const nb = numelOf(bshape);
  // Each index broadcast to the common shape, wrapped and bounds-checked.
  const values = adv.map((a) => {
    // Bounds checked and negatives wrapped on the index as given, then broadcast.
    const own = Float32Array.from(checkBounds(a, meta.shape[a.dim], a.dim, op, true));
    const strides = broadcastStrides(a.shape, contiguousStrides(a.shape), bshape);
    return gatherView({ buffer: own, shape: bshape, strides, offset: 0 }, new Float32Array(nb));
  });
  const advDims = adv.map((a) => a.dim);
  const rest = meta.shape.map((_, d) => d).filter((d) => !advDims.includes(d));
  const adjacent = advDims.every((d, i) => i === 0 || d === advDims[i - 1] + 1);
  const p = adv.length === 0 ? 0 : adjacent ? rest.filter((d) => d < advDims[0]).length : 0;
  const restShape = rest.map((d) => meta.shape[d]);
  const restStrides = rest.map((d) => meta.strides[d]);
  const shape = [...restShape.slice(0, p), ...bshape, ...restShape.slice(p)];
  const offsets = new Int32Array(numelOf(shape));
  if (offsets.length === 0) return { shape, offsets, run: 1 };
  // Output dims: rest[0..p), the broadcast block, rest[p..). Offsets split into three sums.
  const outerOffsets = addresses(restShape.slice(0, p), restStrides.slice(0, p), meta.offset);
  const innerOffsets = addresses(restShape.slice(p), restStrides.slice(p), 0);
  const blockOffsets = new Float64Array(nb);
  const innerCount = innerOffsets.length;
  for (let a = 0; a < adv.length; a++) {
    const stride = meta.strides[advDims[a]];
    const v = values[a];
    for (let b = 0; b < nb; b++) blockOffsets[b] += v[b] * stride;
  }
  let j = 0;
  for (let o = 0; o < outerOffsets.length; o++) {
    const oOff = outerOffsets[o];
    for (let b = 0; b < nb; b++) {
      const base = oOff + blockOffsets[b];
      for (let i = 0; i < innerCount; i++) offsets[j++] = base + innerOffsets[i];
    }
  }
  // When the trailing dims are whole rows (offsets 0, 1, 2, ...), offsets come in runs of
  // consecutive positions, which takeAt and putAt copy as blocks.
  let consecutive = true;
  for (let i = 0; i < innerCount && consecutive; i++) consecutive = innerOffsets[i] === i;
  return { shape, offsets, run: consecutive ? innerCount : 1 };
}

/** Indexing's take/put pair, as PyTorch names them. */
const INDEX_NAMES = ['IndexBackward0', 'IndexPutBackward0'] as const;

/**
 * Python's `x[items]`: numbers select (dropping the dim), slice strings slice, `null` inserts a
 * dim, `'...'` stands for the remaining dims, integer Tensors/arrays index advanced-style
 * (broadcast together; their dims go where the first one was when they are adjacent, else first),
 * and a boolean array is a mask over as many dims as it has (its true positions).
 * Basic indexing returns a view; advanced indexing a copy. Gradients flow through both.
 * @param x - the tensor to index
 * @param items - the index items, as between Python's brackets
 * @returns a view (basic items only) or a new tensor
 * @throws RangeError on too many indices or an index out of bounds; TypeError on a bad item
 * @example index(x, ':', [0, 2], '1:') // x[:, [0, 2], 1:]
 */
export function index(x: Tensor, ...items: IndexItem[]): Tensor {
  assertTensor(x, 'index');
  const op = 'index';
  const parsed = parseItems(items, x.dim(), op);
  if (!parsed.some((p) => p.kind === 'adv')) return basicView(x, parsed, op);
  const { meta, adv } = resolveBasic(x.shape, parsed, op);
  const { shape, offsets, run } = indexOffsets(meta, adv, op);
  return takeAt(x, offsets, shape, INDEX_NAMES, run);
}

/** Basic indexing with view ops, so the result shares x's memory and has view autograd. */
function basicView(x: Tensor, parsed: Parsed[], op: string): Tensor {
  let cur = x;
  let dim = 0;
  let touched = false;
  for (const p of parsed) {
    needDim(p, dim, cur.dim(), op);
    if (p.kind === 'int') {
      const i = checkInt(p.value, cur.shape[dim], dim, op);
      cur = select(cur, dim, i);
      touched = true;
    } else if (p.kind === 'slice') {
      cur = slice(cur, dim, p.start, p.stop, p.step);
      touched = true;
      dim++;
    } else if (p.kind === 'none') {
      cur = unsqueeze(cur, dim);
      touched = true;
      dim++;
    } else if (p.kind === 'ellipsis') {
      dim += p.skip;
    }
  }
  // `x[...]` and `x[()]` are aliases (new views of the same memory), as in PyTorch.
  return touched ? cur : view(x, [x.shape]);
}

/** Options of `indexPut_`. */
export interface IndexPutOptions {
  /** Add the values instead of replacing (duplicate indices add up). Default false. */
  accumulate?: boolean;
}

/** Value broadcast to the indexing result's shape, leading size-1 dims of the value dropped. */
function valueFor(value: TensorLike, shape: Shape, op: string): Tensor {
  let v = operand(value, op);
  let lead = 0;
  while (lead < v.dim() - shape.length && v.shape[lead] === 1) lead++;
  if (lead > 0) v = v.reshape(v.shape.slice(lead) as number[]);
  const ok = broadcastsTo(v.shape, shape);
  if (!ok) {
    throw new RangeError(
      `${op}: shape mismatch: value tensor of shape ${formatShape(v.shape)} cannot be broadcast to ` +
        `indexing result of shape ${formatShape(shape)}`,
    );
  }
  return v;
}

/**
 * Out-of-place `x[items] = value` (`torch.index_put`): a copy of x with value written (or added,
 * with `accumulate`) at the indexed places.
 * @param x - the tensor indexed
 * @param items - the index items, as between Python's brackets
 * @param value - a number or a Tensor broadcastable to `x[items]`'s shape
 * @param options - `accumulate` (default false)
 * @returns a new tensor of x's shape
 * @throws RangeError on a bad index or a value that does not broadcast
 */
export function indexPut(
  x: Tensor,
  items: readonly IndexItem[] | Tensor,
  value: TensorLike,
  options: IndexPutOptions = {},
): Tensor {
  const op = 'index_put_';
  assertTensor(x, op);
  // One index tensor may stand alone (`x.indexPut_(idx, v)` for `x[idx] = v`).
  if (items instanceof Tensor) items = [items];
  if (!Array.isArray(items))
    throw new TypeError(`${op}: items must be an array of index items, got ${describe(items)}`);
  const { accumulate = false } = checkOptions<IndexPutOptions>(op, options, {
    accumulate: 'boolean',
  });
  const parsed = parseItems(items, x.dim(), op);
  const { meta, adv } = resolveBasic(x.shape, parsed, op);
  const { shape, offsets } =
    adv.length > 0
      ? indexOffsets(meta, adv, op)
      : { shape: meta.shape, offsets: addresses(meta.shape, meta.strides, meta.offset) };
  const v = valueFor(value, shape, op);
  const vals = broadcastData(v, shape);
  const data = x.toFloat32Array();
  if (accumulate) for (let j = 0; j < offsets.length; j++) data[offsets[j]] += vals[j];
  else for (let j = 0; j < offsets.length; j++) data[offsets[j]] = vals[j];
  return record(Tensor._fromData(data, x.shape), 'IndexPutBackward0', [x, v], (g, _s, [nx, nv]) => [
    nx ? (accumulate ? g : zeroAt(g, offsets, 'IndexPutBackward0')) : null,
    nv ? takeAt(g, offsets, shape, INDEX_NAMES) : null,
  ]);
}

/**
 * Python's `x[items] = value`, in place (`Tensor.index_put_`); bumps x's version, and autograd
 * records it like PyTorch (a leaf that requires grad cannot be written).
 * @param x - the tensor written into
 * @param items - the index items, as between Python's brackets (`[[0, 2]]` for `x[[0, 2]]`, `[0, 2]`
 *   for `x[0, 2]`), or one index Tensor
 * @param value - a number or a Tensor broadcastable to `x[items]`'s shape
 * @param options - `accumulate` adds instead of replacing (duplicates add up); default false
 * @returns x
 * @throws RangeError on a bad index or a value that does not broadcast; Error for a leaf that requires grad
 * @example indexPut_(x, [':', 0], 1) // x[:, 0] = 1
 */
export function indexPut_<T extends Tensor>(
  x: T,
  items: readonly IndexItem[] | Tensor,
  value: TensorLike,
  options: IndexPutOptions = {},
): T {
  const result = indexPut(x, items, value, options);
  return copy_(x, result);
}
