/**
 * Contractions on the matrix-product kernel: einsum (pairwise, each pair folded into one batched
 * matmul), cdist, addmm and baddbmm. All are compositions of differentiable ops, so their
 * gradients (and second derivatives) come from the ops they are built of.
 */
import { Tensor, assertTensor, describe } from '../tensor/tensor.js';
import { broadcastShapes, formatShape, numelOf, sameShape } from '../tensor/shape.js';
import { bmm, matmul, mm } from './linalg.js';
import { record } from '../autograd/node.js';
import { noGrad } from '../autograd/grad-mode.js';
import { add, clamp, div, eq, mul, scalar, sub, where } from './elementwise.js';
import { norm, sum } from './reduce.js';
import { expand, permute, reshape, unsqueeze } from './views.js';
import { diagonalView } from './reshape-more.js';
import { broadcastsTo } from './index-args.js';
import { checkOptions } from '../tensor/options.js';

/** One operand during the contraction: its tensor and one label per dim. */
interface Term {
  t: Tensor;
  labels: string[];
}

const LETTER = /[a-zA-Z]/;

/** Splits one subscript string into letters and at most one `'...'`. */
function tokens(sub: string, at: number): string[] {
  const out: string[] = [];
  let ellipsis = false;
  for (let i = 0; i < sub.length; i++) {
    const c = sub[i];
    if (c === '.') {
      if (sub.slice(i, i + 3) !== '...')
        throw new SyntaxError(
          `einsum(): found '.' for operand ${at} that is not part of any ellipsis`,
        );
      if (ellipsis)
        throw new SyntaxError(
          `einsum(): found '.' for operand ${at} for which an ellipsis was already found`,
        );
      ellipsis = true;
      out.push('...');
      i += 2;
    } else if (LETTER.test(c)) {
      out.push(c);
    } else {
      throw new SyntaxError(
        `einsum(): invalid subscript given at index ${i} in the equation string, subscripts must be in [a-zA-Z]`,
      );
    }
  }
  return out;
}

/** Ellipsis dims get labels `#k`, aligned from the right across operands. */
function expandEllipsis(toks: string[], ndim: number, maxE: number, operand: number): string[] {
  const letters = toks.filter((t) => t !== '...').length;
  const has = toks.includes('...');
  const e = ndim - letters;
  if ((!has && e !== 0) || e < 0) {
    throw new RangeError(
      `einsum(): the number of subscripts in the equation (${letters}) ` +
        (has ? 'is more than' : 'does not match') +
        ` the number of dimensions (${ndim}) for operand ${operand}` +
        (has ? '' : ' and no ellipsis was given'),
    );
  }
  const ell = Array.from({ length: e }, (_, i) => `#${maxE - e + i}`);
  return toks.flatMap((t) => (t === '...' ? ell : [t]));
}

/** Takes the diagonal of every label repeated within one operand. */
function takeDiagonals(term: Term, operand: number): Term {
  let { t, labels } = term;
  for (;;) {
    const i = labels.findIndex((l, k) => labels.indexOf(l) !== k);
    if (i < 0) return { t, labels };
    const first = labels.indexOf(labels[i]);
    if (t.shape[first] !== t.shape[i]) {
      throw new RangeError(
        `einsum(): subscript ${labels[i]} is repeated for operand ${operand} but the sizes don't match, ` +
          `${t.shape[i]} != ${t.shape[first]}`,
      );
    }
    t = diagonalView(t, 0, first, i);
    const l = labels[i];
    labels = [...labels.filter((_, k) => k !== first && k !== i), l];
  }
}

/** Sums out the labels not in `keep`. */
function sumOut(term: Term, keep: Set<string>): Term {
  const dims = term.labels.map((l, d) => (keep.has(l) ? -1 : d)).filter((d) => d >= 0);
  if (dims.length === 0) return term;
  return {
    t: sum(term.t, dims),
    labels: term.labels.filter((l) => keep.has(l)),
  };
}

