/**
 * Binary math ops with broadcasting and scalar operands: remainder, fmod, atan2, hypot, lerp,
 * floor division, clampMin/clampMax and `div` with a rounding mode. Results are computed as
 * PyTorch's float32 kernels compute them; each derivative (derivatives.yaml) sits beside its forward.
 */
import { record } from '../autograd/node.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { checkOptions } from '../tensor/options.js';
import { broadcastShapes } from '../tensor/shape.js';
import * as E from './elementwise.js';
import { checkTensor, filled, mapPairs, operands } from './math-common.js';
import { allocForWrite } from '../tensor/kernels/arena.js';

const f32 = Math.fround;

/** C's fmod: JavaScript's `%` on numbers has the same (exact) semantics. */
const fmodFn = (a: number, b: number): number => a % b;

/** Python-style modulus: the result takes the divisor's sign. */
const remainderFn = (a: number, b: number): number => {
  const m = a % b;
  return m !== 0 && b < 0 !== m < 0 ? m + b : m;
};

/** Floor division as PyTorch's float kernel does it (via fmod, so it is exact for huge quotients). */
const floorDivFn = (a: number, b: number): number => {
  if (b === 0) return a / b;
  const m = a % b;
  let q = f32(f32(a - m) / b);
  if (m !== 0 && b < 0 !== m < 0) q = f32(q - 1);
  if (q === 0) return a / b < 0 || Object.is(a / b, -0) ? -0 : 0;
  let fq = Math.floor(q);
  if (q - fq > 0.5) fq += 1;
  return fq;
};

const truncDivFn = (a: number, b: number): number => Math.trunc(f32(a / b));

/** A gradient of zeros in `t`'s shape. */
const zerosOf = (t: Tensor): Tensor => filled(t.shape, 0);

/**
 * Python's modulus `a - floor(a / b) * b` (the sign follows the divisor), elementwise with
 * broadcasting; either operand may be a number.
 * @param a - Dividend.
 * @param b - Divisor.
 * @returns The remainder; gradients `g` for `a` and `-g · floor(a / b)` for `b`.
 * @throws TypeError when neither operand is a Tensor; RangeError when shapes do not broadcast.
 * @example remainder(tensor([-3, 3]), 2) // [1, 1]
 */
export function remainder(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands(a, b, 'remainder');
  const out = mapPairs(x, y, remainderFn, 'remainder');
  const name = typeof b === 'number' ? 'RemainderBackward0' : 'RemainderBackward1';
  return record(
    out,
    name,
    [x, y],
    (g, [sx, sy], [, ny]) => [g, ny ? E.neg(E.mul(g, divRounding(sx!, sy!, 'floor'))) : null],
    [y.requiresGrad ? x : null, y.requiresGrad ? y : null],
  );
}

/**
 * C's `fmod` (the sign follows the dividend), elementwise with broadcasting.
 * @param a - Dividend.
 * @param b - Divisor.
 * @returns The remainder; gradients `g` for `a` and `-g · trunc(a / b)` for `b`.
 * @throws TypeError when neither operand is a Tensor; RangeError when shapes do not broadcast.
 * @example fmod(tensor([-3, 3]), 2) // [-1, 1]
 */
export function fmod(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands(a, b, 'fmod');
  const out = mapPairs(x, y, fmodFn, 'fmod');
  const name = typeof b === 'number' ? 'FmodBackward0' : 'FmodBackward1';
  return record(
    out,
    name,
    [x, y],
    (g, [sx, sy], [, ny]) => [g, ny ? E.neg(E.mul(g, divRounding(sx!, sy!, 'trunc'))) : null],
    [y.requiresGrad ? x : null, y.requiresGrad ? y : null],
  );
}

/**
 * The angle of the point `(b, a)`: `atan2(a, b)` elementwise with broadcasting.
 * @param a - The y coordinates.
 * @param b - The x coordinates.
 * @returns Angles in [-π, π]; gradients `g·b/(a²+b²)` and `-g·a/(a²+b²)`.
 * @throws TypeError when neither operand is a Tensor; RangeError when shapes do not broadcast.
 */
