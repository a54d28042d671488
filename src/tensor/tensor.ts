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
import { viewNode, windowOf } from '../ops/view-history.js';
import { gather, isContiguousLayout } from './kernels/strided.js';

/** A tensor or a plain number, accepted wherever PyTorch accepts a Python scalar. */
export type TensorLike = Tensor | number;

/** Nested arrays of numbers, as `tolist()` returns them. */
export type NestedArray = number | NestedArray[];

export type DimArg = number | readonly number[];

/**
 * An n-dimensional float32 array with autograd. Views share storage with their base; the
 * storage's version counter tracks in-place writes for autograd's safety checks.
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
  get shape(): readonly number[] {
    return this._shape;
  }
  get strides(): readonly number[] {
    return this._strides;
  }
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
    t._storage = new Storage(this._storage.data);
    return t;
  }
  /** Makes this tensor use `other`'s memory and shape, keeping its autograd identity (`p.data = t`). */
  set data(other: Tensor) {
    if (!(other instanceof Tensor))
      throw new TypeError(`data: expected a Tensor, got ${describe(other)}`);
    this._storage = other._storage;
    this._shape = [...other._shape];
    this._strides = [...other._strides];
    this._offset = other._offset;
    this._base = other._base ?? other;
    this._isAlias = true;
    this._tracksBase = false;
  }

  // ---- Autograd metadata -----------------------------------------------------------------
  get requiresGrad(): boolean {
    if (this._tracksBase) this._refreshView();
    return this._requiresGrad;
  }
  set requiresGrad(flag: boolean) {
    this.requiresGrad_(flag);
  }
  get gradFn(): Node | null {
    if (this._tracksBase) this._refreshView();
    return this._gradFn;
  }
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
  get grad(): Tensor | null {
    return this._grad;
  }
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

  retainGrad(): this {
    if (!this._requiresGrad)
      throw new Error("can't retain_grad on Tensor that has requires_grad=False");
    const node = this.gradFn;
    if (node) node.retained = this;
    return this;
  }

  get retainsGrad(): boolean {
    const node = this.gradFn;
    return node !== null && node.retained === this;
  }

  /** Registers `fn` to run on this tensor's gradient; returning a tensor replaces the gradient. */
  registerHook(fn: GradHook): { remove(): void } {
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
   * Accumulates the gradient of this tensor into the leaves' `.grad`.
   * @param gradient - The gradient of this tensor (a Tensor or a number); omitted or null for a
   *   one-element tensor (implicitly 1).
   * @param options - `{ retainGraph, createGraph }`.
   * @throws TypeError for a gradient that is not a Tensor, number, null or undefined, or a bad option.
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

  /** A tensor sharing storage (and version counter) that is cut from the graph. */
  detach(): Tensor {
    return this._alias();
  }

  /** Cuts this tensor from the graph in place, making it a leaf. */
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
  numel(): number {
    return numelOf(this._shape);
  }
  dim(): number {
    return this._shape.length;
  }
  get ndim(): number {
    return this._shape.length;
  }
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    if (dim === undefined) return [...this._shape];
    return this._shape[normalizeDim(dim, this._shape.length, 'size')];
  }
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    if (dim === undefined) return [...this._strides];
    return this._strides[normalizeDim(dim, this._shape.length, 'stride')];
  }
  isContiguous(): boolean {
    return isContiguousLayout(this._shape, this._strides);
  }
  /** The elements in row-major order as a new Float32Array. */
  toFloat32Array(): Float32Array {
    return gather(this, new Float32Array(this.numel()));
  }
  /** @internal Row-major elements, without copying when already contiguous. Do not write to it. */
  _contiguousData(): Float32Array {
    if (this.isContiguous())
      return this._storage.data.subarray(this._offset, this._offset + this.numel());
    return this.toFloat32Array();
  }
  item(): number {
    if (this.numel() !== 1) {
      throw new RangeError(`a Tensor with ${this.numel()} elements cannot be converted to Scalar`);
    }
    return this._storage.data[this._offset];
  }
  tolist(): NestedArray {
    const flat = this._contiguousData();
    const build = (dim: number, start: number): NestedArray => {
      if (dim === this._shape.length) return flat[start];
      const inner = numelOf(this._shape.slice(dim + 1));
      return Array.from({ length: this._shape[dim] }, (_, i) => build(dim + 1, start + i * inner));
    };
    return build(0, 0);
  }
  toString(): string {
    return formatTensor(this);
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  // ---- Elementwise math --------------------------------------------------------------------
  add(other: TensorLike, options?: { alpha?: number }): Tensor {
    return elementwise.add(this, other, options);
  }
  sub(other: TensorLike, options?: { alpha?: number }): Tensor {
    return elementwise.sub(this, other, options);
  }
  mul(other: TensorLike): Tensor {
    return elementwise.mul(this, other);
  }
  div(other: TensorLike, options?: math.DivOptions): Tensor {
    return options === undefined ? elementwise.div(this, other) : math.div(this, other, options);
  }
  pow(exponent: TensorLike): Tensor {
    return elementwise.pow(this, exponent);
  }
  maximum(other: TensorLike): Tensor {
    return elementwise.maximum(this, other);
  }
  minimum(other: TensorLike): Tensor {
    return elementwise.minimum(this, other);
  }
  neg(): Tensor {
    return elementwise.neg(this);
  }
  abs(): Tensor {
    return elementwise.abs(this);
  }
  sign(): Tensor {
    return elementwise.sign(this);
  }
  exp(): Tensor {
    return elementwise.exp(this);
  }
  expm1(): Tensor {
    return elementwise.expm1(this);
  }
  log(): Tensor {
    return elementwise.log(this);
  }
  log1p(): Tensor {
    return elementwise.log1p(this);
  }
  sqrt(): Tensor {
    return elementwise.sqrt(this);
  }
  rsqrt(): Tensor {
    return elementwise.rsqrt(this);
  }
  square(): Tensor {
    return elementwise.pow(this, 2);
  }
  reciprocal(): Tensor {
    return elementwise.reciprocal(this);
  }
  sin(): Tensor {
    return elementwise.sin(this);
  }
  cos(): Tensor {
    return elementwise.cos(this);
  }
  tanh(): Tensor {
    return elementwise.tanh(this);
  }
  sigmoid(): Tensor {
    return elementwise.sigmoid(this);
  }
  relu(): Tensor {
    return elementwise.relu(this);
  }
  clamp(min?: number | null, max?: number | null): Tensor;
  clamp(options: { min?: number | null; max?: number | null }): Tensor;
  clamp(
    a?: number | null | { min?: number | null; max?: number | null },
    b?: number | null,
  ): Tensor {
    const [min, max] = clampBounds(a, b);
    return elementwise.clamp(this, min, max);
  }
  clip(min?: number | null, max?: number | null): Tensor {
    return elementwise.clamp(this, min ?? null, max ?? null);
  }
  eq(other: TensorLike): Tensor {
    return elementwise.eq(this, other);
  }
  ne(other: TensorLike): Tensor {
    return elementwise.ne(this, other);
  }
  lt(other: TensorLike): Tensor {
    return elementwise.lt(this, other);
  }
  le(other: TensorLike): Tensor {
    return elementwise.le(this, other);
  }
  gt(other: TensorLike): Tensor {
    return elementwise.gt(this, other);
  }
  ge(other: TensorLike): Tensor {
    return elementwise.ge(this, other);
  }
  isnan(): Tensor {
    return elementwise.isnan(this);
  }
  isinf(): Tensor {
    return elementwise.isinf(this);
  }
  isfinite(): Tensor {
    return elementwise.isfinite(this);
  }
  /** Same shape and elements (`torch.equal`). */
  equal(other: Tensor): boolean {
    return compare.equal(this, other);
  }
  allclose(other: Tensor, options?: { rtol?: number; atol?: number; equalNan?: boolean }): boolean {
    return compare.allclose(this, other, options);
  }

  // ---- Reductions --------------------------------------------------------------------------
  // Every reduction takes `dim` as a number, a list, null or omitted, and `keepdim` positionally
  // or as `{ keepdim }`; `{ dim, keepdim }` alone works too (the calling conventions).
  sum(dim?: reductions.DimOrOptions, keepdim?: reductions.KeepdimOrOptions): Tensor {
    return reductions.sum(this, dim, keepdim);
  }
  mean(dim?: reductions.DimOrOptions, keepdim?: reductions.KeepdimOrOptions): Tensor {
    return reductions.mean(this, dim, keepdim);
  }
  prod(
    dim?: number | null | reductions.ReduceOptions,
    keepdim?: reductions.KeepdimOrOptions,
  ): Tensor {
    return reductions.prod(this, dim, keepdim);
  }
  /** Without `dim`: the maximum element. With `dim`: `{ values, indices }` like PyTorch. */
  max(): Tensor;
  max(
    dim: number | reductions.ReduceOptions,
    keepdim?: reductions.KeepdimOrOptions,
  ): reductions.ValuesIndices;
  max(other: Tensor): Tensor;
  max(
    dim?: number | Tensor | null | reductions.ReduceOptions,
    keepdim?: reductions.KeepdimOrOptions,
  ): Tensor | reductions.ValuesIndices {
    return compare.max(this, dim as number, keepdim);
  }
  min(): Tensor;
  min(
    dim: number | reductions.ReduceOptions,
    keepdim?: reductions.KeepdimOrOptions,
  ): reductions.ValuesIndices;
  min(other: Tensor): Tensor;
  min(
    dim?: number | Tensor | null | reductions.ReduceOptions,
    keepdim?: reductions.KeepdimOrOptions,
  ): Tensor | reductions.ValuesIndices {
    return compare.min(this, dim as number, keepdim);
  }
  amax(dim?: reductions.DimOrOptions, keepdim?: reductions.KeepdimOrOptions): Tensor {
    return reductions.amax(this, dim, keepdim);
  }
  amin(dim?: reductions.DimOrOptions, keepdim?: reductions.KeepdimOrOptions): Tensor {
    return reductions.amin(this, dim, keepdim);
  }
  argmax(
    dim?: number | null | reductions.ReduceOptions,
    keepdim?: reductions.KeepdimOrOptions,
  ): Tensor {
    return reductions.argmax(this, dim, keepdim);
  }
  argmin(
    dim?: number | null | reductions.ReduceOptions,
    keepdim?: reductions.KeepdimOrOptions,
  ): Tensor {
    return reductions.argmin(this, dim, keepdim);
  }
  /** `var()`, `var(unbiased)`, `var(dim, unbiased?, keepdim?)`, `var(dim?, { correction, keepdim })`. */
  var(
    dim?: reductions.DimOrOptions<reductions.VarOptions> | boolean,
    options?: boolean | reductions.VarOptions,
    keepdim?: boolean,
  ): Tensor {
    return reductions.variance(this, dim, options, keepdim);
  }
  std(
    dim?: reductions.DimOrOptions<reductions.VarOptions> | boolean,
    options?: boolean | reductions.VarOptions,
    keepdim?: boolean,
  ): Tensor {
    return reductions.std(this, dim, options, keepdim);
  }
  /** Vector norm like `torch.linalg.vector_norm`: p = 2, 1, any real, `Infinity`, `-Infinity`, 0. */
  norm(
    p?: number | 'fro' | null | reductions.NormOptions,
    dim?: reductions.DimOrOptions<reductions.NormOptions>,
    keepdim?: reductions.KeepdimOrOptions<reductions.NormOptions>,
  ): Tensor {
    return reductions.norm(this, p, dim, keepdim);
  }
  logsumexp(dim: DimArg | reductions.ReduceOptions, keepdim?: reductions.KeepdimOrOptions): Tensor {
    return reductions.logsumexp(this, dim, keepdim);
  }

  // ---- Linear algebra ----------------------------------------------------------------------
  matmul(other: Tensor): Tensor {
    return linalg.matmul(this, other);
  }
  mm(other: Tensor): Tensor {
    return linalg.mm(this, other);
  }
  bmm(other: Tensor): Tensor {
    return linalg.bmm(this, other);
  }
  dot(other: Tensor): Tensor {
    return linalg.dot(this, other);
  }
  outer(other: Tensor): Tensor {
    return linalg.outer(this, other);
  }

  // ---- Views and copies --------------------------------------------------------------------
  view(...shape: Array<number | readonly number[]>): Tensor {
    return views.view(this, shape);
  }
  reshape(...shape: Array<number | readonly number[]>): Tensor {
    return views.reshape(this, shape);
  }
  viewAs(other: Tensor): Tensor {
    return views.view(this, [other.shape]);
  }
  reshapeAs(other: Tensor): Tensor {
    return views.reshape(this, [other.shape]);
  }
  transpose(dim0: number, dim1: number): Tensor {
    return views.transpose(this, dim0, dim1);
  }
  t(): Tensor {
    return views.t(this);
  }
  get T(): Tensor {
    return views.permute(
      this,
      this._shape.map((_, i) => this._shape.length - 1 - i),
    );
  }
  permute(...dims: Array<number | readonly number[]>): Tensor {
    return views.permute(this, flattenArgs(dims));
  }
  unsqueeze(dim: number): Tensor {
    return views.unsqueeze(this, dim);
  }
  squeeze(dim?: DimArg): Tensor {
    return views.squeeze(this, dim);
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return views.flatten(this, startDim, endDim);
  }
  expand(...shape: Array<number | readonly number[]>): Tensor {
    return views.expand(this, flattenArgs(shape));
  }
  expandAs(other: Tensor): Tensor {
    return views.expand(this, other.shape);
  }
  select(dim: number, index: number): Tensor {
    return views.select(this, dim, index);
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return views.narrow(this, dim, start, length);
  }
  /** Python's `t[start:end:step]` along `dim`. */
  slice(dim: number, start?: number | null, end?: number | null, step = 1): Tensor {
    return views.slice(this, dim, start ?? null, end ?? null, step);
  }
  unbind(dim = 0): Tensor[] {
    return views.unbind(this, dim);
  }
  /** Views of `sizeOrSizes` elements along `dim`, or of exactly the listed sizes. */
  split(sizeOrSizes: number | readonly number[], dim = 0): Tensor[] {
    return views.split(this, sizeOrSizes, dim);
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return views.chunk(this, chunks, dim);
  }
  contiguous(): Tensor {
    return views.contiguous(this);
  }
  clone(options?: views.CloneOptions): Tensor {
    return views.clone(this, options);
  }
  onesLike(): Tensor {
    return Tensor._fromData(new Float32Array(this.numel()).fill(1), this._shape);
  }

  // ---- In place ----------------------------------------------------------------------------
  add_(other: TensorLike, options?: { alpha?: number }): this {
    return inplace.add_(this, other, options);
  }
  sub_(other: TensorLike, options?: { alpha?: number }): this {
    return inplace.sub_(this, other, options);
  }
  mul_(other: TensorLike): this {
    return inplace.mul_(this, other);
  }
  div_(other: TensorLike): this {
    return inplace.div_(this, other);
  }
  pow_(exponent: TensorLike): this {
    return inplace.pow_(this, exponent);
  }
  neg_(): this {
    return inplace.neg_(this);
  }
  abs_(): this {
    return inplace.abs_(this);
  }
  exp_(): this {
    return inplace.exp_(this);
  }
  sqrt_(): this {
    return inplace.sqrt_(this);
  }
  relu_(): this {
    return inplace.relu_(this);
  }
  clamp_(min?: number | null, max?: number | null): this;
  clamp_(options: { min?: number | null; max?: number | null }): this;
  clamp_(
    a?: number | null | { min?: number | null; max?: number | null },
    b?: number | null,
  ): this {
    const [min, max] = clampBounds(a, b);
    return inplace.clamp_(this, min, max);
  }
  copy_(src: TensorLike): this {
    return inplace.copy_(this, src);
  }
  zero_(): this {
    return inplace.fill_(this, 0);
  }
  fill_(value: number): this {
    return inplace.fill_(this, value);
  }
  uniform_(from = 0, to = 1, options?: RandomOptions): this {
    return uniformInPlace(this, from, to, options);
  }
  normal_(mean = 0, std = 1, options?: RandomOptions): this {
    return normalInPlace(this, mean, std, options);
  }

  // ==== methods: ops-math ====
  tan(): Tensor {
    return math.tan(this);
  }
  asin(): Tensor {
    return math.asin(this);
  }
  acos(): Tensor {
    return math.acos(this);
  }
  atan(): Tensor {
    return math.atan(this);
  }
  sinh(): Tensor {
    return math.sinh(this);
  }
  cosh(): Tensor {
    return math.cosh(this);
  }
  asinh(): Tensor {
    return math.asinh(this);
  }
  acosh(): Tensor {
    return math.acosh(this);
  }
  atanh(): Tensor {
    return math.atanh(this);
  }
  log2(): Tensor {
    return math.log2(this);
  }
  log10(): Tensor {
    return math.log10(this);
  }
  exp2(): Tensor {
    return math.exp2(this);
  }
  floor(): Tensor {
    return math.floor(this);
  }
  ceil(): Tensor {
    return math.ceil(this);
  }
  /** Half to even; `round({ decimals })` (or `round(decimals)`) rounds to decimal places. */
  round(options?: math.RoundOptions | number): Tensor {
    return math.round(this, options);
  }
  trunc(): Tensor {
    return math.trunc(this);
  }
  frac(): Tensor {
    return math.frac(this);
  }
  erf(): Tensor {
    return math.erf(this);
  }
  erfinv(): Tensor {
    return math.erfinv(this);
  }
  /** `log(x / (1 - x))`, with the input clamped to `[eps, 1 - eps]` when `eps` is given. */
  logit(eps?: number | null | { eps?: number | null }): Tensor {
    return math.logit(this, eps);
  }
  remainder(other: TensorLike): Tensor {
    return math.remainder(this, other);
  }
  fmod(other: TensorLike): Tensor {
    return math.fmod(this, other);
  }
  atan2(other: TensorLike): Tensor {
    return math.atan2(this, other);
  }
  hypot(other: TensorLike): Tensor {
    return math.hypot(this, other);
  }
  lerp(end: Tensor, weight: TensorLike): Tensor {
    return math.lerp(this, end, weight);
  }
  floorDivide(other: TensorLike): Tensor {
    return math.floorDivide(this, other);
  }
  clampMin(min: TensorLike): Tensor {
    return math.clampMin(this, min);
  }
  clampMax(max: TensorLike): Tensor {
    return math.clampMax(this, max);
  }
  cumsum(dim: number): Tensor {
    return math.cumsum(this, dim);
  }
  cumprod(dim: number): Tensor {
    return math.cumprod(this, dim);
  }
  cummax(dim: number): reductions.ValuesIndices {
    return math.cummax(this, dim);
  }
  cummin(dim: number): reductions.ValuesIndices {
    return math.cummin(this, dim);
  }
  logcumsumexp(dim: number): Tensor {
    return math.logcumsumexp(this, dim);
  }
  all(dim?: reductions.DimOrOptions, keepdim?: reductions.KeepdimOrOptions): Tensor {
    return math.all(this, dim, keepdim);
  }
  any(dim?: reductions.DimOrOptions, keepdim?: reductions.KeepdimOrOptions): Tensor {
    return math.any(this, dim, keepdim);
  }
  isclose(other: TensorLike, options?: math.IscloseOptions): Tensor {
    return math.isclose(this, other, options);
  }
  /** Without `dim`: the lower median. With `dim`: `{ values, indices }`. */
  median(): Tensor;
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
  mode(
    dim?: number | reductions.ReduceOptions,
    keepdim?: reductions.KeepdimOrOptions,
  ): reductions.ValuesIndices {
    return math.mode(this, dim, keepdim);
  }
  sort(dim?: number | math.SortOptions, descending?: boolean): reductions.ValuesIndices {
    return math.sort(this, dim, descending);
  }
  argsort(dim?: number | math.SortOptions, descending?: boolean): Tensor {
    return math.argsort(this, dim, descending);
  }
  topk(
    k: number,
    dim?: number | math.TopkOptions,
    largest?: boolean,
    sorted?: boolean,
  ): reductions.ValuesIndices {
    return math.topk(this, k, dim, largest, sorted);
  }
  kthvalue(
    k: number,
    dim?: number | { dim?: number; keepdim?: boolean },
    keepdim?: boolean,
  ): reductions.ValuesIndices {
    return math.kthvalue(this, k, dim, keepdim);
  }
  unique(options?: math.UniqueOptions & { returnInverse?: false; returnCounts?: false }): Tensor;
  unique(options: math.UniqueOptions): Tensor | math.UniqueResult;
  unique(options?: math.UniqueOptions): Tensor | math.UniqueResult {
    return options === undefined ? math.unique(this) : math.unique(this, options);
  }
  // ==== end ops-math ====

  // ==== methods: ops-shape-index ====
  /** Reverses the order of elements along `dims` (a copy). */
  flip(...dims: Array<number | readonly number[]>): Tensor {
    return shapeIndex.flip(this, flattenArgs(dims));
  }
  /** Rolls elements along `dims` by `shifts` with wrap-around (flattened when dims is omitted). */
  roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
    return shapeIndex.roll(this, shifts, dims);
  }
  /** Repeats the tensor `sizes[i]` times along each dim (`Tensor.repeat`). */
  repeat(...sizes: Array<number | readonly number[]>): Tensor {
    return shapeIndex.repeat(this, flattenArgs(sizes));
  }
  /** `torch.tile`: repeat with missing leading repetitions taken as 1. */
  tile(...dims: Array<number | readonly number[]>): Tensor {
    return shapeIndex.tile(this, flattenArgs(dims));
  }
  /** The lower triangle of the last two dims, from diagonal `diagonal` down (default 0). */
  tril(diagonal = 0): Tensor {
    return shapeIndex.tril(this, diagonal);
  }
  /** The upper triangle of the last two dims, from diagonal `diagonal` up (default 0). */
  triu(diagonal = 0): Tensor {
    return shapeIndex.triu(this, diagonal);
  }
  /** A view of a diagonal: `diagonal(offset, dim1, dim2)` or `diagonal({ offset, dim1, dim2 })`. */
  diagonal(offset?: number | shapeIndex.DiagonalOptions, dim1?: number, dim2?: number): Tensor {
    return shapeIndex.diagonal(this, offset, dim1, dim2);
  }
  /** `torch.diag`: vector to diagonal matrix, or matrix to a copy of its diagonal. */
  diag(diagonal = 0): Tensor {
    return shapeIndex.diag(this, diagonal);
  }
  /** Moves dims `source` to `destination` (a view). */
  movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor {
    return shapeIndex.movedim(this, source, destination);
  }
  /** Alias of `movedim`. */
  moveaxis(source: number | readonly number[], destination: number | readonly number[]): Tensor {
    return shapeIndex.movedim(this, source, destination);
  }
  /** Swaps two dims (a view, like transpose). */
  swapaxes(axis0: number, axis1: number): Tensor {
    return shapeIndex.swapaxes(this, axis0, axis1);
  }
  /** Alias of `swapaxes`. */
  swapdims(dim0: number, dim1: number): Tensor {
    return shapeIndex.swapaxes(this, dim0, dim1);
  }
  /** Splits dim `dim` into `sizes` (a view; one size may be -1). */
  unflatten(dim: number, sizes: readonly number[]): Tensor {
    return shapeIndex.unflatten(this, dim, sizes);
  }
  /** The slices along `dim` at the integers of `index` (a copy). */
  indexSelect(dim: number, index: Tensor | readonly number[]): Tensor {
    return shapeIndex.indexSelect(this, dim, index);
  }
  /** `torch.gather`: values along `dim` at `index` (index's shape). */
  gather(dim: number, index: Tensor | readonly unknown[]): Tensor {
    return shapeIndex.gather(this, dim, index);
  }
  /** `torch.scatter`: a copy with `src` (Tensor or number) written at `index` along `dim`. */
  scatter(
    dim: number,
    index: Tensor | readonly unknown[],
    src: TensorLike,
    options?: shapeIndex.ScatterOptions,
  ): Tensor {
    return shapeIndex.scatter(this, dim, index, src, options);
  }
  /** In-place `scatter`. */
  scatter_(
    dim: number,
    index: Tensor | readonly unknown[],
    src: TensorLike,
    options?: shapeIndex.ScatterOptions,
  ): this {
    return inplace.copy_(this, shapeIndex.scatter(this, dim, index, src, options));
  }
  /** `torch.scatter_add`: a copy with `src` added at `index` along `dim` (duplicates add up). */
  scatterAdd(dim: number, index: Tensor | readonly unknown[], src: Tensor): Tensor {
    return shapeIndex.scatterAdd(this, dim, index, src);
  }
  /** In-place `scatterAdd`. */
  scatterAdd_(dim: number, index: Tensor | readonly unknown[], src: Tensor): this {
    return inplace.copy_(this, shapeIndex.scatterAdd(this, dim, index, src));
  }
  /** `value` where `mask` is nonzero, this tensor elsewhere. */
  maskedFill(mask: Tensor, value: TensorLike): Tensor {
    return shapeIndex.maskedFill(this, mask, value);
  }
  /** In-place `maskedFill` (the mask must broadcast to this tensor's shape). */
  maskedFill_(mask: Tensor, value: TensorLike): this {
    return inplace.copy_(this, shapeIndex.maskedFill(this, mask, value));
  }
  /** The elements where `mask` is nonzero, as a 1-D tensor. */
  maskedSelect(mask: Tensor): Tensor {
    return shapeIndex.maskedSelect(this, mask);
  }
  /** `Tensor.where`: this tensor where `condition` is nonzero, `other` elsewhere. */
  where(condition: TensorLike, other: TensorLike): Tensor {
    return elementwise.where(condition, this, other);
  }
  /**
   * Python's `t[items]`: numbers, `null`, `'...'`, slice strings (`':'`, `'1:5'`, `'::2'`),
   * integer Tensors/arrays (advanced indexing) and boolean arrays (masks). Basic items give views,
   * advanced ones copies.
   */
  index(...items: shapeIndex.IndexItem[]): Tensor {
    return shapeIndex.index(this, ...items);
  }
  /** Python's `t[items] = value` in place; `accumulate` adds (duplicates add up). */
  indexPut_(
    items: readonly shapeIndex.IndexItem[] | Tensor,
    value: TensorLike,
    options?: shapeIndex.IndexPutOptions,
  ): this {
    return shapeIndex.indexPut_(this, items, value, options);
  }
  /** Out-of-place `indexPut_` (`torch.index_put`). */
  indexPut(
    items: readonly shapeIndex.IndexItem[] | Tensor,
    value: TensorLike,
    options?: shapeIndex.IndexPutOptions,
  ): Tensor {
    return shapeIndex.indexPut(this, items, value, options);
  }
  /** `beta * this + alpha * (mat1 @ mat2)`. */
  addmm(mat1: Tensor, mat2: Tensor, options?: shapeIndex.AddProductOptions): Tensor {
    return shapeIndex.addmm(this, mat1, mat2, options);
  }
  /** `beta * this + alpha * (batch1 @ batch2)` per batch. */
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
    return this._storage.data.subarray(this._offset, this._offset + this.numel());
  }
  // ==== end hardening ====

  // ==== methods: clipping ====
  // ==== end clipping ====
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
  shape: number[];
  data: Array<number | 'nan' | 'inf' | '-inf'>;
}

/** Held by every tensor so that `structuredClone(tensor)` throws, naming this function. */
function structuredCloneOfATensorIsUnsupportedUseToFloat32ArrayOrToJSON(): void {}

/** Describes a bad argument for an error message. */
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

/** Throws a TypeError naming the op and what it got, unless `value` is a Tensor. */
export function assertTensor(
  value: unknown,
  op: string,
  what = 'a Tensor',
): asserts value is Tensor {
  if (!(value instanceof Tensor))
    throw new TypeError(`${op}: expected ${what}, got ${describe(value)}`);
}

export function isTensor(value: unknown): value is Tensor {
  return value instanceof Tensor;
}

export type { Shape };
