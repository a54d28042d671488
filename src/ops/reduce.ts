/** Reductions, each with its derivative beside it. */
import { record } from '../autograd/node.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { Tensor, assertTensor, describe, type DimArg } from '../tensor/tensor.js';
import {
  checkBool,
  formatShape,
  normalizeDim,
  normalizeDims,
  numelOf,
  sameShape,
  type Shape,
} from '../tensor/shape.js';
import {
  argRow,
  maxRow,
  minRow,
  normRow,
  prodRow,
  reduceLeading,
  reduceRows,
  rowLayout,
  sumLeading,
  sumRow,
  varianceRows,
  type RowReducer,
} from '../tensor/kernels/reduce.js';
import { simdColumns, simdRows, type SimdReduction } from '../tensor/kernels/reduce-simd.js';
import { releaseToArena } from '../tensor/kernels/arena.js';
import { abs, div, eq, exp, isnan, mul, pow, sign, sub, where } from './elementwise.js';
import {
  checkOptions,
  isOptionsObject,
  rejectAfterOptions,
  type OptionSpec,
} from '../tensor/options.js';

/** Keyword arguments every reduction accepts: PyTorch's `dim=` and `keepdim=`. */
export interface ReduceOptions {
  /** The dims to reduce (a number or a list; omitted or null: every dim). */
  dim?: DimArg | null;
  /** Keep reduced dims as size 1. Default false. */
  keepdim?: boolean;
}

/** What a reduction takes in its `dim` slot: dims, null (every dim), or the options object. */
export type DimOrOptions<O = ReduceOptions> = DimArg | null | O;
/** What a reduction takes in its `keepdim` slot: a boolean or the options object. */
export type KeepdimOrOptions<O = ReduceOptions> = boolean | O;

const REDUCE_SPEC: OptionSpec = { dim: 'any', keepdim: 'boolean' };

/** A checked `dim`: an integer, (unless `single`) a list of integers, or undefined for every dim. */
function checkDim(op: string, dim: unknown, single: boolean): DimArg | undefined {
  if (dim === undefined || dim === null) return undefined;
  const what = single ? 'an integer' : 'an integer or a list of integers';
  if (typeof dim === 'number') {
    if (!Number.isInteger(dim))
      throw new TypeError(`${op}: dim must be ${what}, got ${describe(dim)}`);
    return dim;
  }
  if (!single && Array.isArray(dim)) {
    dim.forEach((d: unknown, i) => {
      if (!Number.isInteger(d)) {
        throw new TypeError(
          `${op}: dim must be ${what}, got ${describe(d)} at position ${i} of the list`,
        );
      }
    });
    return dim as number[];
  }
  throw new TypeError(`${op}: dim must be ${what}, got ${describe(dim)}`);
}

/**
 * Reads a reduction's `(dim?, keepdim?)` arguments in every form of the calling conventions:
 * `(1)`, `([0, 1], true)`, `(1, { keepdim: true })`, `({ dim: 1, keepdim: true })`, `(null)`.
 */
export function reductionArgs<O extends ReduceOptions = ReduceOptions>(
  op: string,
  dimArg: unknown,
  keepArg: unknown,
  spec: OptionSpec = REDUCE_SPEC,
  single = false,
): { dim: DimArg | undefined; keepdim: boolean; options: O } {
  let options = {} as O;
  let dim = dimArg;
  let keep = keepArg;
  if (isOptionsObject(dimArg)) {
    rejectAfterOptions(op, keepArg);
    options = checkOptions<O>(op, dimArg, spec);
    dim = options.dim;
    keep = undefined;
  } else if (isOptionsObject(keepArg)) {
    options = checkOptions<O>(op, keepArg, spec);
    if (options.dim !== undefined)
      throw new TypeError(`${op}: dim given both as an argument and as the option 'dim'`);
    keep = undefined;
  }
  let keepdim: boolean;
  if (keep === undefined) keepdim = options.keepdim ?? false;
  else {
    checkBool(keep, op, 'keepdim');
    keepdim = keep;
  }
  return { dim: checkDim(op, dim, single), keepdim, options };
}

/** `max(dim)` / `min(dim)` result: destructure as `{ values, indices }` or `[values, indices]`. */
export type ValuesIndices = [Tensor, Tensor] & {
  /** The reduced values. */
  values: Tensor;
  /** Where they are along the reduced dim (integers as float32). */
  indices: Tensor;
};

