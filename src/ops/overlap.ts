/**
 * PyTorch's memory-overlap rule for in-place writes: an operand that shares some, but not all, of
 * the written-to tensor's memory would be read while it is being overwritten, so PyTorch refuses
 * (`x.add_(x.t())`, `y.copy_(y.flip(0))` on a view, `x.add_(x[0])`). The same tensor, or an alias
 * with the same window, is fine (`x.mul_(x)`). Like PyTorch, only tensors whose elements fill their
 * memory block exactly (non-overlapping and dense) are compared; other layouts are not checked.
 */
import type { Tensor } from '../tensor/tensor.js';
import { isNonOverlappingAndDense } from '../tensor/layout.js';
import { sameShape } from '../tensor/shape.js';

/**
 * @internal PyTorch's message when an in-place op's input and output share some, but not all,
 * memory (`x.copy_(x.t())`): the write would read values it has already overwritten.
 */
export const PARTIAL_OVERLAP_MESSAGE =
  'unsupported operation: some elements of the input tensor and the written-to tensor refer to a ' +
  'single memory location. Please clone() the tensor before performing the operation.';

/**
 * @internal PyTorch's message when several elements of the written-to tensor share one memory
 * location (an expanded tensor).
 */
export const INTERNAL_OVERLAP_MESSAGE =
  'unsupported operation: more than one element of the written-to tensor refers to a single ' +
  'memory location. Please clone() the tensor before performing the operation.';

/** How two tensors' memory relates (PyTorch's MemOverlapStatus). */
export type OverlapStatus = 'no' | 'full' | 'partial' | 'too hard';

/**
 * Whether `a` and `b` share memory: 'full' (the same elements in the same order), 'partial',
 * 'no', or 'too hard' (a layout with gaps or repeats, which is not analysed).
 *
 * @param a - A tensor.
 * @param b - Another tensor.
 * @returns The overlap status.
 */
export function overlapStatus(a: Tensor, b: Tensor): OverlapStatus {
  if (a === b) return 'full';
  const na = a.numel();
  const nb = b.numel();
  if (na === 0 || nb === 0) return 'no';
  if (
    !isNonOverlappingAndDense(a.shape, a.strides) ||
    !isNonOverlappingAndDense(b.shape, b.strides)
  )
    return 'too hard';
  if (a._storage !== b._storage) return 'no';
  const aEnd = a.offset + na;
  const bEnd = b.offset + nb;
  if (a.offset === b.offset && aEnd === bEnd)
    return sameShape(a.strides, b.strides) ? 'full' : 'partial';
  return a.offset < bEnd && b.offset < aEnd ? 'partial' : 'no';
}

/**
 * Throws PyTorch's error when an operand of an in-place op partly overlaps the written-to tensor.
 *
 * @param self - The tensor written in place.
 * @param operands - The op's tensor operands, as the caller passed them (before broadcasting).
 * @throws Error when an operand shares part of self's memory.
 */
export function assertNoPartialOverlap(self: Tensor, operands: readonly Tensor[]): void {
  for (const o of operands)
    if (overlapStatus(self, o) === 'partial') throw new Error(PARTIAL_OVERLAP_MESSAGE);
}
