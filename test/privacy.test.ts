/** Differential privacy: the engine's wiring, errors, noise statistics and Poisson batches. */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { Tensor, nn, optim, clipping, utils } from '../src/index.js';

function data(n: number, inF = 4, classes = 3): [Tensor, Tensor] {
  const x = torch.randn(n, inF);
  const y = torch.tensor(Array.from({ length: n }, (_, i) => i % classes));
  return [x, y];
}

function mlp(): nn.Sequential {
  return new nn.Sequential(new nn.Linear(4, 8), new nn.Tanh(), new nn.Linear(8, 3));
}

function setup(
  options: { poissonSampling?: boolean; noiseMultiplier?: number; batchSize?: number } = {},
) {
  torch.manualSeed(0);
  const model = mlp();
  const [x, y] = data(40);
  const loader = new utils.data.DataLoader(new utils.data.TensorDataset(x, y), {
    batchSize: options.batchSize ?? 10,
  });
  const engine = new clipping.PrivacyEngine({ accountant: 'rdp' });
  const made = engine.makePrivate({
    module: model,
    optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }),
    dataLoader: loader,
    noiseMultiplier: options.noiseMultiplier ?? 1.0,
    maxGradNorm: 1.0,
    poissonSampling: options.poissonSampling ?? true,
  });
  return { model, engine, ...made };
}

function trainEpoch(
  module: nn.Module,
  optimizer: clipping.DPOptimizer,
  loader: Iterable<Tensor[]>,
): number {
  const criterion = new nn.CrossEntropyLoss();
  let steps = 0;
  for (const [xb, yb] of loader) {
    optimizer.zeroGrad();
    if (xb.shape[0] > 0) criterion.forward(module.call(xb) as Tensor, yb).backward();
    optimizer.step();
    steps++;
  }
  return steps;
}

describe('PrivacyEngine.makePrivate', () => {
  it('wraps module, optimizer and loader; q = 1 / batches; expected batch = dataset · q', () => {
    const { module, optimizer, dataLoader, model } = setup();
    expect(module).toBeInstanceOf(clipping.GradSampleModule);
    expect(module._module).toBe(model);
    expect(optimizer).toBeInstanceOf(clipping.DPOptimizer);
    expect(optimizer).toBeInstanceOf(optim.Optimizer);
    expect(dataLoader).toBeInstanceOf(utils.data.DataLoader);
    expect(dataLoader.length).toBe(4);
    expect(optimizer.expectedBatchSize).toBe(10);
    expect(Object.keys(module.stateDict())[0]).toBe('_module.0.weight');
  });

  it('ε is 0 before any step; each private step is one accountant step', () => {
    const { module, optimizer, dataLoader, engine } = setup();
    expect(engine.getEpsilon(1e-5)).toBe(0);
    const steps = trainEpoch(module, optimizer, dataLoader);
    expect(steps).toBe(4);
    expect(engine.accountant.history).toEqual([[1.0, 0.25, 4]]);
    const reference = new clipping.RDPAccountant();
    for (let i = 0; i < 4; i++) reference.step({ noiseMultiplier: 1.0, sampleRate: 0.25 });
    expect(engine.getEpsilon(1e-5)).toBe(reference.getEpsilon(1e-5));
    expect(engine.getEpsilon(1e-5)).toBeGreaterThan(0);
  });

  it('is reproducible with a seed (noise and Poisson batches)', () => {
    const run = () => {
      const { module, optimizer, dataLoader, model } = setup();
      torch.manualSeed(42);
      trainEpoch(module, optimizer, dataLoader);
      return model.parameters().map((p) => [...p.toFloat32Array()]);
    };
    expect(run()).toEqual(run());
  });

  it('poissonSampling: false keeps the original loader', () => {
    const { dataLoader } = setup({ poissonSampling: false });
    expect([...dataLoader].map(([xb]) => xb.shape[0])).toEqual([10, 10, 10, 10]);
  });

  it('handles empty Poisson batches, with or without a backward pass', () => {
    torch.manualSeed(1);
    const model = mlp();
    const [x, y] = data(3);
    const loader = new utils.data.DataLoader(new utils.data.TensorDataset(x, y), { batchSize: 1 });
    const engine = new clipping.PrivacyEngine();
    const { module, optimizer, dataLoader } = engine.makePrivate({
      module: model,
      optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }),
      dataLoader: loader,
      noiseMultiplier: 0.5,
      maxGradNorm: 1.0,
    });
    const sizes: number[] = [];
    const criterion = new nn.CrossEntropyLoss({ reduction: 'sum' });
    for (let epoch = 0; epoch < 6; epoch++) {
      for (const [xb, yb] of dataLoader) {
        sizes.push(xb.shape[0]);
        expect(yb.shape[0]).toBe(xb.shape[0]);
        optimizer.zeroGrad();
        if (epoch % 2 === 0) criterion.forward(module.call(xb) as Tensor, yb).backward();
        else if (xb.shape[0] > 0) criterion.forward(module.call(xb) as Tensor, yb).backward();
        optimizer.step();
      }
    }
    expect(sizes).toContain(0);
    for (const p of model.parameters())
      expect(p.toFloat32Array().every(Number.isFinite)).toBe(true);
    expect(engine.accountant.steps).toBe(18);
  });

  it('rejects a layer with trainable parameters and no rule, naming it', () => {
    const model = new nn.Sequential({
      fc: new nn.Linear(4, 4),
      bn: new nn.BatchNorm1d(4),
      out: new nn.Linear(4, 2),
    });
    const [x, y] = data(8);
    const loader = new utils.data.DataLoader(new utils.data.TensorDataset(x, y), { batchSize: 4 });
    const make = () =>
      new clipping.PrivacyEngine().makePrivate({
        module: model,
        optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }),
        dataLoader: loader,
        noiseMultiplier: 1,
        maxGradNorm: 1,
      });
    expect(make).toThrow(/'bn' \(BatchNorm1d\)/);
    // Frozen, it is fine.
    (model.get(1) as nn.Module).requiresGrad_(false);
    expect(make).not.toThrow();
  });

  it('rejects a custom module owning a parameter', () => {
    class Scale extends nn.Module {
      s = new nn.Parameter(torch.ones(1));
      forward(x: Tensor): Tensor {
        return x.mul(this.s);
      }
    }
    expect(
      () => new clipping.GradSampleModule(new nn.Sequential(new nn.Linear(2, 2), new Scale())),
    ).toThrow(/'1' \(Scale\) has trainable parameters but no per-sample gradient rule/);
  });

  it('checks its options', () => {
    const model = mlp();
    const [x, y] = data(8);
    const loader = new utils.data.DataLoader(new utils.data.TensorDataset(x, y), { batchSize: 4 });
    const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
    const engine = new clipping.PrivacyEngine();
    const base = {
      module: model,
      optimizer: opt,
      dataLoader: loader,
      noiseMultiplier: 1,
      maxGradNorm: 1,
    };
    expect(() => engine.makePrivate({ ...base, noise_multiplier: 1 } as never)).toThrow(TypeError);
    expect(() => engine.makePrivate({ ...base, maxGradNorm: 0 })).toThrow(RangeError);
    expect(() => engine.makePrivate({ ...base, noiseMultiplier: -1 })).toThrow(RangeError);
    const other = new optim.SGD(mlp().parameters(), { lr: 0.1 });
    expect(() => engine.makePrivate({ ...base, optimizer: other })).toThrow(
      /not a parameter of the module/,
    );
    expect(() => new clipping.PrivacyEngine({ accountant: 'gdp' as never })).toThrow(TypeError);
    expect(() => engine.getEpsilon(0)).toThrow(RangeError);
  });
});

