/**
 * Loss functions of `torch.nn.functional` with PyTorch's numbers, reductions, errors and
 * gradients. Each elementwise loss is one recorded op whose backward is PyTorch's formula written
 * with differentiable ops (so `createGraph` works); the reduction is applied on top.
 */
import { record, releaseUnsaved } from '../../autograd/node.js';
import { isGradEnabled, noGrad } from '../../autograd/grad-mode.js';
import { Tensor, assertTensor, describe } from '../../tensor/tensor.js';
import { checkOptions } from '../../tensor/options.js';
import { broadcastShapes, formatShape, sameShape } from '../../tensor/shape.js';
import {
  abs,
  add,
  clamp,
  div,
  eq,
  exp,
  gt,
  log,
  mul,
  neg,
  sigmoid,
  sub,
  where,
} from '../../ops/elementwise.js';
import { mean, sum } from '../../ops/reduce.js';
import { logSoftmax } from '../../ops/softmax.js';
import { logsigmoid } from './activation.js';
import { allocZeroed } from '../../tensor/kernels/arena.js';

/** How a loss reduces its elementwise values. */
export type LossReduction = 'mean' | 'sum' | 'none';

const REDUCTION = "'mean'|'sum'|'none'";

function checkLossReduction(fn: string, value: unknown, allowBatchmean = false): string {
  if (value === undefined) return 'mean';
  if (
    value !== 'mean' &&
    value !== 'sum' &&
    value !== 'none' &&
    !(allowBatchmean && value === 'batchmean')
  ) {
    throw new RangeError(`${fn}: ${describe(value)} is not a valid value for reduction`);
  }
  return value;
}

function reduce(loss: Tensor, reduction: string): Tensor {
  if (reduction === 'none') return loss;
  return reduction === 'sum' ? sum(loss) : mean(loss);
}

function tensorArg(value: unknown, fn: string, name: string): Tensor {
  assertTensor(value, fn, `${name} to be a Tensor`);
  return value;
}

/**
 * One elementwise loss node over the broadcast of its operands: forward runs without recording;
 * `backward(g, saved, needs)` returns the gradient of each input (before broadcasting is undone).
 */
function elementwiseLoss(
  name: string,
  inputs: readonly Tensor[],
  forward: () => Tensor,
  backward: (
    g: Tensor,
    saved: ReadonlyArray<Tensor>,
    needs: readonly boolean[],
  ) => Array<Tensor | null>,
): Tensor {
  const out = noGrad(forward);
  const owned = Tensor._fromData(out._contiguousData().slice(), out.shape);
  return record(
    owned,
    name,
    inputs,
    (g, saved, needs) => backward(g, saved as Tensor[], needs),
    inputs,
  );
}

// ---- nll_loss and cross_entropy ----------------------------------------------------------------

interface IndexTargetLayout {
  batch: number;
  classes: number;
  spatial: number;
  /** Shape of the unreduced loss (the target's shape). */
  lossShape: number[];
}

/** PyTorch's shape rules for class-index targets: input [C] / [N, C] / [N, C, d1, ...]. */
function indexLayout(fn: string, input: Tensor, target: Tensor): IndexTargetLayout {
  const dim = input.dim();
  if (dim < 1) throw new RangeError(`${fn}: Expected 1 or more dimensions (got ${dim})`);
  if (dim === 1) {
    if (target.dim() !== 0) {
      throw new RangeError(
        `${fn}: size mismatch (got input: ${formatShape(input.shape)}, target: ${formatShape(target.shape)})`,
      );
    }
    return { batch: 1, classes: input.shape[0], spatial: 1, lossShape: [] };
  }
  if (target.dim() >= 1 && input.shape[0] !== target.shape[0]) {
    throw new RangeError(
      `${fn}: Expected input batch_size (${input.shape[0]}) to match target batch_size (${target.shape[0]}).`,
    );
  }
  if (dim === 2 && target.dim() !== 1) {
    throw new RangeError(`${fn}: 0D or 1D target tensor expected, multi-target not supported`);
  }
  const want = [input.shape[0], ...input.shape.slice(2)];
  if (!sameShape(want, target.shape)) {
    throw new RangeError(
      `${fn}: Expected target size ${formatShape(want)}, got ${formatShape(target.shape)}`,
    );
  }
  let spatial = 1;
  for (const d of input.shape.slice(2)) spatial *= d;
  return { batch: input.shape[0], classes: input.shape[1], spatial, lossShape: want };
}

