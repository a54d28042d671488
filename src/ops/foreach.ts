/**
 * Operations over lists of tensors, modelled on PyTorch's `torch._foreach_*` family: one call per
 * list instead of one op per tensor, no autograd, no per-tensor allocation beyond the results.
 * Clipping and optimizers go through this layer instead of reaching into kernels: it owns the
 * strided walks, the SIMD kernels (through kernels/inplace and kernels/reduce) and, for the
 * in-place ops, the version bump of each written storage — so a backward pass that saved one of
 * the written tensors refuses to run, as PyTorch's version counter makes it.
 *
 * The in-place ops check every tensor before writing to any: after an error nothing has changed.
 * Module scope touches no `Tensor` value (the Tensor/ops import circle): only types.
 */
import type { Tensor } from '../tensor/tensor.js';
import { normRow, reduceRows, rowLayout, type RowReducer } from '../tensor/kernels/reduce.js';
import { forEachRow, isContiguousLayout, type View } from '../tensor/kernels/strided.js';
import { numelOf } from '../tensor/shape.js';
import { clampRange, clampSymmetric, scaleRange } from '../tensor/kernels/inplace.js';
import { formatOrder } from './reduce.js';

/** The memory walk shared by the in-place ops: `body(offset, count, stride)` per run of a view. */
function forEachRun(
  t: View,
  body: (data: Float32Array, offset: number, count: number, stride: number) => void,
): void {
  const data = t.buffer;
  if (isContiguousLayout(t.shape, t.strides)) {
    const n = numelOf(t.shape);
    if (n > 0) body(data, t.offset, n, 1);
    return;
  }
  forEachRow(t.shape, t.strides, t.offset, (off, _start, len, stride) =>
    body(data, off, len, stride),
  );
}

/** Slice i along the first dimension of `t`, as a raw view (no tensor, no autograd). */
function unitView(t: Tensor, i: number): View {
  return {
    buffer: t.buffer,
    shape: t.shape.slice(1),
    strides: t.strides.slice(1),
    offset: t.offset + i * t.strides[0],
  };
}

/** True when several elements of `t` share one memory location (an expanded tensor). */
export function hasInternalOverlap(t: Tensor): boolean {
  const shape = t.shape;
  const strides = t.strides;
  for (let d = 0; d < shape.length; d++) if (shape[d] > 1 && strides[d] === 0) return true;
  return false;
}

/**
 * Refuses, before anything is written, a list holding a tensor whose elements share memory
 * (`expand()`ed tensors), as PyTorch's in-place ops do.
 *
 * @param tensors - The tensors about to be written.
 * @param op - The public function doing the writing, for the message.
 * @throws Error naming `op` and the position of the first such tensor.
 */
export function assertWritable(tensors: readonly Tensor[], op: string, what = 'tensor'): void {
  for (let i = 0; i < tensors.length; i++) {
    if (hasInternalOverlap(tensors[i])) {
      throw new Error(
        `${op}: ${what} ${i} (shape [${tensors[i].shape.join(', ')}], strides ` +
          `[${tensors[i].strides.join(', ')}]) is an expanded tensor (unsupported operation: more ` +
          'than one element of the written-to tensor refers to a single memory location). Please ' +
          'clone() it before performing the operation.',
      );
    }
  }
}

/** Rejects norms with no identity over an empty tensor, with `linalg.vector_norm`'s message. */
function checkNormIdentity(numel: number, p: number): void {
  if (numel === 0 && (p < 0 || p === Infinity)) {
    throw new RangeError(
      `linalg.vector_norm cannot compute the ${formatOrder(p)} norm on an empty tensor because ` +
        'the operation does not have an identity',
    );
  }
}

/**
 * The p-norm of every element of `t` as float32, exactly what `t.norm(p)` computes: a contiguous
 * tensor goes straight to the row kernel over its memory (what the norm op's row layout hands the
 * same kernel, so the same float64 accumulation order); other layouts take the op's own path.
 */
function wholeNorm(t: Tensor, p: number, reducer: RowReducer): number {
  if (isContiguousLayout(t.shape, t.strides)) {
    const n = t.numel();
    return Math.fround(reducer(t.buffer.subarray(t.offset, t.offset + n), 0, n));
  }
  const dims = t.shape.map((_, d) => d);
  return reduceRows(rowLayout(t, dims), reducer)[0];
}

