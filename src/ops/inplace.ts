/**
 * In-place ops (trailing `_`). Every write bumps the storage's version counter, so a backward
 * pass that saved the old values fails loudly instead of using modified data. Arguments are
 * validated and results computed before anything is written: a failing call changes nothing.
 */
import { isGradEnabled, noGrad } from '../autograd/grad-mode.js';
import { Node, record } from '../autograd/node.js';
import { Tensor, assertTensor, describe, type TensorLike } from '../tensor/tensor.js';
import { Storage } from '../tensor/storage.js';
import { formatShape, sameShape, broadcastShapes } from '../tensor/shape.js';
import { scatter } from '../tensor/kernels/strided.js';
import * as E from './elementwise.js';
import { clampRange, scaleRange } from '../tensor/kernels/inplace.js';
import {
  asStrided,
  copySlices,
  layoutCopy,
  viewNode,
  windowOf,
  type Window,
} from './view-history.js';
import { INTERNAL_OVERLAP_MESSAGE, assertNoPartialOverlap } from './overlap.js';

const LEAF_MESSAGE = 'a leaf Variable that requires grad is being used in an in-place operation.';
const VIEW_OF_LEAF_MESSAGE =
  'a view of a leaf Variable that requires grad is being used in an in-place operation.';

/** PyTorch's refusals of recorded in-place writes to a leaf that requires grad, or to a view of one. */
function checkLeafWrite(self: Tensor): void {
  if (self.isLeaf && self.requiresGrad) throw new Error(LEAF_MESSAGE);
  const base = self._base;
  if (base !== null && !self._isAlias && self._tracksBase && base.isLeaf && base.requiresGrad)
    throw new Error(VIEW_OF_LEAF_MESSAGE);
}

/** Copies `values` (row-major, self's shape) into self's memory and bumps the version. */
function writeInto(self: Tensor, values: Float32Array): void {
  if (self.isContiguous()) self.buffer.set(values, self.offset);
  else scatter(values, self);
  self._storage.version++;
}

function checkResultShape(self: Tensor, result: Tensor, op: string): void {
  if (!sameShape(self.shape, result.shape)) {
    throw new RangeError(
      `${op}: output with shape ${formatShape(self.shape)} doesn't match the broadcast shape ${formatShape(result.shape)}`,
    );
  }
}

/**
 * Runs `compute(self)` and stores the result in self. When autograd must record the op, the
 * graph is rebased: self takes the new node, fed by a copy of its previous value.
 */
function applyInPlace<T extends Tensor>(
  self: T,
  op: string,
  others: Tensor[],
  compute: (x: Tensor) => Tensor,
  overlapAllowed = false,
): T {
  assertTensor(self, op);
  const recording = isGradEnabled() && (self.requiresGrad || others.some((o) => o.requiresGrad));
  // PyTorch applies the autograd rules (leaves) before the memory ones (overlaps).
  if (recording) checkLeafWrite(self);
  checkWritable(self, overlapAllowed);
  assertNoPartialOverlap(self, others);
  if (recording && self.requiresGrad && self._multiOutput) throw multiOutputError(self);
  if (!recording) {
    const result = noGrad(() => compute(self));
    checkResultShape(self, result, op);
    writeInto(self, result._contiguousData());
    return self;
  }
  // checkLeafWrite has refused leaves (and views of leaves) that require grad.
  if (self._base !== null && !self._isAlias) return applyThroughView(self, self._base, op, compute);
  const previous = copyWithHistory(self);
  const result = compute(previous);
  checkResultShape(self, result, op);
  writeInto(self, result._contiguousData());
  if (result.gradFn) {
    result.gradFn.rebindSavedOutput(result, self);
    self._setHistory(result.gradFn);
  }
  return self;
}

/**
 * A copy of self's current values carrying self's current history: the input of a rebased op.
 * Given a window on self, the copy is laid out as self is, so that the window addresses it.
 */
function copyWithHistory(self: Tensor, w?: Window): Tensor {
  const previous = w
    ? layoutCopy(self, w)
    : new Tensor(new Storage(self.toFloat32Array()), self.shape);
  const node = self.gradFn;
  if (node) previous._setHistory(node);
  return previous;
}

/**
 * A recorded in-place op on a view (PyTorch's CopySlices): the base's history becomes "previous
 * base with the view's window replaced by op(window)", and the view reads that window.
 */
