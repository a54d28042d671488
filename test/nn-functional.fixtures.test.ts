/**
 * nn.functional convolutions, pools, resampling, normalisation, embedding, dropout and attention,
 * and their modules, against PyTorch (test/fixtures/nn_functional.json, made by
 * scripts/fixtures/nn_functional.py): values, gradients, errors, running statistics and init.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { expectClose, fromJson, loadFixture, type JsonTensor } from './helpers.js';
import { gradcheck } from './gradcheck.js';

const F = torch.nn.functional;
type Options = Record<string, unknown>;
type Inputs = Record<string, Tensor>;

interface Case {
  name: string;
  fn: string;
  options: Options;
  transposed: string[];
  inputs: Record<string, JsonTensor>;
  grad_inputs: string[];
  out: JsonTensor[];
  upstream?: JsonTensor;
  grads?: Record<string, JsonTensor>;
}

interface ErrorCase {
  name: string;
  fn: string;
  options: Options;
  inputs: Record<string, JsonTensor>;
  message: string;
}

interface BatchNormStep {
  training: boolean;
  x: JsonTensor;
  out: JsonTensor;
  upstream: JsonTensor;
  grad_x: JsonTensor;
  grads: Record<string, JsonTensor>;
  state: Record<string, JsonTensor>;
}

interface BatchNormRun {
  name: string;
  module: 'BatchNorm1d' | 'BatchNorm2d';
  options: Options;
  initial_state: Record<string, JsonTensor>;
  steps: BatchNormStep[];
}

interface DropoutCase {
  seed: number;
  p: number;
  x: JsonTensor;
  out: JsonTensor;
  upstream: JsonTensor;
  grad_x: JsonTensor;
}

interface ModuleCase {
  name: string;
  module: string;
  args: unknown[];
  options: Options;
  seed: number;
  state: Record<string, JsonTensor>;
  x: JsonTensor | null;
  out: JsonTensor | null;
}

interface Fixture {
  cases: Case[];
  errors: ErrorCase[];
  batchnorm: BatchNormRun[];
  dropout: DropoutCase[];
  modules: ModuleCase[];
}

const fixture = loadFixture<Fixture>('nn_functional.json');

/** Splits `{ kernelSize, ...rest }`-style options into the positional argument and the rest. */
function take(o: Options, key: string): [unknown, Options] {
  const { [key]: value, ...rest } = o;
  return [value, rest];
}

const CALLS: Record<string, (t: Inputs, o: Options) => Tensor | Tensor[]> = {
  conv1d: (t, o) => F.conv1d(t.x, t.w, t.b ?? null, o),
  conv2d: (t, o) => F.conv2d(t.x, t.w, t.b ?? null, o),
  conv_transpose2d: (t, o) => F.convTranspose2d(t.x, t.w, t.b ?? null, o),
  max_pool1d: (t, o) => {
    const [k, rest] = take(o, 'kernelSize');
    return F.maxPool1d(t.x, k as number, rest);
  },
  max_pool2d: (t, o) => {
    const [k, rest] = take(o, 'kernelSize');
    return F.maxPool2d(t.x, k as number, rest);
  },
  avg_pool1d: (t, o) => {
    const [k, rest] = take(o, 'kernelSize');
    return F.avgPool1d(t.x, k as number, rest);
  },
  avg_pool2d: (t, o) => {
    const [k, rest] = take(o, 'kernelSize');
    return F.avgPool2d(t.x, k as number, rest);
  },
  adaptive_avg_pool2d: (t, o) => F.adaptiveAvgPool2d(t.x, o.outputSize as number[]),
  pad: (t, o) => {
    const [p, rest] = take(o, 'pad');
    return F.pad(t.x, p as number[], rest);
  },
  interpolate: (t, o) => F.interpolate(t.x, o),
  embedding: (t, o) => F.embedding(t.idx, t.w, o),
  layer_norm: (t, o) =>
    F.layerNorm(
      t.x,
      o.normalizedShape as number[],
      t.w ?? null,
      t.b ?? null,
      (o.eps as number) ?? 1e-5,
    ),
  normalize: (t, o) => F.normalize(t.x, o),
  cosine_similarity: (t, o) => F.cosineSimilarity(t.x1, t.x2, o),
  one_hot: (t, o) => F.oneHot(t.idx, (o.numClasses as number) ?? -1),
  sdpa: (t, o) => F.scaledDotProductAttention(t.q, t.k, t.v, { ...o, attnMask: t.mask ?? null }),
};

