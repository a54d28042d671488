/**
 * Optimizers and learning-rate schedulers against PyTorch (test/fixtures/optim.json, written by
 * scripts/fixtures/optim.py): trajectories over a grid of options with one and two groups, state
 * dicts after k steps, loading PyTorch's state dict mid-run and continuing, the clipping options,
 * every scheduler's lr sequence (chained, sequential, ReduceLROnPlateau), and option errors.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import {
  expectClose,
  expectExact,
  fromJson,
  num,
  loadFixture,
  type JsonNumber,
  type JsonTensor,
} from './helpers.js';

type Options = Record<string, unknown>;
type JsonState = {
  state: Record<string, Record<string, unknown>>;
  param_groups: Array<Record<string, unknown>>;
};

interface OptimizerCase {
  optimizer: 'SGD' | 'Adam' | 'AdamW' | 'RMSprop' | 'Adagrad';
  options: Options;
  groups: Array<[number[], Options]> | null;
  clip: Options;
  gradSet: 'plain' | 'nonfinite';
  trajectory: JsonTensor[][];
  gradNorms: Array<JsonNumber | null>;
  skipped: number;
  midStep: number;
  midParams: JsonTensor[];
  midState: JsonState;
  finalState: JsonState;
}

interface SchedulerSpec {
  type: string;
  options: Options;
}

interface SchedulerCase {
  optimizer: 'SGD' | 'Adam';
  schedulers: SchedulerSpec[];
  sequential: number[] | null;
  chained: boolean;
  steps: number;
  metrics: number[] | null;
  lrs: number[][];
  momentums: Array<Array<number | null>>;
  lastLr: number[][] | null;
  stateAt: number | null;
  state: Array<Record<string, unknown>> | null;
}

interface Fixture {
  meta: { torch: string };
  problem: {
    init: JsonTensor[];
    steps: number;
    grads: Record<string, Array<Array<JsonTensor | null>>>;
  };
  optimizers: OptimizerCase[];
  schedulers: SchedulerCase[];
  training: Array<{
    optimizer: OptimizerCase['optimizer'];
    options: Options;
    scheduler: SchedulerSpec;
    globalClipNorm: number | null;
    seed: number;
    losses: number[];
    gradNorms: number[];
    final: JsonTensor[];
  }>;
  errors: Array<{ optimizer: OptimizerCase['optimizer']; options: Options; error: string | null }>;
}

const fx = loadFixture<Fixture>('optim.json');
const { optim } = torch;
const { lrScheduler } = optim;

type AnyOpt = torch.optim.Optimizer<torch.optim.GroupOptions, object>;
const CLASSES: Record<OptimizerCase['optimizer'], new (params: never, options?: never) => AnyOpt> =
  {
    SGD: optim.SGD as never,
    Adam: optim.Adam as never,
    AdamW: optim.AdamW as never,
    RMSprop: optim.RMSprop as never,
    Adagrad: optim.Adagrad as never,
  };

/** Parameters at `values`; the third is a transposed (non-contiguous) view, as in the generator. */
function makeParams(values: JsonTensor[]): torch.Tensor[] {
  const a = fromJson(values[0], true);
  const b = fromJson(values[1], true);
  const c = fromJson(values[2]).t().contiguous().t().requiresGrad_(true);
  expect(c.isContiguous()).toBe(false);
  return [a, b, c];
}

function build(c: OptimizerCase, params: torch.Tensor[]): AnyOpt {
  const options = { ...c.options, ...c.clip };
  const input = c.groups
    ? c.groups.map(([idx, over]) => ({ params: idx.map((i) => params[i]), ...over }))
    : params;
  return new CLASSES[c.optimizer](input as never, options as never);
}

function setGrads(params: torch.Tensor[], grads: Array<JsonTensor | null>): void {
  params.forEach((p, i) => {
    const g = grads[i];
    p.grad = g === null ? null : fromJson(g);
  });
}

function isJsonTensor(v: unknown): v is JsonTensor {
  return v !== null && typeof v === 'object' && 'shape' in v && 'data' in v;
}

/** PyTorch's state dict (as JSON) with its tensors made tensors again. */
function toStateDict(j: JsonState): torch.optim.OptimizerStateDict {
  const state: Record<number, Record<string, unknown>> = {};
  for (const [id, s] of Object.entries(j.state)) {
    state[Number(id)] = Object.fromEntries(
      Object.entries(s).map(([k, v]) => [k, isJsonTensor(v) ? fromJson(v) : v]),
    );
  }
  return { state, param_groups: j.param_groups as never };
}

const IMPLEMENTATION_KEYS = new Set(['foreach', 'capturable', 'differentiable', 'fused']);

