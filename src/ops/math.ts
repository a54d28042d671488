/** The math ops (unary, binary, scans, logic, sorting) in one namespace for the Tensor methods. */
export * from './math-unary.js';
export * from './math-binary.js';
export * from './scans.js';
export * from './logic.js';
export {
  sort,
  argsort,
  topk,
  kthvalue,
  unique,
  type SortOptions,
  type TopkOptions,
  type UniqueOptions,
  type UniqueResult,
} from './sorting.js';
