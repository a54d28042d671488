/**
 * Every op against PyTorch: forward values, and gradients for a fixed upstream gradient, from
 * test/fixtures/ops.json (made by scripts/pytorch-fixtures.py). Also PyTorch's error cases.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import type { Tensor } from '../src/index.js';
import {
  expectClose,
  fromJson,
  loadFixture,
  num,
  type JsonNumber,
  type JsonTensor,
} from './helpers.js';

type Kwargs = Record<string, unknown>;
type OpFn = (inputs: Tensor[], k: Kwargs) => Tensor;

interface OpCase {
  name: string;
  op: string;
  inputs: JsonTensor[];
  /** How each input is viewed from its (contiguous) leaf: 't' transposed, 'step2' every 2nd column. */
  views?: Array<'t' | 'step2' | null>;
  kwargs: Kwargs;
  output: JsonTensor;
  gradOutput?: JsonTensor;
  grads?: Array<JsonTensor | null>;
}

interface ErrorCase {
  name: string;
  op: string;
  inputs: JsonTensor[];
  kwargs: Kwargs;
  error: string;
}

const n = (v: unknown): number => num(v as JsonNumber);
const dimArg = (v: unknown): number | number[] | undefined =>
  v === undefined ? undefined : (v as number | number[]);

/** torchlet's spelling of each op in the fixture script's table. */
const OPS: Record<string, OpFn> = {
  add: ([a, b], k) => a.add(b, k.alpha === undefined ? undefined : { alpha: n(k.alpha) }),
  sub: ([a, b], k) => a.sub(b, k.alpha === undefined ? undefined : { alpha: n(k.alpha) }),
  mul: ([a, b]) => a.mul(b),
  div: ([a, b]) => a.div(b),
  pow: ([a, b]) => a.pow(b),
  maximum: ([a, b]) => a.maximum(b),
  minimum: ([a, b]) => a.minimum(b),
  add_scalar: ([a], k) => a.add(n(k.s)),
  sub_scalar: ([a], k) => a.sub(n(k.s)),
  rsub_scalar: ([a], k) => torch.sub(n(k.s), a),
  mul_scalar: ([a], k) => a.mul(n(k.s)),
  div_scalar: ([a], k) => a.div(n(k.s)),
  rdiv_scalar: ([a], k) => torch.div(n(k.s), a),
  pow_scalar: ([a], k) => a.pow(n(k.s)),
  rpow_scalar: ([a], k) => torch.pow(n(k.s), a),
  neg: ([a]) => a.neg(),
  abs: ([a]) => a.abs(),
  sign: ([a]) => a.sign(),
  exp: ([a]) => a.exp(),
  expm1: ([a]) => a.expm1(),
  log: ([a]) => a.log(),
  log1p: ([a]) => a.log1p(),
  sqrt: ([a]) => a.sqrt(),
  rsqrt: ([a]) => a.rsqrt(),
  reciprocal: ([a]) => a.reciprocal(),
  sin: ([a]) => a.sin(),
  cos: ([a]) => a.cos(),
  tanh: ([a]) => a.tanh(),
  sigmoid: ([a]) => a.sigmoid(),
  relu: ([a]) => a.relu(),
  square: ([a]) => a.square(),
  clamp: ([a], k) =>
    a.clamp(k.min === undefined ? null : n(k.min), k.max === undefined ? null : n(k.max)),
  where_gt0: ([a, b]) => torch.where(a.gt(0), a, b),
  eq: ([a, b]) => a.eq(b),
  ne: ([a, b]) => a.ne(b),
  lt: ([a, b]) => a.lt(b),
  le: ([a, b]) => a.le(b),
  gt: ([a, b]) => a.gt(b),
  ge: ([a, b]) => a.ge(b),
  sum: ([a], k) => a.sum(dimArg(k.dim), Boolean(k.keepdim)),
  mean: ([a], k) => a.mean(dimArg(k.dim), Boolean(k.keepdim)),
  prod: ([a], k) => a.prod(k.dim as number | undefined, Boolean(k.keepdim)),
  max_all: ([a]) => a.max(),
  min_all: ([a]) => a.min(),
  max_dim: ([a], k) => a.max(k.dim as number, Boolean(k.keepdim)).values,
  min_dim: ([a], k) => a.min(k.dim as number, Boolean(k.keepdim)).values,
  argmax: ([a], k) => a.argmax(k.dim as number | undefined, Boolean(k.keepdim)),
  argmin: ([a], k) => a.argmin(k.dim as number | undefined, Boolean(k.keepdim)),
  amax: ([a], k) => a.amax(dimArg(k.dim), Boolean(k.keepdim)),
  amin: ([a], k) => a.amin(dimArg(k.dim), Boolean(k.keepdim)),
  var: ([a], k) =>
    a.var(dimArg(k.dim), {
      correction: (k.correction as number) ?? 1,
      keepdim: Boolean(k.keepdim),
    }),
  std: ([a], k) =>
    a.std(dimArg(k.dim), {
      correction: (k.correction as number) ?? 1,
      keepdim: Boolean(k.keepdim),
    }),
  norm: ([a], k) => a.norm(k.p === undefined ? 2 : n(k.p), dimArg(k.dim), Boolean(k.keepdim)),
  logsumexp: ([a], k) => a.logsumexp(k.dim as number, Boolean(k.keepdim)),
  matmul: ([a, b]) => a.matmul(b),
  mm: ([a, b]) => a.mm(b),
  bmm: ([a, b]) => a.bmm(b),
  dot: ([a, b]) => a.dot(b),
  outer: ([a, b]) => a.outer(b),
  reshape: ([a], k) => a.reshape(k.shape as number[]),
  view: ([a], k) => a.view(k.shape as number[]),
  transpose: ([a], k) => a.transpose(k.d0 as number, k.d1 as number),
  t: ([a]) => a.t(),
  permute: ([a], k) => a.permute(k.dims as number[]),
  unsqueeze: ([a], k) => a.unsqueeze(k.dim as number),
  squeeze: ([a], k) => a.squeeze(k.dim as number | undefined),
  flatten: ([a], k) => a.flatten((k.start as number) ?? 0, (k.end as number) ?? -1),
  expand: ([a], k) => a.expand(k.shape as number[]),
  select: ([a], k) => a.select(k.dim as number, k.index as number),
  narrow: ([a], k) => a.narrow(k.dim as number, k.start as number, k.length as number),
  slice: ([a], k) =>
    a.slice(k.dim as number, k.start as number, k.end as number, (k.step as number) ?? 1),
  transpose_contiguous_sum: ([a]) =>
    a
      .t()
      .contiguous()
      .mul(torch.arange(a.numel()).view(a.t().shape as number[]))
      .sum(),
  cat: ([a, b], k) => torch.cat([a, b], (k.dim as number) ?? 0),
  stack: ([a, b], k) => torch.stack([a, b], (k.dim as number) ?? 0),
  mse_loss: ([a, b], k) =>
    torch.nn.functional.mseLoss(a, b, { reduction: (k.reduction as 'mean') ?? 'mean' }),
  l1_loss: ([a, b], k) =>
    torch.nn.functional.l1Loss(a, b, { reduction: (k.reduction as 'mean') ?? 'mean' }),
  linear: ([x, w, b]) => torch.nn.functional.linear(x, w, b),
  linear_nobias: ([x, w]) => torch.nn.functional.linear(x, w),
};

