/**
 * `torch.optim` (also `import { optim } from 'torchlet'`): `SGD`, `Adam`, `AdamW`, `RMSprop`,
 * `Adagrad` with PyTorch's exact update rules and state dicts, built-in gradient clipping
 * options, and the learning-rate schedulers in `lrScheduler`.
 *
 * @module torchlet/optim
 */
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
/**
 * Learning-rate schedulers (`torch.optim.lr_scheduler`): `StepLR`, `CosineAnnealingLR`,
 * `OneCycleLR`, `ReduceLROnPlateau`, … Call `scheduler.step()` after `optimizer.step()`.
 */
export * as lrScheduler from './lr-scheduler/index.js';
// ==== end optim ====
