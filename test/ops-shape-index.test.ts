/**
 * Shape and indexing ops beyond the fixtures: views sharing memory, in-place index writes and
 * their version counter, gradcheck on compositions, second derivatives, argument checks.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { gradcheck } from './gradcheck.js';

torch.manualSeed(3);
const r = (...shape: number[]) => torch.randn(shape);
const arange = (n: number) => torch.arange(n);

describe('views share storage', () => {
  it('diagonal, movedim, swapaxes, unflatten and basic index write through to the base', () => {
    const x = arange(24).reshape(2, 3, 4).clone();
    x.diagonal({ offset: 1, dim1: 1, dim2: 2 }).fill_(-1);
    expect(x.index(0, 0, 1).item()).toBe(-1);
    expect(x.index(1, 2, 3).item()).toBe(-1);
    x.movedim(0, -1).index(0, 0).fill_(-2);
    expect((x.index(':', 0, 0).tolist() as number[]).every((v) => v === -2)).toBe(true);
    x.swapaxes(0, 2).index(3, 2, 1).fill_(-3);
    expect(x.index(1, 2, 3).item()).toBe(-3);
    x.unflatten(2, [2, 2]).index(0, 1, 1, 0).fill_(-4);
    expect(x.index(0, 1, 2).item()).toBe(-4);
    x.index('...', '1::2').fill_(7);
    expect(x.index(1, 1, 3).item()).toBe(7);
    x.index(null, 1).index(0, 0).fill_(8);
    expect(x.index(1, 0, 0).item()).toBe(8);
  });

  it('advanced indexing copies', () => {
    const x = arange(6).clone();
    const y = x.index([1, 2]);
    y.fill_(0);
    expect(x.tolist()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('x.index(2) keeps selecting along dim 0, with negative indices', () => {
    const x = arange(12).reshape(3, 4);
    expect(x.index(2).tolist()).toEqual([8, 9, 10, 11]);
    expect(x.index(-1, -1).item()).toBe(11);
    expect(() => x.index(3)).toThrow(/index 3 is out of bounds for dimension 0 with size 3/);
  });

  it('a 0-d integer tensor indexes like a number (a view)', () => {
    const x = arange(12).reshape(3, 4).clone();
    const row = x.index(torch.tensor(1));
    expect(row.shape).toEqual([4]);
    row.fill_(0);
    expect(x.index(1).sum().item()).toBe(0);
  });
});

describe('indexPut_', () => {
  it('writes in place and bumps the version counter', () => {
    const x = torch.zeros(3, 4);
    const before = x._storage.version;
    x.indexPut_([':', [0, 2]], torch.tensor([1, 2]));
    expect(x._storage.version).toBeGreaterThan(before);
    expect(x.tolist()).toEqual([
      [1, 0, 2, 0],
      [1, 0, 2, 0],
      [1, 0, 2, 0],
    ]);
  });

  it('accumulates duplicates', () => {
    const x = torch.zeros(3);
    x.indexPut_([[0, 0, 2, 0]], torch.tensor([1, 2, 3, 4]), { accumulate: true });
    expect(x.tolist()).toEqual([7, 0, 3]);
  });

  it('refuses a leaf that requires grad, and an expanded tensor', () => {
    const x = torch.zeros(3, { requiresGrad: true });
    expect(() => x.indexPut_([0], 1)).toThrow(/leaf Variable/);
    expect(() => torch.zeros(1).expand(3).indexPut_([0], 1)).toThrow(/single memory location/);
  });

  it('works through a view and under noGrad', () => {
    const base = arange(6).reshape(2, 3).clone();
    base.index(1).indexPut_([[0, 2]], 9);
    expect(base.tolist()).toEqual([
      [0, 1, 2],
      [9, 4, 9],
    ]);
    const w = torch.ones(3, { requiresGrad: true });
    torch.noGrad(() => w.indexPut_([1], 5));
    expect(w.tolist()).toEqual([1, 5, 1]);
  });

  it('gradients reach the old value (outside the written places) and the values', () => {
    const a = r(3, 4).requiresGrad_();
    const v = r(4).requiresGrad_();
    const y = a.mul(2);
    y.indexPut_([1], v);
    y.sum().backward();
    expect(a.grad!.index(1).tolist()).toEqual([0, 0, 0, 0]);
    expect(a.grad!.index(0).tolist()).toEqual([2, 2, 2, 2]);
    expect(v.grad!.tolist()).toEqual([1, 1, 1, 1]);
  });

  it('checks items, options and the value shape', () => {
    const x = torch.zeros(3, 4);
    expect(() => x.indexPut_([0], torch.ones(3))).toThrow(/shape mismatch/);
    expect(() => x.indexPut_([0], 1, { accumulat: true } as never)).toThrow(/unknown option/);
    expect(() => x.index('1:2:0')).toThrow(/step cannot be zero/);
    expect(() => x.index('::-1')).toThrow(/step must be greater than zero/);
    expect(() => x.index('a')).toThrow(TypeError);
    expect(() => x.index(0.5)).toThrow(TypeError);
    expect(() => x.index([0.5])).toThrow(TypeError);
  });
});

describe('in-place variants and method forms', () => {
  it('scatter_, scatterAdd_ and maskedFill_ write in place', () => {
    const x = torch.zeros(2, 3);
    x.scatter_(1, [[2], [0]], torch.tensor([[5], [6]]));
    x.scatterAdd_(0, [[1, 1, 1]], torch.ones(1, 3));
    x.maskedFill_(torch.tensor([1, 0, 0]), -1);
    expect(x.tolist()).toEqual([
      [-1, 0, 5],
      [-1, 1, 1],
    ]);
  });

  it('where as a method, einsum with a list of operands, index() as an alias', () => {
    const x = torch.tensor([1, 2, 3]);
    expect(x.where(torch.tensor([1, 0, 1]), 0).tolist()).toEqual([1, 0, 3]);
    expect(torch.einsum('i,i->', [x, x]).item()).toBe(14);
    const alias = x.index();
    expect(alias.shape).toEqual([3]);
    alias.fill_(0);
    expect(x.tolist()).toEqual([0, 0, 0]);
  });

  it('indexPut_ accepts one index tensor, and boolean array masks', () => {
    const x = torch.zeros(4);
    x.indexPut_(torch.tensor([3, 1]), torch.tensor([7, 8]));
    expect(x.tolist()).toEqual([0, 8, 0, 7]);
    x.indexPut_([[true, false, false, true]], 1);
    expect(x.tolist()).toEqual([1, 8, 0, 1]);
    expect(x.index([false, true, true, false]).tolist()).toEqual([8, 0]);
  });
});

describe('argument checks', () => {
  it('names the op and argument', () => {
    const x = r(3, 4);
    expect(() => x.flip(0.5)).toThrow(/flip: dims must be an integer/);
    expect(() => x.tril(0.5)).toThrow(/tril: diagonal must be an integer/);
    expect(() => x.scatter(0, [[0]], 1, { reduce: 'max' as never })).toThrow(/reduce/);
    expect(() => x.gather(0, [[0.5]])).toThrow(/integers/);
    expect(() => torch.einsum('ij->i')).toThrow(/at least one operand/);
    expect(() => torch.addmm(r(2, 2), r(2, 2), r(2, 2), { gamma: 1 } as never)).toThrow(
      /unknown option/,
    );
  });
});

describe('empty tensors', () => {
  it('go through every op', () => {
    const e = torch.zeros(0, 3);
    expect(e.flip(0).shape).toEqual([0, 3]);
    expect(e.roll(1).shape).toEqual([0, 3]);
    expect(e.repeat(2, 2).shape).toEqual([0, 6]);
    expect(e.tril().shape).toEqual([0, 3]);
    expect(e.diagonal().shape).toEqual([0]);
    expect(e.index([]).shape).toEqual([0, 3]);
    expect(e.index(':', [0, 2]).shape).toEqual([0, 2]);
    expect(e.maskedSelect(torch.ones(3)).shape).toEqual([0]);
    expect(torch.einsum('ij,jk->ik', r(2, 3), torch.zeros(3, 0)).shape).toEqual([2, 0]);
    expect(torch.cdist(torch.zeros(0, 3), r(2, 3)).shape).toEqual([0, 2]);
  });
});

const cases: Array<[string, (...xs: Tensor[]) => Tensor, () => Tensor[]]> = [
  ['flip of roll', (a) => a.roll([1, -1], [0, 1]).flip(0).mul(a), () => [r(3, 4)]],
  ['repeat then tril', (a) => a.repeat(2, 1).tril(-1).sin(), () => [r(2, 3)]],
  [
    'tile then triu',
    (a) =>
      a
        .tile([2])
        .triu(1)
        .mul(a.tile([2])),
    () => [r(3, 3)],
  ],
  ['diagonal of product', (a, b) => a.matmul(b).diagonal().exp(), () => [r(3, 4), r(4, 3)]],
  ['diag of vector squared', (a) => a.mul(a).diag(1).sum(0), () => [r(3)]],
  [
    'movedim swapaxes unflatten',
    (a) => a.movedim(0, 2).swapaxes(0, 1).unflatten(2, [2, 1]).mul(a.sum()),
    () => [r(2, 3, 2)],
  ],
  [
    'gather of square',
    (a) =>
      a.mul(a).gather(1, [
        [0, 2],
        [1, 1],
      ]),
    () => [r(2, 3)],
  ],
  [
    'scatterAdd into product',
    (a, s) =>
      a.mul(a).scatterAdd(
        0,
        [
          [0, 1, 0],
          [0, 0, 1],
        ],
        s.mul(s),
      ),
    () => [r(2, 3), r(2, 3)],
  ],
  ['scatter src', (a, s) => a.scatter(1, [[2, 0]], s).mul(a), () => [r(2, 3), r(1, 2)]],
  [
    'indexSelect and maskedFill',
    (a) =>
      a
        .indexSelect(1, [2, 0, 2])
        .maskedFill(torch.tensor([1, 0, 0]), 0)
        .exp(),
    () => [r(2, 3)],
  ],
  [
    'maskedSelect of tanh',
    (a) =>
      a
        .tanh()
        .maskedSelect(
          torch.tensor([
            [1, 0, 1],
            [0, 1, 1],
          ]),
        )
        .mul(a.sum()),
    () => [r(2, 3)],
  ],
  ['advanced index with slices', (a) => a.mul(a).index([1, 0, 1], ':', '::2'), () => [r(2, 3, 4)]],
  [
    'separated advanced index',
    (a) => a.index([0, 1], ':', [3, 0]).mul(a.index(0, 0, 0)),
    () => [r(2, 3, 4)],
  ],
  [
    'indexPut accumulate',
    (a, v) => {
      const y = a.mul(a);
      y.indexPut_([[0, 0, 1]], v.mul(v), { accumulate: true });
      return y;
    },
    () => [r(2, 3), r(3, 3)],
  ],
  [
    'indexPut replace',
    (a, v) => {
      const y = a.sin();
      y.indexPut_([':', [2, 0]], v.exp());
      return y.mul(a);
    },
    () => [r(2, 3), r(2)],
  ],
  [
    'einsum chain',
    (a, b, c) => torch.einsum('ij,jk,k->i', a, b.tanh(), c),
    () => [r(2, 3), r(3, 4), r(4)],
  ],
  ['einsum ellipsis diag', (a) => torch.einsum('...ii->...i', a.mul(a)), () => [r(2, 3, 3)]],
  ['cdist', (a, b) => torch.cdist(a, b), () => [r(3, 2), r(4, 2).add(3)]],
  ['cdist matrix-product mode', (a, b) => torch.cdist(a, b), () => [r(27, 2), r(3, 2).add(3)]],
  ['cdist p=1', (a, b) => torch.cdist(a, b, 1), () => [r(3, 2), r(2, 2).add(3)]],
  [
    'addmm',
    (i, a, b) => torch.addmm(i, a, b, { beta: 0.5, alpha: 2 }),
    () => [r(4), r(2, 3), r(3, 4)],
  ],
  [
    'baddbmm',
    (i, a, b) => torch.baddbmm(i, a, b, { alpha: -1 }),
    () => [r(2, 1, 4), r(2, 3, 2), r(2, 2, 4)],
  ],
];

describe('gradcheck on compositions', () => {
  for (const [name, fn, inputs] of cases) it(name, () => gradcheck(fn, inputs()));
});

describe('second derivatives', () => {
  /** Gradient of sum(f(x)) at x, recorded (createGraph) so it can be differentiated again. */
  const firstGrad = (fn: (x: Tensor) => Tensor, x: Tensor) => {
    const leaf = x.detach().clone().requiresGrad_();
    fn(leaf).sum().backward(undefined, { createGraph: true });
    return { leaf, g: leaf.grad! };
  };
  /** d/dx sum(grad^2) by autograd against central differences. */
  const checkSecondOrder = (fn: (x: Tensor) => Tensor, x0: Tensor) => {
    const { leaf, g } = firstGrad(fn, x0);
    expect(g.requiresGrad).toBe(true);
    leaf.grad = null;
    g.mul(g).sum().backward();
    const analytic = leaf.grad!.toFloat32Array();
    const eps = 1e-2;
    const energy = (x: Tensor) => {
      const gg = firstGrad(fn, x).g;
      return gg.mul(gg).sum().item();
    };
    for (let i = 0; i < x0.numel(); i++) {
      const plus = x0.clone();
      plus.buffer[i] += eps;
      const minus = x0.clone();
      minus.buffer[i] -= eps;
      const numeric = (energy(plus) - energy(minus)) / (2 * eps);
      expect(Math.abs(numeric - analytic[i])).toBeLessThan(3e-2 + 3e-2 * Math.abs(numeric));
    }
  };
  const sq = (x: Tensor) => x.mul(x).mul(x);
  const fns: Array<[string, (x: Tensor) => Tensor]> = [
    ['index', (x) => sq(x).index([0, 1, 1], '1:')],
    ['gather', (x) => sq(x).gather(0, [[1, 0, 1]])],
    ['flip and tril', (x) => sq(x).flip(1).tril()],
    ['roll and indexSelect', (x) => sq(x).roll(1, 0).indexSelect(1, [0, 0])],
    ['einsum', (x) => torch.einsum('ij,kj->ik', x, x.mul(x))],
    ['maskedSelect', (x) => sq(x).maskedSelect(torch.tensor([1, 0, 1]))],
    ['diag and diagonal', (x) => sq(x).diagonal(1).diag()],
    ['scatter', (x) => sq(x).scatter(1, [[2], [0]], x.index(':', '0:1'))],
    ['repeat', (x) => sq(x).repeat(2, 2)],
  ];
  for (const [name, fn] of fns) it(name, () => checkSecondOrder(fn, r(2, 3)));
});
