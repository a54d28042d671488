/** Calling conventions, result shapes, graph names and argument errors of the math ops. */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import type { Tensor } from '../src/index.js';

const t = (data: number[] | number[][], requiresGrad = false): Tensor =>
  torch.tensor(data, { requiresGrad });

describe('argument errors name the op, the argument and the value', () => {
  it('non-integer dims and k', () => {
    expect(() => t([1, 2]).cumsum(1.5)).toThrow(
      new TypeError('cumsum: dim must be an integer, got the number 1.5'),
    );
    expect(() => t([1, 2]).topk(1.5)).toThrow(/topk: k must be an integer, got the number 1.5/);
    expect(() => t([1, 2]).kthvalue(0)).toThrow(/kthvalue: selected number k out of range/);
    expect(() => t([1, 2]).topk(3)).toThrow(/topk: selected index k out of range/);
    expect(() => t([1, 2]).sort(2)).toThrow(/sort: dimension out of range/);
    expect(() => t([1, 2]).round({ decimals: 1.5 })).toThrow(/round: option 'decimals'/);
  });
  it('options objects are checked', () => {
    expect(() => t([1, 2]).sort({ descending: true, dim: 0, stabel: true } as never)).toThrow(
      /sort: unknown option 'stabel' \(did you mean 'stable'\?\)/,
    );
    expect(() => torch.unique(t([1]), { return_inverse: true } as never)).toThrow(
      /did you mean 'returnInverse'/,
    );
    expect(() => t([1, 2]).div(t([1, 2]), { roundingMode: 'round' as never })).toThrow(
      /div: option 'roundingMode'/,
    );
    expect(() => t([1, 2]).isclose(t([1, 2]), { equal_nan: true } as never)).toThrow(
      /did you mean 'equalNan'/,
    );
  });
  it('non-tensor inputs', () => {
    expect(() => torch.tan(3 as never)).toThrow(/tan: input must be a Tensor, got the number 3/);
    expect(() => torch.remainder(1, 2)).toThrow(/remainder: expected at least one Tensor/);
    expect(() => torch.lerp(t([1]), t([2]), 'x' as never)).toThrow(/lerp: weight must be/);
  });
});

describe('calling conventions', () => {
  it('div keeps its plain form and routes rounding modes', () => {
    const a = t([-7, 7], true);
    expect(a.div(2).gradFn?.name).toBe('DivBackward0');
    expect(torch.div(a, 2).tolist()).toEqual([-3.5, 3.5]);
    expect(torch.div(1, t([2, 4])).tolist()).toEqual([0.5, 0.25]);
    expect(a.div(2, { roundingMode: 'floor' }).tolist()).toEqual([-4, 3]);
    expect(torch.div(a, 2, { roundingMode: 'trunc' }).tolist()).toEqual([-3, 3]);
    expect(a.div(2, { roundingMode: null }).tolist()).toEqual([-3.5, 3.5]);
    expect(a.div(2, { roundingMode: 'floor' }).gradFn?.name).toBe('DivBackward2');
  });
  it('multiple results destructure both ways', () => {
    const x = t([[3, 1, 2]]);
    const { values, indices } = x.sort(-1, true);
    const [v2, i2] = x.topk(2);
    expect(values.tolist()).toEqual([[3, 2, 1]]);
    expect(indices.tolist()).toEqual([[0, 2, 1]]);
    expect(v2.tolist()).toEqual([[3, 2]]);
    expect(i2.tolist()).toEqual([[0, 2]]);
    expect(x.argsort({ descending: true }).tolist()).toEqual([[0, 2, 1]]);
    expect(x.kthvalue(1, { dim: 1, keepdim: true }).values.shape).toEqual([1, 1]);
    expect(x.median({ dim: 1, keepdim: true }).values.shape).toEqual([1, 1]);
    expect(x.mode(1, { keepdim: true }).indices.shape).toEqual([1, 1]);
  });
  it('all / any accept lists of dims, keepdim options and null', () => {
    const x = t([
      [1, 0],
      [1, 1],
    ]);
    expect(x.all([0, 1]).item()).toBe(0);
    expect(x.any(null).item()).toBe(1);
    expect(x.all({ dim: 1, keepdim: true }).tolist()).toEqual([[0], [1]]);
    expect(torch.any(x, 0, { keepdim: true }).shape).toEqual([1, 2]);
  });
  it('unique returns a tensor alone, or [values, inverse?, counts?] with names', () => {
    const x = t([2, 1, 2]);
    expect((torch.unique(x) as Tensor).tolist()).toEqual([1, 2]);
    const r = x.unique({ returnCounts: true });
    expect(Array.isArray(r)).toBe(true);
    const [values, counts] = r as Tensor[];
    expect(values.tolist()).toEqual([1, 2]);
    expect(counts.tolist()).toEqual([1, 2]);
    expect((r as torch.UniqueResult).counts?.tolist()).toEqual([1, 2]);
  });
  it('round takes decimals as an option or a number; logit eps as a number or an option', () => {
    expect(t([1.25, 2.5]).round({ decimals: 1 }).tolist()).toEqual([1.2000000476837158, 2.5]);
    expect(torch.round(t([1.25]), 1).tolist()).toEqual([1.2000000476837158]);
    expect(t([0.5]).logit({ eps: 0.1 }).tolist()).toEqual([0]);
  });
  it('isclose takes a number on either side', () => {
    expect(torch.isclose(1, t([1, 2])).tolist()).toEqual([1, 0]);
    expect(t([1, 2]).isclose(2).tolist()).toEqual([0, 1]);
  });
});

describe('graph names are PyTorch grad_fn names', () => {
  const x = () => t([0.2, 0.4, 0.3], true);
  const cases: Array<[string, () => Tensor]> = [
    ['TanBackward0', () => x().tan()],
    ['ErfinvBackward0', () => x().erfinv()],
    ['LogitBackward0', () => x().logit()],
    ['RoundBackward1', () => x().round({ decimals: 1 })],
    ['PowBackward0', () => torch.square(x())],
    ['RemainderBackward0', () => x().remainder(0.3)],
    ['RemainderBackward1', () => x().remainder(x())],
    ['LerpBackward0', () => x().lerp(x(), 0.5)],
    ['ClampMinBackward0', () => x().clampMin(0.3)],
    ['CumsumBackward0', () => x().cumsum(0)],
    ['CumprodBackward0', () => x().cumprod(0)],
    ['CummaxBackward0', () => x().cummax(0).values],
    ['LogcumsumexpBackward0', () => x().logcumsumexp(0)],
    ['MedianBackward0', () => x().median()],
    ['MedianBackward1', () => x().median(0).values],
    ['ModeBackward0', () => x().mode().values],
    ['SortBackward0', () => x().sort().values],
    ['TopkBackward0', () => x().topk(1).values],
    ['KthvalueBackward0', () => x().kthvalue(1).values],
  ];
  for (const [name, make] of cases) it(name, () => expect(make().gradFn?.name).toBe(name));
  it('indices, argsort, unique, all/any and isclose do not require grad', () => {
    expect(x().sort().indices.requiresGrad).toBe(false);
    expect(x().argsort().requiresGrad).toBe(false);
    expect((x().unique() as Tensor).requiresGrad).toBe(false);
    expect(x().all().requiresGrad).toBe(false);
    expect(x().isclose(x()).requiresGrad).toBe(false);
  });
});
