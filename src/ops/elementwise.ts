/**
 * Elementwise ops. Each op's forward kernel and its derivative (as in PyTorch's derivatives.yaml)
 * sit together; gradients of broadcast operands are reduced to their shapes by the engine.
 */
import { record } from '../autograd/node.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { reluBackwardInto, reluInto, selectInto } from '../tensor/kernels/masks.js';
import { type UnaryOp, unaryMathSimd, unaryOpSimd } from '../tensor/kernels/unary-math.js';
import { allocForWrite, allocZeroed } from '../tensor/kernels/arena.js';
import { Tensor, assertTensor, describe, type TensorLike } from '../tensor/tensor.js';
import { broadcastShapes, numelOf, sameShape, type Shape } from '../tensor/shape.js';
import { checkOptions } from '../tensor/options.js';
import { Storage } from '../tensor/storage.js';
import { isNonOverlappingAndDense } from '../tensor/layout.js';
import { laidOutLike } from './layout-like.js';
import { broadcastStrides, gather } from '../tensor/kernels/strided.js';
import {
  addKernel,
  divKernel,
  mapBinary,
  mapUnary,
  mulKernel,
  subKernel,
  simdClamp,
  simdSame,
  simdScalar,
  type ArenaBinary,
  type BinaryFn,
  type BinaryKernel,
  type UnaryFn,
} from '../tensor/kernels/elementwise.js';

/** A 0-d tensor holding `value` (PyTorch's wrapped Python scalar). */
export function scalar(value: number): Tensor {
  return Tensor._fromData(Float32Array.of(value), []);
}

/**
 * A Tensor operand as it is, a number as a 0-d tensor (PyTorch's wrapped scalar); anything else is
 * a TypeError naming the op, and the argument when `arg` is given.
 */
export function operand(x: unknown, op: string, arg?: string): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number') return scalar(x);
  throw new TypeError(
    `${op}: ${arg ? `${arg} must be` : 'expected'} a Tensor or a number, got ${describe(x)}`,
  );
}

/** `kernel` over `a` and `b` broadcast together, laid out as PyTorch lays out the result. */
export function binaryForward(a: Tensor, b: Tensor, kernel: BinaryKernel, op: string): Tensor {
  const shape = sameShape(a.shape, b.shape) ? a.shape : broadcastShapes(a.shape, b.shape, op);
  return laidOutLike(mapBinary(a, b, shape, kernel), shape, [a, b]);
}

/** out[i] = f(x[i]) as one loop. Hot ops pass their own loop literal so V8 can inline the math. */
type UnaryLoop = (x: Float32Array, out: Float32Array) => void;

/** A loop around a per-element function: for the rarer ops (one call per element). */
const perElement =
  (fn: UnaryFn): UnaryLoop =>
  (x, out) => {
    mapUnary(x, fn, out);
  };

/** The loop of an op the arena's `unary` kernel has: the kernel, then `fn` for the rest. */
const simdOr =
  (op: UnaryOp, fn: UnaryFn): UnaryLoop =>
  (x, out) => {
    for (let i = unaryOpSimd(op, x, out); i < x.length; i++) out[i] = fn(x[i]);
  };

function unaryForward(x: Tensor, loop: UnaryLoop): Tensor {
  if (!x.isContiguous() && isNonOverlappingAndDense(x.shape, x.strides)) {
    // Dense in another dim order (a transpose, a permute): map the memory block as it lies, and
    // give the output the same strides, as PyTorch does.
    const n = x.numel();
    const out = allocForWrite(n);
    loop(x.buffer.subarray(x.offset, x.offset + n), out);
    return new Tensor(new Storage(out), x.shape, x.strides);
  }
  const src = x._contiguousData();
  const out = allocForWrite(src.length);
  loop(src, out);
  return laidOutLike(out, x.shape, [x]);
}

/** out[i] = fn(x[i]) over the elements of `x` (any strides), laid out as unaryForward does. */
export function mapElements(x: Tensor, fn: UnaryFn): Tensor {
  return unaryForward(x, perElement(fn));
}

const plain = (fn: BinaryFn): BinaryKernel => ({ fn });

/** A two-operand op the arena has a SIMD kernel for: that kernel, then `fn` for the rest. */
const simdBinary = (op: ArenaBinary, fn: BinaryFn): BinaryKernel => ({
  fn,
  same: (a, b, out) => {
    for (let i = simdSame(op, a, b, out); i < out.length; i++) out[i] = fn(a[i], b[i]);
  },
  right: (a, s, out) => {
    for (let i = simdScalar(op, a, s, out); i < out.length; i++) out[i] = fn(a[i], s);
  },
  left: (s, b, out) => {
    for (let i = simdScalar(op, b, s, out, true); i < out.length; i++) out[i] = fn(s, b[i]);
  },
});

