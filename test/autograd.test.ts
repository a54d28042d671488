/** Autograd semantics and PyTorch's error rules (reference: PyTorch's autograd, 1.13 and 2.x). */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';

describe('graph recording', () => {
  it('propagates requiresGrad and marks results as non-leaves with a gradFn', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const c = torch.tensor([3, 4]);
    const y = x.mul(c);
    expect(y.requiresGrad).toBe(true);
    expect(y.isLeaf).toBe(false);
    expect(y.gradFn!.name).toBe('MulBackward0');
    const z = c.mul(2);
    expect(z.requiresGrad).toBe(false);
    expect(z.isLeaf).toBe(true);
  });

  it('noGrad records nothing; enableGrad re-enables inside it', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const y = torch.noGrad(() => x.mul(2));
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    expect(() => y.sum().backward()).toThrow(
      'element 0 of tensors does not require grad and does not have a grad_fn',
    );
    const z = torch.noGrad(() => torch.enableGrad(() => x.mul(2)));
    expect(z.requiresGrad).toBe(true);
    expect(torch.isGradEnabled()).toBe(true);
  });

  it('accumulates into .grad across backward calls', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    for (let i = 0; i < 3; i++) x.mul(x).sum().backward();
    expect(x.grad!.tolist()).toEqual([6, 12]);
  });

  it('sums gradients of a tensor used several times, through a diamond', () => {
    const x = torch.tensor(3, { requiresGrad: true });
    const a = x.mul(2);
    const y = a.mul(a).add(a.exp().log()); // 4x^2 + 2x
    y.backward();
    expect(x.grad!.item()).toBeCloseTo(26, 5);
  });

  it('does not alias the gradient argument into .grad', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const g = torch.tensor([1, 1]);
    x.mul(1).backward(g);
    g.mul_(5);
    expect(x.grad!.tolist()).toEqual([1, 1]);
  });

  it('handles deep graphs without recursion limits', () => {
    const x = torch.tensor(1, { requiresGrad: true });
    let y = x;
    for (let i = 0; i < 20000; i++) y = y.add(1e-4);
    y.backward();
    expect(x.grad!.item()).toBe(1);
  });

  it('createGraph gives higher-order gradients', () => {
    const x = torch.tensor(2, { requiresGrad: true });
    const y = x.pow(3);
    y.backward(undefined, { createGraph: true });
    const dx = x.grad!;
    expect(dx.item()).toBe(12);
    x.grad = null;
    dx.backward();
    expect(x.grad!.item()).toBe(12); // d²/dx² x³ = 6x
  });
});

