/** Pure kernels that walk strided memory. No tensors, no autograd: arrays, shapes and strides in. */

import type { Shape } from '../shape.js';
import { arenaKernelsFor } from './arena.js';

/** A strided window on a Float32Array: what every kernel reads. */
export interface View {
  readonly buffer: Float32Array;
  readonly shape: Shape;
  readonly strides: readonly number[];
  readonly offset: number;
}

export function isContiguousLayout(shape: Shape, strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

/**
 * Calls `body(offset, start, length, stride)` for each innermost row of a strided view, where the
 * row's elements sit at `offset + j * stride`; `start` is the row's position in row-major order.
 * The per-row callback keeps inner loops tight inside the caller.
 */
export function forEachRow(
  shape: Shape,
  strides: readonly number[],
  offset: number,
  body: (offset: number, start: number, length: number, stride: number) => void,
): void {
  if (shape.length === 0) {
    body(offset, 0, 1, 1);
    return;
  }
  for (const d of shape) if (d === 0) return;
  // Trailing dims that step through memory as one (stride[d] = stride[d + 1]·shape[d + 1]) walk as
  // one longer row: the same elements in the same order, in fewer calls.
  let nd = shape.length;
  const sh = [...shape];
  const st = [...strides];
  for (; nd > 1 && st[nd - 2] === st[nd - 1] * sh[nd - 1]; nd--) {
    sh[nd - 2] *= sh[nd - 1];
    st[nd - 2] = st[nd - 1];
  }
  const len = sh[nd - 1];
  const stride = st[nd - 1];
  const counter = new Array<number>(nd - 1).fill(0);
  let off = offset;
  let start = 0;
  for (;;) {
    body(off, start, len, stride);
    start += len;
    let d = nd - 2;
    while (d >= 0) {
      counter[d]++;
      off += st[d];
      if (counter[d] < sh[d]) break;
      off -= st[d] * sh[d];
      counter[d] = 0;
      d--;
    }
    if (d < 0) return;
  }
}

/**
 * Copies a strided view into `out` (row-major). Contiguous rows are block copies and broadcast
 * rows (stride 0, e.g. an expanded scalar) native fills; only other strides loop per element.
 */
export function gather(view: View, out: Float32Array): Float32Array {
  const src = view.buffer;
  const [A, B] = view.shape;
  const [sa, sb] = view.strides;
  // A transposed matrix: the SIMD kernel's 4x4 blocks in the arena, the edges here.
  const k = view.shape.length === 2 && sa === 1 && sb! > 1 && arenaKernelsFor(out.length, src, out);
  if (k) {
    const [rows, cols] = [B! & ~3, A! & ~3];
    k.transpose(src.byteOffset + 4 * view.offset, out.byteOffset, rows, cols, sb!, B!);
    for (let a = 0; a < A!; a++)
      for (let b = a < cols ? rows : 0; b < B!; b++)
        out[a * B! + b] = src[view.offset + a + b * sb!]!;
  }
  // One copy for contiguous memory rather than one per row.
  else if (isContiguousLayout(view.shape, view.strides))
    out.set(src.subarray(view.offset, view.offset + out.length));
  else
    forEachRow(view.shape, view.strides, view.offset, (off, start, len, stride) => {
      if (stride === 1) out.set(src.subarray(off, off + len), start);
      else if (stride === 0) out.fill(src[off], start, start + len);
      else for (let j = 0; j < len; j++) out[start + j] = src[off + j * stride];
    });
  return out;
}

/** Writes row-major `values` into a strided view (in place). */
export function scatter(values: Float32Array, view: View): void {
  const dst = view.buffer;
  forEachRow(view.shape, view.strides, view.offset, (off, start, len, stride) => {
    if (stride === 1) dst.set(values.subarray(start, start + len), off);
    else for (let j = 0; j < len; j++) dst[off + j * stride] = values[start + j];
  });
}

/** Strides of `shape` read as broadcast to `outShape`: 0 on broadcast dims. */
export function broadcastStrides(
  shape: Shape,
  strides: readonly number[],
  outShape: Shape,
): number[] {
  const lead = outShape.length - shape.length;
  return outShape.map((_, i) => {
    if (i < lead) return 0;
    return shape[i - lead] === 1 ? 0 : strides[i - lead];
  });
}
