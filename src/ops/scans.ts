/**
 * Cumulative ops along one dim: cumsum, cumprod, cummax, cummin, logcumsumexp. Sums and products
 * accumulate in float64 as PyTorch's CPU kernels do; each derivative sits beside its forward.
 */
import { allocForWrite, allocZeroed } from '../tensor/kernels/arena.js';
import { record } from '../autograd/node.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import { Tensor } from '../tensor/tensor.js';
import * as E from './elementwise.js';
import { checkDim, checkTensor, lanes, selected, type Lanes } from './math-common.js';
import type { ValuesIndices } from './reduce.js';

/** Runs `step` over every lane, front to back (or back to front), writing into `out`. */
function scanLanes(
  l: Lanes,
  reverse: boolean,
  visit: (base: number, stride: number, len: number, reverse: boolean) => void,
): void {
  for (let p = 0; p < l.pre; p++)
    for (let q = 0; q < l.post; q++) visit(p * l.len * l.post + q, l.post, l.len, reverse);
}

/** A running accumulation `acc = combine(acc, x)` along a dim, in either direction. */
function accumulate(
  x: Tensor,
  dim: number,
  reverse: boolean,
  op: string,
  init: number,
  combine: (acc: number, v: number) => number,
): Tensor {
  const l = lanes(x, dim, op);
  const out = allocForWrite(l.data.length);
  const src = l.data;
  if (l.post === 1) {
    scanLanes(l, reverse, (base, stride, len, rev) => {
      let acc = init;
      // One index walking forwards or backwards (no per-element direction test).
      const step = rev ? -stride : stride;
      for (let k = 0, i = rev ? base + (len - 1) * stride : base; k < len; k++, i += step) {
        acc = combine(acc, src[i]);
        out[i] = acc;
      }
    });
  } else {
    // Lanes `post` apart (a scan over a leading dim): all lanes of a block step together, a row at a
    // time, so memory is read in order; each lane's accumulator is the same float64 sequence.
    const acc = new Float64Array(l.post);
    for (let p = 0; p < l.pre; p++) {
      acc.fill(init);
      for (let k = 0; k < l.len; k++) {
        const row = (p * l.len + (reverse ? l.len - 1 - k : k)) * l.post;
        for (let q = 0; q < l.post; q++) {
          const v = combine(acc[q], src[row + q]);
          acc[q] = v;
          out[row + q] = v;
        }
      }
    }
  }
  return Tensor._fromData(out, x.shape);
}

function validate(x: unknown, dim: unknown, op: string): asserts x is Tensor {
  checkTensor(x, op);
  checkDim(dim, op);
}

/** cumsum in either direction; each direction's gradient is the other direction's cumsum. */
function cumsumDir(x: Tensor, dim: number, reverse: boolean): Tensor {
  const out = accumulate(x, dim, reverse, 'cumsum', 0, (a, v) => a + v);
  return record(out, 'CumsumBackward0', [x], (g) => [cumsumDir(g, dim, !reverse)]);
}

/**
 * Cumulative sum along `dim` (accumulated in float64).
 * @param x - Input tensor.
 * @param dim - The dim to scan (negative counts from the end).
 * @returns A tensor of `x`'s shape; the gradient is the reversed cumulative sum of `g`.
 * @throws TypeError for a non-integer dim; RangeError for a dim out of range.
 * @example cumsum(tensor([1, 2, 3]), 0) // [1, 3, 6]
 */
export function cumsum(x: Tensor, dim: number): Tensor {
  validate(x, dim, 'cumsum');
  return cumsumDir(x, dim, false);
}

/**
 * Cumulative product along `dim` (accumulated in float64). The gradient is exact when the input
 * holds zeros (PyTorch's cumprod_backward); it is recorded for double backward when it holds none.
 * @param x - Input tensor.
 * @param dim - The dim to scan.
 * @returns A tensor of `x`'s shape.
 * @throws TypeError for a non-integer dim; RangeError for a dim out of range.
 * @example cumprod(tensor([1, 2, 3]), 0) // [1, 2, 6]
 */
export function cumprod(x: Tensor, dim: number): Tensor {
  validate(x, dim, 'cumprod');
  const out = accumulate(x, dim, false, 'cumprod', 1, (a, v) => a * v);
  return record(
    out,
    'CumprodBackward0',
    [x],
    (g, [sx, so]) => [cumprodBackward(g, sx!, so!, dim)],
    [x, out],
  );
}

function cumprodBackward(g: Tensor, x: Tensor, out: Tensor, dim: number): Tensor {
  const xd = x._contiguousData();
  // Without zeros (includes matches -0 too): d/dx_k = Σ_{j>=k} g_j out_j / x_k, differentiable
  // as written.
  if (!xd.includes(0)) return E.div(cumsumDir(E.mul(g, out), dim, true), x);
  if (isGradEnabled() && x.dim() > 0) return cumprodBackwardGraph(g, x, dim);
  // With zeros, lane by lane: before the first zero z the same formula (summed up to z-1); at z
  // the product of the others, Σ_{j>=z} g_j out_{z-1} Π_{z<i<=j} x_i; after z nothing.
  const l = lanes(x, dim, 'cumprod');
  const gd = g._contiguousData();
  const od = out._contiguousData();
  const res = allocZeroed(xd.length);
  scanLanes(l, false, (base, stride, len) => {
    let z = len;
    for (let k = 0; k < len; k++)
      if (xd[base + k * stride] === 0) {
        z = k;
        break;
      }
    let acc = 0;
    for (let k = z - 1; k >= 0; k--) {
      const i = base + k * stride;
      acc += gd[i] * od[i];
      res[i] = acc / xd[i];
    }
    if (z < len) {
      let prefix = z > 0 ? od[base + (z - 1) * stride] : 1;
      let sum = 0;
      for (let j = z; j < len; j++) {
        if (j > z) prefix *= xd[base + j * stride];
        sum += gd[base + j * stride] * prefix;
      }
      res[base + z * stride] = sum;
    }
  });
  return Tensor._fromData(res, x.shape);
}

