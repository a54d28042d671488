/**
 * The optimizer template. The base class owns everything every optimizer shares: parameter
 * groups, the loop over groups and parameters, the skip of parameters without a gradient,
 * `maximize` and coupled weight decay, the clipping options, the write-back and version bumps,
 * and state dicts in PyTorch's layout. An optimizer implements only its per-parameter update
 * (`updateParameter`) over plain float32 arrays, with its own typed state.
 */
import { enableGrad, noGrad } from '../autograd/grad-mode.js';
import { Tensor, describe } from '../tensor/tensor.js';
import { checkOptions, type OptionSpec } from '../tensor/options.js';
import {
  clipGradNorm_,
  clipGradValue_,
  clipGradsWithNorm_,
  getTotalNorm,
} from '../utils/clip/index.js';
import { onOptimizerStep, onOptimizerStepEnd, quietly } from '../utils/clip/pitfalls.js';
import { clearGrad } from './zero-grad.js';
import { PendingGradNorm, stepGradNorm } from './grad-norm.js';
import { IMPLEMENTATION_KEYS, toCamelKey, toSnakeKey } from './state-keys.js';
import { allocForWrite, allocLongLived, releaseToArena } from '../tensor/kernels/arena.js';
import { updateKernelsFor } from './update-kernels.js';

/** Hyper-parameters shared by every group; each optimizer adds its own. */
export interface GroupOptions {
  /** Learning rate. */
  lr: number;
}

/** A parameter group: its tensors and its own copy of the options. */
export type ParamGroup<O extends GroupOptions> = O & {
  /** The group's tensors. */
  params: Tensor[];
};

/** What the constructor and `addParamGroup` accept for a group. */
export type ParamGroupInput<O extends GroupOptions> = Partial<O> & {
  /** The group's tensors: one tensor or an iterable of them. */
  params: Iterable<Tensor> | Tensor;
};

/** The `params` argument of every optimizer: tensors, or parameter groups. */
export type ParamsInput<O extends GroupOptions> = Iterable<Tensor> | Iterable<ParamGroupInput<O>>;

/** Per-parameter state: buffers (tensors) and counters, under PyTorch's key names. */
export type ParamState = Record<string, Tensor | number | null>;

/**
 * Gradient clipping run inside `step()`, before the update, over every parameter of the
 * optimizer (all groups together). Every option defaults to off.
 */
export interface ClipOptions {
  /** Clip the gradients' total 2-norm over all groups to this value (as `clipGradNorm_`). */
  globalClipNorm?: number | null;
  /** Clip each gradient tensor's own 2-norm to this value. Cannot be combined with `globalClipNorm`. */
  clipNorm?: number | null;
  /** Clamp every gradient element into `[-clipValue, clipValue]` (after any norm clipping). */
  clipValue?: number | null;
  /** Skip a step whose gradients hold NaN or ±inf: nothing changes and `skippedSteps` grows. */
  skipNonFinite?: boolean;
}

/**
 * Options every optimizer accepts besides its hyper-parameters: the clipping options and
 * PyTorch's implementation switches (accepted and ignored: there is one implementation).
 */
export interface CommonOptions extends ClipOptions {
  /** PyTorch's multi-tensor switch; ignored. */
  foreach?: boolean | null;
  /** PyTorch's fused-kernel switch; ignored. */
  fused?: boolean | null;
  /** PyTorch's CUDA-graph switch; ignored. */
  capturable?: boolean;
  /** PyTorch's autograd-through-the-step switch; ignored. */
  differentiable?: boolean;
}

/** Options accepted by every optimizer besides its hyper-parameters. */
export const COMMON_OPTION_SPEC: OptionSpec = {
  globalClipNorm: 'number|null',
  clipNorm: 'number|null',
  clipValue: 'number|null',
  skipNonFinite: 'boolean',
  foreach: 'boolean|null',
  differentiable: 'boolean',
  capturable: 'boolean',
  fused: 'boolean|null',
};

