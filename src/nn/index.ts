/** `torch.nn`. */
export { Module } from './module.js';
export type { StateDict, LoadResult } from './module.js';
export { Parameter } from './parameter.js';
export { Linear, ReLU, Tanh, Sigmoid, Identity, Sequential, MSELoss, L1Loss } from './layers.js';
export * as init from './init.js';
export * as functional from './functional.js';
export * as utils from '../utils/index.js';

// ==== exports: nn-functional ====
// ==== end nn-functional ====
// ==== exports: activations-losses ====
// ==== end activations-losses ====
// ==== exports: recurrent ====
// ==== end recurrent ====
