import type { GradHook, Node } from '../autograd/node.js';
import { runBackward, type BackwardOptions } from '../autograd/engine.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import * as elementwise from '../ops/elementwise.js';
import * as reductions from '../ops/reduce.js';
import * as views from '../ops/views.js';
import * as linalg from '../ops/linalg.js';
import * as inplace from '../ops/inplace.js';
import * as compare from '../ops/compare.js';
import * as softmaxOps from '../ops/softmax.js';
import * as shapeIndex from '../ops/shape-index.js';
import * as math from '../ops/math.js';
import { uniformInPlace, normalInPlace, type RandomOptions } from '../random/sampling.js';
import { formatTensor } from './format.js';
import {
  checkShape,
  contiguousStrides,
  formatShape,
  normalizeDim,
  numelOf,
  sameShape,
  type Shape,
} from './shape.js';
import { Storage } from './storage.js';
import { creditArena, outOfArena, releaseToArena } from './kernels/arena.js';
import { viewNode, windowOf } from '../ops/view-history.js';
import { gather, isContiguousLayout } from './kernels/strided.js';

/** A tensor or a plain number, accepted wherever PyTorch accepts a Python scalar. */
export type TensorLike = Tensor | number;

/** Nested arrays of numbers, as `tolist()` returns them. */
export type NestedArray = number | NestedArray[];

/** A dimension argument: one dim or a list of dims (negative dims count from the end). */
export type DimArg = number | readonly number[];

/**
 * An n-dimensional float32 array with reverse-mode autograd: the port of `torch.Tensor`. Create one
 * with {@link tensor}, {@link zeros}, {@link randn} and the other creation functions; every op is a
 * method (`x.add(y)`) and a root function (`add(x, y)`). Views (`view`, `transpose`, `select`, …)
 * share memory with their base; in-place methods end in `_`.
 *
 * @example
 * ```ts
 * const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const y = x.mul(x).sum();   // tensor(30., grad_fn=<SumBackward0>)
 * y.backward();
 * x.grad;                     // tensor([[2., 4.], [6., 8.]])
 * ```
 */
export class Tensor {
  /** @internal */ _storage: Storage;
  /** @internal */ _shape: number[];
  /** @internal */ _strides: number[];
  /** @internal */ _offset: number;
  /** @internal The tensor this one is a view of (its storage owner), if any. */
  _base: Tensor | null = null;
  /** @internal A detached alias (`detach()`, `.data`): shares memory, not history, with its base. */
  _isAlias = false;
  /** @internal A view made in grad mode: in-place writes through it rebase its base's history. */
  _tracksBase = false;
  /** @internal The storage version when this view's history was last set. */
  _viewVersion: number;
  /** @internal Hooks of a leaf tensor, run on its accumulated gradient. */
  _hooks: GradHook[] = [];
  private _requiresGrad = false;
  private _gradFn: Node | null = null;
  private _grad: Tensor | null = null;

  /** @internal Use `tensor()`, `zeros()` and the other creation functions. */
  constructor(storage: Storage, shape: readonly number[], strides?: readonly number[], offset = 0) {
    this._storage = storage;
    storage.users++;
    this._shape = [...shape];
    this._strides = strides ? [...strides] : contiguousStrides(shape);
    this._offset = offset;
    this._viewVersion = storage.version;
  }

  /** @internal A fresh contiguous tensor owning `data`. */
  static _fromData(data: Float32Array, shape: readonly number[]): Tensor {
    return new Tensor(new Storage(data), shape);
  }

  // ---- View interface for kernels -------------------------------------------------------
  /**
   * The size of each dimension, as `t.shape` (`[]` for a 0-d tensor). Read-only: use `reshape` or
   * `view` for another shape.
   */
  get shape(): readonly number[] {
    return this._shape;
  }
  /** The step in elements between neighbours along each dimension, as `t.stride()`. */
  get strides(): readonly number[] {
    return this._strides;
  }
  /** The index of this tensor's first element in its storage, as `t.storage_offset()`. */
  get offset(): number {
    return this._offset;
  }
  /** @internal The raw storage array; kernels read it with `strides` and `offset`. */
  get buffer(): Float32Array {
    return this._storage.data;
  }
  /**
   * A detached tensor sharing this tensor's memory, as PyTorch's `.data`. Like PyTorch's, it has
   * its own version counter: writes through it (`w.data.sub_(…)`) are invisible to autograd's
   * in-place checks, unlike writes through `detach()`.
   */
  get data(): Tensor {
    const t = this._alias();
    t._storage = Storage.sharing(this._storage);
    t._storage.users++;
    // Two storages on one array: neither may give it back early.
    t._storage.shared = this._storage.shared = true;
    return t;
  }
  /** Makes this tensor use `other`'s memory and shape, keeping its autograd identity (`p.data = t`). */
  set data(other: Tensor) {
    assertTensor(other, 'data');
    this._storage = other._storage;
    other._storage.users++;
    this._shape = [...other._shape];
    this._strides = [...other._strides];
    this._offset = other._offset;
    this._base = other._base ?? other;
    this._isAlias = true;
    this._tracksBase = false;
  }

