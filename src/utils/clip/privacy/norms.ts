/** `perSampleGradNorms`: each example's gradient norm, flat over all parameters (debugging DP-SGD). */
import { Tensor } from '../../../tensor/tensor.js';
import { collectParameters } from '../params.js';
import type { ParametersLike } from '../params.js';
import { gradSampleOf } from './grad-sample/store.js';
import { flatPerSampleNorms } from './optimizer.js';

/**
 * The L2 norm of each example's gradient over all the given parameters together — the norm that
 * the private optimizer clips to `maxGradNorm` — from the parameters' `gradSample`. Parameters
 * without `gradSample` are skipped.
 *
 * @param moduleOrParameters - A (private) module, a tensor, an iterable of tensors or of `{ params }` groups.
 * @returns A `[batch]` tensor of norms.
 * @throws Error when no parameter has per-sample gradients, or when their batch sizes differ;
 *   TypeError for a bad argument.
 * @example
 * criterion.forward(privateModel.call(x), y).backward();
 * clipping.perSampleGradNorms(privateModel); // tensor([0.8, 2.1, …])
 */
export function perSampleGradNorms(moduleOrParameters: ParametersLike): Tensor {
  const params = collectParameters(moduleOrParameters, 'perSampleGradNorms');
  const samples = params.map(gradSampleOf).filter((s): s is Tensor => s !== null);
  if (samples.length === 0)
    throw new Error(
      'perSampleGradNorms: no parameter has per-sample gradients (gradSample); make the module private and run backward first',
    );
  const batch = samples[0].shape[0];
  if (samples.some((s) => s.shape[0] !== batch))
    throw new Error(
      'perSampleGradNorms: the parameters’ per-sample gradients disagree on the batch size',
    );
  return Tensor._fromData(flatPerSampleNorms(samples), [batch]);
}
