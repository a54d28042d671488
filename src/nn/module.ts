import { noGrad } from '../autograd/grad-mode.js';
import { Tensor, describe } from '../tensor/tensor.js';
import { formatShape, sameShape } from '../tensor/shape.js';
import { Parameter } from './parameter.js';

export type StateDict = Record<string, Tensor>;

export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/**
 * Base class of layers and models. As in PyTorch, assigning a Parameter or a Module to a field
 * (`this.fc = new Linear(2, 3)`) registers it, in assignment order.
 */
export abstract class Module {
  training = true;
  /** @internal */ readonly _parameters = new Map<string, Parameter | null>();
  /** @internal */ readonly _buffers = new Map<string, Tensor | null>();
  /** @internal */ readonly _modules = new Map<string, Module | null>();

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

  abstract forward(...inputs: Tensor[]): Tensor;

  /** PyTorch's `module(x)`: runs `forward`. */
  call(...inputs: Tensor[]): Tensor {
    return this.forward(...inputs);
  }

  registerParameter(name: string, param: Parameter | null): void {
    if (param !== null && !(param instanceof Parameter)) {
      throw new TypeError(
        `registerParameter: cannot assign ${describe(param)} as parameter '${name}' (Parameter or null expected)`,
      );
    }
    (this as unknown as Record<string, unknown>)[name] = param;
    this._parameters.set(name, param);
  }

  registerBuffer(name: string, tensor: Tensor | null): void {
    if (tensor !== null && !(tensor instanceof Tensor)) {
      throw new TypeError(
        `registerBuffer: cannot assign ${describe(tensor)} as buffer '${name}' (Tensor or null expected)`,
      );
    }
    this._buffers.set(name, tensor);
    (this as unknown as Record<string, unknown>)[name] = tensor;
  }

  registerModule(name: string, module: Module | null): void {
    if (module !== null && !(module instanceof Module)) {
      throw new TypeError(`registerModule: ${describe(module)} is not a Module subclass`);
    }
    (this as unknown as Record<string, unknown>)[name] = module;
    this._modules.set(name, module);
  }

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

  modules(): Module[] {
    return [...this.namedModules()].map(([, m]) => m);
  }

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

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** Parameters with dotted names, each listed once, in registration order. */
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

  parameters(recurse = true): Parameter[] {
    return this.namedParameters('', recurse).map(([, p]) => p);
  }

  namedBuffers(): Array<[string, Tensor]> {
    const out: Array<[string, Tensor]> = [];
    for (const [modName, m] of this.namedModules()) {
      for (const [name, b] of m._buffers)
        if (b) out.push([modName ? `${modName}.${name}` : name, b]);
    }
    return out;
  }

  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  /** Clears gradients; `setToNone: true` (PyTorch 2.x default) drops them, false zeroes them in place. */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    const setToNone = options.setToNone ?? true;
    for (const p of this.parameters()) zeroGradOf(p, setToNone);
  }

  train(mode = true): this {
    if (typeof mode !== 'boolean')
      throw new TypeError(`train: mode is expected to be boolean, got ${describe(mode)}`);
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Applies `fn` to every submodule (children first) and to this module. */
  apply(fn: (m: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /** Parameters and buffers by dotted name, detached but sharing memory (as PyTorch's state_dict). */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [modName, m] of this.namedModules()) {
      const key = (name: string) => (modName ? `${modName}.${name}` : name);
      for (const [name, p] of m._parameters) if (p) out[key(name)] = p.detach();
      for (const [name, b] of m._buffers) if (b) out[key(name)] = b.detach();
    }
    return out;
  }

  /**
   * Copies tensors from `state` into the parameters and buffers. Shapes are checked first and
   * every problem is reported together; on error nothing is modified.
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

  /** Extra text inside the parentheses of this module's repr. */
  extraRepr(): string {
    return '';
  }

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