/**
 * `torch._foreach_norm`: the p-norm of each tensor over all its elements, as float32 values, bit
 * for bit what `t.norm(p)` returns for each.
 *
 * @param tensors - Any layouts (views, non-contiguous, expanded: reading is always safe).
 * @param p - The order: any real, `Infinity` or `-Infinity`. Default 2.
 * @returns One norm per tensor, in order.
 * @throws RangeError for an empty tensor with p < 0 or p = ∞ (the norm has no identity).
 */
export function foreachNorm(tensors: readonly Tensor[], p = 2): Float32Array {
  for (const t of tensors) checkNormIdentity(t.numel(), p);
  const out = new Float32Array(tensors.length);
  const reducer = normRow(p);
  for (let i = 0; i < tensors.length; i++) out[i] = wholeNorm(tensors[i], p, reducer);
  return out;
}

/**
 * The p-norm of a list of norms, as float32: the second stage of a total norm (PyTorch's
 * `vector_norm(stack(norms), p)`), accumulated in float64 like every torchlet norm.
 *
 * @param norms - Per-tensor norms (from {@link foreachNorm}).
 * @param p - The order. Default 2.
 * @returns The total norm; 0 for an empty list.
 */
export function normOfNorms(norms: Float32Array, p = 2): number {
  return Math.fround(normRow(p)(norms, 0, norms.length));
}

/**
 * The p-norm of each slice `t[i]` along the first dimension (every dim but the first reduced):
 * one norm per output unit of a `[out, in, …]` weight. A 0-d or 1-D tensor gives its whole norm.
 *
 * @param t - The tensor (any layout).
 * @param p - The order. Default 2.
 * @returns `shape[0]` norms (one for a 0-/1-D tensor), float32.
 * @throws RangeError for empty slices with p < 0 or p = ∞.
 */
export function unitNorms(t: Tensor, p = 2): Float32Array {
  if (t.dim() <= 1) {
    checkNormIdentity(t.numel(), p);
    return Float32Array.of(wholeNorm(t, p, normRow(p)));
  }
  if (t.shape[0] > 0) checkNormIdentity(numelOf(t.shape.slice(1)), p);
  const dims = t.shape.slice(1).map((_, d) => d + 1);
  return reduceRows(rowLayout(t, dims), normRow(p));
}

/**
 * `torch._foreach_mul_(tensors, scalar)`: multiplies every element by `c` (one float32 multiply
 * per element, `f(x·f(c))`), in place. With a list of scalars, tensor i is multiplied by `c[i]`.
 * Bumps each written storage's version once per tensor.
 *
 * @param tensors - The tensors to scale (any layout but expanded).
 * @param c - One factor for all, or one per tensor.
 * @param op - The public function on whose behalf this runs, for error messages.
 * @throws Error when a tensor is expanded (nothing is written).
 * @throws RangeError when a list of factors has the wrong length.
 */
export function foreachMul_(
  tensors: readonly Tensor[],
  c: number | ArrayLike<number>,
  op = '_foreach_mul_',
): void {
  if (typeof c !== 'number' && c.length !== tensors.length) {
    throw new RangeError(
      `${op}: expected ${tensors.length} scalars, one per tensor, got ${c.length}`,
    );
  }
  assertWritable(tensors, op);
  for (let i = 0; i < tensors.length; i++) {
    const t = tensors[i];
    const factor = typeof c === 'number' ? c : c[i];
    forEachRun(t, (d, off, n, stride) => scaleRange(d, off, n, factor, stride));
    t._storage.version++;
  }
}

/**
 * Multiplies each slice `t[i]` along the first dimension by `factors[i]` in place (a 0-/1-D
 * tensor as a whole by `factors[0]`). Slices whose factor is exactly 1 are left alone (x·1 = x
 * bitwise), so only the rows that change are written. Bumps the version once if anything ran.
 *
 * @param t - The tensor (any layout but expanded).
 * @param factors - One float32 factor per slice.
 * @param op - The public function on whose behalf this runs, for error messages.
 * @throws Error when `t` is expanded; RangeError when `factors` has the wrong length.
 */
export function mulUnits_(t: Tensor, factors: ArrayLike<number>, op = 'mulUnits_'): void {
  const units = t.dim() <= 1 ? 1 : t.shape[0];
  if (factors.length !== units)
    throw new RangeError(`${op}: expected ${units} factors, one per unit, got ${factors.length}`);
  assertWritable([t], op);
  let wrote = false;
  for (let i = 0; i < units; i++) {
    const factor = factors[i];
    if (factor === 1) continue;
    const slice = t.dim() <= 1 ? t : unitView(t, i);
    forEachRun(slice, (d, off, n, stride) => scaleRange(d, off, n, factor, stride));
    wrote = true;
  }
  if (wrote) t._storage.version++;
}