/** Builds the `{ values, indices }` result (also destructurable as `[values, indices]`). */
export function valuesIndices(values: Tensor, indices: Tensor): ValuesIndices {
  return Object.assign([values, indices] as [Tensor, Tensor], { values, indices });
}

/** Shape of a reduction over `dims`: those dims dropped, or kept as size 1. */
export function reducedShape(shape: Shape, dims: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!dims.includes(i)) out.push(d);
    else if (keepdim) out.push(1);
  });
  return out;
}

/**
 * `reducer` over `dims`. `simd` names what it computes (sum, over `divisor` for a mean; max; min),
 * for the SIMD kernels of the same bits to run it where they can.
 */
function reduceForward(
  x: Tensor,
  dims: number[],
  keepdim: boolean,
  reducer: RowReducer,
  simd?: SimdReduction,
  divisor = 1,
): Tensor {
  const rows = leadingRows(x, dims);
  let values: Float32Array | undefined;
  if (rows === 0) {
    // A copy in the order of the rows goes back to the arena once read.
    const layout = rowLayout(x, dims, true);
    if (simd === 'max' || simd === 'min')
      values = simdRows(simd, reducer, layout.data, layout.outer, layout.inner);
    values ??= reduceRows(layout, reducer);
    releaseToArena(layout.data);
  } else {
    const cols = x.numel() / rows;
    if (simd) values = simdColumns(simd, reducer, x._contiguousData(), rows, cols, divisor);
    values ??= reduceLeading(x._contiguousData(), rows, cols, reducer);
  }
  return Tensor._fromData(values, reducedShape(x.shape, dims, keepdim));
}

/**
 * How many rows a reduction over `dims` runs down when they are the leading dims (not all of them)
 * of contiguous memory, e.g. dim 0 of a matrix: the row count of the [rows, cols] matrix whose
 * columns are reduced. 0 otherwise (and for empty tensors).
 */
function leadingRows(x: Tensor, dims: readonly number[]): number {
  const lead =
    dims.length > 0 && dims.length < x.dim() && dims.every((d, i) => d === i) && x.isContiguous();
  return lead && x.numel() > 0 ? numelOf(dims.map((d) => x.shape[d])) : 0;
}

/** Brings a reduced gradient back to the input's shape (a broadcast view, no copy). */
function expandBack(
  g: Tensor,
  inputShape: Shape,
  dims: readonly number[],
  keepdim: boolean,
): Tensor {
  let t = g;
  if (!keepdim) for (const d of dims) t = t.unsqueeze(d);
  return t.expand(inputShape);
}

/** Rejects reductions with no identity over empty tensors, as PyTorch does. */
function checkNonEmpty(x: Tensor, dims: readonly number[], op: string): void {
  if (dims.some((d) => x.shape[d] === 0) || (dims.length === 0 && x.numel() === 0)) {
    throw new RangeError(
      `${op}(): Expected reduction dim to be specified for input.numel() == 0 ` +
        `(input shape ${formatShape(x.shape)}); the operation has no identity`,
    );
  }
}

/**
 * Sum over `dim` (every dim when omitted).
 * @param x - The input.
 * @param dimArg - A dim, a list of dims, null, or `{ dim, keepdim }`. Default: every dim.
 * @param keepArg - `keepdim` (default false) or `{ keepdim }`.
 * @returns The sums.
 * @throws TypeError for a dim that is not an integer (list) or an unknown option; RangeError for
 *   a dim out of range.
 * @example sum(tensor([[1, 2], [3, 4]]), 1, { keepdim: true }) // [[3], [7]]
 */
export function sum(x: Tensor, dimArg?: DimOrOptions, keepArg?: KeepdimOrOptions): Tensor {
  assertTensor(x, 'sum');
  const { dim, keepdim } = reductionArgs('sum', dimArg, keepArg);
  const dims = normalizeDims(dim, x.dim(), 'sum');
  const shape = x.shape;
  let out: Tensor;
  const rows = leadingRows(x, dims);
  if (rows > 0) {
    // Reducing leading dims of contiguous memory (bias gradients): column sums, no transpose copy.
    out = Tensor._fromData(
      sumLeading(x._contiguousData(), rows, x.numel() / rows),
      reducedShape(shape, dims, keepdim),
    );
  } else {
    out = reduceForward(x, dims, keepdim, sumRow);
  }
  const name = dim === undefined ? 'SumBackward0' : 'SumBackward1';
  return record(out, name, [x], (g) => [expandBack(g, shape, dims, keepdim)]);
}

