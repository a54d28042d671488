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

/** Adagrad's group options. */
export interface AdagradOptions extends GroupOptions {
  /** Learning-rate decay: the step's lr is `lr / (1 + (t − 1) · lrDecay)`. Default 0. */
  lrDecay: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay: number;
  /** Starting value of the accumulated squared gradients. Default 0. */
  initialAccumulatorValue: number;
  /** Added to the denominator for numerical stability. Default 1e-10. */
  eps: number;
  /** Maximize the objective instead of minimizing. Default false. */
  maximize: boolean;
}

/** Adagrad's per-parameter state, under PyTorch's keys. */
export interface AdagradState {
  /** Steps taken (PyTorch keeps a float tensor; here a number). */
  step: number;
  /** Accumulated squared gradients. */
  sum: Tensor;
}

const f = Math.fround;

/**
 * Adagrad with PyTorch 1.13's exact single-tensor float32 arithmetic (torch/optim/adagrad.py):
 *
 *   g = maximize ? −∇ : ∇;  g = g + weightDecay · p;  clr = lr / (1 + (t − 1) · lrDecay)
 *   sum = sum + g²;  p = p − clr · g / (√sum + eps)
 *
 * As in PyTorch, the state (`step` 0, `sum` filled with `initialAccumulatorValue`) exists for
 * every parameter from construction on.
 *
 * @param params - Tensors or parameter groups.
 * @param options - `lr` (1e-2), `lrDecay` (0), `weightDecay` (0), `initialAccumulatorValue` (0),
 *   `eps` (1e-10), `maximize` (false) and the clipping options; or the lr alone.
 * @throws TypeError for unknown or mistyped options; RangeError for PyTorch's invalid values.
 * @example
 * const opt = new Adagrad(model.parameters(), { lr: 0.1, initialAccumulatorValue: 0.1 });
 */
export class Adagrad extends Optimizer<AdagradOptions, AdagradState> {
  /**
   * Creates the optimizer over `params`, as `torch.optim.Adagrad(params, ...)`.
   *
   * @param params - An iterable of tensors (e.g. `model.parameters()`), or of parameter groups
   *   `{ params, ...options }` whose options override the defaults.
   * @param options - `lr` (default 1e-2), `lrDecay` (0), `weightDecay` (0),
   *   `initialAccumulatorValue` (0), `eps` (1e-10), `maximize` (`false`) and the clipping options
   *   (`ClipOptions`); or a number, the learning rate.
   * @throws TypeError if `params` is not an iterable of tensors or groups, or an option is unknown
   *   or mistyped.
   * @throws RangeError if `params` is empty or an option has a value PyTorch rejects.
   */
  constructor(
    params: ParamsInput<AdagradOptions>,
    options: (Partial<AdagradOptions> & CommonOptions) | number = {},
  ) {
    const o = optionsObject('Adagrad', options, {
      lr: 'number',
      lrDecay: 'number',
      weightDecay: 'number',
      initialAccumulatorValue: 'number',
      eps: 'number',
      maximize: 'boolean',
    });
    super(
      params,
      {
        lr: (o.lr as number | undefined) ?? 1e-2,
        lrDecay: (o.lrDecay as number | undefined) ?? 0,
        weightDecay: (o.weightDecay as number | undefined) ?? 0,
        initialAccumulatorValue: (o.initialAccumulatorValue as number | undefined) ?? 0,
        eps: (o.eps as number | undefined) ?? 1e-10,
        maximize: (o.maximize as boolean | undefined) ?? false,
      },
      { name: 'Adagrad', clip: clipOptionsOf(o) },
    );
    for (const g of this.paramGroups)
      for (const p of g.params) this.state.set(p, this.initState(p, g));
  }

  /**
   * Checks a group's values as PyTorch's `Adagrad` constructor does.
   *
   * @param g - The group, with every option filled in.
   * @throws RangeError for a value PyTorch rejects (e.g. a negative lr).
   * @throws TypeError for a value of the wrong type.
   */
  protected override validateGroup(g: ParamGroup<AdagradOptions>): void {
    requireNonNegative('Adagrad', 'lr', g.lr);
    requireNonNegative('Adagrad', 'lr_decay', g.lrDecay);
    requireNonNegative('Adagrad', 'weight_decay', g.weightDecay);
    requireNonNegative('Adagrad', 'initial_accumulator_value', g.initialAccumulatorValue);
    requireNonNegative('Adagrad', 'epsilon', g.eps);
  }

  protected initState(p: Tensor, group: ParamGroup<AdagradOptions>): AdagradState {
    return { step: 0, sum: zerosLikeParam(p, group.initialAccumulatorValue) };
  }

  /** The update reads the gradient only while it runs. */
  protected override readonly readsGradientOnlyDuringUpdate = true;

  protected updateParameter(
    { param, grad }: ParamView,
    state: AdagradState,
    group: ParamGroup<AdagradOptions>,
  ): void {
    state.step += 1;
    const clr = group.lr / (1 + (state.step - 1) * group.lrDecay);
    const negClr = f(-clr);
    const eps32 = f(group.eps);
    const sum = bufferOf(state.sum);
    const n = param.length;
    // SIMD over the leading multiple of 8 with the loop's bits (Adagrad is the square-average
    // update with decay 1 and rest 1).
    const done = squareAverageUpdate(param, grad, sum, negClr, eps32, 1, 1);
    for (let i = done; i < n; i++) {
      const g = grad[i];
      // state_sum.addcmul_(g, g, value=1); std = state_sum.sqrt().add_(eps)
      const s = f(sum[i] + g * g);
      sum[i] = s;
      const std = f(f(Math.sqrt(s)) + eps32);
      // param.addcdiv_(g, std, value=−clr)
      param[i] = f(param[i] + f(f(negClr * g) / std));
    }
  }
}
