/** Choosing σ for a privacy budget: the noise multiplier that spends a target ε over a run. */
import { describe } from '../../../tensor/tensor.js';
import { RDPAccountant, checkDelta } from './accountant.js';

/** Options of {@link getNoiseMultiplier} (Opacus's `get_noise_multiplier` in camelCase). */
export interface NoiseMultiplierOptions {
  /** The ε to spend over the whole run (> 0). */
  targetEpsilon: number;
  /** δ in (0, 1). */
  targetDelta: number;
  /** q, the sampling rate of each step, in (0, 1]. */
  sampleRate: number;
  /** Epochs of the run (steps = floor(epochs / q)); give this or `steps`. */
  epochs?: number;
  /** Steps of the run; give this or `epochs`. */
  steps?: number;
  /** How far below the target the returned σ's ε may be (default 0.01). */
  epsilonTolerance?: number;
}

const MAX_SIGMA = 1e6;

/**
 * The smallest noise multiplier (to within `epsilonTolerance` in ε) whose run spends at most
 * `targetEpsilon` by the RDP accountant: doubling from σ = 10 until ε ≤ target, then bisection
 * (Opacus's search).
 *
 * @param options - See {@link NoiseMultiplierOptions}.
 * @returns σ.
 * @throws TypeError unless exactly one of `epochs` and `steps` is given; RangeError for values
 *   out of range or a budget too small for σ ≤ 10⁶.
 * @example
 * clipping.getNoiseMultiplier({ targetEpsilon: 3, targetDelta: 1e-5, sampleRate: 256 / 60000, epochs: 10 });
 */
export function getNoiseMultiplier(options: NoiseMultiplierOptions): number {
  const op = 'getNoiseMultiplier';
  const { targetEpsilon, targetDelta, sampleRate, epochs, epsilonTolerance = 0.01 } = options;
  if ((options.steps === undefined) === (epochs === undefined))
    throw new TypeError(`${op}: give exactly one of epochs and steps`);
  if (typeof targetEpsilon !== 'number' || !(targetEpsilon > 0))
    throw new RangeError(
      `${op}: targetEpsilon must be a number > 0, got ${describe(targetEpsilon)}`,
    );
  checkDelta(op, targetDelta);
  if (typeof sampleRate !== 'number' || !(sampleRate > 0 && sampleRate <= 1))
    throw new RangeError(
      `${op}: sampleRate must be a number in (0, 1], got ${describe(sampleRate)}`,
    );
  const steps = options.steps ?? Math.trunc((epochs as number) / sampleRate);
  const accountant = new RDPAccountant();
  const epsilonOf = (sigma: number) => {
    accountant.history = [[sigma, sampleRate, steps]];
    return accountant.getEpsilon(targetDelta);
  };
  let sigmaLow = 0;
  let sigmaHigh = 10;
  let epsHigh = Infinity;
  while (epsHigh > targetEpsilon) {
    sigmaHigh *= 2;
    epsHigh = epsilonOf(sigmaHigh);
    if (sigmaHigh > MAX_SIGMA) throw new RangeError(`${op}: the privacy budget is too low`);
  }
  while (targetEpsilon - epsHigh > epsilonTolerance) {
    const sigma = (sigmaLow + sigmaHigh) / 2;
    const eps = epsilonOf(sigma);
    if (eps < targetEpsilon) {
      sigmaHigh = sigma;
      epsHigh = eps;
    } else sigmaLow = sigma;
  }
  return sigmaHigh;
}