export function atan2(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands(a, b, 'atan2');
  return record(
    mapPairs(x, y, Math.atan2, 'atan2'),
    'Atan2Backward0',
    [x, y],
    (g, [sx, sy], [nx, ny]) => {
      const r2 = E.add(E.mul(sx!, sx!), E.mul(sy!, sy!));
      return [nx ? E.mul(g, E.div(sy!, r2)) : null, ny ? E.mul(g, E.div(E.neg(sx!), r2)) : null];
    },
    [x, y],
  );
}

/**
 * `sqrt(a² + b²)` without overflow, elementwise with broadcasting.
 * @param a - First legs.
 * @param b - Second legs.
 * @returns The hypotenuses; gradients `g·a/out` and `g·b/out`.
 * @throws TypeError when neither operand is a Tensor; RangeError when shapes do not broadcast.
 */
export function hypot(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands(a, b, 'hypot');
  const out = mapPairs(x, y, Math.hypot, 'hypot');
  return record(
    out,
    'HypotBackward0',
    [x, y],
    (g, [sx, sy, so], [nx, ny]) => [
      nx ? E.mul(g, E.div(sx!, so!)) : null,
      ny ? E.mul(g, E.div(sy!, so!)) : null,
    ],
    [x, y, out],
  );
}

/** PyTorch's lerp: two formulas, picked by |w| < 0.5, for accuracy at both ends. */
const lerpFn = (s: number, e: number, w: number): number => {
  const d = f32(e - s);
  return Math.abs(w) < 0.5 ? s + w * d : e - d * (1 - w);
};

/**
 * Linear interpolation `start + weight · (end - start)`, with broadcasting of all three.
 * @param start - Start points.
 * @param end - End points.
 * @param weight - A number or a tensor of weights.
 * @returns The interpolated tensor; gradients `g(1-w)`, `g·w` and `g(end - start)`.
 * @throws TypeError for non-tensor `start`/`end` or a bad `weight`; RangeError when shapes do not
 *   broadcast.
 * @example lerp(tensor([0, 10]), tensor([10, 20]), 0.5) // [5, 15]
 */
export function lerp(start: Tensor, end: Tensor, weight: TensorLike): Tensor {
  checkTensor(start, 'lerp', 'input');
  checkTensor(end, 'lerp', 'end');
  if (typeof weight === 'number') {
    const w = f32(weight);
    const out = mapPairs(start, end, (s, e) => lerpFn(s, e, w), 'lerp');
    return record(out, 'LerpBackward0', [start, end], (g, _s, [ns, ne]) => [
      ns ? E.mul(g, 1 - w) : null,
      ne ? E.mul(g, w) : null,
    ]);
  }
  const w = E.operand(weight, 'lerp', 'weight');
  const shape = broadcastShapes(broadcastShapes(start.shape, end.shape, 'lerp'), w.shape, 'lerp');
  const s = start.expand([...shape])._contiguousData();
  const e = end.expand([...shape])._contiguousData();
  const wd = w.expand([...shape])._contiguousData();
  const data = allocForWrite(s.length);
  for (let i = 0; i < data.length; i++) data[i] = lerpFn(s[i], e[i], wd[i]);
  return record(
    Tensor._fromData(data, shape),
    'LerpBackward1',
    [start, end, w],
    (g, [ss, se, sw], [ns, ne, nw]) => [
      ns ? E.mul(g, E.sub(1, sw!)) : null,
      ne ? E.mul(g, sw!) : null,
      nw ? E.mul(g, E.sub(se!, ss!)) : null,
    ],
    [w.requiresGrad ? start : null, w.requiresGrad ? end : null, w],
  );
}

/** How `div` rounds its quotient. */
export type RoundingMode = 'trunc' | 'floor';

/** Options of {@link div}. */
export interface DivOptions {
  /** `'trunc'` rounds toward zero, `'floor'` toward -inf; `null`/omitted for true division. */
  roundingMode?: RoundingMode | null;
}

/** Rounded division, shared by `div(…, { roundingMode })`, `floorDivide` and the mod gradients. */
function divRounding(a: Tensor, b: Tensor, mode: RoundingMode, name = 'DivBackward2'): Tensor {
  const out = mapPairs(a, b, mode === 'floor' ? floorDivFn : truncDivFn, 'div');
  // A rounded quotient is piecewise constant: PyTorch gives zero gradients to both operands.
  return record(out, name, [a, b], (_g, _s, [na, nb]) => [
    na ? zerosOf(a) : null,
    nb ? zerosOf(b) : null,
  ]);
}