/** A fresh row-major copy of `t` broadcast to `shape`. */
export function broadcastData(t: Tensor, shape: Shape): Float32Array {
  const strides = broadcastStrides(t.shape, t.strides, shape);
  return gather(
    { buffer: t.buffer, shape, strides, offset: t.offset },
    new Float32Array(numelOf(shape)),
  );
}

// ---- Binary arithmetic -----------------------------------------------------------------------

/** `alpha` from an `{ alpha }` options object, checked; PyTorch rounds it to the tensor's float32. */
export function alphaOf(options: unknown, op: string): number {
  const { alpha } = checkOptions<{ alpha?: number }>(op, options, { alpha: 'number' });
  return alpha === undefined ? 1 : Math.fround(alpha);
}

/**
 * `a + alpha * b`, fused as PyTorch computes it: the product is never rounded to float32 on its
 * own, so `add(inf, -3e38, { alpha: 2 })` is inf (not inf - inf = NaN).
 */
function fusedAlpha(x: Tensor, y: Tensor, alpha: number, op: string): Tensor {
  return binaryForward(
    x,
    y,
    plain((p, q) => p + alpha * q),
    op,
  );
}

/**
 * `a + alpha · b`, elementwise with broadcasting, as `torch.add`.
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number.
 * @param options - `alpha` (default 1): the multiplier of `b`.
 * @returns A new tensor of the broadcast shape.
 * @throws TypeError if an operand is not a Tensor or a number.
 * @throws RangeError if the shapes do not broadcast.
 * @example
 * ```ts
 * add(tensor([1, 2]), 10); // tensor([11., 12.])
 * ```
 */
export function add(a: TensorLike, b: TensorLike, options?: { alpha?: number }): Tensor {
  const alpha = alphaOf(options, 'add');
  const x = operand(a, 'add');
  const y = operand(b, 'add');
  if (alpha !== 1) {
    return record(fusedAlpha(x, y, alpha, 'add'), 'AddBackward0', [x, y], (g) => [
      g,
      mul(g, alpha),
    ]);
  }
  return record(binaryForward(x, y, addKernel, 'add'), 'AddBackward0', [x, y], (g) => [g, g]);
}

/**
 * `a - alpha · b`, elementwise with broadcasting, as `torch.sub`.
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number.
 * @param options - `alpha` (default 1): the multiplier of `b`.
 * @returns A new tensor of the broadcast shape.
 * @throws TypeError if an operand is not a Tensor or a number.
 * @throws RangeError if the shapes do not broadcast.
 */
export function sub(a: TensorLike, b: TensorLike, options?: { alpha?: number }): Tensor {
  const alpha = alphaOf(options, 'sub');
  const x = operand(a, 'sub');
  const y = operand(b, 'sub');
  if (alpha !== 1) {
    return record(fusedAlpha(x, y, -alpha, 'sub'), 'SubBackward0', [x, y], (g) => [
      g,
      mul(g, -alpha),
    ]);
  }
  return record(binaryForward(x, y, subKernel, 'sub'), 'SubBackward0', [x, y], (g) => [g, neg(g)]);
}

/**
 * `a · b`, elementwise with broadcasting, as `torch.mul`.
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number.
 * @returns A new tensor of the broadcast shape.
 * @throws TypeError if an operand is not a Tensor or a number.
 * @throws RangeError if the shapes do not broadcast.
 */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  const x = operand(a, 'mul');
  const y = operand(b, 'mul');
  // Save only what the other side's gradient needs, as PyTorch does.
  return record(
    binaryForward(x, y, mulKernel, 'mul'),
    'MulBackward0',
    [x, y],
    (g, [sy, sx], [nx, ny]) => [nx ? mul(g, sy!) : null, ny ? mul(g, sx!) : null],
    [x.requiresGrad ? y : null, y.requiresGrad ? x : null],
  );
}

export function div(a: TensorLike, b: TensorLike): Tensor {
  const x = operand(a, 'div');
  const y = operand(b, 'div');
  return record(
    binaryForward(x, y, divKernel, 'div'),
    'DivBackward0',
    [x, y],
    (g, [sx, sy], [nx, ny]) => [
      nx ? div(g, sy!) : null,
      // d(x/y)/dy = -g * ((x / y) / y)
      ny ? neg(mul(g, div(div(sx!, sy!), sy!))) : null,
    ],
    [y.requiresGrad ? x : null, y],
  );
}

/**
 * C's `pow` (which PyTorch calls), where it differs from JavaScript's `Math.pow`: `pow(1, y)` is 1
 * for every y (NaN and ±inf included) and `pow(-1, ±inf)` is 1; JavaScript gives NaN for both.
 * `pow(x, ±0)` is 1 in both.
 */
