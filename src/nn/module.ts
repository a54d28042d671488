import { isGradEnabled, noGrad } from '../autograd/grad-mode.js';
import { Tensor, describe } from '../tensor/tensor.js';
import { formatShape, sameShape } from '../tensor/shape.js';
import { checkOptions } from '../tensor/options.js';
import { Parameter } from './parameter.js';
import {
  BackwardHookState,
  RemovableHandle,
  addHook,
  type ForwardHook,
  type ForwardPreHook,
  type FullBackwardHook,
  type HookOptions,
} from './hooks.js';

export { RemovableHandle } from './hooks.js';
export type { ForwardHook, ForwardPreHook, FullBackwardHook, HookOptions } from './hooks.js';

/** A module's parameters and persistent buffers by dotted name (PyTorch's `state_dict` keys). */
export type StateDict = Record<string, Tensor>;

/** What `loadStateDict` reports: keys the module has but the dict lacks, and the reverse. */
export interface LoadResult {
  /** Keys of this module missing from the loaded dict. */
  missingKeys: string[];
  /** Keys of the loaded dict this module does not have. */
  unexpectedKeys: string[];
}

/**
 * Base class of layers and models, as `nn.Module`. Subclasses define `forward`; call a module with
 * `call(...)` (PyTorch's `module(x)`). As in PyTorch, assigning a {@link Parameter} or a Module to
 * a
 * field (`this.fc = new Linear(2, 3)`) registers it, in assignment order, so that `parameters()`,
 * `stateDict()`, `train()` and `zeroGrad()` reach it.
 *
 * @example
 * ```ts
 * class MLP extends nn.Module {
 *   fc1 = new nn.Linear(4, 8);
 *   fc2 = new nn.Linear(8, 1);
 *   forward(x: Tensor): Tensor {
 *     return this.fc2.call(this.fc1.call(x).relu());
 *   }
 * }
 * const model = new MLP();
 * const y = model.call(randn(2, 4));   // shape [2, 1]
 * model.parameters().length;            // 4
 * ```
 */
export abstract class Module {
  /** Training mode (true) or evaluation mode (false); set with `train()` / `eval()`. */
  training = true;
  /** @internal */ readonly _parameters = new Map<string, Parameter | null>();
  /** @internal */ readonly _buffers = new Map<string, Tensor | null>();
  /** @internal Names of buffers left out of the state dict. */
  readonly _nonPersistentBuffers = new Set<string>();
  /** @internal */ readonly _modules = new Map<string, Module | null>();
  /** @internal */ readonly _forwardPreHooks = new Map<number, ForwardPreHook>();
  /** @internal */ readonly _forwardHooks = new Map<number, ForwardHook>();
  /** @internal */ readonly _backwardHooks = new Map<number, FullBackwardHook>();

  /** Sets up parameter and submodule registration; subclasses call `super()` first. */
  constructor() {
    // Intercept field writes so parameters and submodules register themselves.
    return new Proxy(this, {
      set: (target, key, value, receiver) => {
        if (typeof key === 'string') target._track(key, value);
        return Reflect.set(target, key, value, receiver);
      },
      defineProperty: (target, key, descriptor) => {
        if (typeof key === 'string' && 'value' in descriptor) target._track(key, descriptor.value);
        return Reflect.defineProperty(target, key, descriptor);
      },
    });
  }

  /** @internal */
  _track(name: string, value: unknown): void {
    if (value instanceof Parameter) {
      this._modules.delete(name);
      this._parameters.set(name, value);
    } else if (value instanceof Module) {
      this._parameters.delete(name);
      this._modules.set(name, value);
    } else if (value === null && (this._parameters.has(name) || this._modules.has(name))) {
      if (this._parameters.has(name)) this._parameters.set(name, null);
      else this._modules.set(name, null);
    } else if (this._parameters.has(name) && value instanceof Tensor) {
      throw new TypeError(
        `cannot assign a plain Tensor as parameter '${name}' (nn.Parameter or null expected); wrap it in new Parameter(...)`,
      );
    } else if (this._buffers.has(name)) {
      if (value !== null && !(value instanceof Tensor)) {
        throw new TypeError(
          `cannot assign ${describe(value)} as buffer '${name}' (Tensor or null expected)`,
        );
      }
      this._buffers.set(name, value as Tensor | null);
    }
  }

