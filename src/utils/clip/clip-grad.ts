/**
 * Gradient clipping with PyTorch's exact semantics (torch.nn.utils.clip_grad):
 * total norm = the p-norm of the per-tensor p-norms; coefficient = maxNorm / (total + 1e-6),
 * clamped to at most 1 and multiplied into every gradient in place, always.
 * The per-tensor work goes through the foreach layer (ops/foreach.ts): one pass over each
 * gradient's memory, nothing allocated per element, versions bumped there.
 * Every argument is checked, and every gradient is checked writable, before anything is written.
 */
import { Tensor, describe } from '../../tensor/tensor.js';
import { checkOptions } from '../../tensor/options.js';
import { formatOrder } from '../../ops/reduce.js';
import { foreachClamp_, foreachMul_, foreachNorm, normOfNorms } from '../../ops/foreach.js';
import { assertGradsWritable, gradsOf, tensorList, type TensorOrTensors } from './params.js';
import { afterClip, beforeClip } from './pitfalls.js';

/** The options object of {@link clipGradNorm_} (PyTorch's keyword arguments, camelCase). */
export interface ClipGradNormOptions {
  /** The p of the p-norm: any positive real, `Infinity` (max-abs), also 0 and negatives like PyTorch. Default 2. */
  normType?: number | string;
  /** Throw, before touching any gradient, when the total norm is NaN or infinite. Default false. */
  errorIfNonfinite?: boolean;
  /** Accepted for PyTorch compatibility; every path here is already a fused multi-tensor loop. */
  foreach?: boolean | null;
}

const NORM_OPTIONS = {
  normType: 'number|string',
  errorIfNonfinite: 'boolean',
  foreach: 'boolean|null',
} as const;

const f = Math.fround;

/** @internal Python's `float(x)` for norm orders: numbers, and the strings 'inf', '-inf' or numerals. */
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

/** @internal A number argument, or a TypeError naming the function, the argument and the value. */
export function parseNumber(value: unknown, name: string, op: string): number {
  if (typeof value !== 'number')
    throw new TypeError(`${op}: ${name} must be a number, got ${describe(value)}`);
  return value;
}

/** @internal */
export { parseNormType };

function assertFiniteTotal(total: number, p: number): void {
  if (!Number.isFinite(total)) {
    throw new Error(
      `The total norm of order ${formatOrder(p)} for gradients from \`parameters\` is non-finite, so it ` +
        'cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, ' +
        'set `errorIfNonfinite: false`',
    );
  }
}

/**
 * The p-norm of the tensors' p-norms (PyTorch 2.6+ `torch.nn.utils.get_total_norm`): for finite
 * p > 0, the p-norm of all their elements together. Each per-tensor norm is rounded to float32 as
 * PyTorch's are; accumulation runs in float64.
 *
 * @param tensors - The gradients (not the parameters): a tensor or any iterable of tensors.
 * @param normType - The order p (default 2): any number, `Infinity`, or `'inf'`.
 * @param errorIfNonfinite - Throw when the total is NaN or ±∞ (default false).
 * @param _foreach - Accepted for PyTorch compatibility; ignored.
 * @returns A 0-d tensor; `tensor(0.)` for an empty list.
 * @throws TypeError for a bad argument; Error for a non-finite total with `errorIfNonfinite`;
 *   RangeError for an empty tensor with p < 0 or p = ∞.
 * @example
 * const total = getTotalNorm(model.parameters().map((p) => p.grad!)); // 0-d tensor
 */
export function getTotalNorm(
  tensors: TensorOrTensors,
  normType: number = 2,
  errorIfNonfinite = false,
  _foreach?: boolean | null,
): Tensor {
  const op = 'getTotalNorm';
  const list = tensorList(tensors, op, 'tensors');
  const p = parseNormType(normType, op);
  if (typeof errorIfNonfinite !== 'boolean') {
    throw new TypeError(
      `${op}: errorIfNonfinite must be a boolean, got ${describe(errorIfNonfinite)}`,
    );
  }
  return Tensor._fromData(Float32Array.of(totalNormOf(list, p, errorIfNonfinite)), []);
}

