/**
 * Losses against PyTorch (test/fixtures/activations_losses.json, made by
 * scripts/fixtures/activations_losses.py): every loss × reduction × option, values and input (and
 * target) gradients for a fixed upstream gradient, PyTorch's errors, and the loss modules.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { nn, type Tensor } from '../src/index.js';
import { expectClose, fromJson, loadFixture, type JsonTensor } from './helpers.js';

type JsonOption = string | number | boolean | { tensor: JsonTensor };

interface LossCase {
  fn: string;
  label: string;
  input: JsonTensor;
  target: JsonTensor;
  options: Record<string, JsonOption>;
  grad: JsonTensor;
  out: JsonTensor;
  inputGrad: JsonTensor;
  targetGrad: JsonTensor | null;
}

interface LossError {
  fn: string;
  label: string;
  input: JsonTensor;
  target: JsonTensor;
  options: Record<string, JsonOption>;
  torchError: string | null;
}

const fx = loadFixture<{ losses: LossCase[]; lossErrors: LossError[] }>('activations_losses.json');

type LossFn = (input: Tensor, target: Tensor, options: Record<string, unknown>) => Tensor;
const F = nn.functional as unknown as Record<string, LossFn>;

function options(o: Record<string, JsonOption>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(o).map(([k, v]) => [
      k,
      typeof v === 'object' && v !== null && 'tensor' in v ? fromJson(v.tensor) : v,
    ]),
  );
}

const tol = { rtol: 1e-4, atol: 1e-5 };

describe('losses match PyTorch', () => {
  for (const c of fx.losses) {
    const title = `${c.fn} ${c.label} ${JSON.stringify(
      Object.fromEntries(Object.entries(c.options).filter(([, v]) => typeof v !== 'object')),
    )}`;
    it(title, () => {
      const x = fromJson(c.input, true);
      const t = fromJson(c.target, c.targetGrad !== null);
      const y = F[c.fn](x, t, options(c.options));
      expectClose(y, c.out, tol, `${title} value`);
      y.backward(fromJson(c.grad));
      expectClose(x.grad ?? torch.zerosLike(x), c.inputGrad, tol, `${title} input grad`);
      if (c.targetGrad) expectClose(t.grad, c.targetGrad, tol, `${title} target grad`);
    });
  }
});

describe('loss errors as PyTorch', () => {
  for (const c of fx.lossErrors) {
    it(`${c.fn}: ${c.label} throws (PyTorch: ${c.torchError})`, () => {
      expect(c.torchError).not.toBeNull();
      expect(() => F[c.fn](fromJson(c.input), fromJson(c.target), options(c.options))).toThrow();
    });
  }

  it('messages name the function, the argument and the value', () => {
    const x = torch.randn(2, 3);
    expect(() => nn.functional.crossEntropy(x, torch.tensor([0, 7]))).toThrow(
      /crossEntropy: Target 7 is out of bounds/,
    );
    expect(() => nn.functional.crossEntropy(x, torch.tensor([0, 1.5]))).toThrow(
      /crossEntropy: target must hold integer class indices, got the number 1.5/,
    );
    expect(() =>
      nn.functional.nllLoss(x, torch.tensor([0, 1]), { ignore_index: 1 } as never),
    ).toThrow(/nllLoss: unknown option 'ignore_index' \(did you mean 'ignoreIndex'\?\)/);
    expect(() =>
      nn.functional.crossEntropy(x, torch.tensor([0, 1]), { reduction: 'avg' as never }),
    ).toThrow(/reduction/);
    expect(() => nn.functional.crossEntropy(x, x.softmax(1), { ignoreIndex: 0 })).toThrow(
      /ignore_index is not supported for floating point target/,
    );
  });
});

describe('second derivatives through losses (createGraph)', () => {
  it('crossEntropy: Hessian-vector product matches the softmax Jacobian', () => {
    const x = torch.tensor([[0.5, -1, 2]], { requiresGrad: true });
    const loss = nn.functional.crossEntropy(x, torch.tensor([2]));
    loss.backward(undefined, { createGraph: true });
    const g = x.grad!;
    const v = torch.tensor([[1, 0, 0]]);
    x.grad = null;
    g.mul(v).sum().backward();
    // H = diag(p) − p pᵀ, so H v = p0·(e0 − p)
    const p = torch
      .tensor([[0.5, -1, 2]])
      .softmax(1)
      .tolist() as number[][];
    const want = p[0].map((pi, i) => p[0][0] * ((i === 0 ? 1 : 0) - pi));
    (x.grad!.tolist() as number[][])[0].forEach((v2, i) => expect(v2).toBeCloseTo(want[i], 6));
  });

  it('binaryCrossEntropyWithLogits and huberLoss record differentiable backwards', () => {
    const x = torch.tensor([0.3, -2, 4], { requiresGrad: true });
    const l = nn.functional.binaryCrossEntropyWithLogits(x, torch.tensor([1, 0, 1]), {
      reduction: 'sum',
    });
    l.backward(undefined, { createGraph: true });
    const g = x.grad!;
    x.grad = null;
    g.sum().backward();
    const s = x.detach().sigmoid().tolist() as number[];
    (x.grad!.tolist() as number[]).forEach((v, i) => expect(v).toBeCloseTo(s[i] * (1 - s[i]), 6));
  });
});

describe('loss modules', () => {
  it('compute the functional losses with their options', () => {
    const x = torch.randn(4, 3);
    const t = torch.tensor([0, 2, 1, 2]);
    const w = torch.tensor([0.2, 1, 2]);
    const ce = new nn.CrossEntropyLoss({ weight: w, labelSmoothing: 0.1, reduction: 'sum' });
    expect(ce.call(x, t).item()).toBe(
      nn.functional.crossEntropy(x, t, { weight: w, labelSmoothing: 0.1, reduction: 'sum' }).item(),
    );
    const nll = new nn.NLLLoss({ ignoreIndex: 2 });
    expect(nll.call(x.logSoftmax(1), t).item()).toBe(
      nn.functional.nllLoss(x.logSoftmax(1), t, { ignoreIndex: 2 }).item(),
    );
    const p = torch.rand(4, 3);
    const y = torch.rand(4, 3);
    expect(new nn.BCELoss().call(p, y).item()).toBe(nn.functional.binaryCrossEntropy(p, y).item());
    const pw = torch.tensor([1, 2, 3]);
    expect(new nn.BCEWithLogitsLoss({ posWeight: pw }).call(x, y).item()).toBe(
      nn.functional.binaryCrossEntropyWithLogits(x, y, { posWeight: pw }).item(),
    );
    expect(new nn.HuberLoss({ delta: 0.5 }).call(x, y).item()).toBe(
      nn.functional.huberLoss(x, y, { delta: 0.5 }).item(),
    );
    expect(new nn.SmoothL1Loss({ beta: 0.5 }).call(x, y).item()).toBe(
      nn.functional.smoothL1Loss(x, y, { beta: 0.5 }).item(),
    );
    expect(new nn.KLDivLoss({ reduction: 'batchmean' }).call(x.logSoftmax(1), y).item()).toBe(
      nn.functional.klDiv(x.logSoftmax(1), y, { reduction: 'batchmean' }).item(),
    );
  });

  it('keep weight and pos_weight as buffers (state dict keys as PyTorch)', () => {
    const ce = new nn.CrossEntropyLoss({ weight: torch.ones(3) });
    expect(Object.keys(ce.stateDict())).toEqual(['weight']);
    expect(Object.keys(new nn.CrossEntropyLoss().stateDict())).toEqual([]);
    const b = new nn.BCEWithLogitsLoss({ weight: torch.ones(2), posWeight: torch.ones(2) });
    expect(Object.keys(b.stateDict())).toEqual(['weight', 'pos_weight']);
    expect(b.buffers()).toHaveLength(2);
    expect(() => new nn.CrossEntropyLoss({ label_smoothing: 0.1 } as never)).toThrow(
      /did you mean 'labelSmoothing'/,
    );
  });
});