export const cPow: BinaryFn = (a, b) => {
  if (a === 1) return 1;
  if (a === -1 && (b === Infinity || b === -Infinity)) return 1;
  return Math.pow(a, b);
};
const powFn: BinaryFn = cPow;
const f32 = Math.fround;

/**
 * The elementwise loop of `pow(x, e)` for a number `e`, as PyTorch's CPU kernel: `e = 0` fills
 * ones, `e = 1` copies, `0.5`, `-0.5` and `-1` are sqrt, 1/sqrt and 1/x (so `pow(-inf, 0.5)` is
 * NaN and `pow(-0, 0.5)` is -0), `2`, `3` and `-2` multiply in float32, the rest call C's pow.
 */
function powScalarLoop(e: number): UnaryLoop {
  if (e === 0) return (_x, o) => o.fill(1);
  if (e === 1) return (x, o) => o.set(x);
  if (e === 0.5) return simdOr('sqrt', (v) => Math.sqrt(v));
  if (e === -0.5) return simdOr('reciprocalSqrtFloat', (v) => 1 / f32(Math.sqrt(v)));
  if (e === -1) return simdOr('reciprocal', (v) => 1 / v);
  if (e === 2)
    return (x, o) => {
      for (let i = unaryOpSimd('square', x, o); i < x.length; i++) o[i] = x[i] * x[i];
    };
  if (e === 3) return simdOr('cube', (v) => f32(v * v) * v);
  if (e === -2) return simdOr('reciprocalSquare', (v) => 1 / f32(v * v));
  const ef = f32(e);
  return perElement((v) => cPow(v, ef));
}

/**
 * `a ** b`, elementwise with broadcasting, as `torch.pow` (either operand may be a number).
 *
 * @param a - The base: a tensor or a number.
 * @param b - The exponent: a tensor or a number.
 * @returns A new tensor of the broadcast shape.
 * @throws TypeError if an operand is not a Tensor or a number.
 * @throws RangeError if the shapes do not broadcast.
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  if (typeof b === 'number') {
    const x = operand(a, 'pow');
    const e = b;
    const out = unaryForward(x, powScalarLoop(e));
    // pow_backward: zero gradient for a zero exponent, else e * x^(e-1).
    return record(
      out,
      'PowBackward0',
      [x],
      (g, [sx]) => [e === 0 ? zeroGrad(g) : mul(g, mul(pow(sx!, e - 1), e))],
      [x],
    );
  }
  const x = operand(a, 'pow');
  const y = operand(b, 'pow');
  const out = binaryForward(x, y, plain(powFn), 'pow');
  const name = typeof a === 'number' ? 'PowBackward2' : 'PowBackward1';
  return record(
    out,
    name,
    [x, y],
    (g, [sx, sy, so], [nx, ny]) => [
      // d/dx: y * x^(y-1), masked to 0 where y == 0.
      nx ? where(eq(sy!, 0), 0, mul(g, mul(sy!, pow(sx!, sub(sy!, 1))))) : null,
      // d/dy: x^y * log(x), masked to 0 where x == 0 and y >= 0.
      ny ? where(mul(eq(sx!, 0), ge(sy!, 0)), 0, mul(g, mul(so!, log(sx!)))) : null,
    ],
    // The result is saved whatever needs a gradient, as PyTorch does: writing it in place makes
    // backward refuse.
    [x, y, out],
  );
}

/**
 * The larger of `a` and `b`, elementwise with broadcasting (NaN if either is NaN), as
 * `torch.maximum`; the gradient is split evenly on ties.
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number.
 * @returns A new tensor of the broadcast shape.
 * @throws TypeError if an operand is not a Tensor or a number.
 * @throws RangeError if the shapes do not broadcast.
 */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return extremum(
    a,
    b,
    'maximum',
    'MaximumBackward0',
    simdBinary('maximum', (p, q) => (p !== p || q !== q ? NaN : p > q ? p : q)),
    lt,
  );
}

/**
 * The smaller of `a` and `b`, elementwise with broadcasting (NaN if either is NaN), as
 * `torch.minimum`; the gradient is split evenly on ties.
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number.
 * @returns A new tensor of the broadcast shape.
 * @throws TypeError if an operand is not a Tensor or a number.
 * @throws RangeError if the shapes do not broadcast.
 */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return extremum(
    a,
    b,
    'minimum',
    'MinimumBackward0',
    simdBinary('minimum', (p, q) => (p !== p || q !== q ? NaN : p < q ? p : q)),
    gt,
  );
}

