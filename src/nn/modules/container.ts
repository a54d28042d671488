/** Containers and reshaping modules: ModuleList, ModuleDict, Flatten, Unflatten. */
import { Tensor, describe } from '../../tensor/tensor.js';
import { normalizeDim, formatShape } from '../../tensor/shape.js';
import { flatten, reshape } from '../../ops/views.js';
import { Module } from '../module.js';

function checkModule(fn: string, m: unknown, what: string): Module {
  if (!(m instanceof Module)) throw new TypeError(`${fn}: ${what} is ${describe(m)}, not a Module`);
  return m;
}

/**
 * A list of submodules registered under `'0'`, `'1'`, … (PyTorch's `nn.ModuleList`). It has no
 * `forward`; iterate it in your own module's forward.
 *
 * @example
 * this.layers = new ModuleList([new Linear(4, 4), new Linear(4, 4)]);
 * for (const layer of this.layers) x = layer.call(x);
 */
export class ModuleList extends Module {
  /**
   * Creates the list, as `nn.ModuleList(modules)`, registering the modules as `'0'`, `'1'`, ….
   *
   * @param modules - Initial modules (default none).
   */
  constructor(modules: Iterable<Module> = []) {
    super();
    this.extend(modules);
  }

  private list(): Module[] {
    return [...this._modules.values()].filter((m): m is Module => m !== null);
  }

  private index(i: number, fn: string): number {
    const n = this._modules.size;
    if (!Number.isInteger(i) || i < -n || i >= n) {
      throw new RangeError(`${fn}: index ${i} is out of range`);
    }
    return i < 0 ? i + n : i;
  }

  private renumber(modules: Module[]): void {
    this._modules.clear();
    modules.forEach((m, i) => this.registerModule(String(i), m));
  }

  /** Number of modules. */
  get length(): number {
    return this._modules.size;
  }

  /**
   * The module at `index` (negative counts from the end).
   *
   * @param index - Position.
   * @returns The module.
   * @throws RangeError when out of range.
   */
  get(index: number): Module {
    return this.list()[this.index(index, 'ModuleList.get')];
  }

  /**
   * Replaces the module at `index`.
   *
   * @param index - Position (negative counts from the end).
   * @param module - The new module.
   */
  set(index: number, module: Module): void {
    this.registerModule(
      String(this.index(index, 'ModuleList.set')),
      checkModule('ModuleList.set', module, 'module'),
    );
  }

  /**
   * A new ModuleList of the modules in `[start, end)` (Python's `list[start:end]`).
   *
   * @param start - First index (default 0).
   * @param end - End index (default the length).
   * @returns The sub-list (sharing the modules).
   */
  slice(start?: number, end?: number): ModuleList {
    return new ModuleList(this.list().slice(start, end));
  }

  /**
   * Appends a module.
   *
   * @param module - The module.
   * @returns This list.
   */
  append(module: Module): this {
    this.registerModule(
      String(this._modules.size),
      checkModule('ModuleList.append', module, 'module'),
    );
    return this;
  }

  /**
   * Appends several modules.
   *
   * @param modules - The modules.
   * @returns This list.
   */
  extend(modules: Iterable<Module>): this {
    let i = 0;
    for (const m of modules) this.append(checkModule('ModuleList', m, `element ${i++}`));
    return this;
  }

  /**
   * Inserts a module before `index`.
   *
   * @param index - Position (negative counts from the end).
   * @param module - The module.
   */
  insert(index: number, module: Module): void {
    const list = this.list();
    const n = list.length;
    const at = index < 0 ? Math.max(0, index + n) : Math.min(index, n);
    list.splice(at, 0, checkModule('ModuleList.insert', module, 'module'));
    this.renumber(list);
  }

  /**
   * Removes and returns the module at `index` (default the last).
   *
   * @param index - Position.
   * @returns The removed module.
   */
  pop(index = -1): Module {
    const list = this.list();
    const [m] = list.splice(this.index(index, 'ModuleList.pop'), 1);
    this.renumber(list);
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
   * ModuleList is a container without a forward.
   *
   * @returns Never.
   * @throws Error always, as PyTorch's NotImplementedError.
   */
  forward(): never {
    throw new Error('ModuleList has no forward(): iterate over its modules instead');
  }
}

/**
 * Submodules by name, in insertion order (PyTorch's `nn.ModuleDict`). It has no `forward`.
 *
 * @example
 * this.heads = new ModuleDict({ cls: new Linear(8, 10), box: new Linear(8, 4) });
 */
export class ModuleDict extends Module {
  /**
   * Creates the dict, as `nn.ModuleDict(modules)`, registering each module under its key.
   *
   * @param modules - Initial entries, as an object or `[name, module]` pairs.
   */
  constructor(modules: Record<string, Module> | Iterable<[string, Module]> = {}) {
    super();
    this.update(modules);
  }

  /** Number of entries. */
  get size(): number {
    return this._modules.size;
  }

  /**
   * The module under `key`.
   *
   * @param key - Its name.
   * @returns The module.
   * @throws RangeError when there is no such key (PyTorch's KeyError).
   */
  get(key: string): Module {
    const m = this._modules.get(key);
    if (!m) throw new RangeError(`ModuleDict: no module named '${key}'`);
    return m;
  }

  /**
   * Adds or replaces the module under `key`.
   *
   * @param key - Its name.
   * @param module - The module.
   */
  set(key: string, module: Module): void {
    this.registerModule(key, checkModule('ModuleDict.set', module, `entry '${key}'`));
  }

