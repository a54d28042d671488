import type { Tensor } from '../tensor/tensor.js';
import { requireNonNegative } from './validate.js';
import { squareAverageUpdate } from './update-kernels.js';
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

/** RMSprop's group options. */
export interface RMSpropOptions extends GroupOptions {
  /** Smoothing constant of the squared-gradient average. Default 0.99. */
  alpha: number;
  /** Added to the denominator for numerical stability. Default 1e-8. */
  eps: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay: number;
  /** Momentum factor. Default 0. */
  momentum: number;
  /** Normalise by the estimated variance (subtract the squared mean gradient). Default false. */
  centered: boolean;
  /** Maximize the objective instead of minimizing. Default false. */
  maximize: boolean;
}

/** RMSprop's per-parameter state, under PyTorch's keys. */
export interface RMSpropState {
  /** Steps taken. */
  step: number;
  /** Running average of squared gradients. */
  square_avg: Tensor;
  /** Momentum buffer (only with momentum > 0). */
  momentum_buffer?: Tensor;
  /** Running average of gradients (only when centered). */
  grad_avg?: Tensor;
}

const f = Math.fround;

/**
 * RMSprop with PyTorch 1.13's exact single-tensor float32 arithmetic (torch/optim/rmsprop.py):
 *
 *   g = maximize ? −∇ : ∇;  g = g + weightDecay · p
 *   s = α·s + (1−α)·g²;  centered: ḡ = α·ḡ + (1−α)·g, a = √(s − ḡ²) + eps; else a = √s + eps
 *   momentum > 0: b = momentum·b + g/a, p = p − lr·b;  else p = p − lr·g/a
 *
 * @param params - Tensors or parameter groups.
 * @param options - `lr` (1e-2), `alpha` (0.99), `eps` (1e-8), `weightDecay` (0), `momentum` (0),
 *   `centered` (false), `maximize` (false) and the clipping options; or the lr alone.
 * @throws TypeError for unknown or mistyped options; RangeError for PyTorch's invalid values.
 * @example
 * const opt = new RMSprop(model.parameters(), { lr: 1e-2, momentum: 0.9, centered: true });
 */
export class RMSprop extends Optimizer<RMSpropOptions, RMSpropState> {
  /**
   * Creates the optimizer over `params`, as `torch.optim.RMSprop(params, ...)`.
   *
   * @param params - An iterable of tensors (e.g. `model.parameters()`), or of parameter groups
   *   `{ params, ...options }` whose options override the defaults.
   * @param options - `lr` (default 1e-2), `alpha` (0.99), `eps` (1e-8), `weightDecay` (0),
   *   `momentum` (0), `centered` (`false`), `maximize` (`false`) and the clipping options
   *   (`ClipOptions`); or a number, the learning rate.
   * @throws TypeError if `params` is not an iterable of tensors or groups, or an option is unknown
   *   or mistyped.
   * @throws RangeError if `params` is empty or an option has a value PyTorch rejects.
   */
  constructor(
    params: ParamsInput<RMSpropOptions>,
    options: (Partial<RMSpropOptions> & CommonOptions) | number = {},
  ) {
    const o = optionsObject('RMSprop', options, {
      lr: 'number',
      alpha: 'number',
      eps: 'number',
      weightDecay: 'number',
      momentum: 'number',
      centered: 'boolean',
      maximize: 'boolean',
    });
    super(
      params,
      {
        lr: (o.lr as number | undefined) ?? 1e-2,
        alpha: (o.alpha as number | undefined) ?? 0.99,
        eps: (o.eps as number | undefined) ?? 1e-8,
        weightDecay: (o.weightDecay as number | undefined) ?? 0,
        momentum: (o.momentum as number | undefined) ?? 0,
        centered: (o.centered as boolean | undefined) ?? false,
        maximize: (o.maximize as boolean | undefined) ?? false,
      },
      { name: 'RMSprop', clip: clipOptionsOf(o) },
    );
  }

  /**
   * Checks a group's values as PyTorch's `RMSprop` constructor does.
   *
   * @param g - The group, with every option filled in.
   * @throws RangeError for a value PyTorch rejects (e.g. a negative lr).
   * @throws TypeError for a value of the wrong type.
   */
  protected override validateGroup(g: ParamGroup<RMSpropOptions>): void {
    requireNonNegative('RMSprop', 'lr', g.lr);
    requireNonNegative('RMSprop', 'epsilon', g.eps);
    requireNonNegative('RMSprop', 'momentum', g.momentum);
    requireNonNegative('RMSprop', 'weight_decay', g.weightDecay);
    requireNonNegative('RMSprop', 'alpha', g.alpha);
  }

  protected initState(p: Tensor, group: ParamGroup<RMSpropOptions>): RMSpropState {
    const s: RMSpropState = { step: 0, square_avg: zerosLikeParam(p) };
    if (group.momentum > 0) s.momentum_buffer = zerosLikeParam(p);
    if (group.centered) s.grad_avg = zerosLikeParam(p);
    return s;
  }

  /** The update reads the gradient only while it runs. */
  protected override readonly readsGradientOnlyDuringUpdate = true;

  protected updateParameter(
    { param, grad, tensor }: ParamView,
    state: RMSpropState,
    group: ParamGroup<RMSpropOptions>,
  ): void {
    const { alpha, eps, momentum, centered } = group;
    state.step += 1;
    if (momentum > 0 && state.momentum_buffer === undefined)
      state.momentum_buffer = zerosLikeParam(tensor);
    if (centered && state.grad_avg === undefined) state.grad_avg = zerosLikeParam(tensor);
    const sq = bufferOf(state.square_avg);
    const gAvg = centered ? bufferOf(state.grad_avg as Tensor) : null;
    const buf = momentum > 0 ? bufferOf(state.momentum_buffer as Tensor) : null;
    const alpha32 = f(alpha);
    const oneMinusAlpha = f(1 - alpha);
    const eps32 = f(eps);
    const mom32 = f(momentum);
    const negLr = f(-group.lr);
    const n = param.length;
    // SIMD over the leading multiple of 8 with the loop's bits (every variant) when the parameter
    // and its state live in the arena; the loop does the rest, or everything otherwise.
    const done = squareAverageUpdate(param, grad, sq, negLr, eps32, alpha32, oneMinusAlpha, {
      gradAvg: gAvg,
      buffer: buf,
      momentum: mom32,
    });
    for (let i = done; i < n; i++) {
      const g = grad[i];
      // square_avg.mul_(α).addcmul_(g, g, value=1−α)
      const s = f(f(sq[i] * alpha32) + f(oneMinusAlpha * g) * g);
      sq[i] = s;
      let avg: number;
      if (gAvg !== null) {
        // grad_avg.mul_(α).add_(g, alpha=1−α); avg = square_avg.addcmul(ḡ, ḡ, value=−1).sqrt_()
        const ga = f(f(gAvg[i] * alpha32) + oneMinusAlpha * g);
        gAvg[i] = ga;
        avg = f(Math.sqrt(f(s - ga * ga)));
      } else avg = f(Math.sqrt(s));
      avg = f(avg + eps32);
      if (buf !== null) {
        // buf.mul_(momentum).addcdiv_(g, avg); param.add_(buf, alpha=−lr)
        const b = f(f(buf[i] * mom32) + f(g / avg));
        buf[i] = b;
        param[i] = f(negLr * b + param[i]);
      } else {
        // param.addcdiv_(g, avg, value=−lr)
        param[i] = f(param[i] + f(f(negLr * g) / avg));
      }
    }
  }
}
