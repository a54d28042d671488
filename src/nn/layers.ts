/** Layers: Linear, activations, Sequential, losses. */
import { noGrad } from '../autograd/grad-mode.js';
import { Tensor, describe } from '../tensor/tensor.js';
import { empty } from '../tensor/creation.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from './init.js';
import {
  checkReduction,
  l1Loss,
  linear,
  mseLoss,
  relu,
  sigmoid,
  tanh,
  type Reduction,
} from './functional.js';

function checkFeatures(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new TypeError(`Linear: ${name} must be a non-negative integer, got ${describe(value)}`);
  }
  return value;
}

/**
 * Applies an affine map `y = x Wᵀ + b`, as `nn.Linear`. The weight is `[outFeatures, inFeatures]`
 * and the bias `[outFeatures]`, initialised exactly as PyTorch's `reset_parameters`, so the same
 * seed gives the same numbers.
 *
 * @example
 * ```ts
 * manualSeed(0);
 * const fc = new nn.Linear(3, 2);          // weight [2, 3], bias [2]
 * const y = fc.call(randn(4, 3));          // shape [4, 2]
 * const noBias = new nn.Linear(3, 2, { bias: false });
 * ```
 */
export class Linear extends Module {
  /** Size of each input sample (the last dimension of the input). */
  readonly inFeatures: number;
  /** Size of each output sample (the last dimension of the output). */
  readonly outFeatures: number;
  /**
   * The learnable weight, shape `[outFeatures, inFeatures]`, initially
   * U(-1/√inFeatures, 1/√inFeatures) (kaiming-uniform with a = √5).
   */
  weight: Parameter;
  /**
   * The learnable bias, shape `[outFeatures]`, initially U(-1/√inFeatures, 1/√inFeatures); `null`
   * when built with `{ bias: false }`.
   */
  bias: Parameter | null;

  /**
   * Creates the layer, as `nn.Linear(in_features, out_features, bias=True)`.
   *
   * @param inFeatures - Size of each input sample.
   * @param outFeatures - Size of each output sample.
   * @param options - `bias` (default `true`): `false` leaves out the additive bias.
   * @throws TypeError if a feature count is not a non-negative integer.
   */
  constructor(inFeatures: number, outFeatures: number, options: { bias?: boolean } = {}) {
    super();
    this.inFeatures = checkFeatures(inFeatures, 'in_features');
    this.outFeatures = checkFeatures(outFeatures, 'out_features');
    this.weight = new Parameter(empty(outFeatures, inFeatures));
    this.bias = options.bias === false ? null : new Parameter(empty(outFeatures));
    this.resetParameters();
  }

  /**
   * Re-draws the weight and bias as at construction, as PyTorch's `reset_parameters`:
   * kaiming-uniform
   * (a = √5) on the weight, then U(-1/√fan_in, 1/√fan_in) on the bias, the weight drawn first.
   */
  resetParameters(): void {
    noGrad(() => {
      kaimingUniform_(this.weight, { a: Math.sqrt(5) });
      if (this.bias !== null) {
        const [fanIn] = calculateFanInAndFanOut(this.weight);
        const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
        uniform_(this.bias, -bound, bound);
      }
    });
  }

