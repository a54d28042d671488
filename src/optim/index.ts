export { Optimizer } from './optimizer.js';
export type {
  GroupOptions,
  ParamGroup,
  ParamGroupInput,
  ParamsInput,
  ParamState,
  OptimizerStateDict,
} from './optimizer.js';
export { SGD } from './sgd.js';
export type { SGDOptions } from './sgd.js';

// ==== exports: optim ====
// ==== end optim ====
