/** Differential privacy against PyTorch: per-sample gradients, the private step, Poisson batches, RDP ε. */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { Tensor, nn, optim, clipping, utils } from '../src/index.js';
import { expectClose, fromJson, loadFixture, type JsonTensor } from './helpers.js';

interface Ctor {
  type: string;
  args?: unknown[];
  options?: Record<string, unknown>;
}
interface GradSampleCase {
  name: string;
  ctor: Ctor;
  state: Record<string, JsonTensor>;
  input: JsonTensor;
  integerInput: boolean;
  upstream: JsonTensor;
  batchDimOut: number;
  frozen: string[];
  gradSample: Record<string, JsonTensor>;
}
interface StepCase {
  optimizer: { type: 'SGD' | 'Adam'; options: Record<string, number> };
  noiseMultiplier: number;
  maxGradNorm: number;
  expectedBatchSize: number;
  lossReduction: 'mean' | 'sum';
  state: Record<string, JsonTensor>;
  steps: Array<{
    x: JsonTensor;
    y: JsonTensor;
    noiseSeed: number | null;
    norms: JsonTensor;
    params: Record<string, JsonTensor>;
  }>;
}
interface Fixture {
  gradSample: GradSampleCase[];
  steps: StepCase[];
  poisson: Array<{ n: number; batches: number; seed: number; expected: number[][] }>;
  rdp: {
    table: Array<{
      noiseMultiplier: number;
      sampleRate: number;
      steps: number;
      delta: number;
      epsilon: number;
      bestAlpha: number;
    }>;
    mixed: {
      history: Array<[number, number, number]>;
      delta: number;
      epsilon: number;
      bestAlpha: number;
    };
    rdpPoints: Array<{ q: number; sigma: number; alpha: number; rdp: number }>;
  };
}

const fx = loadFixture<Fixture>('privacy.json');

class EmbedLSTM extends nn.Module {
  emb = new nn.Embedding(7, 3);
  rnn = new nn.LSTM(3, 4, { batchFirst: true });
  head = new nn.Linear(4, 2);
  forward(x: Tensor): Tensor {
    return this.head.call(this.rnn.call(this.emb.call(x))[0]);
  }
}

/** A cell applied at every step of a `[N, T, F]` input; returns the stacked hidden states. */
class CellLoop extends nn.Module {
  cell: nn.RNNCell | nn.LSTMCell | nn.GRUCell;
  constructor(cell: nn.RNNCell | nn.LSTMCell | nn.GRUCell) {
    super();
    this.cell = cell;
  }
  forward(x: Tensor): Tensor {
    let h: Tensor | null = null;
    let c: Tensor | null = null;
    const outs: Tensor[] = [];
    for (let t = 0; t < x.shape[1]; t++) {
      const xt = x.select(1, t);
      if (this.cell instanceof nn.LSTMCell) {
        [h, c] = this.cell.call(xt, h === null ? null : ([h, c!] as [Tensor, Tensor]));
      } else h = (this.cell as nn.RNNCell).call(xt, h);
      outs.push(h);
    }
    return torch.stack(outs, 1);
  }
}

function build(c: Ctor): nn.Module {
  const args = (c.args ?? []) as never[];
  const opts = c.options as never;
  switch (c.type) {
    case 'EmbedLSTM':
      return new EmbedLSTM();
    case 'CellLoop': {
      const [kind, ...sizes] = c.args as [string, number, number];
      const Cell = (nn as unknown as Record<string, new (...a: unknown[]) => nn.RNNCell>)[kind];
      return new CellLoop(c.options ? new Cell(...sizes, c.options) : new Cell(...sizes));
    }
    default: {
      const Cls = (nn as unknown as Record<string, new (...a: unknown[]) => nn.Module>)[c.type];
      return c.options ? new Cls(...args, opts) : new Cls(...args);
    }
  }
}

function loadState(m: nn.Module, state: Record<string, JsonTensor>): void {
  m.loadStateDict(Object.fromEntries(Object.entries(state).map(([k, v]) => [k, fromJson(v)])));
}

function outputOf(y: unknown): Tensor {
  return Array.isArray(y) ? (y[0] as Tensor) : (y as Tensor);
}

describe('per-sample gradients equal PyTorch one example at a time', () => {
  for (const c of fx.gradSample) {
    for (const reduction of ['sum', 'mean'] as const) {
      it(`${c.name} (${reduction})`, () => {
        const model = build(c.ctor);
        loadState(model, c.state);
        for (const name of c.frozen) {
          const p = model.namedParameters().find(([k]) => k === name)![1];
          p.requiresGrad_(false);
        }
        const gsm = new clipping.GradSampleModule(model, { lossReduction: reduction });
        const x = fromJson(c.input);
        const u = fromJson(c.upstream);
        const out = outputOf(gsm.call(x));
        const batch = u.shape[c.batchDimOut];
        let loss = out.mul(u).sum();
        if (reduction === 'mean') loss = loss.div(batch);
        loss.backward();
        for (const [name, p] of model.namedParameters()) {
          if (c.frozen.includes(name)) {
            expect(clipping.gradSampleOf(p), name).toBeNull();
            continue;
          }
          expectClose(
            clipping.gradSampleOf(p),
            c.gradSample[name],
            { rtol: 1e-4, atol: 1e-5 },
            name,
          );
        }
        // The ordinary gradient is the batch's, untouched.
        const firstName = Object.keys(c.gradSample)[0];
        const p0 = model.namedParameters().find(([k]) => k === firstName)![1];
        const summed = clipping.gradSampleOf(p0)!.sum(0);
        expectClose(
          p0.grad,
          {
            shape: [...summed.shape],
            data: [...summed.div(reduction === 'mean' ? batch : 1).toFloat32Array()],
          },
          { rtol: 1e-4, atol: 1e-5 },
          'grad',
        );
      });
    }
  }
});