/**
 * An optimizer's state in PyTorch's layout: `state[i]` for the i-th parameter (numbered across
 * all groups in order) with PyTorch's keys, and `param_groups` with PyTorch's snake_case option
 * names and `params` as indices. JSON-serialisable except for the tensors. `paramGroups` is a
 * non-enumerable alias of `param_groups`.
 */
export interface OptimizerStateDict<_O extends GroupOptions = GroupOptions> {
  /** Keyed by the parameter's index across all groups, as PyTorch numbers them. */
  state: Record<number, Record<string, unknown>>;
  /** Each group's options (snake_case keys) and its parameters as indices. */
  param_groups: Array<
    Record<string, unknown> & {
      /** The group's parameters, as indices across all groups. */
      params: number[];
    }
  >;
  /** Alias of `param_groups` (not enumerable, so not serialised). */
  readonly paramGroups?: Array<
    Record<string, unknown> & {
      /** The group's parameters, as indices across all groups. */
      params: number[];
    }
  >;
}

/** Settings a subclass passes to the base constructor. */
export interface OptimizerSettings {
  /** The class name used in messages. Default: the constructor's name. */
  name?: string;
  /** The clipping options (see `ClipOptions`). */
  clip?: ClipOptions;
}

/** The flat float32 memory one update works on. */
export interface ParamView {
  /** The parameter's elements, updated in place (written back by the base class). */
  param: Float32Array;
  /**
   * The update direction: the gradient, negated under `maximize`, plus `weightDecay · param`
   * when the optimizer couples weight decay. Read-only: it may be the gradient's own memory.
   */
  grad: Float32Array;
  /** The parameter tensor itself (for its shape). */
  tensor: Tensor;
}

const f = Math.fround;

function hasNonFinite(t: Tensor): boolean {
  const d = t._contiguousData();
  for (let i = 0; i < d.length; i++) if (d[i] - d[i] !== 0) return true;
  return false;
}

/** Converts an options argument: a number is the learning rate, as PyTorch's positional `lr`. */
export function optionsObject(
  name: string,
  options: unknown,
  spec: OptionSpec,
): Record<string, unknown> {
  if (typeof options === 'number') return { lr: options };
  return {
    ...checkOptions<Record<string, unknown>>(name, options, { ...spec, ...COMMON_OPTION_SPEC }),
  };
}

/** Picks the clipping options out of a checked options object. */
export function clipOptionsOf(options: Record<string, unknown>): ClipOptions {
  return {
    globalClipNorm: (options.globalClipNorm as number | null | undefined) ?? null,
    clipNorm: (options.clipNorm as number | null | undefined) ?? null,
    clipValue: (options.clipValue as number | null | undefined) ?? null,
    skipNonFinite: (options.skipNonFinite as boolean | undefined) ?? false,
  };
}

/**
 * Base class of every optimizer: parameter groups, per-parameter state, `step()` (clipping, the
 * loop and write-back), `zeroGrad`, and state dicts in PyTorch's layout.
 *
 * A subclass implements `initState` (its state for a parameter's first step) and
 * `updateParameter` (its update of one parameter), and optionally `validateGroup`.
 *
 * @typeParam O - The group options (hyper-parameters) of the optimizer.
 * @typeParam S - The per-parameter state, with PyTorch's key names.
 */
export abstract class Optimizer<O extends GroupOptions, S extends object = ParamState> {
  /** The options every group starts from. */
  readonly defaults: O;
  /** The parameter groups, each with its own options. */
  readonly paramGroups: Array<ParamGroup<O>> = [];
  /** Per-parameter state, created on a parameter's first step. */
  readonly state = new Map<Tensor, S>();
  /** The clipping run inside `step()`. */
  readonly clipping: Readonly<Required<ClipOptions>>;
  /** The last step's norm once known (see lastGradNorm). */
  private gradNorm: number | null = null;
  /** The last step's gradients while their norm is not computed yet (see grad-norm.ts). */
  private pendingNorm: PendingGradNorm | null = null;
  /** Steps skipped by `skipNonFinite` because a gradient held NaN or ±inf. */
  skippedSteps = 0;
  /** The class name used in messages. */
  protected readonly optimizerName: string;

