import type { Tensor } from '../tensor/tensor.js';
import { requireBetas, requireNonNegative } from './validate.js';
import { adamUpdate, type AdamState } from './adam-update.js';
import {
  Optimizer,
  clipOptionsOf,
  optionsObject,
  zerosLikeParam,
  type CommonOptions,
  type GroupOptions,
  type ParamGroup,
  type ParamView,
  type ParamsInput,
} from './optimizer.js';

export type { AdamState } from './adam-update.js';

/** Adam's (and AdamW's) group options. */
export interface AdamOptions extends GroupOptions {
  /** Coefficients of the running averages of the gradient and its square. Default [0.9, 0.999]. */
  betas: [number, number];
  /** Added to the denominator for numerical stability. Default 1e-8. */
  eps: number;
  /** Weight decay (Adam: L2 added to the gradient; AdamW: decoupled). Adam 0, AdamW 1e-2. */
  weightDecay: number;
  /** Use the AMSGrad variant (running maximum of the second moment). Default false. */
  amsgrad: boolean;
  /** Maximize the objective instead of minimizing. Default false. */
  maximize: boolean;
}

/** The option spec shared by Adam and AdamW. */
export const ADAM_SPEC = {
  lr: 'number',
  betas: 'number[]',
  eps: 'number',
  weightDecay: 'number',
  amsgrad: 'boolean',
  maximize: 'boolean',
} as const;

/** Adam's and AdamW's defaults from a checked options object. */
export function adamDefaults(o: Record<string, unknown>, weightDecay: number): AdamOptions {
  const betas = (o.betas as number[] | undefined) ?? [0.9, 0.999];
  return {
    lr: (o.lr as number | undefined) ?? 1e-3,
    betas: [...betas] as [number, number],
    eps: (o.eps as number | undefined) ?? 1e-8,
    weightDecay: (o.weightDecay as number | undefined) ?? weightDecay,
    amsgrad: (o.amsgrad as boolean | undefined) ?? false,
    maximize: (o.maximize as boolean | undefined) ?? false,
  };
}

/** PyTorch's checks of Adam's and AdamW's options. */
export function validateAdamGroup(name: string, g: AdamOptions): void {
  requireNonNegative(name, 'lr', g.lr);
  requireNonNegative(name, 'epsilon', g.eps);
  requireBetas(name, g.betas);
  requireNonNegative(name, 'weight_decay', g.weightDecay);
}

/** Adam's fresh state for a parameter. */
export function adamInitState(p: Tensor, amsgrad: boolean): AdamState {
  const s: AdamState = { step: 0, exp_avg: zerosLikeParam(p), exp_avg_sq: zerosLikeParam(p) };
  if (amsgrad) s.max_exp_avg_sq = zerosLikeParam(p);
  return s;
}

/**
 * Adam (Kingma & Ba) with PyTorch 1.13's exact single-tensor float32 arithmetic
 * (torch/optim/adam.py): per parameter, with t the step count,
 *
 *   g = maximize ? −∇ : ∇;  g = g + weightDecay · p
 *   m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²;  v̂ = amsgrad ? max(v̂, v) : v
 *   p = p − lr / (1 − β1^t) · m / (√v̂ / √(1 − β2^t) + eps)
 *
 * State per parameter: `step`, `exp_avg`, `exp_avg_sq` (and `max_exp_avg_sq` with amsgrad).
 *
 * @param params - Tensors or parameter groups.
 * @param options - `lr` (1e-3), `betas` ([0.9, 0.999]), `eps` (1e-8), `weightDecay` (0),
 *   `amsgrad` (false), `maximize` (false) and the clipping options; or the lr alone.
 * @throws TypeError for unknown or mistyped options; RangeError for PyTorch's invalid values
 *   (negative lr/eps/weightDecay, a beta outside [0, 1)).
 * @example
 * const opt = new Adam(model.parameters(), { lr: 1e-3, globalClipNorm: 1 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 */
export class Adam extends Optimizer<AdamOptions, AdamState> {
  /**
   * Creates the optimizer over `params`, as `torch.optim.Adam(params, ...)`.
   *
   * @param params - An iterable of tensors (e.g. `model.parameters()`), or of parameter groups
   *   `{ params, ...options }` whose options override the defaults.
   * @param options - `lr` (default 1e-3), `betas` (`[0.9, 0.999]`), `eps` (1e-8), `weightDecay`
   *   (0), `amsgrad` (`false`), `maximize` (`false`) and the clipping options (`ClipOptions`); or a
   *   number, the learning rate.
   * @throws TypeError if `params` is not an iterable of tensors or groups, or an option is unknown
   *   or mistyped.
   * @throws RangeError if `params` is empty or an option has a value PyTorch rejects (a negative
   *   lr, eps or weightDecay, a beta outside [0, 1)).
   */
  constructor(
    params: ParamsInput<AdamOptions>,
    options: (Partial<AdamOptions> & CommonOptions) | number = {},
  ) {
    const o = optionsObject('Adam', options, ADAM_SPEC);
    super(params, adamDefaults(o, 0), { name: 'Adam', clip: clipOptionsOf(o) });
  }

  /**
   * Checks a group's values as PyTorch's `Adam` constructor does.
   *
   * @param g - The group, with every option filled in.
   * @throws RangeError for a value PyTorch rejects (e.g. a negative lr).
   * @throws TypeError for a value of the wrong type.
   */
  protected override validateGroup(g: ParamGroup<AdamOptions>): void {
    validateAdamGroup('Adam', g);
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
    adamUpdate(param, grad, state, group.lr, group.betas, group.eps, group.amsgrad);
  }
}