/** Leaves as stored, and the (possibly transposed, non-contiguous) views the op receives. */
function build(c: { inputs: Record<string, JsonTensor> }, grads: string[], transposed: string[]) {
  const leaves: Inputs = {};
  const views: Inputs = {};
  for (const [k, json] of Object.entries(c.inputs)) {
    leaves[k] = fromJson(json, grads.includes(k));
    views[k] = transposed.includes(k) ? leaves[k].transpose(-1, -2) : leaves[k];
  }
  return { leaves, views };
}

const TOL = { rtol: 1e-4, atol: 1e-5 };

describe('nn.functional against PyTorch', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const { leaves, views } = build(c, c.grad_inputs, c.transposed);
      const result = CALLS[c.fn](views, c.options);
      const outs = Array.isArray(result) ? result : [result];
      expect(outs.length).toBe(c.out.length);
      outs.forEach((o, i) => expectClose(o, c.out[i], TOL, `output ${i}`));
      if (c.upstream && c.grads) {
        outs[0].backward(fromJson(c.upstream));
        for (const [k, g] of Object.entries(c.grads))
          expectClose(leaves[k].grad, g, TOL, `grad ${k}`);
      }
    });
  }
});

describe('nn.functional errors where PyTorch raises', () => {
  for (const e of fixture.errors) {
    it(`${e.name} (${e.message.slice(0, 60)})`, () => {
      const { views } = build(e, [], []);
      expect(() => CALLS[e.fn](views, e.options)).toThrow();
    });
  }
  it('rejects unknown and snake_case options', () => {
    const x = torch.randn([1, 1, 4, 4]);
    expect(() => F.maxPool2d(x, 2, { ceil_mode: true } as never)).toThrow(
      /did you mean 'ceilMode'/,
    );
    expect(() => F.conv2d(x, torch.randn([1, 1, 3, 3]), null, { strides: 1 } as never)).toThrow(
      TypeError,
    );
  });
  it('dropout checks p', () => {
    expect(() => F.dropout(torch.ones([2]), 1.5)).toThrow(
      /between 0 and 1, but got the number 1.5/,
    );
  });
});

function makeModule(name: string, args: unknown[], options: Options): torch.nn.Module {
  const nn = torch.nn as unknown as Record<string, new (...a: unknown[]) => torch.nn.Module>;
  return new nn[name](...args, options);
}

describe('batch norm modules over several steps', () => {
  for (const run of fixture.batchnorm) {
    it(run.name, () => {
      const features = run.steps[0].x.shape[1];
      const bn = makeModule(run.module, [features], run.options);
      bn.loadStateDict(
        Object.fromEntries(Object.entries(run.initial_state).map(([k, v]) => [k, fromJson(v)])),
      );
      for (const [i, step] of run.steps.entries()) {
        bn.train(step.training);
        const x = fromJson(step.x, true);
        const y = bn.call(x) as Tensor;
        expectClose(y, step.out, TOL, `step ${i} output`);
        y.backward(fromJson(step.upstream));
        expectClose(x.grad, step.grad_x, TOL, `step ${i} grad x`);
        for (const [k, p] of bn.namedParameters())
          expectClose(p.grad, step.grads[k], TOL, `step ${i} grad ${k}`);
        const state = bn.stateDict();
        expect(Object.keys(state).sort()).toEqual(Object.keys(step.state).sort());
        for (const [k, v] of Object.entries(step.state))
          expectClose(state[k], v, TOL, `step ${i} ${k}`);
        bn.zeroGrad();
      }
    });
  }
});

describe('dropout reproduces PyTorch masks for the same seed', () => {
  for (const d of fixture.dropout) {
    it(`seed ${d.seed}, p ${d.p}, shape [${d.x.shape.join(', ')}]`, () => {
      torch.manualSeed(d.seed);
      // The fixture draws x from its own generator, so the global stream starts at the mask.
      const x = fromJson(d.x, true);
      const y = F.dropout(x, d.p);
      expectClose(y, d.out, { rtol: 0, atol: 0 }, 'output');
      y.backward(fromJson(d.upstream));
      expectClose(x.grad, d.grad_x, { rtol: 0, atol: 0 }, 'grad');
    });
  }
  it('is the identity in eval mode and with p = 0', () => {
    const x = torch.randn([3]);
    expect(F.dropout(x, 0.5, false)).toBe(x);
    expect(F.dropout(x, 0)).toBe(x);
    const drop = new torch.nn.Dropout(0.3);
    drop.eval();
    expect(drop.call(x)).toBe(x);
  });
});

