/**
 * Pitfall tracking between clipping and optimizer steps. The optimizer base class reports each
 * step here; clipping that an optimizer runs itself is wrapped in `quietly` so that it is never
 * mistaken for the user's own clipping.
 */
import type { Tensor } from '../../tensor/tensor.js';

/** @internal Called by `Optimizer.step()` before it reads any gradient. */
export function onOptimizerStep(_params: readonly Tensor[]): void {}

/** @internal Called by `Optimizer.step()` after its update has consumed the gradients. */
export function onOptimizerStepEnd(_params: readonly Tensor[]): void {}

/** @internal Runs `fn` (clipping done by an optimizer itself) without pitfall tracking. */
export function quietly<T>(fn: () => T): T {
  return fn();
}