class SmallCNN extends nn.Module {
  conv = new nn.Conv2d(1, 3, 3, { padding: 1 });
  act = new nn.ReLU();
  flat = new nn.Flatten();
  fc = new nn.Linear(3 * 4 * 4, 3);
  forward(x: Tensor): Tensor {
    return this.fc.call(this.flat.call(this.act.call(this.conv.call(x))));
  }
}

describe('the private step equals a PyTorch transcription of Opacus', () => {
  for (const c of fx.steps) {
    it(`${c.optimizer.type} σ=${c.noiseMultiplier} ${c.lossReduction}`, () => {
      const model = new SmallCNN();
      loadState(model, c.state);
      const base =
        c.optimizer.type === 'SGD'
          ? new optim.SGD(model.parameters(), c.optimizer.options as { lr: number })
          : new optim.Adam(model.parameters(), c.optimizer.options);
      const gsm = new clipping.GradSampleModule(model, { lossReduction: c.lossReduction });
      const dp = new clipping.DPOptimizer(base, {
        noiseMultiplier: c.noiseMultiplier,
        maxGradNorm: c.maxGradNorm,
        expectedBatchSize: c.expectedBatchSize,
        lossReduction: c.lossReduction,
      });
      const criterion = new nn.CrossEntropyLoss({ reduction: c.lossReduction });
      c.steps.forEach((s, k) => {
        dp.zeroGrad();
        const x = fromJson(s.x);
        const y = fromJson(s.y);
        if (x.shape[0] > 0) criterion.forward(gsm.call(x), y).backward();
        else {
          // An empty batch: the forward and backward still run (Opacus's Poisson batches).
          gsm.call(x).sum().backward();
          expectClose(clipping.perSampleGradNorms(gsm), s.norms, {}, 'empty norms');
        }
        if (x.shape[0] > 0)
          expectClose(
            clipping.perSampleGradNorms(gsm),
            s.norms,
            { rtol: 1e-4, atol: 1e-6 },
            `norms ${k}`,
          );
        if (s.noiseSeed !== null) torch.manualSeed(s.noiseSeed);
        dp.step();
        for (const [name, p] of Object.entries(model.stateDict()))
          expectClose(p, s.params[name], { rtol: 1e-4, atol: 2e-5 }, `step ${k} ${name}`);
      });
    });
  }
});

describe('Poisson sampling draws PyTorch batches for the same seed', () => {
  for (const c of fx.poisson) {
    it(`n=${c.n}, ${c.batches} batches`, () => {
      const ds = new utils.data.TensorDataset(torch.arange(c.n));
      const loader = new utils.data.DataLoader(ds, { batchSize: Math.ceil(c.n / c.batches) });
      expect(loader.length).toBe(c.batches);
      torch.manualSeed(c.seed);
      const dpLoader = clipping.dpDataLoader(loader);
      const got = [...dpLoader].map(([xb]) => [...xb.toFloat32Array()]);
      expect(got).toEqual(c.expected);
    });
  }
});

describe('RDP accountant equals the published formulas', () => {
  for (const c of fx.rdp.table) {
    it(`σ=${c.noiseMultiplier} q=${c.sampleRate} steps=${c.steps} δ=${c.delta}`, () => {
      const acc = new clipping.RDPAccountant();
      for (let i = 0; i < c.steps; i++)
        acc.step({ noiseMultiplier: c.noiseMultiplier, sampleRate: c.sampleRate });
      const { epsilon, bestAlpha } = acc.getPrivacySpent(c.delta);
      expect(Math.abs(epsilon - c.epsilon)).toBeLessThanOrEqual(1e-9 * Math.max(1, c.epsilon));
      expect(bestAlpha).toBe(c.bestAlpha);
      expect(acc.getEpsilon(c.delta)).toBe(epsilon);
    });
  }
  it('a history of different (σ, q) composes', () => {
    const acc = new clipping.RDPAccountant();
    for (const [sigma, q, n] of fx.rdp.mixed.history)
      for (let i = 0; i < n; i++) acc.step({ noiseMultiplier: sigma, sampleRate: q });
    expect(acc.history).toEqual(fx.rdp.mixed.history);
    const { epsilon, bestAlpha } = acc.getPrivacySpent(fx.rdp.mixed.delta);
    expect(Math.abs(epsilon - fx.rdp.mixed.epsilon)).toBeLessThanOrEqual(1e-9 * epsilon);
    expect(bestAlpha).toBe(fx.rdp.mixed.bestAlpha);
  });
  it('single-step RDP values at integer and fractional orders', () => {
    for (const p of fx.rdp.rdpPoints) {
      const [got] = clipping.computeRdp(p.q, p.sigma, 1, [p.alpha]);
      expect(Math.abs(got - p.rdp)).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(p.rdp)));
    }
  });
});
