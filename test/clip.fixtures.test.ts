/**
 * Gradient clipping against PyTorch (test/fixtures/clip.json) and PyTorch's own unit tests
 * (test_clip_grad_norm, test_clip_grad_value, test_clip_grad_norm_error_if_nonfinite,
 * test_parameters_to_vector / test_vector_to_parameters), ported with their numbers.
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

interface NormCase {
  name: string;
  grads: Array<JsonTensor | null>;
  maxNorm: JsonNumber;
  normType: JsonNumber;
  errorIfNonfinite: boolean;
  duplicateFirst: boolean;
  total?: JsonNumber;
  error?: string;
  after: Array<JsonTensor | null>;
}

interface ClipFixture {
  meta: { torch: string };
  norm: NormCase[];
  pytorchTest: Array<{
    normType: JsonNumber;
    total: number;
    weightGrad: JsonTensor;
    biasGrad: JsonTensor;
  }>;
  value: Array<{
    name: string;
    grads: Array<JsonTensor | null>;
    clipValue: JsonNumber;
    after: Array<JsonTensor | null>;
  }>;
  parametersToVector: JsonTensor;
}

const fx = loadFixture<ClipFixture>('clip.json');

/** Parameters (zeros) whose grads are the fixture's grads; null means no grad. */
function paramsWithGrads(grads: Array<JsonTensor | null>): Tensor[] {
  return grads.map((g) => {
    const p = torch.zeros(g ? g.shape : [1], { requiresGrad: true });
    if (g) p.grad = fromJson(g);
    return p;
  });
}

/**
 * torchlet accumulates norms in float64 (more accurate than PyTorch's float32 accumulation), so
 * totals may differ from PyTorch's in the last float32 bit, and the scaled grads with them.
 * The max-abs norms involve no rounding and are compared bit for bit.
 */
const TOTAL_TOL = { rtol: 1e-6, atol: 0 };
const GRAD_TOL = { rtol: 2e-6, atol: 1e-30 };
const exact = (p: number) => Math.abs(p) === Infinity;

/**
 * Deliberate differences, documented in docs/pytorch-differences.md: float64 accumulation does not
 * overflow where PyTorch's float32 pow() does, so the true (finite) norm comes back.
 */
const DEVIATIONS: Record<string, (params: Tensor[], c: NormCase) => void> = {
  'error overflow p=3': (params, c) => {
    const total = torch.clipGradNorm_(params, num(c.maxNorm), {
      normType: 3,
      errorIfNonfinite: true,
    });
    expect(total.item()).toBe(Math.fround(3e38));
  },
};

describe(`clipGradNorm_ against PyTorch ${fx.meta.torch}`, () => {
  for (const c of fx.norm) {
    const deviation = DEVIATIONS[c.name];
    if (deviation) {
      it(`${c.name} (documented difference: no float32 overflow)`, () =>
        deviation(paramsWithGrads(c.grads), c));
      continue;
    }
    it(c.name, () => {
      const params = paramsWithGrads(c.grads);
      const gradObjects = params.map((p) => p.grad);
      const call = [...params, ...(c.duplicateFirst ? [params[0]] : [])];
      const p = num(c.normType);
      const run = () =>
        torch.clipGradNorm_(call, num(c.maxNorm), {
          normType: p,
          errorIfNonfinite: c.errorIfNonfinite,
        });
      if (c.error !== undefined) {
        expect(run).toThrow(
          /The total norm of order .* for gradients from `parameters` is non-finite/,
        );
        expect(run).toThrow(`order ${c.error.match(/order (\S+) /)![1]} `);
      } else {
        const total = run();
        expect(total.dim()).toBe(0);
        expect(total.requiresGrad).toBe(false);
        expectClose(
          total,
          { shape: [], data: [c.total!] },
          exact(p) ? { rtol: 0, atol: 0 } : TOTAL_TOL,
          'total',
        );
      }
      params.forEach((param, i) => {
        // Gradients are scaled in place: the same tensor objects, new values (unchanged on error).
        expect(param.grad).toBe(gradObjects[i]);
        const tol = exact(p) || c.error !== undefined ? { rtol: 0, atol: 0 } : GRAD_TOL;
        expectClose(param.grad, c.after[i], tol, `grad ${i}`);
      });
    });
  }

  it('returns the norm before clipping, and the post-clip norm is 1.0 for the headline program', () => {
    torch.manualSeed(0);
    const model = new torch.nn.Linear(2, 1);
    const loss = new torch.nn.MSELoss().forward(
      model.forward(
        torch.tensor([
          [1, 2],
          [3, 4],
        ]),
      ),
      torch.tensor([[1], [2]]),
    );
    loss.backward();
    const total = torch.nn.utils.clipGradNorm_(model.parameters(), 1.0);
    expect(total.item()).toBeCloseTo(7.4812, 4);
    const after = Math.sqrt(
      model.parameters().reduce((s, p) => s + p.grad!.norm(2).item() ** 2, 0),
    );
    expect(after).toBeCloseTo(1.0, 6);
    expect(Math.abs(after - 1)).toBeLessThan(2e-7);
  });
});

