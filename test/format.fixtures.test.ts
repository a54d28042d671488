/** toString() prints exactly what PyTorch's repr prints (test/fixtures/format.json). */
import { describe, expect, it } from 'vitest';
import { fromJson, loadFixture, type JsonTensor } from './helpers.js';
import * as torch from '../src/index.js';

const fx = loadFixture<{
  meta: { torch: string };
  cases: Array<{ name: string; tensor: JsonTensor; requiresGrad: boolean; repr: string }>;
}>('format.json');

describe(`printing against PyTorch ${fx.meta.torch}`, () => {
  for (const c of fx.cases) {
    it(`${c.name}`, () => {
      expect(fromJson(c.tensor, c.requiresGrad).toString()).toBe(c.repr);
    });
  }

  it('shows grad_fn for results of recorded ops', () => {
    const x = torch.tensor([[1, 2.5]], { requiresGrad: true });
    expect(x.mul(2).toString()).toBe('tensor([[2., 5.]], grad_fn=<MulBackward0>)');
    expect(x.toString()).toBe('tensor([[1.0000, 2.5000]], requires_grad=True)');
  });

  it('prints Parameters and modules like PyTorch', () => {
    torch.manualSeed(0);
    const model = new torch.nn.Sequential(
      new torch.nn.Linear(2, 3),
      new torch.nn.ReLU(),
      new torch.nn.Linear(3, 1, { bias: false }),
    );
    expect(model.toString()).toBe(
      'Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n  (1): ReLU()\n' +
        '  (2): Linear(in_features=3, out_features=1, bias=False)\n)',
    );
    expect(new torch.nn.Parameter(torch.tensor([1, 2])).toString()).toBe(
      'Parameter containing:\ntensor([1., 2.], requires_grad=True)',
    );
  });
});
