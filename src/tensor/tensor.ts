import type { GradHook, Node } from '../autograd/node.js';
import { runBackward, type BackwardOptions } from '../autograd/engine.js';
import { isGradEnabled } from '../autograd/grad-mode.js';
import * as E from '../ops/elementwise.js';
import * as R from '../ops/reduce.js';
import * as V from '../ops/views.js';
import * as L from '../ops/linalg.js';
import * as I from '../ops/inplace.js';
import * as C from '../ops/compare.js';
import { uniformInPlace, normalInPlace, type RandomOptions } from '../random/sampling.js';
import { formatTensor } from './format.js';
import {
  contiguousStrides,
  formatShape,
  normalizeDim,
  numelOf,
  sameShape,
  type Shape,
} from './shape.js';
import { Storage } from './storage.js';
import { viewNode, windowOf } from '../ops/view-history.js';
import { gather, isContiguousLayout, type View } from './kernels/strided.js';

/** A tensor or a plain number, accepted wherever PyTorch accepts a Python scalar. */
export type TensorLike = Tensor | number;

/** Nested arrays of numbers, as `tolist()` returns them. */
export type NestedArray = number | NestedArray[];

export type DimArg = number | readonly number[];

/**
 * An n-dimensional float32 array with autograd. Views share storage with their base; the
 * storage's version counter tracks in-place writes for autograd's safety checks.
 */
export class Tensor implements View {
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
  /** A detached tensor sharing this tensor's storage, as PyTorch's `.data`. */
  get data(): Tensor {
    return this._alias();
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

  backward(gradient?: TensorLike, options?: BackwardOptions): void {
    const g =
      gradient === undefined
        ? undefined
        : gradient instanceof Tensor
          ? gradient
          : E.scalar(gradient);
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
  div(other: TensorLike): Tensor {
    return E.div(this, other);
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
  sum(dim?: DimArg, keepdim = false): Tensor {
    return R.sum(this, dim, keepdim);
  }
  mean(dim?: DimArg, keepdim = false): Tensor {
    return R.mean(this, dim, keepdim);
  }
  prod(dim?: number, keepdim = false): Tensor {
    return R.prod(this, dim, keepdim);
  }
  /** Without `dim`: the maximum element. With `dim`: `{ values, indices }` like PyTorch. */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): R.ValuesIndices;
  max(other: Tensor): Tensor;
  max(dim?: number | Tensor, keepdim = false): Tensor | R.ValuesIndices {
    return C.max(this, dim as number, keepdim);
  }
  min(): Tensor;
  min(dim: number, keepdim?: boolean): R.ValuesIndices;
  min(other: Tensor): Tensor;
  min(dim?: number | Tensor, keepdim = false): Tensor | R.ValuesIndices {
    return C.min(this, dim as number, keepdim);
  }
  amax(dim?: DimArg, keepdim = false): Tensor {
    return R.amax(this, dim, keepdim);
  }
  amin(dim?: DimArg, keepdim = false): Tensor {
    return R.amin(this, dim, keepdim);
  }
  argmax(dim?: number, keepdim = false): Tensor {
    return R.argmax(this, dim, keepdim);
  }
  argmin(dim?: number, keepdim = false): Tensor {
    return R.argmin(this, dim, keepdim);
  }
  var(dim?: DimArg, options?: R.VarOptions): Tensor {
    return R.variance(this, dim, options);
  }
  std(dim?: DimArg, options?: R.VarOptions): Tensor {
    return R.std(this, dim, options);
  }
  /** Vector norm like `torch.linalg.vector_norm`: p = 2, 1, any real, `Infinity`, `-Infinity`, 0. */
  norm(p: number | 'fro' = 2, dim?: DimArg, keepdim = false): Tensor {
    return R.norm(this, p === 'fro' ? 2 : p, dim, keepdim);
  }
  logsumexp(dim: DimArg, keepdim = false): Tensor {
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
  /** Python's `t[i]`: selects along dim 0. */
  index(i: number): Tensor {
    return V.select(this, 0, i);
  }
  unbind(dim = 0): Tensor[] {
    return V.unbind(this, dim);
  }
  split(splitSize: number, dim = 0): Tensor[] {
    return V.split(this, splitSize, dim);
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return V.chunk(this, chunks, dim);
  }
  contiguous(): Tensor {
    return V.contiguous(this);
  }
  clone(): Tensor {
    return V.clone(this);
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
  // ==== end ops-math ====

  // ==== methods: ops-shape-index ====
  // ==== end ops-shape-index ====

  // ==== methods: nn-functional ====
  // ==== end nn-functional ====

  // ==== methods: activations-losses ====
  // ==== end activations-losses ====

  // ==== methods: hardening ====
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
