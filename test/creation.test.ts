/** Creation functions and the tensor() constructor. */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { expectExact, loadFixture, type JsonTensor } from './helpers.js';

const fx = loadFixture<{ creation: Array<{ name: string; output: JsonTensor }> }>('ops.json');

const CREATORS: Record<string, () => torch.Tensor> = {
  'arange(5)': () => torch.arange(5),
  'arange(1, 2.5, 0.3)': () => torch.arange(1, 2.5, 0.3),
  'arange(10, 0, -3)': () => torch.arange(10, 0, -3),
  'arange(0, 1, 0.1)': () => torch.arange(0, 1, 0.1),
  'linspace(0, 1, 7)': () => torch.linspace(0, 1, 7),
  'linspace(-3, 5, 10)': () => torch.linspace(-3, 5, 10),
  'linspace(2, 2, 1)': () => torch.linspace(2, 2, 1),
  'linspace(0.1, 1e3, 33)': () => torch.linspace(0.1, 1e3, 33),
  'eye(3)': () => torch.eye(3),
  'eye(2, 4)': () => torch.eye(2, 4),
  'full([2, 3], 1.5)': () => torch.full([2, 3], 1.5),
};

describe('creation against PyTorch', () => {
  for (const c of fx.creation) {
    it(`${c.name} is bit-exact`, () => expectExact(CREATORS[c.name](), c.output, c.name));
  }
});

describe('tensor()', () => {
  it('reads numbers, nested arrays and Float32Array (+ shape)', () => {
    expect(torch.tensor(3).shape).toEqual([]);
    expect(
      torch.tensor([
        [1, 2],
        [3, 4],
      ]).shape,
    ).toEqual([2, 2]);
    expect(torch.tensor(new Float32Array([1, 2, 3, 4, 5, 6]), { shape: [2, 3] }).tolist()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(torch.tensor(new Float32Array([1, 2])).shape).toEqual([2]);
    expect(torch.tensor([]).shape).toEqual([0]);
    expect(torch.tensor([true, false]).tolist()).toEqual([1, 0]);
  });

  it('copies its data', () => {
    const src = new Float32Array([1, 2]);
    const t = torch.tensor(src);
    src[0] = 9;
    expect(t.tolist()).toEqual([1, 2]);
  });

  it('rejects ragged and non-numeric data with the position', () => {
    expect(() => torch.tensor([[1, 2], [3]])).toThrow(
      'tensor: expected sequence of length 2 at dim 1 (got 1)',
    );
    expect(() => torch.tensor([[1, 'a']] as unknown as number[][])).toThrow(
      "expected a number at index [0, 1], got the string 'a'",
    );
    expect(() => torch.tensor(new Float32Array(5), { shape: [2, 3] })).toThrow(
      /shape \[2, 3\] is invalid for data of 5 elements/,
    );
    expect(() => torch.tensor({} as unknown as number)).toThrow(/expected a number, nested arrays/);
  });

  it('accepts shapes as varargs or an array, with options', () => {
    expect(torch.zeros(2, 3).shape).toEqual([2, 3]);
    expect(torch.ones([2, 3]).shape).toEqual([2, 3]);
    expect(torch.zeros(2, { requiresGrad: true }).requiresGrad).toBe(true);
    expect(torch.rand([2, 2], { requiresGrad: true }).requiresGrad).toBe(true);
    expect(torch.zerosLike(torch.ones(3, 1)).shape).toEqual([3, 1]);
    expect(torch.onesLike(torch.ones(2)).tolist()).toEqual([1, 1]);
    expect(torch.fullLike(torch.ones(2), 7).tolist()).toEqual([7, 7]);
    expect(() => torch.zeros(2.5)).toThrow(/invalid shape/);
    expect(() => torch.arange(0, 1, 0)).toThrow(/step must be nonzero/);
  });

  it('size, numel, dim, item, tolist', () => {
    const t = torch.arange(6).view(2, 3);
    expect(t.size()).toEqual([2, 3]);
    expect(t.size(-1)).toBe(3);
    expect(t.numel()).toBe(6);
    expect(t.dim()).toBe(2);
    expect(() => t.item()).toThrow('a Tensor with 6 elements cannot be converted to Scalar');
    expect(() => t.size(2)).toThrow(/dimension out of range/);
  });
});

describe('PyTorch overload spellings', () => {
  it('randint(high, size) equals randint(0, high, size)', () => {
    torch.manualSeed(3);
    const a = torch.randint(7, [5]);
    torch.manualSeed(3);
    const b = torch.randint(0, 7, [5]);
    expect(a.tolist()).toEqual(b.tolist());
  });

  it('torch.max / torch.min: all, dim (values and indices), elementwise', () => {
    const x = torch.tensor([
      [1, 5, 2],
      [7, 0, 7],
    ]);
    expect(torch.max(x).item()).toBe(7);
    const { values, indices } = torch.max(x, 1);
    expect(values.tolist()).toEqual([5, 7]);
    expect(indices.tolist()).toEqual([1, 0]);
    const [v, i] = torch.min(x, 0, true);
    expect(v.tolist()).toEqual([[1, 0, 2]]);
    expect(i.tolist()).toEqual([[0, 1, 0]]);
    expect(torch.max(x, torch.full([3], 4)).tolist()).toEqual([
      [4, 5, 4],
      [7, 4, 7],
    ]);
  });

  it('equal and allclose', () => {
    expect(torch.equal(torch.tensor([1, 2]), torch.tensor([1, 2]))).toBe(true);
    expect(torch.tensor([1, 2]).equal(torch.tensor([1, 2, 3]))).toBe(false);
    expect(torch.allclose(torch.tensor([1, 2]), torch.tensor([1, 2.000001]))).toBe(true);
    expect(torch.tensor([NaN]).allclose(torch.tensor([NaN]))).toBe(false);
    expect(torch.tensor([NaN]).allclose(torch.tensor([NaN]), { equalNan: true })).toBe(true);
    expect(() => torch.allclose(torch.ones(2), torch.ones(3))).toThrow(/cannot be broadcast/);
  });
});