/**
 * The mean of all elements of `x`, or over `dim`, as `torch.mean`.
 *
 * @param x - The input tensor.
 * @param dimArg - A dim, a list of dims, or omitted/`null` for all; or the options
 *   `{ dim, keepdim }`.
 * @param keepArg - Keep the reduced dims with size 1 (default `false`); or `{ keepdim }`.
 * @returns The reduced tensor.
 * @throws TypeError if `x` is not a Tensor or a dim is not an integer.
 * @throws RangeError if a dim is out of range.
 */
export function mean(x: Tensor, dimArg?: DimOrOptions, keepArg?: KeepdimOrOptions): Tensor {
  assertTensor(x, 'mean');
  const { dim, keepdim } = reductionArgs('mean', dimArg, keepArg);
  const dims = normalizeDims(dim, x.dim(), 'mean');
  const n = numelOf(dims.map((d) => x.shape[d]));
  const shape = x.shape;
  const out = reduceForward(x, dims, keepdim, (d, s, len) => sumRow(d, s, len) / n, 'sum', n);
  const name = dim === undefined ? 'MeanBackward0' : 'MeanBackward1';
  return record(out, name, [x], (g) => [div(expandBack(g, shape, dims, keepdim), n)]);
}

/**
 * The product of all elements of `x`, or over one `dim`, as `torch.prod`.
 *
 * @param x - The input tensor.
 * @param dimArg - One dim, or omitted/`null` for all; or the options `{ dim, keepdim }`.
 * @param keepArg - Keep the reduced dims with size 1 (default `false`); or `{ keepdim }`.
 * @returns The reduced tensor.
 * @throws TypeError if `x` is not a Tensor or a dim is not an integer.
 * @throws RangeError if a dim is out of range.
 */
export function prod(
  x: Tensor,
  dimArg?: number | null | ReduceOptions,
  keepArg?: KeepdimOrOptions,
): Tensor {
  assertTensor(x, 'prod');
  const { dim, keepdim } = reductionArgs('prod', dimArg, keepArg, REDUCE_SPEC, true);
  const dims = normalizeDims(dim, x.dim(), 'prod');
  const out = reduceForward(x, dims, keepdim, prodRow);
  const name = dim === undefined ? 'ProdBackward0' : 'ProdBackward1';
  const whole = dim === undefined;
  return record(
    out,
    name,
    [x],
    (g, [sx, so]) => [prodBackward(g, sx!, so!, dims, keepdim, whole)],
    // The output too, as PyTorch saves it: writing it in place makes backward refuse.
    [x, out],
  );
}

/**
 * prod's gradient as PyTorch computes it: g · prod / x when x holds no zero (an infinite or NaN
 * element then gives NaN, as in PyTorch), else g times the product of the other elements (exact
 * with zeros). A 0-d input passes g on; a whole-tensor product with several zeros has a zero
 * gradient outside createGraph (PyTorch's shortcut: it differs only where others are inf/NaN).
 */
function prodBackward(
  g: Tensor,
  x: Tensor,
  out: Tensor,
  dims: number[],
  keepdim: boolean,
  whole: boolean,
): Tensor {
  if (x.dim() === 0) return g;
  const shape = x.shape;
  let zeros = 0;
  for (const v of x._contiguousData()) if (v === 0) zeros++;
  const grad = expandBack(g, shape, dims, keepdim);
  if (zeros === 0) return mul(grad, div(expandBack(out, shape, dims, keepdim), x));
  if (whole && zeros > 1 && !isGradEnabled())
    return Tensor._fromData(new Float32Array(x.numel()), shape);
  return mul(grad, productOfOthers(x, dims));
}

/** `rows` (in x's row layout for `dims`) back in x's own dim order. */
function fromRows(rows: Float32Array, x: Tensor, perm: number[]): Tensor {
  const permuted = Tensor._fromData(
    rows,
    perm.map((d) => x.shape[d]),
  );
  return permuted.permute(perm.map((_, i) => perm.indexOf(i)));
}

/**
 * others_i = product of the other elements of i's row (exact even when the row holds zeros), from
 * prefix and suffix products. Recorded, so prod's gradient can be differentiated again.
 */
