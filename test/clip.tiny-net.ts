/** A small two-layer network built from nn.Module and nn.Parameter, for the clipping tests. */
import * as torch from '../src/index.js';
import type { Tensor } from '../src/index.js';

/** `tanh(x W1ᵀ + b1) W2ᵀ + b2` with seeded weights; parameters w1, b1, w2, b2. */
export class TinyNet extends torch.nn.Module {
  w1: Tensor;
  b1: Tensor;
  w2: Tensor;
  b2: Tensor;
  constructor(seed = 0) {
    super();
    torch.manualSeed(seed);
    this.w1 = new torch.nn.Parameter(torch.randn(4, 3).mul(0.5));
    this.b1 = new torch.nn.Parameter(torch.randn(4).mul(0.1));
    this.w2 = new torch.nn.Parameter(torch.randn(1, 4).mul(0.5));
    this.b2 = new torch.nn.Parameter(torch.randn(1).mul(0.1));
  }
  forward(x: Tensor): Tensor {
    return x.matmul(this.w1.t()).add(this.b1).tanh().matmul(this.w2.t()).add(this.b2);
  }
}

/** The mean squared error of `m` on a seeded random batch. */
export function lossOf(m: TinyNet, seed = 1): Tensor {
  torch.manualSeed(seed + 1000);
  const x = torch.randn(5, 3);
  const y = torch.randn(5, 1);
  return m.forward(x).sub(y).pow(2).mean();
}