  /**
   * Sets up the param groups; called by each optimizer's constructor with its defaults.
   *
   * @param params - Tensors, or parameter groups (`{ params, ...options }`).
   * @param defaults - The options of groups that do not set their own.
   * @param settings - Name for messages and clipping options.
   * @throws TypeError when `params` is not an iterable of tensors or groups, or an option is
   *   unknown or mistyped; RangeError when it is empty or an option value is invalid.
   */
  constructor(params: ParamsInput<O>, defaults: O, settings: OptimizerSettings = {}) {
    this.optimizerName = settings.name ?? new.target.name;
    this.defaults = { ...defaults };
    this.clipping = this.checkClipping(settings.clip ?? {});
    if (
      params instanceof Tensor ||
      params === null ||
      typeof params !== 'object' ||
      !(Symbol.iterator in params)
    ) {
      throw new TypeError(
        `params argument given to the optimizer should be an iterable of Tensors or param groups, but got ${describe(params)}`,
      );
    }
    const list = Array.from(params as Iterable<unknown>);
    if (list.length === 0) throw new RangeError('optimizer got an empty parameter list');
    const groups = (list[0] instanceof Tensor ? [{ params: list }] : list) as Array<
      ParamGroupInput<O>
    >;
    for (const g of groups) this.addParamGroup(g);
  }

  /**
   * The total 2-norm of all gradients at the last step, before clipping; `null` before the first
   * step with gradients. A step that clips (or checks for non-finite gradients) records it as it
   * runs; otherwise it is computed when first read, from the gradients the step used, which stay
   * alive until then or until the next step: the same value, without a pass over every gradient
   * in each step that nobody reads it for.
   *
   * @returns The norm (float32), or `null`.
   * @throws Error when the norm was left for later and one of the step's gradients was changed in
   *   place, disposed or aliased before this read (`optimizer.zeroGrad()` computes it first).
   * @example
   * optimizer.step();
   * console.log(optimizer.lastGradNorm);
   */
  get lastGradNorm(): number | null {
    const pending = this.pendingNorm;
    if (pending !== null) {
      this.gradNorm = pending.compute(this.optimizerName);
      this.pendingNorm = null;
    }
    return this.gradNorm;
  }

  /**
   * Replaces the recorded norm (e.g. by a wrapper that computes its own).
   *
   * @param value - The norm, or `null`.
   */
  set lastGradNorm(value: number | null) {
    this.pendingNorm = null;
    this.gradNorm = value;
  }

  private checkClipping(c: ClipOptions): Required<ClipOptions> {
    const out: Required<ClipOptions> = {
      globalClipNorm: c.globalClipNorm ?? null,
      clipNorm: c.clipNorm ?? null,
      clipValue: c.clipValue ?? null,
      skipNonFinite: c.skipNonFinite ?? false,
    };
    for (const key of ['globalClipNorm', 'clipNorm', 'clipValue'] as const) {
      const v = out[key];
      if (v !== null && !(v >= 0))
        throw new RangeError(
          `${this.optimizerName}: ${key} must be a number >= 0, got ${describe(v)}`,
        );
    }
    if (out.globalClipNorm !== null && out.clipNorm !== null) {
      throw new TypeError(
        `${this.optimizerName}: clipNorm (per tensor) and globalClipNorm (over all tensors) cannot be combined`,
      );
    }
    return out;
  }