function productOfOthers(x: Tensor, dims: number[]): Tensor {
  const { data, outer, inner, perm } = rowLayout(x, dims);
  const out = new Float32Array(data.length);
  for (let o = 0; o < outer; o++) {
    const s = o * inner;
    let prefix = 1;
    for (let i = 0; i < inner; i++) {
      out[s + i] = prefix;
      prefix *= data[s + i];
    }
    let suffix = 1;
    for (let i = inner - 1; i >= 0; i--) {
      out[s + i] *= suffix;
      suffix *= data[s + i];
    }
  }
  return record(
    fromRows(out, x, perm),
    'ProdBackwardBackward0',
    [x],
    (g, [sx]) => [othersBackward(sx!, g, dims)],
    [x],
  );
}

/**
 * Gradient of Σ_i g_i · others_i with respect to x_j: Σ_{i≠j} g_i Π_{k∉{i,j}} x_k, in one pass each
 * way: a_j sums the terms with i < j (a_{j+1} = a_j x_j + g_j prefix_j), b_j those with i > j.
 * Third and higher derivatives of prod are not recorded.
 */
function othersBackward(x: Tensor, g: Tensor, dims: number[]): Tensor {
  const { data, outer, inner, perm } = rowLayout(x, dims);
  const gd = rowLayout(g, dims).data;
  const out = new Float32Array(data.length);
  const suffixes = new Float64Array(inner);
  const bs = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const s = o * inner;
    let suffix = 1;
    for (let j = inner - 1; j >= 0; j--) {
      suffixes[j] = suffix;
      suffix *= data[s + j];
    }
    let b = 0;
    for (let j = inner - 1; j >= 0; j--) {
      bs[j] = b;
      b = b * data[s + j] + gd[s + j] * suffixes[j];
    }
    let a = 0;
    let prefix = 1;
    for (let j = 0; j < inner; j++) {
      out[s + j] = a * suffixes[j] + prefix * bs[j];
      a = a * data[s + j] + gd[s + j] * prefix;
      prefix *= data[s + j];
    }
  }
  return fromRows(out, x, perm);
}

/** max/min over one dim: values and the index of the first extreme; the gradient goes to that index. */
function extremeDim(x: Tensor, dim: number, keepdim: boolean, largest: boolean): ValuesIndices {
  const op = largest ? 'max' : 'min';
  assertTensor(x, op);
  const d = normalizeDim(dim, x.dim(), op);
  const dims = x.dim() === 0 ? [] : [d];
  checkNonEmpty(x, dims, op);
  const layout = rowLayout(x, dims);
  const values = new Float32Array(layout.outer);
  const indices = new Float32Array(layout.outer);
  for (let o = 0; o < layout.outer; o++) {
    const k = argRow(layout.data, o * layout.inner, layout.inner, largest);
    indices[o] = k;
    values[o] = layout.data[o * layout.inner + k];
  }
  const outShape = reducedShape(x.shape, dims, keepdim);
  const shape = x.shape;
  const idx = Tensor._fromData(indices, outShape);
  const vals = record(
    Tensor._fromData(values, outShape),
    largest ? 'MaxBackward0' : 'MinBackward0',
    [x],
    // Selects (never multiplies): an infinite gradient must not turn the other elements into NaN.
    (g, [si]) => [where(oneHot(si!, shape, dims, keepdim), expandBack(g, shape, dims, keepdim), 0)],
    [idx],
  );
  return valuesIndices(vals, idx);
}

/** 1 where the position along `dims[0]` equals `indices`, else 0, in `shape`. */
function oneHot(indices: Tensor, shape: Shape, dims: readonly number[], keepdim: boolean): Tensor {
  if (dims.length === 0) return Tensor._fromData(new Float32Array(numelOf(shape)).fill(1), shape);
  const d = dims[0];
  const positions = new Float32Array(shape[d]).map((_, i) => i);
  const posShape = shape.map((s, i) => (i === d ? s : 1));
  const pos = Tensor._fromData(positions, posShape);
  return eq(pos, expandBack(indices, shape, dims, keepdim));
}

export const maxDim = (x: Tensor, dim: number, keepdim = false): ValuesIndices =>
  extremeDim(x, dim, keepdim, true);
export const minDim = (x: Tensor, dim: number, keepdim = false): ValuesIndices =>
  extremeDim(x, dim, keepdim, false);

/** Full max()/min(): the gradient is shared evenly by masked fill among the extremes (NaN: the NaNs). */
function extremeAll(x: Tensor, largest: boolean): Tensor {
  const op = largest ? 'max' : 'min';
  assertTensor(x, op);
  const dims = x.shape.map((_, i) => i);
  checkNonEmpty(x, dims, op);
  const out = reduceForward(x, dims, false, largest ? maxRow : minRow, largest ? 'max' : 'min');
  return record(
    out,
    largest ? 'MaxBackward1' : 'MinBackward1',
    [x],
    (g, [sx, so]) => {
      const value = so!.item();
      const mask = value !== value ? isnan(sx!) : eq(sx!, so!);
      return [where(mask, div(g, sum(mask)), 0)];
    },
    [x, out],
  );
}

