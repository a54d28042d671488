import { Tensor, describe } from '../tensor/tensor.js';
import { zeroGradOf } from '../nn/module.js';

/** Hyper-parameters shared by every group; each optimizer adds its own. */
export interface GroupOptions {
  lr: number;
}

/** A parameter group: its tensors and its own copy of the options. */
export type ParamGroup<O extends GroupOptions> = O & { params: Tensor[] };

/** What the constructor and `addParamGroup` accept for a group. */
export type ParamGroupInput<O extends GroupOptions> = Partial<O> & {
  params: Iterable<Tensor> | Tensor;
};

export type ParamsInput<O extends GroupOptions> = Iterable<Tensor> | Iterable<ParamGroupInput<O>>;

/** Per-parameter state: buffers (tensors) and counters. */
export type ParamState = Record<string, Tensor | number | null>;

export interface OptimizerStateDict<O extends GroupOptions> {
  /** Keyed by the parameter's index across all groups, as PyTorch numbers them. */
  state: Record<number, ParamState>;
  paramGroups: Array<O & { params: number[] }>;
}

/** Base class: parameter groups, per-parameter state, zeroGrad and state dicts. */
export abstract class Optimizer<O extends GroupOptions> {
  readonly defaults: O;
  readonly paramGroups: Array<ParamGroup<O>> = [];
  readonly state = new Map<Tensor, ParamState>();

  constructor(params: ParamsInput<O>, defaults: O) {
    this.defaults = { ...defaults };
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

  /** Adds a group; options it leaves out come from the defaults. */
  addParamGroup(group: ParamGroupInput<O>): void {
    if (group === null || typeof group !== 'object' || !('params' in group)) {
      throw new TypeError(
        `addParamGroup: expected an object with 'params', got ${describe(group)}`,
      );
    }
    const raw = group.params;
    const params = raw instanceof Tensor ? [raw] : Array.from(raw as Iterable<unknown>);
    params.forEach((p, i) => {
      if (!(p instanceof Tensor))
        throw new TypeError(
          `optimizer can only optimize Tensors, but param ${i} is ${describe(p)}`,
        );
      if (!p.isLeaf) throw new Error("can't optimize a non-leaf Tensor");
    });
    const tensors = params as Tensor[];
    if (new Set(tensors).size !== tensors.length) {
      console.warn(
        'optimizer contains a parameter group with duplicate parameters; in future, this will cause an error',
      );
    }
    const existing = new Set(this.paramGroups.flatMap((g) => g.params));
    if (tensors.some((p) => existing.has(p)))
      throw new Error('some parameters appear in more than one parameter group');
    const full = { ...this.defaults, ...group, params: tensors } as ParamGroup<O>;
    this.validateGroup(full);
    this.paramGroups.push(full);
  }

  /** Checks a group's options; subclasses throw PyTorch's messages. */
  protected validateGroup(_group: ParamGroup<O>): void {}

  abstract step(closure?: () => Tensor): Tensor | undefined;

  /** Clears gradients. Default `setToNone: true`, as in PyTorch 2.x (1.13 zeroed in place). */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    const setToNone = options.setToNone ?? true;
    for (const g of this.paramGroups) for (const p of g.params) zeroGradOf(p, setToNone);
  }

  stateDict(): OptimizerStateDict<O> {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...options } = g;
      const ids = params.map((p) => {
        if (!index.has(p)) index.set(p, index.size);
        return index.get(p) as number;
      });
      return { ...(options as unknown as O), params: ids };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const id = index.get(p);
      if (id === undefined) continue;
      state[id] = Object.fromEntries(
        Object.entries(s).map(([k, v]) => [k, v instanceof Tensor ? v.clone() : v]),
      );
    }
    return { state, paramGroups };
  }

  loadStateDict(dict: OptimizerStateDict<O>): void {
    if (!dict || !Array.isArray(dict.paramGroups) || typeof dict.state !== 'object') {
      throw new TypeError(`loadStateDict: expected { state, paramGroups }, got ${describe(dict)}`);
    }
    if (dict.paramGroups.length !== this.paramGroups.length) {
      throw new RangeError(
        `loaded state dict has ${dict.paramGroups.length} parameter groups, but the optimizer has ${this.paramGroups.length}`,
      );
    }
    dict.paramGroups.forEach((g, i) => {
      if (g.params.length !== this.paramGroups[i].params.length) {
        throw new RangeError(
          "loaded state dict contains a parameter group that doesn't match the size of optimizer's group",
        );
      }
    });
    const byId = new Map<number, Tensor>();
    dict.paramGroups.forEach((g, i) =>
      g.params.forEach((id, j) => byId.set(id, this.paramGroups[i].params[j])),
    );
    for (const [id, s] of Object.entries(dict.state)) {
      const p = byId.get(Number(id));
      if (!p) continue;
      for (const v of Object.values(s)) {
        if (v instanceof Tensor && v.numel() !== p.numel()) {
          throw new RangeError(
            `loadStateDict: state for parameter ${id} has ${v.numel()} elements, the parameter ${p.numel()}`,
          );
        }
      }
    }
    this.state.clear();
    for (const [id, s] of Object.entries(dict.state)) {
      const p = byId.get(Number(id));
      if (p)
        this.state.set(
          p,
          Object.fromEntries(
            Object.entries(s).map(([k, v]) => [k, v instanceof Tensor ? v.clone() : v]),
          ),
        );
    }
    dict.paramGroups.forEach((g, i) => {
      const { params: _ids, ...options } = g;
      Object.assign(this.paramGroups[i], options);
    });
  }
}