function checkWeight(
  fn: string,
  weight: Tensor | null | undefined,
  classes: number,
): Float32Array | null {
  if (weight === null || weight === undefined) return null;
  assertTensor(weight, fn, 'weight to be a Tensor');
  if (weight.numel() !== classes || weight.dim() !== 1) {
    throw new RangeError(
      `${fn}: weight tensor should be defined either for all ${classes} classes or no classes but got weight tensor of shape: ${formatShape(weight.shape)}`,
    );
  }
  return weight._contiguousData();
}

/** Negative log-likelihood over class-index targets: the shared kernel of nllLoss and crossEntropy. */
function nllCore(
  fn: string,
  input: Tensor,
  target: Tensor,
  weight: Tensor | null | undefined,
  ignoreIndex: number,
  reduction: string,
): Tensor {
  const { batch, classes, spatial, lossShape } = indexLayout(fn, input, target);
  const w = checkWeight(fn, weight, classes);
  const x = input._contiguousData();
  const t = target._contiguousData();
  const losses = allocZeroed(batch * spatial);
  // The gradient's coefficient map (input-sized) only when a graph will use it.
  const coef = isGradEnabled() && input.requiresGrad ? allocZeroed(input.numel()) : null;
  let totalWeight = 0;
  for (let n = 0; n < batch; n++) {
    for (let s = 0; s < spatial; s++) {
      const i = n * spatial + s;
      const c = t[i];
      if (c === ignoreIndex) continue;
      if (!Number.isInteger(c)) {
        throw new RangeError(`${fn}: target must hold integer class indices, got ${describe(c)}`);
      }
      if (c < 0 || c >= classes) throw new RangeError(`${fn}: Target ${c} is out of bounds.`);
      const wc = w === null ? 1 : w[c];
      const at = (n * classes + c) * spatial + s;
      losses[i] = -wc * x[at];
      if (coef) coef[at] = -wc;
      totalWeight += wc;
    }
  }
  let out: Tensor;
  if (reduction === 'none') out = Tensor._fromData(losses, lossShape);
  else {
    let total = 0;
    for (let i = 0; i < losses.length; i++) total += losses[i];
    out = Tensor._fromData(Float32Array.of(reduction === 'mean' ? total / totalWeight : total), []);
  }
  if (coef === null) return out;
  if (reduction === 'mean' && totalWeight !== 0) {
    const scale = Math.fround(1 / totalWeight);
    // A positive scale leaves the zeros +0: only the targets' places change.
    if (scale > 0) {
      for (let n = 0; n < batch; n++)
        for (let s = 0; s < spatial; s++) {
          const c = t[n * spatial + s];
          if (c !== ignoreIndex) coef[(n * classes + c) * spatial + s] *= scale;
        }
    } else for (let i = 0; i < coef.length; i++) coef[i] *= scale;
  }
  const coefficients = Tensor._fromData(coef, input.shape);
  // The gradient is the coefficient map times g, broadcast over the class dim.
  const gradShape = input.dim() === 1 ? [1] : [batch, 1, ...lossShape.slice(1)];
  return record(
    out,
    'NllLossBackward0',
    [input],
    (g, [m]) => [mul(m!, reduction === 'none' ? g.reshape(gradShape) : g)],
    [coefficients],
  );
}