describe('modules: init with a seed, state-dict keys and forward', () => {
  for (const m of fixture.modules) {
    it(m.name, () => {
      torch.manualSeed(m.seed);
      const mod = makeModule(m.module, m.args, m.options);
      const state = mod.stateDict();
      expect(Object.keys(state)).toEqual(Object.keys(m.state));
      for (const [k, v] of Object.entries(m.state))
        expectClose(state[k], v, { rtol: 1e-6, atol: 1e-7 }, k);
      if (m.x && m.out)
        expectClose(
          torch.noGrad(() => mod.call(fromJson(m.x!)) as Tensor),
          m.out,
          TOL,
          'forward',
        );
    });
  }
  it('loads PyTorch weights into Conv2d', () => {
    const m = fixture.modules.find((c) => c.name === 'Conv2d')!;
    torch.manualSeed(999);
    const mod = makeModule(m.module, m.args, m.options);
    mod.loadStateDict(
      Object.fromEntries(Object.entries(m.state).map(([k, v]) => [k, fromJson(v)])),
    );
    expectClose(mod.call(fromJson(m.x!)) as Tensor, m.out!, TOL, 'forward');
  });
});

describe('gradcheck on small compositions', () => {
  torch.manualSeed(3);
  const x = torch.randn([2, 2, 5, 5]);
  const w = torch.randn([3, 2, 3, 3]);
  const b = torch.randn([3]);
  it('conv2d strided, padded, dilated', () =>
    gradcheck((a, c, d) => F.conv2d(a, c, d, { stride: 2, padding: 2, dilation: 2 }), [x, w, b]));
  it('grouped conv2d then max pool', () =>
    gradcheck(
      (a, c) => F.maxPool2d(F.conv2d(a, c, null, { groups: 2, padding: 1 }), 2, { ceilMode: true }),
      [x, torch.randn([4, 1, 3, 3])],
      { eps: 1e-3, atol: 3e-2 },
    ));
  it('convTranspose2d then avg pool', () =>
    gradcheck(
      (a, c) =>
        F.avgPool2d(F.convTranspose2d(a, c, null, { stride: 2, outputPadding: 1 }), 3, {
          stride: 2,
          padding: 1,
          ceilMode: true,
          countIncludePad: false,
        }),
      [x, torch.randn([2, 3, 2, 2])],
    ));
  it('reflect pad, bilinear interpolate, adaptive pool, conv1d', () =>
    gradcheck(
      (a) =>
        F.adaptiveAvgPool2d(
          F.interpolate(F.pad(a, [1, 2, 2, 1], { mode: 'reflect' }), {
            scaleFactor: 1.5,
            mode: 'bilinear',
          }),
          [3, 4],
        ),
      [x],
    ));
  it('conv1d', () =>
    gradcheck(
      (a, c) => F.conv1d(a, c, null, { padding: 'same', dilation: 2 }),
      [torch.randn([2, 2, 7]), torch.randn([3, 2, 4])],
    ));
  it('second derivatives of conv2d and convTranspose2d (createGraph)', () => {
    const u = torch.randn([2, 3, 3, 3]);
    const r1 = torch.randn([3, 2, 3, 3]);
    const r2 = torch.randn([2, 2, 5, 5]);
    const firstOrder = (a: Tensor, c: Tensor): Tensor =>
      torch.enableGrad(() => {
        const za = torch.zeros(a.shape as number[]).requiresGrad_();
        const zc = torch.zeros(c.shape as number[]).requiresGrad_();
        const y = F.conv2d(a.add(za), c.add(zc), null, { stride: 2, padding: 1 });
        y.mul(u).sum().backward(undefined, { createGraph: true });
        // Only the graph through za.grad and zc.grad counts: drop what the inner pass left on a, c.
        a.grad = null;
        c.grad = null;
        return zc.grad!.mul(r1).sum().add(za.grad!.mul(r2).sum()).square();
      });
    gradcheck(firstOrder, [x, w]);
  });
});
