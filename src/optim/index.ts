/** `optim`: optimizers on one template, and learning-rate schedulers. */
export { Optimizer } from './optimizer.js';
export type {
  ClipOptions,
  CommonOptions,
  GroupOptions,
  OptimizerSettings,
  OptimizerStateDict,
  ParamGroup,
  ParamGroupInput,
  ParamState,
  ParamView,
  ParamsInput,
} from './optimizer.js';
export { SGD } from './sgd.js';
export type { SGDOptions, SGDState } from './sgd.js';

// ==== exports: optim ====
export { Adam } from './adam.js';
export type { AdamOptions, AdamState } from './adam.js';
export { AdamW } from './adamw.js';
export { RMSprop } from './rmsprop.js';
export type { RMSpropOptions, RMSpropState } from './rmsprop.js';
export { Adagrad } from './adagrad.js';
export type { AdagradOptions, AdagradState } from './adagrad.js';
export * as lrScheduler from './lr-scheduler/index.js';
// ==== end optim ====