/**
 * amax/amin over dims, and full max()/min(): the gradient is shared evenly among tied extremes
 * (PyTorch's evenly_distribute_backward). `op` and `name` label errors and the graph node.
 */
function extremeDims(
  x: Tensor,
  dim: DimArg | undefined,
  keepdim: boolean,
  largest: boolean,
): Tensor {
  const op = largest ? 'amax' : 'amin';
  const name = largest ? 'AmaxBackward0' : 'AminBackward0';
  assertTensor(x, op);
  const dims = normalizeDims(dim, x.dim(), op);
  checkNonEmpty(x, dims, op);
  const shape = x.shape;
  const out = reduceForward(x, dims, keepdim, largest ? maxRow : minRow, largest ? 'max' : 'min');
  return record(
    out,
    name,
    [x],
    (g, [sx, so]) => {
      const mask = eq(sx!, expandBack(so!, shape, dims, keepdim));
      const count = sum(mask, dims, true);
      return [mul(div(mask, count), expandBack(g, shape, dims, keepdim))];
    },
    [x, out],
  );
}

export const maxAll = (x: Tensor): Tensor => extremeAll(x, true);
export const minAll = (x: Tensor): Tensor => extremeAll(x, false);

/**
 * The largest values of `x` over `dim` (values only), as `torch.amax`. Tied maxima share the
 * gradient (by multiplication, so an infinite gradient gives NaN at the other tied elements, as
 * PyTorch).
 *
 * @param x - The input tensor.
 * @param dimArg - A dim, a list of dims, or omitted/`null` for all; or the options
 *   `{ dim, keepdim }`.
 * @param keepArg - Keep the reduced dims with size 1 (default `false`); or `{ keepdim }`.
 * @returns The reduced tensor.
 * @throws TypeError if `x` is not a Tensor or a dim is not an integer.
 * @throws RangeError if a dim is out of range.
 */
export function amax(x: Tensor, dimArg?: DimOrOptions, keepArg?: KeepdimOrOptions): Tensor {
  const { dim, keepdim } = reductionArgs('amax', dimArg, keepArg);
  return extremeDims(x, dim, keepdim, true);
}
/**
 * The smallest values of `x` over `dim` (values only), as `torch.amin`.
 *
 * @param x - The input tensor.
 * @param dimArg - A dim, a list of dims, or omitted/`null` for all; or the options
 *   `{ dim, keepdim }`.
 * @param keepArg - Keep the reduced dims with size 1 (default `false`); or `{ keepdim }`.
 * @returns The reduced tensor.
 * @throws TypeError if `x` is not a Tensor or a dim is not an integer.
 * @throws RangeError if a dim is out of range.
 */
export function amin(x: Tensor, dimArg?: DimOrOptions, keepArg?: KeepdimOrOptions): Tensor {
  const { dim, keepdim } = reductionArgs('amin', dimArg, keepArg);
  return extremeDims(x, dim, keepdim, false);
}

function argExtreme(
  x: Tensor,
  dim: number | undefined,
  keepdim: boolean,
  largest: boolean,
): Tensor {
  const op = largest ? 'argmax' : 'argmin';
  assertTensor(x, op);
  if (dim === undefined) {
    checkNonEmpty(x, [], op);
    const flat = x._contiguousData();
    return Tensor._fromData(
      Float32Array.of(argRow(flat, 0, flat.length, largest)),
      keepdim ? x.shape.map(() => 1) : [],
    );
  }
  normalizeDim(dim, x.dim(), op); // errors name argmax/argmin, not max/min
  return extremeDim(x.detach(), dim, keepdim, largest).indices;
}

/**
 * The index of the first largest element of `x` (over one `dim`, or of the flattened tensor), as
 * `torch.argmax`.
 *
 * @param x - The input tensor.
 * @param dimArg - One dim, or omitted/`null` for the flattened tensor; or the options
 *   `{ dim, keepdim }`.
 * @param keepArg - Keep the reduced dims with size 1 (default `false`); or `{ keepdim }`.
 * @returns The reduced tensor.
 * @throws TypeError if `x` is not a Tensor or a dim is not an integer.
 * @throws RangeError if a dim is out of range.
 */