function applyThroughView<T extends Tensor>(
  self: T,
  base: Tensor,
  op: string,
  compute: (x: Tensor) => Tensor,
): T {
  if (!self._tracksBase) throw new Error(NO_GRAD_VIEW_MESSAGE);
  const w = windowOf(self, base);
  if (w === null && hasSharedElements(base)) return writeOverSharedBase(self, base, op, compute);
  if (w === null) {
    throw new Error(
      `${op}: in-place operations on this view are not supported while autograd records them ` +
        `(its base of shape ${formatShape(base.shape)} is not contiguous); use the out-of-place op instead`,
    );
  }
  const previousBase = copyWithHistory(base, w);
  const result = compute(asStrided(previousBase, w));
  checkResultShape(self, result, op);
  const newBase = copySlices(previousBase, result, w, hasSharedElements(self));
  writeInto(self, result._contiguousData());
  result.gradFn?.rebindSavedOutput(result, self);
  if (newBase.gradFn) {
    base._setHistory(newBase.gradFn);
    self._setHistory(viewNode(base, w));
  }
  return self;
}

/**
 * A recorded write through a view of an expanded base (its elements share memory): PyTorch makes
 * it, and a backward pass that reaches it refuses (the gradient cannot be laid out on such a
 * base). The same here: the values are written; the base and the view take a history that throws.
 */
function writeOverSharedBase<T extends Tensor>(
  self: T,
  base: Tensor,
  op: string,
  compute: (x: Tensor) => Tensor,
): T {
  const result = compute(copyWithHistory(self));
  checkResultShape(self, result, op);
  writeInto(self, result._contiguousData());
  const node = new Node('CopySlices', [result.requiresGrad ? result : null], [], () => {
    throw new Error(INTERNAL_OVERLAP_MESSAGE);
  });
  base._setHistory(node);
  self._setHistory(node);
  return self;
}

const NO_GRAD_VIEW_MESSAGE =
  'A view was created in no_grad mode and is being modified inplace with grad mode enabled. ' +
  'Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your ' +
  "code by moving both the view and the inplace either both inside the no_grad block (if you don't " +
  'want the inplace to be tracked) or both outside (if you want the inplace to be tracked).';

/**
 * Writes PyTorch refuses before touching memory: several elements sharing one memory location
 * (expanded tensors), and, in grad mode, a view made in no-grad mode of a tensor that requires grad.
 */
function checkWritable(self: Tensor, overlapAllowed = false): void {
  if (!overlapAllowed && hasSharedElements(self)) {
    throw new Error(INTERNAL_OVERLAP_MESSAGE);
  }
  const base = self._base;
  if (base !== null && !self._isAlias && !self._tracksBase && isGradEnabled() && base.requiresGrad)
    throw new Error(NO_GRAD_VIEW_MESSAGE);
}

/** Whether several elements of `t` share one memory location (an expanded dim). */
function hasSharedElements(t: Tensor): boolean {
  // An empty tensor has no element to share (PyTorch: non-overlapping), whatever its strides.
  return t.numel() > 0 && t.shape.some((size, d) => size > 1 && t.strides[d] === 0);
}

/** PyTorch's refusal of in-place writes to an output of split/chunk/unbind under autograd. */
function multiOutputError(self: Tensor): Error {
  const info = self._multiOutput!;
  const name = info.name || (self.gradFn?.name ?? 'a view op');
  return new Error(
    `Output ${info.index} of ${name} is a view and is being modified inplace. This view is the ` +
      'output of a function that returns multiple views. Such functions do not allow the output ' +
      'views to be modified inplace. You should replace the inplace operation by an out-of-place one.',
  );
}

/**
 * Fast path for the optimizer and clipping loops: contiguous self, scalar or same-shape operand, no
 * graph to record. Declines (false) whenever autograd is involved, so the leaf rule is applied by
 * applyInPlace.
 */
function fastBinary(
  self: Tensor,
  other: Tensor,
  scalarLoop: (d: Float32Array, s: number) => void,
  vectorLoop: (d: Float32Array, o: Float32Array) => void,
): boolean {
  if (isGradEnabled() && (self.requiresGrad || other.requiresGrad)) return false;
  if (!self.isContiguous()) return false;
  checkWritable(self);
  assertNoPartialOverlap(self, [other]);
  const d = self._contiguousData();
  if (other.numel() === 1 && other.dim() <= self.dim()) {
    scalarLoop(d, other.buffer[other.offset]);
  } else if (sameShape(self.shape, other.shape) && other.isContiguous()) {
    vectorLoop(d, other._contiguousData());
  } else {
    return false;
  }
  self._storage.version++;
  return true;
}

export function add_<T extends Tensor>(
  self: T,
  other: TensorLike,
  options?: { alpha?: number },
): T {
  const o = E.operand(other, 'add_');
  const alpha = E.alphaOf(options, 'add_');
  if (
    fastBinary(
      self,
      o,
      (d, s) => {
        for (let i = 0; i < d.length; i++) d[i] += alpha * s;
      },
      (d, v) => {
        for (let i = 0; i < d.length; i++) d[i] += alpha * v[i];
      },
    )
  ) {
    return self;
  }
  return applyInPlace(self, 'add_', [o], (x) => E.add(x, o, { alpha }));
}