describe('test_clip_grad_norm (PyTorch test_nn.py, Linear(10, 10), max_norm 2)', () => {
  const grads = () => [torch.arange(1, 101).view(10, 10), torch.ones(10).div(1000)];
  const setGrads = (l: torch.nn.Linear, gs: Tensor[]) =>
    l.parameters().forEach((p, i) => (p.grad = gs[i].clone().viewAs(p)));
  const computeNorm = (l: torch.nn.Linear, p: number) => {
    if (p === Infinity) return Math.max(...l.parameters().map((q) => q.grad!.abs().max().item()));
    let s = 0;
    for (const q of l.parameters()) s += q.grad!.abs().pow(p).sum().item();
    return s ** (1 / p);
  };
  const compareScaling = (l: torch.nn.Linear, originals: Tensor[]) => {
    const scale = torch.cat(
      l.parameters().map((q, i) => q.grad!.div(originals[i].viewAs(q)).view(-1)),
    );
    // PyTorch asserts std == 0 with assertEqual's float tolerance (the C++ twin: within 1e-7).
    expect(scale.std().item()).toBeLessThan(1e-7);
    return scale.select(0, 0).item();
  };

  for (const row of fx.pytorchTest) {
    const p = num(row.normType);
    it(`norm_type ${row.normType}: clips to max_norm with one uniform factor, PyTorch's numbers`, () => {
      const l = new torch.nn.Linear(10, 10);
      const gs = grads();
      setGrads(l, gs);
      const normBefore = computeNorm(l, p);
      const norm = torch.nn.utils.clipGradNorm_(l.parameters(), 2, { normType: p });
      const normAfter = computeNorm(l, p);
      expect(Math.abs(norm.item() - normBefore) / normBefore).toBeLessThan(1e-6);
      expectClose(norm, { shape: [], data: [row.total] }, TOTAL_TOL, 'total');
      expect(normAfter).toBeCloseTo(2, 5);
      expect(normAfter).toBeLessThanOrEqual(normBefore);
      compareScaling(l, gs);
      expectClose(l.weight.grad, row.weightGrad, GRAD_TOL, 'weight grad');
      expectClose(l.bias!.grad, row.biasGrad, GRAD_TOL, 'bias grad');
    });

    it(`norm_type ${row.normType}: small gradients are left unchanged (scale exactly 1)`, () => {
      const l = new torch.nn.Linear(10, 10);
      const gs = [torch.rand(10, 10).div(10000), torch.ones(10).div(500)];
      setGrads(l, gs);
      const normBefore = computeNorm(l, p);
      const norm = torch.nn.utils.clipGradNorm_(l.parameters(), 2, { normType: p });
      const normAfter = computeNorm(l, p);
      expect(norm.item()).toBeCloseTo(normBefore, 6);
      expect(normAfter).toBeCloseTo(normBefore, 6);
      expect(normAfter).toBeLessThanOrEqual(2);
      expect(compareScaling(l, gs)).toBe(1);
    });

    it(`norm_type ${row.normType}: a single Tensor is accepted like [p]`, () => {
      const p1 = torch.randn(10, 10);
      const p2 = torch.randn(10, 10);
      const g = torch.arange(1, 101).view(10, 10);
      p1.grad = g.clone();
      p2.grad = g.clone();
      torch.nn.utils.clipGradNorm_(p1, 2, { normType: p });
      torch.nn.utils.clipGradNorm_([p2], 2, { normType: p });
      expect(p1.grad!.toFloat32Array()).toEqual(p2.grad!.toFloat32Array());
    });

    it(`norm_type ${row.normType}: getTotalNorm + clipGradsWithNorm_ equal clipGradNorm_`, () => {
      const l = new torch.nn.Linear(10, 10);
      setGrads(l, grads());
      const normBefore = computeNorm(l, p);
      const total = torch.nn.utils.getTotalNorm(
        l.parameters().map((q) => q.grad!),
        p,
      );
      torch.nn.utils.clipGradsWithNorm_(l.parameters(), 2, total);
      expectClose(total, { shape: [], data: [row.total] }, TOTAL_TOL, 'total');
      expect(Math.abs(total.item() - normBefore) / normBefore).toBeLessThan(1e-6);
      expect(computeNorm(l, p)).toBeCloseTo(2, 5);
      expectClose(l.weight.grad, row.weightGrad, GRAD_TOL, 'weight grad');
    });
  }

  it('an exhausted generator clips nothing and returns tensor(0.)', () => {
    const l = new torch.nn.Linear(10, 10);
    setGrads(l, grads());
    const gen = (function* () {
      yield* l.parameters();
    })();
    for (const _ of gen) void _;
    const total = torch.nn.utils.clipGradNorm_(gen, 2);
    expect(total.toString()).toBe('tensor(0.)');
    expect(l.weight.grad!.select(0, 0).select(0, 0).item()).toBe(1);
  });
});

