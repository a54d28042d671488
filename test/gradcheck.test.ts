/** Every differentiable op against finite differences, including broadcasting and views. */
import { describe, it } from 'vitest';
import * as torch from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { gradcheck } from './gradcheck.js';

torch.manualSeed(0);
const r = (...shape: number[]) => torch.randn(shape);
const pos = (...shape: number[]) => torch.rand(shape).mul(2).add(0.5);
// Values kept away from kinks (|x| > 0.1) so finite differences are meaningful for abs, relu, clamp...
const away = (...shape: number[]) => {
  const x = torch.rand(shape).mul(1.5).add(0.2);
  return x.mul(torch.randint(0, 2, shape).mul(2).sub(1));
};
const distinct = (...shape: number[]) =>
  torch
    .randperm(shape.reduce((a, b) => a * b, 1))
    .view(shape)
    .div(3)
    .add(0.1);

const cases: Array<[string, (...xs: Tensor[]) => Tensor, () => Tensor[]]> = [
  ['add broadcast', (a, b) => a.add(b), () => [r(3, 4), r(4)]],
  ['add alpha', (a, b) => a.add(b, { alpha: -2 }), () => [r(2, 3), r(2, 1)]],
  ['sub broadcast 3d', (a, b) => a.sub(b), () => [r(2, 1, 4), r(3, 1)]],
  ['mul broadcast', (a, b) => a.mul(b), () => [r(3, 4), r(3, 1)]],
  ['div broadcast', (a, b) => a.div(b), () => [r(3, 4), pos(4)]],
  ['pow tensor', (a, b) => a.pow(b), () => [pos(3, 2), r(3, 2)]],
  ['pow scalar', (a) => a.pow(3), () => [r(5)]],
  ['pow fractional', (a) => a.pow(-0.5), () => [pos(5)]],
  ['rpow', (a) => torch.pow(2, a), () => [r(5)]],
  ['maximum', (a, b) => a.maximum(b), () => [distinct(3, 4), distinct(3, 4).mul(-1).add(4.05)]],
  ['minimum broadcast', (a, b) => a.minimum(b), () => [distinct(3, 4), distinct(4).add(0.05)]],
  ['neg', (a) => a.neg(), () => [r(4)]],
  ['abs', (a) => a.abs(), () => [away(6)]],
  ['exp', (a) => a.exp(), () => [r(2, 3)]],
  ['expm1', (a) => a.expm1(), () => [r(5)]],
  ['log', (a) => a.log(), () => [pos(5)]],
  ['log1p', (a) => a.log1p(), () => [pos(5)]],
  ['sqrt', (a) => a.sqrt(), () => [pos(5)]],
  ['rsqrt', (a) => a.rsqrt(), () => [pos(5)]],
  ['reciprocal', (a) => a.reciprocal(), () => [pos(5)]],
  ['sin', (a) => a.sin(), () => [r(5)]],
  ['cos', (a) => a.cos(), () => [r(5)]],
  ['tanh', (a) => a.tanh(), () => [r(5)]],
  ['sigmoid', (a) => a.sigmoid(), () => [r(5)]],
  ['relu', (a) => a.relu(), () => [away(6)]],
  ['clamp', (a) => a.clamp(-0.5, 0.5), () => [away(8)]],
  ['where', (a, b) => torch.where(a.gt(0), a, b), () => [away(3, 4), r(4)]],
  ['sum dims', (a) => a.sum([0, 2]), () => [r(2, 3, 4)]],
  ['sum keepdim', (a) => a.sum(1, true), () => [r(3, 4)]],
  ['mean', (a) => a.mean(-1), () => [r(3, 4)]],
  ['prod', (a) => a.prod(1), () => [away(3, 4)]],
  ['max all', (a) => a.max(), () => [distinct(3, 4)]],
  ['max dim', (a) => a.max(1).values, () => [distinct(3, 4)]],
  ['min dim keepdim', (a) => a.min(0, true).values, () => [distinct(3, 4)]],
  ['amax', (a) => a.amax([0, 1]), () => [distinct(2, 3, 2)]],
  ['var', (a) => a.var(1), () => [r(3, 4)]],
  ['std', (a) => a.std(), () => [r(3, 4)]],
  ['norm 2', (a) => a.norm(), () => [r(3, 4)]],
  ['norm 1 dim', (a) => a.norm(1, 1), () => [away(3, 4)]],
  ['norm 3', (a) => a.norm(3, 0), () => [away(3, 4)]],
  ['norm 0.5', (a) => a.norm(0.5), () => [away(5)]],
  ['norm inf', (a) => a.norm(Infinity, 1), () => [distinct(3, 4)]],
  ['logsumexp', (a) => a.logsumexp(1), () => [r(3, 4)]],
  ['matmul 2d', (a, b) => a.matmul(b), () => [r(3, 4), r(4, 2)]],
  ['matmul batched broadcast', (a, b) => a.matmul(b), () => [r(2, 1, 3, 4), r(3, 4, 2)]],
  ['matmul vector', (a, b) => a.matmul(b), () => [r(4), r(2, 4, 3)]],
  ['matmul transposed operands', (a, b) => a.t().matmul(b.t()), () => [r(4, 3), r(2, 4)]],
  ['bmm', (a, b) => a.bmm(b), () => [r(2, 3, 4), r(2, 4, 2)]],
  ['dot', (a, b) => a.dot(b), () => [r(5), r(5)]],
  ['outer', (a, b) => a.outer(b), () => [r(3), r(4)]],
  ['view + permute', (a) => a.view(4, 6).permute(1, 0).mul(2), () => [r(2, 3, 4)]],
  ['transpose + reshape (copy)', (a) => a.transpose(0, 1).reshape(-1), () => [r(3, 4)]],
  ['expand', (a) => a.expand(2, 3, 4).mul(torch.arange(24).view(2, 3, 4)), () => [r(3, 1)]],
  ['unsqueeze squeeze', (a) => a.unsqueeze(1).squeeze(1).mul(a), () => [r(3)]],
  [
    'select narrow slice',
    (a) =>
      a
        .select(0, 1)
        .add(a.narrow(0, 0, 1).squeeze(0))
        .add(a.slice(0, 0, 3, 2).sum(0)),
    () => [r(3, 4)],
  ],
  [
    'cat stack',
    (a, b) => torch.stack([torch.cat([a, b], 1), torch.cat([b, a], 1)]),
    () => [r(2, 3), r(2, 3)],
  ],
  ['linear', (x, w, b) => torch.nn.functional.linear(x, w, b), () => [r(4, 3), r(2, 3), r(2)]],
  [
    'linear 3d',
    (x, w, b) => torch.nn.functional.linear(x, w, b),
    () => [r(2, 4, 3), r(2, 3), r(2)],
  ],
  ['mse', (a, b) => torch.nn.functional.mseLoss(a, b), () => [r(4, 3), r(4, 3)]],
  [
    'mse none',
    (a, b) => torch.nn.functional.mseLoss(a, b, { reduction: 'none' }),
    () => [r(4), r(4)],
  ],
  [
    'l1',
    (a, b) => torch.nn.functional.l1Loss(a, b, { reduction: 'sum' }),
    () => [away(5), torch.zeros(5)],
  ],
  [
    'chain through a shared input',
    (a) => a.exp().mul(a.sin()).div(a.pow(2).add(1)).sum(),
    () => [r(5)],
  ],
];

describe('gradcheck: autograd agrees with finite differences', () => {
  for (const [name, fn, make] of cases) {
    it(name, () => gradcheck(fn, make()));
  }
});