/** Options of nllLoss (PyTorch's keyword arguments in camelCase). */
export interface NllOptions {
  /** Per-class weight `[C]`; default none (every class 1). */
  weight?: Tensor | null;
  /** Targets equal to it add nothing and do not count in the mean; default −100. */
  ignoreIndex?: number;
  /** `'mean'` (default), `'sum'` or `'none'`. */
  reduction?: LossReduction;
}

const NLL_SPEC = { weight: 'Tensor|null', ignoreIndex: 'integer', reduction: REDUCTION } as const;

/**
 * Negative log-likelihood loss over log-probabilities and class indices:
 * `−weight[t]·input[n, t]`, with `'mean'` dividing by the sum of the used weights.
 *
 * @param input - Log-probabilities `[C]`, `[N, C]` or `[N, C, d1, ...]`.
 * @param target - Class indices (float32 integers) of shape `[]`, `[N]` or `[N, d1, ...]`.
 * @param options - `weight` per class (`[C]`, default none), `ignoreIndex` (default −100: such
 *   targets add nothing and do not count), `reduction` (`'mean'` default, `'sum'`, `'none'`).
 * @returns The loss (0-d unless `reduction: 'none'`, then the target's shape).
 * @throws RangeError for mismatched shapes, a class index out of range or not an integer, a
 *   weight of the wrong size; TypeError for bad options.
 * @example
 * nllLoss(logSoftmax(logits, 1), tensor([0, 2]));
 */
export function nllLoss(input: Tensor, target: Tensor, options: NllOptions = {}): Tensor {
  const x = tensorArg(input, 'nllLoss', 'input');
  const t = tensorArg(target, 'nllLoss', 'target');
  const o = checkOptions<NllOptions>('nllLoss', options, NLL_SPEC);
  const reduction = checkLossReduction('nllLoss', o.reduction);
  return nllCore('nllLoss', x, t, o.weight, o.ignoreIndex ?? -100, reduction);
}

/** Options of crossEntropy (PyTorch's keyword arguments in camelCase). */
export interface CrossEntropyOptions extends NllOptions {
  /** Mixes the target with the uniform distribution: ε in [0, 1], default 0. */
  labelSmoothing?: number;
}

/** `weight` reshaped to broadcast along the class dim of `input`. */
function classWeight(weight: Tensor, input: Tensor): Tensor {
  if (input.dim() <= 2) return weight;
  return weight.reshape([weight.numel(), ...input.shape.slice(2).map(() => 1)]);
}

/**
 * Cross-entropy between logits and class indices or class probabilities: `logSoftmax` along the
 * class dim followed by the negative log-likelihood, stable for large logits.
 *
 * A target of the input's shape holds class probabilities; otherwise it holds class indices
 * (float32 integers) of shape `[]`, `[N]` or `[N, d1, ...]`.
 *
 * @param input - Logits `[C]`, `[N, C]` or `[N, C, d1, ...]`.
 * @param target - Class indices or probabilities (see above).
 * @param options - `weight` (`[C]`), `ignoreIndex` (default −100; class-index targets only),
 *   `reduction` (`'mean'` default, `'sum'`, `'none'`), `labelSmoothing` (default 0).
 * @returns The loss (0-d unless `reduction: 'none'`).
 * @throws RangeError for bad shapes, out-of-range indices, `labelSmoothing` outside [0, 1], or
 *   a non-negative `ignoreIndex` with probability targets.
 * @example
 * crossEntropy(tensor([[2, 0, 1]]), tensor([0])); // tensor(0.4076)
 */