/**
 * The exact cumprod gradient with zeros, from differentiable ops (for `createGraph`): with the
 * scanned dim last, d/dx_k = P_k · Σ_{j>=k} g_j Q_{k,j}, where P_k = Π_{i<k} x_i and
 * Q_{k,j} = Π_{k<i<=j} x_i. O(n²) per lane, so it runs only when a graph is being built.
 */
function cumprodBackwardGraph(g: Tensor, x: Tensor, dim: number): Tensor {
  const d = lanes(x, dim, 'cumprod').dim;
  const xl = x.transpose(d, -1);
  const gl = g.transpose(d, -1);
  const n = xl.shape[xl.dim() - 1];
  const positions = Float32Array.from({ length: n }, (_, i) => i);
  const rowK = Tensor._fromData(positions, [n, 1]);
  const colI = Tensor._fromData(positions, [1, n]);
  const square = xl.unsqueeze(-2).expand([...xl.shape.slice(0, -1), n, n]);
  const q = cumprod(E.where(E.gt(colI, rowK), square, 1), -1);
  const s = E.mul(E.mul(q, E.ge(colI, rowK)), gl.unsqueeze(-2)).sum(-1);
  const p = E.where(E.lt(colI, rowK), square, 1).prod(-1);
  return E.mul(p, s).transpose(d, -1);
}

/** Running max/min with the index of the latest extreme (ties and NaN move the index on). */
function cumExtreme(x: Tensor, dim: number, largest: boolean): ValuesIndices {
  const op = largest ? 'cummax' : 'cummin';
  validate(x, dim, op);
  const l = lanes(x, dim, op);
  const src = l.data;
  const values = allocForWrite(src.length);
  const indices = allocForWrite(src.length);
  scanLanes(l, false, (base, stride, len) => {
    let best = NaN;
    let at = 0;
    for (let k = 0; k < len; k++) {
      const i = base + k * stride;
      const v = src[i];
      // PyTorch: a NaN always takes over (even from an earlier NaN); after a NaN nothing else can.
      if (k === 0 || v !== v || (best === best && (largest ? v >= best : v <= best))) {
        best = v;
        at = k;
      }
      values[i] = best;
      indices[i] = at;
    }
  });
  const shape = x.shape;
  return selected(
    x,
    Tensor._fromData(values, shape),
    Tensor._fromData(indices, shape),
    l.dim,
    largest ? 'CummaxBackward0' : 'CumminBackward0',
  );
}

/**
 * Running maximum along `dim` and the index where it was last attained (ties take the later
 * index; NaN propagates, as in PyTorch).
 * @param x - Input tensor.
 * @param dim - The dim to scan.
 * @returns `{ values, indices }` (also `[values, indices]`); gradients go to `indices`.
 * @throws TypeError for a non-integer dim; RangeError for a dim out of range.
 * @example cummax(tensor([1, 3, 2]), 0).values // [1, 3, 3]
 */
export const cummax = (x: Tensor, dim: number): ValuesIndices => cumExtreme(x, dim, true);

/**
 * Running minimum along `dim` and the index where it was last attained.
 * @param x - Input tensor.
 * @param dim - The dim to scan.
 * @returns `{ values, indices }` (also `[values, indices]`); gradients go to `indices`.
 * @throws TypeError for a non-integer dim; RangeError for a dim out of range.
 */
export const cummin = (x: Tensor, dim: number): ValuesIndices => cumExtreme(x, dim, false);

/** log(exp(a) + exp(b)) without overflow; -inf + -inf and inf + inf stay put, NaN propagates. */
function logAddExp(a: number, b: number): number {
  const lo = b !== b ? b : Math.min(a, b);
  const hi = b !== b ? b : Math.max(a, b);
  if (lo !== hi || Number.isFinite(lo)) return hi + Math.log1p(Math.exp(lo - hi));
  return a;
}

/** The lowest finite float32: stands in for log(0) so that gradients never meet inf - inf. */
const LOWEST = -3.4028234663852886e38;

function logcumsumexpDir(x: Tensor, dim: number, reverse: boolean): Tensor {
  const out = accumulate(x, dim, reverse, 'logcumsumexp', -Infinity, logAddExp);
  return record(
    out,
    'LogcumsumexpBackward0',
    [x],
    (g, [sx, so]) => {
      // Σ_{j>=k} g_j exp(x_k - out_j), split by the sign of g so each part is a logcumsumexp.
      const logAbs = E.log(E.abs(g));
      const part = (mask: Tensor): Tensor =>
        E.exp(
          E.add(logcumsumexpDir(E.sub(E.where(mask, logAbs, LOWEST), so!), dim, !reverse), sx!),
        );
      return [E.sub(part(E.gt(g, 0)), part(E.lt(g, 0)))];
    },
    [x, out],
  );
}

/**
 * `log(cumsum(exp(x)))` along `dim`, computed stably.
 * @param x - Input tensor.
 * @param dim - The dim to scan.
 * @returns A tensor of `x`'s shape.
 * @throws TypeError for a non-integer dim; RangeError for a dim out of range.
 * @example logcumsumexp(tensor([0, 0]), 0) // [0, 0.6931]
 */
export function logcumsumexp(x: Tensor, dim: number): Tensor {
  validate(x, dim, 'logcumsumexp');
  return logcumsumexpDir(x, dim, false);
}