/**
 * Cases whose clipping goes through the norm: their bit-exactness is the clipping functions' own
 * (test/clip.fixtures.test.ts); here they are held to a few float32 ulps.
 */
let normClipped = false;

function expectTensor(got: torch.Tensor, want: JsonTensor, what: string): void {
  if (normClipped) expectClose(got, want, { rtol: 4e-6, atol: 1e-7 }, what);
  else expectExact(got, want, what);
}

function expectStateDict(
  ours: torch.optim.OptimizerStateDict,
  theirs: JsonState,
  label: string,
): void {
  expect(Object.keys(ours.state).sort(), `${label}: state ids`).toEqual(
    Object.keys(theirs.state).sort(),
  );
  for (const [id, s] of Object.entries(theirs.state)) {
    const mine = ours.state[Number(id)];
    expect(Object.keys(mine), `${label}: state[${id}] keys`).toEqual(Object.keys(s));
    for (const [k, v] of Object.entries(s)) {
      const got = mine[k];
      if (isJsonTensor(v)) expectTensor(got as torch.Tensor, v, `${label}: state[${id}].${k}`);
      else expect(got, `${label}: state[${id}].${k}`).toEqual(v);
    }
  }
  expect(ours.param_groups.length).toBe(theirs.param_groups.length);
  theirs.param_groups.forEach((g, i) => {
    for (const [k, v] of Object.entries(g)) {
      if (IMPLEMENTATION_KEYS.has(k)) continue;
      expect(ours.param_groups[i][k], `${label}: param_groups[${i}].${k}`).toEqual(v);
    }
    for (const k of Object.keys(ours.param_groups[i]))
      expect(k in g, `${label}: param_groups[${i}] has no key '${k}' in PyTorch`).toBe(true);
  });
}

function label(c: OptimizerCase): string {
  const parts = [JSON.stringify(c.options)];
  if (c.groups) parts.push(`groups ${JSON.stringify(c.groups.map((g) => g[1]))}`);
  if (Object.keys(c.clip).length) parts.push(`clip ${JSON.stringify(c.clip)}`);
  if (c.gradSet !== 'plain') parts.push(c.gradSet);
  return `${c.optimizer} ${parts.join(' ')}`;
}

describe(`optimizers against PyTorch ${fx.meta.torch}`, () => {
  for (const c of fx.optimizers) {
    const grads = fx.problem.grads[c.gradSet];
    const clippedByNorm = c.clip.globalClipNorm != null || c.clip.clipNorm != null;
    it(`${label(c)}: trajectory, grad norms and state dicts`, () => {
      normClipped = clippedByNorm;
      const params = makeParams(fx.problem.init);
      const opt = build(c, params);
      for (let s = 0; s < fx.problem.steps; s++) {
        setGrads(params, grads[s]);
        opt.step();
        params.forEach((p, i) => expectTensor(p, c.trajectory[s][i], `step ${s + 1} param ${i}`));
        const want = c.gradNorms[s];
        if (want === null) expect(opt.lastGradNorm).toBeNull();
        else {
          const w = num(want);
          const got = opt.lastGradNorm as number;
          if (Number.isFinite(w)) expect(Math.abs(got - w)).toBeLessThanOrEqual(2e-6 * w);
          else expect(got).toBe(w);
        }
        if (s + 1 === c.midStep)
          expectStateDict(opt.stateDict(), c.midState, `after ${s + 1} steps`);
      }
      expect(opt.skippedSteps).toBe(c.skipped);
      expectStateDict(opt.stateDict(), c.finalState, 'final');
    });

    it(`${label(c)}: loads PyTorch's state dict after ${c.midStep} steps and continues identically`, () => {
      normClipped = clippedByNorm;
      const params = makeParams(c.midParams);
      // Different hyper-parameters: the loaded param_groups must replace them.
      const opt = build({ ...c, options: { ...c.options, lr: 0.123 } }, params);
      // Tensors as tensors, or straight from JSON ({ shape, data }): both load.
      opt.loadStateDict(c.optimizer === 'Adam' ? (c.midState as never) : toStateDict(c.midState));
      expect(opt.paramGroups[0].lr).toBe(c.midState.param_groups[0].lr);
      for (let s = c.midStep; s < fx.problem.steps; s++) {
        setGrads(params, grads[s]);
        opt.step();
      }
      params.forEach((p, i) =>
        expectTensor(p, c.trajectory[fx.problem.steps - 1][i], `final param ${i}`),
      );
      expectStateDict(opt.stateDict(), c.finalState, 'final');
    });
  }
});

