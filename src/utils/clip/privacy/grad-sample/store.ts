/** Where per-sample gradients live: a `gradSample` field on each parameter, as Opacus keeps them. */
import { Tensor, describe } from '../../../../tensor/tensor.js';
import { formatShape } from '../../../../tensor/shape.js';

/** A parameter as the private module leaves it: `gradSample` is `[batch, ...shape]` after backward. */
export interface WithGradSample {
  /** One gradient per example, `[batch, ...shape]`, or null/undefined before backward. */
  gradSample?: Tensor | null;
}

/**
 * The per-sample gradients of a parameter, or null when it has none.
 *
 * @param p - A parameter of a private module.
 * @returns `p.gradSample` (`[batch, ...p.shape]`) or null.
 */
export function gradSampleOf(p: Tensor): Tensor | null {
  return (p as Tensor & WithGradSample).gradSample ?? null;
}

/** Forgets the per-sample gradients of `p`. */
export function clearGradSample(p: Tensor): void {
  const carrier = p as Tensor & WithGradSample;
  if (carrier.gradSample !== undefined) carrier.gradSample = null;
}

/**
 * Adds one contribution (`[batch, ...p.shape]`, flat) to `p.gradSample`: a layer called several
 * times in one forward, or a recurrent weight used at every time step, sums its contributions.
 *
 * @throws Error when a gradSample of another batch size is already there (a missing zeroGrad).
 */
export function accumulateGradSample(p: Tensor, data: Float32Array, batch: number): void {
  const carrier = p as Tensor & WithGradSample;
  const shape = [batch, ...p.shape];
  const existing = carrier.gradSample ?? null;
  if (existing === null) {
    carrier.gradSample = Tensor._fromData(data, shape);
    return;
  }
  if (existing.shape[0] !== batch || !(existing instanceof Tensor)) {
    throw new Error(
      `gradSample: a parameter of shape ${formatShape(p.shape)} already holds per-sample gradients ${existing instanceof Tensor ? formatShape(existing.shape) : describe(existing)} from an earlier backward; call optimizer.zeroGrad() before the next batch`,
    );
  }
  // The stored tensor is always one we created (contiguous, unshared): add in place.
  const dst = existing._contiguousData();
  for (let i = 0; i < dst.length; i++) dst[i] += data[i];
}