describe('DPOptimizer', () => {
  it('refuses to step without per-sample gradients', () => {
    const { optimizer } = setup();
    expect(() => optimizer.step()).toThrow(/no per-sample gradient/);
  });

  it('zeroGrad clears gradSample; contributions add up until then', () => {
    const { module, optimizer, model } = setup();
    const x = torch.randn(5, 4);
    const w = (model.get(0) as nn.Linear).weight;
    (module.call(x) as Tensor).sum().backward();
    const once = clipping.gradSampleOf(w)!.clone();
    (module.call(x) as Tensor).sum().backward();
    expect(clipping.gradSampleOf(w)!.allclose(once.mul(2))).toBe(true);
    optimizer.zeroGrad();
    expect(clipping.gradSampleOf(w)).toBeNull();
    expect(w.grad).toBeNull();
  });

  it('works with a learning-rate scheduler', () => {
    const { optimizer } = setup();
    const sched = new optim.lrScheduler.StepLR(optimizer, { stepSize: 1, gamma: 0.5 });
    sched.step();
    expect(optimizer.originalOptimizer.paramGroups[0].lr).toBeCloseTo(0.05);
  });

  it('adds noise with mean 0 and std σ·C / expected batch size', () => {
    torch.manualSeed(3);
    const layer = new nn.Linear(400, 250); // 100 250 parameters
    const gsm = new clipping.GradSampleModule(layer);
    const sgd = new optim.SGD(layer.parameters(), { lr: 1 });
    const dp = new clipping.DPOptimizer(sgd, {
      noiseMultiplier: 2,
      maxGradNorm: 1.5,
      expectedBatchSize: 4,
    });
    const before = layer.weight.clone();
    gsm.call(torch.zeros(4, 400)).mul(0).sum().backward();
    dp.step();
    const noise = before.sub(layer.weight).mul(4); // the update is -lr · noise / B
    const n = noise.numel();
    const mean = noise.mean().item();
    const std = Math.sqrt(noise.sub(mean).pow(2).mean().item());
    expect(Math.abs(mean)).toBeLessThan((4 * 3) / Math.sqrt(n));
    expect(Math.abs(std - 3) / 3).toBeLessThan(0.01);
  });

  it('clips each example to maxGradNorm: the norms after clipping are ≤ C', () => {
    const { module, optimizer } = setup({ noiseMultiplier: 0 });
    const x = torch.randn(6, 4).mul(10);
    const y = torch.tensor([0, 1, 2, 0, 1, 2]);
    new nn.CrossEntropyLoss({ reduction: 'mean' }).forward(module.call(x) as Tensor, y).backward();
    const norms = clipping.perSampleGradNorms(module).toFloat32Array();
    optimizer.preStep();
    const factors = optimizer.lastClipFactors!;
    norms.forEach((nrm, i) => expect(nrm * factors[i]).toBeLessThanOrEqual(1.0 + 1e-5));
  });
});