  /**
   * The computation of this module. Subclasses define it with their own arguments and result; call
   * the module with `call(...)` (PyTorch's `module(x)`) so that hooks run.
   *
   * @param inputs - The layer's inputs (subclasses declare their own parameters).
   * @returns The layer's output.
   */
  abstract forward(...inputs: unknown[]): unknown;

  /**
   * PyTorch's `module(x)`: runs the forward pre-hooks (which may replace the inputs), `forward`,
   * then the forward hooks (which may replace the output), and wires the full backward hooks.
   *
   * @param inputs - The arguments of `forward`.
   * @returns What `forward` (or a forward hook) returned.
   * @example
   * const y = model.call(x); // y = model(x)
   */
  call<M extends Module>(this: M, ...inputs: Parameters<M['forward']>): ReturnType<M['forward']> {
    let args: unknown[] = inputs;
    for (const hook of [...this._forwardPreHooks.values()]) {
      const result = hook(this, args);
      if (result !== undefined) args = Array.isArray(result) ? result : [result];
    }
    const backward =
      this._backwardHooks.size > 0 && isGradEnabled()
        ? new BackwardHookState(this, [...this._backwardHooks.values()])
        : null;
    if (backward) args = backward.setupInputs(args);
    let output = (this.forward as (...a: unknown[]) => unknown)(...args);
    for (const hook of [...this._forwardHooks.values()]) {
      const result = hook(this, args, output);
      if (result !== undefined) output = result;
    }
    if (backward) output = backward.setupOutputs(output);
    return output as ReturnType<M['forward']>;
  }

  /**
   * Registers `hook(module, inputs)` to run before every `call`; returning a value (an array of
   * arguments, or a single one) replaces the inputs.
   *
   * @param hook - The hook.
   * @param options - `prepend: true` runs it before the hooks already registered.
   * @returns A handle whose `remove()` unregisters the hook.
   */
  registerForwardPreHook(hook: ForwardPreHook<this>, options?: HookOptions): RemovableHandle {
    return addHook(
      'registerForwardPreHook',
      this._forwardPreHooks,
      hook as ForwardPreHook,
      options,
    );
  }

  /**
   * Registers `hook(module, inputs, output)` to run after every `forward` inside `call`;
   * returning a value replaces the output.
   *
   * @param hook - The hook.
   * @param options - `prepend: true` runs it before the hooks already registered.
   * @returns A handle whose `remove()` unregisters the hook.
   */
  registerForwardHook(hook: ForwardHook<this>, options?: HookOptions): RemovableHandle {
    return addHook('registerForwardHook', this._forwardHooks, hook as ForwardHook, options);
  }

  /**
   * Registers `hook(module, gradInput, gradOutput)` to run when the gradients with respect to
   * the module's inputs have been computed during backward (PyTorch's full backward hook).
   * `gradInput` has one entry per argument of `call` (null for non-tensors and tensors that do
   * not require grad); `gradOutput` one per output tensor. Returning an array replaces the
   * gradients with respect to the inputs.
   *
   * Only calls made through `call(...)` are hooked. With several inputs requiring grad, a
   * replacement can only change the gradient of the input whose gradient arrived last.
   *
   * @param hook - The hook.
   * @param options - `prepend: true` runs it before the hooks already registered.
   * @returns A handle whose `remove()` unregisters the hook.
   */
  registerFullBackwardHook(hook: FullBackwardHook<this>, options?: HookOptions): RemovableHandle {
    return addHook(
      'registerFullBackwardHook',
      this._backwardHooks,
      hook as FullBackwardHook,
      options,
    );
  }