/** Contracts two terms into one with one batched matmul, keeping the labels in `keep`. */
function contract(a: Term, b: Term, keep: Set<string>, sizes: Map<string, number>): Term {
  a = sumOut(a, new Set([...keep, ...b.labels]));
  b = sumOut(b, new Set([...keep, ...a.labels]));
  const inB = new Set(b.labels);
  const inA = new Set(a.labels);
  const batch = a.labels.filter((l) => inB.has(l) && keep.has(l));
  const summed = a.labels.filter((l) => inB.has(l) && !keep.has(l));
  const left = a.labels.filter((l) => !inB.has(l));
  const right = b.labels.filter((l) => !inA.has(l));
  const size = (l: string) => sizes.get(l) ?? 1;
  const arrange = (term: Term, order: string[]) => {
    const p = permute(
      term.t,
      order.map((l) => term.labels.indexOf(l)),
    );
    return expand(p, order.map(size));
  };
  const n = (ls: string[]) => numelOf(ls.map(size));
  const a3 = reshape(arrange(a, [...batch, ...left, ...summed]), [[n(batch), n(left), n(summed)]]);
  const b3 = reshape(arrange(b, [...batch, ...summed, ...right]), [
    [n(batch), n(summed), n(right)],
  ]);
  const labels = [...batch, ...left, ...right];
  return { t: reshape(bmm(a3, b3), [labels.map(size)]), labels };
}

/**
 * `torch.einsum`: Einstein summation over the operands' labelled dims. Supports `'...'`, repeated
 * labels (diagonals), implicit output (labels seen once, in alphabetical order, after the
 * ellipsis dims) and size-1 broadcasting. Pairs of operands are contracted left to right, each as
 * one batched matrix product.
 * @param equation - e.g. `'ij,jk->ik'`, `'bij,bjk'`, `'ii->i'`, `'...ij->...ji'`
 * @param operands - the tensors, one per comma-separated term
 * @returns the result tensor
 * @throws SyntaxError on a malformed equation; RangeError on mismatched operand count or sizes
 * @example einsum('ij,jk->ik', a, b) // a.matmul(b)
 */
export function einsum(equation: string, ...operands: Array<Tensor | Tensor[]>): Tensor {
  if (typeof equation !== 'string')
    throw new TypeError(`einsum(): equation must be a string, got ${describe(equation)}`);
  const ops =
    operands.length === 1 && Array.isArray(operands[0]) ? operands[0] : (operands as Tensor[]);
  if (ops.length === 0) throw new RangeError('einsum(): must provide at least one operand');
  ops.forEach((t, i) => assertTensor(t, 'einsum', `a Tensor as operand ${i}`));
  const eq = equation.replace(/\s+/g, '');
  const arrow = eq.indexOf('->');
  const lhs = arrow >= 0 ? eq.slice(0, arrow) : eq;
  const terms = lhs.split(',');
  if (terms.length > ops.length)
    throw new RangeError('einsum(): fewer operands were provided than specified in the equation');
  if (terms.length < ops.length)
    throw new RangeError('einsum(): more operands were provided than specified in the equation');
  const toks = terms.map((s, i) => tokens(s, i));
  const maxE = Math.max(
    0,
    ...toks.map((tk, i) => ops[i].dim() - tk.filter((x) => x !== '...').length),
  );
  const anyEllipsis = toks.some((tk) => tk.includes('...'));
  const ell = anyEllipsis ? Array.from({ length: maxE }, (_, i) => `#${i}`) : [];
  let work: Term[] = ops.map((t, i) => ({ t, labels: expandEllipsis(toks[i], t.dim(), maxE, i) }));

  // Sizes per label, with size-1 broadcasting.
  const sizes = new Map<string, number>();
  work.forEach((term, k) => {
    term.labels.forEach((l, d) => {
      const s = term.t.shape[d];
      const prev = sizes.get(l);
      if (prev === undefined || prev === 1) sizes.set(l, s);
      else if (s !== prev && s !== 1) {
        throw new RangeError(
          `einsum(): subscript ${l.startsWith('#') ? '...' : l} has size ${s} for operand ${k} ` +
            `which does not broadcast with previously seen size ${prev}`,
        );
      }
    });
  });

  let output: string[];
  if (arrow >= 0) {
    const outToks = tokens(eq.slice(arrow + 2), ops.length);
    output = outToks.flatMap((t) => (t === '...' ? ell : [t]));
    const seen = new Set<string>();
    for (const l of output) {
      if (seen.has(l))
        throw new SyntaxError(
          `einsum(): output subscript ${l} appears more than once in the output`,
        );
      seen.add(l);
      if (!sizes.has(l))
        throw new SyntaxError(
          `einsum(): output subscript ${l} does not appear in the equation for any input operand`,
        );
    }
  } else {
    const count = new Map<string, number>();
    for (const tk of toks)
      for (const l of tk) if (l !== '...') count.set(l, (count.get(l) ?? 0) + 1);
    const once = [...count].filter(([, c]) => c === 1).map(([l]) => l);
    once.sort((p, q) => p.charCodeAt(0) - q.charCodeAt(0));
    output = [...ell, ...once];
  }

  work = work.map((term, i) => takeDiagonals(term, i));
  const outSet = new Set(output);
  // Labels needed after operand k: the output's and those of later operands.
  const neededAfter = (k: number) => {
    const s = new Set(outSet);
    for (let j = k + 1; j < work.length; j++) for (const l of work[j].labels) s.add(l);
    return s;
  };
  let acc = sumOut(work[0], neededAfter(0));
  for (let k = 1; k < work.length; k++) {
    const keep = neededAfter(k);
    acc = contract(acc, work[k], keep, sizes);
  }
  acc = sumOut(acc, outSet);
  const order = output.map((l) => acc.labels.indexOf(l));
  const result = permute(acc.t, order);
  const target = output.map((l) => sizes.get(l) ?? 1);
  return sameShape(result.shape, target) ? result : expand(result, target);
}