export function crossEntropy(
  input: Tensor,
  target: Tensor,
  options: CrossEntropyOptions = {},
): Tensor {
  const fn = 'crossEntropy';
  const x = tensorArg(input, fn, 'input');
  const t = tensorArg(target, fn, 'target');
  const o = checkOptions<CrossEntropyOptions>(fn, options, {
    ...NLL_SPEC,
    labelSmoothing: 'number',
  });
  const reduction = checkLossReduction(fn, o.reduction);
  const ignoreIndex = o.ignoreIndex ?? -100;
  const eps = o.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1)) {
    throw new RangeError(`${fn}: label_smoothing must be between 0.0 and 1.0. Got: ${eps}`);
  }
  if (x.dim() < 1) throw new RangeError(`${fn}: Expected 1 or more dimensions (got 0)`);
  const classDim = x.dim() === 1 ? 0 : 1;
  const classes = x.shape[classDim];
  checkWeight(fn, o.weight, classes);
  const weight = o.weight ?? null;
  const logp = logSoftmax(x, classDim);

  if (x.dim() >= 1 && sameShape(x.shape, t.shape)) {
    // Class probabilities.
    if (ignoreIndex >= 0) {
      throw new RangeError(`${fn}: ignore_index is not supported for floating point target`);
    }
    const probs = eps > 0 ? add(mul(t, 1 - eps), eps / classes) : t;
    let prod = mul(logp, probs);
    if (weight !== null) prod = mul(prod, classWeight(weight, x));
    const perSample = neg(sum(prod, classDim));
    if (reduction === 'none') return perSample;
    if (reduction === 'sum') return sum(perSample);
    return div(sum(perSample), x.numel() / Math.max(classes, 1));
  }

  const nll = nllCore(fn, logp, t, weight, ignoreIndex, reduction);
  if (eps === 0) return releaseUnsaved(nll, logp);
  // Label smoothing with class indices: PyTorch's smooth term −Σ_c w_c·logp_c, zero where ignored.
  let weighted = logp;
  if (weight !== null) weighted = mul(logp, classWeight(weight, x));
  const keep = noGrad(() => sub(1, eq(t, ignoreIndex)));
  const smooth = where(keep, neg(sum(weighted, classDim)), 0);
  let smoothReduced: Tensor;
  if (reduction === 'none') smoothReduced = smooth;
  else if (reduction === 'sum') smoothReduced = sum(smooth);
  else if (weight !== null) {
    const td = t._contiguousData();
    const wd = weight._contiguousData();
    let used = 0;
    for (let i = 0; i < td.length; i++) if (td[i] !== ignoreIndex) used += wd[td[i]];
    smoothReduced = div(sum(smooth), used);
  } else {
    const kept = keep._contiguousData().reduce((a, b) => a + b, 0);
    smoothReduced = div(sum(smooth), kept);
  }
  return add(mul(nll, 1 - eps), mul(smoothReduced, eps / classes));
}

// ---- Binary cross-entropy ----------------------------------------------------------------------

/** Options of binaryCrossEntropy. */
export interface BceOptions {
  /** Weight broadcast against the input; default none. */
  weight?: Tensor | null;
  /** `'mean'` (default), `'sum'` or `'none'`. */
  reduction?: LossReduction;
}

/**
 * Binary cross-entropy between probabilities and targets:
 * `−w·(t·log x + (1 − t)·log(1 − x))`, each log clamped at −100 as in PyTorch.
 *
 * @param input - Probabilities in [0, 1].
 * @param target - Targets of the input's shape (in [0, 1]).
 * @param options - `weight` (broadcast to the input, default none), `reduction` (`'mean'`).
 * @returns The loss (0-d unless `reduction: 'none'`).
 * @throws RangeError when the shapes differ or an input element lies outside [0, 1].
 */