describe('perSampleGradNorms and GradSampleModule', () => {
  it('throws without gradSample', () => {
    expect(() => clipping.perSampleGradNorms(mlp())).toThrow(
      /no parameter has per-sample gradients/,
    );
  });

  it('needs a batched input', () => {
    const gsm = new clipping.GradSampleModule(new nn.Linear(3, 2));
    expect(() => (gsm.call(torch.randn(3)) as Tensor).sum().backward()).toThrow(/batched input/);
  });

  it('removeHooks restores the recurrent layer and stops per-sample gradients', () => {
    const lstm = new nn.LSTM(2, 3, { batchFirst: true });
    const gsm = new clipping.GradSampleModule(lstm);
    expect(Object.prototype.hasOwnProperty.call(lstm, 'forward')).toBe(true);
    gsm.removeHooks();
    expect(Object.prototype.hasOwnProperty.call(lstm, 'forward')).toBe(false);
    lstm
      .call(torch.randn(2, 3, 2))[0]
      .sum()
      .backward();
    expect(clipping.gradSampleOf(lstm.parameters()[0])).toBeNull();
  });

  it('recurrent layers outside grad mode run their own forward', () => {
    const gru = new nn.GRU(2, 3);
    new clipping.GradSampleModule(gru);
    const x = torch.randn(4, 2, 2);
    const [a] = torch.noGrad(() => gru.call(x));
    const [b] = gru.call(x);
    expect(a.allclose(b.detach())).toBe(true);
  });

  it('batchFirst: false reads the batch from dim 1', () => {
    const layer = new nn.Linear(3, 2);
    const gsm = new clipping.GradSampleModule(layer, { batchFirst: false, lossReduction: 'sum' });
    const x = torch.randn(5, 4, 3); // [T, N, F]
    (gsm.call(x) as Tensor).sum().backward();
    expect([...clipping.gradSampleOf(layer.weight)!.shape]).toEqual([4, 2, 3]);
    expect(
      clipping
        .gradSampleOf(layer.weight)!
        .sum(0)
        .allclose(layer.weight.grad!, { rtol: 1e-4, atol: 1e-5 }),
    ).toBe(true);
  });
});

describe('UniformWithReplacementSampler', () => {
  it('includes each example with probability q', () => {
    const sampler = new clipping.UniformWithReplacementSampler({
      numSamples: 1000,
      sampleRate: 0.1,
      generator: new torch.Generator().manualSeed(5),
    });
    expect(sampler.length).toBe(10);
    const sizes = [...sampler].map((b) => b.length);
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    expect(Math.abs(mean - 100)).toBeLessThan(15);
    expect(
      () => new clipping.UniformWithReplacementSampler({ numSamples: 10, sampleRate: 0 }),
    ).toThrow(RangeError);
  });
});

describe('getNoiseMultiplier and makePrivateWithEpsilon', () => {
  it('finds the σ that spends the target ε (to within the tolerance)', () => {
    const q = 0.01;
    const sigma = clipping.getNoiseMultiplier({
      targetEpsilon: 2,
      targetDelta: 1e-5,
      sampleRate: q,
      epochs: 2,
    });
    const acc = new clipping.RDPAccountant();
    acc.history = [[sigma, q, 200]];
    const eps = acc.getEpsilon(1e-5);
    expect(eps).toBeLessThanOrEqual(2);
    expect(2 - eps).toBeLessThanOrEqual(0.01);
    expect(() =>
      clipping.getNoiseMultiplier({ targetEpsilon: 2, targetDelta: 1e-5, sampleRate: q }),
    ).toThrow(TypeError);
  });

  it('makePrivateWithEpsilon sets the optimizer’s σ', () => {
    torch.manualSeed(0);
    const model = mlp();
    const [x, y] = data(40);
    const loader = new utils.data.DataLoader(new utils.data.TensorDataset(x, y), { batchSize: 10 });
    const engine = new clipping.PrivacyEngine();
    const { optimizer } = engine.makePrivateWithEpsilon({
      module: model,
      optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }),
      dataLoader: loader,
      maxGradNorm: 1,
      targetEpsilon: 5,
      targetDelta: 1e-5,
      epochs: 2,
    });
    const acc = new clipping.RDPAccountant();
    acc.history = [[optimizer.noiseMultiplier, 0.25, 8]];
    expect(acc.getEpsilon(1e-5)).toBeLessThanOrEqual(5);
    expect(acc.getEpsilon(1e-5)).toBeGreaterThan(4.9);
  });
});