export function argmax(
  x: Tensor,
  dimArg?: number | null | ReduceOptions,
  keepArg?: KeepdimOrOptions,
): Tensor {
  const { dim, keepdim } = reductionArgs('argmax', dimArg, keepArg, REDUCE_SPEC, true);
  return argExtreme(x, dim as number | undefined, keepdim, true);
}
/**
 * The index of the first smallest element of `x` (over one `dim`, or of the flattened tensor), as
 * `torch.argmin`.
 *
 * @param x - The input tensor.
 * @param dimArg - One dim, or omitted/`null` for the flattened tensor; or the options
 *   `{ dim, keepdim }`.
 * @param keepArg - Keep the reduced dims with size 1 (default `false`); or `{ keepdim }`.
 * @returns The reduced tensor.
 * @throws TypeError if `x` is not a Tensor or a dim is not an integer.
 * @throws RangeError if a dim is out of range.
 */
export function argmin(
  x: Tensor,
  dimArg?: number | null | ReduceOptions,
  keepArg?: KeepdimOrOptions,
): Tensor {
  const { dim, keepdim } = reductionArgs('argmin', dimArg, keepArg, REDUCE_SPEC, true);
  return argExtreme(x, dim as number | undefined, keepdim, false);
}

/** Options of `var` and `std`: the dims, the correction and `keepdim`. */
export interface VarOptions {
  /** The dims to reduce (default: every dim). */
  dim?: DimArg | null;
  /** Bessel's correction: 1 (default) for the unbiased estimate, 0 for the population variance. */
  correction?: number;
  /** `unbiased: false` is `correction: 0` (PyTorch's older spelling). */
  unbiased?: boolean;
  /** Keep reduced dims as size 1. Default false. */
  keepdim?: boolean;
}

const VAR_SPEC: OptionSpec = {
  dim: 'any',
  correction: 'number',
  unbiased: 'boolean',
  keepdim: 'boolean',
};

/**
 * var/std arguments as PyTorch takes them: `()`, `(unbiased)`, `(dim, unbiased?, keepdim?)`,
 * `(dim, { correction, keepdim })`, `({ dim, correction, unbiased, keepdim })`.
 */
function varianceArgs(
  op: string,
  a: unknown,
  b: unknown,
  c: unknown,
): { dim: DimArg | undefined; keepdim: boolean; correction: number } {
  let unbiased: unknown;
  let parsed: { dim: DimArg | undefined; keepdim: boolean; options: VarOptions };
  if (typeof a === 'boolean') {
    if (b !== undefined || c !== undefined)
      throw new TypeError(`${op}: unexpected argument ${describe(b ?? c)} after unbiased`);
    unbiased = a;
    parsed = { dim: undefined, keepdim: false, options: {} };
  } else if (typeof b === 'boolean' || (b === undefined && c !== undefined)) {
    unbiased = b;
    parsed = reductionArgs<VarOptions>(op, a, c, VAR_SPEC);
  } else {
    parsed = reductionArgs<VarOptions>(op, a, b, VAR_SPEC);
    rejectAfterOptions(op, c);
  }
  const { options } = parsed;
  if (options.unbiased !== undefined) unbiased = options.unbiased;
  if (unbiased !== undefined) checkBool(unbiased, op, 'unbiased');
  if (unbiased !== undefined && options.correction !== undefined)
    throw new TypeError(`${op}: cannot specify both 'unbiased' and 'correction'`);
  const correction = options.correction ?? (unbiased === false ? 0 : 1);
  return { dim: parsed.dim, keepdim: parsed.keepdim, correction };
}

function varianceLike(x: Tensor, a: unknown, b: unknown, c: unknown, isStd: boolean): Tensor {
  const op = isStd ? 'std' : 'var';
  assertTensor(x, op);
  const { dim, keepdim, correction } = varianceArgs(op, a, b, c);
  const dims = normalizeDims(dim, x.dim(), op);
  const n = numelOf(dims.map((d) => x.shape[d]));
  const shape = x.shape;
  const layout = rowLayout(x, dims, true);
  const out = Tensor._fromData(
    varianceRows(layout, correction, isStd),
    reducedShape(shape, dims, keepdim),
  );
  releaseToArena(layout.data);
  const denom = Math.max(0, n - correction);
  return record(
    out,
    isStd ? 'StdBackward0' : 'VarBackward0',
    [x],
    (g, [sx, so]) => {
      const centred = sub(sx!, mean(sx!, dims, true));
      const gExp = expandBack(g, shape, dims, keepdim);
      if (!isStd) return [mul(mul(gExp, centred), 2 / denom)];
      // d std = (x - mean) / (std * (n - correction)), 0 where std == 0.
      const stdExp = expandBack(so!, shape, dims, keepdim);
      return [where(eq(stdExp, 0), 0, div(mul(gExp, centred), mul(stdExp, denom)))];
    },
    [x, isStd ? out : null],
  );
}