  /**
   * The option spec of a group (keys and types); used to check user-given groups.
   *
   * @returns The spec `checkOptions` uses for a group (the defaults' keys, typed by their values).
   */
  protected groupSpec(): OptionSpec {
    const spec: Record<string, string> = { params: 'any' };
    for (const [k, v] of Object.entries(this.defaults))
      spec[k] = Array.isArray(v) ? 'number[]' : typeof v === 'boolean' ? 'boolean' : 'number';
    return spec;
  }

  /**
   * Adds a parameter group; options it leaves out come from the defaults.
   *
   * @param group - `{ params, ...options }`; `params` is a tensor or an iterable of tensors.
   * @throws TypeError for a malformed group or unknown option; Error when a parameter is already
   *   in another group or is not a leaf; RangeError for an invalid option value. Nothing changes
   *   on error.
   */
  addParamGroup(group: ParamGroupInput<O>): void {
    if (group === null || typeof group !== 'object' || !('params' in group)) {
      throw new TypeError(
        `addParamGroup: expected an object with 'params', got ${describe(group)}`,
      );
    }
    checkOptions(`${this.optimizerName}: param group`, group, this.groupSpec());
    const raw = group.params;
    if (
      !(raw instanceof Tensor) &&
      (raw === null || typeof raw !== 'object' || !(Symbol.iterator in raw))
    ) {
      throw new TypeError(
        `addParamGroup: params must be a Tensor or an iterable of Tensors, got ${describe(raw)}`,
      );
    }
    const params = raw instanceof Tensor ? [raw] : Array.from(raw as Iterable<unknown>);
    params.forEach((p, i) => {
      if (!(p instanceof Tensor))
        throw new TypeError(
          `optimizer can only optimize Tensors, but param ${i} is ${describe(p)}`,
        );
      if (!p.isLeaf) throw new Error("can't optimize a non-leaf Tensor");
    });
    const tensors = params as Tensor[];
    const existing = new Set(this.paramGroups.flatMap((g) => g.params));
    if (tensors.some((p) => existing.has(p)))
      throw new Error('some parameters appear in more than one parameter group');
    const options: Record<string, unknown> = {
      ...(this.defaults as unknown as Record<string, unknown>),
    };
    for (const [k, v] of Object.entries(group)) if (v !== undefined) options[k] = v;
    // Arrays (betas) are copied so that groups never share them with the caller or each other.
    for (const [k, v] of Object.entries(options))
      if (Array.isArray(v)) options[k] = [...(v as unknown[])];
    const full = { ...options, params: tensors } as unknown as ParamGroup<O>;
    this.validateGroup(full);
    if (new Set(tensors).size !== tensors.length) {
      console.warn(
        'optimizer contains a parameter group with duplicate parameters; in future, this will cause an error',
      );
    }
    this.paramGroups.push(full);
  }

  /**
   * Checks a group's option values; subclasses throw PyTorch's messages.
   *
   * @param _group - The group, with every option filled in.
   */
  protected validateGroup(_group: ParamGroup<O>): void {}

  /**
   * The state of a parameter before its first step.
   *
   * @param p - The parameter.
   * @param group - Its param group.
   * @returns The fresh state (PyTorch's keys).
   */
  protected abstract initState(p: Tensor, group: ParamGroup<O>): S;

  /**
   * Updates one parameter in place (`view.param`) from `view.grad`, advancing `state`. Runs with
   * gradient recording off; never writes `view.grad`.
   *
   * @param view - The parameter's and gradient's elements (`param`, `grad`) and the tensor itself.
   * @param state - The parameter's state, updated in place.
   * @param group - Its param group's options.
   */
  protected abstract updateParameter(view: ParamView, state: S, group: ParamGroup<O>): void;

  /**
   * Whether `updateParameter` reads `view.grad` only while it runs (keeps no reference to it), so
   * the memory of a direction the step computed (weight decay, maximize) is reused by the next
   * step instead of being left to the garbage collector. False unless a subclass says so: the
   * built-in optimizers do.
   */
  protected readonly readsGradientOnlyDuringUpdate: boolean = false;

