import { noGrad } from '../autograd/grad-mode.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * Clears one parameter's gradient: drops it (`setToNone`), or detaches it from any graph and
 * zeroes it in place (PyTorch's `zero_grad(set_to_none=False)`).
 */
export function clearGrad(p: Tensor, setToNone: boolean): void {
  const g = p.grad;
  if (g === null) return;
  if (setToNone) {
    p.grad = null;
    return;
  }
  if (g.gradFn) g.detach_();
  else g.requiresGrad_(false);
  noGrad(() => g.zero_());
}
