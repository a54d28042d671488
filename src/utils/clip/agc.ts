/**
 * Adaptive gradient clipping (AGC; Brock et al. 2021, "High-Performance Large-Scale Image
 * Recognition Without Normalization") with timm's unit-wise rule for PyTorch layouts.
 */
import { checkOptions } from '../../tensor/options.js';
import { mulUnits_, unitNorms } from '../../ops/foreach.js';
import { assertGradsWritable, collectParameters, type ParametersLike } from './params.js';
import { parseNormType, parseNumber } from './clip-grad.js';
import { afterClip, beforeClip } from './pitfalls.js';

/** Options of {@link adaptiveClipGrad_}. */
export interface AdaptiveClipGradOptions {
  /** Floor of a unit's parameter norm, so zero-initialised units can still move. Default 1e-3. */
  eps?: number;
  /** The order p of the unit-wise norms. Default 2. */
  normType?: number | string;
}

const f = Math.fround;

/**
 * Clips each unit's gradient to at most `clipFactor` times that unit's parameter norm, in place
 * (AGC). A unit is a slice along the first dimension — one output row of a `[out, in]` Linear
 * weight, one output channel of a `[out, in, kh, kw]` convolution — so the norms run over every
 * dim but the first; a 0-d or 1-D tensor (bias, gain, scalar) is one unit. For each unit:
 *
 * `maxNorm = max(‖W_i‖, eps) · clipFactor`; if `‖G_i‖ < maxNorm` the gradient is unchanged,
 * otherwise `G_i ← G_i · maxNorm / max(‖G_i‖, 1e-6)` — timm's `adaptive_clip_grad`, in float32 as
 * PyTorch computes it. A unit whose gradient norm is NaN becomes NaN; an infinite norm gives 0 for
 * its finite elements and NaN for the infinite ones (the same formula).
 *
 * The paper leaves the final classifier layer unclipped: pass only the other parameters for that
 * recipe.
 *
 * @param parameters - A module, a tensor, an iterable of tensors or of `{ params }` groups;
 *   parameters whose `grad` is null are skipped. Gradients may have any layout (not expanded).
 * @param clipFactor - λ, the largest gradient-to-weight norm ratio allowed. Default 0.01.
 * @param options - `{ eps = 1e-3, normType = 2 }`.
 * @throws TypeError for a bad argument or option; Error for an expanded gradient; RangeError for a
 *   negative clipFactor or eps, or an empty unit with p = ∞ or p < 0. Nothing is modified when it throws.
 * @example
 * loss.backward();
 * clipping.adaptiveClipGrad_(model, 0.01);
 * optimizer.step();
 */
export function adaptiveClipGrad_(
  parameters: ParametersLike,
  clipFactor = 0.01,
  options?: AdaptiveClipGradOptions,
): void {
  const op = 'adaptiveClipGrad_';
  const params = collectParameters(parameters, op, 'parameters');
  const factor = parseNumber(clipFactor, 'clipFactor', op);
  const o = checkOptions<AdaptiveClipGradOptions>(op, options, {
    eps: 'number',
    normType: 'number|string',
  });
  const eps = o.eps ?? 1e-3;
  // A negative (or NaN) ratio would flip or poison every clipped gradient: refuse it up front.
  if (!(factor >= 0)) throw new RangeError(`${op}: clipFactor must be ≥ 0, got ${factor}`);
  if (!(eps >= 0)) throw new RangeError(`${op}: eps must be ≥ 0, got ${eps}`);
  const p = o.normType === undefined ? 2 : parseNormType(o.normType, op);
  assertGradsWritable(params, op);
  // Every factor is computed before the first write, so an error leaves everything unchanged.
  const work: Array<{ index: number; factors: Float32Array }> = [];
  const epsF = f(eps);
  const factorF = f(factor);
  const floor = f(1e-6);
  for (let i = 0; i < params.length; i++) {
    const param = params[i];
    const g = param.grad;
    if (g === null) continue;
    const wNorms = unitNorms(param, p);
    const gNorms = unitNorms(g, p);
    const factors = new Float32Array(gNorms.length);
    for (let u = 0; u < gNorms.length; u++) {
      const w = wNorms[u];
      // clamp(min=eps) propagates NaN, like Math.max.
      const maxNorm = f(Math.max(w, epsF) * factorF);
      const gn = gNorms[u];
      factors[u] = gn < maxNorm ? 1 : f(maxNorm / Math.max(gn, floor));
    }
    work.push({ index: i, factors });
  }
  beforeClip(op, params);
  for (const { index, factors } of work) mulUnits_(params[index].grad!, factors, op);
  afterClip(params);
}
