/**
 * Autograd for in-place writes through views (PyTorch's CopySlices). A view is a window — shape,
 * strides, offset — on its base's memory. Writing `values` through the window gives the base a new
 * history, `copySlices(previous base, values)`, and the view becomes `asStrided` of the base's new
 * history. Views whose storage changed since their history was recorded get the same `asStrided`
 * history when next asked (`viewNode`), so their gradients reach the base's newest value.
 *
 * The base may have any non-overlapping layout (the output of an op on a transposed input keeps
 * the input's strides, as in PyTorch; a detached slice has gaps): a window records, for each of
 * its elements, which element of the base sits at that address.
 */
import { Node, record } from '../autograd/node.js';
import { Tensor } from '../tensor/tensor.js';
import { Storage } from '../tensor/storage.js';
import { numelOf, type Shape } from '../tensor/shape.js';
import { forEachRow, isContiguousLayout, scatter } from '../tensor/kernels/strided.js';

/** Where a view sits in its base. */
export interface Window {
  readonly shape: Shape;
  readonly strides: readonly number[];
  /** The view's first element, counted from the base's. */
  readonly offset: number;
  /** For each element of the window (row-major), the base's element (row-major) at its address. */
  readonly indices: Int32Array;
  /** The base's strides, and how many storage slots it spans: a copy laid out alike. */
  readonly baseStrides: readonly number[];
  readonly baseExtent: number;
}

const INTERNAL_OVERLAP_MESSAGE =
  'unsupported operation: more than one element of the written-to tensor refers to a single ' +
  'memory location. Please clone() the tensor before performing the operation.';

/** The address (from `offset`) of every element of a layout, in row-major element order. */
function addresses(shape: Shape, strides: readonly number[], offset: number): Int32Array {
  const out = new Int32Array(numelOf(shape));
  forEachRow(shape, strides, offset, (off, start, len, stride) => {
    for (let j = 0; j < len; j++) out[start + j] = off + j * stride;
  });
  return out;
}

/**
 * The window of `view` in `base`, or null when the base's layout repeats an element (expanded:
 * an address names no single base element) or the view reaches outside the base.
 */
export function windowOf(view: Tensor, base: Tensor): Window | null {
  const offset = view.offset - base.offset;
  const indices = addresses(view.shape, view.strides, offset);
  const n = base.numel();
  if (isContiguousLayout(base.shape, base.strides)) {
    // Row-major: the address is the element's index.
    for (const a of indices) if (a < 0 || a >= n) return null;
    return {
      shape: view.shape,
      strides: view.strides,
      offset,
      indices,
      baseStrides: base.strides,
      baseExtent: n,
    };
  }
  const baseAddresses = addresses(base.shape, base.strides, 0);
  let extent = 0;
  for (const a of baseAddresses) if (a + 1 > extent) extent = a + 1;
  const elementAt = new Int32Array(extent).fill(-1);
  for (let i = 0; i < n; i++) {
    if (elementAt[baseAddresses[i]] !== -1) return null;
    elementAt[baseAddresses[i]] = i;
  }
  for (let i = 0; i < indices.length; i++) {
    const a = indices[i];
    const k = a >= 0 && a < extent ? elementAt[a] : -1;
    if (k < 0) return null;
    indices[i] = k;
  }
  return {
    shape: view.shape,
    strides: view.strides,
    offset,
    indices,
    baseStrides: base.strides,
    baseExtent: extent,
  };
}

/** A copy of `t` (the base's shape) in new memory laid out as the base is, so the window addresses it. */
export function layoutCopy(t: Tensor, w: Window): Tensor {
  const values = t._contiguousData();
  if (isContiguousLayout(t.shape, w.baseStrides)) return Tensor._fromData(values.slice(), t.shape);
  const buffer = new Float32Array(w.baseExtent);
  scatter(values, { buffer, shape: t.shape, strides: w.baseStrides, offset: 0 });
  return new Tensor(new Storage(buffer), t.shape, w.baseStrides);
}

/*
 * Three linear maps between the base's elements and the window's, each recorded with the adjoint
 * as its backward, so gradients through view writes can themselves be differentiated (createGraph):
 *   windowGrad: window-shaped g -> zeros of the base's shape with g added in the window;
 *   readWindow: base-shaped t   -> a copy of t's window (adjoint of windowGrad);
 *   zeroWindow: base-shaped t   -> t with the window zeroed (its own adjoint).
 */
function windowGrad(g: Tensor, baseShape: Shape, w: Window): Tensor {
  const out = new Float32Array(numelOf(baseShape));
  const gd = g._contiguousData();
  for (let i = 0; i < w.indices.length; i++) out[w.indices[i]] += gd[i];
  return record(Tensor._fromData(out, baseShape), 'AsStridedBackwardBackward0', [g], (gg) => [
    readWindow(gg, w),
  ]);
}

function readWindow(t: Tensor, w: Window): Tensor {
  const data = t._contiguousData();
  const values = new Float32Array(w.indices.length);
  for (let i = 0; i < values.length; i++) values[i] = data[w.indices[i]];
  const baseShape = t.shape;
  return record(Tensor._fromData(values, w.shape), 'CopySlicesBackwardBackward0', [t], (gg) => [
    windowGrad(gg, baseShape, w),
  ]);
}

function zeroWindow(t: Tensor, w: Window): Tensor {
  const data = replaceWindow(t, new Float32Array(w.indices.length), w);
  return record(Tensor._fromData(data, t.shape), 'CopySlicesBackwardBackward1', [t], (gg) => [
    zeroWindow(gg, w),
  ]);
}

/** A row-major copy of `t` with the window's elements replaced by `values`. */
function replaceWindow(t: Tensor, values: Float32Array, w: Window): Float32Array {
  const data = t._contiguousData().slice();
  for (let i = 0; i < w.indices.length; i++) data[w.indices[i]] = values[i];
  return data;
}

const asStridedBackward = (baseShape: Shape, w: Window) => (g: Tensor) => [
  windowGrad(g, baseShape, w),
];

/**
 * The window of `base` as a view on its storage, recorded as AsStridedBackward0. `base` is laid
 * out as the window's base (the base itself, or its {@link layoutCopy}).
 */
export function asStrided(base: Tensor, w: Window): Tensor {
  const v = new Tensor(base._storage, w.shape, w.strides, base.offset + w.offset);
  v._base = base;
  v._tracksBase = true;
  return record(v, 'AsStridedBackward0', [base], asStridedBackward(base.shape, w));
}

/** A view's history rebuilt from its base's current one (regardless of grad mode, as PyTorch). */
export function viewNode(base: Tensor, w: Window): Node {
  return new Node('AsStridedBackward0', [base], [], asStridedBackward(base.shape, w));
}

/**
 * `base` with the window's elements replaced by `values`: the base's history after the write.
 * A write through a view whose elements share memory (only fill_ and zero_ allow it) cannot be
 * differentiated: as in PyTorch, a backward pass that reaches it throws.
 */
export function copySlices(
  base: Tensor,
  values: Tensor,
  w: Window,
  sharedElements = false,
): Tensor {
  return record(
    Tensor._fromData(replaceWindow(base, values._contiguousData(), w), base.shape),
    'CopySlices',
    [base, values],
    (g, _saved, [needBase, needValues]) => {
      if (sharedElements) throw new Error(INTERNAL_OVERLAP_MESSAGE);
      return [needBase ? zeroWindow(g, w) : null, needValues ? readWindow(g, w) : null];
    },
  );
}
