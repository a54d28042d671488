/** `torch.nn.utils`: gradient clipping and parameter/vector conversion. */
export {
  clipGradNorm_,
  clipGradNorm,
  clipGradValue_,
  getTotalNorm,
  clipGradsWithNorm_,
  clipCoefficient,
} from './clip-grad.js';
export type { ClipGradNormOptions } from './clip-grad.js';
export { parametersToVector, vectorToParameters } from './convert-parameters.js';
export type { TensorOrTensors } from './params.js';

// ==== exports: clipping ====
// ==== end clipping ====
// ==== exports: data-checkpoints ====
// ==== end data-checkpoints ====