/**
 * `torch.cdist`: p-norm distances between the rows of x1 `[..., P, M]` and x2 `[..., R, M]`.
 * @param x1 - at least 2-D
 * @param x2 - at least 2-D, same last dim
 * @param p - the norm order, >= 0 (default 2)
 * @returns distances `[..., P, R]` (batch dims broadcast)
 * @throws RangeError on bad ranks, mismatched columns or negative p
 * @example cdist(a, b) // Euclidean distances between rows
 */
export function cdist(x1: Tensor, x2: Tensor, p = 2): Tensor {
  assertTensor(x1, 'cdist');
  assertTensor(x2, 'cdist');
  if (typeof p !== 'number' || Number.isNaN(p))
    throw new TypeError(`cdist: p must be a number, got ${describe(p)}`);
  if (x1.dim() < 2)
    throw new RangeError(`cdist only supports at least 2D tensors, X1 got: ${x1.dim()}D`);
  if (x2.dim() < 2)
    throw new RangeError(`cdist only supports at least 2D tensors, X2 got: ${x2.dim()}D`);
  const m1 = x1.shape[x1.dim() - 1];
  const m2 = x2.shape[x2.dim() - 1];
  if (m1 !== m2)
    throw new RangeError(`X1 and X2 must have the same number of columns. X1: ${m1} X2: ${m2}`);
  if (p < 0) throw new RangeError('cdist only supports non-negative p values');
  const batch = broadcastShapes(x1.shape.slice(0, -2), x2.shape.slice(0, -2), 'cdist');
  const rows = x1.shape[x1.dim() - 2];
  const cols = x2.shape[x2.dim() - 2];
  // PyTorch's default compute mode: Euclidean distances of more than 25 rows go through a matrix
  // product, without the [P, R, M] difference tensor.
  if (p === 2 && m1 > 0 && (rows > 25 || cols > 25)) return euclideanByMatmul(x1, x2, batch);
  const diff = sub(unsqueeze(x1, -2), unsqueeze(x2, -3));
  if (m1 === 0) return mul(sum(expand(diff, [...batch, rows, cols, 0]), -1), 1);
  const d = norm(diff, p, -1);
  // p = 0 counts nonzeros: piecewise constant, so its gradient is zero (as PyTorch gives).
  return p === 0 ? add(d, where(scalar(0), sum(diff, -1), 0)) : d;
}

/**
 * sqrt(max(|a|² + |b|² - 2 a·b, 0)) with one batched matmul; its backward is the exact formula
 * g·(a - b)/d (zero where d = 0) written as matrix products, like PyTorch's cdist backward (which,
 * as here, is not itself differentiable).
 */
function euclideanByMatmul(x1: Tensor, x2: Tensor, batch: readonly number[]): Tensor {
  const a = expand(x1, [...batch, ...x1.shape.slice(-2)]);
  const b = expand(x2, [...batch, ...x2.shape.slice(-2)]);
  const d = noGrad(() => {
    const an = sum(mul(a, a), -1, true);
    const bn = unsqueeze(sum(mul(b, b), -1), -2);
    const sq = add(add(an, bn), mul(matmul(a, b.transpose(-1, -2)), -2));
    return clamp(sq, 0, null).sqrt();
  });
  return record(
    d,
    'CdistBackward0',
    [x1, x2],
    (g, [sa, sb, sd], [n1, n2]) => {
      const G = noGrad(() => where(eq(sd!, 0), 0, div(g, sd!)));
      const ga = n1 ? sub(mul(sa!, sum(G, -1, true)), matmul(G, sb!)) : null;
      const gb = n2
        ? sub(mul(sb!, unsqueeze(sum(G, -2), -1)), matmul(G.transpose(-1, -2), sa!))
        : null;
      return [ga, gb];
    },
    [a.detach(), b.detach(), d],
  );
}