/** maximum/minimum: the winner takes the gradient; ties split it in half (PyTorch's rule). */
function extremum(
  a: TensorLike,
  b: TensorLike,
  op: string,
  name: string,
  kernel: BinaryKernel,
  loses: (p: Tensor, q: Tensor) => Tensor,
): Tensor {
  const x = operand(a, op);
  const y = operand(b, op);
  return record(
    binaryForward(x, y, kernel, op),
    name,
    [x, y],
    // PyTorch: where(x == y, g / 2, g) masked to 0 where x loses. A NaN on either side neither
    // ties nor loses, so both get g. Masks select (never multiply): an infinite g stays finite elsewhere.
    (g, [sx, sy], [nx, ny]) => {
      const tie = eq(sx!, sy!);
      const half = mul(g, 0.5);
      return [
        nx ? where(loses(sx!, sy!), 0, where(tie, half, g)) : null,
        ny ? where(loses(sy!, sx!), 0, where(tie, half, g)) : null,
      ];
    },
    [x, y],
  );
}

/**
 * `cond ? a : b` elementwise with broadcasting, as `torch.where(cond, a, b)`; `cond` is read as
 * nonzero = true. The gradient flows to `a` where true and to `b` where false.
 *
 * @param cond - The condition (a 0/1 mask, or any tensor read as nonzero = true).
 * @param a - The values where `cond` holds: a tensor or a number.
 * @param b - The values elsewhere: a tensor or a number.
 * @returns A new tensor of the broadcast shape.
 * @throws TypeError if an operand is not a Tensor or a number.
 * @throws RangeError if the shapes do not broadcast.
 * @example
 * ```ts
 * const x = tensor([-1, 2]);
 * where(x.gt(0), x, 0); // tensor([0., 2.])
 * ```
 */
export function where(cond: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const c = operand(cond, 'where');
  const x = operand(a, 'where');
  const y = operand(b, 'where');
  const shape = broadcastShapes(broadcastShapes(c.shape, x.shape, 'where'), y.shape, 'where');
  const fast = maskedSelect(c, x, y, shape) ?? contiguousSelect(c, x, y, shape);
  if (fast !== null) return fast;
  const cd = broadcastData(c, shape);
  const xd = broadcastData(x, shape);
  const yd = broadcastData(y, shape);
  for (let i = 0; i < xd.length; i++) if (cd[i] === 0) xd[i] = yd[i];
  const mask = Tensor._fromData(cd, shape);
  return recordWhere(laidOutLike(xd, shape, [c, x, y]), x, y, mask);
}

/**
 * Records where()'s output: the gradient goes to `x` where the saved condition is nonzero, to `y`
 * elsewhere (masks select, so an infinite gradient does not leak into the other side).
 */
function recordWhere(out: Tensor, x: Tensor, y: Tensor, cond: Tensor): Tensor {
  return record(
    out,
    'WhereBackward0',
    [x, y],
    (g, [m], [nx, ny]) => [nx ? where(m!, g, 0) : null, ny ? where(m!, 0, g) : null],
    [cond],
  );
}

/**
 * where() of three contiguous tensors of the result's shape as one branch-free pass, without the
 * broadcast copies; the condition is saved as it is (as maskedSelect does). Null otherwise.
 */
function contiguousSelect(c: Tensor, x: Tensor, y: Tensor, shape: Shape): Tensor | null {
  for (const t of [c, x, y]) if (!sameShape(t.shape, shape) || !t.isContiguous()) return null;
  const out = allocForWrite(c.numel());
  selectInto(c._contiguousData(), x._contiguousData(), y._contiguousData(), out);
  return recordWhere(Tensor._fromData(out, shape), x, y, c);
}

/**
 * where() in one loop for the masks of backward formulas (`where(mask, g, 0)`, `where(mask, 0, g)`):
 * a contiguous mask and tensor of the result's shape and a 0-d other side. Null for other layouts.
 */
function maskedSelect(c: Tensor, x: Tensor, y: Tensor, shape: Shape): Tensor | null {
  const xScalar = x.dim() === 0;
  const t = xScalar ? y : x;
  const other = xScalar ? x : y;
  if (other.dim() !== 0 || !sameShape(c.shape, shape) || !sameShape(t.shape, shape)) return null;
  if (!c.isContiguous() || !t.isContiguous()) return null;
  const cd = c._contiguousData();
  const td = t._contiguousData();
  const v = other.buffer[other.offset];
  const out = allocForWrite(td.length);
  if (xScalar) for (let i = 0; i < out.length; i++) out[i] = cd[i] !== 0 ? v : td[i];
  else for (let i = 0; i < out.length; i++) out[i] = cd[i] !== 0 ? td[i] : v;
  // The condition is saved as it is (PyTorch saves it too): writing to it later fails backward.
  return recordWhere(Tensor._fromData(out, shape), x, y, c);
}

