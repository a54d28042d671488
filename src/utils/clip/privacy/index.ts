/** Differential privacy: per-sample gradients, DP-SGD's private optimizer, Poisson sampling, RDP accounting. */
export { PrivacyEngine } from './engine.js';
export type { PrivacyEngineOptions, MakePrivateOptions, PrivateTraining } from './engine.js';
export { GradSampleModule, SUPPORTED_LAYERS } from './grad-sample/module.js';
export type { GradSampleModuleOptions, LossReduction } from './grad-sample/module.js';
export { gradSampleOf } from './grad-sample/store.js';
export type { WithGradSample } from './grad-sample/store.js';
export { DPOptimizer } from './optimizer.js';
export type { DPOptimizerOptions } from './optimizer.js';
export { UniformWithReplacementSampler, dpDataLoader } from './data-loader.js';
export { RDPAccountant } from './accountant.js';
export type { AccountantHistoryEntry } from './accountant.js';
export { DEFAULT_ALPHAS, computeRdp, getPrivacySpent } from './rdp.js';
export { perSampleGradNorms } from './norms.js';
export { getNoiseMultiplier } from './noise-multiplier.js';
export type { NoiseMultiplierOptions } from './noise-multiplier.js';
