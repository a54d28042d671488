/**
 * Optimizer API behaviour beyond the PyTorch trajectories: checked options, positional lr,
 * no state change after an error, groups, zeroGrad, state dicts, the clipping options and the
 * scheduler API.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';

const { optim } = torch;
const { lrScheduler } = optim;

function param(values = [1, 2], grad: number[] | null = [0.5, -1]): torch.Tensor {
  const p = torch.tensor(values, { requiresGrad: true });
  if (grad) p.grad = torch.tensor(grad);
  return p;
}

const ALL = [
  ['SGD', optim.SGD],
  ['Adam', optim.Adam],
  ['AdamW', optim.AdamW],
  ['RMSprop', optim.RMSprop],
  ['Adagrad', optim.Adagrad],
] as const;

describe('optimizer options are checked', () => {
  it('SGD: a snake_case option names the camelCase spelling', () => {
    expect(() => new optim.SGD([param()], { weight_decay: 0.1 } as never)).toThrow(
      new TypeError("SGD: unknown option 'weight_decay' (did you mean 'weightDecay'?)"),
    );
  });

  for (const [name, Cls] of ALL) {
    it(`${name}: a positional number is the learning rate, as in PyTorch`, () => {
      const opt = new Cls([param()], 0.1);
      expect(opt.paramGroups[0].lr).toBe(0.1);
    });

    it(`${name}: unknown and mistyped options throw TypeErrors naming the key`, () => {
      expect(() => new Cls([param()], { lr: '0.1' } as never)).toThrow(
        /option 'lr' must be number/,
      );
      expect(() => new Cls([param()], { learningRate: 0.1 } as never)).toThrow(
        /unknown option 'learningRate'/,
      );
      expect(() => new Cls([param()], { lr: -1 })).toThrow(`${name}: Invalid learning rate: -1`);
      expect(() => new Cls([param()], { lr: NaN })).toThrow('Invalid learning rate: NaN');
    });

    it(`${name}: PyTorch's implementation switches are accepted (and ignored)`, () => {
      const opt = new Cls([param()], {
        foreach: null,
        fused: false,
        capturable: false,
        differentiable: false,
      });
      expect(opt.stateDict().param_groups[0]).not.toHaveProperty('foreach');
    });

    it(`${name}: clipping options are accepted and checked`, () => {
      const opt = new Cls([param()], { globalClipNorm: 1, clipValue: 0.5, skipNonFinite: true });
      expect(opt.clipping).toEqual({
        globalClipNorm: 1,
        clipNorm: null,
        clipValue: 0.5,
        skipNonFinite: true,
      });
      expect(() => new Cls([param()], { clipNorm: 1, globalClipNorm: 1 })).toThrow(
        /cannot be combined/,
      );
      expect(() => new Cls([param()], { clipValue: -1 })).toThrow(
        /clipValue must be a number >= 0/,
      );
      expect(() => new Cls([param()], { global_clip_norm: 1 } as never)).toThrow(
        "did you mean 'globalClipNorm'?",
      );
    });

    it(`${name}: an error in step-free calls changes nothing`, () => {
      const p = param();
      const q = param([3, 4]);
      const opt = new Cls([p], 0.1);
      opt.step();
      const before = JSON.stringify(opt.stateDict(), (_k, v: unknown) =>
        v instanceof torch.Tensor ? v.tolist() : v,
      );
      const pBefore = p.tolist();
      expect(() => opt.addParamGroup({ params: [q], lr: -5 })).toThrow('Invalid learning rate');
      expect(() => opt.addParamGroup({ params: [p] })).toThrow('more than one parameter group');
      const bad = opt.stateDict();
      bad.param_groups[0].lr = -1;
      expect(() => opt.loadStateDict(bad)).toThrow('Invalid learning rate');
      expect(() =>
        opt.loadStateDict({ state: {}, param_groups: [{ lr: 0.1, params: [0, 1] }] } as never),
      ).toThrow("doesn't match the size");
      const wrongSize = opt.stateDict();
      for (const s of Object.values(wrongSize.state))
        for (const k of Object.keys(s)) if (s[k] instanceof torch.Tensor) s[k] = torch.zeros(5);
      if (name !== 'SGD') expect(() => opt.loadStateDict(wrongSize)).toThrow(/has 5 elements/);
      expect(opt.paramGroups).toHaveLength(1);
      expect(p.tolist()).toEqual(pBefore);
      expect(
        JSON.stringify(opt.stateDict(), (_k, v: unknown) =>
          v instanceof torch.Tensor ? v.tolist() : v,
        ),
      ).toBe(before);
    });
  }

  it('Adam: betas are checked as PyTorch does', () => {
    expect(() => new optim.Adam([param()], { betas: [1, 0.999] })).toThrow(
      'Adam: Invalid beta parameter at index 0: 1',
    );
    expect(() => new optim.Adam([param()], { betas: [0.9] as never })).toThrow(TypeError);
    expect(() => new optim.SGD([param()], { lr: 0.1, nesterov: true })).toThrow(
      'Nesterov momentum requires a momentum and zero dampening',
    );
  });

  it('params must be tensors or groups', () => {
    expect(() => new optim.Adam(param() as never)).toThrow(/iterable of Tensors/);
    expect(() => new optim.Adam([])).toThrow(/empty parameter list/);
    expect(() => new optim.Adam([{ params: [param()], weight_decay: 1 }] as never)).toThrow(
      "did you mean 'weightDecay'?",
    );
  });
});

describe('the template', () => {
  it('skips parameters without a gradient (state is created only for stepped ones)', () => {
    const p = param();
    const frozen = param([5, 6], null);
    const opt = new optim.Adam([p, frozen], { lr: 0.1 });
    opt.step();
    expect(frozen.tolist()).toEqual([5, 6]);
    expect(opt.state.has(frozen)).toBe(false);
    expect(Object.keys(opt.stateDict().state)).toEqual(['0']);
  });

  it('Adagrad creates its state for every parameter at construction, as PyTorch', () => {
    const opt = new optim.Adagrad([param(), param([1], null)], { initialAccumulatorValue: 0.25 });
    const sd = opt.stateDict();
    expect(Object.keys(sd.state)).toEqual(['0', '1']);
    expect(sd.state[1]).toMatchObject({ step: 0 });
    expect((sd.state[1].sum as torch.Tensor).tolist()).toEqual([0.25]);
  });

  it('state dicts use PyTorch key names; paramGroups is a non-enumerable alias', () => {
    const opt = new optim.Adagrad([{ params: [param()] }, { params: [param()], lrDecay: 0.5 }]);
    const sd = opt.stateDict();
    expect(Object.keys(sd)).toEqual(['state', 'param_groups']);
    expect(sd.paramGroups).toBe(sd.param_groups);
    expect(sd.param_groups[1]).toEqual({
      lr: 0.01,
      lr_decay: 0.5,
      weight_decay: 0,
      initial_accumulator_value: 0,
      eps: 1e-10,
      maximize: false,
      params: [1],
    });
    const adam = new optim.Adam([param()], { amsgrad: true });
    adam.step();
    expect(Object.keys(adam.stateDict().state[0])).toEqual([
      'step',
      'exp_avg',
      'exp_avg_sq',
      'max_exp_avg_sq',
    ]);
    const rms = new optim.RMSprop([param()], { momentum: 0.9, centered: true });
    rms.step();
    expect(Object.keys(rms.stateDict().state[0])).toEqual([
      'step',
      'square_avg',
      'momentum_buffer',
      'grad_avg',
    ]);
  });

  it('a state dict survives JSON and loads into a fresh optimizer (step as a 0-d tensor too)', () => {
    const p = param();
    const opt = new optim.Adam([p], { lr: 0.1 });
    opt.step();
    const sd = opt.stateDict();
    const q = param();
    const opt2 = new optim.Adam([q], { lr: 0.5 });
    const s0 = sd.state[0];
    opt2.loadStateDict({ ...sd, state: { 0: { ...s0, step: torch.tensor(1) } } } as never);
    expect(opt2.paramGroups[0].lr).toBe(0.1);
    expect(opt2.state.get(q)!.step).toBe(1);
    // Loaded buffers are copies: stepping one optimizer leaves the other's state alone.
    opt2.step();
    expect((opt.state.get(p)!.exp_avg as torch.Tensor).tolist()).toEqual(
      (s0.exp_avg as torch.Tensor).tolist(),
    );
  });

  it('zeroGrad({ setToNone }) and positional form', () => {
    const p = param();
    const opt = new optim.RMSprop([p]);
    const g = p.grad!;
    opt.zeroGrad({ setToNone: false });
    expect(p.grad).toBe(g);
    expect(g.tolist()).toEqual([0, 0]);
    opt.zeroGrad(true);
    expect(p.grad).toBeNull();
    p.grad = torch.ones(2);
    opt.zeroGrad();
    expect(p.grad).toBeNull();
    expect(() => opt.zeroGrad({ set_to_none: true } as never)).toThrow("did you mean 'setToNone'?");
  });

  it('bumps the version counter of updated parameters (in-place modification is detected)', () => {
    const w = torch.tensor([1, 2], { requiresGrad: true });
    const y = w.mul(w).sum();
    w.grad = torch.tensor([1, 1]);
    new optim.Adam([w], { lr: 0.1 }).step();
    expect(() => y.backward()).toThrow();
  });
});

describe('clipping inside step()', () => {
  it('globalClipNorm clips over every group together and records lastGradNorm', () => {
    const a = param([0, 0], [3, 0]);
    const b = param([0, 0], [0, 4]);
    const opt = new optim.SGD([{ params: [a] }, { params: [b], lr: 2 }], {
      lr: 1,
      globalClipNorm: 1,
    });
    expect(opt.lastGradNorm).toBeNull();
    opt.step();
    expect(opt.lastGradNorm).toBeCloseTo(5, 6);
    expect(a.grad!.toFloat32Array()[0]).toBeCloseTo(0.6, 5);
    expect(b.grad!.toFloat32Array()[1]).toBeCloseTo(0.8, 5);
    expect(a.toFloat32Array()[0]).toBeCloseTo(-0.6, 5);
    expect(b.toFloat32Array()[1]).toBeCloseTo(-1.6, 5);
  });

  it('clipNorm clips each tensor to its own norm; clipValue clamps', () => {
    const a = param([0, 0], [3, 4]);
    const b = param([0, 0], [0.3, 0.4]);
    new optim.SGD([a, b], { lr: 1, clipNorm: 1 }).step();
    expect(a.grad!.norm().item()).toBeCloseTo(1, 5);
    expect(b.grad!.tolist()).toEqual([Math.fround(0.3), Math.fround(0.4)]);
    const c = param([0, 0], [3, -0.1]);
    new optim.SGD([c], { lr: 1, clipValue: 0.5 }).step();
    expect(c.grad!.tolist()).toEqual([0.5, Math.fround(-0.1)]);
  });

  it('skipNonFinite: a step with NaN/inf gradients changes nothing and is counted', () => {
    const p = param([1, 2], [1, 1]);
    const opt = new optim.Adam([p], { lr: 0.1, skipNonFinite: true });
    opt.step();
    const after1 = p.tolist();
    const state1 = (opt.state.get(p)!.exp_avg as torch.Tensor).tolist();
    p.grad = torch.tensor([NaN, 1]);
    opt.step();
    expect(p.tolist()).toEqual(after1);
    expect(opt.state.get(p)!.step).toBe(1);
    expect((opt.state.get(p)!.exp_avg as torch.Tensor).tolist()).toEqual(state1);
    expect(opt.skippedSteps).toBe(1);
    expect(Number.isNaN(opt.lastGradNorm)).toBe(true);
    p.grad = torch.tensor([Infinity, 1]);
    opt.step();
    expect(opt.skippedSteps).toBe(2);
    p.grad = torch.tensor([1, 1]);
    opt.step();
    expect(opt.state.get(p)!.step).toBe(2);
  });
});

describe('lr schedulers: API', () => {
  const sgd = () => new optim.SGD([param()], { lr: 0.1, momentum: 0.9 });

  it('options are checked; positional forms work', () => {
    expect(() => new lrScheduler.StepLR(sgd(), { step_size: 3 } as never)).toThrow(
      "StepLR: unknown option 'step_size' (did you mean 'stepSize'?)",
    );
    expect(new lrScheduler.StepLR(sgd(), 3).stepSize).toBe(3);
    expect(new lrScheduler.ExponentialLR(sgd(), 0.5).gamma).toBe(0.5);
    expect(() => new lrScheduler.StepLR({} as never, 3)).toThrow(/is not an Optimizer/);
    expect(() => new lrScheduler.CosineAnnealingWarmRestarts(sgd(), { T0: 0 })).toThrow(
      'Expected positive integer T_0, but got 0',
    );
    expect(() => new lrScheduler.ReduceLROnPlateau(sgd(), { factor: 1 })).toThrow(
      'Factor should be < 1.0.',
    );
    expect(() => new lrScheduler.ReduceLROnPlateau(sgd(), { mode: 'maximum' } as never)).toThrow(
      TypeError,
    );
    expect(() => new lrScheduler.LinearLR(sgd(), { startFactor: 2 })).toThrow('between 0 and 1');
    expect(() => new lrScheduler.OneCycleLR(sgd(), { maxLr: 1 })).toThrow(
      'You must define either totalSteps',
    );
    expect(
      () => new lrScheduler.OneCycleLR(new optim.Adagrad([param()]), { maxLr: 1, totalSteps: 3 }),
    ).toThrow('optimizer must support momentum');
  });

  it('OneCycleLR refuses to step past totalSteps', () => {
    const s = new lrScheduler.OneCycleLR(sgd(), { maxLr: 1, totalSteps: 2 });
    s.step();
    s.step();
    expect(() => s.step()).toThrow(
      'Tried to step 4 times. The specified number of total steps is 2',
    );
  });

  it('lastEpoch resumes only when initialLr is present', () => {
    expect(() => new lrScheduler.StepLR(sgd(), { stepSize: 2, lastEpoch: 4 })).toThrow(
      "param 'initial_lr' is not specified in param_groups[0]",
    );
    const opt = sgd();
    new lrScheduler.StepLR(opt, { stepSize: 2 });
    const resumed = new lrScheduler.StepLR(opt, { stepSize: 2, gamma: 0.5, lastEpoch: 3 });
    expect(resumed.lastEpoch).toBe(4);
    expect(resumed.getLastLr()).toEqual([0.05]);
    expect(opt.stateDict().param_groups[0].initial_lr).toBe(0.1);
  });

  it('CosineAnnealingWarmRestarts accepts fractional epochs', () => {
    const opt = sgd();
    const s = new lrScheduler.CosineAnnealingWarmRestarts(opt, { T0: 2, TMult: 2 });
    s.step(2.5);
    expect(s.lastEpoch).toBe(2);
    expect(s.TCur).toBe(0.5);
    expect(s.Ti).toBe(4);
    expect(() => s.step(-1)).toThrow('Expected non-negative epoch');
  });

  it('LambdaLR checks the number of functions and saves no functions', () => {
    expect(() => new lrScheduler.LambdaLR(sgd(), [() => 1, () => 1])).toThrow(
      'Expected 1 lr_lambdas, but got 2',
    );
    const s = new lrScheduler.LambdaLR(sgd(), { lrLambda: (e) => 1 / (e + 1) });
    s.step();
    expect(s.stateDict().lr_lambdas).toEqual([null]);
    expect(s.getLastLr()).toEqual([0.05]);
  });

  it('ReduceLROnPlateau takes a 0-d tensor metric and round-trips its state', () => {
    const opt = sgd();
    const s = new lrScheduler.ReduceLROnPlateau(opt, { patience: 0 });
    s.step(torch.tensor(1));
    s.step(torch.tensor(2));
    expect(s.getLastLr()).toEqual([0.010000000000000002]);
    const s2 = new lrScheduler.ReduceLROnPlateau(sgd());
    s2.loadStateDict(s.stateDict());
    expect(s2.best).toBe(1);
    expect(s2.patience).toBe(0);
  });
});
