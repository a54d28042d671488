/**
 * The clipping methods beyond PyTorch against PyTorch transcriptions of their reference rules
 * (test/fixtures/clipping.json, written by scripts/fixtures/clipping.py): AGC (timm's unit-wise
 * rule), gradNorms (Lightning's grad_norm), ZClip (zclip.py v1) and AutoClip (the paper), with
 * the worked values of the reference notes and resumption from state dicts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { Tensor, clipping } from '../src/index.js';
import {
  expectClose,
  fromJson,
  loadFixture,
  num,
  type JsonNumber,
  type JsonTensor,
} from './helpers.js';
import { TinyNet } from './clip.tiny-net.js';

interface AgcCase {
  name: string;
  clipFactor: number;
  eps: number;
  normType: JsonNumber;
  layout: 'contiguous' | 'transposed';
  weights: JsonTensor[];
  grads: Array<JsonTensor | null>;
  after: Array<JsonTensor | null>;
}
interface SequenceStep {
  norm: JsonNumber;
  after: JsonTensor[];
  mean?: JsonNumber | null;
  var?: JsonNumber | null;
  threshold?: number;
}
interface SequenceCase<O> {
  name: string;
  options: O;
  grads: JsonTensor[][];
  steps: SequenceStep[];
}
interface Fixture {
  agc: AgcCase[];
  gradNorms: Array<{
    name: string;
    normType: JsonNumber;
    groupSeparator: string;
    named: Array<[string, JsonTensor | null]>;
    expected: Record<string, JsonNumber>;
  }>;
  zclip: Array<SequenceCase<torch.clipping.ZClipOptions>>;
  zclipWorked: Array<{
    norm: number;
    threshold: number | null;
    after: number;
    mean: number | null;
    var: number | null;
  }>;
  autoclip: Array<SequenceCase<torch.clipping.AutoClipOptions>>;
  autoclipWorked: Array<{ norm: number; threshold: number; after: number }>;
}

const fx = loadFixture<Fixture>('clipping.json');
const TOL = { rtol: 1e-5, atol: 1e-7 };

beforeAll(() => clipping.setPitfallWarnings('off'));
afterAll(() => clipping.setPitfallWarnings('warn'));

/** A tensor from fixture values; 'transposed' layout = stored with dims 0 and -1 swapped. */
function build(t: JsonTensor, layout: string): Tensor {
  const x = fromJson(t);
  return layout === 'transposed' ? x.transpose(0, -1) : x;
}

describe('adaptiveClipGrad_ against a PyTorch transcription of timm', () => {
  for (const c of fx.agc) {
    it(c.name, () => {
      const params = c.weights.map((w, i) => {
        const p = build(w, c.layout).requiresGrad_();
        const g = c.grads[i];
        if (g) p.grad = build(g, c.layout);
        return p;
      });
      const grads = params.map((p) => p.grad);
      clipping.adaptiveClipGrad_(params, c.clipFactor, { eps: c.eps, normType: num(c.normType) });
      params.forEach((p, i) => {
        expect(p.grad, 'grad objects keep their identity').toBe(grads[i]);
        expectClose(p.grad, c.after[i], TOL, `param ${i}`);
      });
    });
  }

  it('reference doc values and the optax cross-layout check (transposed numbers agree)', () => {
    const w = torch.tensor(
      [
        [3, 4],
        [0, 1],
      ],
      { requiresGrad: true },
    );
    w.grad = torch.ones(2, 2);
    clipping.adaptiveClipGrad_([w], 0.1);
    expect([...w.grad!.toFloat32Array()]).toEqual(
      [0.3535534, 0.3535534, 0.0707107, 0.0707107]
        .map(Math.fround)
        .map((v, i) =>
          Math.abs(v - w.grad!.toFloat32Array()[i]) < 1e-6 ? w.grad!.toFloat32Array()[i] : v,
        ),
    );
  });

  it('accepts a module, parameter groups and a single tensor alike', () => {
    const make = () => {
      const m = new TinyNet(3);
      m.w1.grad = torch.ones(4, 3).mul(5);
      m.b1.grad = torch.ones(4).mul(5);
      return m;
    };
    const a = make();
    clipping.adaptiveClipGrad_(a, 0.01);
    const b = make();
    clipping.adaptiveClipGrad_([{ params: [b.w1] }, { params: b.b1 }], 0.01);
    const c = make();
    clipping.adaptiveClipGrad_(c.w1, 0.01);
    clipping.adaptiveClipGrad_(c.b1, 0.01);
    for (const other of [b, c]) {
      expect(other.w1.grad!.tolist()).toEqual(a.w1.grad!.tolist());
      expect(other.b1.grad!.tolist()).toEqual(a.b1.grad!.tolist());
    }
    expect(a.w1.grad!.norm().item()).toBeLessThan(0.1);
  });

  it('checks its options and arguments, and changes nothing on an error', () => {
    const p = torch.ones(2, 2, { requiresGrad: true });
    p.grad = torch.full([2, 2], 10);
    expect(() => clipping.adaptiveClipGrad_([p], 0.01, { clip_factor: 1 } as never)).toThrow(
      /adaptiveClipGrad_: unknown option 'clip_factor'/,
    );
    expect(() => clipping.adaptiveClipGrad_([p], '0.1' as never)).toThrow(
      "adaptiveClipGrad_: clipFactor must be a number, got the string '0.1'",
    );
    expect(() => clipping.adaptiveClipGrad_(42 as never)).toThrow(/adaptiveClipGrad_: parameters/);
    const q = torch.ones(4, { requiresGrad: true });
    q.grad = torch.tensor(3).expand(4);
    expect(() => clipping.adaptiveClipGrad_([p, q], 0.01)).toThrow(/parameter 1 .*expanded/);
    expect(p.grad!.tolist()).toEqual([
      [10, 10],
      [10, 10],
    ]);
  });
});

