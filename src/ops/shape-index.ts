/** The shape, indexing and contraction ops in one namespace, for the Tensor methods. */
export {
  flip,
  roll,
  repeat,
  tile,
  tril,
  triu,
  diagonal,
  diag,
  movedim,
  swapaxes,
  unflatten,
} from './reshape-more.js';
export type { DiagonalOptions } from './reshape-more.js';
export {
  indexSelect,
  gather,
  scatter,
  scatterAdd,
  maskedFill,
  maskedSelect,
} from './scatter-gather.js';
export type { ScatterOptions } from './scatter-gather.js';
export { index, indexPut, indexPut_ } from './python-index.js';
export type { IndexItem, IndexPutOptions } from './python-index.js';
export { einsum, cdist, addmm, baddbmm } from './einsum.js';
export type { AddProductOptions } from './einsum.js';