/** @internal The float32 total norm of `grads`, as a number (0 for an empty list). */
export function totalNormOf(grads: readonly Tensor[], p: number, errorIfNonfinite = false): number {
  if (grads.length === 0) return 0;
  const total = normOfNorms(foreachNorm(grads, p), p);
  if (errorIfNonfinite) assertFiniteTotal(total, p);
  return total;
}

/**
 * PyTorch's float32 recipe for the clip coefficient: `maxNorm / (total + 1e-6)` runs as
 * reciprocal-then-multiply (Python's `float / Tensor`), each step rounded to float32, then clamped
 * to at most 1 (NaN stays NaN).
 *
 * @param maxNorm - The largest norm allowed.
 * @param totalNorm - The norm before clipping.
 * @returns The factor every gradient is multiplied by.
 * @example
 * clipCoefficient(1, 5); // 0.19999996
 */
export function clipCoefficient(maxNorm: number, totalNorm: number): number {
  const t = f(f(totalNorm) + f(1e-6));
  const coef = f(f(1 / t) * f(maxNorm));
  return coef > 1 ? 1 : coef;
}

/** The total of `clipGradsWithNorm_`: a 0-d (one-element) tensor or a number. */
function parseTotal(totalNorm: unknown, op: string): number {
  if (totalNorm instanceof Tensor) {
    if (totalNorm.numel() !== 1) {
      throw new RangeError(
        `${op}: totalNorm must hold a single value, got a tensor of shape [${totalNorm.shape.join(', ')}]`,
      );
    }
    return totalNorm.item();
  }
  return parseNumber(totalNorm, 'totalNorm', op);
}

/**
 * @internal Scales the gradients of `params` by `clipCoefficient(maxNorm, total)` with pitfall
 * tracking: the shared second half of every norm-based clip.
 */
export function scaleGradsByNorm(
  op: string,
  params: readonly Tensor[],
  maxNorm: number,
  total: number,
): void {
  const grads = gradsOf(params);
  assertGradsWritable(params, op);
  const coefficient = grads.length === 0 ? 1 : clipCoefficient(maxNorm, total);
  beforeClip(op, params, grads.length === 0 ? undefined : { coefficient, total, maxNorm });
  if (grads.length === 0) return;
  foreachMul_(grads, coefficient, op);
  afterClip(params);
}

/**
 * Scales the gradients of `parameters` by `min(maxNorm / (totalNorm + 1e-6), 1)` in place: the
 * second half of {@link clipGradNorm_} (PyTorch 2.6+ `clip_grads_with_norm_`), for a total norm
 * combined elsewhere (several models, several workers).
 *
 * @param parameters - A tensor or any iterable of tensors; those whose `grad` is null are skipped.
 * @param maxNorm - The largest total norm allowed.
 * @param totalNorm - The total norm: a 0-d tensor or (a torchlet extension) a number.
 * @param _foreach - Accepted for PyTorch compatibility; ignored.
 * @throws TypeError for a bad argument; RangeError for a multi-element `totalNorm`; Error for an
 *   expanded gradient. Nothing is modified when it throws.
 * @example
 * const total = getTotalNorm(grads);
 * clipGradsWithNorm_(model.parameters(), 1.0, total);
 */
export function clipGradsWithNorm_(
  parameters: TensorOrTensors,
  maxNorm: number,
  totalNorm: Tensor | number,
  _foreach?: boolean | null,
): void {
  const op = 'clipGradsWithNorm_';
  const params = tensorList(parameters, op);
  const max = parseNumber(maxNorm, 'maxNorm', op);
  const total = parseTotal(totalNorm, op);
  scaleGradsByNorm(op, params, max, total);
}

/** The third argument of clipGradNorm_: a norm order, or PyTorch's keyword arguments. */
function normOptions(
  normType: unknown,
  op: string,
): { normType: number; errorIfNonfinite: boolean | undefined } {
  if (normType === undefined) return { normType: 2, errorIfNonfinite: undefined };
  if (typeof normType === 'object' && normType !== null) {
    const o = checkOptions<ClipGradNormOptions>(op, normType, NORM_OPTIONS);
    return {
      normType: o.normType === undefined ? 2 : parseNormType(o.normType, op),
      errorIfNonfinite: o.errorIfNonfinite,
    };
  }
  return { normType: parseNormType(normType, op), errorIfNonfinite: undefined };
}

