/** Gradient clipping: PyTorch's functions and the methods beyond them. */
export {
  clipGradNorm_,
  clipGradNorm,
  clipGradValue_,
  getTotalNorm,
  clipGradsWithNorm_,
  clipCoefficient,
} from './clip-grad.js';
export type { ClipGradNormOptions } from './clip-grad.js';
export * as clipping from './clipping.js';