export function binaryCrossEntropy(
  input: Tensor,
  target: Tensor,
  options: BceOptions = {},
): Tensor {
  const fn = 'binaryCrossEntropy';
  const x = tensorArg(input, fn, 'input');
  const t = tensorArg(target, fn, 'target');
  const o = checkOptions<BceOptions>(fn, options, { weight: 'Tensor|null', reduction: REDUCTION });
  const reduction = checkLossReduction(fn, o.reduction);
  if (!sameShape(x.shape, t.shape)) {
    throw new RangeError(
      `${fn}: Using a target size (${formatShape(t.shape)}) that is different to the input size (${formatShape(x.shape)}) is deprecated. Please ensure they have the same size.`,
    );
  }
  for (const v of x._contiguousData()) {
    if (!(v >= 0 && v <= 1)) {
      throw new RangeError(`${fn}: all elements of input should be between 0 and 1, got ${v}`);
    }
  }
  const weight = o.weight ?? null;
  if (weight !== null) broadcastShapes(weight.shape, x.shape, fn);
  const inputs = weight === null ? [x, t] : [x, t, weight];
  const loss = elementwiseLoss(
    'BinaryCrossEntropyBackward0',
    inputs,
    () => {
      const logX = clamp(log(x), -100, null);
      const log1mX = clamp(log(sub(1, x)), -100, null);
      const l = sub(mul(sub(t, 1), log1mX), mul(t, logX));
      return weight === null ? l : mul(l, weight);
    },
    (g, [sx, st, sw], [nx, nt]) => {
      const gw = sw === undefined ? g : mul(g, sw);
      return [
        nx ? div(mul(gw, sub(sx, st)), clamp(mul(sub(1, sx), sx), 1e-12, null)) : null,
        nt ? mul(gw, sub(clamp(log(sub(1, sx)), -100, null), clamp(log(sx), -100, null))) : null,
        null,
      ];
    },
  );
  return reduce(loss, reduction);
}

/** Options of binaryCrossEntropyWithLogits. */
export interface BceLogitsOptions extends BceOptions {
  /** Weight of the positive term, broadcast along the last dim (e.g. `[C]`); default none. */
  posWeight?: Tensor | null;
}

/**
 * Binary cross-entropy on logits: `−w·(p·t·log σ(x) + (1 − t)·log(1 − σ(x)))` computed as
 * `(1 − t)·x − (1 + (p − 1)·t)·logσ(x)`, stable for any |x|.
 *
 * @param input - Logits.
 * @param target - Targets of the input's shape.
 * @param options - `weight` (broadcast to the input), `posWeight` (weight of positive examples,
 *   broadcast along the last dim, e.g. `[C]`), `reduction` (`'mean'` default).
 * @returns The loss (0-d unless `reduction: 'none'`).
 * @throws RangeError when the target's shape differs from the input's.
 * @example
 * binaryCrossEntropyWithLogits(tensor([0.5, -1]), tensor([1, 0]));
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  options: BceLogitsOptions = {},
): Tensor {
  const fn = 'binaryCrossEntropyWithLogits';
  const x = tensorArg(input, fn, 'input');
  const t = tensorArg(target, fn, 'target');
  const o = checkOptions<BceLogitsOptions>(fn, options, {
    weight: 'Tensor|null',
    posWeight: 'Tensor|null',
    reduction: REDUCTION,
  });
  const reduction = checkLossReduction(fn, o.reduction);
  if (!sameShape(x.shape, t.shape)) {
    throw new RangeError(
      `${fn}: Target size (${formatShape(t.shape)}) must be the same as input size (${formatShape(x.shape)})`,
    );
  }
  const weight = o.weight ?? null;
  const pw = o.posWeight ?? null;
  if (weight !== null) broadcastShapes(weight.shape, x.shape, fn);
  if (pw !== null) broadcastShapes(pw.shape, x.shape, fn);
  const one = Tensor._fromData(Float32Array.of(1), []);
  const inputs = [x, t, weight ?? one, pw ?? one];
  const loss = elementwiseLoss(
    'BinaryCrossEntropyWithLogitsBackward0',
    inputs,
    () => {
      let lsig = logsigmoid(x);
      if (pw !== null) lsig = mul(lsig, add(mul(sub(pw, 1), t), 1));
      const l = sub(mul(sub(1, t), x), lsig);
      return weight === null ? l : mul(l, weight);
    },
    (g, [sx, st, sw, sp], [nx, nt]) => {
      const gw = weight === null ? g : mul(g, sw);
      let gi: Tensor | null = null;
      let gt: Tensor | null = null;
      if (nx) {
        gi =
          pw === null
            ? mul(gw, sub(sigmoid(sx), st))
            : mul(gw, sub(mul(add(mul(sp, st), sub(1, st)), sigmoid(sx)), mul(sp, st)));
      }
      if (nt) {
        gt =
          pw === null
            ? mul(gw, neg(sx))
            : mul(gw, sub(logsigmoid(neg(sx)), mul(logsigmoid(sx), sp)));
      }
      return [gi, gt, null, null];
    },
  );
  return reduce(loss, reduction);
}

// ---- Regression losses ---------------------------------------------------------------------------

/** Options of huberLoss. */
export interface HuberOptions {
  /** `'mean'` (default), `'sum'` or `'none'`. */
  reduction?: LossReduction;
  /** Where the quadratic part ends; default 1, must be positive. */
  delta?: number;
}

