import type { Tensor } from '../tensor/tensor.js';
import type { AdamState } from './adam-update.js';
import { adamUpdate } from './adam-update.js';
import { scaleRange } from '../tensor/kernels/inplace.js';
import {
  ADAM_SPEC,
  adamDefaults,
  adamInitState,
  validateAdamGroup,
  type AdamOptions,
} from './adam.js';
import {
  Optimizer,
  clipOptionsOf,
  optionsObject,
  zerosLikeParam,
  type CommonOptions,
  type ParamGroup,
  type ParamView,
  type ParamsInput,
} from './optimizer.js';

const f = Math.fround;

/**
 * AdamW (Loshchilov & Hutter): Adam with decoupled weight decay, PyTorch 1.13's exact
 * single-tensor float32 arithmetic (torch/optim/adamw.py). Each step first shrinks the
 * parameter, `p = p · (1 − lr · weightDecay)`, then applies Adam's update without adding the
 * decay to the gradient.
 *
 * @param params - Tensors or parameter groups.
 * @param options - `lr` (1e-3), `betas` ([0.9, 0.999]), `eps` (1e-8), `weightDecay` (1e-2),
 *   `amsgrad` (false), `maximize` (false) and the clipping options; or the lr alone.
 * @throws TypeError for unknown or mistyped options; RangeError for PyTorch's invalid values.
 * @example
 * const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
 */
export class AdamW extends Optimizer<AdamOptions, AdamState> {
  /**
   * Creates the optimizer over `params`, as `torch.optim.AdamW(params, ...)`.
   *
   * @param params - An iterable of tensors (e.g. `model.parameters()`), or of parameter groups
   *   `{ params, ...options }` whose options override the defaults.
   * @param options - `lr` (default 1e-3), `betas` (`[0.9, 0.999]`), `eps` (1e-8), `weightDecay`
   *   (1e-2), `amsgrad` (`false`), `maximize` (`false`) and the clipping options (`ClipOptions`);
   *   or a number, the learning rate.
   * @throws TypeError if `params` is not an iterable of tensors or groups, or an option is unknown
   *   or mistyped.
   * @throws RangeError if `params` is empty or an option has a value PyTorch rejects (a negative
   *   lr, eps or weightDecay, a beta outside [0, 1)).
   */
  constructor(
    params: ParamsInput<AdamOptions>,
    options: (Partial<AdamOptions> & CommonOptions) | number = {},
  ) {
    const o = optionsObject('AdamW', options, ADAM_SPEC);
    super(params, adamDefaults(o, 1e-2), { name: 'AdamW', clip: clipOptionsOf(o) });
  }

  /**
   * Checks a group's values as PyTorch's `AdamW` constructor does.
   *
   * @param g - The group, with every option filled in.
   * @throws RangeError for a value PyTorch rejects (e.g. a negative lr).
   * @throws TypeError for a value of the wrong type.
   */
  protected override validateGroup(g: ParamGroup<AdamOptions>): void {
    validateAdamGroup('AdamW', g);
  }

  /**
   * AdamW's decay is decoupled: never added to the gradient.
   *
   * @returns 0.
   */
  protected override coupledWeightDecay(): number {
    return 0;
  }

  protected initState(p: Tensor, group: ParamGroup<AdamOptions>): AdamState {
    return adamInitState(p, group.amsgrad);
  }

  /** The update reads the gradient only while it runs. */
  protected override readonly readsGradientOnlyDuringUpdate = true;

  protected updateParameter(
    { param, grad, tensor }: ParamView,
    state: AdamState,
    group: ParamGroup<AdamOptions>,
  ): void {
    if (group.amsgrad && state.max_exp_avg_sq === undefined)
      state.max_exp_avg_sq = zerosLikeParam(tensor);
    state.step += 1;
    // param.mul_(1 − lr · weight_decay), the factor computed in double and used as float32 (SIMD
    // in the arena, one float32 rounding of each product either way).
    scaleRange(param, 0, param.length, f(1 - group.lr * group.weightDecay));
    adamUpdate(param, grad, state, group.lr, group.betas, group.eps, group.amsgrad);
  }
}
