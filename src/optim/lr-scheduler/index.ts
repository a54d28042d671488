/** `optim.lrScheduler`: PyTorch's learning-rate schedulers (torch.optim.lr_scheduler). */
export { LRScheduler } from './scheduler.js';
export type { AnyOptimizer } from './scheduler.js';
export { StepLR, MultiStepLR, ExponentialLR } from './step-lr.js';
export type { StepLROptions, MultiStepLROptions, ExponentialLROptions } from './step-lr.js';
export { CosineAnnealingLR, CosineAnnealingWarmRestarts } from './cosine.js';
export type { CosineAnnealingLROptions, CosineAnnealingWarmRestartsOptions } from './cosine.js';
export { LambdaLR, LinearLR } from './lambda-lr.js';
export type { LambdaLROptions, LinearLROptions } from './lambda-lr.js';
export { OneCycleLR } from './one-cycle.js';
export type { OneCycleLROptions } from './one-cycle.js';
export { SequentialLR } from './sequential.js';
export type { SequentialLROptions } from './sequential.js';
export { ReduceLROnPlateau } from './reduce-on-plateau.js';
export type { ReduceLROnPlateauOptions } from './reduce-on-plateau.js';
export { MultiplicativeLR, ConstantLR, PolynomialLR, ChainedScheduler } from './more.js';
export type { MultiplicativeLROptions, ConstantLROptions, PolynomialLROptions } from './more.js';