describe('test_clip_grad_norm_error_if_nonfinite (PyTorch test_nn.py)', () => {
  const normsPos = [0.1, 1, 2, 3.5, Infinity];
  const normsNeg = [-0.1, -1, -2, -3.5];
  const normsExcept0 = [...normsPos, ...normsNeg];
  const normsAll = [...normsExcept0, 0];
  type Row = [boolean, boolean, number[], number[], number[]];
  const rows: Row[] = [];
  for (const [one, prefix] of [
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ] as const) {
    const first = !one && !prefix;
    rows.push([
      one,
      prefix,
      [Infinity, -Infinity],
      first ? normsExcept0 : normsPos,
      first ? [0] : [...normsNeg, 0],
    ]);
    rows.push([one, prefix, [NaN], normsExcept0, [0]]);
    rows.push([one, prefix, [2e22, -2e22], [], normsAll]);
  }
  // 2e200 is a float64 value in PyTorch's test; as float32 it is +-inf, the inf rows' behaviour.
  for (const [one, prefix, scalars, nonfinite, finite] of rows) {
    it(`one_elem=${one} prefix=${prefix} scalars=${scalars.join(',')}`, () => {
      for (const errorIfNonfinite of [false, true]) {
        for (const normType of [...nonfinite, ...finite]) {
          for (const scalar of scalars) {
            const param = torch.ones(10, { requiresGrad: true });
            if (one) param.select(0, 1).mul(scalar).sum().backward();
            else param.mul(scalar).sum().backward();
            const params = [param];
            if (prefix) {
              const pre = torch.ones(1, { requiresGrad: true });
              pre.grad = torch.ones(1);
              params.unshift(pre);
            }
            const before = params.map((q) => q.grad!.toFloat32Array());
            const run = () =>
              torch.nn.utils.clipGradNorm_(params, 1, { normType, errorIfNonfinite });
            if (errorIfNonfinite && nonfinite.includes(normType)) {
              const order =
                normType === Infinity
                  ? 'inf'
                  : Number.isInteger(normType)
                    ? normType.toFixed(1)
                    : String(normType);
              expect(run).toThrow(`The total norm of order ${order} for gradients`);
              params.forEach((q, i) => expect(q.grad!.toFloat32Array()).toEqual(before[i]));
            } else {
              expect(run).not.toThrow();
            }
          }
        }
      }
    });
  }
});