  /**
   * The weight decay added to the gradient (`grad + wd · param`); 0 for decoupled decay.
   *
   * @param group - The param group.
   * @returns Its `weightDecay`, or 0.
   */
  protected coupledWeightDecay(group: ParamGroup<O>): number {
    const wd = (group as unknown as { weightDecay?: number }).weightDecay;
    return typeof wd === 'number' ? wd : 0;
  }

  /**
   * Every parameter of every group, in order.
   *
   * @returns The parameters of all groups, in order.
   */
  protected allParams(): Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /**
   * Performs one optimization step: runs `closure` (if given) with gradients enabled, applies
   * the clipping options over all parameters, then updates every parameter that has a gradient.
   *
   * @param closure - Re-evaluates the model and returns the loss (for optimizers that need it).
   * @returns The closure's loss, or `undefined`.
   */
  step(closure?: () => Tensor): Tensor | undefined {
    const loss = closure ? enableGrad(closure) : undefined;
    const params = this.allParams();
    onOptimizerStep(params);
    try {
      noGrad(() => {
        if (this.prepareGradients(params)) this.updateAll();
      });
    } finally {
      onOptimizerStepEnd(params);
    }
    return loss;
  }

  /** Clipping and the non-finite check; false when the step must be skipped. */
  private prepareGradients(params: Tensor[]): boolean {
    const withGrad = params.filter((p) => p.grad !== null);
    const grads = withGrad.map((p) => p.grad as Tensor);
    if (grads.length === 0) {
      this.lastGradNorm = null;
      return true;
    }
    const { globalClipNorm, clipNorm, clipValue, skipNonFinite } = this.clipping;
    if (globalClipNorm === null && clipNorm === null && clipValue === null && !skipNonFinite) {
      // Nothing in this step needs the norm: it is computed if and when it is read.
      const pending = PendingGradNorm.of(grads);
      if (pending !== null) this.pendingNorm = pending;
      else this.lastGradNorm = stepGradNorm(grads);
      return true;
    }
    return quietly(() => {
      const total = getTotalNorm(grads, 2);
      this.lastGradNorm = total.item();
      if (skipNonFinite && grads.some(hasNonFinite)) {
        this.skippedSteps++;
        return false;
      }
      if (clipNorm !== null) for (const p of withGrad) clipGradNorm_(p, clipNorm);
      if (globalClipNorm !== null) clipGradsWithNorm_(withGrad, globalClipNorm, total);
      if (clipValue !== null) clipGradValue_(withGrad, clipValue);
      return true;
    });
  }

  private updateAll(): void {
    for (const group of this.paramGroups) {
      const wd = this.coupledWeightDecay(group);
      const maximize = (group as unknown as { maximize?: boolean }).maximize === true;
      for (const p of group.params) {
        if (p.grad === null) continue;
        let state = this.state.get(p);
        if (state === undefined) {
          state = this.initState(p, group);
          this.state.set(p, state);
        }
        // Contiguous parameters are updated in their own memory; others via a copy written back.
        const inPlace = p.isContiguous();
        const param = p._contiguousData();
        const given = p.grad._contiguousData();
        const reuse = this.readsGradientOnlyDuringUpdate;
        const grad = direction(param, given, maximize, wd, reuse);
        this.updateParameter({ param, grad, tensor: p }, state, group);
        if (reuse && grad !== given) releaseToArena(grad);
        if (inPlace) p._storage.version++;
        else p.copy_(Tensor._fromData(param, p.shape));
      }
    }
  }

