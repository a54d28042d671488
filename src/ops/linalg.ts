/** Matrix products with PyTorch's shape rules, each with its derivative. */
import { record } from '../autograd/node.js';
import { Tensor, assertTensor } from '../tensor/tensor.js';
import { broadcastShapes, formatShape, numelOf } from '../tensor/shape.js';
import { gemm, type Mat } from '../tensor/kernels/matmul.js';
import { mul, scalar } from './elementwise.js';
import { allocForWrite } from '../tensor/kernels/arena.js';

function cannotMultiply(op: string, a: Tensor, b: Tensor): never {
  throw new RangeError(
    `${op}: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} cannot be multiplied`,
  );
}

/** Matrix `batch` of a 3-D (or 2-D, batch 0) tensor as a strided Mat. */
function matOf(x: Tensor, batch = 0): Mat {
  const nd = x.dim();
  return {
    buffer: x.buffer,
    offset: x.offset + (nd === 3 ? batch * x.strides[0] : 0),
    rowStride: x.strides[nd - 2],
    colStride: x.strides[nd - 1],
  };
}

/**
 * The product of two matrices, as `torch.mm` (no broadcasting).
 *
 * @param a - An `[n, k]` matrix.
 * @param b - A `[k, m]` matrix.
 * @returns The `[n, m]` product.
 * @throws RangeError if an operand is not 2-D or the inner sizes differ.
 */
export function mm(a: Tensor, b: Tensor): Tensor {
  assertTensor(a, 'mm');
  assertTensor(b, 'mm');
  if (a.dim() !== 2 || b.dim() !== 2) {
    throw new RangeError(
      `mm: expected 2-D tensors, got shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}`,
    );
  }
  const [m, k] = a.shape;
  const [k2, n] = b.shape;
  if (k !== k2) cannotMultiply('mm', a, b);
  const out = allocForWrite(m * n); // gemm writes every element
  gemm(matOf(a), matOf(b), m, k, n, out, 0);
  return record(
    Tensor._fromData(out, [m, n]),
    'MmBackward0',
    [a, b],
    (g, [sb, sa], [na, nb]) => [na ? mm(g, sb!.t()) : null, nb ? mm(sa!.t(), g) : null],
    [a.requiresGrad ? b : null, b.requiresGrad ? a : null],
  );
}

/**
 * Batched matrix product of `[b, n, k]` and `[b, k, m]` with equal batch sizes, as `torch.bmm`.
 *
 * @param a - The left batch.
 * @param b - The right batch.
 * @returns The `[b, n, m]` products.
 * @throws RangeError if an operand is not 3-D or the sizes differ.
 */
export function bmm(a: Tensor, b: Tensor): Tensor {
  assertTensor(a, 'bmm');
  assertTensor(b, 'bmm');
  if (a.dim() !== 3 || b.dim() !== 3) {
    throw new RangeError(
      `bmm: expected 3-D tensors, got shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}`,
    );
  }
  const [batch, m, k] = a.shape;
  const [batch2, k2, n] = b.shape;
  if (batch !== batch2 || k !== k2) cannotMultiply('bmm', a, b);
  const out = allocForWrite(batch * m * n); // gemm writes every element
  for (let i = 0; i < batch; i++) gemm(matOf(a, i), matOf(b, i), m, k, n, out, i * m * n);
  return record(
    Tensor._fromData(out, [batch, m, n]),
    'BmmBackward0',
    [a, b],
    (g, [sb, sa], [na, nb]) => [
      na ? bmm(g, sb!.transpose(1, 2)) : null,
      nb ? bmm(sa!.transpose(1, 2), g) : null,
    ],
    [a.requiresGrad ? b : null, b.requiresGrad ? a : null],
  );
}

/**
 * The dot product of two 1-D tensors of the same length, as `torch.dot`.
 *
 * @param a - A 1-D tensor.
 * @param b - A 1-D tensor.
 * @returns A 0-d tensor.
 * @throws RangeError if an operand is not 1-D or the lengths differ.
 * @example
 * ```ts
 * dot(tensor([1, 2]), tensor([3, 4])); // tensor(11.)
 * ```
 */
