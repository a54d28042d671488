/**
 * Gradient clipping with PyTorch's exact semantics (torch.nn.utils.clip_grad):
 * total norm = the p-norm of the per-tensor p-norms; coefficient = maxNorm / (total + 1e-6),
 * clamped to at most 1 and multiplied into every gradient in place, always.
 * Each pass is one loop over each gradient's memory; nothing is allocated per element.
 */
import { Tensor, describe } from '../../tensor/tensor.js';
import { formatOrder, norm } from '../../ops/reduce.js';
import { noGrad } from '../../autograd/grad-mode.js';
import { normRow } from '../../tensor/kernels/reduce.js';
import { forEachRow, isContiguousLayout } from '../../tensor/kernels/strided.js';
import { clampRange, clampSymmetric, scaleRange } from '../../tensor/kernels/inplace.js';
import { gradsOf, tensorList, type TensorOrTensors } from './params.js';

export interface ClipGradNormOptions {
  /** The p of the p-norm: any positive real, `Infinity` (max-abs), also 0 and negatives like PyTorch. Default 2. */
  normType?: number;
  /** Throw, before touching any gradient, when the total norm is NaN or infinite. Default false. */
  errorIfNonfinite?: boolean;
  /** Accepted for PyTorch compatibility; every path here is already a fused multi-tensor loop. */
  foreach?: boolean | null;
}

const f = Math.fround;

/** Python's `float(x)` for norm orders: numbers, and the strings 'inf', '-inf' or numerals. */
function parseNormType(normType: unknown, op: string): number {
  if (typeof normType === 'number' && !Number.isNaN(normType)) return normType;
  if (typeof normType === 'string') {
    const s = normType.trim().toLowerCase();
    const v = s === 'inf' || s === '+inf' ? Infinity : s === '-inf' ? -Infinity : Number(s);
    if (s !== '' && !Number.isNaN(v)) return v;
  }
  throw new TypeError(
    `${op}: normType must be a number (Infinity allowed), got ${describe(normType)}`,
  );
}

function parseNumber(value: unknown, name: string, op: string): number {
  if (typeof value !== 'number')
    throw new TypeError(`${op}: ${name} must be a number, got ${describe(value)}`);
  return value;
}

/** One tensor's vector norm as the float32 PyTorch computes per tensor (the norm op, no graph). */
function tensorNorm(t: Tensor, p: number): number {
  return noGrad(() => norm(t, p)).item();
}

/**
 * The p-norm of the tensors' p-norms (PyTorch 2.6+ `get_total_norm`): a 0-d float32 tensor.
 * An empty list gives `tensor(0.)`.
 */
export function getTotalNorm(
  tensors: TensorOrTensors,
  normType: number = 2,
  errorIfNonfinite = false,
  _foreach?: boolean | null,
): Tensor {
  const op = 'getTotalNorm';
  const list = tensorList(tensors, op);
  const p = parseNormType(normType, op);
  if (list.length === 0) return Tensor._fromData(Float32Array.of(0), []);
  const norms = new Float32Array(list.length);
  for (let i = 0; i < list.length; i++) norms[i] = tensorNorm(list[i], p);
  const total = f(normRow(p)(norms, 0, norms.length));
  if (errorIfNonfinite && !Number.isFinite(total)) {
    throw new Error(
      `The total norm of order ${formatOrder(p)} for gradients from \`parameters\` is non-finite, so it ` +
        'cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, ' +
        'set `errorIfNonfinite: false`',
    );
  }
  return Tensor._fromData(Float32Array.of(total), []);
}

/**
 * PyTorch's float32 recipe: `maxNorm / (total + 1e-6)` runs as reciprocal-then-multiply
 * (Python's `float / Tensor`), each step rounded to float32, then clamped to at most 1 (NaN stays NaN).
 */
export function clipCoefficient(maxNorm: number, totalNorm: number): number {
  const t = f(f(totalNorm) + f(1e-6));
  const coef = f(f(1 / t) * f(maxNorm));
  return coef > 1 ? 1 : coef;
}

/** Multiplies every element of `g` by `c` in place (one pass, strided grads included). */
function scaleInPlace(g: Tensor, c: number): void {
  if (isContiguousLayout(g.shape, g.strides)) scaleRange(g.buffer, g.offset, g.numel(), c);
  else
    forEachRow(g.shape, g.strides, g.offset, (off, _s, len, stride) =>
      scaleRange(g.buffer, off, len, c, stride),
    );
  g._storage.version++;
}