describe("gradNorms in PyTorch Lightning's grad_norm format", () => {
  for (const c of fx.gradNorms) {
    it(c.name, () => {
      const named = c.named.map(([name, g]): [string, Tensor] => {
        const p = torch.zeros(g ? g.shape : [1], { requiresGrad: true });
        if (g) p.grad = fromJson(g);
        return [name, p];
      });
      const module = { parameters: () => named.map(([, p]) => p), namedParameters: () => named };
      const got = clipping.gradNorms(module, num(c.normType), {
        groupSeparator: c.groupSeparator,
      });
      expect(Object.keys(got)).toEqual(Object.keys(c.expected));
      for (const [k, v] of Object.entries(c.expected)) {
        const want = num(v);
        if (Number.isNaN(want)) expect(got[k]).toBeNaN();
        else if (!Number.isFinite(want)) expect(got[k]).toBe(want);
        else expect(Math.abs(got[k] - want)).toBeLessThanOrEqual(1e-6 * Math.abs(want));
      }
    });
  }

  it('names an nn module by namedParameters, a list by index, groups by flat index', () => {
    const m = new TinyNet();
    m.w2.grad = torch.tensor([[3, 4, 0, 0]]);
    m.b2.grad = torch.tensor([12]);
    expect(clipping.gradNorms(m)).toEqual({
      'grad_2.0_norm/w2': 5,
      'grad_2.0_norm/b2': 12,
      'grad_2.0_norm_total': 13,
    });
    expect(clipping.gradNorms([m.w2, m.b2], 'inf')).toEqual({
      'grad_inf_norm/0': 4,
      'grad_inf_norm/1': 12,
      grad_inf_norm_total: 12,
    });
    expect(Object.keys(clipping.gradNorms([{ params: [m.w1, m.w2] }, { params: [m.b2] }]))).toEqual(
      ['grad_2.0_norm/1', 'grad_2.0_norm/2', 'grad_2.0_norm_total'],
    );
    expect(clipping.gradNorms([torch.zeros(2, { requiresGrad: true })])).toEqual({});
  });

  it('refuses normType <= 0 as Lightning does, and checks options', () => {
    expect(() => clipping.gradNorms([], 0)).toThrow(/gradNorms: normType must be a positive/);
    expect(() => clipping.gradNorms([], 2, { group_separator: '.' } as never)).toThrow(
      /did you mean 'groupSeparator'/,
    );
  });
});

function runSequence<O>(
  c: SequenceCase<O>,
  make: () => { step(p: Tensor[]): number },
  check: (step: SequenceStep, clipper: unknown) => void,
  resumeAt?: number,
): void {
  const params = c.grads[0].map((g) => torch.zeros(g.shape, { requiresGrad: true }));
  let clipper = make();
  c.grads.forEach((grads, i) => {
    if (resumeAt === i) {
      const saved = JSON.parse(
        JSON.stringify((clipper as unknown as { stateDict(): unknown }).stateDict()),
      );
      clipper = make();
      (clipper as unknown as { loadStateDict(s: unknown): void }).loadStateDict(saved);
    }
    params.forEach((p, j) => (p.grad = fromJson(grads[j])));
    const norm = clipper.step(params);
    const want = c.steps[i];
    expect(norm, `step ${i} norm`).toBeCloseTo(num(want.norm), 4);
    expect(Math.abs(norm - num(want.norm)) <= 2e-6 * Math.abs(num(want.norm))).toBe(true);
    params.forEach((p, j) => expectClose(p.grad, want.after[j], TOL, `step ${i} param ${j}`));
    check(want, clipper);
  });
}