/**
 * `torch._foreach_clamp_min_` then `_foreach_clamp_max_`: every element becomes
 * `min(max(x, lo), hi)`, in place, with PyTorch's rules — NaN elements stay NaN, `lo > hi` makes
 * everything `hi`, and a NaN bound makes every element NaN. Bumps each storage's version.
 *
 * @param tensors - The tensors to clamp (any layout but expanded).
 * @param lo - The lower bound (`-Infinity` for none).
 * @param hi - The upper bound (`Infinity` for none).
 * @param op - The public function on whose behalf this runs, for error messages.
 * @throws Error when a tensor is expanded (nothing is written).
 */
export function foreachClamp_(
  tensors: readonly Tensor[],
  lo: number,
  hi: number,
  op = '_foreach_clamp_',
): void {
  assertWritable(tensors, op);
  const nanBound = Number.isNaN(lo) || Number.isNaN(hi);
  // |x| <= c for c >= 0 runs branch-free on the bit patterns (kernels/inplace.ts).
  const symmetric = !nanBound && hi >= 0 && lo === -hi;
  for (const t of tensors) {
    forEachRun(t, (d, off, n, stride) => {
      if (nanBound) scaleRange(d, off, n, NaN, stride);
      else if (symmetric) clampSymmetric(d, off, n, hi, stride);
      else clampRange(d, off, n, lo, hi, stride);
    });
    t._storage.version++;
  }
}

/** Checks that `others` pairs with `tensors` one to one, shape for shape (no broadcasting). */
function checkPairs(tensors: readonly Tensor[], others: readonly Tensor[], op: string): void {
  if (others.length !== tensors.length) {
    throw new RangeError(
      `${op}: expected ${tensors.length} tensors in the second list, got ${others.length}`,
    );
  }
  for (let i = 0; i < tensors.length; i++) {
    const a = tensors[i].shape;
    const b = others[i].shape;
    if (a.length !== b.length || a.some((s, d) => s !== b[d])) {
      throw new RangeError(
        `${op}: tensor ${i} has shape [${a.join(', ')}] but its partner has shape [${b.join(', ')}]`,
      );
    }
  }
}

/**
 * `torch._foreach_add_(tensors, others, alpha=alpha)`: `x ← x + alpha·y` for each pair, in place,
 * exactly as `x.add_(y, { alpha })` computes it (one fused multiply-add, rounded once to float32,
 * like PyTorch's vectorised CPU kernel). The shapes must match exactly. Bumps each written
 * storage's version.
 *
 * @param tensors - The tensors written (any layout but expanded).
 * @param others - One tensor per entry of `tensors`, same shape (any layout).
 * @param alpha - The multiplier of `others`. Default 1.
 * @param op - The public function on whose behalf this runs, for error messages.
 * @throws RangeError for mismatched lists or shapes; Error for an expanded tensor (nothing written).
 */
export function foreachAdd_(
  tensors: readonly Tensor[],
  others: readonly Tensor[],
  alpha = 1,
  op = '_foreach_add_',
): void {
  checkPairs(tensors, others, op);
  assertWritable(tensors, op);
  const a = alpha;
  for (let i = 0; i < tensors.length; i++) {
    const t = tensors[i];
    const y = others[i]._contiguousData();
    const d = t.buffer;
    if (isContiguousLayout(t.shape, t.strides)) {
      const n = t.numel();
      const off = t.offset;
      if (a === 1) for (let k = 0; k < n; k++) d[off + k] += y[k];
      else for (let k = 0; k < n; k++) d[off + k] += a * y[k];
    } else {
      forEachRow(t.shape, t.strides, t.offset, (off, start, len, stride) => {
        for (let k = 0, j = off; k < len; k++, j += stride) d[j] += a * y[start + k];
      });
    }
    t._storage.version++;
  }
}

/**
 * `torch._foreach_zero_`: sets every element to 0 in place (NaN and ±∞ included, unlike a
 * multiplication by 0). Bumps each written storage's version.
 *
 * @param tensors - The tensors to clear (any layout but expanded).
 * @param op - The public function on whose behalf this runs, for error messages.
 * @throws Error for an expanded tensor (nothing is written).
 */
export function foreachZero_(tensors: readonly Tensor[], op = '_foreach_zero_'): void {
  assertWritable(tensors, op);
  for (const t of tensors) {
    forEachRun(t, (d, off, n, stride) => {
      if (stride === 1) d.fill(0, off, off + n);
      else for (let k = 0, j = off; k < n; k++, j += stride) d[j] = 0;
    });
    t._storage.version++;
  }
}
