/**
 * Gradient clipping (`import { clipGradNorm_ } from 'torchlet/clipping'`): PyTorch's functions
 * (`clipGradNorm_`, `clipGradValue_`, `getTotalNorm`, `clipGradsWithNorm_`) and, in `clipping`,
 * the methods beyond them (adaptive clipping, monitoring, differential privacy).
 *
 * @module torchlet/clipping
 */
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