// ---- Comparisons (0/1 float results, never differentiable) ----------------------------------

function compare(a: TensorLike, b: TensorLike, op: string, kernel: BinaryKernel): Tensor {
  return binaryForward(operand(a, op), operand(b, op), kernel, op);
}

// Each comparison has its own loops (same shape, scalar right) so V8 can inline the compare:
// they are the masks of relu, clamp and norm backward.
const eqKernel: BinaryKernel = {
  fn: (p, q) => (p === q ? 1 : 0),
  same: (x, y, o) => {
    for (let i = simdSame('eq', x, y, o); i < o.length; i++) o[i] = x[i] === y[i] ? 1 : 0;
  },
  right: (x, s, o) => {
    for (let i = simdScalar('eq', x, s, o); i < o.length; i++) o[i] = x[i] === s ? 1 : 0;
  },
};
/**
 * `a == b`, elementwise with broadcasting, as `torch.eq`: 1 where true, 0 where false (a float32
 * mask). Not differentiable.
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number.
 * @returns A new 0/1 tensor of the broadcast shape.
 * @throws TypeError if an operand is not a Tensor or a number.
 * @throws RangeError if the shapes do not broadcast.
 */
export const eq = (a: TensorLike, b: TensorLike): Tensor => compare(a, b, 'eq', eqKernel);
const neKernel: BinaryKernel = {
  fn: (p, q) => (p !== q ? 1 : 0),
  same: (x, y, o) => {
    for (let i = simdSame('ne', x, y, o); i < o.length; i++) o[i] = x[i] !== y[i] ? 1 : 0;
  },
  right: (x, s, o) => {
    for (let i = simdScalar('ne', x, s, o); i < o.length; i++) o[i] = x[i] !== s ? 1 : 0;
  },
};
/**
 * `a != b`, elementwise with broadcasting, as `torch.ne`: 1 where true, 0 where false (a float32
 * mask). Not differentiable.
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number.
 * @returns A new 0/1 tensor of the broadcast shape.
 * @throws TypeError if an operand is not a Tensor or a number.
 * @throws RangeError if the shapes do not broadcast.
 */
export const ne = (a: TensorLike, b: TensorLike): Tensor => compare(a, b, 'ne', neKernel);
const ltKernel: BinaryKernel = {
  fn: (p, q) => (p < q ? 1 : 0),
  same: (x, y, o) => {
    for (let i = simdSame('lt', x, y, o); i < o.length; i++) o[i] = x[i] < y[i] ? 1 : 0;
  },
  right: (x, s, o) => {
    for (let i = simdScalar('lt', x, s, o); i < o.length; i++) o[i] = x[i] < s ? 1 : 0;
  },
};
/**
 * `a < b`, elementwise with broadcasting, as `torch.lt`: 1 where true, 0 where false (a float32
 * mask). Not differentiable.
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number.
 * @returns A new 0/1 tensor of the broadcast shape.
 * @throws TypeError if an operand is not a Tensor or a number.
 * @throws RangeError if the shapes do not broadcast.
 */
export const lt = (a: TensorLike, b: TensorLike): Tensor => compare(a, b, 'lt', ltKernel);
const leKernel: BinaryKernel = {
  fn: (p, q) => (p <= q ? 1 : 0),
  same: (x, y, o) => {
    for (let i = simdSame('le', x, y, o); i < o.length; i++) o[i] = x[i] <= y[i] ? 1 : 0;
  },
  right: (x, s, o) => {
    for (let i = simdScalar('le', x, s, o); i < o.length; i++) o[i] = x[i] <= s ? 1 : 0;
  },
};
/**
 * `a <= b`, elementwise with broadcasting, as `torch.le`: 1 where true, 0 where false (a float32
 * mask). Not differentiable.
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number.
 * @returns A new 0/1 tensor of the broadcast shape.
 * @throws TypeError if an operand is not a Tensor or a number.
 * @throws RangeError if the shapes do not broadcast.
 */
export const le = (a: TensorLike, b: TensorLike): Tensor => compare(a, b, 'le', leKernel);
const gtKernel: BinaryKernel = {
  fn: (p, q) => (p > q ? 1 : 0),
  same: (x, y, o) => {
    for (let i = simdSame('gt', x, y, o); i < o.length; i++) o[i] = x[i] > y[i] ? 1 : 0;
  },
  right: (x, s, o) => {
    for (let i = simdScalar('gt', x, s, o); i < o.length; i++) o[i] = x[i] > s ? 1 : 0;
  },
};
/**
 * `a > b`, elementwise with broadcasting, as `torch.gt`: 1 where true, 0 where false (a float32
 * mask). Not differentiable.
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number.
 * @returns A new 0/1 tensor of the broadcast shape.
 * @throws TypeError if an operand is not a Tensor or a number.
 * @throws RangeError if the shapes do not broadcast.
 */