/**
 * Huber loss: `0.5·d²` where `|d| < delta`, else `delta·(|d| − 0.5·delta)`, with `d = input − target`.
 *
 * @param input - Predictions.
 * @param target - Targets (broadcast against the input).
 * @param options - `reduction` (`'mean'` default), `delta` (default 1, must be positive).
 * @returns The loss (0-d unless `reduction: 'none'`).
 * @throws RangeError when `delta <= 0`.
 */
export function huberLoss(input: Tensor, target: Tensor, options: HuberOptions = {}): Tensor {
  const fn = 'huberLoss';
  const x = tensorArg(input, fn, 'input');
  const t = tensorArg(target, fn, 'target');
  const o = checkOptions<HuberOptions>(fn, options, { reduction: REDUCTION, delta: 'number' });
  const reduction = checkLossReduction(fn, o.reduction);
  const delta = o.delta ?? 1;
  if (!(delta > 0)) {
    throw new RangeError(
      `${fn}: huber_loss does not support non-positive values for delta, got ${delta}.`,
    );
  }
  const loss = elementwiseLoss(
    'HuberLossBackward0',
    [x, t],
    () => {
      const d = sub(x, t);
      const a = abs(d);
      return where(
        noGrad(() => sub(1, eq(clamp(a, null, delta), delta))),
        mul(mul(d, d), 0.5),
        mul(sub(a, 0.5 * delta), delta),
      );
    },
    (g, [sx, st], [nx, nt]) => {
      const gi = mul(clamp(sub(sx, st), -delta, delta), g);
      return [nx ? gi : null, nt ? neg(gi) : null];
    },
  );
  return reduce(loss, reduction);
}

/** Options of smoothL1Loss. */
export interface SmoothL1Options {
  /** `'mean'` (default), `'sum'` or `'none'`. */
  reduction?: LossReduction;
  /** Where the quadratic part ends; default 1, non-negative (0 is the L1 loss). */
  beta?: number;
}

/**
 * Smooth L1 loss: `0.5·d²/beta` where `|d| < beta`, else `|d| − 0.5·beta`; `beta = 0` is the L1
 * loss (with PyTorch's gradient −1 at d = 0).
 *
 * @param input - Predictions.
 * @param target - Targets (broadcast against the input).
 * @param options - `reduction` (`'mean'` default), `beta` (default 1, non-negative).
 * @returns The loss (0-d unless `reduction: 'none'`).
 * @throws RangeError when `beta < 0`.
 */
