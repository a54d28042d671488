import type { Tensor } from '../tensor/tensor.js';
import { requireNonNegative } from './validate.js';
import {
  Optimizer,
  bufferOf,
  clipOptionsOf,
  optionsObject,
  zerosLikeParam,
  type CommonOptions,
  type GroupOptions,
  type ParamGroup,
  type ParamView,
  type ParamsInput,
} from './optimizer.js';
import { overGradient, updateKernelsFor } from './update-kernels.js';

/** SGD's group options. */
export interface SGDOptions extends GroupOptions {
  /** Momentum factor. Default 0. */
  momentum: number;
  /** Dampening of the momentum. Default 0. */
  dampening: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). Default false. */
  nesterov: boolean;
  /** Maximize the objective instead of minimizing. Default false. */
  maximize: boolean;
}

/** SGD's per-parameter state (PyTorch's key): null until momentum is used. */
export interface SGDState {
  /** The momentum buffer `b` (shape of the parameter), created on the first step with momentum. */
  momentum_buffer: Tensor | null;
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
 * In float32 with fused multiply-adds like PyTorch's CPU kernels. `lr` defaults to 1e-3 as in
 * PyTorch 2.x (1.13 required it); a number in place of the options is the learning rate.
 *
 * @param params - Tensors or parameter groups.
 * @param options - `lr` (1e-3), `momentum` (0), `dampening` (0), `weightDecay` (0), `nesterov`
 *   (false), `maximize` (false), and the clipping options (`ClipOptions`); or the lr alone.
 * @throws TypeError for unknown or mistyped options; RangeError for PyTorch's invalid values.
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 */
export class SGD extends Optimizer<SGDOptions, SGDState> {
  /**
   * Creates the optimizer over `params`, as `torch.optim.SGD(params, ...)`.
   *
   * @param params - An iterable of tensors (e.g. `model.parameters()`), or of parameter groups
   *   `{ params, ...options }` whose options override the defaults.
   * @param options - `lr` (default 1e-3), `momentum` (0), `dampening` (0), `weightDecay` (0),
   *   `nesterov` (`false`), `maximize` (`false`) and the clipping options (`ClipOptions`); or a
   *   number, the learning rate.
   * @throws TypeError if `params` is not an iterable of tensors or groups, or an option is unknown
   *   or mistyped.
   * @throws RangeError if `params` is empty or an option has a value PyTorch rejects (e.g. a
   *   negative lr, or nesterov without momentum).
   */
  constructor(
    params: ParamsInput<SGDOptions>,
    options: (Partial<SGDOptions> & CommonOptions) | number = {},
  ) {
    const o = optionsObject('SGD', options, {
      lr: 'number',
      momentum: 'number',
      dampening: 'number',
      weightDecay: 'number',
      nesterov: 'boolean',
      maximize: 'boolean',
    });
    super(
      params,
      {
        lr: (o.lr as number | undefined) ?? 1e-3,
        momentum: (o.momentum as number | undefined) ?? 0,
        dampening: (o.dampening as number | undefined) ?? 0,
        weightDecay: (o.weightDecay as number | undefined) ?? 0,
        nesterov: (o.nesterov as boolean | undefined) ?? false,
        maximize: (o.maximize as boolean | undefined) ?? false,
      },
      { name: 'SGD', clip: clipOptionsOf(o) },
    );
  }

  /**
   * Checks a group's values as PyTorch's `SGD` constructor does.
   *
   * @param g - The group, with every option filled in.
   * @throws RangeError for a value PyTorch rejects (e.g. a negative lr).
   * @throws TypeError for a value of the wrong type.
   */
  protected override validateGroup(g: ParamGroup<SGDOptions>): void {
    requireNonNegative('SGD', 'lr', g.lr);
    requireNonNegative('SGD', 'momentum', g.momentum);
    requireNonNegative('SGD', 'weight_decay', g.weightDecay);
    if (typeof g.dampening !== 'number' || Number.isNaN(g.dampening))
      throw new TypeError(`SGD: dampening must be a number, got ${String(g.dampening)}`);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) {
      throw new RangeError('SGD: Nesterov momentum requires a momentum and zero dampening');
    }
  }

  protected initState(): SGDState {
    return { momentum_buffer: null };
  }

  /** The update reads the gradient only while it runs. */
  protected override readonly readsGradientOnlyDuringUpdate = true;

  protected updateParameter(
    { param, grad, tensor }: ParamView,
    state: SGDState,
    group: ParamGroup<SGDOptions>,
  ): void {
    const { momentum, dampening, nesterov } = group;
    const n = param.length;
    const negLr = f(-group.lr);
    if (momentum === 0) {
      // SIMD on the arena's memory for the leading multiple of 4, the same bits as this loop.
      const simd = updateKernelsFor(n, param);
      const done = simd === undefined ? 0 : n - (n & 7);
      if (simd !== undefined)
        overGradient(grad, done, (g, at, len) =>
          simd.axpy(param.byteOffset + 4 * at, g, len, negLr),
        );
      for (let i = done; i < n; i++) param[i] = negLr * grad[i] + param[i];
      return;
    }
    const mom32 = f(momentum);
    const damp32 = f(1 - dampening);
    const first = state.momentum_buffer === null;
    if (state.momentum_buffer === null) state.momentum_buffer = zerosLikeParam(tensor);
    const buf = bufferOf(state.momentum_buffer);
    const simd = updateKernelsFor(n, param, buf);
    const done = simd === undefined ? 0 : n - (n & 7); // the kernel takes 8 elements per pass
    if (simd !== undefined) {
      const mode = (first ? 1 : 0) | (dampening !== 0 ? 2 : 0) | (nesterov ? 4 : 0);
      overGradient(grad, done, (g, at, len) =>
        simd.momentum(
          param.byteOffset + 4 * at,
          g,
          buf.byteOffset + 4 * at,
          len,
          negLr,
          mom32,
          damp32,
          mode,
        ),
      );
    }
    for (let i = done; i < n; i++) {
      const d = grad[i];
      // First step: the buffer is a copy of d (PyTorch's torch.clone(d_p)).
      const b = first
        ? d
        : dampening === 0
          ? f(f(buf[i] * mom32) + d)
          : f(damp32 * d + f(buf[i] * mom32));
      buf[i] = b;
      param[i] = negLr * (nesterov ? f(mom32 * b + d) : b) + param[i];
    }
  }
}
