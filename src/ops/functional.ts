/** Function forms of the tensor ops (`torch.add(a, b)` and friends). */
export {
  add,
  sub,
  mul,
  div,
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
// ==== end ops-math ====
// ==== exports: ops-shape-index ====
// ==== end ops-shape-index ====
