/**
 * Silent wrong numbers and wrong errors, against PyTorch's answers in fixtures/hardening.json
 * (scripts/fixtures/hardening.py): masked gradients, IEEE corners, output layouts, runs where
 * PyTorch runs and refusals where it refuses, the reductions' calling conventions, interop.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { Tensor } from '../src/index.js';
import {
  expectClose,
  expectExact,
  fromJson,
  loadFixture,
  num,
  type JsonNumber,
  type JsonTensor,
} from './helpers.js';

interface Fixture {
  masks: Array<{ name: string; x: JsonTensor; grad: JsonTensor }>;
  ieee: {
    sign: { x: JsonTensor; out: JsonTensor };
    maximumNanGrad: [JsonTensor, JsonTensor];
    minimumNanGrad: [JsonTensor, JsonTensor];
    maximumNanValue: JsonTensor;
    powBases: JsonTensor;
    powExponents: JsonTensor;
    powTensorTensor: JsonTensor;
    powTensorScalar: JsonTensor[];
    powScalarTensor: Array<{ base: number; out: JsonTensor }>;
    alphaRandom: {
      a: JsonTensor;
      b: JsonTensor;
      alpha: number;
      add: JsonTensor;
      sub: JsonTensor;
      addStrided: JsonTensor;
    };
    alpha: Array<{
      op: 'add' | 'sub';
      a: JsonNumber;
      b: JsonNumber;
      alpha: number;
      out: JsonNumber;
      inplace: JsonNumber;
    }>;
  };
  layout: Array<{ name: string; shape: number[]; strides: number[]; out: JsonTensor }>;
  reshapeCopies: JsonTensor;
  savedOutputs: Array<{ name: string; atOp: string | null; atBackward: string | null }>;
  multiOutputs: Array<{ name: string; error: string | null }>;
  runs: Record<string, unknown>;
  refusals: Record<string, string | null>;
  splitSizes: number[][][];
  splitGrad: JsonTensor;
  reductions: Array<{ label: string; out: JsonTensor }>;
}

const fx = loadFixture<Fixture>('hardening.json');
const X = (data: number[]) => torch.tensor(data, { requiresGrad: true });

const maskPrograms: Record<string, (x: Tensor) => Tensor> = {
  'relu then sqrt': (x) => x.relu().sqrt(),
  'relu_ then sqrt': (x) => x.mul(1).relu_().sqrt(),
  'clamp(min 0) then sqrt': (x) => x.clamp({ min: 0 }).sqrt(),
  'clamp(-1, 0) + 1 then sqrt': (x) => x.clamp(-1, 0).add(1).sqrt(),
  'clamp_(min 0) then sqrt': (x) => x.mul(1).clamp_({ min: 0 }).sqrt(),
  'clamp_min(0) then sqrt': (x) => x.clampMin(0).sqrt(),
  'clamp_max(0) neg then sqrt': (x) => x.clampMax(0).neg().sqrt(),
  'sign times inf': (x) => x.sign().mul(Infinity),
  'maximum(x, 0) then sqrt': (x) => torch.maximum(x, torch.tensor(0)).sqrt(),
  'minimum(x, 0) neg then sqrt': (x) => torch.minimum(x, torch.tensor(0)).neg().sqrt(),
  'max(dim) + 1 then sqrt': (x) => x.reshape(1, 3).max(1).values.add(1).sqrt(),
  'min(dim) neg + 1 then sqrt': (x) => torch.sub(1, x.reshape(1, 3).min(1).values).sqrt(),
  'max() + 1 then sqrt': (x) => x.max().add(1).sqrt(),
  'min() neg + 1 then sqrt': (x) => torch.sub(1, x.min()).sqrt(),
  'amax + 1 then sqrt': (x) => x.reshape(1, 3).amax(1).add(1).sqrt(),
  'abs then sqrt': (x) => x.abs().sqrt(),
  'where(x > 0, x, 0) then sqrt': (x) => torch.where(x.gt(0), x, 0).sqrt(),
};

describe('gradients through masks select, never multiply (an infinite upstream gives no NaN)', () => {
  for (const c of fx.masks) {
    it(c.name, () => {
      const program = maskPrograms[c.name];
      expect(program, `no torchlet program for '${c.name}'`).toBeDefined();
      const x = fromJson(c.x, true);
      program(x).sum().backward();
      expectClose(x.grad, c.grad, {}, c.name);
    });
  }

  it('masks stay differentiable: second derivative through relu and clamp (createGraph)', () => {
    const x = X([-1, 2, 3]);
    const y = x.relu().pow(3).sum().add(x.clamp(0, 2.5).pow(2).sum());
    y.backward(undefined, { createGraph: true });
    const g = x.grad!;
    expect(g.requiresGrad).toBe(true);
    const x2 = X([-1, 2, 3]);
    // d/dx of 3 relu(x)^2 + 2 clamp(x) * mask
    expect(g.tolist()).toEqual([0, 3 * 4 + 4, 27]);
    x2.relu().pow(3).sum().backward();
    expect(x2.grad!.tolist()).toEqual([0, 12, 27]);
  });
});

describe('IEEE corners as PyTorch', () => {
  it('sign(NaN) is 0', () => {
    expectExact(torch.sign(fromJson(fx.ieee.sign.x)), fx.ieee.sign.out, 'sign');
  });

  it('maximum/minimum give the gradient to both sides at a NaN', () => {
    for (const [op, grads] of [
      ['maximum', fx.ieee.maximumNanGrad],
      ['minimum', fx.ieee.minimumNanGrad],
    ] as const) {
      const a = torch.tensor([NaN, 1, 2, NaN], { requiresGrad: true });
      const b = torch.tensor([1, NaN, 2, NaN], { requiresGrad: true });
      torch[op](a, b).sum().backward();
      expectExact(a.grad!, grads[0], `${op} grad a`);
      expectExact(b.grad!, grads[1], `${op} grad b`);
    }
  });

  it('pow(tensor, tensor) follows C pow on every special pair', () => {
    const bases = fromJson(fx.ieee.powBases);
    const exps = fromJson(fx.ieee.powExponents);
    expectExact(bases.unsqueeze(1).pow(exps.unsqueeze(0)), fx.ieee.powTensorTensor, 'pow');
  });

  it("pow(tensor, number) follows PyTorch's scalar-exponent kernel (sqrt, rsqrt, x*x*x, ...)", () => {
    const bases = fromJson(fx.ieee.powBases);
    fx.ieee.powExponents.data.forEach((e, i) => {
      expectExact(bases.pow(num(e)), fx.ieee.powTensorScalar[i], `pow(x, ${String(e)})`);
    });
  });

  it('pow(number, tensor)', () => {
    const exps = fromJson(fx.ieee.powExponents);
    for (const c of fx.ieee.powScalarTensor) {
      expectExact(torch.pow(c.base, exps), c.out, `pow(${c.base}, e)`);
    }
  });

  it('add/sub with alpha are fused: alpha * b is never rounded to float32 alone', () => {
    for (const c of fx.ieee.alpha) {
      const a = num(c.a);
      const b = num(c.b);
      const label = `${c.op}(${a}, ${b}, alpha ${c.alpha})`;
      const out = torch[c.op](torch.tensor(a), torch.tensor(b), { alpha: c.alpha });
      expect(out.item(), label).toBe(Math.fround(num(c.out)));
      const t = torch.tensor(a);
      if (c.op === 'add') t.add_(torch.tensor(b), { alpha: c.alpha });
      else t.sub_(torch.tensor(b), { alpha: c.alpha });
      expect(t.item(), `${label} in place`).toBe(Math.fround(num(c.inplace)));
      const tw = torch.tensor(a).mul(1);
      expect(tw.isContiguous()).toBe(true);
    }
  });

  it('alpha is rounded to float32 first, then a + alpha * b is rounded once (any layout, in place too)', () => {
    const c = fx.ieee.alphaRandom;
    const a = fromJson(c.a);
    const b = fromJson(c.b);
    expectExact(torch.add(a, b, { alpha: c.alpha }), c.add, 'add');
    expectExact(torch.sub(a, b, { alpha: c.alpha }), c.sub, 'sub');
    expectExact(
      torch.add(a.reshape(16, 16).t(), b.reshape(16, 16).t(), { alpha: c.alpha }),
      c.addStrided,
      'strided',
    );
    expectExact(a.clone().add_(b, { alpha: c.alpha }), c.add, 'add_');
    expectExact(a.clone().sub_(b, { alpha: c.alpha }), c.sub, 'sub_');
  });

  it('add with alpha: gradient of the other operand is alpha * g', () => {
    const a = X([1, 2]);
    const b = X([3, 4]);
    torch.sub(a, b, { alpha: 3 }).sum().backward();
    expect(a.grad!.tolist()).toEqual([1, 1]);
    expect(b.grad!.tolist()).toEqual([-3, -3]);
  });
});

const t23 = () => torch.arange(6).reshape(2, 3).t();
const p234 = () => torch.arange(24).reshape(2, 3, 4).permute(2, 0, 1);
const layoutPrograms: Record<string, () => Tensor> = {
  'exp of t()': () => t23().exp(),
  'clone of t()': () => t23().clone(),
  'contiguous of t()': () => t23().contiguous(),
  't() + 1': () => t23().add(1),
  't() + contiguous': () => t23().add(torch.ones(3, 2)),
  'contiguous + t()': () => torch.ones(3, 2).add(t23()),
  't() + t()': () => t23().add(t23()),
  't() + row': () => t23().add(torch.ones(2)),
  't() + [1,2]': () => t23().add(torch.ones(1, 2)),
  'column + t()': () => torch.ones(3, 1).add(t23()),
  'unsqueeze(t()) + [4,1,1]': () =>
    t23()
      .unsqueeze(0)
      .add(torch.ones(4, 1, 1)),
  'exp of permute': () => p234().exp(),
  'clone of permute': () => p234().clone(),
  'permute * permute': () => p234().mul(p234()),
  'permute * contiguous': () => p234().mul(torch.ones(4, 2, 3)),
  'exp of strided slice': () => torch.arange(24).reshape(2, 3, 4).slice(2, null, null, 2).exp(),
  'clone of strided slice': () => torch.arange(24).reshape(2, 3, 4).slice(2, null, null, 2).clone(),
  'exp of transposed slice': () => torch.arange(24).reshape(4, 6).t().slice(0, null, null, 2).exp(),
  'clone of transposed slice': () =>
    torch.arange(24).reshape(4, 6).t().slice(0, null, null, 2).clone(),
  'exp of expanded': () => torch.tensor(3).expand(4).exp(),
  'clone of expanded column': () => torch.ones(3, 1).expand(3, 2).clone(),
  'exp of expanded t()': () => torch.ones(1, 3).expand(2, 3).t().exp(),
  'where on t()': () => torch.where(t23().gt(2), t23(), 0),
  'sqrt of t()': () => t23().sqrt(),
  'relu of t()': () => t23().relu(),
  'pow of t()': () => t23().pow(2),
  'maximum t() t()': () => torch.maximum(t23(), t23()),
  'gt of t()': () => t23().gt(1),
};

describe("outputs are laid out by PyTorch's memory-format rules", () => {
  for (const c of fx.layout) {
    it(c.name, () => {
      const program = layoutPrograms[c.name];
      expect(program, `no torchlet program for '${c.name}'`).toBeDefined();
      const out = program();
      expect(out.shape).toEqual(c.shape);
      expect(out.stride()).toEqual(c.strides);
      expectClose(out, c.out, {}, c.name);
    });
  }

  it('reshape of a permuted result copies, so writing through it leaves the result alone', () => {
    const y = torch.arange(6).reshape(2, 3).t().exp();
    y.flatten().zero_();
    expectClose(y, fx.reshapeCopies, {}, 'y');
  });

  it('gradients through permuted layouts are unchanged', () => {
    const x = torch.arange(6).reshape(2, 3).requiresGrad_();
    const y = x.t().exp().mul(x.t());
    y.sum().backward();
    const xs = x.toFloat32Array();
    const want = [...xs].map((v) => Math.exp(v) * (v + 1));
    x.grad!.toFloat32Array().forEach((g, i) => expect(g).toBeCloseTo(want[i], 3));
    expect(x.grad!.stride()).toEqual([3, 1]);
  });
});

describe('runs where PyTorch runs', () => {
  it('zeros(2, 0).add_(1)', () => {
    expect(torch.zeros(2, 0).add_(1).shape).toEqual(fx.runs['zeros(2,0).add_(1)']);
  });
  it('split and chunk over an empty dim', () => {
    const shapes = (ts: Tensor[]) => ts.map((t) => [...t.shape]);
    expect(shapes(torch.zeros(0, 3).split(2))).toEqual(fx.runs['split over empty dim']);
    expect(shapes(torch.zeros(3, 0).split(2, 1))).toEqual(fx.runs['split(2, 1) over empty dim']);
    expect(shapes(torch.zeros(0, 3).chunk(2))).toEqual(fx.runs['chunk over empty dim']);
    expect(shapes(torch.zeros(3, 0).chunk(3, 1))).toEqual(fx.runs['chunk(3, 1) over empty dim']);
    expect(shapes(torch.zeros(0).split(0))).toEqual(fx.runs['split(0) over empty dim']);
  });
  it('zero_ and fill_ on an expanded tensor', () => {
    expectExact(torch.tensor(3).expand(4).zero_(), fx.runs['zero_ on expanded'] as JsonTensor);
    expectExact(torch.tensor(3).expand(4).fill_(2), fx.runs['fill_ on expanded'] as JsonTensor);
  });
  it('norm(±inf) over a non-empty dim of an empty tensor; amax likewise', () => {
    expectExact(
      torch.zeros(0, 3).norm(Infinity, 1),
      fx.runs['norm(inf, 1) of zeros(0,3)'] as JsonTensor,
    );
    expectExact(
      torch.zeros(0, 3).norm(-Infinity, 1),
      fx.runs['norm(-inf, 1) of zeros(0,3)'] as JsonTensor,
    );
    expectExact(torch.zeros(0, 3).amax(1), fx.runs['amax(1) of zeros(0,3)'] as JsonTensor);
  });
  it('w.data.sub_() between forward and backward: .data has its own version counter', () => {
    const expected = fx.runs['.data.sub_ between forward and backward'] as { grad: JsonTensor };
    const w = torch.tensor([1, 2], { requiresGrad: true });
    const loss = w.mul(w).sum();
    w.data.sub_(1);
    loss.backward();
    expectExact(w.grad!, expected.grad, 'grad');
  });
  it('backward(null, { retainGraph: true }) is the implicit gradient, twice', () => {
    const x = X([1, 2]);
    const y = x.mul(2).sum();
    y.backward(null, { retainGraph: true });
    y.backward(null);
    expect(x.grad!.tolist()).toEqual([4, 4]);
  });
});

describe('refusals where PyTorch refuses', () => {
  const refused = (key: string) => {
    expect(fx.refusals[key], `PyTorch refuses ${key}`).not.toBeNull();
  };
  it('add_ and uniform_ on an expanded tensor', () => {
    refused('add_ on expanded');
    expect(() => torch.tensor(3).expand(4).add_(1)).toThrow(/more than one element/);
    refused('uniform_ on expanded');
    expect(() => torch.tensor(3).expand(4).uniform_()).toThrow(/more than one element/);
  });
  it('norm(inf) over an empty dim', () => {
    refused('norm(inf, 0) of zeros(0,3)');
    expect(() => torch.zeros(0, 3).norm(Infinity, 0)).toThrow(
      /on the dimension 0 because this dimension is empty/,
    );
    expect(() => torch.zeros(0, 3).norm(Infinity)).toThrow(/on an empty tensor/);
    refused('amax(0) of zeros(0,3)');
    expect(() => torch.zeros(0, 3).amax(0)).toThrow(/amax/);
  });
  it('detach().sub_() between forward and backward (shared version counter)', () => {
    refused('detach().sub_ between forward and backward');
    const w = torch.tensor([1, 2], { requiresGrad: true });
    const loss = w.mul(w).sum();
    w.detach().sub_(1);
    expect(() => loss.backward()).toThrow(/modified by an inplace operation/);
  });
  for (const c of fx.savedOutputs) {
    it(`in place on an op's own output: ${c.name}`, () => {
      const programs: Record<string, [(x: Tensor) => Tensor, (y: Tensor) => void]> = {
        'exp then add_': [(x) => x.exp(), (y) => y.add_(1)],
        'sqrt then mul_': [(x) => x.sqrt(), (y) => y.mul_(2)],
        'tanh then zero_': [(x) => x.tanh(), (y) => y.zero_()],
        'sigmoid then clamp_': [(x) => x.sigmoid(), (y) => y.clamp_(0, 0.5)],
        'relu then neg_': [(x) => x.relu(), (y) => y.neg_()],
        'exp then exp_': [(x) => x.exp(), (y) => y.exp_()],
        'mul then add_ (not saved)': [(x) => x.mul(2), (y) => y.add_(1)],
        'add then mul_ (not saved)': [(x) => x.add(2), (y) => y.mul_(3)],
        'exp_ then add_': [(x) => x.mul(1).exp_(), (y) => y.add_(1)],
        'sqrt_ then mul_': [(x) => x.mul(1).sqrt_(), (y) => y.mul_(2)],
        'relu_ then add_': [(x) => x.mul(1).relu_(), (y) => y.add_(1)],
        'pow_(2) then add_': [(x) => x.mul(1).pow_(2), (y) => y.add_(1)],
        'clamp_ then add_': [(x) => x.mul(1).clamp_(0, 1), (y) => y.add_(1)],
        'abs_ then add_': [(x) => x.mul(1).abs_(), (y) => y.add_(1)],
        'mul_(2) then add_': [(x) => x.mul(1).mul_(2), (y) => y.add_(1)],
      };
      const [make, inplace] = programs[c.name];
      const x = X([0.5, 2]);
      const y = make(x);
      expect(c.atOp).toBeNull();
      inplace(y);
      if (c.atBackward === null) expect(() => y.sum().backward()).not.toThrow();
      else {
        // Same op and same versions as PyTorch's message.
        const m = /output 0 of (\w+), is at version (\d+); expected version (\d+)/.exec(
          c.atBackward,
        )!;
        expect(() => y.sum().backward()).toThrow(
          `output 0 of ${m[1]}, is at version ${m[2]}; expected version ${m[3]} instead`,
        );
      }
    });
  }
  for (const c of fx.multiOutputs) {
    it(`in place on an output of a multi-view function: ${c.name}`, () => {
      const programs: Record<string, (t: Tensor) => Tensor[]> = {
        'split(2)': (t) => t.split(2),
        'split([1, 3])': (t) => t.split([1, 3]),
        'chunk(2)': (t) => t.chunk(2),
        'unbind()': (t) => t.unbind(),
        'split(2) view of output': (t) => [t.split(2)[0].view(2)],
        'split(2) without grad': (t) => t.split(2),
        'split(2) in no_grad': (t) => t.split(2),
      };
      const grad = c.name !== 'split(2) without grad';
      const base = torch.tensor([1, 2, 3, 4], { requiresGrad: grad });
      const src = grad ? base.mul(1) : base;
      const run = () => programs[c.name](src)[0].add_(1);
      if (c.name === 'split(2) in no_grad') {
        expect(() => torch.noGrad(run)).not.toThrow();
      } else if (c.error === null) {
        expect(run).not.toThrow();
      } else {
        const head = c.error.replace(/^RuntimeError: /, '').split(' is a view')[0];
        const before = src.toFloat32Array();
        expect(run).toThrow(`${head} is a view and is being modified inplace`);
        expect(src.toFloat32Array()).toEqual(before);
      }
    });
  }
});

describe('split with a list of sizes (split_with_sizes)', () => {
  it('pieces of the listed sizes, and errors when they do not add up', () => {
    const shapes = (ts: Tensor[]) => ts.map((t) => [...t.shape]);
    expect(shapes(torch.zeros(5, 2).split([2, 3]))).toEqual(fx.splitSizes[0]);
    expect(shapes(torch.zeros(5, 2).split([0, 5]))).toEqual(fx.splitSizes[1]);
    expect(shapes(torch.zeros(5, 4).split([1, 1, 2], 1))).toEqual(fx.splitSizes[2]);
    expect(() => torch.zeros(4).split([1, 2])).toThrow(
      fx.refusals['split sizes not adding up']!.replace('RuntimeError: ', ''),
    );
  });
  it('gradient flows to each piece', () => {
    const x = torch.tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { requiresGrad: true },
    );
    const [a, b] = x.split([1, 2], 1);
    a.sum().mul(2).add(b.sum().mul(3)).backward();
    expectExact(x.grad!, fx.splitGrad);
  });
});

const R = () =>
  torch.tensor([
    [1, 5, 3],
    [4, 2, 6],
  ]);
type Reduction = (r: Tensor) => Tensor;
const pick = (v: Tensor | { values: Tensor }): Tensor => (v instanceof Tensor ? v : v.values);
function reductionPrograms(): Record<string, Reduction> {
  const out: Record<string, Reduction> = {};
  const ops = [
    'sum',
    'mean',
    'amax',
    'amin',
    'logsumexp',
    'std',
    'var',
    'prod',
    'argmax',
    'argmin',
    'max',
    'min',
  ] as const;
  for (const op of ops) {
    // Each form of the calling conventions; PyTorch's label names the Python call.
    const call = (r: Tensor, ...args: unknown[]) =>
      pick((r[op] as (...a: unknown[]) => Tensor | { values: Tensor }).apply(r, args));
    if (op !== 'logsumexp') out[`${op}()`] = (r) => call(r);
    out[`${op}(1)`] = (r) => call(r, 1);
    if (op === 'var' || op === 'std') {
      out[`${op}(1, keepdim)`] = (r) => call(r, 1, { keepdim: true });
      out[`${op}(-1, keepdim false)`] = (r) => call(r, { dim: -1, keepdim: false });
    } else {
      out[`${op}(1, keepdim)`] = (r) => call(r, 1, true);
      out[`${op}(-1, keepdim false)`] = (r) => call(r, -1, { keepdim: false });
    }
    out[`${op}([0, 1])`] = (r) => call(r, [0, 1]);
    out[`${op}([0], keepdim)`] = (r) => call(r, { dim: [0], keepdim: true });
  }
  out['norm(2, 1, keepdim)'] = (r) => r.norm(2, 1, { keepdim: true });
  out['norm(2, [0, 1])'] = (r) => r.norm(2, [0, 1]);
  out['norm(1, 0)'] = (r) => r.norm({ p: 1, dim: 0 });
  out['norm(inf)'] = (r) => r.norm(Infinity);
  out['var(correction 0)'] = (r) => r.var({ correction: 0 });
  out['var(1, correction 0, keepdim)'] = (r) => r.var(1, { correction: 0, keepdim: true });
  out['var(False)'] = (r) => r.var(false);
  out['var(1, False)'] = (r) => r.var(1, false);
  out['std(1, True, True)'] = (r) => r.std(1, true, true);
  out['std(unbiased False)'] = (r) => r.std({ unbiased: false });
  out['sum(None)'] = (r) => r.sum(null);
  return out;
}

describe('reductions take every form of the calling conventions', () => {
  const programs = reductionPrograms();
  for (const c of fx.reductions) {
    it(c.label, () => {
      const program = programs[c.label];
      expect(program, `no torchlet program for '${c.label}'`).toBeDefined();
      expectClose(program(R()), c.out, {}, c.label);
    });
  }
  it('root functions take the same forms', () => {
    expect(torch.sum(R(), 1, { keepdim: false }).shape).toEqual([2]);
    expect(torch.sum(R(), { dim: 1, keepdim: true }).shape).toEqual([2, 1]);
    expect(torch.var(R(), { correction: 0 }).item()).toBeCloseTo(2.9166667, 5);
    expect(torch.max(R(), { dim: 0 }).values.tolist()).toEqual([4, 5, 6]);
  });
  it('bad dims and options name the function, the argument and the value', () => {
    expect(() => R().sum(1.5)).toThrow(
      /^sum: dim must be an integer or a list of integers, got the number 1\.5$/,
    );
    expect(() => R().sum([0, 'a' as never])).toThrow(
      /sum: dim .* got the string 'a' at position 1/,
    );
    expect(() => R().sum(1, 'yes' as never)).toThrow(
      /sum: keepdim must be a boolean, got the string 'yes'/,
    );
    expect(() => R().sum({ keep_dim: true } as never)).toThrow(
      /sum: unknown option 'keep_dim' \(did you mean 'keepdim'\?\)/,
    );
    expect(() => R().argmax([0] as never)).toThrow(/argmax: dim must be an integer, got an array/);
    expect(() => R().var({ unbiased: true, correction: 0 })).toThrow(/var: cannot specify both/);
    expect(() => R().max({ keepdim: true })).toThrow(/max: keepdim needs a dim/);
    expect(() => R().logsumexp(undefined as never)).toThrow(/logsumexp: dim is required/);
    expect(() => R().norm('nuc' as never)).toThrow(/norm: the order p must be a number/);
  });
});

describe('autograd entry points check their arguments', () => {
  it("backward('x') throws a TypeError (PyTorch: gradients can be either Tensors or None)", () => {
    expect(fx.refusals['backward with a string']).not.toBeNull();
    const x = X([1]);
    const y = x.mul(2).sum();
    expect(() => y.backward('x' as never)).toThrow(
      /backward: gradient must be a Tensor, a number, null or undefined, got the string 'x'/,
    );
    expect(x.grad).toBeNull();
    expect(() => y.backward(undefined, { retain_graph: true } as never)).toThrow(
      /backward: unknown option 'retain_graph' \(did you mean 'retainGraph'\?\)/,
    );
  });
});

describe('creation options and messages', () => {
  it('misspelt options throw, naming the key', () => {
    expect(() => torch.tensor([1], { requires_grad: true } as never)).toThrow(
      /tensor: unknown option 'requires_grad' \(did you mean 'requiresGrad'\?\)/,
    );
    expect(() => torch.zeros(2, { requires_grad: true } as never)).toThrow(
      /zeros: unknown option 'requires_grad'/,
    );
    expect(() => torch.rand(2, { requiresGrad: 1 } as never)).toThrow(
      /rand: option 'requiresGrad' must be boolean, got the number 1/,
    );
    expect(() => torch.arange(5, { requires_grad: true } as never)).toThrow(
      /arange: unknown option 'requires_grad'/,
    );
    expect(torch.arange(5, { requiresGrad: true }).requiresGrad).toBe(true);
    expect(torch.eye(2, { requiresGrad: true }).shape).toEqual([2, 2]);
  });
  it('zeros(1e10) names the function and the shape', () => {
    expect(() => torch.zeros(1e10)).toThrow(/^zeros: .*\[10000000000\]/);
  });
  it("manualSeed('abc') names the argument", () => {
    expect(() => torch.manualSeed('abc' as never)).toThrow(
      /manualSeed: the seed must be an integer \(a number or a bigint\), got the string 'abc'/,
    );
  });
});

describe('interop: toJSON, exact copies and zero-copy views', () => {
  it('JSON.stringify writes { shape, data } and fromJSON reads it back (NaN and inf as strings)', () => {
    const t = torch.tensor(
      [
        [1, NaN],
        [Infinity, -Infinity],
      ],
      { requiresGrad: true },
    );
    const json = JSON.stringify(t);
    expect(json).toBe('{"shape":[2,2],"data":[1,"nan","inf","-inf"]}');
    const back = Tensor.fromJSON(JSON.parse(json) as torch.TensorJSON);
    expect(back.shape).toEqual([2, 2]);
    expect(Object.is(back.toFloat32Array()[1], NaN)).toBe(true);
    expect(JSON.stringify(t.t())).toBe('{"shape":[2,2],"data":[1,"inf","nan","-inf"]}');
  });
  it('structuredClone refuses a tensor instead of copying its internals', () => {
    expect(() => structuredClone(torch.ones(2))).toThrow(/structuredCloneOfATensorIsUnsupported/);
  });
  it('toFloat32Array is an exact-length copy; subarrayView an aliasing view of exactly numel elements', () => {
    const base = torch.arange(10);
    const t = base.narrow(0, 2, 3);
    const copy = t.toFloat32Array();
    expect(copy.length).toBe(3);
    expect(copy.buffer.byteLength).toBe(12);
    const view = t.subarrayView();
    expect(view.length).toBe(3);
    view[0] = 42;
    expect(base.tolist()).toEqual([0, 1, 42, 3, 4, 5, 6, 7, 8, 9]);
    expect(() => base.reshape(2, 5).t().subarrayView()).toThrow(/subarrayView: .* not contiguous/);
  });
});
