/**
 * Compositions of the math ops against finite differences (first derivatives), and second
 * derivatives of compositions against finite differences of their first derivatives.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { gradcheck } from './gradcheck.js';

torch.manualSeed(3);
const r = (...shape: number[]) => torch.randn(shape);
const unit = (...shape: number[]) => torch.rand(shape).mul(1.6).sub(0.8);
const prob = (...shape: number[]) => torch.rand(shape).mul(0.8).add(0.1);
const pos = (...shape: number[]) => torch.rand(shape).mul(2).add(0.5);
// Dividends and divisors whose quotients stay >= 0.14 away from integers: a finite-difference step
// must not cross a jump of remainder/fmod.
const quotients = () =>
  torch.tensor([
    [0.5, 1.7, -0.6, 2.4, -1.6],
    [-0.2, 3.5, 0.9, -2.6, 0.3],
  ]);
const divisors = () => torch.tensor([1.1, 1.3, 1.2, 1.05, 1.4]);
/** Distinct values spaced at least 0.2 apart, so sorting and selection are locally constant. */
const distinct = (...shape: number[]) =>
  torch
    .randperm(shape.reduce((a, b) => a * b, 1))
    .view(shape)
    .div(5)
    .sub(1);

const cases: Array<[string, (...xs: Tensor[]) => Tensor, () => Tensor[]]> = [
  ['tan(asin(x)) + atan(x)', (x) => x.asin().tan().add(x.atan()), () => [unit(3, 4)]],
  ['acos · sinh', (x) => x.acos().mul(x.sinh()), () => [unit(5)]],
  ['cosh(asinh(x)) / acosh(x + 2)', (x) => x.asinh().cosh().div(x.add(2).acosh()), () => [unit(6)]],
  ['atanh(tanh(x) / 2)', (x) => x.tanh().div(2).atanh(), () => [r(6)]],
  ['log2 + log10 of exp2', (x) => x.exp2().log2().add(x.exp2().log10()), () => [r(5)]],
  ['erf(erfinv(x)) · x', (x) => x.erfinv().erf().mul(x), () => [unit(6)]],
  ['logit(sigmoid(x))', (x) => x.sigmoid().logit(), () => [r(6)]],
  ['logit eps', (x) => torch.logit(x, 0.05), () => [prob(6)]],
  ['frac + floor · x', (x) => x.frac().add(x.floor().mul(x)), () => [unit(5).mul(3)]],
  [
    'round / trunc / ceil times x',
    (x) => x.round().add(x.trunc()).add(x.ceil()).mul(x),
    () => [r(5)],
  ],
  ['square(x) - sign(x)', (x) => torch.square(x).sub(x.sign()), () => [r(5)]],
  ['atan2 broadcast', (a, b) => a.atan2(b), () => [r(3, 1), r(4)]],
  ['hypot broadcast', (a, b) => torch.hypot(a, b), () => [r(3, 4), r(4)]],
  ['remainder both', (a, b) => a.remainder(b), () => [quotients(), divisors()]],
  ['fmod both', (a, b) => torch.fmod(a, b), () => [quotients(), divisors().neg()]],
  ['lerp tensor weight', (a, b, w) => a.lerp(b, w), () => [r(3, 4), r(4), unit(3, 1)]],
  ['lerp scalar weight', (a, b) => torch.lerp(a, b, 0.7), () => [r(3, 4), r(3, 4)]],
  ['clampMin tensor', (a, b) => a.clampMin(b), () => [distinct(3, 4), distinct(4).add(0.1)]],
  ['clampMax number', (a) => a.clampMax(0.1).mul(a), () => [distinct(3, 4)]],
  ['cumsum of exp', (x) => x.exp().cumsum(1), () => [r(3, 4)]],
  ['cumprod dim 0', (x) => x.cumprod(0), () => [r(4, 3)]],
  ['cumprod with a zero', (x) => x.mul(torch.tensor([1, 0, 1, 1])).cumprod(0), () => [r(4)]],
  ['logcumsumexp', (x) => x.logcumsumexp(-1), () => [r(3, 5)]],
  ['cummax / cummin', (x) => x.cummax(1).values.add(x.cummin(0).values), () => [distinct(3, 4)]],
  ['sort values · arange', (x) => x.sort(1).values.mul(torch.arange(4)), () => [distinct(3, 4)]],
  ['topk of sinh', (x) => x.sinh().topk(2, 0).values, () => [distinct(5, 3)]],
  [
    'kthvalue + median',
    (x) => x.kthvalue(2, 1).values.add(x.median(1).values),
    () => [distinct(3, 5)],
  ],
  ['median of all', (x) => x.median().mul(x.sum()), () => [distinct(7)]],
  ['mode of rounded', (x) => x.round().mode(1).values, () => [r(3, 6)]],
  [
    'sort transposed input',
    (x) => x.t().sort({ dim: 0, descending: true }).values.cumsum(0),
    () => [distinct(4, 3)],
  ],
];

describe('gradcheck: compositions of math ops', () => {
  for (const [name, fn, make] of cases) {
    it(name, () => gradcheck(fn, make()));
  }
});

/** Checks d/dx of <grad f(x), v> by finite differences of the first derivative. */
function secondOrder(fn: (x: Tensor) => Tensor, x0: Tensor, eps = 1e-2, tol = 3e-2): void {
  const v = torch.randn(x0.shape as number[]);
  const firstDot = (x: Tensor): number => {
    const leaf = x.detach().clone().requiresGrad_(true);
    fn(leaf).sum().backward();
    return leaf.grad!.mul(v).sum().item();
  };
  const leaf = x0.detach().clone().requiresGrad_(true);
  fn(leaf).sum().backward(undefined, { createGraph: true });
  const g = leaf.grad!;
  leaf.grad = null;
  g.mul(v).sum().backward();
  const analytic = leaf.grad!.toFloat32Array();
  const base = x0.detach().clone();
  for (let i = 0; i < base.numel(); i++) {
    const data = base.buffer;
    const orig = data[i];
    data[i] = orig + eps;
    const plus = firstDot(base);
    data[i] = orig - eps;
    const minus = firstDot(base);
    data[i] = orig;
    const numeric = (plus - minus) / (2 * eps);
    expect(Math.abs(numeric - analytic[i])).toBeLessThanOrEqual(tol + tol * Math.abs(numeric));
  }
}

describe('second derivatives of compositions (createGraph)', () => {
  const second: Array<[string, (x: Tensor) => Tensor, () => Tensor]> = [
    ['tan · erf', (x) => x.tan().mul(x.erf()), () => unit(5)],
    ['logcumsumexp', (x) => x.logcumsumexp(0).exp(), () => r(5)],
    ['cumprod', (x) => x.cumprod(0), () => pos(5)],
    [
      'cumprod through zeros',
      (x) =>
        x
          .mul(torch.tensor([[1, 0, 1, 1, 0, 1]]))
          .cumprod(1)
          .mul(torch.arange(6)),
      () => r(2, 6),
    ],
    [
      'cumprod through zeros, dim 0',
      (x) => x.mul(torch.tensor([[1], [0], [1], [1]])).cumprod(0),
      () => r(4, 3),
    ],
    ['sort values squared', (x) => x.sort().values.pow(2).mul(torch.arange(6)), () => distinct(6)],
    ['atan2 with itself squared', (x) => x.atan2(x.mul(x).add(1)), () => r(5)],
    ['erfinv', (x) => x.erfinv(), () => unit(5)],
    ['logit', (x) => x.logit(), () => prob(5)],
  ];
  for (const [name, fn, make] of second) it(name, () => secondOrder(fn, make()));
});
