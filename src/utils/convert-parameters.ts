/** `parameters_to_vector` / `vector_to_parameters`. */
import { Tensor, describe } from '../tensor/tensor.js';
import { cat } from '../ops/join.js';
import { tensorList, type TensorOrTensors } from './clip/params.js';

/**
 * One differentiable 1-D tensor holding every parameter, flattened, in order, as
 * `torch.nn.utils.parameters_to_vector`.
 *
 * @param parameters - A tensor or an iterable of tensors (e.g. `model.parameters()`).
 * @returns A new 1-D tensor of all the elements.
 * @throws TypeError if `parameters` holds something other than tensors.
 * @throws RangeError if there are no parameters.
 * @example
 * ```ts
 * const flat = parametersToVector(model.parameters());
 * ```
 */
export function parametersToVector(parameters: TensorOrTensors): Tensor {
  const list = tensorList(parameters, 'parametersToVector');
  if (list.length === 0)
    throw new RangeError('parametersToVector: expected a non-empty list of Tensors');
  return cat(list.map((p) => p.view(-1)));
}

/**
 * Points each parameter's `data` at consecutive slices of `vec` (sharing its memory, without
 * autograd), as `torch.nn.utils.vector_to_parameters`. A longer `vec` is accepted; a shorter one is
 * an error before anything changes.
 *
 * @param vec - A 1-D tensor with at least as many elements as the parameters together.
 * @param parameters - A tensor or an iterable of tensors (e.g. `model.parameters()`).
 * @throws TypeError if `vec` is not a Tensor or `parameters` holds something other than tensors.
 * @throws RangeError if `vec` is not 1-D or too short.
 */
export function vectorToParameters(vec: Tensor, parameters: TensorOrTensors): void {
  if (!(vec instanceof Tensor))
    throw new TypeError(`expected torch.Tensor, but got: ${describe(vec)}`);
  if (vec.dim() !== 1)
    throw new RangeError(
      `vectorToParameters: expected a 1-D vector, got shape [${vec.shape.join(', ')}]`,
    );
  const list = tensorList(parameters, 'vectorToParameters');
  const needed = list.reduce((n, p) => n + p.numel(), 0);
  if (vec.numel() < needed) {
    throw new RangeError(
      `vectorToParameters: vector has ${vec.numel()} elements but the parameters need ${needed}`,
    );
  }
  let ptr = 0;
  for (const p of list) {
    const n = p.numel();
    p.data = vec.detach().narrow(0, ptr, n).view(p.shape);
    ptr += n;
  }
}
