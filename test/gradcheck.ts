/**
 * Central finite differences against autograd. Float32 storage limits precision: with step
 * 1e-2 on O(1) inputs the truncation error is ~1e-4 and the rounding error ~1e-4, so gradients
 * are compared with atol 2e-2 + rtol 2e-2 (enough to catch any wrong derivative formula).
 */
import { expect } from 'vitest';
import { Tensor, noGrad, randn, manualSeed } from '../src/index.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
}

export function gradcheck(
  fn: (...xs: Tensor[]) => Tensor,
  inputs: Tensor[],
  options: GradcheckOptions = {},
): void {
  const eps = options.eps ?? 1e-2;
  const atol = options.atol ?? 2e-2;
  const rtol = options.rtol ?? 2e-2;
  const leaves = inputs.map((x) => x.detach().clone().requiresGrad_(true));
  const out = fn(...leaves);
  manualSeed(1);
  const weights = randn(out.shape as number[]);
  // Scalar objective sum(out * w): its gradient exercises every output element.
  out.mul(weights).sum().backward();
  const objective = (xs: Tensor[]) =>
    noGrad(() =>
      fn(...xs)
        .mul(weights)
        .sum()
        .item(),
    );
  leaves.forEach((leaf, k) => {
    const analytic = leaf.grad ? leaf.grad.toFloat32Array() : new Float32Array(leaf.numel());
    const base = inputs.map((x) => x.detach().clone());
    const flat = base[k];
    for (let i = 0; i < flat.numel(); i++) {
      const data = flat.buffer;
      const orig = data[i];
      data[i] = orig + eps;
      const plus = objective(base);
      data[i] = orig - eps;
      const minus = objective(base);
      data[i] = orig;
      const numeric = (plus - minus) / (2 * eps);
      const diff = Math.abs(numeric - analytic[i]);
      if (diff > atol + rtol * Math.abs(numeric)) {
        expect.fail(
          `input ${k} element ${i}: autograd ${analytic[i]}, finite difference ${numeric}`,
        );
      }
    }
  });
}
