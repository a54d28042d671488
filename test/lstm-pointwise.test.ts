/**
 * The fused LSTM pointwise op against the same step composed of separate ops: bit-identical
 * values, matching gradients, and second derivatives (createGraph) through its backward.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { lstmPointwise } from '../src/nn/modules/lstm-pointwise.js';
import { gradcheck } from './gradcheck.js';

function composed(gates: Tensor, c: Tensor): Tensor {
  const H = c.shape[c.dim() - 1];
  const last = gates.dim() - 1;
  const i = gates.narrow(last, 0, H).sigmoid();
  const f = gates.narrow(last, H, H).sigmoid();
  const g = gates.narrow(last, 2 * H, H).tanh();
  const o = gates.narrow(last, 3 * H, H).sigmoid();
  const cy = f.mul(c).add(i.mul(g));
  return torch.cat([o.mul(cy.tanh()), cy], last);
}

function inputs(n: number, h: number, seed: number): [Tensor, Tensor] {
  torch.manualSeed(seed);
  return [
    torch
      .randn([n, 4 * h])
      .mul(2)
      .requiresGrad_(true),
    torch.randn([n, h]).requiresGrad_(true),
  ];
}

describe('lstmPointwise', () => {
  it('gives the composed ops’ values bit for bit', () => {
    // Small rows run the loops; long ones the SIMD activations (with tails of 1 to 3).
    for (const [n, h] of [
      [5, 7],
      [20, 256],
      [3, 301],
    ] as const) {
      const [gates, c] = inputs(n, h, 1);
      expect(Array.from(lstmPointwise(gates, c).toFloat32Array())).toEqual(
        Array.from(composed(gates, c).toFloat32Array()),
      );
    }
  });

  it('gives the composed ops’ gradients (also through a non-contiguous c)', () => {
    const [gates, c0] = inputs(4, 6, 2);
    const cT = torch.randn([6, 4]).requiresGrad_(true);
    for (const c of [c0, cT.t()]) {
      torch.manualSeed(3);
      const w = torch.randn([4, 12]);
      lstmPointwise(gates, c).mul(w).sum().backward();
      const [gg, gc] = [gates.grad!, (c.isLeaf ? c : cT).grad!];
      gates.grad = null;
      (c.isLeaf ? c : cT).grad = null;
      composed(gates, c).mul(w).sum().backward();
      const [wg, wc] = [gates.grad!, (c.isLeaf ? c : cT).grad!];
      gates.grad = null;
      (c.isLeaf ? c : cT).grad = null;
      const close = (a: Tensor, b: Tensor) =>
        a.toFloat32Array().forEach((v, k) => expect(v).toBeCloseTo(b.toFloat32Array()[k], 5));
      close(gg, wg);
      close(gc, wc);
    }
  });

  it('passes gradcheck, first and second order', () => {
    const [gates, c] = inputs(2, 3, 4);
    gradcheck((g: Tensor, cc: Tensor) => lstmPointwise(g, cc), [gates.detach(), c.detach()]);
    const second = (g: Tensor) =>
      torch.enableGrad(() => {
        const leaf = g.requiresGrad ? g : g.detach().requiresGrad_(true);
        const y = lstmPointwise(leaf, c.detach());
        torch.manualSeed(9);
        y.backward(torch.randn([2, 6]), { createGraph: true });
        const d = leaf.grad!;
        leaf.grad = null;
        return d;
      });
    gradcheck(second, [gates.detach()]);
  });

  it('handles empty batches', () => {
    expect(lstmPointwise(torch.zeros([0, 8]), torch.zeros([0, 2])).shape).toEqual([0, 4]);
  });
});