describe('ZClip against a transcription of zclip.py v1', () => {
  it('worked example: warmupSteps 3, alpha 0.5, zThresh 2, maxGradNorm null', () => {
    const z = new clipping.ZClip({ warmupSteps: 3, alpha: 0.5, zThresh: 2, maxGradNorm: null });
    const p = torch.zeros(1, { requiresGrad: true });
    for (const w of fx.zclipWorked) {
      p.grad = torch.tensor([w.norm]);
      const threshold = z.isInitialized ? z.threshold(Math.fround(w.norm)) : null;
      expect(z.step([p])).toBe(Math.fround(w.norm));
      if (w.threshold === null) expect(threshold).toBeNull();
      else expect(threshold).toBeCloseTo(w.threshold, 6);
      expect(p.grad!.item()).toBeCloseTo(w.after, 6);
      if (w.mean === null) expect(z.emaMean).toBeNull();
      else {
        expect(z.emaMean).toBeCloseTo(w.mean, 6);
        expect(z.emaVar).toBeCloseTo(w.var!, 6);
      }
    }
    // The numbers of the reference notes.
    expect(fx.zclipWorked[3].threshold).toBeCloseTo(2.3333, 4);
    expect(fx.zclipWorked[3].mean).toBeCloseTo(2.1667, 4);
  });

  it('the reference test suite: mean 1, var 0.25, zThresh 2, g = 3', () => {
    const state = { buffer: [], initialized: true, mean: 1, var: 0.25, step: 5 };
    const adaptive = new clipping.ZClip({ zThresh: 2 });
    adaptive.loadStateDict(state);
    expect(adaptive.threshold(3)).toBeCloseTo(1.500001, 6);
    const percentile = new clipping.ZClip({ zThresh: 2, mode: 'percentile' });
    percentile.loadStateDict(state);
    expect(percentile.threshold(3)).toBe(2);
    const mean = new clipping.ZClip({ zThresh: 2, clipOption: 'mean' });
    mean.loadStateDict(state);
    expect(mean.threshold(3)).toBe(1);
  });

  for (const c of fx.zclip) {
    const check = (want: SequenceStep, z: unknown) => {
      const zc = z as torch.clipping.ZClip;
      if (want.mean === null || want.mean === undefined) expect(zc.emaMean).toBeNull();
      else {
        expect(zc.emaMean!).toBeCloseTo(num(want.mean), 5);
        expect(Math.abs(zc.emaVar! - num(want.var!))).toBeLessThan(1e-5 * (1 + num(want.var!)));
      }
    };
    it(c.name, () => runSequence(c, () => new clipping.ZClip(c.options), check));
    it(`${c.name}: resumed from a JSON state dict mid-warm-up and after it`, () => {
      runSequence(c, () => new clipping.ZClip(c.options), check, 2);
      runSequence(c, () => new clipping.ZClip(c.options), check, 7);
    });
  }

  it('checks options', () => {
    expect(() => new clipping.ZClip({ z_thresh: 2 } as never)).toThrow(/did you mean 'zThresh'/);
    expect(() => new clipping.ZClip({ mode: 'median' } as never)).toThrow(/ZClip: option 'mode'/);
    expect(() => new clipping.ZClip({ warmupSteps: 0 })).toThrow(RangeError);
    expect(() => new clipping.ZClip().loadStateDict({ mean: 1 } as never)).toThrow(TypeError);
  });

  it('a NaN norm never poisons the statistics; an infinite one is a spike', () => {
    const z = new clipping.ZClip({ warmupSteps: 2, maxGradNorm: null, alpha: 0.5 });
    const p = torch.zeros(2, { requiresGrad: true });
    for (const g of [
      [1, 0],
      [0, 3],
    ]) {
      p.grad = torch.tensor(g);
      z.step(p);
    }
    const before = z.stateDict();
    p.grad = torch.tensor([NaN, 1]);
    expect(z.step(p)).toBeNaN();
    expect(z.stateDict()).toEqual({ ...before, step: before.step + 1 });
    p.grad = torch.tensor([Infinity, 1]);
    expect(z.step(p)).toBe(Infinity);
    expect(p.grad!.tolist()).toEqual([NaN, 0]);
    expect(Number.isFinite(z.emaMean!)).toBe(true);
  });
});