/**
 * Variance over `dim` with Bessel's `correction` (default 1).
 * @param x - The input.
 * @param dimArg - Dims (default every dim), `unbiased`, or `{ dim, correction, unbiased, keepdim }`.
 * @param second - `unbiased` (PyTorch's positional form) or the options object.
 * @param third - `keepdim` after a positional `unbiased`.
 * @returns The variances.
 * @throws TypeError for bad dims or options (both `unbiased` and `correction` included).
 * @example tensor([1, 2, 3, 4]).var({ correction: 0 }) // 1.25
 */
export const variance = (
  x: Tensor,
  dimArg?: DimOrOptions<VarOptions> | boolean,
  second?: boolean | VarOptions,
  third?: boolean,
): Tensor => varianceLike(x, dimArg, second, third, false);
/**
 * The standard deviation of `x` over `dim`, as `torch.std` (unbiased by default); the arguments are
 * those of `var`.
 *
 * @param x - The input tensor.
 * @param dimArg - Dims (default every dim), `unbiased`, or
 *   `{ dim, correction, unbiased, keepdim }`.
 * @param second - `unbiased` (PyTorch's positional form) or the options object.
 * @param third - `keepdim` after a positional `unbiased`.
 * @returns The standard deviations.
 * @throws TypeError for bad dims or options (both `unbiased` and `correction` included).
 * @throws RangeError if a dim is out of range.
 */
export const std = (
  x: Tensor,
  dimArg?: DimOrOptions<VarOptions> | boolean,
  second?: boolean | VarOptions,
  third?: boolean,
): Tensor => varianceLike(x, dimArg, second, third, true);

/** Options of `norm`: PyTorch's `p=`, `dim=`, `keepdim=`. */
export interface NormOptions extends ReduceOptions {
  /** The order (default 2; `'fro'` is 2). */
  p?: number | 'fro';
}

const NORM_SPEC: OptionSpec = { p: "number|'fro'", dim: 'any', keepdim: 'boolean' };

/**
 * `torch.linalg.vector_norm(x, p, dim, keepdim)` (what `torch.norm` computes for a numeric p).
 * @param x - The input.
 * @param pArg - The order: a number (`Infinity`, `-Infinity` and 0 allowed) or `'fro'` (2), or the
 *   options object `{ p, dim, keepdim }`. Default 2.
 * @param dimArg - Dims (default every dim), or `{ dim, keepdim }`.
 * @param keepArg - `keepdim` (default false) or `{ keepdim }`.
 * @returns The norms.
 * @throws TypeError for a bad order, dim or option; RangeError for an infinite or negative order
 *   over an empty dim (no identity).
 */
export function norm(
  x: Tensor,
  pArg?: number | 'fro' | null | NormOptions,
  dimArg?: DimOrOptions<NormOptions>,
  keepArg?: KeepdimOrOptions<NormOptions>,
): Tensor {
  assertTensor(x, 'norm');
  let pValue: unknown = pArg;
  let parsed: { dim: DimArg | undefined; keepdim: boolean; options: NormOptions };
  if (isOptionsObject(pArg)) {
    rejectAfterOptions('norm', dimArg !== undefined ? dimArg : keepArg);
    parsed = reductionArgs<NormOptions>('norm', pArg, undefined, NORM_SPEC);
    pValue = parsed.options.p;
  } else {
    parsed = reductionArgs<NormOptions>('norm', dimArg, keepArg, NORM_SPEC);
    if (parsed.options.p !== undefined)
      throw new TypeError(`norm: p given both as an argument and as the option 'p'`);
  }
  const { dim, keepdim } = parsed;
  if (pValue === undefined || pValue === null || pValue === 'fro') pValue = 2;
  if (typeof pValue !== 'number' || Number.isNaN(pValue)) {
    throw new TypeError(
      `norm: the order p must be a number (Infinity allowed) or 'fro', got ${describe(pValue)}`,
    );
  }
  const p = pValue;
  const dims = normalizeDims(dim, x.dim(), 'norm');
  const emptyDim = dims.find((d) => x.shape[d] === 0);
  if (emptyDim !== undefined && (p < 0 || p === Infinity)) {
    throw new RangeError(
      dim === undefined
        ? `linalg.vector_norm cannot compute the ${formatOrder(p)} norm on an empty tensor because ` +
            'the operation does not have an identity'
        : `linalg.vector_norm cannot compute the ${formatOrder(p)} norm on the dimension ` +
            `${emptyDim} because this dimension is empty and the operation does not have an identity`,
    );
  }
  const shape = x.shape;
  const out = reduceForward(x, dims, keepdim, normRow(p));
  return record(
    out,
    'LinalgVectorNormBackward0',
    [x],
    // The 0-"norm" counts nonzeros: PyTorch gives no gradient at all (grad stays null).
    (g, [sx, so]) => [
      p === 0
        ? null
        : normBackward(
            expandBack(g, shape, dims, keepdim),
            sx!,
            expandBack(so!, shape, dims, keepdim),
            p,
            dims,
          ),
    ],
    [x, out],
  );
}