/**
 * Clips the gradients of `parameters` so that their total p-norm is at most `maxNorm`, in place
 * (PyTorch's `clip_grad_norm_`, bit for bit): every gradient is multiplied by
 * `min(maxNorm / (total + 1e-6), 1)`.
 *
 * @param parameters - A tensor or any iterable of tensors (read once); those whose `grad` is
 *   null are skipped.
 * @param maxNorm - The largest total norm allowed.
 * @param normType - The order p (default 2; `Infinity` or `'inf'` for max-abs), or the options
 *   `{ normType = 2, errorIfNonfinite = false, foreach }` (unknown keys throw).
 * @param errorIfNonfinite - Positional form of the option (default false).
 * @param _foreach - Positional form of the `foreach` option; ignored.
 * @returns The total norm **before** clipping, as a 0-d tensor.
 * @throws TypeError for a bad argument or option (naming it); Error for a non-finite total with
 *   `errorIfNonfinite`, or for an expanded gradient (which cannot be written in place). Nothing is
 *   modified when it throws.
 * @example
 * loss.backward();
 * const total = clipGradNorm_(model.parameters(), 1.0);
 * optimizer.step();
 */
export function clipGradNorm_(
  parameters: TensorOrTensors,
  maxNorm: number,
  normType?: number | ClipGradNormOptions,
  errorIfNonfinite?: boolean,
  _foreach?: boolean | null,
): Tensor {
  const op = 'clipGradNorm_';
  const params = tensorList(parameters, op);
  const max = parseNumber(maxNorm, 'maxNorm', op);
  const opts = normOptions(normType, op);
  if (errorIfNonfinite !== undefined && typeof errorIfNonfinite !== 'boolean') {
    throw new TypeError(
      `${op}: errorIfNonfinite must be a boolean, got ${describe(errorIfNonfinite)}`,
    );
  }
  assertGradsWritable(params, op);
  const grads = gradsOf(params);
  const total = totalNormOf(grads, opts.normType, errorIfNonfinite ?? opts.errorIfNonfinite);
  scaleGradsByNorm(op, params, max, total);
  return Tensor._fromData(Float32Array.of(total), []);
}

let warnedDeprecated = false;

/**
 * Deprecated spelling kept for ported code: warns once, then calls {@link clipGradNorm_}.
 *
 * @param parameters - As for `clipGradNorm_`.
 * @param maxNorm - As for `clipGradNorm_`.
 * @param normType - As for `clipGradNorm_`.
 * @param errorIfNonfinite - As for `clipGradNorm_`.
 * @returns The total norm before clipping (0-d tensor).
 * @throws As `clipGradNorm_`.
 * @deprecated Use `clipGradNorm_`.
 */
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
 * Clamps every gradient element into `[-clipValue, clipValue]`, in place (PyTorch's
 * `clip_grad_value_`: clamp_min then clamp_max). NaN elements stay NaN; a NaN `clipValue` makes
 * every element NaN; a negative `clipValue` sets every element to `clipValue`.
 *
 * @param parameters - A tensor or any iterable of tensors; those whose `grad` is null are skipped.
 * @param clipValue - The largest magnitude allowed.
 * @param options - `{ foreach }`, accepted for PyTorch compatibility (unknown keys throw).
 * @throws TypeError for a bad argument; Error for an expanded gradient. Nothing is modified when
 *   it throws.
 * @example
 * clipGradValue_(model.parameters(), 0.5);
 */
export function clipGradValue_(
  parameters: TensorOrTensors,
  clipValue: number,
  options?: { foreach?: boolean | null },
): void {
  const op = 'clipGradValue_';
  const params = tensorList(parameters, op);
  const c = parseNumber(clipValue, 'clipValue', op);
  checkOptions(op, options, { foreach: 'boolean|null' });
  assertGradsWritable(params, op);
  const grads = gradsOf(params);
  beforeClip(op, params);
  foreachClamp_(grads, -c, c, op);
  afterClip(params);
}
