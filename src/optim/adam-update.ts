/** The moment updates Adam and AdamW share (PyTorch 1.13's single-tensor float32 arithmetic). */
import type { Tensor } from '../tensor/tensor.js';
import { bufferOf } from './optimizer.js';
import { overGradient, updateKernelsFor } from './update-kernels.js';

/** Adam's and AdamW's per-parameter state, under PyTorch's keys. */
export interface AdamState {
  /** Steps taken (PyTorch keeps a float tensor; here a number). */
  step: number;
  /** First moment (running mean of gradients). */
  exp_avg: Tensor;
  /** Second moment (running mean of squared gradients). */
  exp_avg_sq: Tensor;
  /** Running maximum of `exp_avg_sq` (only with `amsgrad`). */
  max_exp_avg_sq?: Tensor;
}

const f = Math.fround;

/**
 * One Adam update after `state.step` was incremented:
 *
 *   m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²;  v̂ = amsgrad ? max(v̂, v) : v
 *   p = p − (lr / (1 − β1^t)) · m / (√v̂ / √(1 − β2^t) + eps)
 */
export function adamUpdate(
  param: Float32Array,
  grad: Float32Array,
  state: AdamState,
  lr: number,
  betas: readonly number[],
  eps: number,
  amsgrad: boolean,
): void {
  const [beta1, beta2] = betas;
  const step = state.step;
  const biasCorrection1 = 1 - beta1 ** step;
  const biasCorrection2 = 1 - beta2 ** step;
  const negStepSize = f(-(lr / biasCorrection1));
  const bc2Sqrt = f(Math.sqrt(biasCorrection2));
  const b1 = f(beta1);
  const oneMinusB1 = f(1 - beta1);
  const b2 = f(beta2);
  const oneMinusB2 = f(1 - beta2);
  const eps32 = f(eps);
  const m = bufferOf(state.exp_avg);
  const v = bufferOf(state.exp_avg_sq);
  const vMax = amsgrad && state.max_exp_avg_sq ? bufferOf(state.max_exp_avg_sq) : null;
  const n = param.length;
  // SIMD over the arena for the leading multiple of 4: the same bits as the loop below.
  const simd =
    vMax === null ? updateKernelsFor(n, param, m, v) : updateKernelsFor(n, param, m, v, vMax);
  const done = simd === undefined ? 0 : n - (n & 7);
  if (simd !== undefined) {
    const ams = vMax === null ? 0 : 1;
    const vm = (vMax ?? m).byteOffset;
    overGradient(grad, done, (g, at, len) =>
      simd.adam(
        param.byteOffset + 4 * at,
        g,
        m.byteOffset + 4 * at,
        v.byteOffset + 4 * at,
        vm + 4 * at,
        len,
        b1,
        oneMinusB1,
        b2,
        oneMinusB2,
        bc2Sqrt,
        eps32,
        negStepSize,
        ams,
      ),
    );
  }
  for (let i = done; i < n; i++) {
    const g = grad[i];
    // exp_avg.mul_(β1).add_(g, alpha=1−β1): a rounded product, then one fused multiply-add.
    const mi = f(f(m[i] * b1) + oneMinusB1 * g);
    m[i] = mi;
    // exp_avg_sq.mul_(β2).addcmul_(g, g, value=1−β2): ((1−β2)·g)·g fused into the add.
    let vi = f(f(v[i] * b2) + f(oneMinusB2 * g) * g);
    v[i] = vi;
    if (vMax !== null) {
      const prev = vMax[i];
      // torch.maximum propagates NaN.
      vi = Number.isNaN(prev) || Number.isNaN(vi) ? NaN : prev > vi ? prev : vi;
      vMax[i] = vi;
    }
    const denom = f(f(f(Math.sqrt(vi)) / bc2Sqrt) + eps32);
    // param.addcdiv_(m, denom, value=−step_size): (value·m)/denom, then the add.
    param[i] = f(param[i] + f(f(negStepSize * mi) / denom));
  }
}
