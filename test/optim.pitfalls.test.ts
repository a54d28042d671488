/**
 * The optimizer reports each step to the pitfall tracker (start and end, with all its
 * parameters) and runs its own clipping quietly, so that it is never taken for the user's.
 */
import { describe, expect, it, vi } from 'vitest';

const calls: string[] = [];
vi.mock('../src/utils/clip/pitfalls.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../src/utils/clip/pitfalls.js')>();
  return {
    ...actual,
    onOptimizerStep: (ps: readonly unknown[]) => calls.push(`start:${ps.length}`),
    onOptimizerStepEnd: (ps: readonly unknown[]) => calls.push(`end:${ps.length}`),
    quietly: <T>(fn: () => T): T => {
      calls.push('quiet:begin');
      const out = fn();
      calls.push('quiet:end');
      return out;
    },
  };
});

const torch = await import('../src/index.js');

describe('optimizer steps and pitfall tracking', () => {
  it('calls onOptimizerStep / onOptimizerStepEnd around every step and clips quietly', () => {
    const a = torch.tensor([1, 2], { requiresGrad: true });
    const b = torch.tensor([3], { requiresGrad: true });
    a.grad = torch.tensor([1, 1]);
    const opt = new torch.optim.Adam([{ params: [a] }, { params: [b] }], { globalClipNorm: 1 });
    calls.length = 0;
    opt.step();
    expect(calls).toEqual(['start:2', 'quiet:begin', 'quiet:end', 'end:2']);
  });

  it('reports the end of a step even when the step is skipped', () => {
    const a = torch.tensor([1, 2], { requiresGrad: true });
    a.grad = torch.tensor([NaN, 1]);
    const opt = new torch.optim.SGD([a], { lr: 0.1, skipNonFinite: true });
    calls.length = 0;
    opt.step();
    expect(calls[0]).toBe('start:1');
    expect(calls.at(-1)).toBe('end:1');
    expect(opt.skippedSteps).toBe(1);
  });
});
