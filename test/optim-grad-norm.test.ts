/**
 * `Optimizer.lastGradNorm` when no clipping option needs it inside `step()`: computed when read,
 * from the gradients the step used, with the value the step would have recorded; a read after
 * those gradients changed throws instead of measuring something else.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';

const { optim } = torch;

/** Parameters with gradients: large ones (in the arena) and small ones (plain arrays). */
function params(seed: number): torch.Tensor[] {
  torch.manualSeed(seed);
  return [[70000], [3, 5], [1], [300, 40]].map((shape) => {
    const p = torch.randn(shape, { requiresGrad: true });
    p.grad = torch.randn(shape).mul(seed);
    return p;
  });
}

/** The norm as a step that clips records it, over the same gradients. */
function eagerNorm(ps: torch.Tensor[]): number {
  return torch
    .getTotalNorm(
      ps.map((p) => p.grad!),
      2,
    )
    .item();
}

const OPTIMIZERS = [
  ['SGD', (ps: torch.Tensor[]) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9 })],
  ['Adam', (ps: torch.Tensor[]) => new optim.Adam(ps, { lr: 0.1 })],
  ['RMSprop', (ps: torch.Tensor[]) => new optim.RMSprop(ps, { lr: 0.1, centered: true })],
] as const;

describe('lastGradNorm computed when read', () => {
  for (const [name, make] of OPTIMIZERS) {
    it(`${name}: the same bits as the norm a clipping step records, step after step`, () => {
      const ps = params(3);
      const clipped = params(3);
      const opt = make(ps);
      // clipValue: Infinity clips nothing but makes the step record the norm as it runs.
      const eager = new (opt.constructor as typeof optim.SGD)(clipped, {
        ...(opt.defaults as object),
        clipValue: Infinity,
      });
      for (let s = 1; s <= 3; s++) {
        const want = eagerNorm(ps);
        opt.step();
        eager.step();
        expect(opt.lastGradNorm).toBe(want);
        expect(eager.lastGradNorm).toBe(want);
        expect(opt.lastGradNorm).toBe(want); // a second read gives the same number
        ps.forEach((p, i) => {
          expect(p.toFloat32Array()).toEqual(clipped[i].toFloat32Array());
          p.grad = p.grad!.mul(0.5);
          clipped[i].grad = clipped[i].grad!.mul(0.5);
        });
      }
    });
  }

  it('is null before any step with gradients, and after a step without any', () => {
    const p = torch.zeros([4], { requiresGrad: true });
    const opt = new optim.SGD([p], 0.1);
    expect(opt.lastGradNorm).toBeNull();
    opt.step();
    expect(opt.lastGradNorm).toBeNull();
    p.grad = torch.tensor([3, 4, 0, 0]);
    opt.step();
    expect(opt.lastGradNorm).toBe(5);
    p.grad = null;
    opt.step();
    expect(opt.lastGradNorm).toBeNull();
  });

  it('survives zeroGrad(): dropped gradients are kept for it, zeroed ones are measured first', () => {
    for (const setToNone of [true, false]) {
      const ps = params(5);
      const want = eagerNorm(ps);
      const opt = new optim.SGD(ps, 0.1);
      opt.step();
      opt.zeroGrad({ setToNone });
      expect(opt.lastGradNorm).toBe(want);
      // The next backward's gradients do not change it either.
      ps.forEach((p) => p.sum().backward());
      expect(opt.lastGradNorm).toBe(want);
    }
  });

  it('the next step replaces an unread norm', () => {
    const ps = params(7);
    const opt = new optim.Adam(ps, 0.1);
    opt.step();
    ps.forEach((p) => (p.grad = p.grad!.mul(3)));
    const want = eagerNorm(ps);
    opt.step();
    expect(opt.lastGradNorm).toBe(want);
  });

  it('throws, naming the optimizer and the property, when a gradient changed before the read', () => {
    const changes: Array<[string, (g: torch.Tensor) => void]> = [
      ['written in place', (g) => g.mul_(2)],
      ['zeroed by the model', (g) => g.zero_()],
      ['disposed', (g) => g.dispose()],
      ['aliased through .data and written there', (g) => g.data.fill_(1)],
    ];
    for (const [, change] of changes) {
      const ps = params(9);
      const opt = new optim.SGD(ps, 0.1);
      opt.step();
      change(ps[3].grad!);
      expect(() => opt.lastGradNorm).toThrow(
        /^SGD\.lastGradNorm: a gradient of the last step\(\) was changed in place, disposed or aliased/,
      );
      // Still unreadable until the next step, which records a fresh one.
      expect(() => opt.lastGradNorm).toThrow(/lastGradNorm/);
      ps[3].grad = torch.ones([300, 40]);
      const want = eagerNorm(ps);
      opt.step();
      expect(opt.lastGradNorm).toBe(want);
    }
  });

  it('is measured inside the step when a gradient is already aliased (its writes would be unseen)', () => {
    const ps = params(11);
    const alias = ps[0].grad!.data;
    const want = eagerNorm(ps);
    const opt = new optim.SGD(ps, 0.1);
    opt.step();
    alias.fill_(0);
    expect(opt.lastGradNorm).toBe(want);
  });

  it('a clipping step records the norm before clipping, whatever happens to the gradients after', () => {
    const ps = params(13);
    const want = eagerNorm(ps);
    const opt = new optim.SGD(ps, { lr: 0.1, globalClipNorm: 1 });
    opt.step();
    ps[0].grad!.mul_(0);
    expect(opt.lastGradNorm).toBe(want);
  });

  it('can be assigned, which drops a pending norm', () => {
    const ps = params(15);
    const opt = new optim.SGD(ps, 0.1);
    opt.step();
    ps[0].grad!.mul_(2);
    opt.lastGradNorm = 1.5;
    expect(opt.lastGradNorm).toBe(1.5);
  });
});