  // ---- Autograd metadata -----------------------------------------------------------------
  /**
   * Whether autograd records operations on this tensor, as `t.requires_grad`. Assigning sets it on
   * a
   * leaf (see {@link Tensor.requiresGrad_}).
   */
  get requiresGrad(): boolean {
    if (this._tracksBase) this._refreshView();
    return this._requiresGrad;
  }
  /**
   * Sets `requiresGrad` on a leaf, as `t.requires_grad = flag` (see {@link Tensor.requiresGrad_}).
   *
   * @param flag - Whether autograd should record operations on this tensor.
   * @throws TypeError if `flag` is not a boolean.
   * @throws Error if this is not a leaf and `flag` is `false`.
   */
  set requiresGrad(flag: boolean) {
    this.requiresGrad_(flag);
  }
  /**
   * The autograd node that produced this tensor, as `t.grad_fn`; `null` for leaves (tensors you
   * created).
   */
  get gradFn(): Node | null {
    if (this._tracksBase) this._refreshView();
    return this._gradFn;
  }
  /**
   * Whether this tensor is a leaf of the graph (`t.is_leaf`): it was not produced by a recorded op.
   * Only leaves accumulate `.grad` in `backward()`.
   */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }
  /**
   * A view whose memory was written since its history was set takes its history from its base
   * again (AsStridedBackward0), so its gradient reaches the base's newest value, as in PyTorch.
   */
  private _refreshView(): void {
    const base = this._base;
    if (base === null || this._viewVersion === this._storage.version) return;
    this._viewVersion = this._storage.version;
    if (!base.requiresGrad) return;
    const w = windowOf(this, base);
    if (w !== null) this._setHistory(viewNode(base, w));
  }
  /**
   * The gradient accumulated into this leaf by `backward()`, as `t.grad`; `null` until then.
   * Assignable (a tensor of this shape, or `null`).
   *
   * @throws TypeError on assigning something other than a Tensor or `null`.
   * @throws RangeError on assigning a tensor of another shape.
   */
  get grad(): Tensor | null {
    return this._grad;
  }
  /**
   * Replaces the accumulated gradient, as `t.grad = value`.
   *
   * @param value - A tensor of this shape, or `null` to clear it.
   * @throws TypeError if `value` is neither a Tensor nor `null`.
   * @throws RangeError if `value` has another shape.
   */
  set grad(value: Tensor | null) {
    if (value !== null) {
      if (!(value instanceof Tensor)) {
        throw new TypeError(
          `assigned grad expected to be a Tensor or null but got ${describe(value)}`,
        );
      }
      if (!sameShape(value.shape, this.shape)) {
        throw new RangeError(
          `assigned grad has data of a different size: grad ${formatShape(value.shape)}, tensor ${formatShape(this.shape)}`,
        );
      }
    }
    this._grad = value;
  }
  /** @internal Used by the engine: the shape is already known to match. */
  _setGradUnchecked(value: Tensor | null): void {
    this._grad = value;
  }
  /** @internal Marks this tensor as produced by `node`. */
  _setHistory(node: Node): void {
    this._gradFn = node;
    this._requiresGrad = true;
    this._viewVersion = this._storage.version;
  }

  /**
   * Sets whether autograd records operations on this tensor, in place, as `t.requires_grad_()`.
   *
   * @param flag - Default `true`.
   * @returns This tensor.
   * @throws TypeError if `flag` is not a boolean.
   * @throws Error if this is not a leaf and `flag` is `false`.
   * @example
   * ```ts
   * const w = zeros(3).requiresGrad_();
   * ```
   */
  requiresGrad_(flag = true): this {
    if (typeof flag !== 'boolean')
      throw new TypeError(`requiresGrad_: expected a boolean, got ${describe(flag)}`);
    if (!this.isLeaf) {
      if (flag) return this;
      throw new Error(
        'you can only change requires_grad flags of leaf variables. If you want to use a computed ' +
          "variable in a subgraph that doesn't require differentiation use varNoGrad = v.detach().",
      );
    }
    this._requiresGrad = flag;
    return this;
  }

  /**
   * Makes `backward()` keep this non-leaf tensor's gradient in `.grad`, as `t.retain_grad()`
   * (for a leaf it does nothing: leaves always keep theirs).
   *
   * @returns This tensor.
   * @throws Error if this tensor does not require grad.
   */
  retainGrad(): this {
    if (!this._requiresGrad)
      throw new Error("can't retain_grad on Tensor that has requires_grad=False");
    const node = this.gradFn;
    if (node) node.retained = this;
    return this;
  }

  /** Whether `backward()` will keep this non-leaf tensor's gradient (`t.retains_grad`). */
  get retainsGrad(): boolean {
    const node = this.gradFn;
    return node !== null && node.retained === this;
  }

  /**
   * Registers `fn` to run on this tensor's gradient during `backward()`, as `t.register_hook(fn)`;
   * returning a tensor from `fn` replaces the gradient.
   *
   * @param fn - Called with the gradient; returns a replacement or nothing.
   * @returns A handle whose `remove()` unregisters the hook.
   * @throws TypeError if `fn` is not a function.
   * @throws Error if this tensor does not require grad.
   * @example
   * ```ts
   * const x = ones(2, { requiresGrad: true });
   * x.registerHook((g) => g.mul(2));
   * x.sum().backward(); // x.grad is tensor([2., 2.])
   * ```
   */
  registerHook(fn: GradHook): {
    /** Unregisters the hook (calling it again does nothing). */
    remove(): void;
  } {
    if (typeof fn !== 'function')
      throw new TypeError(`registerHook: expected a function, got ${describe(fn)}`);
    if (!this._requiresGrad) {
      throw new Error("cannot register a hook on a tensor that doesn't require gradient");
    }
    const node = this.gradFn;
    const list = node ? node.hooks : this._hooks;
    list.push(fn);
    return {
      remove: () => {
        const i = list.indexOf(fn);
        if (i >= 0) list.splice(i, 1);
      },
    };
  }

  /**
   * Computes the gradient of this tensor with respect to the graph's leaves and accumulates it into
   * their `.grad`, as `t.backward()`. The graph's saved tensors are freed afterwards unless
   * `retainGraph` is set.
   *
   * @param gradient - The gradient of some scalar with respect to this tensor (a tensor of this
   *   shape, or a number); omitted or `null` for a one-element tensor, where it is 1.
   * @param options - `retainGraph` (default: `createGraph`): keep the graph for another backward;
   *   `createGraph` (default `false`): record the backward pass for higher-order gradients.
   * @throws TypeError if `gradient` is not a Tensor, a number, `null` or `undefined`, or an option
   *   is unknown or mistyped.
   * @throws Error if this tensor does not require grad, has more than one element and no
   *   `gradient`, or the graph was already freed or modified in place.
   * @example
   * ```ts
   * const x = tensor([1, 2], { requiresGrad: true });
   * x.pow(2).sum().backward();
   * x.grad; // tensor([2., 4.])
   * ```
   */
  backward(gradient?: TensorLike | null, options?: BackwardOptions): void {
    let g: Tensor | undefined;
    if (gradient === undefined || gradient === null) g = undefined;
    else if (gradient instanceof Tensor) g = gradient;
    else if (typeof gradient === 'number') g = elementwise.scalar(gradient);
    else {
      throw new TypeError(
        `backward: gradient must be a Tensor, a number, null or undefined, got ${describe(gradient)}`,
      );
    }
    runBackward(this, g, options);
  }

  /**
   * A tensor sharing this tensor's memory (and version counter) but cut from the graph, as
   * `t.detach()`: it does not require grad.
   *
   * @returns A new tensor object on the same memory.
   */
  detach(): Tensor {
    return this._alias();
  }

  /**
   * Cuts this tensor from the graph in place, making it a leaf that does not require grad, as
   * `t.detach_()`.
   *
   * @returns This tensor.
   * @throws Error for a view of a tensor that requires grad (in grad mode); use `detach()`.
   */
  detach_(): this {
    if (this._base !== null && this._base._requiresGrad && isGradEnabled()) {
      throw new Error("Can't detach views in-place. Use detach() instead.");
    }
    this._gradFn = null;
    this._requiresGrad = false;
    this._tracksBase = false;
    return this;
  }

  /** @internal A new tensor object on the same memory, without autograd history. */
  _alias(): Tensor {
    const t = new Tensor(this._storage, this._shape, this._strides, this._offset);
    t._base = this._base ?? this;
    t._isAlias = true;
    return t;
  }

  // ---- Conversions -------------------------------------------------------------------------
  /**
   * The number of elements, as `t.numel()` (1 for a 0-d tensor).
   *
   * @returns The product of the sizes.
   */
  numel(): number {
    return numelOf(this._shape);
  }
  /**
   * The number of dimensions, as `t.dim()` (0 for a scalar).
   *
   * @returns The rank.
   */
  dim(): number {
    return this._shape.length;
  }
  /** The number of dimensions, as `t.ndim` (alias of {@link Tensor.dim}). */
  get ndim(): number {
    return this._shape.length;
  }
  /**
   * The shape as a new array, as `t.size()`.
   *
   * @returns The sizes of all dims.
   * @example
   * ```ts
   * ones(2, 3).size(); // [2, 3]
   * ```
   */
  size(): number[];
  /**
   * The size of one dimension, as `t.size(dim)`.
   *
   * @param dim - The dim (negative counts from the end).
   * @returns Its size.
   * @throws RangeError if `dim` is out of range.
   */
  size(dim: number): number;
  size(dim?: number): number[] | number {
    if (dim === undefined) return [...this._shape];
    return this._shape[normalizeDim(dim, this._shape.length, 'size')];
  }
  /**
   * The strides of all dims as a new array, as `t.stride()`.
   *
   * @returns The step in elements along each dim.
   */
  stride(): number[];
  /**
   * The stride of one dimension, as `t.stride(dim)`.
   *
   * @param dim - The dim (negative counts from the end).
   * @returns Its stride.
   * @throws RangeError if `dim` is out of range.
   */
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    if (dim === undefined) return [...this._strides];
    return this._strides[normalizeDim(dim, this._shape.length, 'stride')];
  }
  /**
   * Whether the elements are laid out densely in row-major order, as `t.is_contiguous()`.
   *
   * @returns `true` if `contiguous()` would return this tensor itself.
   */
  isContiguous(): boolean {
    return isContiguousLayout(this._shape, this._strides);
  }
  /**
   * The elements in row-major order as a new Float32Array (a copy; the port of `t.numpy()` for
   * data).
   *
   * @returns A new array of `numel()` elements.
   */
  toFloat32Array(): Float32Array {
    return gather(this, new Float32Array(this.numel()));
  }
  /** @internal Row-major elements, without copying when already contiguous. Do not write to it. */
  _contiguousData(): Float32Array {
    if (this.isContiguous())
      return this._storage.data.subarray(this._offset, this._offset + this.numel());
    return this.toFloat32Array();
  }
  /**
   * The value of a one-element tensor as a number, as `t.item()`.
   *
   * @returns The element.
   * @throws RangeError if the tensor does not have exactly one element.
   * @example
   * ```ts
   * tensor([[5]]).item(); // 5
   * ```
   */
  item(): number {
    if (this.numel() !== 1) {
      throw new RangeError(`a Tensor with ${this.numel()} elements cannot be converted to Scalar`);
    }
    return this._storage.data[this._offset];
  }
  /**
   * The elements as nested arrays of numbers, as `t.tolist()` (a number for a 0-d tensor).
   *
   * @returns Arrays nested `dim()` deep.
   * @example
   * ```ts
   * tensor([[1, 2], [3, 4]]).tolist(); // [[1, 2], [3, 4]]
   * ```
   */
  tolist(): NestedArray {
    const flat = this._contiguousData();
    const build = (dim: number, start: number): NestedArray => {
      if (dim === this._shape.length) return flat[start];
      const inner = numelOf(this._shape.slice(dim + 1));
      return Array.from({ length: this._shape[dim] }, (_, i) => build(dim + 1, start + i * inner));
    };
    return build(0, 0);
  }
  /**
   * The tensor printed as PyTorch prints it, e.g. `tensor([1., 2.], requires_grad=True)`.
   *
   * @returns The printed form (also what `console.log` shows in Node).
   */
  toString(): string {
    return formatTensor(this);
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  // ---- Elementwise math --------------------------------------------------------------------
  /**
   * `this + alpha · other`, elementwise with broadcasting, as `torch.add`.
   *
   * @param other - A tensor or a number.
   * @param options - `alpha` (default 1): the multiplier of `other`.
   * @returns A new tensor of the broadcast shape.
   * @throws TypeError if `other` is not a Tensor or a number.
   * @throws RangeError if the shapes do not broadcast.
   * @example
   * ```ts
   * tensor([1, 2]).add(tensor([10, 20])); // tensor([11., 22.])
   * tensor([1, 2]).add(1, { alpha: 2 });   // tensor([3., 4.])
   * ```
   */
  add(other: TensorLike, options?: { alpha?: number }): Tensor {
    return elementwise.add(this, other, options);
  }
  /**
   * `this - alpha · other`, elementwise with broadcasting, as `torch.sub`.
   *
   * @param other - A tensor or a number.
   * @param options - `alpha` (default 1): the multiplier of `other`.
   * @returns A new tensor of the broadcast shape.
   * @throws TypeError if `other` is not a Tensor or a number.
   * @throws RangeError if the shapes do not broadcast.
   */
  sub(other: TensorLike, options?: { alpha?: number }): Tensor {
    return elementwise.sub(this, other, options);
  }
  /**
   * `this · other`, elementwise with broadcasting, as `torch.mul`.
   *
   * @param other - A tensor or a number.
   * @returns A new tensor of the broadcast shape.
   * @throws TypeError if `other` is not a Tensor or a number.
   * @throws RangeError if the shapes do not broadcast.
   * @example
   * ```ts
   * tensor([1, 2]).mul(3); // tensor([3., 6.])
   * ```
   */
  mul(other: TensorLike): Tensor {
    return elementwise.mul(this, other);
  }
  /**
   * `this / other`, elementwise with broadcasting, as `torch.div`; with `roundingMode` the quotient
   * is
   * rounded toward zero (`'trunc'`) or down (`'floor'`).
   *
   * @param other - A tensor or a number.
   * @param options - `roundingMode` (default `null`: true division): `'trunc'` or `'floor'`.
   * @returns A new tensor of the broadcast shape.
   * @throws TypeError if `other` is not a Tensor or a number.
   * @throws RangeError if the shapes do not broadcast.
   * @example
   * ```ts
   * tensor([7, -7]).div(2);                            // tensor([ 3.5000, -3.5000])
   * tensor([7, -7]).div(2, { roundingMode: 'floor' }); // tensor([ 3., -4.])
   * ```
   */
  div(other: TensorLike, options?: math.DivOptions): Tensor {
    return math.div(this, other, options);
  }
  /**
   * `this ** exponent`, elementwise with broadcasting, as `torch.pow`.
   *
   * @param exponent - A tensor or a number.
   * @returns A new tensor of the broadcast shape.
   * @throws TypeError if `exponent` is not a Tensor or a number.
   * @throws RangeError if the shapes do not broadcast.
   * @example
   * ```ts
   * tensor([1, 2, 3]).pow(2); // tensor([1., 4., 9.])
   * ```
   */
  pow(exponent: TensorLike): Tensor {
    return elementwise.pow(this, exponent);
  }
  /**
   * The larger of `this` and `other` (NaN if either is NaN), elementwise with broadcasting, as
   * `torch.maximum`.
   *
   * @param other - A tensor or a number.
   * @returns A new tensor of the broadcast shape.
   * @throws TypeError if `other` is not a Tensor or a number.
   * @throws RangeError if the shapes do not broadcast.
   */
  maximum(other: TensorLike): Tensor {
    return elementwise.maximum(this, other);
  }
  /**
   * The smaller of `this` and `other` (NaN if either is NaN), elementwise with broadcasting, as
   * `torch.minimum`.
   *
   * @param other - A tensor or a number.
   * @returns A new tensor of the broadcast shape.
   * @throws TypeError if `other` is not a Tensor or a number.
   * @throws RangeError if the shapes do not broadcast.
   */
  minimum(other: TensorLike): Tensor {
    return elementwise.minimum(this, other);
  }
  /**
   * `-this`, elementwise, as `torch.neg`. Differentiable.
   *
   * @returns A new tensor of this shape.
   */
  neg(): Tensor {
    return elementwise.neg(this);
  }
  /**
   * `|this|`, elementwise, as `torch.abs`. Differentiable.
   *
   * @returns A new tensor of this shape.
   */
  abs(): Tensor {
    return elementwise.abs(this);
  }
  /**
   * -1, 0 or 1 by the sign of each element, elementwise, as `torch.sign`. Differentiable.
   *
   * @returns A new tensor of this shape.
   */
  sign(): Tensor {
    return elementwise.sign(this);
  }
  /**
   * `e ** this`, elementwise, as `torch.exp`. Differentiable.
   *
   * @returns A new tensor of this shape.
   * @example
   * ```ts
   * tensor([0, 1]).exp(); // tensor([1.0000, 2.7183])
   * ```
   */
  exp(): Tensor {
    return elementwise.exp(this);
  }
  /**
   * `e ** this - 1`, accurate near 0, elementwise, as `torch.expm1`. Differentiable.
   *
   * @returns A new tensor of this shape.
   */
  expm1(): Tensor {
    return elementwise.expm1(this);
  }
  /**
   * The natural logarithm (NaN below 0, -inf at 0), elementwise, as `torch.log`. Differentiable.
   *
   * @returns A new tensor of this shape.
   */
  log(): Tensor {
    return elementwise.log(this);
  }
  /**
   * `log(1 + this)`, accurate near 0, elementwise, as `torch.log1p`. Differentiable.
   *
   * @returns A new tensor of this shape.
   */
  log1p(): Tensor {
    return elementwise.log1p(this);
  }
  /**
   * The square root (NaN below 0), elementwise, as `torch.sqrt`. Differentiable.
   *
   * @returns A new tensor of this shape.
   */
  sqrt(): Tensor {
    return elementwise.sqrt(this);
  }
  /**
   * `1 / sqrt(this)`, elementwise, as `torch.rsqrt`. Differentiable.
   *
   * @returns A new tensor of this shape.
   */
  rsqrt(): Tensor {
    return elementwise.rsqrt(this);
  }
  /**
   * `this ** 2`, elementwise, as `torch.square`. Differentiable.
   *
   * @returns A new tensor of this shape.
   */
  square(): Tensor {
    return elementwise.pow(this, 2);
  }
  /**
   * `1 / this`, elementwise, as `torch.reciprocal`. Differentiable.
   *
   * @returns A new tensor of this shape.
   */
  reciprocal(): Tensor {
    return elementwise.reciprocal(this);
  }
  /**
   * The sine (radians), elementwise, as `torch.sin`. Differentiable.
   *
   * @returns A new tensor of this shape.
   */
  sin(): Tensor {
    return elementwise.sin(this);
  }
  /**
   * The cosine (radians), elementwise, as `torch.cos`. Differentiable.
   *
   * @returns A new tensor of this shape.
   */
  cos(): Tensor {
    return elementwise.cos(this);
  }
  /**
   * The hyperbolic tangent, elementwise, as `torch.tanh`. Differentiable.
   *
   * @returns A new tensor of this shape.
   */
  tanh(): Tensor {
    return elementwise.tanh(this);
  }
  /**
   * The logistic sigmoid `1 / (1 + e ** -this)`, elementwise, as `torch.sigmoid`. Differentiable.
   *
   * @returns A new tensor of this shape.
   */
  sigmoid(): Tensor {
    return elementwise.sigmoid(this);
  }
  /**
   * `max(this, 0)`, elementwise, as `torch.relu`. Differentiable.
   *
   * @returns A new tensor of this shape.
   * @example
   * ```ts
   * tensor([-1, 2]).relu(); // tensor([0., 2.])
   * ```
   */
  relu(): Tensor {
    return elementwise.relu(this);
  }
  /**
   * Clamps every element into `[min, max]`, as `torch.clamp`; a `null`/omitted bound is not
   * applied.
   * NaN stays NaN. The gradient is 1 inside the bounds, 0 outside.
   *
   * @param min - The lower bound (default none).
   * @param max - The upper bound (default none).
   * @returns A new tensor of this shape.
   * @throws TypeError if a bound is not a number or `null`.
   * @example
   * ```ts
   * tensor([-2, 0.5, 3]).clamp(0, 1); // tensor([0.0000, 0.5000, 1.0000])
   * ```
   */
  clamp(min?: number | null, max?: number | null): Tensor;
  /**
   * Clamps every element into `[min, max]` given as options (`x.clamp({ min: 0 })`, PyTorch's
   * `x.clamp(min=0)`).
   *
   * @param options - `min` and `max` (default none).
   * @returns A new tensor of this shape.
   * @throws TypeError if a bound is not a number or `null`.
   */
  clamp(options: { min?: number | null; max?: number | null }): Tensor;
  clamp(
    a?: number | null | { min?: number | null; max?: number | null },
    b?: number | null,
  ): Tensor {
    const [min, max] = clampBounds(a, b);
    return elementwise.clamp(this, min, max);
  }
  /**
   * Alias of {@link Tensor.clamp}, as `torch.clip`.
   *
   * @param min - The lower bound (default none).
   * @param max - The upper bound (default none).
   * @returns A new tensor of this shape.
   * @throws TypeError if a bound is not a number or `null`.
   */
  clip(min?: number | null, max?: number | null): Tensor {
    return elementwise.clamp(this, min ?? null, max ?? null);
  }
  /**
   * `this == other`, elementwise with broadcasting, as `torch.eq`: 1 where true, 0 where
   * false (a float32 mask; there is one dtype). Not differentiable.
   *
   * @param other - A tensor or a number.
   * @returns A new tensor of the broadcast shape holding 0 and 1.
   * @throws TypeError if `other` is not a Tensor or a number.
   * @throws RangeError if the shapes do not broadcast.
   */
  eq(other: TensorLike): Tensor {
    return elementwise.eq(this, other);
  }
  /**
   * `this != other`, elementwise with broadcasting, as `torch.ne`: 1 where true, 0 where
   * false (a float32 mask; there is one dtype). Not differentiable.
   *
   * @param other - A tensor or a number.
   * @returns A new tensor of the broadcast shape holding 0 and 1.
   * @throws TypeError if `other` is not a Tensor or a number.
   * @throws RangeError if the shapes do not broadcast.
   */
  ne(other: TensorLike): Tensor {
    return elementwise.ne(this, other);
  }
  /**
   * `this < other`, elementwise with broadcasting, as `torch.lt`: 1 where true, 0 where
   * false (a float32 mask; there is one dtype). Not differentiable.
   *
   * @param other - A tensor or a number.
   * @returns A new tensor of the broadcast shape holding 0 and 1.
   * @throws TypeError if `other` is not a Tensor or a number.
   * @throws RangeError if the shapes do not broadcast.
   */
  lt(other: TensorLike): Tensor {
    return elementwise.lt(this, other);
  }
  /**
   * `this <= other`, elementwise with broadcasting, as `torch.le`: 1 where true, 0 where
   * false (a float32 mask; there is one dtype). Not differentiable.
   *
   * @param other - A tensor or a number.
   * @returns A new tensor of the broadcast shape holding 0 and 1.
   * @throws TypeError if `other` is not a Tensor or a number.
   * @throws RangeError if the shapes do not broadcast.
   */
  le(other: TensorLike): Tensor {
    return elementwise.le(this, other);
  }
  /**
   * `this > other`, elementwise with broadcasting, as `torch.gt`: 1 where true, 0 where
   * false (a float32 mask; there is one dtype). Not differentiable.
   *
   * @param other - A tensor or a number.
   * @returns A new tensor of the broadcast shape holding 0 and 1.
   * @throws TypeError if `other` is not a Tensor or a number.
   * @throws RangeError if the shapes do not broadcast.
   */
  gt(other: TensorLike): Tensor {
    return elementwise.gt(this, other);
  }
  /**
   * `this >= other`, elementwise with broadcasting, as `torch.ge`: 1 where true, 0 where
   * false (a float32 mask; there is one dtype). Not differentiable.
   *
   * @param other - A tensor or a number.
   * @returns A new tensor of the broadcast shape holding 0 and 1.
   * @throws TypeError if `other` is not a Tensor or a number.
   * @throws RangeError if the shapes do not broadcast.
   */
  ge(other: TensorLike): Tensor {
    return elementwise.ge(this, other);
  }
  /**
   * 1 where the element is NaN, 0 elsewhere, as `torch.isnan`.
   *
   * @returns A new 0/1 tensor of this shape.
   */
  isnan(): Tensor {
    return elementwise.isnan(this);
  }
  /**
   * 1 where the element is ±infinity, 0 elsewhere, as `torch.isinf`.
   *
   * @returns A new 0/1 tensor of this shape.
   */
  isinf(): Tensor {
    return elementwise.isinf(this);
  }
  /**
   * 1 where the element is neither NaN nor ±infinity, 0 elsewhere, as `torch.isfinite`.
   *
   * @returns A new 0/1 tensor of this shape.
   */
  isfinite(): Tensor {
    return elementwise.isfinite(this);
  }
  /**
   * Whether `other` has the same shape and the same elements, as `torch.equal` (NaN is never
   * equal).
   *
   * @param other - The tensor to compare with.
   * @returns `true` or `false`.
   * @throws TypeError if `other` is not a Tensor.
   */
  equal(other: Tensor): boolean {
    return compare.equal(this, other);
  }
  /**
   * Whether every element satisfies `|this - other| <= atol + rtol · |other|` (after broadcasting),
   * as `torch.allclose`.
   *
   * @param other - The tensor to compare with.
   * @param options - `rtol` (default 1e-5), `atol` (default 1e-8), `equalNan` (default `false`: NaN
   *   never matches).
   * @returns `true` or `false`.
   * @throws TypeError if `other` is not a Tensor or an option is unknown or mistyped.
   * @throws RangeError if the shapes do not broadcast.
   * @example
   * ```ts
   * tensor([1, 2]).allclose(tensor([1, 2 + 1e-7])); // true
   * ```
   */
  allclose(other: Tensor, options?: { rtol?: number; atol?: number; equalNan?: boolean }): boolean {
    return compare.allclose(this, other, options);
  }

  // ---- Reductions --------------------------------------------------------------------------
  // Every reduction takes `dim` as a number, a list, null or omitted, and `keepdim` positionally
  // or as `{ keepdim }`; `{ dim, keepdim }` alone works too (the calling conventions).
  /**
   * The sum of all elements, or along `dim`, as `torch.sum`.
   *
   * @param dim - A dim, a list of dims, or omitted/`null` for all; or the options
   *   `{ dim, keepdim }`.
   * @param keepdim - Keep the reduced dims with size 1 (default `false`); or `{ keepdim }`.
   * @returns A 0-d tensor, or the reduced tensor.
   * @throws TypeError if `dim` is not an integer (or list of integers).
   * @throws RangeError if a dim is out of range.
   * @example
   * ```ts
   * const x = tensor([[1, 2], [3, 4]]);
   * x.sum();        // tensor(10.)
   * x.sum(0);       // tensor([4., 6.])
   * x.sum(1, true); // tensor([[3.], [7.]])
   * ```
   */
  sum(dim?: reductions.DimOrOptions, keepdim?: reductions.KeepdimOrOptions): Tensor {
    return reductions.sum(this, dim, keepdim);
  }
  /**
   * The mean of all elements, or along `dim`, as `torch.mean` (NaN for an empty reduction).
   *
   * @param dim - A dim, a list of dims, or omitted/`null` for all; or the options
   *   `{ dim, keepdim }`.
   * @param keepdim - Keep the reduced dims with size 1 (default `false`); or `{ keepdim }`.
   * @returns A 0-d tensor, or the reduced tensor.
   * @throws TypeError if `dim` is not an integer (or list of integers).
   * @throws RangeError if a dim is out of range.
   * @example
   * ```ts
   * tensor([[1, 2], [3, 4]]).mean(1); // tensor([1.5000, 3.5000])
   * ```
   */
  mean(dim?: reductions.DimOrOptions, keepdim?: reductions.KeepdimOrOptions): Tensor {
    return reductions.mean(this, dim, keepdim);
  }
  /**
   * The product of all elements, or along one `dim`, as `torch.prod`.
   *
   * @param dim - One dim, or omitted/`null` for all; or the options `{ dim, keepdim }`.
   * @param keepdim - Keep the reduced dim with size 1 (default `false`); or `{ keepdim }`.
   * @returns A 0-d tensor, or the reduced tensor.
   * @throws TypeError if `dim` is not an integer.
   * @throws RangeError if a dim is out of range.
   */
  prod(
    dim?: number | null | reductions.ReduceOptions,
    keepdim?: reductions.KeepdimOrOptions,
  ): Tensor {
    return reductions.prod(this, dim, keepdim);
  }
  /**
   * The largest element, as `torch.max(x)` (NaN if any element is NaN).
   *
   * @returns A 0-d tensor.
   * @throws RangeError for an empty tensor.
   * @example
   * ```ts
   * tensor([[1, 2], [3, 4]]).max(); // tensor(4.)
   * ```
   */
  max(): Tensor;
  /**
   * The largest elements along `dim` and their positions, as `torch.max(x, dim)`.
   *
   * @param dim - The dim to reduce; or the options `{ dim, keepdim }`.
   * @param keepdim - Keep the reduced dim with size 1 (default `false`); or `{ keepdim }`.
   * @returns `{ values, indices }` (also destructurable as `[values, indices]`); the indices are
   *   float32 integers.
   * @throws RangeError if a dim is out of range.
   * @example
   * ```ts
   * const { values, indices } = tensor([[1, 5], [7, 3]]).max(1); // [5, 7], [1, 0]
   * ```
   */
  max(
    dim: number | reductions.ReduceOptions,
    keepdim?: reductions.KeepdimOrOptions,
  ): reductions.ValuesIndices;
  /**
   * The elementwise maximum of this tensor and `other`, as `torch.max(x, other)` (see
   * {@link Tensor.maximum}).
   *
   * @param other - A tensor that broadcasts with this one.
   * @returns A new tensor of the broadcast shape.
   * @throws RangeError if the shapes do not broadcast.
   */
  max(other: Tensor): Tensor;
  max(
    dim?: number | Tensor | null | reductions.ReduceOptions,
    keepdim?: reductions.KeepdimOrOptions,
  ): Tensor | reductions.ValuesIndices {
    return compare.max(this, dim as number, keepdim);
  }
  /**
   * The smallest element, as `torch.min(x)` (NaN if any element is NaN).
   *
   * @returns A 0-d tensor.
   * @throws RangeError for an empty tensor.
   */
  min(): Tensor;
  /**
   * The smallest elements along `dim` and their positions, as `torch.min(x, dim)`.
   *
   * @param dim - The dim to reduce; or the options `{ dim, keepdim }`.
   * @param keepdim - Keep the reduced dim with size 1 (default `false`); or `{ keepdim }`.
   * @returns `{ values, indices }` (also destructurable as `[values, indices]`).
   * @throws RangeError if a dim is out of range.
   */
  min(
    dim: number | reductions.ReduceOptions,
    keepdim?: reductions.KeepdimOrOptions,
  ): reductions.ValuesIndices;
  /**
   * The elementwise minimum of this tensor and `other`, as `torch.min(x, other)` (see
   * {@link Tensor.minimum}).
   *
   * @param other - A tensor that broadcasts with this one.
   * @returns A new tensor of the broadcast shape.
   * @throws RangeError if the shapes do not broadcast.
   */
  min(other: Tensor): Tensor;
  min(
    dim?: number | Tensor | null | reductions.ReduceOptions,
    keepdim?: reductions.KeepdimOrOptions,
  ): Tensor | reductions.ValuesIndices {
    return compare.min(this, dim as number, keepdim);
  }
  /**
   * The largest values over one or more dims (values only), as `torch.amax`; the gradient is split
   * evenly between tied maxima.
   *
   * @param dim - A dim, a list of dims, or omitted/`null` for all; or `{ dim, keepdim }`.
   * @param keepdim - Keep the reduced dims with size 1 (default `false`); or `{ keepdim }`.
   * @returns The reduced tensor.
   * @throws RangeError if a dim is out of range.
   */
  amax(dim?: reductions.DimOrOptions, keepdim?: reductions.KeepdimOrOptions): Tensor {
    return reductions.amax(this, dim, keepdim);
  }
  /**
   * The smallest values over one or more dims (values only), as `torch.amin`.
   *
   * @param dim - A dim, a list of dims, or omitted/`null` for all; or `{ dim, keepdim }`.
   * @param keepdim - Keep the reduced dims with size 1 (default `false`); or `{ keepdim }`.
   * @returns The reduced tensor.
   * @throws RangeError if a dim is out of range.
   */
  amin(dim?: reductions.DimOrOptions, keepdim?: reductions.KeepdimOrOptions): Tensor {
    return reductions.amin(this, dim, keepdim);
  }
  /**
   * The index of the largest element (of the flattened tensor when `dim` is omitted), as
   * `torch.argmax`; the first one on ties.
   *
   * @param dim - One dim, or omitted/`null` for the flattened tensor; or `{ dim, keepdim }`.
   * @param keepdim - Keep the reduced dim with size 1 (default `false`); or `{ keepdim }`.
   * @returns Integer indices as a float32 tensor.
   * @throws RangeError if a dim is out of range.
   * @example
   * ```ts
   * tensor([[1, 2], [3, 4]]).argmax(); // tensor(3.)
   * ```
   */
  argmax(
    dim?: number | null | reductions.ReduceOptions,
    keepdim?: reductions.KeepdimOrOptions,
  ): Tensor {
    return reductions.argmax(this, dim, keepdim);
  }
  /**
   * The index of the smallest element (of the flattened tensor when `dim` is omitted), as
   * `torch.argmin`; the first one on ties.
   *
   * @param dim - One dim, or omitted/`null` for the flattened tensor; or `{ dim, keepdim }`.
   * @param keepdim - Keep the reduced dim with size 1 (default `false`); or `{ keepdim }`.
   * @returns Integer indices as a float32 tensor.
   * @throws RangeError if a dim is out of range.
   */
  argmin(
    dim?: number | null | reductions.ReduceOptions,
    keepdim?: reductions.KeepdimOrOptions,
  ): Tensor {
    return reductions.argmin(this, dim, keepdim);
  }
  /**
   * The variance over all elements or along `dim`, as `torch.var`: `var()`, `var(unbiased)`,
   * `var(dim, unbiased?, keepdim?)` or `var(dim?, { correction, keepdim })`. By default the
   * unbiased
   * estimate (divides by N - 1).
   *
   * @param dim - A dim, a list of dims, or omitted/`null` for all; a boolean (`unbiased`); or the
   *   options `{ dim, correction, unbiased, keepdim }`.
   * @param options - `unbiased` as a boolean, or `{ correction (default 1), keepdim }`.
   * @param keepdim - Keep the reduced dims with size 1 (default `false`).
   * @returns The variance.
   * @throws TypeError for a mistyped argument or option.
   * @throws RangeError if a dim is out of range.
   * @example
   * ```ts
   * tensor([1, 2, 3, 4]).var();                    // tensor(1.6667)
   * tensor([1, 2, 3, 4]).var({ correction: 0 }); // tensor(1.2500)
   * ```
   */
  var(
    dim?: reductions.DimOrOptions<reductions.VarOptions> | boolean,
    options?: boolean | reductions.VarOptions,
    keepdim?: boolean,
  ): Tensor {
    return reductions.variance(this, dim, options, keepdim);
  }
  /**
   * The standard deviation over all elements or along `dim`, as `torch.std`; the same arguments as
   * {@link Tensor.var} (unbiased by default).
   *
   * @param dim - A dim, a list of dims, or omitted/`null` for all; a boolean (`unbiased`); or the
   *   options `{ dim, correction, unbiased, keepdim }`.
   * @param options - `unbiased` as a boolean, or `{ correction (default 1), keepdim }`.
   * @param keepdim - Keep the reduced dims with size 1 (default `false`).
   * @returns The standard deviation.
   * @throws TypeError for a mistyped argument or option.
   * @throws RangeError if a dim is out of range.
   */
  std(
    dim?: reductions.DimOrOptions<reductions.VarOptions> | boolean,
    options?: boolean | reductions.VarOptions,
    keepdim?: boolean,
  ): Tensor {
    return reductions.std(this, dim, options, keepdim);
  }
  /**
   * The vector p-norm over all elements or along `dim`, as `torch.norm` /
   * `torch.linalg.vector_norm`:
   * `p` may be 2 (default, also `'fro'`), 1, any real, `Infinity` (max |x|), `-Infinity` or 0
   * (count
   * of non-zeros).
   *
   * @param p - The order (default 2); or the options `{ p, dim, keepdim }`.
   * @param dim - A dim, a list of dims, or omitted/`null` for all; or the options.
   * @param keepdim - Keep the reduced dims with size 1 (default `false`); or the options.
   * @returns The norm.
   * @throws TypeError if `p` is neither a number nor `'fro'`.
   * @throws RangeError if a dim is out of range.
   * @example
   * ```ts
   * tensor([3, 4]).norm();   // tensor(5.)
   * tensor([3, -4]).norm(1); // tensor(7.)
   * ```
   */
  norm(
    p?: number | 'fro' | null | reductions.NormOptions,
    dim?: reductions.DimOrOptions<reductions.NormOptions>,
    keepdim?: reductions.KeepdimOrOptions<reductions.NormOptions>,
  ): Tensor {
    return reductions.norm(this, p, dim, keepdim);
  }
  /**
   * `log(sum(exp(this)))` along `dim`, computed stably, as `torch.logsumexp`.
   *
   * @param dim - A dim or a list of dims; or the options `{ dim, keepdim }`.
   * @param keepdim - Keep the reduced dims with size 1 (default `false`); or `{ keepdim }`.
   * @returns The reduced tensor.
   * @throws RangeError if a dim is out of range.
   */
  logsumexp(dim: DimArg | reductions.ReduceOptions, keepdim?: reductions.KeepdimOrOptions): Tensor {
    return reductions.logsumexp(this, dim, keepdim);
  }

  // ---- Linear algebra ----------------------------------------------------------------------
  /**
   * The matrix product with PyTorch's `torch.matmul` rules: 1-D·1-D is a dot product, 2-D·2-D a
   * matrix product, a 1-D operand is treated as a row (left) or column (right) vector, and leading
   * batch dims broadcast.
   *
   * @param other - The right operand.
   * @returns The product.
   * @throws TypeError if `other` is not a Tensor.
   * @throws RangeError if the inner sizes differ or the batch dims do not broadcast.
   * @example
   * ```ts
   * const a = tensor([[1, 2], [3, 4]]);
   * a.matmul(a);                // tensor([[ 7., 10.], [15., 22.]])
   * randn(8, 2, 3).matmul(randn(3, 4)).shape; // [8, 2, 4]
   * ```
   */
  matmul(other: Tensor): Tensor {
    return linalg.matmul(this, other);
  }
  /**
   * The product of two matrices, as `torch.mm` (no broadcasting).
   *
   * @param other - A `[k, m]` matrix, this being `[n, k]`.
   * @returns The `[n, m]` product.
   * @throws RangeError if an operand is not 2-D or the inner sizes differ.
   */
  mm(other: Tensor): Tensor {
    return linalg.mm(this, other);
  }
  /**
   * Batched matrix product of `[b, n, k]` and `[b, k, m]`, as `torch.bmm` (no broadcasting).
   *
   * @param other - The `[b, k, m]` batch.
   * @returns The `[b, n, m]` products.
   * @throws RangeError if an operand is not 3-D or the sizes differ.
   */
  bmm(other: Tensor): Tensor {
    return linalg.bmm(this, other);
  }
  /**
   * The dot product of two 1-D tensors of the same length, as `torch.dot`.
   *
   * @param other - A 1-D tensor.
   * @returns A 0-d tensor.
   * @throws RangeError if an operand is not 1-D or the lengths differ.
   */
  dot(other: Tensor): Tensor {
    return linalg.dot(this, other);
  }
  /**
   * The outer product of two 1-D tensors, as `torch.outer`: `out[i][j] = this[i] · other[j]`.
   *
   * @param other - A 1-D tensor.
   * @returns A 2-D tensor `[this.numel(), other.numel()]`.
   * @throws RangeError if an operand is not 1-D.
   */
  outer(other: Tensor): Tensor {
    return linalg.outer(this, other);
  }

  // ---- Views and copies --------------------------------------------------------------------
  /**
   * A view of the same memory with another shape, as `t.view(...)`; one size may be -1 (inferred).
   * Only works when the strides allow it (see {@link Tensor.reshape}, which copies when needed).
   *
   * @param shape - The sizes, as `view(2, 3)` or `view([2, 3])`.
   * @returns A view sharing this tensor's memory.
   * @throws RangeError if the sizes do not match the number of elements.
   * @throws Error if the layout does not allow a view (call `contiguous()` or use `reshape`).
   * @example
   * ```ts
   * arange(6).view(3, -1).shape; // [3, 2]
   * ```
   */
  view(...shape: Array<number | readonly number[]>): Tensor {
    return views.view(this, shape);
  }
  /**
   * This tensor with another shape, as `t.reshape(...)`: a view when the layout allows it,
   * otherwise
   * a copy. One size may be -1 (inferred).
   *
   * @param shape - The sizes, as `reshape(2, 3)` or `reshape([2, 3])`.
   * @returns A tensor of that shape.
   * @throws RangeError if the sizes do not match the number of elements.
   * @example
   * ```ts
   * arange(6).reshape(2, 3); // tensor([[0., 1., 2.], [3., 4., 5.]])
   * ```
   */
  reshape(...shape: Array<number | readonly number[]>): Tensor {
    return views.reshape(this, shape);
  }
  /**
   * A view with `other`'s shape, as `t.view_as(other)`.
   *
   * @param other - The tensor whose shape to take.
   * @returns A view sharing this tensor's memory.
   * @throws RangeError if the element counts differ.
   * @throws Error if the layout does not allow a view.
   */
  viewAs(other: Tensor): Tensor {
    return views.view(this, [other.shape]);
  }
  /**
   * This tensor with `other`'s shape, as `t.reshape_as(other)` (a view when possible).
   *
   * @param other - The tensor whose shape to take.
   * @returns A tensor of that shape.
   * @throws RangeError if the element counts differ.
   */
  reshapeAs(other: Tensor): Tensor {
    return views.reshape(this, [other.shape]);
  }
  /**
   * A view with dims `dim0` and `dim1` swapped, as `t.transpose(dim0, dim1)`.
   *
   * @param dim0 - The first dim.
   * @param dim1 - The second dim.
   * @returns A view sharing this tensor's memory.
   * @throws RangeError if a dim is out of range.
   * @example
   * ```ts
   * ones(2, 3).transpose(0, 1).shape; // [3, 2]
   * ```
   */
  transpose(dim0: number, dim1: number): Tensor {
    return views.transpose(this, dim0, dim1);
  }
  /**
   * The transpose of a matrix (a view), as `t.t()`; 0-d and 1-D tensors are returned as they are.
   *
   * @returns A view sharing this tensor's memory.
   * @throws RangeError for more than 2 dims.
   */
  t(): Tensor {
    return views.t(this);
  }
  /** A view with the order of all dims reversed, as `t.T`. */
  get T(): Tensor {
    return views.permute(
      this,
      this._shape.map((_, i) => this._shape.length - 1 - i),
    );
  }
  /**
   * A view with the dims reordered, as `t.permute(...)`: dim `i` of the result is dim `dims[i]` of
   * this tensor.
   *
   * @param dims - A permutation of the dims, as `permute(2, 0, 1)` or `permute([2, 0, 1])`.
   * @returns A view sharing this tensor's memory.
   * @throws RangeError if `dims` is not a permutation of this tensor's dims.
   * @example
   * ```ts
   * ones(2, 3, 4).permute(2, 0, 1).shape; // [4, 2, 3]
   * ```
   */
  permute(...dims: Array<number | readonly number[]>): Tensor {
    return views.permute(this, flattenArgs(dims));
  }
  /**
   * A view with a new dim of size 1 inserted at `dim`, as `t.unsqueeze(dim)`.
   *
   * @param dim - Where to insert, in `[-dim() - 1, dim()]`.
   * @returns A view sharing this tensor's memory.
   * @throws RangeError if `dim` is out of range.
   * @example
   * ```ts
   * tensor([1, 2]).unsqueeze(0).shape; // [1, 2]
   * ```
   */
  unsqueeze(dim: number): Tensor {
    return views.unsqueeze(this, dim);
  }
  /**
   * A view without size-1 dims (all of them, or those in `dim` that have size 1), as `t.squeeze()`.
   *
   * @param dim - A dim or a list of dims (default: every size-1 dim).
   * @returns A view sharing this tensor's memory.
   * @throws RangeError if a dim is out of range.
   */
  squeeze(dim?: DimArg): Tensor {
    return views.squeeze(this, dim);
  }
  /**
   * Flattens dims `startDim` … `endDim` into one, as `t.flatten(start_dim, end_dim)` (a view when
   * possible).
   *
   * @param startDim - The first dim to flatten (default 0).
   * @param endDim - The last dim to flatten (default -1).
   * @returns A tensor with those dims merged.
   * @throws RangeError if a dim is out of range or `startDim` comes after `endDim`.
   * @example
   * ```ts
   * ones(2, 3, 4).flatten(1).shape; // [2, 12]
   * ```
   */
  flatten(startDim = 0, endDim = -1): Tensor {
    return views.flatten(this, startDim, endDim);
  }
  /**
   * A view with size-1 dims repeated to a larger size without copying, as `t.expand(...)`; -1 keeps
   * a dim's size and new leading dims may be added. Writes to the result are refused (its elements
   * share memory).
   *
   * @param shape - The target sizes, as `expand(2, 3)` or `expand([2, 3])`.
   * @returns A view sharing this tensor's memory.
   * @throws RangeError if a non-1 size would change.
   * @example
   * ```ts
   * tensor([[1], [2]]).expand(2, 3); // tensor([[1., 1., 1.], [2., 2., 2.]])
   * ```
   */
  expand(...shape: Array<number | readonly number[]>): Tensor {
    return views.expand(this, flattenArgs(shape));
  }
  /**
   * A view expanded to `other`'s shape, as `t.expand_as(other)`.
   *
   * @param other - The tensor whose shape to take.
   * @returns A view sharing this tensor's memory.
   * @throws RangeError if this tensor does not expand to that shape.
   */
  expandAs(other: Tensor): Tensor {
    return views.expand(this, other.shape);
  }
  /**
   * The slice at `index` along `dim`, without that dim (a view), as `t.select(dim, index)` or
   * Python's `t[:, index]`.
   *
   * @param dim - The dim to index.
   * @param index - The position (negative counts from the end).
   * @returns A view sharing this tensor's memory.
   * @throws RangeError if `dim` or `index` is out of range.
   */
  select(dim: number, index: number): Tensor {
    return views.select(this, dim, index);
  }
  /**
   * The `length` elements from `start` along `dim` (a view), as `t.narrow(dim, start, length)`.
   *
   * @param dim - The dim to narrow.
   * @param start - The first position (negative counts from the end).
   * @param length - How many positions.
   * @returns A view sharing this tensor's memory.
   * @throws RangeError if the range does not fit in the dim.
   */
  narrow(dim: number, start: number, length: number): Tensor {
    return views.narrow(this, dim, start, length);
  }
  /**
   * Python's `t[start:end:step]` along `dim` (a view). Bounds are clamped like Python's.
   *
   * @param dim - The dim to slice.
   * @param start - The first position (default `null`: the start; negative counts from the end).
   * @param end - The end, exclusive (default `null`: the end).
   * @param step - A positive step (default 1).
   * @returns A view sharing this tensor's memory.
   * @throws RangeError if `dim` is out of range or `step` is not a positive integer.
   * @example
   * ```ts
   * arange(6).slice(0, 1, null, 2); // tensor([1., 3., 5.])
   * ```
   */
  slice(dim: number, start?: number | null, end?: number | null, step = 1): Tensor {
    return views.slice(this, dim, start ?? null, end ?? null, step);
  }
  /**
   * The slices along `dim`, each without that dim (views), as `t.unbind(dim)`.
   *
   * @param dim - The dim to split (default 0).
   * @returns One view per position along `dim`.
   * @throws RangeError if `dim` is out of range.
   */
  unbind(dim = 0): Tensor[] {
    return views.unbind(this, dim);
  }
  /**
   * Splits into views along `dim`, as `t.split(split_size_or_sections, dim)`: chunks of
   * `sizeOrSizes` elements (the last may be smaller), or of exactly the listed sizes.
   *
   * @param sizeOrSizes - The chunk size, or the list of sizes (summing to the dim's size).
   * @param dim - The dim to split (default 0).
   * @returns The views, in order.
   * @throws RangeError if the sizes do not fit or `dim` is out of range.
   * @example
   * ```ts
   * arange(5).split(2); // [tensor([0., 1.]), tensor([2., 3.]), tensor([4.])]
   * ```
   */
  split(sizeOrSizes: number | readonly number[], dim = 0): Tensor[] {
    return views.split(this, sizeOrSizes, dim);
  }
  /**
   * Splits into `chunks` views of equal size along `dim` (the last may be smaller, and there may be
   * fewer), as `t.chunk(chunks, dim)`.
   *
   * @param chunks - How many pieces (positive).
   * @param dim - The dim to split (default 0).
   * @returns The views, in order.
   * @throws RangeError if `chunks` is not positive or `dim` is out of range.
   */
  chunk(chunks: number, dim = 0): Tensor[] {
    return views.chunk(this, chunks, dim);
  }
  /**
   * This tensor with its elements dense in row-major order, as `t.contiguous()`: this tensor itself
   * when it already is, otherwise a copy (recorded by autograd).
   *
   * @returns A contiguous tensor with the same values.
   */
  contiguous(): Tensor {
    return views.contiguous(this);
  }
  /**
   * A copy with its own memory, as `t.clone()`; recorded by autograd (gradients flow back to this
   * tensor). A dense non-contiguous input (a transpose, a permute) keeps its strides, as PyTorch's
   * `preserve_format`.
   *
   * @param options - `memoryFormat`: `'preserve'` (default) or `'contiguous'`.
   * @returns A new tensor with the same values.
   * @throws TypeError if an option is unknown or mistyped.
   */
  clone(options?: views.CloneOptions): Tensor {
    return views.clone(this, options);
  }
  /**
   * A tensor of ones with this tensor's shape (a new contiguous tensor that does not require grad).
   *
   * @returns The new tensor.
   */
  onesLike(): Tensor {
    return Tensor._fromData(new Float32Array(this.numel()).fill(1), this._shape);
  }

  // ---- In place ----------------------------------------------------------------------------
  /**
   * Adds `alpha · other` to this tensor in place, as `t.add_(other, alpha=...)`.
   *
   * @param other - A tensor or a number that broadcasts to this tensor's shape.
   * @param options - `alpha` (default 1): the multiplier of `other`.
   * @returns This tensor.
   * @throws TypeError if `other` is not a Tensor or a number.
   * @throws RangeError if the broadcast shape of the operands is not this tensor's shape.
   * @throws Error if this is a leaf that requires grad (in grad mode), or a view PyTorch forbids
   *   writing in place.
   * @example
   * ```ts
   * const w = ones(2);
   * noGrad(() => w.add_(tensor([1, 2]), { alpha: -0.1 })); // w is tensor([0.9000, 0.8000])
   * ```
   */
  add_(other: TensorLike, options?: { alpha?: number }): this {
    return inplace.add_(this, other, options);
  }
  /**
   * Subtracts `alpha · other` from this tensor in place, as `t.sub_(other, alpha=...)`.
   *
   * @param other - A tensor or a number that broadcasts to this tensor's shape.
   * @param options - `alpha` (default 1): the multiplier of `other`.
   * @returns This tensor.
   * @throws TypeError if `other` is not a Tensor or a number.
   * @throws RangeError if the broadcast shape of the operands is not this tensor's shape.
   * @throws Error if this is a leaf that requires grad (in grad mode), or a view PyTorch forbids
   *   writing in place.
   */
  sub_(other: TensorLike, options?: { alpha?: number }): this {
    return inplace.sub_(this, other, options);
  }
  /**
   * Multiplies this tensor by `other` in place, as `t.mul_(other)`. Recorded by autograd like
   * PyTorch's in-place ops (the version counter makes a later
   * `backward()` throw if the graph still needed the old values).
   *
   * @param other - A tensor or a number that broadcasts to this tensor's shape.
   * @returns This tensor.
   * @throws RangeError if the broadcast shape of the operands is not this tensor's shape.
   * @throws Error if this is a leaf that requires grad (in grad mode), or a view PyTorch forbids
   *   writing in place.
   */
  mul_(other: TensorLike): this {
    return inplace.mul_(this, other);
  }
  /**
   * Divides this tensor by `other` in place, as `t.div_(other)`. Recorded by autograd like
   * PyTorch's in-place ops (the version counter makes a later
   * `backward()` throw if the graph still needed the old values).
   *
   * @param other - A tensor or a number that broadcasts to this tensor's shape.
   * @returns This tensor.
   * @throws RangeError if the broadcast shape of the operands is not this tensor's shape.
   * @throws Error if this is a leaf that requires grad (in grad mode), or a view PyTorch forbids
   *   writing in place.
   */
  div_(other: TensorLike): this {
    return inplace.div_(this, other);
  }
  /**
   * Raises this tensor to `exponent` in place, as `t.pow_(exponent)`. Recorded by autograd like
   * PyTorch's in-place ops (the version counter makes a later
   * `backward()` throw if the graph still needed the old values).
   *
   * @param exponent - A tensor or a number that broadcasts to this tensor's shape.
   * @returns This tensor.
   * @throws RangeError if the broadcast shape of the operands is not this tensor's shape.
   * @throws Error if this is a leaf that requires grad (in grad mode), or a view PyTorch forbids
   *   writing in place.
   */
  pow_(exponent: TensorLike): this {
    return inplace.pow_(this, exponent);
  }
  /**
   * Negates this tensor in place, as `t.neg_()`. Recorded by autograd like PyTorch's in-place ops
   * (the version counter makes a later
   * `backward()` throw if the graph still needed the old values).
   *
   * @returns This tensor.
   * @throws Error if this is a leaf that requires grad (in grad mode), or a view PyTorch forbids
   *   writing in place.
   */
  neg_(): this {
    return inplace.neg_(this);
  }
  /**
   * Replaces each element by its absolute value in place, as `t.abs_()`. Recorded by autograd like
   * PyTorch's in-place ops (the version counter makes a later
   * `backward()` throw if the graph still needed the old values).
   *
   * @returns This tensor.
   * @throws Error if this is a leaf that requires grad (in grad mode), or a view PyTorch forbids
   *   writing in place.
   */
  abs_(): this {
    return inplace.abs_(this);
  }
  /**
   * Replaces each element by its exponential in place, as `t.exp_()`. Recorded by autograd like
   * PyTorch's in-place ops (the version counter makes a later
   * `backward()` throw if the graph still needed the old values).
   *
   * @returns This tensor.
   * @throws Error if this is a leaf that requires grad (in grad mode), or a view PyTorch forbids
   *   writing in place.
   */
  exp_(): this {
    return inplace.exp_(this);
  }
  /**
   * Replaces each element by its square root in place, as `t.sqrt_()`. Recorded by autograd like
   * PyTorch's in-place ops (the version counter makes a later
   * `backward()` throw if the graph still needed the old values).
   *
   * @returns This tensor.
   * @throws Error if this is a leaf that requires grad (in grad mode), or a view PyTorch forbids
   *   writing in place.
   */
  sqrt_(): this {
    return inplace.sqrt_(this);
  }
  /**
   * Replaces negative elements by 0 in place, as `t.relu_()`. Recorded by autograd like PyTorch's
   * in-place ops (the version counter makes a later
   * `backward()` throw if the graph still needed the old values).
   *
   * @returns This tensor.
   * @throws Error if this is a leaf that requires grad (in grad mode), or a view PyTorch forbids
   *   writing in place.
   */
  relu_(): this {
    return inplace.relu_(this);
  }
  /**
   * Clamps this tensor into `[min, max]` in place, as `t.clamp_(min, max)`; a `null`/omitted bound
   * is
   * not applied.
   *
   * @param min - The lower bound (default none).
   * @param max - The upper bound (default none).
   * @returns This tensor.
   * @throws TypeError if a bound is not a number or `null`.
   * @throws Error if this is a leaf that requires grad (in grad mode), or a view PyTorch forbids
   *   writing in place.
   */
  clamp_(min?: number | null, max?: number | null): this;
  /**
   * Clamps this tensor into `[min, max]` given as options, in place (`t.clamp_({ max: 1 })`).
   *
   * @param options - `min` and `max` (default none).
   * @returns This tensor.
   * @throws TypeError if a bound is not a number or `null`.
   * @throws Error if this is a leaf that requires grad (in grad mode), or a view PyTorch forbids
   *   writing in place.
   */
  clamp_(options: { min?: number | null; max?: number | null }): this;
  clamp_(
    a?: number | null | { min?: number | null; max?: number | null },
    b?: number | null,
  ): this {
    const [min, max] = clampBounds(a, b);
    return inplace.clamp_(this, min, max);
  }
  /**
   * Copies the elements of `src` (broadcast to this shape) into this tensor, as `t.copy_(src)`; the
   * gradient flows to `src`.
   *
   * @param src - A tensor or a number that broadcasts to this tensor's shape.
   * @returns This tensor.
   * @throws TypeError if `src` is not a Tensor or a number.
   * @throws RangeError if `src` does not broadcast to this tensor's shape.
   * @throws Error if this is a leaf that requires grad (in grad mode), or a view PyTorch forbids
   *   writing in place.
   */
  copy_(src: TensorLike): this {
    return inplace.copy_(this, src);
  }
  /**
   * Fills this tensor with zeros in place, as `t.zero_()`. Recorded by autograd like PyTorch's
   * in-place ops (the version counter makes a later
   * `backward()` throw if the graph still needed the old values).
   *
   * @returns This tensor.
   * @throws Error if this is a leaf that requires grad (in grad mode), or a view PyTorch forbids
   *   writing in place.
   */
  zero_(): this {
    return inplace.fill_(this, 0);
  }
  /**
   * Fills this tensor with `value` in place, as `t.fill_(value)`.
   *
   * @param value - The value.
   * @returns This tensor.
   * @throws TypeError if `value` is not a number.
   * @throws Error if this is a leaf that requires grad (in grad mode), or a view PyTorch forbids
   *   writing in place.
   * @example
   * ```ts
   * zeros(3).fill_(7); // tensor([7., 7., 7.])
   * ```
   */
  fill_(value: number): this {
    return inplace.fill_(this, value);
  }
  /**
   * Fills this tensor in place with samples from U(from, to), as `t.uniform_(from, to)`, drawing
   * the
   * same numbers as PyTorch for the same seed.
   *
   * @param from - The lower bound (default 0).
   * @param to - The upper bound (default 1).
   * @param options - `generator` (default: the default generator).
   * @returns This tensor.
   * @throws TypeError if a bound is not a number.
   * @throws RangeError if `from > to`.
   * @throws Error if this is a leaf that requires grad (in grad mode), or a view PyTorch forbids
   *   writing in place.
   */
  uniform_(from = 0, to = 1, options?: RandomOptions): this {
    return uniformInPlace(this, from, to, options);
  }
  /**
   * Fills this tensor in place with samples from N(mean, std²), as `t.normal_(mean, std)`, drawing
   * the same numbers as PyTorch for the same seed.
   *
   * @param mean - The mean (default 0).
   * @param std - The standard deviation (default 1).
   * @param options - `generator` (default: the default generator).
   * @returns This tensor.
   * @throws TypeError if `mean` is not a number.
   * @throws RangeError if `std` is negative.
   * @throws Error if this is a leaf that requires grad (in grad mode), or a view PyTorch forbids
   *   writing in place.
   */
  normal_(mean = 0, std = 1, options?: RandomOptions): this {
    return normalInPlace(this, mean, std, options);
  }

  // ==== methods: ops-math ====
  /**
   * The tangent (radians), elementwise, as `torch.tan`.
   *
   * @returns A new tensor of this shape.
   */
  tan(): Tensor {
    return math.tan(this);
  }
  /**
   * The arcsine (NaN outside [-1, 1]), elementwise, as `torch.asin`.
   *
   * @returns A new tensor of this shape.
   */
  asin(): Tensor {
    return math.asin(this);
  }
  /**
   * The arccosine (NaN outside [-1, 1]), elementwise, as `torch.acos`.
   *
   * @returns A new tensor of this shape.
   */
  acos(): Tensor {
    return math.acos(this);
  }
  /**
   * The arctangent, elementwise, as `torch.atan`.
   *
   * @returns A new tensor of this shape.
   */
  atan(): Tensor {
    return math.atan(this);
  }
  /**
   * The hyperbolic sine, elementwise, as `torch.sinh`.
   *
   * @returns A new tensor of this shape.
   */
  sinh(): Tensor {
    return math.sinh(this);
  }
  /**
   * The hyperbolic cosine, elementwise, as `torch.cosh`.
   *
   * @returns A new tensor of this shape.
   */
  cosh(): Tensor {
    return math.cosh(this);
  }
  /**
   * The inverse hyperbolic sine, elementwise, as `torch.asinh`.
   *
   * @returns A new tensor of this shape.
   */
  asinh(): Tensor {
    return math.asinh(this);
  }
  /**
   * The inverse hyperbolic cosine (NaN below 1), elementwise, as `torch.acosh`.
   *
   * @returns A new tensor of this shape.
   */
  acosh(): Tensor {
    return math.acosh(this);
  }
  /**
   * The inverse hyperbolic tangent (NaN outside [-1, 1]), elementwise, as `torch.atanh`.
   *
   * @returns A new tensor of this shape.
   */
  atanh(): Tensor {
    return math.atanh(this);
  }
  /**
   * The base-2 logarithm, elementwise, as `torch.log2`.
   *
   * @returns A new tensor of this shape.
   */
  log2(): Tensor {
    return math.log2(this);
  }
  /**
   * The base-10 logarithm, elementwise, as `torch.log10`.
   *
   * @returns A new tensor of this shape.
   */
  log10(): Tensor {
    return math.log10(this);
  }
  /**
   * `2 ** this`, elementwise, as `torch.exp2`.
   *
   * @returns A new tensor of this shape.
   */
  exp2(): Tensor {
    return math.exp2(this);
  }
  /**
   * Rounds down to an integer (zero gradient), elementwise, as `torch.floor`.
   *
   * @returns A new tensor of this shape.
   */
  floor(): Tensor {
    return math.floor(this);
  }
  /**
   * Rounds up to an integer (zero gradient), elementwise, as `torch.ceil`.
   *
   * @returns A new tensor of this shape.
   */
  ceil(): Tensor {
    return math.ceil(this);
  }
  /**
   * Rounds half to even, elementwise, as `torch.round` (zero gradient); with `decimals`, to that
   * many decimal places (negative: tens, hundreds, …).
   *
   * @param options - `{ decimals }` or the number of decimals (default 0).
   * @returns A new tensor of this shape.
   * @throws TypeError if `decimals` is not an integer.
   * @example
   * ```ts
   * tensor([0.5, 1.5, 2.25]).round();      // tensor([0., 2., 2.])
   * tensor([1.2345]).round({ decimals: 2 }); // tensor([1.2300])
   * ```
   */
  round(options?: math.RoundOptions | number): Tensor {
    return math.round(this, options);
  }
  /**
   * Rounds toward zero (zero gradient), elementwise, as `torch.trunc`.
   *
   * @returns A new tensor of this shape.
   */
  trunc(): Tensor {
    return math.trunc(this);
  }
  /**
   * The fractional part `this - trunc(this)`, elementwise, as `torch.frac`.
   *
   * @returns A new tensor of this shape.
   */
  frac(): Tensor {
    return math.frac(this);
  }
  /**
   * The error function, elementwise, as `torch.erf`.
   *
   * @returns A new tensor of this shape.
   */
  erf(): Tensor {
    return math.erf(this);
  }
  /**
   * The inverse error function (±inf at ±1, NaN outside), elementwise, as `torch.erfinv`.
   *
   * @returns A new tensor of this shape.
   */
  erfinv(): Tensor {
    return math.erfinv(this);
  }
  /**
   * The log-odds `log(p / (1 - p))`, elementwise, as `torch.logit`; with `eps`, the input is first
   * clamped to `[eps, 1 - eps]`.
   *
   * @param eps - The clamp margin (default `null`: no clamping), or `{ eps }`.
   * @returns A new tensor of this shape.
   * @throws TypeError if `eps` is not a number or `null`.
   */
  logit(eps?: number | null | { eps?: number | null }): Tensor {
    return math.logit(this, eps);
  }
  /**
   * The remainder with the sign of the divisor (Python's `%`), elementwise with broadcasting, as
   * `torch.remainder`.
   *
   * @param other - A tensor or a number.
   * @returns A new tensor of the broadcast shape.
   * @throws TypeError if `other` is not a Tensor or a number.
   * @throws RangeError if the shapes do not broadcast.
   * @example
   * ```ts
   * tensor([-3, 3]).remainder(2); // tensor([1., 1.])
   * ```
   */
  remainder(other: TensorLike): Tensor {
    return math.remainder(this, other);
  }
  /**
   * The remainder with the sign of the dividend (C's `fmod`), elementwise with broadcasting, as
   * `torch.fmod`.
   *
   * @param other - A tensor or a number.
   * @returns A new tensor of the broadcast shape.
   * @throws TypeError if `other` is not a Tensor or a number.
   * @throws RangeError if the shapes do not broadcast.
   * @example
   * ```ts
   * tensor([-3, 3]).fmod(2); // tensor([-1.,  1.])
   * ```
   */
  fmod(other: TensorLike): Tensor {
    return math.fmod(this, other);
  }
  /**
   * The angle `atan(this / other)` in the correct quadrant, elementwise with broadcasting, as
   * `torch.atan2`.
   *
   * @param other - A tensor or a number.
   * @returns A new tensor of the broadcast shape.
   * @throws TypeError if `other` is not a Tensor or a number.
   * @throws RangeError if the shapes do not broadcast.
   */
  atan2(other: TensorLike): Tensor {
    return math.atan2(this, other);
  }
  /**
   * `sqrt(this² + other²)`, without overflow, elementwise with broadcasting, as `torch.hypot`.
   *
   * @param other - A tensor or a number.
   * @returns A new tensor of the broadcast shape.
   * @throws TypeError if `other` is not a Tensor or a number.
   * @throws RangeError if the shapes do not broadcast.
   */
  hypot(other: TensorLike): Tensor {
    return math.hypot(this, other);
  }
  /**
   * Linear interpolation `this + weight · (end - this)`, elementwise with broadcasting, as
   * `torch.lerp`.
   *
   * @param end - The end points.
   * @param weight - The interpolation weight: a tensor or a number.
   * @returns A new tensor of the broadcast shape.
   * @throws TypeError if an operand is not a Tensor (or, for `weight`, a number).
   * @throws RangeError if the shapes do not broadcast.
   * @example
   * ```ts
   * tensor([0, 10]).lerp(tensor([10, 20]), 0.5); // tensor([ 5., 15.])
   * ```
   */
  lerp(end: Tensor, weight: TensorLike): Tensor {
    return math.lerp(this, end, weight);
  }
  /**
   * `floor(this / other)`, elementwise with broadcasting, as `torch.floor_divide`.
   *
   * @param other - A tensor or a number.
   * @returns A new tensor of the broadcast shape.
   * @throws TypeError if `other` is not a Tensor or a number.
   * @throws RangeError if the shapes do not broadcast.
   */
  floorDivide(other: TensorLike): Tensor {
    return math.floorDivide(this, other);
  }
  /**
   * `max(this, min)` elementwise with broadcasting, as `torch.clamp_min` (`min` may be a tensor).
   *
   * @param min - The lower bound: a tensor or a number.
   * @returns A new tensor of the broadcast shape.
   * @throws TypeError if `min` is not a Tensor or a number.
   * @throws RangeError if the shapes do not broadcast.
   */
  clampMin(min: TensorLike): Tensor {
    return math.clampMin(this, min);
  }
  /**
   * `min(this, max)` elementwise with broadcasting, as `torch.clamp_max` (`max` may be a tensor).
   *
   * @param max - The upper bound: a tensor or a number.
   * @returns A new tensor of the broadcast shape.
   * @throws TypeError if `max` is not a Tensor or a number.
   * @throws RangeError if the shapes do not broadcast.
   */
  clampMax(max: TensorLike): Tensor {
    return math.clampMax(this, max);
  }
  /**
   * The cumulative sum along `dim`, as `torch.cumsum`.
   *
   * @param dim - The dim to scan along.
   * @returns A new tensor of this shape.
   * @throws TypeError if `dim` is not an integer.
   * @throws RangeError if `dim` is out of range.
   * @example
   * ```ts
   * tensor([1, 2, 3]).cumsum(0); // tensor([1., 3., 6.])
   * ```
   */
  cumsum(dim: number): Tensor {
    return math.cumsum(this, dim);
  }
  /**
   * The cumulative product along `dim`, as `torch.cumprod`.
   *
   * @param dim - The dim to scan along.
   * @returns A new tensor of this shape.
   * @throws TypeError if `dim` is not an integer.
   * @throws RangeError if `dim` is out of range.
   */
  cumprod(dim: number): Tensor {
    return math.cumprod(this, dim);
  }
  /**
   * The running maximum and where it was reached along `dim`, as `torch.cummax`.
   *
   * @param dim - The dim to scan along.
   * @returns `{ values, indices }` (also destructurable as `[values, indices]`).
   * @throws TypeError if `dim` is not an integer.
   * @throws RangeError if `dim` is out of range.
   */
  cummax(dim: number): reductions.ValuesIndices {
    return math.cummax(this, dim);
  }
  /**
   * The running minimum and where it was reached along `dim`, as `torch.cummin`.
   *
   * @param dim - The dim to scan along.
   * @returns `{ values, indices }` (also destructurable as `[values, indices]`).
   * @throws TypeError if `dim` is not an integer.
   * @throws RangeError if `dim` is out of range.
   */
  cummin(dim: number): reductions.ValuesIndices {
    return math.cummin(this, dim);
  }
  /**
   * The running `log(sum(exp(...)))`, computed stably along `dim`, as `torch.logcumsumexp`.
   *
   * @param dim - The dim to scan along.
   * @returns A new tensor of this shape.
   * @throws TypeError if `dim` is not an integer.
   * @throws RangeError if `dim` is out of range.
   */
  logcumsumexp(dim: number): Tensor {
    return math.logcumsumexp(this, dim);
  }
  /**
   * Whether every element is nonzero (over all elements, or along `dim`), as `torch.all`: 1 or 0.
   *
   * @param dim - A dim, a list of dims, or omitted/`null` for all; or `{ dim, keepdim }`.
   * @param keepdim - Keep the reduced dims with size 1 (default `false`); or `{ keepdim }`.
   * @returns A 0/1 tensor.
   * @throws RangeError if a dim is out of range.
   */
  all(dim?: reductions.DimOrOptions, keepdim?: reductions.KeepdimOrOptions): Tensor {
    return math.all(this, dim, keepdim);
  }
  /**
   * Whether any element is nonzero (over all elements, or along `dim`), as `torch.any`: 1 or 0.
   *
   * @param dim - A dim, a list of dims, or omitted/`null` for all; or `{ dim, keepdim }`.
   * @param keepdim - Keep the reduced dims with size 1 (default `false`); or `{ keepdim }`.
   * @returns A 0/1 tensor.
   * @throws RangeError if a dim is out of range.
   */
  any(dim?: reductions.DimOrOptions, keepdim?: reductions.KeepdimOrOptions): Tensor {
    return math.any(this, dim, keepdim);
  }
  /**
   * 1 where `|this - other| <= atol + rtol · |other|`, 0 elsewhere, with broadcasting, as
   * `torch.isclose`.
   *
   * @param other - A tensor or a number.
   * @param options - `rtol` (default 1e-5), `atol` (default 1e-8), `equalNan` (default `false`).
   * @returns A new 0/1 tensor of the broadcast shape.
   * @throws TypeError if `other` is not a Tensor or a number, or an option is unknown or mistyped.
   * @throws RangeError if the shapes do not broadcast.
   */
  isclose(other: TensorLike, options?: math.IscloseOptions): Tensor {
    return math.isclose(this, other, options);
  }
  /**
   * The lower median of all elements, as `torch.median(x)` (NaN if any element is NaN).
   *
   * @returns A 0-d tensor.
   * @throws RangeError for an empty tensor.
   * @example
   * ```ts
   * tensor([3, 1, 2, 4]).median(); // tensor(2.)
   * ```
   */
  median(): Tensor;
  /**
   * The lower median along `dim` and its position, as `torch.median(x, dim)`.
   *
   * @param dim - The dim to reduce; or the options `{ dim, keepdim }`.
   * @param keepdim - Keep the reduced dim with size 1 (default `false`); or `{ keepdim }`.
   * @returns `{ values, indices }` (also destructurable as `[values, indices]`).
   * @throws RangeError if `dim` is out of range.
   */
  median(
    dim: number | reductions.ReduceOptions,
    keepdim?: reductions.KeepdimOrOptions,
  ): reductions.ValuesIndices;
  median(
    dim?: number | reductions.ReduceOptions,
    keepdim?: reductions.KeepdimOrOptions,
  ): Tensor | reductions.ValuesIndices {
    return dim === undefined ? math.median(this) : math.median(this, dim, keepdim);
  }
  /**
   * The most frequent value along `dim` (the smallest on ties) and a position of it, as
   * `torch.mode`.
   *
   * @param dim - The dim to reduce (default -1); or the options `{ dim, keepdim }`.
   * @param keepdim - Keep the reduced dim with size 1 (default `false`); or `{ keepdim }`.
   * @returns `{ values, indices }` (also destructurable as `[values, indices]`).
   * @throws RangeError if `dim` is out of range.
   */
  mode(
    dim?: number | reductions.ReduceOptions,
    keepdim?: reductions.KeepdimOrOptions,
  ): reductions.ValuesIndices {
    return math.mode(this, dim, keepdim);
  }
  /**
   * Sorts along `dim` (stable), as `torch.sort`; NaN sorts last (first when descending).
   *
   * @param dim - The dim to sort (default -1); or the options `{ dim, descending, stable }`.
   * @param descending - Largest first (default `false`).
   * @returns `{ values, indices }` (also destructurable as `[values, indices]`).
   * @throws RangeError if `dim` is out of range.
   * @example
   * ```ts
   * const { values, indices } = tensor([3, 1, 2]).sort(); // [1, 2, 3], [1, 2, 0]
   * ```
   */
  sort(dim?: number | math.SortOptions, descending?: boolean): reductions.ValuesIndices {
    return math.sort(this, dim, descending);
  }
  /**
   * The indices that sort this tensor along `dim`, as `torch.argsort`.
   *
   * @param dim - The dim to sort (default -1); or the options `{ dim, descending, stable }`.
   * @param descending - Largest first (default `false`).
   * @returns Integer indices as a float32 tensor of this shape.
   * @throws RangeError if `dim` is out of range.
   */
  argsort(dim?: number | math.SortOptions, descending?: boolean): Tensor {
    return math.argsort(this, dim, descending);
  }
  /**
   * The `k` largest (or smallest) elements along `dim` and their positions, as `torch.topk`.
   *
   * @param k - How many (0 ≤ k ≤ the dim's size).
   * @param dim - The dim (default -1); or the options `{ dim, largest, sorted }`.
   * @param largest - Take the largest (default `true`) or the smallest.
   * @param sorted - Return them in order (default `true`).
   * @returns `{ values, indices }` (also destructurable as `[values, indices]`).
   * @throws RangeError if `k` is out of range or `dim` is out of range.
   * @example
   * ```ts
   * tensor([3, 1, 2]).topk(2).values; // tensor([3., 2.])
   * ```
   */
  topk(
    k: number,
    dim?: number | math.TopkOptions,
    largest?: boolean,
    sorted?: boolean,
  ): reductions.ValuesIndices {
    return math.topk(this, k, dim, largest, sorted);
  }
  /**
   * The `k`-th smallest element along `dim` (1-based) and its position, as `torch.kthvalue`.
   *
   * @param k - Which one, from 1 to the dim's size.
   * @param dim - The dim (default -1); or the options `{ dim, keepdim }`.
   * @param keepdim - Keep the reduced dim with size 1 (default `false`).
   * @returns `{ values, indices }` (also destructurable as `[values, indices]`).
   * @throws RangeError if `k` or `dim` is out of range.
   */
  kthvalue(
    k: number,
    dim?: number | { dim?: number; keepdim?: boolean },
    keepdim?: boolean,
  ): reductions.ValuesIndices {
    return math.kthvalue(this, k, dim, keepdim);
  }
  /**
   * The distinct elements, sorted ascending, as `torch.unique` (each NaN counts as distinct). Not
   * differentiable.
   *
   * @param options - `sorted` (default `true`), `dim` (default `null`: elements rather than
   *   slices).
   * @returns A 1-D tensor of the unique values.
   * @throws TypeError for an unknown or mistyped option.
   * @example
   * ```ts
   * tensor([2, 1, 2]).unique(); // tensor([1., 2.])
   * ```
   */
  unique(options?: math.UniqueOptions & { returnInverse?: false; returnCounts?: false }): Tensor;
  /**
   * The distinct elements (or slices along `dim`), with the inverse indices and/or counts when
   * asked,
   * as `torch.unique(..., return_inverse=..., return_counts=...)`.
   *
   * @param options - `sorted` (default `true`), `returnInverse` (default `false`), `returnCounts`
   *   (default `false`), `dim` (default `null`).
   * @returns The unique values alone, or `[values, inverse?, counts?]`, also reachable by name.
   * @throws TypeError for an unknown or mistyped option.
   * @throws RangeError if `dim` is out of range.
   */
  unique(options: math.UniqueOptions): Tensor | math.UniqueResult;
  unique(options?: math.UniqueOptions): Tensor | math.UniqueResult {
    return math.unique(this, options as math.UniqueOptions);
  }
  // ==== end ops-math ====

  // ==== methods: ops-shape-index ====
  /**
   * Reverses the order of elements along `dims` (a copy), as `torch.flip`.
   *
   * @param dims - The dims, as `flip(0, 1)` or `flip([0, 1])`.
   * @returns A new tensor of this shape.
   * @throws RangeError if a dim is out of range or repeated.
   * @example
   * ```ts
   * tensor([1, 2, 3]).flip(0); // tensor([3., 2., 1.])
   * ```
   */
  flip(...dims: Array<number | readonly number[]>): Tensor {
    return shapeIndex.flip(this, flattenArgs(dims));
  }
  /**
   * Rolls elements along `dims` by `shifts` with wrap-around, as `torch.roll`; without `dims` the
   * tensor is rolled as if flattened.
   *
   * @param shifts - One shift or one per dim (negative rolls backwards).
   * @param dims - The dims (default: the flattened tensor).
   * @returns A new tensor of this shape.
   * @throws RangeError if `shifts` and `dims` differ in length or a dim is out of range.
   * @example
   * ```ts
   * tensor([1, 2, 3]).roll(1); // tensor([3., 1., 2.])
   * ```
   */
  roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
    return shapeIndex.roll(this, shifts, dims);
  }
  /**
   * Tiles the tensor `sizes[i]` times along each dim, as `Tensor.repeat` (a copy); extra leading
   * sizes add dims.
   *
   * @param sizes - The repetitions, as `repeat(2, 1)` or `repeat([2, 1])`, at least `dim()` of
   *   them.
   * @returns A new tensor.
   * @throws RangeError if there are fewer sizes than dims or a size is negative.
   * @example
   * ```ts
   * tensor([1, 2]).repeat(2); // tensor([1., 2., 1., 2.])
   * ```
   */
  repeat(...sizes: Array<number | readonly number[]>): Tensor {
    return shapeIndex.repeat(this, flattenArgs(sizes));
  }
  /**
   * Tiles the tensor like `repeat`, padding missing leading repetitions with 1, as `torch.tile`.
   *
   * @param dims - The repetitions, as `tile(2)` or `tile([2, 2])`.
   * @returns A new tensor.
   * @throws RangeError if a repetition is negative.
   */
  tile(...dims: Array<number | readonly number[]>): Tensor {
    return shapeIndex.tile(this, flattenArgs(dims));
  }
  /**
   * The lower triangle of the last two dims (elements above diagonal `diagonal` set to 0), as
   * `torch.tril`.
   *
   * @param diagonal - 0 (default) the main diagonal, > 0 above it, < 0 below it.
   * @returns A new tensor of this shape.
   * @throws RangeError if the tensor has fewer than 2 dims.
   */
  tril(diagonal = 0): Tensor {
    return shapeIndex.tril(this, diagonal);
  }
  /**
   * The upper triangle of the last two dims (elements below diagonal `diagonal` set to 0), as
   * `torch.triu`.
   *
   * @param diagonal - 0 (default) the main diagonal, > 0 above it, < 0 below it.
   * @returns A new tensor of this shape.
   * @throws RangeError if the tensor has fewer than 2 dims.
   */
  triu(diagonal = 0): Tensor {
    return shapeIndex.triu(this, diagonal);
  }
  /**
   * A view of the diagonal of the (dim1, dim2) planes, appended as the last dim, as
   * `torch.diagonal`: `diagonal(offset, dim1, dim2)` or `diagonal({ offset, dim1, dim2 })`.
   *
   * @param offset - Which diagonal (default 0; > 0 above, < 0 below), or the options.
   * @param dim1 - The first dim of the planes (default 0).
   * @param dim2 - The second dim of the planes (default 1).
   * @returns A view sharing this tensor's memory.
   * @throws RangeError if the dims are out of range or equal.
   */
  diagonal(offset?: number | shapeIndex.DiagonalOptions, dim1?: number, dim2?: number): Tensor {
    return shapeIndex.diagonal(this, offset, dim1, dim2);
  }
  /**
   * A 1-D tensor to a square matrix with it on a diagonal, or a 2-D tensor to a copy of its
   * diagonal,
   * as `torch.diag`.
   *
   * @param diagonal - Which diagonal (default 0; > 0 above, < 0 below).
   * @returns A new 2-D or 1-D tensor.
   * @throws RangeError if the tensor is not 1-D or 2-D.
   * @example
   * ```ts
   * tensor([1, 2]).diag(); // tensor([[1., 0.], [0., 2.]])
   * ```
   */
  diag(diagonal = 0): Tensor {
    return shapeIndex.diag(this, diagonal);
  }
  /**
   * A view with dims `source` moved to positions `destination` (the others keep their order), as
   * `torch.movedim`.
   *
   * @param source - A dim or a list of dims.
   * @param destination - Their new positions (as many).
   * @returns A view sharing this tensor's memory.
   * @throws RangeError if a dim is out of range or repeated, or the lists differ in length.
   */
  movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor {
    return shapeIndex.movedim(this, source, destination);
  }
  /**
   * Alias of {@link Tensor.movedim}, as `torch.moveaxis`.
   *
   * @param source - A dim or a list of dims.
   * @param destination - Their new positions.
   * @returns A view sharing this tensor's memory.
   * @throws RangeError if a dim is out of range or repeated, or the lists differ in length.
   */
  moveaxis(source: number | readonly number[], destination: number | readonly number[]): Tensor {
    return shapeIndex.movedim(this, source, destination);
  }
  /**
   * A view with two dims swapped, as `torch.swapaxes` (like `transpose`).
   *
   * @param axis0 - The first dim.
   * @param axis1 - The second dim.
   * @returns A view sharing this tensor's memory.
   * @throws RangeError if a dim is out of range.
   */
  swapaxes(axis0: number, axis1: number): Tensor {
    return shapeIndex.swapaxes(this, axis0, axis1);
  }
  /**
   * Alias of {@link Tensor.swapaxes}, as `torch.swapdims`.
   *
   * @param dim0 - The first dim.
   * @param dim1 - The second dim.
   * @returns A view sharing this tensor's memory.
   * @throws RangeError if a dim is out of range.
   */
  swapdims(dim0: number, dim1: number): Tensor {
    return shapeIndex.swapaxes(this, dim0, dim1);
  }
  /**
   * Splits dim `dim` into `sizes` (a view), as `torch.unflatten`; one size may be -1.
   *
   * @param dim - The dim to split.
   * @param sizes - Its new sizes (their product must equal its size).
   * @returns A view sharing this tensor's memory.
   * @throws RangeError if the sizes do not multiply to the dim's size or `dim` is out of range.
   */
  unflatten(dim: number, sizes: readonly number[]): Tensor {
    return shapeIndex.unflatten(this, dim, sizes);
  }
  /**
   * The slices along `dim` at the positions in `index` (a copy), as `torch.index_select`.
   *
   * @param dim - The dim to index.
   * @param index - A 1-D tensor or array of integer positions.
   * @returns A new tensor whose `dim` has `index.length` entries.
   * @throws RangeError if an index or `dim` is out of range.
   */
  indexSelect(dim: number, index: Tensor | readonly number[]): Tensor {
    return shapeIndex.indexSelect(this, dim, index);
  }
  /**
   * Values along `dim` at the positions in `index`, as `torch.gather`:
   * `out[i][j] = this[index[i][j]][j]` for `dim = 0`. The result has `index`'s shape.
   *
   * @param dim - The dim to index along.
   * @param index - Integer positions: a tensor or nested arrays with as many dims as this tensor.
   * @returns A new tensor of `index`'s shape.
   * @throws RangeError if an index is out of range or the shapes do not fit.
   * @example
   * ```ts
   * tensor([[1, 2], [3, 4]]).gather(1, tensor([[0], [0]])); // tensor([[1.], [3.]])
   * ```
   */
  gather(dim: number, index: Tensor | readonly unknown[]): Tensor {
    return shapeIndex.gather(this, dim, index);
  }
  /**
   * A copy with `src` written at the positions in `index` along `dim`, as `torch.scatter`
   * (`self[index[i][j]][j] = src[i][j]` for `dim = 0`); `reduce` combines instead of replacing.
   *
   * @param dim - The dim to index along.
   * @param index - Integer positions: a tensor or nested arrays.
   * @param src - The values: a tensor, or one number for every position.
   * @param options - `reduce`: `'add'` or `'multiply'` (default: replace).
   * @returns A new tensor of this shape.
   * @throws RangeError if an index is out of range or the shapes do not fit.
   */
  scatter(
    dim: number,
    index: Tensor | readonly unknown[],
    src: TensorLike,
    options?: shapeIndex.ScatterOptions,
  ): Tensor {
    return shapeIndex.scatter(this, dim, index, src, options);
  }
  /**
   * In-place {@link Tensor.scatter}, as `t.scatter_(dim, index, src)`.
   *
   * @param dim - The dim to index along.
   * @param index - Integer positions: a tensor or nested arrays.
   * @param src - The values: a tensor, or one number.
   * @param options - `reduce`: `'add'` or `'multiply'` (default: replace).
   * @returns This tensor.
   * @throws RangeError if an index is out of range or the shapes do not fit.
   * @throws Error if this is a leaf that requires grad (in grad mode).
   */
  scatter_(
    dim: number,
    index: Tensor | readonly unknown[],
    src: TensorLike,
    options?: shapeIndex.ScatterOptions,
  ): this {
    return inplace.copy_(this, shapeIndex.scatter(this, dim, index, src, options));
  }
  /**
   * A copy with `src` added at the positions in `index` along `dim` (duplicates add up), as
   * `torch.scatter_add`.
   *
   * @param dim - The dim to index along.
   * @param index - Integer positions: a tensor or nested arrays.
   * @param src - The values to add.
   * @returns A new tensor of this shape.
   * @throws RangeError if an index is out of range or the shapes do not fit.
   * @example
   * ```ts
   * zeros(3).scatterAdd(0, tensor([0, 0, 2]), tensor([1, 2, 3])); // tensor([3., 0., 3.])
   * ```
   */
  scatterAdd(dim: number, index: Tensor | readonly unknown[], src: Tensor): Tensor {
    return shapeIndex.scatterAdd(this, dim, index, src);
  }
  /**
   * In-place {@link Tensor.scatterAdd}, as `t.scatter_add_(dim, index, src)`.
   *
   * @param dim - The dim to index along.
   * @param index - Integer positions: a tensor or nested arrays.
   * @param src - The values to add.
   * @returns This tensor.
   * @throws RangeError if an index is out of range or the shapes do not fit.
   * @throws Error if this is a leaf that requires grad (in grad mode).
   */
  scatterAdd_(dim: number, index: Tensor | readonly unknown[], src: Tensor): this {
    return inplace.copy_(this, shapeIndex.scatterAdd(this, dim, index, src));
  }
  /**
   * A copy with `value` where `mask` is nonzero, as `torch.masked_fill`; the mask broadcasts.
   *
   * @param mask - A 0/1 (nonzero = true) tensor.
   * @param value - A number, or a 0-d tensor.
   * @returns A new tensor of the broadcast shape.
   * @throws RangeError if the shapes do not broadcast.
   * @example
   * ```ts
   * const x = tensor([1, 5, 3]);
   * x.maskedFill(x.gt(2), 0); // tensor([1., 0., 0.])
   * ```
   */
  maskedFill(mask: Tensor, value: TensorLike): Tensor {
    return shapeIndex.maskedFill(this, mask, value);
  }
  /**
   * In-place {@link Tensor.maskedFill}; the mask must broadcast to this tensor's shape.
   *
   * @param mask - A 0/1 (nonzero = true) tensor.
   * @param value - A number, or a 0-d tensor.
   * @returns This tensor.
   * @throws RangeError if the mask does not broadcast to this tensor's shape.
   * @throws Error if this is a leaf that requires grad (in grad mode).
   */
  maskedFill_(mask: Tensor, value: TensorLike): this {
    return inplace.copy_(this, shapeIndex.maskedFill(this, mask, value));
  }
  /**
   * The elements where `mask` is nonzero, in row-major order, as `torch.masked_select`.
   *
   * @param mask - A 0/1 (nonzero = true) tensor that broadcasts with this one.
   * @returns A new 1-D tensor.
   * @throws RangeError if the shapes do not broadcast.
   */
  maskedSelect(mask: Tensor): Tensor {
    return shapeIndex.maskedSelect(this, mask);
  }
  /**
   * This tensor where `condition` is nonzero and `other` elsewhere, with broadcasting, as
   * `x.where(condition, other)`.
   *
   * @param condition - The condition (nonzero = true).
   * @param other - The values elsewhere: a tensor or a number.
   * @returns A new tensor of the broadcast shape.
   * @throws TypeError if an operand is not a Tensor or a number.
   * @throws RangeError if the shapes do not broadcast.
   */
  where(condition: TensorLike, other: TensorLike): Tensor {
    return elementwise.where(condition, this, other);
  }
  /**
   * Python's `t[items]`, as PyTorch indexes: a number selects (removing the dim), `null` inserts a
   * new dim, `'...'` stands for the remaining dims, a slice string (`':'`, `'1:5'`, `'::2'`,
   * `'-3:'`)
   * slices, and integer tensors or arrays index advanced-style (boolean arrays are masks). Basic
   * items give views; advanced ones give copies.
   *
   * @param items - The index items, one per dim (or fewer).
   * @returns The indexed tensor.
   * @throws TypeError for an item of another kind or a malformed slice string.
   * @throws RangeError for an index out of range or too many items.
   * @example
   * ```ts
   * const x = arange(12).reshape(3, 4);
   * x.index(0);            // the first row (x[0])
   * x.index(':', '1:3');   // columns 1 and 2 (x[:, 1:3])
   * x.index([0, 2], '...'); // rows 0 and 2 (x[[0, 2], ...])
   * ```
   */
  index(...items: shapeIndex.IndexItem[]): Tensor {
    return shapeIndex.index(this, ...items);
  }
  /**
   * Python's `t[items] = value` in place, as `t.index_put_(indices, values, accumulate)`; with
   * `accumulate`, values are added (duplicate indices add up).
   *
   * @param items - The index items (as {@link Tensor.index} takes them), or one integer tensor.
   * @param value - A tensor or a number that broadcasts to the indexed shape.
   * @param options - `accumulate` (default `false`).
   * @returns This tensor.
   * @throws TypeError for a bad item.
   * @throws RangeError for an index out of range or a value that does not broadcast.
   * @throws Error if this is a leaf that requires grad (in grad mode).
   * @example
   * ```ts
   * const x = zeros(3);
   * x.indexPut_([tensor([0, 2])], 1); // tensor([1., 0., 1.])
   * ```
   */
  indexPut_(
    items: readonly shapeIndex.IndexItem[] | Tensor,
    value: TensorLike,
    options?: shapeIndex.IndexPutOptions,
  ): this {
    return shapeIndex.indexPut_(this, items, value, options);
  }
  /**
   * The out-of-place form of {@link Tensor.indexPut_}, as `torch.index_put`.
   *
   * @param items - The index items, or one integer tensor.
   * @param value - A tensor or a number that broadcasts to the indexed shape.
   * @param options - `accumulate` (default `false`).
   * @returns A new tensor of this shape.
   * @throws TypeError for a bad item.
   * @throws RangeError for an index out of range or a value that does not broadcast.
   */
  indexPut(
    items: readonly shapeIndex.IndexItem[] | Tensor,
    value: TensorLike,
    options?: shapeIndex.IndexPutOptions,
  ): Tensor {
    return shapeIndex.indexPut(this, items, value, options);
  }
  /**
   * `beta · this + alpha · (mat1 @ mat2)`, as `torch.addmm`; this tensor broadcasts to the
   * product's
   * shape.
   *
   * @param mat1 - An `[n, k]` matrix.
   * @param mat2 - A `[k, m]` matrix.
   * @param options - `beta` (default 1), `alpha` (default 1).
   * @returns A new `[n, m]` tensor.
   * @throws RangeError if the shapes do not fit.
   */
  addmm(mat1: Tensor, mat2: Tensor, options?: shapeIndex.AddProductOptions): Tensor {
    return shapeIndex.addmm(this, mat1, mat2, options);
  }
  /**
   * `beta · this + alpha · (batch1 @ batch2)` per batch, as `torch.baddbmm`.
   *
   * @param batch1 - A `[b, n, k]` batch.
   * @param batch2 - A `[b, k, m]` batch.
   * @param options - `beta` (default 1), `alpha` (default 1).
   * @returns A new `[b, n, m]` tensor.
   * @throws RangeError if the shapes do not fit.
   */
  baddbmm(batch1: Tensor, batch2: Tensor, options?: shapeIndex.AddProductOptions): Tensor {
    return shapeIndex.baddbmm(this, batch1, batch2, options);
  }
  // ==== end ops-shape-index ====

  // ==== methods: nn-functional ====
  // ==== end nn-functional ====

  // ==== methods: activations-losses ====
  /**
   * Softmax along `dim` (PyTorch's `x.softmax(dim)`), numerically stable.
   *
   * @param dim - The dim to normalise over, or `{ dim }`.
   * @returns A tensor of this shape whose rows along `dim` sum to 1.
   * @throws RangeError when `dim` is out of range.
   */
  softmax(dim: softmaxOps.SoftmaxDim): Tensor {
    return softmaxOps.softmax(this, dim);
  }
  /**
   * Log-softmax along `dim` (PyTorch's `x.log_softmax(dim)`), numerically stable.
   *
   * @param dim - The dim to normalise over, or `{ dim }`.
   * @returns Log-probabilities of this shape.
   * @throws RangeError when `dim` is out of range.
   */
  logSoftmax(dim: softmaxOps.SoftmaxDim): Tensor {
    return softmaxOps.logSoftmax(this, dim);
  }
  // ==== end activations-losses ====

  // ==== methods: hardening ====
  /**
   * @internal Set on the outputs of split/chunk/unbind (functions returning several views): the
   * op's name and the output's position, for PyTorch's refusal of in-place writes to them.
   */
  _multiOutput: { name: string; index: number } | null = null;
  /**
   * @internal A value `structuredClone` and `postMessage` refuse, so that cloning a tensor fails
   * loudly (naming what to do) instead of copying internal fields; see docs/interop.md.
   */
  readonly _structuredCloneGuard: () => void =
    structuredCloneOfATensorIsUnsupportedUseToFloat32ArrayOrToJSON;

  /**
   * The tensor as JSON-ready data, `{ shape, data }` with `data` the elements in row-major order
   * (what `JSON.stringify(t)` writes). NaN and ±infinity, which JSON cannot hold, are written as the
   * strings `'nan'`, `'inf'` and `'-inf'`; `Tensor.fromJSON` reads the result back.
   * @returns `{ shape, data }`: plain arrays, no autograd state.
   * @example JSON.stringify(tensor([[1, 2]])) // '{"shape":[1,2],"data":[1,2]}'
   */
  toJSON(): TensorJSON {
    const data: Array<number | 'nan' | 'inf' | '-inf'> = Array.from(this.toFloat32Array(), (v) =>
      Number.isFinite(v) ? v : v !== v ? 'nan' : v > 0 ? 'inf' : '-inf',
    );
    return { shape: [...this._shape], data };
  }

  /**
   * A tensor from what `toJSON()` wrote (or any `{ shape, data }` with numbers or the strings
   * `'nan'`, `'inf'`, `'-inf'`).
   * @param json - The `{ shape, data }` object.
   * @returns A new contiguous tensor (no autograd state).
   * @throws TypeError when `json` is not of that form; RangeError when data and shape disagree.
   * @example Tensor.fromJSON(JSON.parse(JSON.stringify(t)))
   */
  static fromJSON(json: TensorJSON): Tensor {
    if (
      json === null ||
      typeof json !== 'object' ||
      !Array.isArray(json.shape) ||
      !Array.isArray(json.data)
    )
      throw new TypeError(`fromJSON: expected an object { shape, data }, got ${describe(json)}`);
    const shape = checkShape(json.shape, 'fromJSON');
    if (numelOf(shape) !== json.data.length) {
      throw new RangeError(
        `fromJSON: shape ${formatShape(shape)} needs ${numelOf(shape)} elements, got ${json.data.length}`,
      );
    }
    const values = new Float32Array(json.data.length);
    json.data.forEach((v: unknown, i) => {
      if (typeof v === 'number') values[i] = v;
      else if (v === 'nan') values[i] = NaN;
      else if (v === 'inf') values[i] = Infinity;
      else if (v === '-inf') values[i] = -Infinity;
      else
        throw new TypeError(
          `fromJSON: element ${i} must be a number, 'nan', 'inf' or '-inf', got ${describe(v)}`,
        );
    });
    return Tensor._fromData(values, shape);
  }

  /**
   * A zero-copy Float32Array of exactly this tensor's `numel()` elements, in row-major order,
   * aliasing its memory: writes through it change the tensor (without autograd's version
   * tracking) and later in-place ops show through it. Only for contiguous tensors (call
   * `contiguous()` first); `toFloat32Array()` is the safe copy. Do not transfer its `buffer` to a
   * worker (see docs/interop.md).
   * @returns A subarray view of the tensor's memory, `length === numel()`.
   * @throws Error when the tensor is not contiguous.
   * @example const v = t.subarrayView(); v.length === t.numel()
   */
  subarrayView(): Float32Array {
    if (!this.isContiguous()) {
      throw new Error(
        `subarrayView: the tensor (shape ${formatShape(this._shape)}, strides ` +
          `${formatShape(this._strides)}) is not contiguous; call contiguous() first or copy with toFloat32Array()`,
      );
    }
    // Memory that leaves as a live view must never be handed to another tensor: move it out of
    // the shared arena first (one copy, once; the storage's other tensors follow it).
    const storage = this._storage;
    const moved = outOfArena(storage.data);
    if (moved !== storage.data) storage.replace(moved);
    return moved.subarray(this._offset, this._offset + this.numel());
  }

  /**
   * Gives this tensor's memory back now instead of when the garbage collector finds it unused:
   * optional, for loops that want the same memory step after step (`using` calls it too). The
   * memory is reused at once when nothing else can read it: no view or alias of this tensor was
   * made and autograd did not save it for a backward pass. Then the tensor is spent, and reading or
   * writing it throws. Otherwise this does nothing and the garbage collector frees the memory as
   * usual. Calling it twice is harmless.
   *
   * @example
   * ```ts
   * for (let step = 0; step < 1000; step++) {
   *   const y = x.mul(w);   // the same memory every step
   *   total += y.sum().item();
   *   y.dispose();
   * }
   * ```
   */
  dispose(): void {
    const storage = this._storage;
    if (storage.users !== 1 || storage.pinned || storage.released || this._base !== null) return;
    const data = storage.release();
    if (!releaseToArena(data)) creditArena(data.length * 4);
  }
  // ==== end hardening ====

  // ==== methods: clipping ====
  // ==== end clipping ====
}