describe('clipGradValue_ against PyTorch', () => {
  for (const c of fx.value) {
    it(c.name, () => {
      const params = paramsWithGrads(c.grads);
      torch.nn.utils.clipGradValue_(params, num(c.clipValue));
      params.forEach((p, i) => {
        if (c.after[i]) expectExact(p.grad!, c.after[i]!, `grad ${i}`);
        else expect(p.grad).toBeNull();
      });
    });
  }

  it('test_clip_grad_value: bounds hold, single Tensor equals [p]', () => {
    const l = new torch.nn.Linear(10, 10);
    l.weight.grad = torch.arange(-50, 50).view(10, 10).div(5);
    l.bias!.grad = torch.ones(10).mul(2);
    torch.nn.utils.clipGradValue_(l.parameters(), 2.5);
    for (const p of l.parameters()) {
      expect(p.grad!.max().item()).toBeLessThanOrEqual(2.5);
      expect(p.grad!.min().item()).toBeGreaterThanOrEqual(-2.5);
    }
    const p1 = torch.randn(10, 10);
    const p2 = torch.randn(10, 10);
    p1.grad = torch.arange(-50, 50).view(10, 10).div(5);
    p2.grad = p1.grad.clone();
    torch.nn.utils.clipGradValue_(p1, 2.5);
    torch.nn.utils.clipGradValue_([p2], 2.5);
    expect(p1.grad.toFloat32Array()).toEqual(p2.grad.toFloat32Array());
  });
});