export function dot(a: Tensor, b: Tensor): Tensor {
  assertTensor(a, 'dot');
  assertTensor(b, 'dot');
  if (a.dim() !== 1 || b.dim() !== 1) {
    throw new RangeError(`dot: 1D tensors expected, but got ${a.dim()}D and ${b.dim()}D tensors`);
  }
  if (a.shape[0] !== b.shape[0]) {
    throw new RangeError(
      `dot: expected both vectors to have same number of elements, but got ${a.shape[0]} and ${b.shape[0]}`,
    );
  }
  const x = a._contiguousData();
  const y = b._contiguousData();
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return record(
    scalar(s),
    'DotBackward0',
    [a, b],
    (g, [sb, sa], [na, nb]) => [na ? mul(sb!, g) : null, nb ? mul(sa!, g) : null],
    [a.requiresGrad ? b : null, b.requiresGrad ? a : null],
  );
}

/**
 * The outer product of two 1-D tensors, as `torch.outer`: `out[i][j] = a[i] · b[j]`.
 *
 * @param a - A 1-D tensor.
 * @param b - A 1-D tensor.
 * @returns A `[a.numel(), b.numel()]` tensor.
 * @throws RangeError if an operand is not 1-D.
 */
export function outer(a: Tensor, b: Tensor): Tensor {
  assertTensor(a, 'outer');
  assertTensor(b, 'outer');
  if (a.dim() !== 1 || b.dim() !== 1) {
    throw new RangeError(
      `outer: expected 1-D tensors, got shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}`,
    );
  }
  return mul(a.unsqueeze(1), b);
}

/**
 * The matrix product with `torch.matmul`'s rules: dot product for 1-D·1-D, matrix-vector and
 * matrix-matrix products, and broadcast batched products for more dims.
 *
 * @param a - The left operand.
 * @param b - The right operand.
 * @returns The product.
 * @throws TypeError if an operand is not a Tensor.
 * @throws RangeError if the inner sizes differ or the batch dims do not broadcast.
 * @example
 * ```ts
 * matmul(randn(8, 2, 3), randn(3, 4)).shape; // [8, 2, 4]
 * ```
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  assertTensor(a, 'matmul');
  assertTensor(b, 'matmul');
  const da = a.dim();
  const db = b.dim();
  if (da === 0 || db === 0) {
    throw new RangeError(
      `matmul: both arguments need at least 1 dimension, but got shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}`,
    );
  }
  const k = a.shape[da - 1];
  const kb = db === 1 ? b.shape[0] : b.shape[db - 2];
  if (k !== kb) cannotMultiply('matmul', a, b);
  if (da === 1 && db === 1) return dot(a, b);
  if (da === 2 && db === 2) return mm(a, b);
  if (da === 1 && db === 2) return mm(a.unsqueeze(0), b).squeeze(0);
  if (da === 2 && db === 1) return mm(a, b.unsqueeze(1)).squeeze(1);
  // Batched: broadcast the batch dims, fold them into one, bmm, unfold.
  const a2 = da === 1 ? a.unsqueeze(0) : a;
  const b2 = db === 1 ? b.unsqueeze(1) : b;
  const batchA = a2.shape.slice(0, -2);
  const batchB = b2.shape.slice(0, -2);
  const batch = broadcastShapes(batchA, batchB, 'matmul');
  const [m] = a2.shape.slice(-2);
  const n = b2.shape[b2.dim() - 1];
  const nb = numelOf(batch);
  const a3 = a2.expand([...batch, m, k]).reshape([nb, m, k]);
  const b3 = b2.expand([...batch, k, n]).reshape([nb, k, n]);
  let out = bmm(a3, b3).view([...batch, m, n]);
  if (da === 1) out = out.squeeze(-2);
  if (db === 1) out = out.squeeze(-1);
  return out;
}
