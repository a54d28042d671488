/** `dropout`, drawing its mask from PyTorch's CPU stream. */
import { Tensor, assertTensor, describe } from '../../tensor/tensor.js';
import { mul } from '../../ops/elementwise.js';
import { defaultGenerator, type Generator } from '../../random/generator.js';
import { allocForWrite, allocZeroed } from '../../tensor/kernels/arena.js';
import { releaseUnsaved } from '../../autograd/node.js';

/**
 * Zeroes each element with probability `p` and scales the rest by 1/(1 − p):
 * `torch.nn.functional.dropout`. The mask is PyTorch's CPU `bernoulli_(1 − p)` (one 53-bit
 * uniform per element), so the same seed drops the same elements.
 *
 * @param input - Any tensor.
 * @param p - Drop probability in [0, 1] (default 0.5).
 * @param training - Apply dropout; when false the input is returned as is (default true).
 * @param generator - The random generator (default: the global one `manualSeed` seeds).
 * @returns The masked, rescaled tensor.
 * @throws RangeError when p is outside [0, 1].
 * @example
 * manualSeed(0);
 * const y = dropout(x, 0.2);
 */
export function dropout(input: Tensor, p = 0.5, training = true, generator?: Generator): Tensor {
  const fn = 'dropout';
  assertTensor(input, fn, 'input to be a Tensor');
  if (typeof p !== 'number' || !(p >= 0 && p <= 1))
    throw new RangeError(
      `${fn}: dropout probability has to be between 0 and 1, but got ${describe(p)}`,
    );
  if (typeof training !== 'boolean')
    throw new TypeError(`${fn}: training must be a boolean, got ${describe(training)}`);
  if (!training || p === 0) return input;
  const n = input.numel();
  const mask = p < 1 ? allocForWrite(n) : allocZeroed(n);
  if (p < 1) {
    const gen = generator ?? defaultGenerator;
    const keep = 1 - p;
    const scale = Math.fround(1 / Math.fround(keep));
    for (let i = 0; i < n; i++) mask[i] = gen.nextDouble() < keep ? scale : 0;
  }
  const maskTensor = Tensor._fromData(mask, input.shape);
  return releaseUnsaved(mul(input, maskTensor), maskTensor);
}