export function smoothL1Loss(input: Tensor, target: Tensor, options: SmoothL1Options = {}): Tensor {
  const fn = 'smoothL1Loss';
  const x = tensorArg(input, fn, 'input');
  const t = tensorArg(target, fn, 'target');
  const o = checkOptions<SmoothL1Options>(fn, options, { reduction: REDUCTION, beta: 'number' });
  const reduction = checkLossReduction(fn, o.reduction);
  const beta = o.beta ?? 1;
  if (!(beta >= 0)) {
    throw new RangeError(
      `${fn}: smooth_l1_loss does not support negative values for beta, got ${beta}.`,
    );
  }
  const loss = elementwiseLoss(
    'SmoothL1LossBackward0',
    [x, t],
    () => {
      const d = sub(x, t);
      const a = abs(d);
      return where(
        noGrad(() => sub(1, eq(clamp(a, null, beta), beta))),
        div(mul(mul(d, d), 0.5), beta),
        sub(a, 0.5 * beta),
      );
    },
    (g, [sx, st], [nx, nt]) => {
      // PyTorch's rule: −1 for d ≤ −beta, +1 for d ≥ beta, d/beta between (so beta = 0 is L1,
      // with −1 at d = 0).
      // The target's gradient is the same rule applied to target − input (PyTorch swaps them).
      const slope = (d: Tensor): Tensor =>
        beta === 0 ? noGrad(() => sub(mul(gt(d, 0), 2), 1)) : clamp(div(d, beta), -1, 1);
      return [nx ? mul(slope(sub(sx, st)), g) : null, nt ? mul(slope(sub(st, sx)), g) : null];
    },
  );
  return reduce(loss, reduction);
}

/** Options of klDiv. */
export interface KlDivOptions {
  /** `'mean'` (default), `'batchmean'`, `'sum'` or `'none'`. */
  reduction?: LossReduction | 'batchmean';
  /** Whether the target holds log-probabilities; default false. */
  logTarget?: boolean;
}

/**
 * Kullback-Leibler divergence with `input` holding log-probabilities:
 * `target·(log target − input)` (0 where target = 0), or `exp(target)·(target − input)` when
 * `logTarget` is set.
 *
 * @param input - Log-probabilities.
 * @param target - Probabilities (or log-probabilities with `logTarget: true`), broadcast.
 * @param options - `reduction`: `'mean'` (default, over every element), `'batchmean'` (sum
 *   divided by the batch size, the mathematical KL), `'sum'` or `'none'`; `logTarget` (false).
 * @returns The loss (0-d unless `reduction: 'none'`).
 * @throws RangeError for an unknown reduction.
 */
export function klDiv(input: Tensor, target: Tensor, options: KlDivOptions = {}): Tensor {
  const fn = 'klDiv';
  const x = tensorArg(input, fn, 'input');
  const t = tensorArg(target, fn, 'target');
  const o = checkOptions<KlDivOptions>(fn, options, {
    reduction: "'mean'|'sum'|'none'|'batchmean'",
    logTarget: 'boolean',
  });
  const reduction = checkLossReduction(fn, o.reduction, true);
  const logTarget = o.logTarget ?? false;
  const loss = elementwiseLoss(
    'KlDivBackward0',
    [x, t],
    () => {
      if (logTarget) return mul(exp(t), sub(t, x));
      // xlogy(t, t) − t·x, with xlogy(0, y) = 0.
      return sub(where(eq(t, 0), 0, mul(t, log(t))), mul(t, x));
    },
    (g, [sx, st], [nx, nt]) => {
      if (logTarget) {
        const et = exp(st);
        return [nx ? neg(mul(g, et)) : null, nt ? mul(g, mul(et, add(sub(st, sx), 1))) : null];
      }
      return [
        nx ? neg(mul(g, st)) : null,
        nt ? add(where(eq(st, 0), 0, mul(g, log(st))), sub(div(mul(g, st), st), mul(g, sx))) : null,
      ];
    },
  );
  if (reduction === 'batchmean') {
    const total = sum(loss);
    return x.dim() === 0 ? total : div(total, x.shape[0]);
  }
  return reduce(loss, reduction);
}