  /** Whether `key` is present. @param key - The name. @returns true if present. */
  has(key: string): boolean {
    return this._modules.has(key);
  }

  /**
   * Removes and returns the module under `key`.
   *
   * @param key - Its name.
   * @returns The removed module.
   */
  pop(key: string): Module {
    const m = this.get(key);
    this._modules.delete(key);
    delete (this as unknown as Record<string, unknown>)[key];
    return m;
  }

  /** Removes every entry. */
  clear(): void {
    for (const k of [...this._modules.keys()]) this.pop(k);
  }

  /**
   * The names, in insertion order.
   *
   * @returns The names.
   */
  keys(): string[] {
    return [...this._modules.keys()];
  }

  /**
   * The modules, in insertion order.
   *
   * @returns The modules.
   */
  values(): Module[] {
    return [...this._modules.values()].filter((m): m is Module => m !== null);
  }

  /**
   * The `[name, module]` pairs, in insertion order.
   *
   * @returns The pairs.
   */
  items(): Array<[string, Module]> {
    return [...this._modules.entries()].filter((e): e is [string, Module] => e[1] !== null);
  }

  /**
   * Adds or replaces entries.
   *
   * @param modules - An object or `[name, module]` pairs.
   */
  update(modules: Record<string, Module> | Iterable<[string, Module]>): void {
    const entries =
      Symbol.iterator in Object(modules)
        ? [...(modules as Iterable<[string, Module]>)]
        : Object.entries(modules as Record<string, Module>);
    for (const [k, m] of entries) this.set(k, m);
  }

  /**
   * Iterates the names (as iterating a Python dict does).
   *
   * @returns An iterator over the names.
   */
  *[Symbol.iterator](): Iterator<string> {
    yield* this.keys();
  }

  /**
   * ModuleDict is a container without a forward.
   *
   * @returns Never.
   * @throws Error always, as PyTorch's NotImplementedError.
   */
  forward(): never {
    throw new Error('ModuleDict has no forward(): call its modules instead');
  }
}

/** `Flatten(startDim = 1, endDim = -1)`: flattens a range of dims into one. */
export class Flatten extends Module {
  /** First dim flattened. */
  readonly startDim: number;
  /** Last dim flattened. */
  readonly endDim: number;
  /**
   * Creates the layer, as `nn.Flatten(start_dim=1, end_dim=-1)`.
   *
   * @param startDim - Default 1 (keeps the batch dim); also `{ startDim, endDim }`.
   * @param endDim - Default −1.
   */
  constructor(startDim: number | { startDim?: number; endDim?: number } = 1, endDim = -1) {
    super();
    if (typeof startDim === 'object') {
      this.startDim = startDim.startDim ?? 1;
      this.endDim = startDim.endDim ?? -1;
    } else {
      this.startDim = startDim;
      this.endDim = endDim;
    }
  }
  /**
   * Flattens dims `startDim` … `endDim` of `input` into one. Prefer `call(input)`.
   *
   * @param input - Any tensor.
   * @returns `input.flatten(startDim, endDim)`.
   */
  forward(input: Tensor): Tensor {
    return flatten(input, this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/** `Unflatten(dim, sizes)`: splits one dim into `sizes` (one entry may be −1). */
export class Unflatten extends Module {
  /** The dim that is split. */
  readonly dim: number;
  /** Its new sizes. */
  readonly unflattenedSize: readonly number[];
  /**
   * Creates the layer, as `nn.Unflatten(dim, unflattened_size)`.
   *
   * @param dim - The dim to split.
   * @param unflattenedSize - The sizes it becomes (their product must equal its size).
   * @throws TypeError when the sizes are not a list of integers.
   */
  constructor(dim: number, unflattenedSize: readonly number[]) {
    super();
    if (!Number.isInteger(dim))
      throw new TypeError(`Unflatten: dim must be an integer, got ${describe(dim)}`);
    if (!Array.isArray(unflattenedSize) || !unflattenedSize.every((s) => Number.isInteger(s))) {
      throw new TypeError(
        `Unflatten: unflattened_size must be a list of integers, got ${describe(unflattenedSize)}`,
      );
    }
    this.dim = dim;
    this.unflattenedSize = [...unflattenedSize];
  }
  /**
   * Splits dim `dim` of `input` into `unflattenedSize`. Prefer `call(input)`.
   *
   * @param input - A tensor.
   * @returns `input.unflatten(dim, sizes)`.
   */
  forward(input: Tensor): Tensor {
    const d = normalizeDim(this.dim, input.dim(), 'unflatten');
    const sizes = [...this.unflattenedSize];
    const known = sizes.filter((s) => s !== -1).reduce((a, b) => a * b, 1);
    const size = input.shape[d];
    const free = sizes.indexOf(-1);
    if (free >= 0 && known !== 0) sizes[free] = size / known;
    if (sizes.reduce((a, b) => a * b, 1) !== size || !sizes.every((s) => Number.isInteger(s))) {
      throw new RangeError(
        `unflatten: Provided sizes ${formatShape(this.unflattenedSize)} don't multiply up to the size of dim ${this.dim} (${size}) in the input tensor`,
      );
    }
    return reshape(input, [...input.shape.slice(0, d), ...sizes, ...input.shape.slice(d + 1)]);
  }
  override extraRepr(): string {
    const t = this.unflattenedSize;
    return `dim=${this.dim}, unflattened_size=(${t.join(', ')}${t.length === 1 ? ',' : ''})`;
  }
}