  /**
   * Clears the gradients of every parameter.
   *
   * @param options - `setToNone` (default `true`, as in PyTorch 2.x): drop the gradients instead
   *   of zeroing them in place. A boolean alone is `setToNone` (PyTorch's positional form).
   * @throws TypeError for an unknown or mistyped option.
   * @example
   * optimizer.zeroGrad();
   * loss.backward();
   * optimizer.step();
   */
  zeroGrad(options: { setToNone?: boolean } | boolean = {}): void {
    const { setToNone = true } =
      typeof options === 'boolean'
        ? { setToNone: options }
        : checkOptions<{ setToNone?: boolean }>(`${this.optimizerName}.zeroGrad`, options, {
            setToNone: 'boolean',
          });
    // Zeroing in place would lose the values a pending norm is computed from: compute it first.
    const pending = this.pendingNorm;
    if (!setToNone && pending !== null && pending.intact())
      this.lastGradNorm = pending.compute(this.optimizerName);
    for (const g of this.paramGroups) for (const p of g.params) clearGrad(p, setToNone);
  }

  /**
   * The optimizer's state in PyTorch's layout (`{ state, param_groups }`, PyTorch's key names);
   * tensors are copies.
   *
   * @returns A state dict that `loadStateDict` (here or, as JSON/checkpoint, in PyTorch) accepts.
   */
  stateDict(): OptimizerStateDict<O> {
    const index = new Map<Tensor, number>();
    const groups = this.paramGroups.map((g) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(g)) {
        if (k === 'params') continue;
        out[toSnakeKey(k)] = Array.isArray(v) ? [...(v as unknown[])] : v;
      }
      const ids = g.params.map((p) => {
        if (!index.has(p)) index.set(p, index.size);
        return index.get(p) as number;
      });
      return { ...out, params: ids };
    });
    const state: Record<number, Record<string, unknown>> = {};
    for (const p of this.allParams()) {
      const s = this.state.get(p);
      const id = index.get(p);
      if (s === undefined || id === undefined || id in state) continue;
      state[id] = Object.fromEntries(
        Object.entries(s).map(([k, v]) => [k, v instanceof Tensor ? v.clone() : v]),
      );
    }
    const dict = { state, param_groups: groups } as OptimizerStateDict<O>;
    Object.defineProperty(dict, 'paramGroups', { value: groups, enumerable: false });
    return dict;
  }

  /**
   * Loads a state dict written by `stateDict()` here or by PyTorch (`param_groups` with
   * snake_case keys; `step` may be a number or a 0-d tensor; buffers may be tensors or their
   * JSON form `{ shape, data }`). Everything is checked before anything changes.
   *
   * @param dict - `{ state, param_groups }` (the older `paramGroups` spelling is accepted).
   * @throws TypeError for a malformed dict; RangeError when groups or state sizes do not match.
   */
  loadStateDict(dict: OptimizerStateDict<O>): void {
    const raw = dict as unknown as Record<string, unknown> | null;
    const groups = (raw?.param_groups ?? raw?.paramGroups) as
      Array<Record<string, unknown> & { params: number[] }> | undefined;
    if (!raw || !Array.isArray(groups) || raw.state === null || typeof raw.state !== 'object') {
      throw new TypeError(`loadStateDict: expected { state, param_groups }, got ${describe(dict)}`);
    }
    if (groups.length !== this.paramGroups.length) {
      throw new RangeError(
        `loaded state dict has a different number of parameter groups (${groups.length}, the optimizer has ${this.paramGroups.length})`,
      );
    }
    groups.forEach((g, i) => {
      if (!Array.isArray(g.params) || g.params.length !== this.paramGroups[i].params.length) {
        throw new RangeError(
          "loaded state dict contains a parameter group that doesn't match the size of optimizer's group",
        );
      }
    });
    const byId = new Map<number, { p: Tensor; group: ParamGroup<O> }>();
    groups.forEach((g, i) =>
      g.params.forEach((id, j) =>
        byId.set(Number(id), { p: this.paramGroups[i].params[j], group: this.paramGroups[i] }),
      ),
    );
    const newState = new Map<Tensor, S>();
    for (const [id, s] of Object.entries(raw.state as Record<string, Record<string, unknown>>)) {
      const target = byId.get(Number(id));
      if (!target) continue;
      const { p } = target;
      const entry: Record<string, unknown> = {};
      for (const [k, raw] of Object.entries(s ?? {})) {
        const v = isTensorJson(raw) ? tensorFromJson(raw) : raw;
        if (v instanceof Tensor) {
          if (k === 'step' && v.numel() === 1) entry[k] = v.item();
          else if (v.numel() !== p.numel()) {
            throw new RangeError(
              `loadStateDict: state '${k}' of parameter ${id} has ${v.numel()} elements, the parameter ${p.numel()}`,
            );
          } else entry[k] = Tensor._fromData(v._contiguousData().slice(), p.shape);
        } else entry[k] = v;
      }
      newState.set(p, entry as S);
    }
    const newOptions = groups.map((g) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(g)) {
        if (k === 'params' || IMPLEMENTATION_KEYS.has(k)) continue;
        out[toCamelKey(k)] = Array.isArray(v) ? [...(v as unknown[])] : v;
      }
      return out;
    });
    newOptions.forEach((o, i) =>
      this.validateGroup({ ...this.paramGroups[i], ...o } as ParamGroup<O>),
    );
    this.state.clear();
    for (const [p, s] of newState) this.state.set(p, s);
    newOptions.forEach((o, i) => Object.assign(this.paramGroups[i], o));
  }
}

