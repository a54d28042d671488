/**
 * The update direction (gradient plus coupled weight decay, negated under maximize) is computed
 * into memory the next step reuses only for optimizers whose update keeps no reference to it: a
 * user's subclass that keeps `view.grad` still sees the values of its own step.
 */
import { describe, expect, it } from 'vitest';
import { Optimizer, type ParamView } from './optimizer.js';
import { tensor } from '../tensor/creation.js';

interface Options {
  lr: number;
  weightDecay: number;
}

/** Keeps every direction it is given (as an Rprop-like optimizer keeps the previous gradient). */
class Keeper extends Optimizer<Options, { kept: Float32Array[] }> {
  readonly seen: Float32Array[] = [];
  constructor(params: ConstructorParameters<typeof Optimizer<Options>>[0]) {
    super(params, { lr: 0.1, weightDecay: 0.5 }, { name: 'Keeper' });
  }
  protected initState(): { kept: Float32Array[] } {
    return { kept: [] };
  }
  protected updateParameter(view: ParamView): void {
    this.seen.push(view.grad);
  }
}

describe('the update direction', () => {
  it('stays intact for a subclass that keeps it', () => {
    const n = 1 << 15; // large enough for the arena
    const p = tensor(new Float32Array(n).fill(2), { requiresGrad: true });
    const opt = new Keeper([p]);
    p.grad = tensor(new Float32Array(n).fill(1));
    opt.step();
    p.grad = tensor(new Float32Array(n).fill(3));
    opt.step();
    // d = wd·p + g: 0.5·2 + 1 and 0.5·2 + 3, each still as computed.
    expect(opt.seen[0]![0]).toBe(2);
    expect(opt.seen[0]![n - 1]).toBe(2);
    expect(opt.seen[1]![0]).toBe(4);
  });
});