describe('PyTorch error rules', () => {
  it('backward on a non-scalar needs a gradient; shapes must match', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    expect(() => x.mul(2).backward()).toThrow(
      'grad can be implicitly created only for scalar outputs',
    );
    expect(() => x.mul(2).backward(torch.ones(3))).toThrow(
      'Mismatch in shape: grad_output[0] has a shape of [3] and output[0] has a shape of [2].',
    );
    const one = torch.tensor([5], { requiresGrad: true });
    one.mul(2).backward(); // a one-element tensor works without a gradient
    expect(one.grad!.tolist()).toEqual([2]);
  });

  it('backward through a freed graph a second time fails only where saved tensors are needed', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward();
    expect(() => y.backward()).toThrow(
      /Trying to backward through the graph a second time.*retainGraph: true/,
    );
    const z = x.add(1).sum(); // add and sum save nothing
    z.backward();
    expect(() => z.backward()).not.toThrow();
    const w = x.mul(x).sum();
    w.backward(undefined, { retainGraph: true });
    w.backward();
    // y: [2, 4]; z twice: +[1, 1] each; w twice: +[2, 4] each.
    expect(x.grad!.tolist()).toEqual([8, 14]);
  });

  it('the version counter catches in-place changes to saved tensors', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const a = x.add(1);
    const b = a.exp(); // saves its output
    b.mul_(2);
    expect(() => b.sum().backward()).toThrow(
      /one of the variables needed for gradient computation has been modified by an inplace operation: \[Tensor \[2\]\], which is output 0 of ExpBackward0, is at version 1; expected version 0 instead/,
    );
    const c = x.add(1);
    const d = c.mul(c);
    c.add_(1);
    expect(() => d.sum().backward()).toThrow(/modified by an inplace operation/);
    // Views share the counter.
    const e = x.add(1);
    const f = e.pow(2);
    e.view(2, 1).detach().zero_();
    expect(() => f.sum().backward()).toThrow(/is at version 1; expected version 0/);
  });

  it('in-place ops on a leaf that requires grad are refused, except under noGrad', () => {
    const w = torch.tensor([1, 2], { requiresGrad: true });
    expect(() => w.add_(1)).toThrow(
      'a leaf Variable that requires grad is being used in an in-place operation.',
    );
    expect(() => w.mul_(2)).toThrow(/leaf Variable/);
    expect(() => w.zero_()).toThrow(/leaf Variable/);
    expect(w.tolist()).toEqual([1, 2]);
    torch.noGrad(() => w.sub_(1));
    expect(w.tolist()).toEqual([0, 1]);
  });

  it('in-place ops on non-leaves rebase the history and keep gradients right', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const y = x.mul(3);
    y.add_(1).mul_(2);
    expect(y.gradFn!.name).toBe('MulBackward0');
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([6, 6]);
  });

  it('in-place ops through views rebase the base (CopySlices) and the view (AsStridedBackward0)', () => {
    const x = torch.tensor([1, 2, 3], { requiresGrad: true });
    const y = x.mul(1);
    const before = y.narrow(0, 0, 2);
    const v = y.narrow(0, 1, 2);
    v.mul_(4);
    expect(y.gradFn!.name).toBe('CopySlices');
    expect(v.gradFn!.name).toBe('AsStridedBackward0');
    // A view taken before the write now reads through the base's new history too.
    expect(before.gradFn!.name).toBe('AsStridedBackward0');
    before.sum().backward();
    expect(x.grad!.tolist()).toEqual([1, 4, 0]);
  });

  it('in-place ops through views refuse no-grad views and failed ones change nothing', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const y = x.mul(1);
    const v = torch.noGrad(() => y.narrow(0, 0, 1));
    expect(() => v.mul_(2)).toThrow(/A view was created in no_grad mode/);
    const w = y.narrow(0, 0, 2);
    expect(() => w.add_(torch.ones(3, { requiresGrad: true }))).toThrow(/broadcast/);
    expect(y.tolist()).toEqual([1, 2]);
    expect(y.gradFn!.name).toBe('MulBackward0');
    expect(() => x.detach().expand(2, 2).add_(1)).toThrow(/more than one element/);
    // Also when only the operand requires grad.
    const k = torch.zeros(3);
    const kv = torch.noGrad(() => k.narrow(0, 0, 2));
    expect(() => kv.add_(torch.ones(2, { requiresGrad: true }))).toThrow(/no_grad mode/);
    expect(k.tolist()).toEqual([0, 0, 0]);
    expect(k.requiresGrad).toBe(false);
  });

  it('.grad assignment checks shape and type', () => {
    const x = torch.zeros(2, 3);
    expect(() => (x.grad = torch.zeros(3, 2))).toThrow(
      /assigned grad has data of a different size/,
    );
    expect(() => (x.grad = [1, 2] as unknown as torch.Tensor)).toThrow(/Tensor or null/);
    x.grad = torch.ones(2, 3);
    x.grad = null;
    expect(x.grad).toBeNull();
  });

  it('requiresGrad can only be changed on leaves', () => {
    const x = torch.tensor([1], { requiresGrad: true });
    expect(() => x.mul(2).requiresGrad_(false)).toThrow(
      /only change requires_grad flags of leaf variables/,
    );
  });
});