  /**
   * Registers a parameter under `name` (or `null` for a declared-but-absent one).
   *
   * @param name - Attribute name.
   * @param param - The parameter or null.
   * @throws TypeError when `param` is neither a Parameter nor null.
   */
  registerParameter(name: string, param: Parameter | null): void {
    if (param !== null && !(param instanceof Parameter)) {
      throw new TypeError(
        `registerParameter: cannot assign ${describe(param)} as parameter '${name}' (Parameter or null expected)`,
      );
    }
    (this as unknown as Record<string, unknown>)[name] = param;
    this._parameters.set(name, param);
  }

  /**
   * Registers a buffer: a tensor that belongs to the module's state (moved, saved and loaded
   * with it) but is not a parameter, e.g. BatchNorm's `running_mean`.
   *
   * @param name - Attribute name (also the state-dict key).
   * @param tensor - The tensor, or null for a declared-but-absent buffer.
   * @param options - `persistent` (default true): false keeps the buffer out of `stateDict()`.
   * @throws TypeError when `tensor` is neither a Tensor nor null, or `name` clashes with a
   *   parameter or submodule.
   */
  registerBuffer(name: string, tensor: Tensor | null, options?: { persistent?: boolean }): void {
    if (tensor !== null && !(tensor instanceof Tensor)) {
      throw new TypeError(
        `registerBuffer: cannot assign ${describe(tensor)} as buffer '${name}' (Tensor or null expected)`,
      );
    }
    if (typeof name !== 'string' || name === '' || name.includes('.')) {
      throw new TypeError(
        `registerBuffer: buffer name must be a non-empty string without '.', got ${describe(name)}`,
      );
    }
    if (this._parameters.has(name) || this._modules.has(name)) {
      throw new TypeError(`registerBuffer: attribute '${name}' already exists`);
    }
    const { persistent = true } = checkOptions<{ persistent?: boolean }>(
      'registerBuffer',
      options,
      {
        persistent: 'boolean',
      },
    );
    this._buffers.set(name, tensor);
    if (persistent) this._nonPersistentBuffers.delete(name);
    else this._nonPersistentBuffers.add(name);
    (this as unknown as Record<string, unknown>)[name] = tensor;
  }

  /**
   * Registers a submodule under `name` (or `null`).
   *
   * @param name - Attribute name.
   * @param module - The submodule or null.
   * @throws TypeError when `module` is neither a Module nor null.
   */
  registerModule(name: string, module: Module | null): void {
    if (module !== null && !(module instanceof Module)) {
      throw new TypeError(`registerModule: ${describe(module)} is not a Module subclass`);
    }
    (this as unknown as Record<string, unknown>)[name] = module;
    this._modules.set(name, module);
  }

  /**
   * Alias of `registerModule` (PyTorch's `add_module`).
   *
   * @param name - Attribute name.
   * @param module - The submodule or null.
   */
  addModule(name: string, module: Module | null): void {
    this.registerModule(name, module);
  }

  /**
   * The submodule at a dotted path (`'encoder.layers.0'`); `''` is this module.
   *
   * @param target - The dotted path.
   * @returns The submodule.
   * @throws Error when a step of the path does not name a submodule.
   */
  getSubmodule(target: string): Module {
    if (target === '') return this;
    return target.split('.').reduce<Module>((m, part) => {
      const next = m._modules.get(part);
      if (!next) throw new Error(`${m.constructor.name} has no attribute \`${part}\``);
      return next;
    }, this);
  }

  /**
   * Every module in the tree with its dotted name, this one first, each listed once.
   *
   * @param prefix - The name given to this module and prepended to the others (default `''`).
   * @returns A generator of `[name, module]` pairs.
   */
  *namedModules(prefix = ''): Generator<[string, Module]> {
    const seen = new Set<Module>();
    function* walk(m: Module, p: string): Generator<[string, Module]> {
      if (seen.has(m)) return;
      seen.add(m);
      yield [p, m];
      for (const [name, child] of m._modules)
        if (child) yield* walk(child, p ? `${p}.${name}` : name);
    }
    yield* walk(this, prefix);
  }

  /**
   * Every module in the tree, this one first, each listed once.
   *
   * @returns The modules.
   */
  modules(): Module[] {
    return [...this.namedModules()].map(([, m]) => m);
  }

