/**
 * Gradient-norm monitoring in PyTorch Lightning's `grad_norm` format, for logging.
 */
import { describe } from '../../tensor/tensor.js';
import { checkOptions } from '../../tensor/options.js';
import { formatOrder } from '../../ops/reduce.js';
import { foreachNorm, normOfNorms } from '../../ops/foreach.js';
import { namedParametersOf, type ParametersLike } from './params.js';
import { parseNormType } from './clip-grad.js';

/** Options of {@link gradNorms}. */
export interface GradNormsOptions {
  /** Between `grad_<p>_norm` and the parameter's name. Default `'/'`. */
  groupSeparator?: string;
}

/**
 * The p-norm of every parameter's gradient and of all of them together, keyed as PyTorch
 * Lightning's `grad_norm` keys them: `grad_2.0_norm/<name>` per parameter with a gradient and
 * `grad_2.0_norm_total` (the p-norm of the per-parameter norms), with `<p>` printed as Python
 * prints a float (`2.0`, `1.5`, `inf`). Values are plain numbers, not rounded (Lightning 2.x).
 * Parameters without a gradient are left out; with no gradient at all the result is `{}`.
 * Nothing is modified. NaN and ±∞ norms are reported as they are.
 *
 * Names: a module (anything with `namedParameters()`) gives its parameter names (`fc1.weight`);
 * a tensor, a list of tensors or parameter groups give each parameter's position in the flattened
 * list (`'0'`, `'1'`, …, counted across groups as an optimizer's state dict numbers them).
 *
 * @param moduleOrParameters - A module, a tensor, an iterable of tensors or of `{ params }` groups.
 * @param normType - The order p, > 0 (default 2); `Infinity` or `'inf'` for max-abs.
 * @param options - `{ groupSeparator = '/' }`.
 * @returns `{ 'grad_2.0_norm/<name>': number, …, 'grad_2.0_norm_total': number }`.
 * @throws RangeError when `normType <= 0` (as Lightning); TypeError for a bad argument or option.
 * @example
 * loss.backward();
 * console.log(clipping.gradNorms(model)); // { 'grad_2.0_norm/fc.weight': 0.41, …, 'grad_2.0_norm_total': 0.52 }
 */
export function gradNorms(
  moduleOrParameters: ParametersLike,
  normType: number | string = 2,
  options?: GradNormsOptions,
): Record<string, number> {
  const op = 'gradNorms';
  const p = parseNormType(normType, op);
  if (!(p > 0)) {
    throw new RangeError(
      `${op}: normType must be a positive number or 'inf' (infinity norm), got ${describe(normType)}`,
    );
  }
  const { groupSeparator = '/' } = checkOptions<GradNormsOptions>(op, options, {
    groupSeparator: 'string',
  });
  const named = namedParametersOf(moduleOrParameters, op).filter(([, t]) => t.grad !== null);
  const prefix = `grad_${formatOrder(p)}_norm`;
  const out: Record<string, number> = {};
  if (named.length === 0) return out;
  const norms = foreachNorm(
    named.map(([, t]) => t.grad!),
    p,
  );
  named.forEach(([name], i) => {
    out[`${prefix}${groupSeparator}${name}`] = norms[i];
  });
  out[`${prefix}_total`] = normOfNorms(norms, p);
  return out;
}