describe('parametersToVector / vectorToParameters (test_parameters_to_vector)', () => {
  it('flattens in order, like PyTorch', () => {
    const vec = torch.nn.utils.parametersToVector([
      torch.arange(9),
      torch.arange(9).view(3, 3),
      torch.arange(8).view(2, 2, 2),
    ]);
    expectExact(vec, fx.parametersToVector, 'vector');
  });

  it('is differentiable back to the parameters', () => {
    const a = torch.ones(2, 2, { requiresGrad: true });
    const b = torch.ones(3, { requiresGrad: true });
    torch.nn.utils.parametersToVector([a, b]).mul(torch.arange(7)).sum().backward();
    expect(a.grad!.tolist()).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(b.grad!.tolist()).toEqual([4, 5, 6]);
  });

  it('counts a model of Linear(10, 20) and Linear(20, 30) and writes back into it', () => {
    const model = new torch.nn.Sequential(new torch.nn.Linear(10, 20), new torch.nn.Linear(20, 30));
    const vec = torch.nn.utils.parametersToVector(model.parameters());
    expect(vec.size(0)).toBe(200 + 20 + 600 + 30);
    const values = torch.arange(0, 850);
    torch.nn.utils.vectorToParameters(values, model.parameters());
    const first = model.parameters()[0];
    expect(first.select(0, 0).slice(0, 0, 5).tolist()).toEqual([0, 1, 2, 3, 4]);
    // The parameters now share the vector's memory, as in PyTorch.
    values.detach().mul_(2);
    expect(first.select(0, 0).select(0, 1).item()).toBe(2);
  });

  it('rejects a non-tensor and a too-short vector before changing anything', () => {
    const p = torch.zeros(2, 3);
    expect(() => torch.nn.utils.vectorToParameters([1, 2] as unknown as Tensor, [p])).toThrow(
      /expected torch.Tensor/,
    );
    expect(() => torch.nn.utils.vectorToParameters(torch.arange(5), [p])).toThrow(
      /5 elements but the parameters need 6/,
    );
    expect(p.tolist()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });
});

describe('clipping: arguments and memory layouts', () => {
  it('clips non-contiguous and view gradients in place', () => {
    const p = torch.zeros(3, 2);
    const backing = torch.tensor([
      [3, 0, 0],
      [4, 0, 0],
    ]);
    p.grad = backing.t(); // transposed view: strides [1, 3]
    const q = torch.zeros(2);
    const big = torch.tensor([0, 0, 0, 0]);
    q.grad = big.narrow(0, 1, 2); // offset view
    const total = torch.clipGradNorm_([p, q], 1.0);
    expect(total.item()).toBe(5);
    expect(backing.tolist()).toEqual([
      [Math.fround(3 * Math.fround(Math.fround(1 / Math.fround(5 + Math.fround(1e-6))))), 0, 0],
      [Math.fround(4 * Math.fround(Math.fround(1 / Math.fround(5 + Math.fround(1e-6))))), 0, 0],
    ]);
    expect(big.tolist()).toEqual([0, 0, 0, 0]);
    torch.clipGradValue_([p], 0.5);
    expect(backing.select(0, 0).select(0, 0).item()).toBe(0.5);
  });

  it('bumps the version counter so a graph that saved the grad notices', () => {
    const w = torch.tensor([1, 2], { requiresGrad: true });
    const g = torch.tensor([3, 4], { requiresGrad: true });
    const y = w.mul(g).sum(); // saves g for w's gradient
    const p = torch.zeros(2);
    p.grad = g.detach();
    torch.clipGradNorm_(p, 1.0);
    expect(() => y.backward()).toThrow(/modified by an inplace operation/);
  });

  it('accepts every documented spelling and rejects bad arguments clearly', () => {
    const make = () => {
      const p = torch.zeros(2);
      p.grad = torch.tensor([3, 4]);
      return p;
    };
    expect(torch.clipGradNorm_([make()], 1, 1).item()).toBe(7);
    expect(torch.clipGradNorm_([make()], 1, Infinity).item()).toBe(4);
    expect(torch.utils.clipGradNorm_(new Set([make()]), 1, { normType: 2 }).item()).toBe(5);
    expect(
      torch.nn.utils.clipGradNorm_(make(), 1, { normType: 'inf' as unknown as number }).item(),
    ).toBe(4);
    expect(() => torch.clipGradNorm_(42 as unknown as Tensor, 1)).toThrow(/iterable of Tensors/);
    expect(() => torch.clipGradNorm_([make(), 'x' as unknown as Tensor], 1)).toThrow(/element 1/);
    expect(() => torch.clipGradNorm_([make()], '1' as unknown as number)).toThrow(
      /maxNorm must be a number/,
    );
    expect(() =>
      torch.clipGradNorm_([make()], 1, { normType: 'fro' as unknown as number }),
    ).toThrow(/normType/);
    expect(() => torch.clipGradValue_([make()], null as unknown as number)).toThrow(
      /clipValue must be a number/,
    );
    expect(() => torch.clipGradsWithNorm_([make()], 1, torch.ones(2))).toThrow(/single value/);
    const e = torch.zeros(0);
    e.grad = torch.zeros(0);
    expect(() => torch.clipGradNorm_([e], 1, Infinity)).toThrow(
      /cannot compute the inf norm on an empty tensor/,
    );
  });

  it('clipGradsWithNorm_ accepts a number as the total and getTotalNorm of nothing is tensor(0.)', () => {
    const p = torch.zeros(2);
    p.grad = torch.tensor([3, 4]);
    torch.clipGradsWithNorm_([p], 1, 5);
    expect(p.grad.norm().item()).toBeCloseTo(1, 6);
    expect(torch.getTotalNorm([]).toString()).toBe('tensor(0.)');
  });
});