  /**
   * Computes `input @ weightᵀ + bias`. Prefer `call(input)`, which also runs hooks.
   *
   * @param input - A tensor of shape `[..., inFeatures]`.
   * @returns A tensor of shape `[..., outFeatures]`.
   * @throws RangeError if the last dimension of `input` is not `inFeatures`.
   */
  forward(input: Tensor): Tensor {
    return linear(input, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias !== null ? 'True' : 'False'}`;
  }
}

/**
 * Applies `max(x, 0)` elementwise, as `nn.ReLU`. `inplace` is accepted for ported code; the result
 * is always a new tensor.
 *
 * @example
 * ```ts
 * new nn.ReLU().call(tensor([-1, 2])); // tensor([0., 2.])
 * ```
 */
export class ReLU extends Module {
  /** Accepted for ported code (`nn.ReLU(inplace=True)`); has no effect. */
  readonly inplace: boolean;
  /**
   * Creates the layer, as `nn.ReLU(inplace=False)`.
   *
   * @param inplace - `true` or `{ inplace: true }` is accepted and ignored (default `false`).
   * @throws TypeError if `inplace` is not a boolean.
   */
  constructor(inplace: boolean | { inplace?: boolean } = false) {
    super();
    const flag = typeof inplace === 'object' && inplace !== null ? inplace.inplace : inplace;
    if (typeof flag !== 'boolean' && flag !== undefined) {
      throw new TypeError(`ReLU: inplace must be a boolean, got ${describe(flag)}`);
    }
    this.inplace = flag ?? false;
  }
  /**
   * Applies `max(x, 0)` elementwise. Prefer `call(input)`, which also runs hooks.
   *
   * @param input - Any tensor.
   * @returns `relu(input)`.
   */
  forward(input: Tensor): Tensor {
    return relu(input);
  }
  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

/** `Tanh()`: the hyperbolic tangent. */
export class Tanh extends Module {
  /**
   * Applies the hyperbolic tangent elementwise. Prefer `call(input)`, which also runs hooks.
   *
   * @param input - Any tensor.
   * @returns `tanh(input)`.
   */
  forward(input: Tensor): Tensor {
    return tanh(input);
  }
}

/** `Sigmoid()`: `1 / (1 + exp(−x))`. */
export class Sigmoid extends Module {
  /**
   * Applies the logistic sigmoid elementwise. Prefer `call(input)`, which also runs hooks.
   *
   * @param input - Any tensor.
   * @returns `sigmoid(input)`.
   */
  forward(input: Tensor): Tensor {
    return sigmoid(input);
  }
}

/** `Identity()`: returns its input unchanged. */
export class Identity extends Module {
  /**
   * Returns `input` itself. Prefer `call(input)`, which also runs hooks.
   *
   * @param input - Any tensor.
   * @returns `input`.
   */
  forward(input: Tensor): Tensor {
    return input;
  }
}

/**
 * Runs its modules in order, each on the previous one's output (PyTorch's `nn.Sequential`).
 * Built from modules (`new Sequential(a, b)`, registered as `'0'`, `'1'`, …) or from an object
 * of named modules (`new Sequential({ fc: ..., act: ... })`, PyTorch's OrderedDict form).
 *
 * @example
 * const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 1));
 * const y = model.call(x);
 */
export class Sequential extends Module {
  /**
   * Creates the container, as `nn.Sequential(*modules)` or `nn.Sequential(OrderedDict(...))`.
   *
   * @param modules - The modules in order, or one object mapping names to modules.
   */
  constructor(...modules: Module[] | [Record<string, Module>]) {
    super();
    const first = modules[0];
    if (
      modules.length === 1 &&
      !(first instanceof Module) &&
      typeof first === 'object' &&
      first !== null
    ) {
      for (const [name, m] of Object.entries(first)) {
        if (!(m instanceof Module))
          throw new TypeError(`Sequential: entry '${name}' is ${describe(m)}, not a Module`);
        this.registerModule(name, m);
      }
      return;
    }
    (modules as unknown[]).forEach((m, i) => {
      if (!(m instanceof Module))
        throw new TypeError(`Sequential: argument ${i} is ${describe(m)}, not a Module`);
      this.registerModule(String(i), m);
    });
  }

  /** Number of modules. */
  get length(): number {
    return this._modules.size;
  }

  private list(): Module[] {
    return [...this._modules.values()].filter((m): m is Module => m !== null);
  }

  /**
   * The i-th module (negative counts from the end), as `model[i]`.
   *
   * @param index - Position.
   * @returns The module.
   * @throws RangeError when out of range.
   */
  get(index: number): Module {
    const list = this.list();
    const i = index < 0 ? index + list.length : index;
    const m = list[i];
    if (!Number.isInteger(index) || m === undefined) {
      throw new RangeError(`Sequential: index ${index} is out of range for ${list.length} modules`);
    }
    return m;
  }

  /**
   * A new Sequential of the modules in `[start, end)` (`model[start:end]`), keeping their names.
   *
   * @param start - First index (default 0).
   * @param end - End index (default the length).
   * @returns The sub-model (sharing the modules).
   */
  slice(start?: number, end?: number): Sequential {
    const entries = [...this._modules.entries()].filter(
      (e): e is [string, Module] => e[1] !== null,
    );
    return new Sequential(Object.fromEntries(entries.slice(start, end)));
  }

  /**
   * Appends a module under the next index.
   *
   * @param module - The module.
   * @returns This Sequential.
   */
  append(module: Module): this {
    if (!(module instanceof Module))
      throw new TypeError(`Sequential.append: ${describe(module)} is not a Module`);
    this.registerModule(String(this._modules.size), module);
    return this;
  }

  /**
   * Appends several modules.
   *
   * @param modules - The modules.
   * @returns This Sequential.
   */
  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /**
   * Inserts a module before `index`; the modules are renumbered `'0'`, `'1'`, ….
   *
   * @param index - Position (negative counts from the end).
   * @param module - The module.
   * @returns This Sequential.
   */
  insert(index: number, module: Module): this {
    if (!(module instanceof Module))
      throw new TypeError(`Sequential.insert: ${describe(module)} is not a Module`);
    const list = this.list();
    const n = list.length;
    if (!Number.isInteger(index) || index < -n || index > n)
      throw new RangeError(`Sequential.insert: index ${index} is out of range`);
    list.splice(index < 0 ? index + n : index, 0, module);
    this._modules.clear();
    list.forEach((m, i) => this.registerModule(String(i), m));
    return this;
  }

  /**
   * Removes and returns the module at `index` (`del model[i]` / `pop`).
   *
   * @param index - Position (default the last).
   * @returns The removed module.
   */
  pop(index = -1): Module {
    const m = this.get(index);
    const key = [...this._modules.entries()].find(([, v]) => v === m)![0];
    this._modules.delete(key);
    return m;
  }

  /**
   * Iterates the modules in order.
   *
   * @returns An iterator over the modules.
   */
  *[Symbol.iterator](): Iterator<Module> {
    yield* this.list();
  }

  /**
   * Calls each module (through `call`, so their hooks run) on the previous one's output.
   *
   * @param input - The first module's input.
   * @returns The last module's output.
   */
  forward(input: Tensor): Tensor {
    let x: unknown = input;
    for (const m of this._modules.values()) if (m) x = m.call(x);
    return x as Tensor;
  }
}

/** Base of the losses that take `(input, target)` and a `reduction`. */
abstract class Loss extends Module {
  /** How the per-element losses are combined: `'mean'` (default), `'sum'` or `'none'`. */
  readonly reduction: Reduction;
  /**
   * @param options - `reduction` (default `'mean'`): `'mean'`, `'sum'` or `'none'`.
   * @throws TypeError if `reduction` is not one of those.
   */
  constructor(options: { reduction?: Reduction } = {}) {
    super();
    this.reduction = checkReduction(options.reduction ?? 'mean');
  }
  /**
   * Computes the loss of `input` against `target`.
   *
   * @param input - The predictions.
   * @param target - The targets.
   * @returns The reduced loss (0-d), or per-element losses with `reduction: 'none'`.
   */
  abstract override forward(input: Tensor, target: Tensor): Tensor;
}

/**
 * The mean squared error `(input - target)²`, as `nn.MSELoss`, reduced by `reduction`
 * (`'mean'` by default, `'sum'` or `'none'`). `input` and `target` broadcast.
 *
 * @example
 * ```ts
 * const criterion = new nn.MSELoss();
 * const loss = criterion.call(tensor([1, 2]), tensor([1, 4])); // tensor(2.)
 * loss.backward();
 * ```
 */
export class MSELoss extends Loss {
  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

/**
 * The mean absolute error `|input - target|`, as `nn.L1Loss`, reduced by `reduction`
 * (`'mean'` by default, `'sum'` or `'none'`).
 *
 * @example
 * ```ts
 * new nn.L1Loss().call(tensor([1, 2]), tensor([1, 4])); // tensor(1.)
 * ```
 */
export class L1Loss extends Loss {
  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }
}