  /**
   * The direct submodules with their attribute names, each listed once.
   *
   * @returns `[name, module]` pairs in registration order.
   */
  namedChildren(): Array<[string, Module]> {
    const out: Array<[string, Module]> = [];
    const seen = new Set<Module>();
    for (const [name, m] of this._modules) {
      if (m && !seen.has(m)) {
        seen.add(m);
        out.push([name, m]);
      }
    }
    return out;
  }

  /**
   * The direct submodules, each listed once.
   *
   * @returns The submodules in registration order.
   */
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /**
   * The parameters with dotted names (`'fc1.weight'`), each listed once, in registration order.
   *
   * @param prefix - Prepended to every name (default `''`).
   * @param recurse - Include submodules' parameters (default `true`).
   * @returns `[name, parameter]` pairs.
   */
  namedParameters(prefix = '', recurse = true): Array<[string, Parameter]> {
    const out: Array<[string, Parameter]> = [];
    const seen = new Set<Parameter>();
    const mods: Array<[string, Module]> = recurse
      ? [...this.namedModules(prefix)]
      : [[prefix, this]];
    for (const [modName, m] of mods) {
      for (const [name, p] of m._parameters) {
        if (p && !seen.has(p)) {
          seen.add(p);
          out.push([modName ? `${modName}.${name}` : name, p]);
        }
      }
    }
    return out;
  }

  /**
   * The parameters of this module (and its submodules when `recurse`), each listed once.
   *
   * @param recurse - Include submodules' parameters (default true).
   * @returns The parameters in registration order.
   */
  parameters(recurse = true): Parameter[] {
    return this.namedParameters('', recurse).map(([, p]) => p);
  }

  /**
   * Buffers with dotted names (persistent or not), each listed once.
   *
   * @param prefix - Prepended to every name (default `''`).
   * @param recurse - Include submodules' buffers (default true).
   * @returns `[name, tensor]` pairs in registration order.
   */
  namedBuffers(prefix = '', recurse = true): Array<[string, Tensor]> {
    const out: Array<[string, Tensor]> = [];
    const seen = new Set<Tensor>();
    const mods: Array<[string, Module]> = recurse
      ? [...this.namedModules(prefix)]
      : [[prefix, this]];
    for (const [modName, m] of mods) {
      for (const [name, b] of m._buffers) {
        if (b && !seen.has(b)) {
          seen.add(b);
          out.push([modName ? `${modName}.${name}` : name, b]);
        }
      }
    }
    return out;
  }

  /**
   * The buffers of this module (and its submodules when `recurse`).
   *
   * @param recurse - Include submodules' buffers (default true).
   * @returns The buffers in registration order.
   */
  buffers(recurse = true): Tensor[] {
    return this.namedBuffers('', recurse).map(([, b]) => b);
  }

  /**
   * Sets `requiresGrad` on every parameter (PyTorch's `requires_grad_`), e.g. to freeze a model.
   *
   * @param requiresGrad - The flag (default true).
   * @returns This module.
   * @throws TypeError when the flag is not a boolean.
   */
  requiresGrad_(requiresGrad = true): this {
    if (typeof requiresGrad !== 'boolean') {
      throw new TypeError(`requiresGrad_: expected a boolean, got ${describe(requiresGrad)}`);
    }
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /**
   * Clears the gradients of every parameter, as `module.zero_grad()`.
   *
   * @param options - `setToNone` (default `true`, as in PyTorch 2.x): set `grad` to `null`; `false`
   *   fills the existing gradients with zeros instead.
   */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    const setToNone = options.setToNone ?? true;
    for (const p of this.parameters()) zeroGradOf(p, setToNone);
  }

