/**
 * torchlet: tensors, reverse-mode autograd, nn layers, optimizers and gradient clipping with
 * PyTorch's semantics. `import * as torch from 'torchlet'` and port line by line: snake_case
 * becomes camelCase, keyword arguments become an options object, a trailing `_` still marks an
 * in-place method.
 *
 * The root holds tensor creation (`tensor`, `zeros`, `randn`, …), every op as a function
 * (`add`, `matmul`, `sum`, …) and as a `Tensor` method, grad mode (`noGrad`), random state
 * (`manualSeed`), gradient clipping (`clipGradNorm_`, …), checkpoints (`save`, `load`), and the
 * namespaces `nn`, `optim`, `utils` and `clipping`.
 *
 * @example
 * ```ts
 * import * as torch from 'torchlet';
 *
 * torch.manualSeed(0);
 * const model = new torch.nn.Linear(2, 1);
 * const optimizer = new torch.optim.SGD(model.parameters(), { lr: 0.1 });
 * const loss = new torch.nn.MSELoss().call(model.call(torch.tensor([[1, 2]])), torch.tensor([[1]]));
 * loss.backward();
 * torch.clipGradNorm_(model.parameters(), 1.0);
 * optimizer.step();
 * ```
 *
 * @module torchlet
 */
export { Tensor, isTensor } from './tensor/tensor.js';
export type { TensorLike, NestedArray, DimArg } from './tensor/tensor.js';
export {
  tensor,
  zeros,
  ones,
  empty,
  full,
  zerosLike,
  onesLike,
  fullLike,
  arange,
  linspace,
  eye,
} from './tensor/creation.js';
export type { TensorOptions, TensorData, CreationOptions } from './tensor/creation.js';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from './autograd/grad-mode.js';
export { Node } from './autograd/node.js';
export type { BackwardOptions } from './autograd/engine.js';
export type { GradHook } from './autograd/node.js';
export { Generator, manualSeed, initialSeed, defaultGenerator } from './random/generator.js';
export { rand, randn, randint, randperm, randLike, randnLike } from './random/sampling.js';
export type { RandomOptions } from './random/sampling.js';
export * from './ops/functional.js';
export {
  clipGradNorm_,
  clipGradNorm,
  clipGradValue_,
  getTotalNorm,
  clipGradsWithNorm_,
  parametersToVector,
  vectorToParameters,
} from './utils/index.js';
export type { ClipGradNormOptions, TensorOrTensors } from './utils/index.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as utils from './utils/index.js';

// ==== exports: hardening ====
export type { TensorJSON } from './tensor/tensor.js';
export type { ReduceOptions, NormOptions, DimOrOptions, KeepdimOrOptions } from './ops/reduce.js';
export type { CloneOptions } from './ops/views.js';
// ==== end hardening ====
// ==== exports: ops-math ====
// ==== end ops-math ====
// ==== exports: ops-shape-index ====
// ==== end ops-shape-index ====
// ==== exports: nn-functional ====
// ==== end nn-functional ====
// ==== exports: activations-losses ====
export { softmax, logSoftmax } from './ops/softmax.js';
// ==== end activations-losses ====
// ==== exports: clipping ====
export { clipping } from './utils/index.js';
// ==== end clipping ====
// ==== exports: data-checkpoints ====
export { load, save, safetensors } from './serialization/index.js';
export type { LoadedValue, SaveableValue } from './serialization/index.js';
// ==== end data-checkpoints ====
// ==== exports: kernels ====
export { backend } from './tensor/kernels/backend.js';
export type { Backend } from './tensor/kernels/backend.js';
export { setNumThreads, getNumThreads } from './tensor/threads.js';
// ==== end kernels ====