// `using t = …` (explicit resource management) calls [Symbol.dispose] where the engine has it.
const disposeSymbol = (Symbol as { dispose?: symbol }).dispose;
if (typeof disposeSymbol === 'symbol') {
  Object.defineProperty(Tensor.prototype, disposeSymbol, {
    value: Tensor.prototype.dispose,
    writable: true,
    configurable: true,
  });
}

function flattenArgs(args: ReadonlyArray<number | readonly number[]>): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return [...(args[0] as readonly number[])];
  return args as number[];
}

function clampBounds(
  a: number | null | undefined | { min?: number | null; max?: number | null },
  b: number | null | undefined,
): [number | null, number | null] {
  if (a !== null && typeof a === 'object') return [a.min ?? null, a.max ?? null];
  return [a ?? null, b ?? null];
}

/** What `Tensor.toJSON()` returns: the shape and the row-major elements (non-finite as strings). */
export interface TensorJSON {
  /** The sizes of the dims. */
  shape: number[];
  /** The elements in row-major order; NaN and ±infinity as `'nan'`, `'inf'`, `'-inf'`. */
  data: Array<number | 'nan' | 'inf' | '-inf'>;
}

/** Held by every tensor so that `structuredClone(tensor)` throws, naming this function. */
function structuredCloneOfATensorIsUnsupportedUseToFloat32ArrayOrToJSON(): void {}

