/**
 * The `clipping` namespace: gradient clipping beyond PyTorch — monitoring (`gradNorms`), adaptive
 * methods (`adaptiveClipGrad_`, `ZClip`, `AutoClip`) and the pitfall warnings
 * (`setPitfallWarnings`, `onWarning`). Reachable as the root export `clipping` and as
 * `utils.clipping`.
 *
 * @module
 */
export { gradNorms } from './grad-norms.js';
export type { GradNormsOptions } from './grad-norms.js';
export { adaptiveClipGrad_ } from './agc.js';
export type { AdaptiveClipGradOptions } from './agc.js';
export { ZClip } from './zclip.js';
export type { ZClipOptions, ZClipState } from './zclip.js';
export { AutoClip, linearPercentile } from './autoclip.js';
export type { AutoClipOptions, AutoClipState } from './autoclip.js';
export {
  setPitfallWarnings,
  pitfallWarnings,
  onWarning,
  resetPitfallTracking,
} from './pitfalls.js';
export type { PitfallMode, PitfallKind, WarningHandler } from './pitfalls.js';
export type { ModuleLike, ParamGroupLike, ParametersLike } from './params.js';
// Differential privacy (DP-SGD with Opacus's semantics).
export * from './privacy/index.js';
