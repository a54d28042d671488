/** Function forms of the tensor ops (`torch.add(a, b)` and friends). */
export {
  add,
  sub,
  mul,
  pow,
  maximum,
  minimum,
  where,
  neg,
  abs,
  sign,
  exp,
  expm1,
  log,
  log1p,
  sqrt,
  rsqrt,
  reciprocal,
  sin,
  cos,
  tanh,
  sigmoid,
  relu,
  clamp,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
  isnan,
  isinf,
  isfinite,
} from './elementwise.js';
export { sum, mean, prod, amax, amin, argmax, argmin, std, logsumexp, norm } from './reduce.js';
export { variance as var } from './reduce.js';
export type { ValuesIndices, VarOptions } from './reduce.js';
export { matmul, mm, bmm, dot, outer } from './linalg.js';
export {
  reshape,
  transpose,
  permute,
  unsqueeze,
  squeeze,
  flatten,
  select,
  narrow,
  unbind,
  split,
  chunk,
  clone,
} from './views.js';
export { stack, cat } from './join.js';
export { max, min, allclose, equal } from './compare.js';

// ==== exports: ops-math ====
export {
  tan,
  asin,
  acos,
  atan,
  sinh,
  cosh,
  asinh,
  acosh,
  atanh,
  log2,
  log10,
  exp2,
  erf,
  erfinv,
  floor,
  ceil,
  trunc,
  round,
  frac,
  square,
  logit,
  remainder,
  fmod,
  atan2,
  hypot,
  lerp,
  div,
  floorDivide,
  clampMin,
  clampMax,
  cumsum,
  cumprod,
  cummax,
  cummin,
  logcumsumexp,
  all,
  any,
  isclose,
  median,
  mode,
  sort,
  argsort,
  topk,
  kthvalue,
  unique,
} from './math.js';
export type {
  RoundOptions,
  DivOptions,
  RoundingMode,
  IscloseOptions,
  SortOptions,
  TopkOptions,
  UniqueOptions,
  UniqueResult,
} from './math.js';
// ==== end ops-math ====
// ==== exports: ops-shape-index ====
export {
  flip,
  roll,
  tile,
  tril,
  triu,
  diagonal,
  diag,
  movedim,
  movedim as moveaxis,
  swapaxes,
  swapaxes as swapdims,
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
export { indexPut } from './python-index.js';
export type { IndexItem, IndexPutOptions } from './python-index.js';
export { einsum, cdist, addmm, baddbmm } from './einsum.js';
export type { AddProductOptions } from './einsum.js';
// ==== end ops-shape-index ====