export const gt = (a: TensorLike, b: TensorLike): Tensor => compare(a, b, 'gt', gtKernel);
const geKernel: BinaryKernel = {
  fn: (p, q) => (p >= q ? 1 : 0),
  same: (x, y, o) => {
    for (let i = simdSame('ge', x, y, o); i < o.length; i++) o[i] = x[i] >= y[i] ? 1 : 0;
  },
  right: (x, s, o) => {
    for (let i = simdScalar('ge', x, s, o); i < o.length; i++) o[i] = x[i] >= s ? 1 : 0;
  },
};
/**
 * `a >= b`, elementwise with broadcasting, as `torch.ge`: 1 where true, 0 where false (a float32
 * mask). Not differentiable.
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number.
 * @returns A new 0/1 tensor of the broadcast shape.
 * @throws TypeError if an operand is not a Tensor or a number.
 * @throws RangeError if the shapes do not broadcast.
 */
export const ge = (a: TensorLike, b: TensorLike): Tensor => compare(a, b, 'ge', geKernel);
/**
 * 1 where the element is NaN, 0 elsewhere, as `torch.isnan`.
 *
 * @param x - The input tensor.
 * @returns A new 0/1 tensor of the same shape.
 * @throws TypeError if `x` is not a Tensor.
 */
export const isnan = (x: Tensor): Tensor =>
  unaryForward(
    x,
    perElement((v) => (v !== v ? 1 : 0)),
  );
/**
 * 1 where the element is ±infinity, 0 elsewhere, as `torch.isinf`.
 *
 * @param x - The input tensor.
 * @returns A new 0/1 tensor of the same shape.
 * @throws TypeError if `x` is not a Tensor.
 */
export const isinf = (x: Tensor): Tensor =>
  unaryForward(
    x,
    perElement((v) => (v === Infinity || v === -Infinity ? 1 : 0)),
  );
/**
 * 1 where the element is neither NaN nor ±infinity, 0 elsewhere, as `torch.isfinite`.
 *
 * @param x - The input tensor.
 * @returns A new 0/1 tensor of the same shape.
 * @throws TypeError if `x` is not a Tensor.
 */
export const isfinite = (x: Tensor): Tensor =>
  unaryForward(
    x,
    perElement((v) => (Number.isFinite(v) ? 1 : 0)),
  );

// ---- Unary math ------------------------------------------------------------------------------

/** A unary op; its derivative gets the saved input or output (or the gradient when nothing is saved). */
function unary(
  x: Tensor,
  loop: UnaryLoop,
  name: string,
  derivative: (g: Tensor, saved: Tensor) => Tensor,
  saves: 'input' | 'output' | 'none',
): Tensor {
  // The op's name is its grad_fn's without the suffix: 'SqrtBackward0' -> 'sqrt'.
  if (!(x instanceof Tensor)) assertTensor(x, name.replace(/Backward\d*$/, '').toLowerCase());
  const out = unaryForward(x, loop);
  const save = saves === 'input' ? [x] : saves === 'output' ? [out] : [];
  return record(out, name, [x], (g, [s]) => [derivative(g, s ?? g)], save);
}

/** PyTorch's `(0 < v) - (v < 0)`: NaN (and -0) give 0. */
const sgn = (v: number): number => (v > 0 ? 1 : v < 0 ? -1 : 0);

/** A zero gradient of g's shape that ignores g's values (an infinite g must not become NaN). */
export const zeroGrad = (g: Tensor): Tensor => Tensor._fromData(allocZeroed(g.numel()), g.shape);

/**
 * `-x`, elementwise, as `torch.neg`. Differentiable.
 *
 * @param x - The input tensor.
 * @returns A new tensor of the same shape.
 * @throws TypeError if `x` is not a Tensor.
 */
export const neg = (x: Tensor): Tensor =>
  unary(
    x,
    (x, o) => {
      for (let i = unaryOpSimd('neg', x, o); i < x.length; i++) o[i] = -x[i];
    },
    'NegBackward0',
    (g) => neg(g),
    'none',
  );
/**
 * `|x|`, elementwise, as `torch.abs`. Differentiable.
 *
 * @param x - The input tensor.
 * @returns A new tensor of the same shape.
 * @throws TypeError if `x` is not a Tensor.
 */
