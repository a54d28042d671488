import { noGrad, enableGrad } from '../autograd/grad-mode.js';
import { Tensor, describe } from '../tensor/tensor.js';
import { Optimizer, type GroupOptions, type ParamGroup, type ParamsInput } from './optimizer.js';

export interface SGDOptions extends GroupOptions {
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

const f = Math.fround;

/**
 * Stochastic gradient descent with PyTorch's exact update (torch/optim/sgd.py), per parameter:
 *
 *   d = maximize ? -g : g
 *   d = d + weightDecay · p                           (if weightDecay ≠ 0)
 *   b = d on the first step, else momentum · b + (1 − dampening) · d
 *   d = nesterov ? d + momentum · b : b               (if momentum ≠ 0)
 *   p = p − lr · d
 *
 * One fused loop per parameter, in float32 with fused multiply-adds like PyTorch's CPU kernel.
 * `lr` defaults to 1e-3 as in PyTorch 2.x (1.13 required it).
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> = {}) {
    super(params, {
      lr: options.lr ?? 1e-3,
      momentum: options.momentum ?? 0,
      dampening: options.dampening ?? 0,
      weightDecay: options.weightDecay ?? 0,
      nesterov: options.nesterov ?? false,
      maximize: options.maximize ?? false,
    });
  }

  protected override validateGroup(g: ParamGroup<SGDOptions>): void {
    for (const key of ['lr', 'momentum', 'dampening', 'weightDecay'] as const) {
      if (typeof g[key] !== 'number' || Number.isNaN(g[key]))
        throw new TypeError(`SGD: ${key} must be a number, got ${describe(g[key])}`);
    }
    if (g.lr < 0) throw new RangeError(`Invalid learning rate: ${g.lr}`);
    if (g.momentum < 0) throw new RangeError(`Invalid momentum value: ${g.momentum}`);
    if (g.weightDecay < 0) throw new RangeError(`Invalid weight_decay value: ${g.weightDecay}`);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) {
      throw new RangeError('Nesterov momentum requires a momentum and zero dampening');
    }
  }

  step(closure?: () => Tensor): Tensor | undefined {
    const loss = closure ? enableGrad(closure) : undefined;
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (p.grad === null) continue;
          this.updateParameter(p, p.grad, group);
        }
      }
    });
    return loss;
  }

  private updateParameter(p: Tensor, grad: Tensor, group: ParamGroup<SGDOptions>): void {
    const { momentum, dampening, weightDecay: wd, nesterov, maximize } = group;
    // Contiguous parameters are updated in their own memory; others via a copy written back.
    const inPlace = p.isContiguous();
    const param = p._contiguousData();
    const g = grad._contiguousData();
    const n = param.length;
    const negLr = f(-group.lr);
    const wd32 = f(wd);
    const mom32 = f(momentum);
    const damp32 = f(1 - dampening);
    if (momentum !== 0) {
      const state = this.state.get(p) ?? {};
      const existing = state.momentum_buffer;
      const buf = existing instanceof Tensor ? existing.buffer : new Float32Array(n);
      if (!(existing instanceof Tensor)) state.momentum_buffer = Tensor._fromData(buf, p.shape);
      this.state.set(p, state);
      const first = !(existing instanceof Tensor);
      for (let i = 0; i < n; i++) {
        let d = maximize ? -g[i] : g[i];
        if (wd !== 0) d = f(wd32 * param[i] + d);
        const b = first
          ? d
          : dampening === 0
            ? f(f(buf[i] * mom32) + d)
            : f(damp32 * d + f(buf[i] * mom32));
        buf[i] = b;
        d = nesterov ? f(mom32 * b + d) : b;
        param[i] = negLr * d + param[i];
      }
    } else {
      for (let i = 0; i < n; i++) {
        let d = maximize ? -g[i] : g[i];
        if (wd !== 0) d = f(wd32 * param[i] + d);
        param[i] = negLr * d + param[i];
      }
    }
    if (inPlace) p._storage.version++;
    else p.copy_(Tensor._fromData(param, p.shape));
  }
}
