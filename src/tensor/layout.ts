/**
 * Memory layout of op outputs, following PyTorch's memory-format rules: an elementwise output keeps
 * its inputs' dimension order (TensorIterator's), and `clone()` keeps a dense input's strides. This
 * matters beyond speed: whether a later `reshape` aliases or copies depends on the strides.
 * Only shapes and strides here (no tensors).
 */
import { contiguousStrides, numelOf, sameShape, type Shape } from './shape.js';
import { isContiguousLayout, scatter } from './kernels/strided.js';

/** The layout of one input: its shape and strides. */
export interface Layout {
  readonly shape: Shape;
  readonly strides: readonly number[];
}

/**
 * True when the elements fill a block of memory exactly once, in some dimension order (PyTorch's
 * `is_non_overlapping_and_dense`). Size-0 and size-1 dims do not count; empty tensors qualify.
 */
export function isNonOverlappingAndDense(shape: Shape, strides: readonly number[]): boolean {
  if (shape.length === 1) return shape[0] < 2 || strides[0] === 1;
  const perm = shape.map((_, i) => i);
  perm.sort((a, b) => {
    if (shape[a] < 2) return shape[b] < 2 ? 0 : 1;
    if (shape[b] < 2) return -1;
    return strides[a] - strides[b];
  });
  let required = 1;
  for (const d of perm) {
    if (shape[d] < 2) return true;
    if (strides[d] !== required) return false;
    required *= shape[d];
  }
  return true;
}

/** Contiguous strides for `shape` with dims laid out fastest-first in `fastestFirst` order. */
function permutedContiguousStrides(shape: Shape, fastestFirst: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let next = 1;
  for (const d of fastestFirst) {
    strides[d] = next;
    next *= shape[d];
  }
  return strides;
}

/** An input's strides seen from `outShape`: 0 on broadcast dims, its own stride elsewhere. */
function stridesIn(input: Layout, outShape: Shape): number[] {
  const lead = outShape.length - input.shape.length;
  return outShape.map((size, i) => {
    if (i < lead) return 0;
    const own = input.shape[i - lead];
    return own === 1 && size !== 1 ? 0 : input.strides[i - lead];
  });
}

/**
 * Strides of an elementwise op's output of `shape` computed from `inputs` (in argument order), as
 * PyTorch's TensorIterator allocates it: contiguous when every input is contiguous, the inputs'
 * own strides when all are dense with identical strides and shape, otherwise the dims sorted by the
 * inputs' strides (the first input that orders two dims decides; broadcast dims do not vote).
 */
export function elementwiseStrides(shape: Shape, inputs: readonly Layout[]): number[] {
  const sameShapes = inputs.every((t) => sameShape(t.shape, shape));
  if (sameShapes) {
    if (inputs.every((t) => isContiguousLayout(t.shape, t.strides)))
      return contiguousStrides(shape);
    const first = inputs[0];
    if (
      inputs.every(
        (t) =>
          isNonOverlappingAndDense(t.shape, t.strides) &&
          t.strides.every((s, i) => s === first.strides[i]),
      )
    ) {
      return [...first.strides];
    }
  }
  const nd = shape.length;
  if (nd <= 1) return contiguousStrides(shape);
  const strides = inputs.map((t) => stridesIn(t, shape));
  // 1: dim0 should come after (be slower than) dim1; -1: before; 0: undecided.
  const shouldSwap = (dim0: number, dim1: number): number => {
    for (const s of strides) {
      const s0 = s[dim0];
      const s1 = s[dim1];
      if (s0 === 0 || s1 === 0) continue;
      if (s0 < s1) return -1;
      if (s0 > s1) return 1;
      if (shape[dim0] > shape[dim1]) return 1;
    }
    return 0;
  };
  // Fastest-first order, starting from row-major, sorted by insertion with undecided pairs kept.
  const perm = Array.from({ length: nd }, (_, i) => nd - 1 - i);
  for (let i = 1; i < nd; i++) {
    let dim1 = i;
    for (let dim0 = i - 1; dim0 >= 0; dim0--) {
      const c = shouldSwap(perm[dim0], perm[dim1]);
      if (c > 0) {
        [perm[dim0], perm[dim1]] = [perm[dim1], perm[dim0]];
        dim1 = dim0;
      } else if (c < 0) break;
    }
  }
  return permutedContiguousStrides(shape, perm);
}

/**
 * Lays row-major `values` out with `strides` (a dense layout of `shape`), returning the new
 * memory: `values` itself when the strides are row-major.
 */
export function layOut(
  values: Float32Array,
  shape: Shape,
  strides: readonly number[],
): Float32Array {
  if (isContiguousLayout(shape, strides)) return values;
  const out = new Float32Array(numelOf(shape));
  scatter(values, { buffer: out, shape, strides, offset: 0 });
  return out;
}