export const abs = (x: Tensor): Tensor =>
  unary(
    x,
    (x, o) => {
      for (let i = unaryOpSimd('abs', x, o); i < x.length; i++) o[i] = Math.abs(x[i]);
    },
    'AbsBackward0',
    (g, i) => mul(g, sign(i)),
    'input',
  );
/**
 * -1, 0 or 1 by the sign of `x`, elementwise, as `torch.sign`. Differentiable.
 *
 * @param x - The input tensor.
 * @returns A new tensor of the same shape.
 * @throws TypeError if `x` is not a Tensor.
 */
export const sign = (x: Tensor): Tensor =>
  unary(x, perElement(sgn), 'SignBackward0', zeroGrad, 'none');
/**
 * `e ** x`, elementwise, as `torch.exp`. Differentiable.
 *
 * @param x - The input tensor.
 * @returns A new tensor of the same shape.
 * @throws TypeError if `x` is not a Tensor.
 */
export const exp = (x: Tensor): Tensor =>
  unary(
    x,
    (x, o) => {
      for (let i = unaryMathSimd(0, x, o); i < x.length; i++) o[i] = Math.exp(x[i]);
    },
    'ExpBackward0',
    (g, o) => mul(g, o),
    'output',
  );
/**
 * `e ** x - 1`, accurate near 0, elementwise, as `torch.expm1`. Differentiable.
 *
 * @param x - The input tensor.
 * @returns A new tensor of the same shape.
 * @throws TypeError if `x` is not a Tensor.
 */
export const expm1 = (x: Tensor): Tensor =>
  unary(
    x,
    (x, o) => {
      for (let i = 0; i < x.length; i++) o[i] = Math.expm1(x[i]);
    },
    'Expm1Backward0',
    (g, o) => mul(g, add(o, 1)),
    'output',
  );
/**
 * The natural logarithm (NaN below 0, -inf at 0), elementwise, as `torch.log`. Differentiable.
 *
 * @param x - The input tensor.
 * @returns A new tensor of the same shape.
 * @throws TypeError if `x` is not a Tensor.
 */
export const log = (x: Tensor): Tensor =>
  unary(
    x,
    (x, o) => {
      for (let i = unaryMathSimd(3, x, o); i < x.length; i++) o[i] = Math.log(x[i]);
    },
    'LogBackward0',
    (g, i) => div(g, i),
    'input',
  );
/**
 * `log(1 + x)`, accurate near 0, elementwise, as `torch.log1p`. Differentiable.
 *
 * @param x - The input tensor.
 * @returns A new tensor of the same shape.
 * @throws TypeError if `x` is not a Tensor.
 */
export const log1p = (x: Tensor): Tensor =>
  unary(
    x,
    (x, o) => {
      for (let i = 0; i < x.length; i++) o[i] = Math.log1p(x[i]);
    },
    'Log1PBackward0',
    (g, i) => div(g, add(i, 1)),
    'input',
  );
/**
 * The square root (NaN below 0), elementwise, as `torch.sqrt`. Differentiable.
 *
 * @param x - The input tensor.
 * @returns A new tensor of the same shape.
 * @throws TypeError if `x` is not a Tensor.
 */
export const sqrt = (x: Tensor): Tensor =>
  unary(
    x,
    (x, o) => {
      for (let i = unaryOpSimd('sqrt', x, o); i < x.length; i++) o[i] = Math.sqrt(x[i]);
    },
    'SqrtBackward0',
    (g, o) => div(g, mul(o, 2)),
    'output',
  );
/**
 * `1 / sqrt(x)`, elementwise, as `torch.rsqrt`. Differentiable.
 *
 * @param x - The input tensor.
 * @returns A new tensor of the same shape.
 * @throws TypeError if `x` is not a Tensor.
 */
export const rsqrt = (x: Tensor): Tensor =>
  unary(
    x,
    (x, o) => {
      for (let i = unaryOpSimd('rsqrt', x, o); i < x.length; i++) o[i] = 1 / Math.sqrt(x[i]);
    },
    'RsqrtBackward0',
    (g, o) => mul(mul(g, pow(o, 3)), -0.5),
    'output',
  );
/**
 * `1 / x`, elementwise, as `torch.reciprocal`. Differentiable.
 *
 * @param x - The input tensor.
 * @returns A new tensor of the same shape.
 * @throws TypeError if `x` is not a Tensor.
 */
export const reciprocal = (x: Tensor): Tensor =>
  unary(
    x,
    (x, o) => {
      for (let i = unaryOpSimd('reciprocal', x, o); i < x.length; i++) o[i] = 1 / x[i];
    },
    'ReciprocalBackward0',
    (g, o) => neg(mul(g, mul(o, o))),
    'output',
  );
