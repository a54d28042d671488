/**
 * The shape, indexing and contraction ops against PyTorch: values, gradients (and second-order
 * gradients where recorded) from test/fixtures/ops_shape_index.json, made by
 * scripts/fixtures/ops_shape_index.py; PyTorch's errors must throw here too.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { expectClose, fromJson, loadFixture, type JsonTensor } from './helpers.js';

type Layout = null | 't' | 'step' | ['expand', number[]];
interface InputJson extends JsonTensor {
  grad: boolean;
  layout: Layout;
  kind: null | 'index' | 'mask';
}
interface Case {
  name: string;
  op: string;
  inputs: InputJson[];
  args: unknown[];
  output?: JsonTensor;
  upstream?: JsonTensor;
  grads?: Array<JsonTensor | null>;
  double?: boolean;
  grads2?: Array<JsonTensor | null>;
  error?: string;
  backwardError?: string;
}

const fixture = loadFixture<{ cases: Case[] }>('ops_shape_index.json');

type Arg = unknown;
const T = (a: Arg) => a as Tensor;
const N = (a: Arg) => a as number;
const L = (a: Arg) => a as number[];
const Items = (a: Arg[]) => a as torch.IndexItem[];

/** torchlet's spelling of each op in the generator's table. */
const OPS: Record<string, (...args: Arg[]) => Tensor> = {
  flip: (x, dims) => T(x).flip(L(dims)),
  roll: (x, shifts, dims) => T(x).roll(shifts as number, dims as number | undefined),
  repeat: (x, sizes) => T(x).repeat(L(sizes)),
  tile: (x, dims) => T(x).tile(L(dims)),
  tril: (x, k) => T(x).tril(k as number | undefined),
  triu: (x, k) => T(x).triu(k as number | undefined),
  diagonal: (x, offset, d1, d2) =>
    d1 === undefined
      ? T(x).diagonal(offset as number | undefined)
      : T(x).diagonal({ offset: N(offset), dim1: N(d1), dim2: N(d2) }),
  diagonal_sq: (x, offset) => torch.diagonal(T(x).mul(T(x)), N(offset)),
  diag: (x, k) => T(x).diag(k as number | undefined),
  movedim: (x, s, d) => T(x).movedim(s as number, d as number),
  swapaxes: (x, a, b) => T(x).swapaxes(N(a), N(b)),
  unflatten: (x, dim, sizes) => T(x).unflatten(N(dim), L(sizes)),
  index_select: (x, dim, i) => T(x).indexSelect(N(dim), T(i)),
  gather: (x, dim, i) => T(x).gather(N(dim), T(i)),
  gather_sq: (x, dim, i) => torch.gather(T(x).mul(T(x)), N(dim), T(i)),
  scatter: (x, dim, i, src) => T(x).scatter(N(dim), T(i), T(src)),
  scatter_value: (x, dim, i, v) => T(x).scatter(N(dim), T(i), N(v)),
  scatter_reduce: (x, dim, i, src, r) =>
    T(x).scatter(N(dim), T(i), T(src), { reduce: r as 'add' | 'multiply' }),
  scatter_add: (x, dim, i, src) => T(x).scatterAdd(N(dim), T(i), T(src)),
  scatter_add_sq: (x, dim, i, src) =>
    torch.scatterAdd(T(x).mul(T(x)), N(dim), T(i), T(src).mul(T(src))),
  masked_fill: (x, m, v) => T(x).maskedFill(T(m), v as Tensor | number),
  masked_select: (x, m) => T(x).maskedSelect(T(m)),
  where_method: (x, c, o) => T(x).where(T(c), T(o)),
  index: (x, ...items) => T(x).index(...Items(items)),
  index_sq: (x, ...items) =>
    T(x)
      .mul(T(x))
      .index(...Items(items)),
  index_put: (x, items, v) => {
    const y = T(x).mul(1);
    y.indexPut_(Items(items as Arg[]), v as Tensor | number);
    return y;
  },
  index_put_view: (x, items, v) => {
    const y = T(x).mul(1);
    y.t().indexPut_(Items(items as Arg[]), v as Tensor | number);
    return y;
  },
  index_put_acc: (x, items, v) => {
    const y = T(x).mul(1);
    y.indexPut_(Items(items as Arg[]), T(v), { accumulate: true });
    return y;
  },
  einsum: (eq, ...ops) => torch.einsum(eq as string, ...(ops as Tensor[])),
  cdist: (a, b, p) => torch.cdist(T(a), T(b), p as number | undefined),
  addmm: (i, a, b, beta, alpha) =>
    beta === undefined
      ? torch.addmm(T(i), T(a), T(b))
      : torch.addmm(T(i), T(a), T(b), { beta: N(beta), alpha: N(alpha) }),
  baddbmm: (i, a, b, beta, alpha) =>
    beta === undefined
      ? T(i).baddbmm(T(a), T(b))
      : T(i).baddbmm(T(a), T(b), { beta: N(beta), alpha: N(alpha) }),
};

function viewOf(leaf: Tensor, layout: Layout): Tensor {
  if (layout === 't') return leaf.transpose(0, 1);
  if (layout === 'step') return leaf.slice(0, null, null, 2);
  if (Array.isArray(layout)) return leaf.expand(layout[1]);
  return leaf;
}

function resolve(a: unknown, xs: Tensor[]): unknown {
  if (a !== null && typeof a === 'object' && !Array.isArray(a) && '$' in a)
    return xs[(a as { $: number }).$];
  if (Array.isArray(a)) return a.map((v) => resolve(v, xs));
  if (a === 'nan') return NaN;
  if (a === 'inf') return Infinity;
  if (a === '-inf') return -Infinity;
  return a;
}

function run(c: Case): { out: Tensor; leaves: Tensor[] } {
  const leaves = c.inputs.map((i) => fromJson(i, i.grad));
  const xs = leaves.map((l, k) => viewOf(l, c.inputs[k].layout));
  const fn = OPS[c.op];
  if (!fn) throw new Error(`no op ${c.op}`);
  const args = c.args.map((a) => resolve(a, xs));
  return { out: fn(...args), leaves };
}

describe('shape and indexing ops match PyTorch', () => {
  for (const c of fixture.cases) {
    if (c.error !== undefined) {
      it(`${c.name} throws like PyTorch (${c.error.slice(0, 60)})`, () => {
        expect(() => run(c)).toThrow();
      });
      continue;
    }
    it(c.name, () => {
      const { out, leaves } = run(c);
      expectClose(out, c.output!, { rtol: 1e-5, atol: 1e-5 }, `${c.name} value`);
      if (c.upstream === undefined || c.backwardError !== undefined) return;
      out.backward(fromJson(c.upstream), { createGraph: c.double === true });
      c.grads!.forEach((g, k) => {
        if (g !== null)
          expectClose(leaves[k].grad, g, { rtol: 1e-5, atol: 1e-5 }, `${c.name} grad ${k}`);
      });
      if (c.double) {
        const first = leaves.filter((_, k) => c.inputs[k].grad).map((l) => l.grad!);
        for (const l of leaves) l.grad = null;
        first
          .map((f) => f.mul(f).sum())
          .reduce((p, q) => p.add(q))
          .backward();
        c.grads2!.forEach((g, k) => {
          if (g !== null)
            expectClose(leaves[k].grad, g, { rtol: 1e-5, atol: 1e-5 }, `${c.name} grad2 ${k}`);
        });
      }
    });
  }
});