describe('retainGrad, hooks and detach', () => {
  it('retainGrad fills .grad of a non-leaf, accumulating', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    y.retainGrad();
    expect(y.retainsGrad).toBe(true);
    y.mul(y).sum().backward(undefined, { retainGraph: true });
    expect(y.grad!.tolist()).toEqual([4, 8]);
    expect(x.grad).not.toBeNull();
    const z = x.mul(2);
    expect(z.grad).toBeNull();
  });

  it('a hook sees the gradient and may replace it', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const seen: number[][] = [];
    x.registerHook((g) => {
      seen.push(g.tolist() as number[]);
    });
    const y = x.mul(3);
    const handle = y.registerHook((g) => g.mul(10));
    y.sum().backward();
    expect(seen).toEqual([[30, 30]]);
    expect(x.grad!.tolist()).toEqual([30, 30]);
    handle.remove();
    x.grad = null;
    x.mul(3).sum().backward();
    expect(x.grad!.tolist()).toEqual([3, 3]);
    expect(() => torch.zeros(1).registerHook(() => undefined)).toThrow(/doesn't require gradient/);
  });

  it('detach shares memory and the version counter, without history', () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    const d = y.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.isLeaf).toBe(true);
    d.add_(1);
    expect(y.tolist()).toEqual([3, 5]);
    expect(x.data.requiresGrad).toBe(false);
  });
});

describe('views and in-place writes share storage', () => {
  it('writes through transposed, selected and sliced views reach the base', () => {
    const base = torch.zeros(3, 4);
    base.t().select(0, 1).fill_(1);
    base.slice(1, 2, 4).mul_(0).add_(2);
    base.narrow(0, 2, 1).copy_(torch.tensor([9, 9, 9, 9]));
    expect(base.tolist()).toEqual([
      [0, 1, 2, 2],
      [0, 1, 2, 2],
      [9, 9, 9, 9],
    ]);
  });

  it('contiguous() copies only when needed; view of a transposed tensor is refused', () => {
    const a = torch.arange(6).view(2, 3);
    expect(a.contiguous()).toBe(a);
    const t = a.t();
    expect(t.isContiguous()).toBe(false);
    expect(t.contiguous().isContiguous()).toBe(true);
    expect(() => t.view(6)).toThrow(/view size is not compatible.*Use .reshape/);
    expect(t.reshape(6).tolist()).toEqual([0, 3, 1, 4, 2, 5]);
    expect(a.view(3, 2).buffer).toBe(a.buffer);
  });

  it('expand makes stride-0 views; 0-d tensors are real', () => {
    const s = torch.tensor(2);
    expect(s.dim()).toBe(0);
    expect(s.shape).toEqual([]);
    expect(s.tolist()).toBe(2);
    const e = torch.tensor([1, 2]).expand(3, 2);
    expect(e.stride()).toEqual([0, 1]);
    expect(e.sum().item()).toBe(9);
  });

  it('failed in-place ops leave tensors unchanged', () => {
    const a = torch.tensor([[1, 2, 3]]);
    expect(() => a.add_(torch.ones(2, 3))).toThrow(/doesn't match the broadcast shape/);
    expect(() => a.copy_(torch.ones(4))).toThrow(/cannot be broadcast/);
    expect(a.tolist()).toEqual([[1, 2, 3]]);
  });
});

describe('overwriting in place (fill_, uniform_, normal_)', () => {
  it('cuts the gradient to the overwritten value, as PyTorch does', () => {
    const cases: Array<[string, (y: torch.Tensor) => torch.Tensor]> = [
      ['FillBackward2', (y) => y.fill_(3)],
      ['UniformBackward0', (y) => y.uniform_()],
      ['NormalBackward0', (y) => y.normal_()],
    ];
    for (const [name, overwrite] of cases) {
      const x = torch.tensor([1, 2], { requiresGrad: true });
      const y = overwrite(x.mul(2));
      expect(y.gradFn!.name).toBe(name);
      y.sum().backward();
      expect(x.grad!.tolist()).toEqual([0, 0]);
    }
  });

  it('refuses a leaf that requires grad, leaving it unchanged', () => {
    const w = torch.tensor([1, 2], { requiresGrad: true });
    expect(() => w.uniform_()).toThrow(/leaf Variable that requires grad/);
    expect(() => w.normal_()).toThrow(/leaf Variable that requires grad/);
    expect(w.tolist()).toEqual([1, 2]);
    torch.noGrad(() => w.uniform_(5, 6));
    expect((w.tolist() as number[]).every((v) => v >= 5 && v < 6)).toBe(true);
  });
});
