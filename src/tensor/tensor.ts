import type { GradHook, Node } from '../autograd/node.js';
import { runBackward, type BackwardOptions } from '../autograd/engine.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import * as E from '../ops/elementwise.js';
import * as R from '../ops/reduce.js';
import * as V from '../ops/views.js';
import * as L from '../ops/linalg.js';
import * as I from '../ops/inplace.js';
import * as C from '../ops/compare.js';
import * as SM from '../ops/softmax.js';
import * as SI from '../ops/shape-index.js';
import * as M from '../ops/math.js';
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
    else if (typeof gradient === 'number') g = E.scalar(gradient);
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
    return E.add(this, other, options);
  }
  sub(other: TensorLike, options?: { alpha?: number }): Tensor {
    return E.sub(this, other, options);
  }
  mul(other: TensorLike): Tensor {
    return E.mul(this, other);
  }
  div(other: TensorLike, options?: M.DivOptions): Tensor {
    return options === undefined ? E.div(this, other) : M.div(this, other, options);
  }
  pow(exponent: TensorLike): Tensor {
    return E.pow(this, exponent);
  }
  maximum(other: TensorLike): Tensor {
    return E.maximum(this, other);
  }
  minimum(other: TensorLike): Tensor {
    return E.minimum(this, other);
  }
  neg(): Tensor {
    return E.neg(this);
  }
  abs(): Tensor {
    return E.abs(this);
  }
  sign(): Tensor {
    return E.sign(this);
  }
  exp(): Tensor {
    return E.exp(this);
  }
  expm1(): Tensor {
    return E.expm1(this);
  }
  log(): Tensor {
    return E.log(this);
  }
  log1p(): Tensor {
    return E.log1p(this);
  }
  sqrt(): Tensor {
    return E.sqrt(this);
  }
  rsqrt(): Tensor {
    return E.rsqrt(this);
  }
  square(): Tensor {
    return E.pow(this, 2);
  }
  reciprocal(): Tensor {
    return E.reciprocal(this);
  }
  sin(): Tensor {
    return E.sin(this);
  }
  cos(): Tensor {
    return E.cos(this);
  }
  tanh(): Tensor {
    return E.tanh(this);
  }
  sigmoid(): Tensor {
    return E.sigmoid(this);
  }
  relu(): Tensor {
    return E.relu(this);
  }
  clamp(min?: number | null, max?: number | null): Tensor;
  clamp(options: { min?: number | null; max?: number | null }): Tensor;
  clamp(
    a?: number | null | { min?: number | null; max?: number | null },
    b?: number | null,
  ): Tensor {
    const [min, max] = clampBounds(a, b);
    return E.clamp(this, min, max);
  }
  clip(min?: number | null, max?: number | null): Tensor {
    return E.clamp(this, min ?? null, max ?? null);
  }
  eq(other: TensorLike): Tensor {
    return E.eq(this, other);
  }
  ne(other: TensorLike): Tensor {
    return E.ne(this, other);
  }
  lt(other: TensorLike): Tensor {
    return E.lt(this, other);
  }
  le(other: TensorLike): Tensor {
    return E.le(this, other);
  }
  gt(other: TensorLike): Tensor {
    return E.gt(this, other);
  }
  ge(other: TensorLike): Tensor {
    return E.ge(this, other);
  }
  isnan(): Tensor {
    return E.isnan(this);
  }
  isinf(): Tensor {
    return E.isinf(this);
  }
  isfinite(): Tensor {
    return E.isfinite(this);
  }
  /** Same shape and elements (`torch.equal`). */
  equal(other: Tensor): boolean {
    return C.equal(this, other);
  }
  allclose(other: Tensor, options?: { rtol?: number; atol?: number; equalNan?: boolean }): boolean {
    return C.allclose(this, other, options);
  }

  // ---- Reductions --------------------------------------------------------------------------
  // Every reduction takes `dim` as a number, a list, null or omitted, and `keepdim` positionally
  // or as `{ keepdim }`; `{ dim, keepdim }` alone works too (the calling conventions).
  sum(dim?: R.DimOrOptions, keepdim?: R.KeepdimOrOptions): Tensor {
    return R.sum(this, dim, keepdim);
  }
  mean(dim?: R.DimOrOptions, keepdim?: R.KeepdimOrOptions): Tensor {
    return R.mean(this, dim, keepdim);
  }
  prod(dim?: number | null | R.ReduceOptions, keepdim?: R.KeepdimOrOptions): Tensor {
    return R.prod(this, dim, keepdim);
  }
  /** Without `dim`: the maximum element. With `dim`: `{ values, indices }` like PyTorch. */
  max(): Tensor;
  max(dim: number | R.ReduceOptions, keepdim?: R.KeepdimOrOptions): R.ValuesIndices;
  max(other: Tensor): Tensor;
  max(
    dim?: number | Tensor | null | R.ReduceOptions,
    keepdim?: R.KeepdimOrOptions,
  ): Tensor | R.ValuesIndices {
    return C.max(this, dim as number, keepdim);
  }
  min(): Tensor;
  min(dim: number | R.ReduceOptions, keepdim?: R.KeepdimOrOptions): R.ValuesIndices;
  min(other: Tensor): Tensor;
  min(
    dim?: number | Tensor | null | R.ReduceOptions,
    keepdim?: R.KeepdimOrOptions,
  ): Tensor | R.ValuesIndices {
    return C.min(this, dim as number, keepdim);
  }
  amax(dim?: R.DimOrOptions, keepdim?: R.KeepdimOrOptions): Tensor {
    return R.amax(this, dim, keepdim);
  }
  amin(dim?: R.DimOrOptions, keepdim?: R.KeepdimOrOptions): Tensor {
    return R.amin(this, dim, keepdim);
  }
  argmax(dim?: number | null | R.ReduceOptions, keepdim?: R.KeepdimOrOptions): Tensor {
    return R.argmax(this, dim, keepdim);
  }
  argmin(dim?: number | null | R.ReduceOptions, keepdim?: R.KeepdimOrOptions): Tensor {
    return R.argmin(this, dim, keepdim);
  }
  /** `var()`, `var(unbiased)`, `var(dim, unbiased?, keepdim?)`, `var(dim?, { correction, keepdim })`. */
  var(
    dim?: R.DimOrOptions<R.VarOptions> | boolean,
    options?: boolean | R.VarOptions,
    keepdim?: boolean,
  ): Tensor {
    return R.variance(this, dim, options, keepdim);
  }
  std(
    dim?: R.DimOrOptions<R.VarOptions> | boolean,
    options?: boolean | R.VarOptions,
    keepdim?: boolean,
  ): Tensor {
    return R.std(this, dim, options, keepdim);
  }
  /** Vector norm like `torch.linalg.vector_norm`: p = 2, 1, any real, `Infinity`, `-Infinity`, 0. */
  norm(
    p?: number | 'fro' | null | R.NormOptions,
    dim?: R.DimOrOptions<R.NormOptions>,
    keepdim?: R.KeepdimOrOptions<R.NormOptions>,
  ): Tensor {
    return R.norm(this, p, dim, keepdim);
  }
  logsumexp(dim: DimArg | R.ReduceOptions, keepdim?: R.KeepdimOrOptions): Tensor {
    return R.logsumexp(this, dim, keepdim);
  }

  // ---- Linear algebra ----------------------------------------------------------------------
  matmul(other: Tensor): Tensor {
    return L.matmul(this, other);
  }
  mm(other: Tensor): Tensor {
    return L.mm(this, other);
  }
  bmm(other: Tensor): Tensor {
    return L.bmm(this, other);
  }
  dot(other: Tensor): Tensor {
    return L.dot(this, other);
  }
  outer(other: Tensor): Tensor {
    return L.outer(this, other);
  }

  // ---- Views and copies --------------------------------------------------------------------
  view(...shape: Array<number | readonly number[]>): Tensor {
    return V.view(this, shape);
  }
  reshape(...shape: Array<number | readonly number[]>): Tensor {
    return V.reshape(this, shape);
  }
  viewAs(other: Tensor): Tensor {
    return V.view(this, [other.shape]);
  }
  reshapeAs(other: Tensor): Tensor {
    return V.reshape(this, [other.shape]);
  }
  transpose(dim0: number, dim1: number): Tensor {
    return V.transpose(this, dim0, dim1);
  }
  t(): Tensor {
    return V.t(this);
  }
  get T(): Tensor {
    return V.permute(
      this,
      this._shape.map((_, i) => this._shape.length - 1 - i),
    );
  }
  permute(...dims: Array<number | readonly number[]>): Tensor {
    return V.permute(this, flattenArgs(dims));
  }
  unsqueeze(dim: number): Tensor {
    return V.unsqueeze(this, dim);
  }
  squeeze(dim?: DimArg): Tensor {
    return V.squeeze(this, dim);
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return V.flatten(this, startDim, endDim);
  }
  expand(...shape: Array<number | readonly number[]>): Tensor {
    return V.expand(this, flattenArgs(shape));
  }
  expandAs(other: Tensor): Tensor {
    return V.expand(this, other.shape);
  }
  select(dim: number, index: number): Tensor {
    return V.select(this, dim, index);
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return V.narrow(this, dim, start, length);
  }
  /** Python's `t[start:end:step]` along `dim`. */
  slice(dim: number, start?: number | null, end?: number | null, step = 1): Tensor {
    return V.slice(this, dim, start ?? null, end ?? null, step);
  }
  unbind(dim = 0): Tensor[] {
    return V.unbind(this, dim);
  }
  /** Views of `sizeOrSizes` elements along `dim`, or of exactly the listed sizes. */
  split(sizeOrSizes: number | readonly number[], dim = 0): Tensor[] {
    return V.split(this, sizeOrSizes, dim);
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return V.chunk(this, chunks, dim);
  }
  contiguous(): Tensor {
    return V.contiguous(this);
  }
  clone(options?: V.CloneOptions): Tensor {
    return V.clone(this, options);
  }
  onesLike(): Tensor {
    return Tensor._fromData(new Float32Array(this.numel()).fill(1), this._shape);
  }

  // ---- In place ----------------------------------------------------------------------------
  add_(other: TensorLike, options?: { alpha?: number }): this {
    return I.add_(this, other, options);
  }
  sub_(other: TensorLike, options?: { alpha?: number }): this {
    return I.sub_(this, other, options);
  }
  mul_(other: TensorLike): this {
    return I.mul_(this, other);
  }
  div_(other: TensorLike): this {
    return I.div_(this, other);
  }
  pow_(exponent: TensorLike): this {
    return I.pow_(this, exponent);
  }
  neg_(): this {
    return I.neg_(this);
  }
  abs_(): this {
    return I.abs_(this);
  }
  exp_(): this {
    return I.exp_(this);
  }
  sqrt_(): this {
    return I.sqrt_(this);
  }
  relu_(): this {
    return I.relu_(this);
  }
  clamp_(min?: number | null, max?: number | null): this;
  clamp_(options: { min?: number | null; max?: number | null }): this;
  clamp_(
    a?: number | null | { min?: number | null; max?: number | null },
    b?: number | null,
  ): this {
    const [min, max] = clampBounds(a, b);
    return I.clamp_(this, min, max);
  }
  copy_(src: TensorLike): this {
    return I.copy_(this, src);
  }
  zero_(): this {
    return I.fill_(this, 0);
  }
  fill_(value: number): this {
    return I.fill_(this, value);
  }
  uniform_(from = 0, to = 1, options?: RandomOptions): this {
    return uniformInPlace(this, from, to, options);
  }
  normal_(mean = 0, std = 1, options?: RandomOptions): this {
    return normalInPlace(this, mean, std, options);
  }

  // ==== methods: ops-math ====
  tan(): Tensor {
    return M.tan(this);
  }
  asin(): Tensor {
    return M.asin(this);
  }
  acos(): Tensor {
    return M.acos(this);
  }
  atan(): Tensor {
    return M.atan(this);
  }
  sinh(): Tensor {
    return M.sinh(this);
  }
  cosh(): Tensor {
    return M.cosh(this);
  }
  asinh(): Tensor {
    return M.asinh(this);
  }
  acosh(): Tensor {
    return M.acosh(this);
  }
  atanh(): Tensor {
    return M.atanh(this);
  }
  log2(): Tensor {
    return M.log2(this);
  }
  log10(): Tensor {
    return M.log10(this);
  }
  exp2(): Tensor {
    return M.exp2(this);
  }
  floor(): Tensor {
    return M.floor(this);
  }
  ceil(): Tensor {
    return M.ceil(this);
  }
  /** Half to even; `round({ decimals })` (or `round(decimals)`) rounds to decimal places. */
  round(options?: M.RoundOptions | number): Tensor {
    return M.round(this, options);
  }
  trunc(): Tensor {
    return M.trunc(this);
  }
  frac(): Tensor {
    return M.frac(this);
  }
  erf(): Tensor {
    return M.erf(this);
  }
  erfinv(): Tensor {
    return M.erfinv(this);
  }
  /** `log(x / (1 - x))`, with the input clamped to `[eps, 1 - eps]` when `eps` is given. */
  logit(eps?: number | null | { eps?: number | null }): Tensor {
    return M.logit(this, eps);
  }
  remainder(other: TensorLike): Tensor {
    return M.remainder(this, other);
  }
  fmod(other: TensorLike): Tensor {
    return M.fmod(this, other);
  }
  atan2(other: TensorLike): Tensor {
    return M.atan2(this, other);
  }
  hypot(other: TensorLike): Tensor {
    return M.hypot(this, other);
  }
  lerp(end: Tensor, weight: TensorLike): Tensor {
    return M.lerp(this, end, weight);
  }
  floorDivide(other: TensorLike): Tensor {
    return M.floorDivide(this, other);
  }
  clampMin(min: TensorLike): Tensor {
    return M.clampMin(this, min);
  }
  clampMax(max: TensorLike): Tensor {
    return M.clampMax(this, max);
  }
  cumsum(dim: number): Tensor {
    return M.cumsum(this, dim);
  }
  cumprod(dim: number): Tensor {
    return M.cumprod(this, dim);
  }
  cummax(dim: number): R.ValuesIndices {
    return M.cummax(this, dim);
  }
  cummin(dim: number): R.ValuesIndices {
    return M.cummin(this, dim);
  }
  logcumsumexp(dim: number): Tensor {
    return M.logcumsumexp(this, dim);
  }
  all(dim?: R.DimOrOptions, keepdim?: R.KeepdimOrOptions): Tensor {
    return M.all(this, dim, keepdim);
  }
  any(dim?: R.DimOrOptions, keepdim?: R.KeepdimOrOptions): Tensor {
    return M.any(this, dim, keepdim);
  }
  isclose(other: TensorLike, options?: M.IscloseOptions): Tensor {
    return M.isclose(this, other, options);
  }
  /** Without `dim`: the lower median. With `dim`: `{ values, indices }`. */
  median(): Tensor;
  median(dim: number | R.ReduceOptions, keepdim?: R.KeepdimOrOptions): R.ValuesIndices;
  median(dim?: number | R.ReduceOptions, keepdim?: R.KeepdimOrOptions): Tensor | R.ValuesIndices {
    return dim === undefined ? M.median(this) : M.median(this, dim, keepdim);
  }
  mode(dim?: number | R.ReduceOptions, keepdim?: R.KeepdimOrOptions): R.ValuesIndices {
    return M.mode(this, dim, keepdim);
  }
  sort(dim?: number | M.SortOptions, descending?: boolean): R.ValuesIndices {
    return M.sort(this, dim, descending);
  }
  argsort(dim?: number | M.SortOptions, descending?: boolean): Tensor {
    return M.argsort(this, dim, descending);
  }
  topk(
    k: number,
    dim?: number | M.TopkOptions,
    largest?: boolean,
    sorted?: boolean,
  ): R.ValuesIndices {
    return M.topk(this, k, dim, largest, sorted);
  }
  kthvalue(
    k: number,
    dim?: number | { dim?: number; keepdim?: boolean },
    keepdim?: boolean,
  ): R.ValuesIndices {
    return M.kthvalue(this, k, dim, keepdim);
  }
  unique(options?: M.UniqueOptions & { returnInverse?: false; returnCounts?: false }): Tensor;
  unique(options: M.UniqueOptions): Tensor | M.UniqueResult;
  unique(options?: M.UniqueOptions): Tensor | M.UniqueResult {
    return options === undefined ? M.unique(this) : M.unique(this, options);
  }
  // ==== end ops-math ====

  // ==== methods: ops-shape-index ====
  /** Reverses the order of elements along `dims` (a copy). */
  flip(...dims: Array<number | readonly number[]>): Tensor {
    return SI.flip(this, flattenArgs(dims));
  }
  /** Rolls elements along `dims` by `shifts` with wrap-around (flattened when dims is omitted). */
  roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
    return SI.roll(this, shifts, dims);
  }
  /** Repeats the tensor `sizes[i]` times along each dim (`Tensor.repeat`). */
  repeat(...sizes: Array<number | readonly number[]>): Tensor {
    return SI.repeat(this, flattenArgs(sizes));
  }
  /** `torch.tile`: repeat with missing leading repetitions taken as 1. */
  tile(...dims: Array<number | readonly number[]>): Tensor {
    return SI.tile(this, flattenArgs(dims));
  }
  /** The lower triangle of the last two dims, from diagonal `diagonal` down (default 0). */
  tril(diagonal = 0): Tensor {
    return SI.tril(this, diagonal);
  }
  /** The upper triangle of the last two dims, from diagonal `diagonal` up (default 0). */
  triu(diagonal = 0): Tensor {
    return SI.triu(this, diagonal);
  }
  /** A view of a diagonal: `diagonal(offset, dim1, dim2)` or `diagonal({ offset, dim1, dim2 })`. */
  diagonal(offset?: number | SI.DiagonalOptions, dim1?: number, dim2?: number): Tensor {
    return SI.diagonal(this, offset, dim1, dim2);
  }
  /** `torch.diag`: vector to diagonal matrix, or matrix to a copy of its diagonal. */
  diag(diagonal = 0): Tensor {
    return SI.diag(this, diagonal);
  }
  /** Moves dims `source` to `destination` (a view). */
  movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor {
    return SI.movedim(this, source, destination);
  }
  /** Alias of `movedim`. */
  moveaxis(source: number | readonly number[], destination: number | readonly number[]): Tensor {
    return SI.movedim(this, source, destination);
  }
  /** Swaps two dims (a view, like transpose). */
  swapaxes(axis0: number, axis1: number): Tensor {
    return SI.swapaxes(this, axis0, axis1);
  }
  /** Alias of `swapaxes`. */
  swapdims(dim0: number, dim1: number): Tensor {
    return SI.swapaxes(this, dim0, dim1);
  }
  /** Splits dim `dim` into `sizes` (a view; one size may be -1). */
  unflatten(dim: number, sizes: readonly number[]): Tensor {
    return SI.unflatten(this, dim, sizes);
  }
  /** The slices along `dim` at the integers of `index` (a copy). */
  indexSelect(dim: number, index: Tensor | readonly number[]): Tensor {
    return SI.indexSelect(this, dim, index);
  }
  /** `torch.gather`: values along `dim` at `index` (index's shape). */
  gather(dim: number, index: Tensor | readonly unknown[]): Tensor {
    return SI.gather(this, dim, index);
  }
  /** `torch.scatter`: a copy with `src` (Tensor or number) written at `index` along `dim`. */
  scatter(
    dim: number,
    index: Tensor | readonly unknown[],
    src: TensorLike,
    options?: SI.ScatterOptions,
  ): Tensor {
    return SI.scatter(this, dim, index, src, options);
  }
  /** In-place `scatter`. */
  scatter_(
    dim: number,
    index: Tensor | readonly unknown[],
    src: TensorLike,
    options?: SI.ScatterOptions,
  ): this {
    return I.copy_(this, SI.scatter(this, dim, index, src, options));
  }
  /** `torch.scatter_add`: a copy with `src` added at `index` along `dim` (duplicates add up). */
  scatterAdd(dim: number, index: Tensor | readonly unknown[], src: Tensor): Tensor {
    return SI.scatterAdd(this, dim, index, src);
  }
  /** In-place `scatterAdd`. */
  scatterAdd_(dim: number, index: Tensor | readonly unknown[], src: Tensor): this {
    return I.copy_(this, SI.scatterAdd(this, dim, index, src));
  }
  /** `value` where `mask` is nonzero, this tensor elsewhere. */
  maskedFill(mask: Tensor, value: TensorLike): Tensor {
    return SI.maskedFill(this, mask, value);
  }
  /** In-place `maskedFill` (the mask must broadcast to this tensor's shape). */
  maskedFill_(mask: Tensor, value: TensorLike): this {
    return I.copy_(this, SI.maskedFill(this, mask, value));
  }
  /** The elements where `mask` is nonzero, as a 1-D tensor. */
  maskedSelect(mask: Tensor): Tensor {
    return SI.maskedSelect(this, mask);
  }
  /** `Tensor.where`: this tensor where `condition` is nonzero, `other` elsewhere. */
  where(condition: TensorLike, other: TensorLike): Tensor {
    return E.where(condition, this, other);
  }
  /**
   * Python's `t[items]`: numbers, `null`, `'...'`, slice strings (`':'`, `'1:5'`, `'::2'`),
   * integer Tensors/arrays (advanced indexing) and boolean arrays (masks). Basic items give views,
   * advanced ones copies.
   */
  index(...items: SI.IndexItem[]): Tensor {
    return SI.index(this, ...items);
  }
  /** Python's `t[items] = value` in place; `accumulate` adds (duplicates add up). */
  indexPut_(
    items: readonly SI.IndexItem[] | Tensor,
    value: TensorLike,
    options?: SI.IndexPutOptions,
  ): this {
    return SI.indexPut_(this, items, value, options);
  }
  /** Out-of-place `indexPut_` (`torch.index_put`). */
  indexPut(
    items: readonly SI.IndexItem[] | Tensor,
    value: TensorLike,
    options?: SI.IndexPutOptions,
  ): Tensor {
    return SI.indexPut(this, items, value, options);
  }
  /** `beta * this + alpha * (mat1 @ mat2)`. */
  addmm(mat1: Tensor, mat2: Tensor, options?: SI.AddProductOptions): Tensor {
    return SI.addmm(this, mat1, mat2, options);
  }
  /** `beta * this + alpha * (batch1 @ batch2)` per batch. */
  baddbmm(batch1: Tensor, batch2: Tensor, options?: SI.AddProductOptions): Tensor {
    return SI.baddbmm(this, batch1, batch2, options);
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
  softmax(dim: SM.SoftmaxDim): Tensor {
    return SM.softmax(this, dim);
  }
  /**
   * Log-softmax along `dim` (PyTorch's `x.log_softmax(dim)`), numerically stable.
   *
   * @param dim - The dim to normalise over, or `{ dim }`.
   * @returns Log-probabilities of this shape.
   * @throws RangeError when `dim` is out of range.
   */
  logSoftmax(dim: SM.SoftmaxDim): Tensor {
    return SM.logSoftmax(this, dim);
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