describe("AutoClip against the paper's rule", () => {
  it('worked example: percentile 10 over [1, 2, 3, 100] gives thresholds 1.0, 1.1, 1.2, 1.3', () => {
    const a = new clipping.AutoClip({ percentile: 10 });
    const p = torch.zeros(1, { requiresGrad: true });
    const thresholds: number[] = [];
    fx.autoclipWorked.forEach((w) => {
      p.grad = torch.tensor([w.norm]);
      expect(a.step(p)).toBe(w.norm);
      thresholds.push(a.threshold!);
      expect(a.threshold).toBe(w.threshold);
      expect(p.grad!.item()).toBe(Math.fround(w.after));
    });
    expect(thresholds.map((t) => Math.round(t * 10) / 10)).toEqual([1.0, 1.1, 1.2, 1.3]);
  });

  it('linearPercentile is numpy.percentile (linear)', () => {
    expect(clipping.linearPercentile([1, 2, 3, 100], 10)).toBe(1.3);
    expect(clipping.linearPercentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(clipping.linearPercentile([5], 37)).toBe(5);
    expect(clipping.linearPercentile([1, 2], 100)).toBe(2);
  });

  for (const c of fx.autoclip) {
    // Per-tensor float32 norms may differ from PyTorch's in the last bit (float64 accumulation).
    const check = (want: SequenceStep, a: unknown) =>
      expect(
        Math.abs((a as torch.clipping.AutoClip).threshold! - want.threshold!),
      ).toBeLessThanOrEqual(1e-6 * want.threshold!);
    it(c.name, () => runSequence(c, () => new clipping.AutoClip(c.options), check));
    it(`${c.name}: resumed from a JSON state dict`, () =>
      runSequence(c, () => new clipping.AutoClip(c.options), check, 5));
  }

  it('historyLength keeps only the latest norms', () => {
    const a = new clipping.AutoClip({ percentile: 0, historyLength: 2 });
    const p = torch.zeros(1, { requiresGrad: true });
    for (const g of [1, 5, 6]) {
      p.grad = torch.tensor([g]);
      a.step([p]);
    }
    expect(a.stateDict()).toEqual({ history: [5, 6] });
    expect(a.threshold).toBe(5);
  });

  it('non-finite norms stay out of the history', () => {
    const a = new clipping.AutoClip();
    const p = torch.zeros(2, { requiresGrad: true });
    p.grad = torch.tensor([3, 4]);
    a.step(p);
    p.grad = torch.tensor([Infinity, 4]);
    expect(a.step(p)).toBe(Infinity);
    expect(p.grad!.tolist()).toEqual([NaN, 0]);
    expect(a.stateDict()).toEqual({ history: [5] });
  });

  it('checks options', () => {
    expect(() => new clipping.AutoClip({ history_length: 2 } as never)).toThrow(
      /did you mean 'historyLength'/,
    );
    expect(() => new clipping.AutoClip({ percentile: 101 })).toThrow(RangeError);
    expect(() => new clipping.AutoClip({ historyLength: 0 })).toThrow(RangeError);
  });
});

describe('every method takes a module, a list or groups, and any gradient layout', () => {
  const grads = () => {
    torch.manualSeed(11);
    return [torch.randn(4, 3).mul(3), torch.randn(4), torch.randn(1, 4).mul(30), torch.randn(1)];
  };
  /** Runs `clip` for 6 steps on TinyNet's parameters given as `form`; returns the final grads. */
  function run(
    clip: () => { step(m: clipping.ParametersLike): number },
    form: 'module' | 'list' | 'groups',
    transposed: boolean,
  ): { norms: number[]; grads: unknown[] } {
    const m = new TinyNet();
    const params = [m.w1, m.b1, m.w2, m.b2];
    const clipper = clip();
    const norms: number[] = [];
    for (let i = 0; i < 6; i++) {
      grads().forEach((g, j) => {
        const scaled = g.mul(i === 4 ? 40 : 1 + i / 10);
        params[j].grad =
          transposed && scaled.dim() === 2 ? scaled.t().contiguous().t() : scaled.clone();
      });
      const arg =
        form === 'module'
          ? m
          : form === 'list'
            ? params
            : [{ params: params.slice(0, 2) }, { params: params.slice(2) }];
      norms.push(clipper.step(arg));
    }
    return { norms, grads: params.map((p) => p.grad!.tolist()) };
  }
  const makers: Array<[string, () => { step(m: clipping.ParametersLike): number }]> = [
    ['ZClip', () => new clipping.ZClip({ warmupSteps: 3, maxGradNorm: 50 })],
    ['AutoClip', () => new clipping.AutoClip({ percentile: 25 })],
    ['adaptiveClipGrad_', () => ({ step: (m) => (clipping.adaptiveClipGrad_(m, 0.05), 0) })],
  ];
  for (const [name, make] of makers) {
    it(name, () => {
      const reference = run(make, 'list', false);
      for (const form of ['module', 'list', 'groups'] as const)
        for (const transposed of [false, true])
          expect(run(make, form, transposed)).toEqual(reference);
    });
  }
});

describe('the clipping namespace', () => {
  it('is reachable as the root export and as utils.clipping', () => {
    expect(torch.utils.clipping).toBe(torch.clipping);
    for (const name of [
      'gradNorms',
      'adaptiveClipGrad_',
      'ZClip',
      'AutoClip',
      'setPitfallWarnings',
      'onWarning',
    ])
      expect(typeof (torch.clipping as Record<string, unknown>)[name]).toBe('function');
  });
});
