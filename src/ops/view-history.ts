/**
 * Autograd for in-place writes through views (PyTorch's CopySlices). A view is a window — shape,
 * strides, offset — on its base's row-major layout. Writing `values` through the window gives the
 * base a new history, `copySlices(previous base, values)`, and the view becomes `asStrided` of the
 * base's new history. Views whose storage changed since their history was recorded get the same
 * `asStrided` history when next asked (`viewNode`), so their gradients reach the base's newest value.
 */
import { Node, record } from '../autograd/node.js';
import { Tensor } from '../tensor/tensor.js';
import { numelOf, type Shape } from '../tensor/shape.js';
import { forEachRow, gather, isContiguousLayout, scatter } from '../tensor/kernels/strided.js';

/** Where a view sits in its base: offset and strides relative to the base's row-major layout. */
export interface Window {
  readonly shape: Shape;
  readonly strides: readonly number[];
  readonly offset: number;
}

/** The window of `view` in `base`, or null when the base is not row-major (no window to name). */
export function windowOf(view: Tensor, base: Tensor): Window | null {
  if (!isContiguousLayout(base.shape, base.strides)) return null;
  return { shape: view.shape, strides: view.strides, offset: view.offset - base.offset };
}

/*
 * Three linear maps on row-major data, each recorded with the adjoint as its backward, so gradients
 * through view writes can themselves be differentiated (createGraph):
 *   windowGrad: window-shaped g -> zeros of the base's shape with g added in the window;
 *   readWindow: base-shaped t   -> a copy of t's window (adjoint of windowGrad);
 *   zeroWindow: base-shaped t   -> t with the window zeroed (its own adjoint).
 */
function windowGrad(g: Tensor, baseShape: Shape, w: Window): Tensor {
  const out = new Float32Array(numelOf(baseShape));
  const gd = g._contiguousData();
  forEachRow(w.shape, w.strides, w.offset, (off, start, len, stride) => {
    for (let j = 0; j < len; j++) out[off + j * stride] += gd[start + j];
  });
  return record(Tensor._fromData(out, baseShape), 'AsStridedBackwardBackward0', [g], (gg) => [
    readWindow(gg, w),
  ]);
}

function readWindow(t: Tensor, w: Window): Tensor {
  const values = gather({ buffer: t._contiguousData(), ...w }, new Float32Array(numelOf(w.shape)));
  const baseShape = t.shape;
  return record(Tensor._fromData(values, w.shape), 'CopySlicesBackwardBackward0', [t], (gg) => [
    windowGrad(gg, baseShape, w),
  ]);
}

function zeroWindow(t: Tensor, w: Window): Tensor {
  const data = replaceWindow(t, new Float32Array(numelOf(w.shape)), w);
  return record(Tensor._fromData(data, t.shape), 'CopySlicesBackwardBackward1', [t], (gg) => [
    zeroWindow(gg, w),
  ]);
}

/** A row-major copy of `t` with the window's elements replaced by `values`. */
function replaceWindow(t: Tensor, values: Float32Array, w: Window): Float32Array {
  const data = t._contiguousData().slice();
  scatter(values, { buffer: data, ...w });
  return data;
}

const asStridedBackward = (baseShape: Shape, w: Window) => (g: Tensor) => [
  windowGrad(g, baseShape, w),
];

/** The window of a row-major `base` as a view on its storage, recorded as AsStridedBackward0. */
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

/** `base` with the window's elements replaced by `values`: the base's history after the write. */
export function copySlices(base: Tensor, values: Tensor, w: Window): Tensor {
  return record(
    Tensor._fromData(replaceWindow(base, values._contiguousData(), w), base.shape),
    'CopySlices',
    [base, values],
    (g, _saved, [needBase, needValues]) => [
      needBase ? zeroWindow(g, w) : null,
      needValues ? readWindow(g, w) : null,
    ],
  );
}
