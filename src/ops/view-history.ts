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
import { INTERNAL_OVERLAP_MESSAGE } from './overlap.js';
import { allocForWrite, allocZeroed } from '../tensor/kernels/arena.js';

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

/** The address (from `offset`) of every element of a layout, in row-major element order. */
export function addresses(shape: Shape, strides: readonly number[], offset: number): Int32Array {
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
  if (base.isContiguous()) {
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

/** The grad_fn names of a take/put pair (each the other's adjoint): `[take, put]`. */
type PairNames = readonly [string, string];

/** A window's read and its adjoint, as PyTorch names them in double backward. */
const WINDOW_NAMES: PairNames = ['CopySlicesBackwardBackward0', 'AsStridedBackwardBackward0'];

/*
 * Three linear maps between a tensor's row-major elements and a list of their positions `at`,
 * each recorded with its adjoint as its backward, so that gradients through view writes and
 * indexing can themselves be differentiated (createGraph):
 *   takeAt: t -> t's elements at `at`;
 *   putAt:  g -> zeros with g added at `at` (adjoint of takeAt; repeated positions add up);
 *   zeroAt: t -> t with the elements at `at` zeroed (its own adjoint).
 */

/**
 * `t`'s row-major elements at `at`, shaped `shape`. `run` > 1 says the positions come in blocks
 * of `run` consecutive ones (copied as whole blocks).
 */
export function takeAt(t: Tensor, at: Int32Array, shape: Shape, names: PairNames, run = 1): Tensor {
  const src = t._contiguousData();
  const n = at.length;
  const out = allocForWrite(n);
  if (run > 16) {
    for (let j = 0; j < n; j += run) out.set(src.subarray(at[j], at[j] + run), j);
  } else {
    for (let j = 0; j < n; j++) out[j] = src[at[j]];
  }
  const srcShape = t.shape;
  return record(Tensor._fromData(out, shape), names[0], [t], (g) => [
    putAt(g, srcShape, at, names, run),
  ]);
}

/** Zeros of `shape` with g's elements added at `at`; `run` as in {@link takeAt}. */
export function putAt(g: Tensor, shape: Shape, at: Int32Array, names: PairNames, run = 1): Tensor {
  const gd = g._contiguousData();
  const out = allocZeroed(numelOf(shape));
  for (let j = 0; j < at.length; j += run) {
    const first = at[j];
    for (let i = 0; i < run; i++) out[first + i] += gd[j + i];
  }
  const gShape = g.shape;
  return record(Tensor._fromData(out, shape), names[1], [g], (gg) => [
    takeAt(gg, at, gShape, names, run),
  ]);
}

/** A copy of `t` with its elements at `at` set to 0. */
export function zeroAt(t: Tensor, at: Int32Array, name: string): Tensor {
  const data = replaceAt(t, new Float32Array(at.length), at);
  return record(Tensor._fromData(data, t.shape), name, [t], (g) => [zeroAt(g, at, name)]);
}

/** A row-major copy of `t` with its elements at `at` replaced by `values`. */
function replaceAt(t: Tensor, values: Float32Array, at: Int32Array): Float32Array {
  const data = t._contiguousData().slice();
  for (let i = 0; i < at.length; i++) data[at[i]] = values[i];
  return data;
}

const asStridedBackward = (baseShape: Shape, w: Window) => (g: Tensor) => [
  putAt(g, baseShape, w.indices, WINDOW_NAMES),
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
    Tensor._fromData(replaceAt(base, values._contiguousData(), w.indices), base.shape),
    'CopySlices',
    [base, values],
    (g, _saved, [needBase, needValues]) => {
      if (sharedElements) throw new Error(INTERNAL_OVERLAP_MESSAGE);
      return [
        needBase ? zeroAt(g, w.indices, 'CopySlicesBackwardBackward1') : null,
        needValues ? takeAt(g, w.indices, w.shape, WINDOW_NAMES) : null,
      ];
    },
  );
}