  /**
   * Sets training mode on this module and every submodule.
   *
   * @param mode - true for training (default), false for evaluation.
   * @returns This module.
   * @throws TypeError when `mode` is not a boolean.
   */
  train(mode = true): this {
    if (typeof mode !== 'boolean')
      throw new TypeError(`train: mode is expected to be boolean, got ${describe(mode)}`);
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /**
   * Sets evaluation mode on this module and every submodule (`train(false)`): dropout is off,
   * batch norm uses its running statistics.
   *
   * @returns This module.
   */
  eval(): this {
    return this.train(false);
  }

  /**
   * Applies `fn` to every submodule (children first) and then to this module, e.g. for custom
   * initialisation.
   *
   * @param fn - Called with each module.
   * @returns This module.
   */
  apply(fn: (m: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Parameters and persistent buffers by dotted name, detached but sharing memory (as PyTorch's
   * state_dict): each module's parameters, then its buffers, then its submodules.
   *
   * @returns The state dict.
   */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [modName, m] of this.namedModules()) {
      const key = (name: string) => (modName ? `${modName}.${name}` : name);
      for (const [name, p] of m._parameters) if (p) out[key(name)] = p.detach();
      for (const [name, b] of m._buffers)
        if (b && !m._nonPersistentBuffers.has(name)) out[key(name)] = b.detach();
    }
    return out;
  }

  /**
   * Copies tensors from `state` into the parameters and persistent buffers. Shapes are checked
   * first and every problem is reported together; on error nothing is modified.
   *
   * @param state - A state dict (e.g. from `stateDict()` or a PyTorch checkpoint).
   * @param options - `strict` (default true): missing or unexpected keys are errors.
   * @returns The missing and unexpected keys.
   * @throws Error listing every problem (missing/unexpected keys, shape mismatches).
   */
  loadStateDict(state: StateDict, options: { strict?: boolean } = {}): LoadResult {
    const strict = options.strict ?? true;
    if (typeof state !== 'object' || state === null) {
      throw new TypeError(`loadStateDict: expected an object of tensors, got ${describe(state)}`);
    }
    const own = this.stateDict();
    const missingKeys = Object.keys(own).filter((k) => !(k in state));
    const unexpectedKeys = Object.keys(state).filter((k) => !(k in own));
    const errors: string[] = [];
    for (const [k, target] of Object.entries(own)) {
      if (!(k in state)) continue;
      const src = state[k];
      if (!(src instanceof Tensor)) {
        errors.push(
          `While copying the parameter named "${k}", expected a Tensor but got ${describe(src)}.`,
        );
      } else if (!sameShape(src.shape, target.shape)) {
        errors.push(
          `size mismatch for ${k}: copying a param with shape ${formatShape(src.shape)} from checkpoint, ` +
            `the shape in current model is ${formatShape(target.shape)}.`,
        );
      }
    }
    if (strict) {
      if (unexpectedKeys.length)
        errors.unshift(
          `Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}.`,
        );
      if (missingKeys.length)
        errors.unshift(
          `Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}.`,
        );
    }
    if (errors.length) {
      throw new Error(
        `Error(s) in loading state_dict for ${this.constructor.name}:\n\t${errors.join('\n\t')}`,
      );
    }
    noGrad(() => {
      for (const [k, target] of Object.entries(own)) if (k in state) target.copy_(state[k]);
    });
    return { missingKeys, unexpectedKeys };
  }

  /**
   * Extra text shown inside the parentheses of this module's `toString()` (override it in a
   * subclass, as PyTorch's `extra_repr`).
   *
   * @returns The text (default `''`).
   */
  extraRepr(): string {
    return '';
  }

  /**
   * The module as PyTorch prints it: `Name(extra)` or the indented tree of submodules.
   *
   * @returns The printed form.
   */
  toString(): string {
    const name = this.constructor.name;
    const lines: string[] = [];
    const extra = this.extraRepr();
    if (extra) lines.push(...extra.split('\n'));
    for (const [key, m] of this._modules) {
      const child = m ? m.toString() : 'None';
      lines.push(`(${key}): ${child.split('\n').join('\n  ')}`);
    }
    if (this._modules.size === 0) return `${name}(${lines.join('\n')})`;
    return `${name}(\n  ${lines.join('\n  ')}\n)`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** One parameter's part of `zeroGrad` (shared with the optimizers). */
export function zeroGradOf(p: Tensor, setToNone: boolean): void {
  const g = p.grad;
  if (g === null) return;
  if (setToNone) {
    p.grad = null;
    return;
  }
  if (g.gradFn) g.detach_();
  else g.requiresGrad_(false);
  noGrad(() => g.zero_());
}
