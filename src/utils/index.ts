/**
 * `torch.nn.utils` (also `torch.utils` and `nn.utils`): gradient clipping, parameter/vector
 * conversion, `data` and the `clipping` toolkit.
 *
 * @module torchlet/utils
 */
export {
  clipGradNorm_,
  clipGradNorm,
  clipGradValue_,
  getTotalNorm,
  clipGradsWithNorm_,
  clipCoefficient,
} from './clip/index.js';
export type { ClipGradNormOptions } from './clip/index.js';
export { parametersToVector, vectorToParameters } from './convert-parameters.js';
export type { TensorOrTensors } from './clip/params.js';

// ==== exports: clipping ====
export { clipping } from './clip/index.js';
// ==== end clipping ====
// ==== exports: data-checkpoints ====
export * as data from './data/index.js';
// ==== end data-checkpoints ====
