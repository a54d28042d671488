/** Every name in the public API contract exists, at every documented path, and behaves as stated. */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';

const ROOT_FUNCTIONS = [
  'tensor',
  'zeros',
  'ones',
  'full',
  'arange',
  'rand',
  'randn',
  'zerosLike',
  'onesLike',
  'manualSeed',
  'noGrad',
  'clipGradNorm_',
  'clipGradValue_',
  'getTotalNorm',
  'clipGradsWithNorm_',
] as const;
const CLIPPING = ['clipGradNorm_', 'clipGradValue_', 'getTotalNorm', 'clipGradsWithNorm_'] as const;
const TENSOR_METHODS = [
  'item',
  'tolist',
  'numel',
  'dim',
  'size',
  'toString',
  'backward',
  'detach',
  'requiresGrad_',
  'retainGrad',
  'registerHook',
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'neg',
  'abs',
  'exp',
  'log',
  'sqrt',
  'tanh',
  'sigmoid',
  'relu',
  'clamp',
  'matmul',
  'sum',
  'mean',
  'max',
  'min',
  'norm',
  'reshape',
  'view',
  'transpose',
  't',
  'permute',
  'unsqueeze',
  'squeeze',
  'flatten',
  'expand',
  'add_',
  'sub_',
  'mul_',
  'div_',
  'clamp_',
  'copy_',
  'zero_',
  'fill_',
  'uniform_',
  'normal_',
] as const;
const MODULE_METHODS = [
  'forward',
  'parameters',
  'namedParameters',
  'children',
  'zeroGrad',
  'train',
  'eval',
  'stateDict',
  'loadStateDict',
] as const;
const OPTIMIZER_METHODS = ['step', 'zeroGrad', 'stateDict', 'loadStateDict'] as const;

describe('API contract (shared API.md)', () => {
  it('root exports', () => {
    for (const name of ROOT_FUNCTIONS) expect(typeof torch[name], name).toBe('function');
    for (const name of ['Tensor', 'nn', 'optim', 'utils'] as const)
      expect(torch[name], name).toBeDefined();
  });

  it('clipping functions are the same at torch.X, torch.utils.X and torch.nn.utils.X', () => {
    for (const name of CLIPPING) {
      expect(torch.utils[name], name).toBe(torch[name]);
      expect(torch.nn.utils[name], name).toBe(torch[name]);
    }
  });

  it('Tensor members', () => {
    const t = torch.tensor([[1, 2]], { requiresGrad: true });
    for (const m of TENSOR_METHODS) expect(typeof t[m], m).toBe('function');
    expect(t.shape).toEqual([1, 2]);
    expect(t.requiresGrad).toBe(true);
    expect(t.grad).toBeNull();
    expect(t.isLeaf).toBe(true);
    expect(t.gradFn).toBeNull();
    expect(t.data).toBeInstanceOf(torch.Tensor);
    expect(t.data.buffer).toBe(t.buffer);
    expect(t.toString()).toBe('tensor([[1., 2.]], requires_grad=True)');
    expect(torch.tensor(3).tolist()).toBe(3);
    expect(torch.rand(2, 3).shape).toEqual(torch.rand([2, 3]).shape);
    expect(torch.tensor(new Float32Array([1, 2, 3, 4]), { shape: [2, 2] }).shape).toEqual([2, 2]);
    expect(() => (t.grad = torch.zeros(3))).toThrow();
  });

  it('scalars are accepted wherever a tensor operand is', () => {
    const t = torch.tensor([1, 2]);
    expect(t.add(1).sub(1).mul(2).div(2).pow(2).tolist()).toEqual([1, 4]);
  });

  it('in-place modification of a saved tensor makes the later backward throw', () => {
    const w = torch.tensor([1, 2], { requiresGrad: true });
    const h = w.mul(2);
    const y = h.mul(h).sum();
    h.add_(1);
    expect(() => y.backward()).toThrow(/modified by an inplace operation/);
  });

  it('nn and optim members', () => {
    const model = new torch.nn.Linear(2, 1);
    for (const m of MODULE_METHODS) expect(typeof model[m], m).toBe('function');
    expect(Array.isArray(model.parameters())).toBe(true);
    expect(model.weight).toBeInstanceOf(torch.nn.Parameter);
    expect(model.weight.shape).toEqual([1, 2]);
    expect(model.bias!.shape).toEqual([1]);
    expect(new torch.nn.Linear(2, 1, { bias: false }).bias).toBeNull();
    expect(new torch.nn.Parameter(torch.ones(1))).toBeInstanceOf(torch.Tensor);
    for (const r of ['mean', 'sum', 'none'] as const)
      expect(new torch.nn.MSELoss({ reduction: r })).toBeInstanceOf(torch.nn.Module);
    const opt = new torch.optim.SGD(model.parameters(), {
      lr: 0.1,
      momentum: 0.9,
      dampening: 0,
      weightDecay: 0,
      nesterov: true,
      maximize: false,
    });
    expect(opt).toBeInstanceOf(torch.optim.Optimizer);
    for (const m of OPTIMIZER_METHODS) expect(typeof opt[m], m).toBe('function');
    expect(opt.paramGroups[0].params).toHaveLength(2);
  });

  it('clipGradNorm_ returns a 0-d tensor with the norm before clipping, for every documented normType form', () => {
    const make = () => {
      const p = torch.zeros(2);
      p.grad = torch.tensor([3, 4]);
      return p;
    };
    const total = torch.clipGradNorm_([make()], 1.0);
    expect(total.dim()).toBe(0);
    expect(total.item()).toBe(5);
    expect(torch.clipGradNorm_(make(), 1.0, Infinity).item()).toBe(4);
    expect(
      torch
        .clipGradNorm_(new Set([make()]), 1.0, {
          normType: 1,
          errorIfNonfinite: true,
          foreach: true,
        })
        .item(),
    ).toBe(7);
    expect(torch.clipGradValue_([make()], 1, { foreach: false })).toBeUndefined();
    expect(torch.getTotalNorm([torch.tensor([3, 4])], 2, false).item()).toBe(5);
    expect(torch.clipGradsWithNorm_([make()], 1, torch.tensor(5))).toBeUndefined();
  });
});