/**
 * Describes a bad argument for an error message (`'the number 1.5'`, `'Tensor of shape [2, 3]'`).
 *
 * @param value - Anything.
 * @returns A short description.
 */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Tensor) return `Tensor of shape ${formatShape(value.shape)}`;
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'string') return `the string '${value}'`;
  if (typeof value === 'boolean' || typeof value === 'bigint')
    return `the ${typeof value} ${String(value)}`;
  if (value === undefined) return 'undefined';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'an object';
  return typeof value;
}

/**
 * Throws a TypeError naming the op and what it got, unless `value` is a Tensor.
 *
 * @param value - The argument to check.
 * @param op - The function's name, for the message.
 * @param what - What was expected (default `'a Tensor'`).
 * @throws TypeError if `value` is not a Tensor.
 */
export function assertTensor(
  value: unknown,
  op: string,
  what = 'a Tensor',
): asserts value is Tensor {
  if (!(value instanceof Tensor))
    throw new TypeError(`${op}: expected ${what}, got ${describe(value)}`);
}

/**
 * Whether `value` is a {@link Tensor} (including a `Parameter`).
 *
 * @param value - Anything.
 * @returns `true` for tensors, as a type guard.
 */
export function isTensor(value: unknown): value is Tensor {
  return value instanceof Tensor;
}

export type { Shape };
