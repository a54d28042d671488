/**
 * Finite differences against autograd on compositions of the activations, softmax and losses,
 * including gradients of gradients (createGraph) for the double-backward formulas.
 */
import { describe, it } from 'vitest';
import * as torch from '../src/index.js';
import { nn, type Tensor } from '../src/index.js';
import { gradcheck } from './gradcheck.js';

const F = nn.functional;

/** Inputs away from the kinks so central differences are valid. */
function smooth(...shape: number[]): Tensor {
  torch.manualSeed(shape.reduce((a, b) => a * 7 + b, 3));
  return torch.randn(shape).mul(1.5);
}

/** d/dx of Σ f(x)·w, as a function of x (recorded with createGraph), to gradcheck it again. */
function gradOf(f: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  return (x: Tensor) =>
    torch.enableGrad(() => {
      // Under noGrad (the finite-difference passes) work on a fresh leaf.
      const leaf = x.requiresGrad ? x : x.detach().requiresGrad_(true);
      torch.manualSeed(99);
      const w = torch.randn(x.shape as number[]);
      const y = f(leaf);
      const wy = torch.randn(y.shape as number[]);
      y.backward(wy, { createGraph: true });
      const g = leaf.grad!;
      leaf.grad = null;
      return g.mul(w);
    });
}

const compositions: Array<[string, (x: Tensor) => Tensor, number[]]> = [
  ['gelu ∘ softmax', (x) => F.gelu(x.softmax(1)), [3, 4]],
  ['silu then logSoftmax over dim 0', (x) => F.silu(x).logSoftmax(0), [3, 4]],
  ['mish · gelu(tanh)', (x) => F.mish(x).mul(F.gelu(x, { approximate: 'tanh' })), [2, 5]],
  ['elu + selu + celu', (x) => F.elu(x, 0.7).add(F.selu(x)).add(F.celu(x, 1.3)), [2, 5]],
  [
    'softplus(β=2) / (1 + logsigmoid²)',
    (x) => F.softplus(x, 2).div(F.logsigmoid(x).pow(2).add(1)),
    [2, 5],
  ],
  ['glu over dim 1 then softsign', (x) => F.softsign(F.glu(x, 1)), [3, 4]],
  [
    'crossEntropy with smoothing (none)',
    (x) => F.crossEntropy(x, torch.tensor([0, 3, 1]), { labelSmoothing: 0.2, reduction: 'none' }),
    [3, 4],
  ],
  [
    'crossEntropy with probabilities',
    (x) =>
      F.crossEntropy(
        x,
        torch.tensor([
          [0.2, 0.8],
          [0.5, 0.5],
        ]),
      ),
    [2, 2],
  ],
  [
    'bce with logits, posWeight',
    (x) =>
      F.binaryCrossEntropyWithLogits(x, torch.full([2, 3], 0.3), {
        posWeight: torch.tensor([1, 2, 3]),
        reduction: 'none',
      }),
    [2, 3],
  ],
  [
    'bce on sigmoid',
    (x) => F.binaryCrossEntropy(x.sigmoid(), torch.full([2, 3], 0.7), { reduction: 'sum' }),
    [2, 3],
  ],
  [
    'klDiv batchmean on logSoftmax',
    (x) =>
      F.klDiv(
        x.logSoftmax(1),
        torch.tensor([
          [0.1, 0.2, 0.7],
          [0.3, 0.3, 0.4],
        ]),
        { reduction: 'batchmean' },
      ),
    [2, 3],
  ],
];

describe('gradcheck on compositions of activations and losses', () => {
  for (const [name, fn, shape] of compositions) {
    it(name, () => gradcheck(fn, [smooth(...shape)]));
  }
});

describe('gradcheck of second derivatives (createGraph)', () => {
  const second: Array<[string, (x: Tensor) => Tensor, number[]]> = [
    ['softmax', (x) => x.softmax(1), [3, 4]],
    ['logSoftmax', (x) => x.logSoftmax(0), [3, 4]],
    ['gelu', (x) => F.gelu(x), [2, 4]],
    ['gelu tanh', (x) => F.gelu(x, 'tanh'), [2, 4]],
    ['silu', (x) => F.silu(x), [2, 4]],
    ['mish', (x) => F.mish(x), [2, 4]],
    ['elu', (x) => F.elu(x, 0.5), [2, 4]],
    ['softplus', (x) => F.softplus(x, 1.5), [2, 4]],
    ['logsigmoid', (x) => F.logsigmoid(x), [2, 4]],
    ['crossEntropy', (x) => F.crossEntropy(x, torch.tensor([1, 0]), { reduction: 'none' }), [2, 3]],
  ];
  for (const [name, fn, shape] of second) {
    it(name, () => gradcheck(gradOf(fn), [smooth(...shape)]));
  }
});