describe('optimizer option errors match PyTorch, and nothing changes after an error', () => {
  const normalise = (m: string) => m.replace(/e([+-])0(\d)/g, 'e$1$2');
  for (const e of fx.errors) {
    it(`${e.optimizer} ${JSON.stringify(e.options)} → ${e.error}`, () => {
      const p = torch.ones(2, { requiresGrad: true });
      expect(e.error).not.toBeNull();
      expect(() => new CLASSES[e.optimizer]([p] as never, e.options as never)).toThrow(
        normalise(e.error as string),
      );
    });
  }

  it('a bad param group in addParamGroup leaves the optimizer unchanged', () => {
    const p = torch.ones(2, { requiresGrad: true });
    const q = torch.ones(2, { requiresGrad: true });
    const opt = new optim.Adam([p]);
    expect(() => opt.addParamGroup({ params: [q], lr: -1 })).toThrow('Invalid learning rate: -1');
    expect(() => opt.addParamGroup({ params: [q], weight_decay: 1 } as never)).toThrow(
      "unknown option 'weight_decay' (did you mean 'weightDecay'?)",
    );
    expect(opt.paramGroups).toHaveLength(1);
    opt.addParamGroup({ params: [q], lr: 0.5 });
    expect(opt.paramGroups[1]).toMatchObject({ lr: 0.5, betas: [0.9, 0.999], eps: 1e-8 });
  });
});

function makeScheduler(opt: AnyOpt, spec: SchedulerSpec): unknown {
  const lambdas: Record<string, (e: number) => number> = {
    pow095: (e) => 0.95 ** e,
    warmup: (e) => Math.min(1.0, (e + 1) / 4),
    mult: (e) => (e % 2 ? 0.9 : 0.8),
  };
  const o = { ...spec.options };
  if (spec.type === 'LambdaLR' || spec.type === 'MultiplicativeLR')
    o.lrLambda = lambdas[o.lrLambda as string];
  const Cls = (lrScheduler as unknown as Record<string, new (opt: AnyOpt, o: Options) => unknown>)[
    spec.type
  ];
  return new Cls(opt, o);
}

function schedulerOptimizer(kind: 'SGD' | 'Adam'): AnyOpt {
  const ps = [torch.zeros(2, { requiresGrad: true }), torch.zeros(3, { requiresGrad: true })];
  const groups = [{ params: [ps[0]] }, { params: [ps[1]], lr: 0.01 }];
  return kind === 'Adam'
    ? (new optim.Adam(groups, { lr: 0.1 }) as unknown as AnyOpt)
    : (new optim.SGD(groups, { lr: 0.1, momentum: 0.9 }) as unknown as AnyOpt);
}

interface Steppable {
  step(arg?: number): void;
  getLastLr(): number[];
  stateDict(): Record<string, unknown>;
  loadStateDict(s: Record<string, unknown>): void;
}

function closeLr(got: number, want: number, what: string): void {
  // Python and V8 share IEEE doubles; cos/pow may differ in the last bit.
  expect(Math.abs(got - want), `${what}: ${got} vs PyTorch ${want}`).toBeLessThanOrEqual(
    4 * Number.EPSILON * Math.max(Math.abs(want), 1e-300),
  );
}

function expectDeepClose(got: unknown, want: unknown, what: string): void {
  if (typeof got === 'number' && (want === 'inf' || want === '-inf' || want === 'nan'))
    expect(got, what).toBe(num(want));
  else if (typeof want === 'number' && typeof got === 'number') closeLr(got, want, what);
  else if (Array.isArray(want)) {
    expect(Array.isArray(got), what).toBe(true);
    expect((got as unknown[]).length, what).toBe(want.length);
    want.forEach((w, i) => expectDeepClose((got as unknown[])[i], w, `${what}[${i}]`));
  } else if (want !== null && typeof want === 'object') {
    expect(Object.keys(got as object).sort(), what).toEqual(Object.keys(want).sort());
    for (const [k, w] of Object.entries(want))
      expectDeepClose((got as Record<string, unknown>)[k], w, `${what}.${k}`);
  } else expect(got, what).toEqual(want);
}

function schedLabel(c: SchedulerCase): string {
  const names = c.schedulers.map((s) => `${s.type}${JSON.stringify(s.options)}`).join(' + ');
  if (c.chained) return `ChainedScheduler of ${names}`;
  return `${c.sequential ? `SequentialLR[${c.sequential.join(',')}] of ` : ''}${names}${c.optimizer === 'Adam' ? ' (Adam)' : ''}`;
}