/** Scales the gradients of `parameters` by `min(maxNorm / (totalNorm + 1e-6), 1)` (PyTorch 2.6+). */
export function clipGradsWithNorm_(
  parameters: TensorOrTensors,
  maxNorm: number,
  totalNorm: Tensor | number,
  _foreach?: boolean | null,
): void {
  const op = 'clipGradsWithNorm_';
  const grads = gradsOf(tensorList(parameters, op));
  const max = parseNumber(maxNorm, 'maxNorm', op);
  let total: number;
  if (totalNorm instanceof Tensor) {
    if (totalNorm.numel() !== 1) {
      throw new RangeError(
        `${op}: totalNorm must hold a single value, got a tensor of shape [${totalNorm.shape.join(', ')}]`,
      );
    }
    total = totalNorm.item();
  } else total = parseNumber(totalNorm, 'totalNorm', op);
  if (grads.length === 0) return;
  const coef = clipCoefficient(max, total);
  for (const g of grads) scaleInPlace(g, coef);
}

function normOptions(
  normType: number | ClipGradNormOptions | undefined,
): Required<Omit<ClipGradNormOptions, 'foreach'>> {
  if (normType === undefined) return { normType: 2, errorIfNonfinite: false };
  if (typeof normType === 'object' && normType !== null) {
    return {
      normType: normType.normType ?? 2,
      errorIfNonfinite: normType.errorIfNonfinite ?? false,
    };
  }
  return { normType, errorIfNonfinite: false };
}

/**
 * Clips the gradients of `parameters` so their total p-norm is at most `maxNorm`, in place.
 * Returns the total norm **before** clipping as a 0-d tensor.
 */
export function clipGradNorm_(
  parameters: TensorOrTensors,
  maxNorm: number,
  normType?: number | ClipGradNormOptions,
  errorIfNonfinite?: boolean,
): Tensor {
  const op = 'clipGradNorm_';
  const params = tensorList(parameters, op);
  const opts = normOptions(normType);
  const max = parseNumber(maxNorm, 'maxNorm', op);
  const total = getTotalNorm(
    gradsOf(params),
    opts.normType,
    errorIfNonfinite ?? opts.errorIfNonfinite,
  );
  clipGradsWithNorm_(params, max, total);
  return total;
}

let warnedDeprecated = false;

/** Deprecated spelling kept for ported code; warns once and calls `clipGradNorm_`. */
export function clipGradNorm(
  parameters: TensorOrTensors,
  maxNorm: number,
  normType?: number | ClipGradNormOptions,
  errorIfNonfinite?: boolean,
): Tensor {
  if (!warnedDeprecated) {
    warnedDeprecated = true;
    console.warn('`clipGradNorm` is now deprecated in favor of `clipGradNorm_`.');
  }
  return clipGradNorm_(parameters, maxNorm, normType, errorIfNonfinite);
}

/**
 * Clamps every gradient element into [-clipValue, clipValue], in place. NaN stays NaN; as in
 * PyTorch (clamp_min then clamp_max), a negative clipValue sets every element to clipValue.
 */
export function clipGradValue_(
  parameters: TensorOrTensors,
  clipValue: number,
  _options?: { foreach?: boolean | null },
): void {
  const op = 'clipGradValue_';
  const grads = gradsOf(tensorList(parameters, op));
  const c = parseNumber(clipValue, 'clipValue', op);
  // c >= 0 (the usual case) runs branch-free on the bit patterns; NaN or negative c keeps the
  // two-step float clamp, whose PyTorch semantics (everything becomes c) it spells out.
  const symmetric = c >= 0;
  const clamp = (d: Float32Array, off: number, len: number, stride: number) =>
    symmetric ? clampSymmetric(d, off, len, c, stride) : clampRange(d, off, len, -c, c, stride);
  for (const g of grads) {
    if (isContiguousLayout(g.shape, g.strides)) clamp(g.buffer, g.offset, g.numel(), 1);
    else
      forEachRow(g.shape, g.strides, g.offset, (off, _s, len, stride) =>
        clamp(g.buffer, off, len, stride),
      );
    g._storage.version++;
  }
}