/**
 * The sine (radians), elementwise, as `torch.sin`. Differentiable.
 *
 * @param x - The input tensor.
 * @returns A new tensor of the same shape.
 * @throws TypeError if `x` is not a Tensor.
 */
export const sin = (x: Tensor): Tensor =>
  unary(
    x,
    (x, o) => {
      for (let i = 0; i < x.length; i++) o[i] = Math.sin(x[i]);
    },
    'SinBackward0',
    (g, i) => mul(g, cos(i)),
    'input',
  );
/**
 * The cosine (radians), elementwise, as `torch.cos`. Differentiable.
 *
 * @param x - The input tensor.
 * @returns A new tensor of the same shape.
 * @throws TypeError if `x` is not a Tensor.
 */
export const cos = (x: Tensor): Tensor =>
  unary(
    x,
    (x, o) => {
      for (let i = 0; i < x.length; i++) o[i] = Math.cos(x[i]);
    },
    'CosBackward0',
    (g, i) => neg(mul(g, sin(i))),
    'input',
  );
/**
 * The hyperbolic tangent, elementwise, as `torch.tanh`. Differentiable.
 *
 * @param x - The input tensor.
 * @returns A new tensor of the same shape.
 * @throws TypeError if `x` is not a Tensor.
 */
export const tanh = (x: Tensor): Tensor =>
  unary(
    x,
    (x, o) => {
      for (let i = unaryMathSimd(2, x, o); i < x.length; i++) o[i] = Math.tanh(x[i]);
    },
    'TanhBackward0',
    (g, o) => mul(g, sub(1, mul(o, o))),
    'output',
  );
/**
 * The logistic sigmoid `1 / (1 + e ** -x)`, elementwise, as `torch.sigmoid`. Differentiable.
 *
 * @param x - The input tensor.
 * @returns A new tensor of the same shape.
 * @throws TypeError if `x` is not a Tensor.
 */
export const sigmoid = (x: Tensor): Tensor =>
  unary(
    x,
    (x, o) => {
      for (let i = unaryMathSimd(1, x, o); i < x.length; i++) o[i] = 1 / (1 + Math.exp(-x[i]));
    },
    'SigmoidBackward0',
    (g, o) => mul(g, mul(sub(1, o), o)),
    'output',
  );
/**
 * `max(x, 0)`, elementwise, as `torch.relu`. Differentiable.
 *
 * @param x - The input tensor.
 * @returns A new tensor of the same shape.
 * @throws TypeError if `x` is not a Tensor.
 */
export const relu = (x: Tensor): Tensor =>
  unary(x, (x, o) => reluInto(x, o), 'ReluBackward0', reluBackward, 'output');

/**
 * relu's derivative from its output: 0 where o <= 0, else g — so a NaN output passes g, as
 * PyTorch's threshold_backward does. Branch-free (kernels/masks.ts, the same bits as `where`) on
 * contiguous same-shape data; recorded with `where` under createGraph.
 */
function reluBackward(g: Tensor, o: Tensor): Tensor {
  if (isGradEnabled() || !g.isContiguous() || !o.isContiguous() || !sameShape(g.shape, o.shape))
    return where(le(o, 0), 0, g);
  const out = allocForWrite(o.numel());
  reluBackwardInto(o._contiguousData(), g._contiguousData(), out);
  return Tensor._fromData(out, o.shape);
}

/**
 * Clamps every element into `[min, max]`, as `torch.clamp`; NaN stays NaN, and with `min > max`
 * every element becomes `max` (as PyTorch). The gradient is 1 inside the bounds, 0 outside.
 *
 * @param x - The input tensor.
 * @param min - The lower bound, or `null` for none.
 * @param max - The upper bound, or `null` for none.
 * @returns A new tensor of the same shape.
 * @throws TypeError if `x` is not a Tensor, a bound is not a number or `null`, or both are `null`.
 */
export function clamp(x: Tensor, min: number | null, max: number | null): Tensor {
  assertTensor(x, 'clamp');
  if (min === null && max === null)
    throw new TypeError("clamp: at least one of 'min' or 'max' must not be null");
  for (const [label, v] of [
    ['min', min],
    ['max', max],
  ] as const) {
    if (v !== null && typeof v !== 'number')
      throw new TypeError(`clamp: ${label} must be a number, got ${describe(v)}`);
  }
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  return unary(
    x,
    (x, o) => {
      for (let i = simdClamp(x, lo, hi, o); i < x.length; i++) {
        const v = x[i];
        o[i] = v !== v ? v : Math.min(Math.max(v, lo), hi);
      }
    },
    'ClampBackward1',
    // Gradient passes where min <= x <= max (inclusive), as clamp_backward does.
    (g, i) => where(mul(ge(i, lo), le(i, hi)), g, 0),
    'input',
  );
}