/** `{ shape, data }` as JSON fixtures and checkpoints write a tensor (NaN/inf as strings). */
function isTensorJson(v: unknown): v is { shape: number[]; data: Array<number | string> } {
  return (
    v !== null &&
    typeof v === 'object' &&
    !(v instanceof Tensor) &&
    Array.isArray((v as { shape?: unknown }).shape) &&
    Array.isArray((v as { data?: unknown }).data)
  );
}

function tensorFromJson(v: { shape: number[]; data: Array<number | string> }): Tensor {
  const data = Float32Array.from(v.data, (x) =>
    typeof x === 'number' ? x : x === 'inf' ? Infinity : x === '-inf' ? -Infinity : NaN,
  );
  return Tensor._fromData(data, v.shape);
}

/**
 * The gradient as the update sees it: negated under `maximize`, plus coupled weight decay; `g`
 * itself when neither applies. A new array otherwise: in the arena when `reusable` (the caller
 * gives it back after the update), so the next step finds the same memory.
 */
function direction(
  param: Float32Array,
  g: Float32Array,
  maximize: boolean,
  wd: number,
  reusable: boolean,
): Float32Array {
  if (!maximize && wd === 0) return g;
  const n = param.length;
  const d = reusable ? allocLongLived(n, false) : allocForWrite(n);
  const wd32 = f(wd);
  // SIMD where all three arrays live in the arena (the kernel needs wd's product term).
  const simd = wd === 0 ? undefined : updateKernelsFor(n, param, g, d);
  const done = simd === undefined ? 0 : n - (n & 7); // the kernel takes 8 elements per pass
  if (simd !== undefined)
    simd.direction(param.byteOffset, g.byteOffset, d.byteOffset, done, wd32, maximize ? 1 : 0);
  for (let i = done; i < n; i++) {
    const gi = maximize ? -g[i] : g[i];
    // PyTorch's `grad.add(param, alpha=wd)`: one fused multiply-add in float32.
    d[i] = wd !== 0 ? f(wd32 * param[i] + gi) : gi;
  }
  return d;
}

/** A fresh zero-filled state buffer shaped like `p`. */
export function zerosLikeParam(p: Tensor, fill = 0): Tensor {
  // In the arena when it has room: the update then runs SIMD over parameter, gradient and state.
  const data = allocLongLived(p.numel());
  if (fill !== 0) data.fill(fill);
  return Tensor._fromData(data, p.shape);
}

/** The contiguous float32 memory of a state buffer (created contiguous by the optimizers). */
export function bufferOf(t: Tensor): Float32Array {
  return t._contiguousData();
}
