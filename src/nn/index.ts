/**
 * `torch.nn` (also `import { nn } from 'torchlet'`): the {@link Module} base class, layers
 * (`Linear`, `Conv2d`, `LSTM`, `LayerNorm`, …), activations, losses, containers, `init` and
 * `functional`. State-dict keys are PyTorch's, so checkpoints move between the two.
 *
 * @module torchlet/nn
 */
export { Module } from './module.js';
export type { StateDict, LoadResult } from './module.js';
export { Parameter } from './parameter.js';
export { Linear, ReLU, Tanh, Sigmoid, Identity, Sequential, MSELoss, L1Loss } from './layers.js';
/**
 * Weight initialisation (`torch.nn.init`): in-place fills drawing the same numbers as PyTorch for
 * the same seed (`kaimingUniform_`, `xavierNormal_`, `zeros_`, …).
 */
export * as init from './init.js';
export * as functional from './functional.js';
export * as utils from '../utils/index.js';

// ==== exports: nn-functional ====
export { Conv1d, Conv2d, ConvTranspose2d } from './modules/conv.js';
export type { ConvModuleOptions, ConvTransposeModuleOptions } from './modules/conv.js';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d } from './modules/pooling.js';
export { LayerNorm, BatchNorm1d, BatchNorm2d } from './modules/normalization.js';
export type { LayerNormOptions, BatchNormModuleOptions } from './modules/normalization.js';
export { Embedding } from './modules/embedding.js';
export { Dropout } from './modules/dropout.js';
export type { EmbeddingModuleOptions } from './modules/embedding.js';
// ==== end nn-functional ====
// ==== exports: activations-losses ====
export {
  GELU,
  SiLU,
  Mish,
  ELU,
  CELU,
  SELU,
  LeakyReLU,
  Hardtanh,
  ReLU6,
  Hardsigmoid,
  Hardswish,
  Softplus,
  Softsign,
  LogSigmoid,
  GLU,
  Softmax,
  LogSoftmax,
} from './modules/activation.js';
export {
  CrossEntropyLoss,
  NLLLoss,
  BCELoss,
  BCEWithLogitsLoss,
  HuberLoss,
  SmoothL1Loss,
  KLDivLoss,
} from './modules/loss.js';
export type {
  CrossEntropyLossOptions,
  NLLLossOptions,
  BCELossOptions,
  BCEWithLogitsLossOptions,
} from './modules/loss.js';
export { ModuleList, ModuleDict, Flatten, Unflatten } from './modules/container.js';
export { RemovableHandle } from './hooks.js';
export type { ForwardHook, ForwardPreHook, FullBackwardHook, HookOptions } from './hooks.js';
// ==== end activations-losses ====
// ==== exports: recurrent ====
export { RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell } from './modules/rnn.js';
export type { RNNOptions, RNNCellOptions } from './modules/rnn.js';
// ==== end recurrent ====