export function sub_<T extends Tensor>(
  self: T,
  other: TensorLike,
  options?: { alpha?: number },
): T {
  return add_(self, other, { alpha: -E.alphaOf(options, 'sub_') });
}

export function mul_<T extends Tensor>(self: T, other: TensorLike): T {
  const o = E.operand(other, 'mul_');
  if (
    fastBinary(
      self,
      o,
      (d, s) => scaleRange(d, 0, d.length, s),
      (d, v) => {
        for (let i = 0; i < d.length; i++) d[i] *= v[i];
      },
    )
  ) {
    return self;
  }
  return applyInPlace(self, 'mul_', [o], (x) => E.mul(x, o));
}

export function div_<T extends Tensor>(self: T, other: TensorLike): T {
  const o = E.operand(other, 'div_');
  return applyInPlace(self, 'div_', [o], (x) => E.div(x, o));
}

export function pow_<T extends Tensor>(self: T, exponent: TensorLike): T {
  const o = typeof exponent === 'number' ? exponent : E.operand(exponent, 'pow_');
  return applyInPlace(self, 'pow_', typeof o === 'number' ? [] : [o], (x) => E.pow(x, o));
}

export const neg_ = <T extends Tensor>(self: T): T => applyInPlace(self, 'neg_', [], E.neg);
export const abs_ = <T extends Tensor>(self: T): T => applyInPlace(self, 'abs_', [], E.abs);
export const exp_ = <T extends Tensor>(self: T): T => applyInPlace(self, 'exp_', [], E.exp);
export const sqrt_ = <T extends Tensor>(self: T): T => applyInPlace(self, 'sqrt_', [], E.sqrt);
export const relu_ = <T extends Tensor>(self: T): T => applyInPlace(self, 'relu_', [], E.relu);

export function clamp_<T extends Tensor>(self: T, min: number | null, max: number | null): T {
  if (min === null && max === null)
    throw new TypeError("clamp_: at least one of 'min' or 'max' must not be null");
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  if (typeof lo !== 'number' || typeof hi !== 'number') {
    throw new TypeError(
      `clamp_: min and max must be numbers, got ${describe(min)} and ${describe(max)}`,
    );
  }
  if (!(isGradEnabled() && self.requiresGrad) && self.isContiguous()) {
    checkWritable(self);
    // NaN stays NaN; with min > max everything becomes max, as in PyTorch.
    clampRange(self.buffer, self.offset, self.numel(), lo, hi);
    self._storage.version++;
    return self;
  }
  return applyInPlace(self, 'clamp_', [], (x) => E.clamp(x, min, max));
}

/** Copies `src` (broadcast to self's shape) into self. */
export function copy_<T extends Tensor>(self: T, src: TensorLike): T {
  const s = E.operand(src, 'copy_');
  assertTensor(self, 'copy_');
  const shape = broadcastShapes(self.shape, s.shape, 'copy_');
  if (!sameShape(shape, self.shape)) {
    throw new RangeError(
      `copy_: source of shape ${formatShape(s.shape)} cannot be broadcast to ${formatShape(self.shape)}`,
    );
  }
  const target = self.shape;
  return applyInPlace(self, 'copy_', [s], (x) =>
    record(
      Tensor._fromData(s.expand(target).toFloat32Array(), target),
      'CopyBackwards',
      [x, s],
      // zeros, not g * 0: an infinite or NaN upstream gradient must not leak (PyTorch: zeros_like).
      (g, _saved, [nx, ns]) => [nx ? E.zeroGrad(g) : null, ns ? g : null],
    ),
  );
}

/**
 * Replaces self's values with `produce(numel)` (row-major), in place. For autograd the new values
 * are a constant: no gradient flows to self's previous value (PyTorch's fill_, uniform_, normal_).
 * `produce` runs only after the in-place checks pass.
 */
export function overwrite_<T extends Tensor>(
  self: T,
  op: string,
  name: string,
  produce: (numel: number) => Float32Array,
  overlapAllowed = false,
): T {
  return applyInPlace(
    self,
    op,
    [],
    (x) => record(Tensor._fromData(produce(x.numel()), x.shape), name, [x], (g) => [E.zeroGrad(g)]),
    overlapAllowed,
  );
}

/**
 * Sets every element to `value`. Like PyTorch, allowed on expanded tensors (every alias gets the
 * same value, so the write is well defined).
 */
export function fill_<T extends Tensor>(self: T, value: number): T {
  assertTensor(self, 'fill_');
  if (typeof value !== 'number')
    throw new TypeError(`fill_: value must be a number, got ${describe(value)}`);
  if (!(isGradEnabled() && self.requiresGrad) && self.isContiguous()) {
    checkWritable(self, true);
    self.buffer.fill(value, self.offset, self.offset + self.numel());
    self._storage.version++;
    return self;
  }
  return overwrite_(self, 'fill_', 'FillBackward2', (n) => new Float32Array(n).fill(value), true);
}