/**
 * `a / b` elementwise with broadcasting; with `{ roundingMode: 'trunc' | 'floor' }` the quotient
 * is rounded toward zero or toward -inf (as Python's `//`), computed as PyTorch's float32 kernels.
 * @param a - Dividend (a Tensor or a number).
 * @param b - Divisor (a Tensor or a number).
 * @param options - `{ roundingMode = null }`.
 * @returns The quotient. Rounded quotients have zero gradients.
 * @throws TypeError for an unknown rounding mode or when neither operand is a Tensor.
 * @example div(tensor([-7, 7]), 2, { roundingMode: 'floor' }) // [-4, 3]
 */
export function div(a: TensorLike, b: TensorLike, options?: DivOptions): Tensor {
  const mode = checkOptions<DivOptions>('div', options, {
    roundingMode: "'trunc'|'floor'|null",
  }).roundingMode;
  if (mode === undefined || mode === null) return E.div(a, b);
  const [x, y] = operands(a, b, 'div');
  return divRounding(x, y, mode);
}

/**
 * `floor(a / b)` elementwise (Python's `//`; PyTorch 1.13 and later round toward -inf).
 * @param a - Dividend.
 * @param b - Divisor.
 * @returns The floored quotient; zero gradients.
 * @throws TypeError when neither operand is a Tensor; RangeError when shapes do not broadcast.
 */
export function floorDivide(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands(a, b, 'floorDivide');
  return divRounding(x, y, 'floor', 'FloorDivideBackward0');
}

function clampOne(x: Tensor, bound: TensorLike, op: 'clampMin' | 'clampMax'): Tensor {
  checkTensor(x, op);
  const isMin = op === 'clampMin';
  const arg = isMin ? 'min' : 'max';
  if (typeof bound === 'number') {
    const m = f32(bound);
    const out = mapPairs(
      x,
      E.operand(m, op, arg),
      isMin ? (v, b) => (v !== v ? v : Math.max(v, b)) : (v, b) => (v !== v ? v : Math.min(v, b)),
      op,
    );
    return record(
      out,
      isMin ? 'ClampMinBackward0' : 'ClampMaxBackward0',
      [x],
      (g, [sx]) => [E.where(isMin ? E.ge(sx!, m) : E.le(sx!, m), g, 0)],
      [x],
    );
  }
  // Not a number: a Tensor, or operand's TypeError naming the op and the argument.
  const b = E.operand(bound, op, arg);
  const out = mapPairs(
    x,
    b,
    (v, b) => (v !== v || b !== b ? NaN : isMin ? Math.max(v, b) : Math.min(v, b)),
    op,
  );
  return record(
    out,
    isMin ? 'ClampMinBackward1' : 'ClampMaxBackward1',
    [x, b],
    (g, [sx, sb], [nx, nb]) => {
      // x takes the gradient where it is inside the bound (ties included), the bound where x is
      // strictly beyond it; a NaN on either side sends it to neither.
      const keep = isMin ? E.ge(sx!, sb!) : E.le(sx!, sb!);
      const beyond = isMin ? E.lt(sx!, sb!) : E.gt(sx!, sb!);
      return [nx ? E.where(keep, g, 0) : null, nb ? E.where(beyond, g, 0) : null];
    },
    [x, b],
  );
}

/**
 * `max(x, min)` elementwise (NaN stays NaN); `min` may be a number or a broadcastable tensor.
 * @param x - Input tensor.
 * @param min - Lower bound.
 * @returns The clamped tensor; the gradient passes where `x >= min` (to `min` elsewhere).
 * @throws TypeError for a bad bound; RangeError when shapes do not broadcast.
 */
export const clampMin = (x: Tensor, min: TensorLike): Tensor => clampOne(x, min, 'clampMin');

/**
 * `min(x, max)` elementwise (NaN stays NaN); `max` may be a number or a broadcastable tensor.
 * @param x - Input tensor.
 * @param max - Upper bound.
 * @returns The clamped tensor; the gradient passes where `x <= max` (to `max` elsewhere).
 * @throws TypeError for a bad bound; RangeError when shapes do not broadcast.
 */
export const clampMax = (x: Tensor, max: TensorLike): Tensor => clampOne(x, max, 'clampMax');