describe(`lr schedulers against PyTorch ${fx.meta.torch}`, () => {
  for (const c of fx.schedulers) {
    it(`${schedLabel(c)}: lr sequence${c.stateAt ? ' and state dict' : ''}`, () => {
      const opt = schedulerOptimizer(c.optimizer);
      const scheds = c.schedulers.map((s) => makeScheduler(opt, s)) as Steppable[];
      const driven = c.chained
        ? [new lrScheduler.ChainedScheduler(scheds as never) as Steppable]
        : c.sequential
          ? [
              new lrScheduler.SequentialLR(opt, {
                schedulers: scheds as never,
                milestones: c.sequential,
              }) as Steppable,
            ]
          : scheds;
      const groups = () =>
        opt.paramGroups as unknown as Array<Record<string, unknown> & { lr: number }>;
      const check = (s: number) => {
        groups().forEach((g, i) => {
          closeLr(g.lr, c.lrs[s][i], `lr after ${s} steps, group ${i}`);
          const m = c.momentums[s][i];
          const gotM = 'betas' in g ? (g.betas as number[])[0] : (g.momentum as number | undefined);
          if (m !== null) closeLr(gotM as number, m, `momentum after ${s} steps, group ${i}`);
        });
      };
      check(0);
      for (let s = 0; s < c.steps; s++) {
        opt.step();
        for (const d of driven) {
          if (c.metrics) (d as unknown as { step(m: number): void }).step(c.metrics[s]);
          else d.step();
        }
        check(s + 1);
        if (c.stateAt !== null && s + 1 === c.stateAt) {
          driven.forEach((d, i) => {
            const ours = d.stateDict();
            const theirs = c.state![i];
            for (const [k, v] of Object.entries(theirs)) {
              expectDeepClose(ours[k], v, `state '${k}'`);
            }
          });
        }
      }
      if (c.lastLr)
        driven.forEach((d, i) =>
          d.getLastLr().forEach((lr, j) => closeLr(lr, c.lastLr![i][j], 'getLastLr')),
        );
    });
  }

  for (const c of fx.schedulers.filter(
    (x) => x.stateAt !== null && !x.sequential && !x.chained && !x.metrics,
  )) {
    it(`${schedLabel(c)}: loadStateDict of PyTorch's state after ${c.stateAt} steps continues identically`, () => {
      const opt = schedulerOptimizer(c.optimizer);
      const sched = makeScheduler(opt, c.schedulers[0]) as Steppable;
      sched.loadStateDict(c.state![0]);
      // The optimizer's lrs (and momentum) as they were at that step.
      (opt.paramGroups as unknown as Array<{ lr: number }>).forEach(
        (g, i) => (g.lr = c.lrs[c.stateAt!][i]),
      );
      if (c.schedulers[0].type === 'OneCycleLR') return; // momentum bookkeeping lives in the groups
      for (let s = c.stateAt!; s < c.steps; s++) {
        opt.step();
        sched.step();
        (opt.paramGroups as unknown as Array<{ lr: number }>).forEach((g, i) =>
          closeLr(g.lr, c.lrs[s + 1][i], `lr after ${s + 1} steps`),
        );
      }
    });
  }
});

describe(`training loops against PyTorch ${fx.meta.torch}: MLP + optimizer + scheduler + clipping`, () => {
  for (const t of fx.training) {
    it(`${t.optimizer} ${JSON.stringify(t.options)} with ${t.scheduler.type}, globalClipNorm ${t.globalClipNorm ?? 'none'}`, () => {
      torch.manualSeed(t.seed);
      const model = new torch.nn.Sequential(
        new torch.nn.Linear(3, 4),
        new torch.nn.Tanh(),
        new torch.nn.Linear(4, 2),
      );
      const x = torch.randn(6, 3);
      const y = torch.randn(6, 2);
      const options =
        t.globalClipNorm === null ? t.options : { ...t.options, globalClipNorm: t.globalClipNorm };
      const opt = new CLASSES[t.optimizer](model.parameters() as never, options as never);
      const sched = makeScheduler(opt, t.scheduler) as Steppable;
      for (let s = 0; s < t.losses.length; s++) {
        opt.zeroGrad();
        const loss = torch.nn.functional.mseLoss(model.forward(x), y);
        loss.backward();
        opt.step();
        sched.step();
        // Forward/backward sums may round differently from PyTorch's in the last bits.
        expect(Math.abs(loss.item() - t.losses[s]), `loss at step ${s}`).toBeLessThan(
          2e-5 * Math.max(1, t.losses[s]),
        );
        expect(
          Math.abs((opt.lastGradNorm as number) - t.gradNorms[s]),
          `norm at step ${s}`,
        ).toBeLessThan(2e-5 * Math.max(1, t.gradNorms[s]));
      }
      model
        .parameters()
        .forEach((p, i) => expectClose(p, t.final[i], { rtol: 1e-4, atol: 2e-5 }, `param ${i}`));
    });
  }
});