/** `beta * input + alpha * product`, with PyTorch's rule that beta = 0 ignores input (even NaN). */
function addScaled(
  input: Tensor,
  product: Tensor,
  beta: number,
  alpha: number,
  op: string,
): Tensor {
  const ok = broadcastsTo(input.shape, product.shape);
  if (!ok) {
    throw new RangeError(
      `${op}: the input of shape ${formatShape(input.shape)} cannot be broadcast to the product's ` +
        `shape ${formatShape(product.shape)}`,
    );
  }
  const scaled = alpha === 1 ? product : mul(product, alpha);
  if (beta === 0) return add(scaled, where(scalar(0), input, 0));
  return add(beta === 1 ? input : mul(input, beta), scaled);
}

/** Options of `addmm` and `baddbmm`: the scale of the input and of the product. */
export interface AddProductOptions {
  /** The multiplier of the input (default 1). */
  beta?: number;
  /** The multiplier of the product (default 1). */
  alpha?: number;
}

function readScales(options: AddProductOptions, op: string): [number, number] {
  const { beta = 1, alpha = 1 } = checkOptions<AddProductOptions>(op, options, {
    beta: 'number',
    alpha: 'number',
  });
  return [beta, alpha];
}

/**
 * `torch.addmm`: `beta * input + alpha * (mat1 @ mat2)`; input broadcasts to `[n, p]`.
 * @param input - added term
 * @param mat1 - `[n, m]`
 * @param mat2 - `[m, p]`
 * @param options - `beta` (default 1; 0 ignores input, NaN included), `alpha` (default 1)
 * @returns `[n, p]`
 * @throws RangeError on shape mismatch
 * @example addmm(bias, x, w.t())
 */
export function addmm(
  input: Tensor,
  mat1: Tensor,
  mat2: Tensor,
  options: AddProductOptions = {},
): Tensor {
  assertTensor(input, 'addmm');
  assertTensor(mat1, 'addmm', 'mat1 to be a Tensor');
  assertTensor(mat2, 'addmm', 'mat2 to be a Tensor');
  const [beta, alpha] = readScales(options, 'addmm');
  if (mat1.dim() !== 2 || mat2.dim() !== 2) {
    throw new RangeError(
      `addmm: mat1 and mat2 must be matrices, got shapes ${formatShape(mat1.shape)} and ${formatShape(mat2.shape)}`,
    );
  }
  if (mat1.shape[1] !== mat2.shape[0]) {
    throw new RangeError(
      `addmm: mat1 and mat2 shapes cannot be multiplied (${mat1.shape.join('x')} and ${mat2.shape.join('x')})`,
    );
  }
  return addScaled(input, mm(mat1, mat2), beta, alpha, 'addmm');
}

/**
 * `torch.baddbmm`: `beta * input + alpha * (batch1 @ batch2)` per batch; input broadcasts to `[b, n, p]`.
 * @param input - added term
 * @param batch1 - `[b, n, m]`
 * @param batch2 - `[b, m, p]`
 * @param options - `beta` (default 1; 0 ignores input, NaN included), `alpha` (default 1)
 * @returns `[b, n, p]`
 * @throws RangeError on shape mismatch
 */
export function baddbmm(
  input: Tensor,
  batch1: Tensor,
  batch2: Tensor,
  options: AddProductOptions = {},
): Tensor {
  assertTensor(input, 'baddbmm');
  assertTensor(batch1, 'baddbmm', 'batch1 to be a Tensor');
  assertTensor(batch2, 'baddbmm', 'batch2 to be a Tensor');
  const [beta, alpha] = readScales(options, 'baddbmm');
  if (batch1.dim() !== 3 || batch2.dim() !== 3) {
    throw new RangeError(
      `baddbmm: batch1 and batch2 must be 3-D tensors, got shapes ${formatShape(batch1.shape)} and ${formatShape(batch2.shape)}`,
    );
  }
  const [b, , m] = batch1.shape;
  if (batch2.shape[0] !== b || batch2.shape[1] !== m) {
    throw new RangeError(
      `baddbmm: Expected size for first two dimensions of batch2 tensor to be: [${b}, ${m}] but got: ` +
        `[${batch2.shape[0]}, ${batch2.shape[1]}].`,
    );
  }
  return addScaled(input, bmm(batch1, batch2), beta, alpha, 'baddbmm');
}