function applyView(leaf: Tensor, view: 't' | 'step2' | null | undefined): Tensor {
  if (view === 't') return leaf.t();
  if (view === 'step2') return leaf.slice(1, 0, null, 2);
  return leaf;
}

const fixture = loadFixture<{ meta: { torch: string }; cases: OpCase[]; errors: ErrorCase[] }>(
  'ops.json',
);

// float32 transcendental functions and float64 accumulation differ from PyTorch in the last bits.
const FORWARD_TOL = { rtol: 1e-5, atol: 1e-6 };
const GRAD_TOL = { rtol: 1e-4, atol: 1e-5 };

describe(`ops against PyTorch ${fixture.meta.torch}`, () => {
  it('has a torchlet op for every fixture op', () => {
    const missing = [...new Set(fixture.cases.map((c) => c.op))].filter((op) => !(op in OPS));
    expect(missing).toEqual([]);
  });

  for (const c of fixture.cases) {
    it(`${c.name}: forward${c.grads ? ' and gradients' : ''}`, () => {
      const differentiable = c.grads !== undefined;
      const inputs = c.inputs.map((t) => fromJson(t, differentiable));
      const before = inputs.map((t) => t.toFloat32Array());
      const out = OPS[c.op](
        inputs.map((leaf, i) => applyView(leaf, c.views?.[i])),
        c.kwargs,
      );
      expectClose(out, c.output, FORWARD_TOL, `${c.name} output`);
      if (c.grads && c.gradOutput) {
        out.backward(fromJson(c.gradOutput));
        c.grads.forEach((g, i) => expectClose(inputs[i].grad, g, GRAD_TOL, `${c.name} grad ${i}`));
      }
      // Inputs are never modified by an out-of-place op.
      inputs.forEach((t, i) => expect(t.toFloat32Array()).toEqual(before[i]));
    });
  }

  for (const c of fixture.errors) {
    it(`${c.name}: throws like PyTorch ("${c.error.slice(0, 60)}")`, () => {
      const inputs = c.inputs.map((t) => fromJson(t));
      const before = inputs.map((t) => t.toFloat32Array());
      expect(() => OPS[c.op](inputs, c.kwargs)).toThrow();
      inputs.forEach((t, i) => expect(t.toFloat32Array()).toEqual(before[i]));
    });
  }
});
