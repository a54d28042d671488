/** The RDP privacy accountant: the history of private steps and the ε they spend. */
import { describe } from '../../../tensor/tensor.js';
import { DEFAULT_ALPHAS, computeRdp, getPrivacySpent } from './rdp.js';

/** One run of identical steps: `[noiseMultiplier, sampleRate, numSteps]`, Opacus's history entry. */
export type AccountantHistoryEntry = [
  noiseMultiplier: number,
  sampleRate: number,
  numSteps: number,
];

/**
 * Tracks the privacy spent by the sampled Gaussian mechanism with Rényi DP (Opacus's
 * `RDPAccountant`): consecutive steps with the same noise multiplier and sample rate are merged
 * into one history entry; `getEpsilon(delta)` composes the RDP of every entry at Opacus's default
 * orders and converts it to (ε, δ).
 *
 * @example
 * const accountant = new RDPAccountant();
 * for (let i = 0; i < 1000; i++) accountant.step({ noiseMultiplier: 1.1, sampleRate: 0.01 });
 * accountant.getEpsilon(1e-5);
 */
export class RDPAccountant {
  /** The accountant's mechanism name (`'rdp'`). */
  readonly mechanism = 'rdp';
  /** `[noiseMultiplier, sampleRate, numSteps]` runs, oldest first. */
  history: AccountantHistoryEntry[] = [];

  /**
   * Records one step of the sampled Gaussian mechanism.
   *
   * @param options - `noiseMultiplier` (σ ≥ 0) and `sampleRate` (q in [0, 1]).
   * @throws RangeError for a negative σ or a q outside [0, 1].
   */
  step(options: { noiseMultiplier: number; sampleRate: number }): void {
    const { noiseMultiplier, sampleRate } = options;
    if (typeof noiseMultiplier !== 'number' || !(noiseMultiplier >= 0))
      throw new RangeError(
        `RDPAccountant.step: noiseMultiplier must be a number >= 0, got ${describe(noiseMultiplier)}`,
      );
    if (typeof sampleRate !== 'number' || !(sampleRate >= 0 && sampleRate <= 1))
      throw new RangeError(
        `RDPAccountant.step: sampleRate must be a number in [0, 1], got ${describe(sampleRate)}`,
      );
    const last = this.history[this.history.length - 1];
    if (last !== undefined && last[0] === noiseMultiplier && last[1] === sampleRate) last[2] += 1;
    else this.history.push([noiseMultiplier, sampleRate, 1]);
  }

  /**
   * The (ε, δ) guarantee of every step so far and the order that gives it.
   *
   * @param delta - The target δ in (0, 1).
   * @param alphas - The RDP orders to optimise over (default Opacus's: 1.1…10.9, 12…63).
   * @returns `{ epsilon, bestAlpha }`; `{ epsilon: 0, bestAlpha: 0 }` before any step.
   * @throws RangeError for a δ outside (0, 1).
   */
  getPrivacySpent(
    delta: number,
    alphas: readonly number[] = DEFAULT_ALPHAS,
  ): {
    /** The ε spent. */
    epsilon: number;
    /** The RDP order α that gives the smallest ε. */
    bestAlpha: number;
  } {
    checkDelta('RDPAccountant.getPrivacySpent', delta);
    if (this.history.length === 0) return { epsilon: 0, bestAlpha: 0 };
    const rdp = alphas.map(() => 0);
    for (const [sigma, q, steps] of this.history) {
      computeRdp(q, sigma, steps, alphas).forEach((v, i) => (rdp[i] += v));
    }
    return getPrivacySpent(alphas, rdp, delta);
  }

  /**
   * ε of every step so far, for the given δ.
   *
   * @param delta - The target δ in (0, 1).
   * @param alphas - The RDP orders (default Opacus's).
   * @returns ε (0 before any step; `Infinity` when a step had no noise).
   * @throws RangeError for a δ outside (0, 1).
   */
  getEpsilon(delta: number, alphas: readonly number[] = DEFAULT_ALPHAS): number {
    return this.getPrivacySpent(delta, alphas).epsilon;
  }

  /** The number of steps recorded. */
  get steps(): number {
    return this.history.reduce((n, e) => n + e[2], 0);
  }

  /**
   * The history, as Opacus's accountant `state_dict` holds it.
   *
   * @returns `{ history }`: a copy of the history entries.
   */
  stateDict(): {
    /** The runs of identical steps, in order. */
    history: AccountantHistoryEntry[];
  } {
    return { history: this.history.map((e) => [...e] as AccountantHistoryEntry) };
  }

  /**
   * Restores a history saved by {@link RDPAccountant.stateDict}.
   *
   * @param state - `{ history }`.
   */
  loadStateDict(state: { history: AccountantHistoryEntry[] }): void {
    this.history = state.history.map((e) => [...e] as AccountantHistoryEntry);
  }
}

/** Throws unless `delta` is a number in (0, 1). */
export function checkDelta(op: string, delta: unknown): void {
  if (typeof delta !== 'number' || !(delta > 0 && delta < 1))
    throw new RangeError(`${op}: delta must be a number in (0, 1), got ${describe(delta)}`);
}