/** Python's float repr of a norm order, as PyTorch's messages print it. */
export function formatOrder(p: number): string {
  if (p === Infinity) return 'inf';
  if (p === -Infinity) return '-inf';
  return Number.isInteger(p) ? p.toFixed(1) : String(p);
}

/** norm_backward from PyTorch's FunctionsManual, every order. */
function normBackward(g: Tensor, x: Tensor, nrm: Tensor, p: number, dims: number[]): Tensor {
  if (p === 1) return mul(g, sign(x));
  if (p === 2) return where(eq(nrm, 0), 0, div(mul(g, x), nrm));
  if (p === Infinity || p === -Infinity) {
    // Shared evenly among the elements that attain the norm; as in PyTorch a NaN element counts as
    // attaining it (sign(NaN) = 0 then gives it no gradient), so a NaN norm is not 0 / 0.
    const mask = where(isnan(x), 1, eq(abs(x), nrm));
    return mul(mul(sign(x), div(mask, sum(mask, dims, true))), g);
  }
  // sign(x) |x|^(p-1) * g / norm^(p-1); zero where x == 0 or norm == 0.
  const scaled = where(eq(x, 0), 0, mul(sign(x), pow(abs(x), p - 1)));
  const scale = where(eq(nrm, 0), 0, div(g, pow(nrm, p - 1)));
  return mul(scaled, scale);
}

/**
 * `log(sum(exp(x)))` over `dim` (required, as in PyTorch), computed stably, as `torch.logsumexp`.
 *
 * @param x - The input tensor.
 * @param dimArg - A dim or a list of dims; or the options `{ dim, keepdim }`.
 * @param keepArg - Keep the reduced dims with size 1 (default `false`); or `{ keepdim }`.
 * @returns The reduced tensor.
 * @throws TypeError if `x` is not a Tensor or a dim is not an integer.
 * @throws RangeError if a dim is out of range.
 */
export function logsumexp(
  x: Tensor,
  dimArg: DimArg | ReduceOptions,
  keepArg?: KeepdimOrOptions,
): Tensor {
  assertTensor(x, 'logsumexp');
  const { dim, keepdim } = reductionArgs('logsumexp', dimArg, keepArg);
  if (dim === undefined) throw new TypeError(`logsumexp: dim is required, got ${describe(dimArg)}`);
  const dims = normalizeDims(dim, x.dim(), 'logsumexp');
  const shape = x.shape;
  const out = reduceForward(x, dims, keepdim, (d, s, n) => {
    const m = maxRow(d, s, n);
    if (!Number.isFinite(m)) return m === -Infinity ? -Infinity : m;
    let acc = 0;
    for (let i = s; i < s + n; i++) acc += Math.exp(d[i] - m);
    return m + Math.log(acc);
  });
  return record(
    out,
    'LogsumexpBackward0',
    [x],
    (g, [sx, so]) => [
      mul(
        expandBack(g, shape, dims, keepdim),
        exp(sub(sx!, expandBack(so!, shape, dims, keepdim))),
      ),
    ],
    [x, out],
  );
}

/** Sums a broadcast gradient back down to `shape`: the one place broadcasting is undone. */
export function sumToShape(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.dim() - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.dim(); i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  }
  const reduced = dims.length > 0 ? sum(g, dims, true) : g;
  return reduced.reshape([...shape]);
}
