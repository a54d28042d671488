/**
 * One module per activation function, with PyTorch's constructor arguments and repr.
 * `inplace` is accepted for ported code; results are always new tensors.
 */
import { Tensor, describe } from '../../tensor/tensor.js';
import { checkOptions } from '../../tensor/options.js';
import { softmax, logSoftmax } from '../../ops/softmax.js';
import { Module } from '../module.js';
import * as A from '../functional/activation.js';
import { pyFloat } from './repr.js';

function inplaceRepr(inplace: boolean): string {
  return inplace ? 'inplace=True' : '';
}

function readInplace(fn: string, options: unknown): boolean {
  return checkOptions<{ inplace?: boolean }>(fn, options, { inplace: 'boolean' }).inplace ?? false;
}

/** Reads a leading scalar given positionally or in an options object. */
function scalarOrOptions<K extends string>(
  fn: string,
  first: unknown,
  rest: unknown,
  keys: readonly K[],
  defaults: readonly number[],
): Record<K, number> & { inplace: boolean } {
  const out = {} as Record<K, number> & { inplace: boolean };
  if (first !== null && typeof first === 'object') {
    const spec: Record<string, string> = { inplace: 'boolean' };
    for (const k of keys) spec[k] = 'number';
    const o = checkOptions<Record<string, number | boolean | undefined>>(fn, first, spec);
    keys.forEach(
      (k, i) => ((out as Record<string, number>)[k] = (o[k] as number | undefined) ?? defaults[i]),
    );
    out.inplace = (o.inplace as boolean | undefined) ?? false;
    return out;
  }
  const positional = [first, ...(Array.isArray(rest) ? rest : [rest])];
  keys.forEach((k, i) => {
    const v = positional[i];
    if (v !== undefined && typeof v !== 'number') {
      throw new TypeError(`${fn}: ${k} must be a number, got ${describe(v)}`);
    }
    (out as Record<string, number>)[k] = v ?? defaults[i];
  });
  const last = positional[keys.length];
  out.inplace = typeof last === 'boolean' ? last : false;
  return out;
}

/** `GELU({ approximate })`: applies `gelu` (`'none'` exact, or `'tanh'`). */
export class GELU extends Module {
  /** `'none'` or `'tanh'`. */
  readonly approximate: 'none' | 'tanh';
  /**
   * Creates a GELU layer, exact (`'none'`) or tanh-approximated, as `nn.GELU(approximate=...)`.
   *
   * @param options - `approximate` (default `'none'`).
   */
  constructor(options: { approximate?: 'none' | 'tanh' } | 'none' | 'tanh' = {}) {
    super();
    const o = typeof options === 'string' ? { approximate: options } : options;
    checkOptions('GELU', o, { approximate: "'none'|'tanh'" });
    this.approximate = o.approximate ?? 'none';
  }
  /**
   * Applies GELU elementwise. Prefer `call(input)`, which also runs hooks.
   *
   * @param input - Any tensor.
   * @returns `gelu(input)`.
   */
  forward(input: Tensor): Tensor {
    return A.gelu(input, { approximate: this.approximate });
  }
  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/** `SiLU()`: `x·σ(x)`. */
export class SiLU extends Module {
  /** Accepted for ported code; has no effect. */
  readonly inplace: boolean;
  /**
   * Creates a SiLU (swish) layer, as `nn.SiLU()`.
   *
   * @param options - `inplace` (ignored).
   */
  constructor(options?: { inplace?: boolean }) {
    super();
    this.inplace = readInplace('SiLU', options);
  }
  /**
   * Applies SiLU (`x · σ(x)`) elementwise. Prefer `call(input)`, which also runs hooks.
   *
   * @param input - Any tensor.
   * @returns `silu(input)`.
   */
  forward(input: Tensor): Tensor {
    return A.silu(input);
  }
  override extraRepr(): string {
    return inplaceRepr(this.inplace);
  }
}

/** `Mish()`: `x·tanh(softplus(x))`. */
export class Mish extends Module {
  /** Accepted for ported code; has no effect. */
  readonly inplace: boolean;
  /**
   * Creates a Mish layer, as `nn.Mish()`.
   *
   * @param options - `inplace` (ignored).
   */
  constructor(options?: { inplace?: boolean }) {
    super();
    this.inplace = readInplace('Mish', options);
  }
  /**
   * Applies Mish (`x · tanh(softplus(x))`) elementwise. Prefer `call(input)`, which also runs
   * hooks.
   *
   * @param input - Any tensor.
   * @returns `mish(input)`.
   */
  forward(input: Tensor): Tensor {
    return A.mish(input);
  }
  override extraRepr(): string {
    return inplaceRepr(this.inplace);
  }
}

/** `ELU(alpha = 1)`. */
export class ELU extends Module {
  /** α. */
  readonly alpha: number;
  /** Accepted for ported code; has no effect. */
  readonly inplace: boolean;
  /**
   * Creates an ELU layer, as `nn.ELU(alpha=1.0)`; α given positionally or as `{ alpha }`.
   *
   * @param alpha - α (default 1), or `{ alpha, inplace }`.
   * @param inplace - Ignored.
   */
  constructor(alpha?: number | { alpha?: number; inplace?: boolean }, inplace?: boolean) {
    super();
    const o = scalarOrOptions('ELU', alpha, inplace, ['alpha'], [1]);
    this.alpha = o.alpha;
    this.inplace = o.inplace;
  }
  /**
   * Applies ELU elementwise. Prefer `call(input)`, which also runs hooks.
   *
   * @param input - Any tensor.
   * @returns `elu(input, alpha)`.
   */
  forward(input: Tensor): Tensor {
    return A.elu(input, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/** `CELU(alpha = 1)`. */
export class CELU extends Module {
  /** α. */
  readonly alpha: number;
  /** Accepted for ported code; has no effect. */
  readonly inplace: boolean;
  /**
   * Creates a CELU layer, as `nn.CELU(alpha=1.0)`; α given positionally or as `{ alpha }`.
   *
   * @param alpha - α (default 1), or `{ alpha, inplace }`.
   * @param inplace - Ignored.
   */
  constructor(alpha?: number | { alpha?: number; inplace?: boolean }, inplace?: boolean) {
    super();
    const o = scalarOrOptions('CELU', alpha, inplace, ['alpha'], [1]);
    this.alpha = o.alpha;
    this.inplace = o.inplace;
  }
  /**
   * Applies CELU elementwise. Prefer `call(input)`, which also runs hooks.
   *
   * @param input - Any tensor.
   * @returns `celu(input, alpha)`.
   */
  forward(input: Tensor): Tensor {
    return A.celu(input, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/** `SELU()`: scaled ELU with PyTorch's constants. */
export class SELU extends Module {
  /** Accepted for ported code; has no effect. */
  readonly inplace: boolean;
  /**
   * Creates a SELU layer, as `nn.SELU()`.
   *
   * @param options - `inplace` (ignored).
   */
  constructor(options?: { inplace?: boolean }) {
    super();
    this.inplace = readInplace('SELU', options);
  }
  /**
   * Applies SELU elementwise. Prefer `call(input)`, which also runs hooks.
   *
   * @param input - Any tensor.
   * @returns `selu(input)`.
   */
  forward(input: Tensor): Tensor {
    return A.selu(input);
  }
  override extraRepr(): string {
    return inplaceRepr(this.inplace);
  }
}

/** `LeakyReLU(negativeSlope = 0.01)`. */
export class LeakyReLU extends Module {
  /** Slope for x ≤ 0. */
  readonly negativeSlope: number;
  /** Accepted for ported code; has no effect. */
  readonly inplace: boolean;
  /**
   * Creates a LeakyReLU layer, as `nn.LeakyReLU(negative_slope=0.01)`.
   *
   * @param negativeSlope - Slope (default 0.01), or `{ negativeSlope, inplace }`.
   * @param inplace - Ignored.
   */
  constructor(
    negativeSlope?: number | { negativeSlope?: number; inplace?: boolean },
    inplace?: boolean,
  ) {
    super();
    const o = scalarOrOptions('LeakyReLU', negativeSlope, inplace, ['negativeSlope'], [0.01]);
    this.negativeSlope = o.negativeSlope;
    this.inplace = o.inplace;
  }
  /**
   * Applies LeakyReLU elementwise. Prefer `call(input)`, which also runs hooks.
   *
   * @param input - Any tensor.
   * @returns `leakyRelu(input, negativeSlope)`.
   */
  forward(input: Tensor): Tensor {
    return A.leakyRelu(input, this.negativeSlope);
  }
  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/** `Hardtanh(minVal = -1, maxVal = 1)`. */
export class Hardtanh extends Module {
  /** Lower bound. */
  readonly minVal: number;
  /** Upper bound. */
  readonly maxVal: number;
  /** Accepted for ported code; has no effect. */
  readonly inplace: boolean;
  /**
   * Creates a Hardtanh layer clamping to [minVal, maxVal], as `nn.Hardtanh(-1.0, 1.0)`.
   *
   * @param minVal - Lower bound (default −1), or `{ minVal, maxVal, inplace }`.
   * @param maxVal - Upper bound (default 1).
   * @param inplace - Ignored.
   * @throws RangeError when `minVal > maxVal`.
   */
  constructor(
    minVal?: number | { minVal?: number; maxVal?: number; inplace?: boolean },
    maxVal?: number,
    inplace?: boolean,
  ) {
    super();
    const o = scalarOrOptions('Hardtanh', minVal, [maxVal, inplace], ['minVal', 'maxVal'], [-1, 1]);
    if (o.minVal > o.maxVal) {
      throw new RangeError(
        `Hardtanh: min_val cannot be greater than max_val, got ${o.minVal} > ${o.maxVal}`,
      );
    }
    this.minVal = o.minVal;
    this.maxVal = o.maxVal;
    this.inplace = o.inplace;
  }
  /**
   * Applies Hardtanh (clamps to [minVal, maxVal]) elementwise. Prefer `call(input)`, which also
   * runs hooks.
   *
   * @param input - Any tensor.
   * @returns `hardtanh(input, minVal, maxVal)`.
   */
  forward(input: Tensor): Tensor {
    return A.hardtanh(input, this.minVal, this.maxVal);
  }
  override extraRepr(): string {
    return `min_val=${pyFloat(this.minVal)}, max_val=${pyFloat(this.maxVal)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

/** `ReLU6()`: `hardtanh(x, 0, 6)`. */
export class ReLU6 extends Hardtanh {
  /**
   * Creates a ReLU6 layer (`min(max(x, 0), 6)`), as `nn.ReLU6()`.
   *
   * @param options - `inplace` (ignored).
   */
  constructor(options?: { inplace?: boolean } | boolean) {
    super(0, 6, typeof options === 'boolean' ? options : readInplace('ReLU6', options));
  }
  override extraRepr(): string {
    return inplaceRepr(this.inplace);
  }
}

/** `Hardsigmoid()`. */
export class Hardsigmoid extends Module {
  /** Accepted for ported code; has no effect. */
  readonly inplace: boolean;
  /**
   * Creates a Hardsigmoid layer, as `nn.Hardsigmoid()`.
   *
   * @param options - `inplace` (ignored).
   */
  constructor(options?: { inplace?: boolean }) {
    super();
    this.inplace = readInplace('Hardsigmoid', options);
  }
  /**
   * Applies Hardsigmoid elementwise. Prefer `call(input)`, which also runs hooks.
   *
   * @param input - Any tensor.
   * @returns `hardsigmoid(input)`.
   */
  forward(input: Tensor): Tensor {
    return A.hardsigmoid(input);
  }
  override extraRepr(): string {
    return inplaceRepr(this.inplace);
  }
}

/** `Hardswish()`. */
export class Hardswish extends Module {
  /** Accepted for ported code; has no effect. */
  readonly inplace: boolean;
  /**
   * Creates a Hardswish layer, as `nn.Hardswish()`.
   *
   * @param options - `inplace` (ignored).
   */
  constructor(options?: { inplace?: boolean }) {
    super();
    this.inplace = readInplace('Hardswish', options);
  }
  /**
   * Applies Hardswish elementwise. Prefer `call(input)`, which also runs hooks.
   *
   * @param input - Any tensor.
   * @returns `hardswish(input)`.
   */
  forward(input: Tensor): Tensor {
    return A.hardswish(input);
  }
  override extraRepr(): string {
    return inplaceRepr(this.inplace);
  }
}

/** `Softplus(beta = 1, threshold = 20)`. */
export class Softplus extends Module {
  /** β. */
  readonly beta: number;
  /** Linear above this value of β·x. */
  readonly threshold: number;
  /**
   * Creates a Softplus layer, as `nn.Softplus(beta=1.0, threshold=20.0)`.
   *
   * @param beta - β (default 1), or `{ beta, threshold }`.
   * @param threshold - Default 20.
   */
  constructor(beta?: number | { beta?: number; threshold?: number }, threshold?: number) {
    super();
    const o = scalarOrOptions('Softplus', beta, threshold, ['beta', 'threshold'], [1, 20]);
    this.beta = o.beta;
    this.threshold = o.threshold;
  }
  /**
   * Applies Softplus elementwise. Prefer `call(input)`, which also runs hooks.
   *
   * @param input - Any tensor.
   * @returns `softplus(input, beta, threshold)`.
   */
  forward(input: Tensor): Tensor {
    return A.softplus(input, this.beta, this.threshold);
  }
  override extraRepr(): string {
    return `beta=${pyFloat(this.beta)}, threshold=${pyFloat(this.threshold)}`;
  }
}

/** `Softsign()`: `x / (1 + |x|)`. */
export class Softsign extends Module {
  /**
   * Applies Softsign (`x / (1 + |x|)`) elementwise. Prefer `call(input)`, which also runs hooks.
   *
   * @param input - Any tensor.
   * @returns `softsign(input)`.
   */
  forward(input: Tensor): Tensor {
    return A.softsign(input);
  }
}

/** `LogSigmoid()`: `log σ(x)`. */
export class LogSigmoid extends Module {
  /**
   * Applies LogSigmoid (`log σ(x)`) elementwise. Prefer `call(input)`, which also runs hooks.
   *
   * @param input - Any tensor.
   * @returns `logsigmoid(input)`.
   */
  forward(input: Tensor): Tensor {
    return A.logsigmoid(input);
  }
}

function readDim(fn: string, dim: unknown, fallback: number | null): number | null {
  if (dim === undefined) return fallback;
  if (dim === null) return null;
  if (typeof dim === 'object') {
    const d = checkOptions<{ dim?: number | null }>(fn, dim, { dim: 'integer|null' }).dim;
    return d === undefined ? fallback : d;
  }
  if (typeof dim !== 'number' || !Number.isInteger(dim)) {
    throw new TypeError(`${fn}: dim must be an integer, got ${describe(dim)}`);
  }
  return dim;
}

/** `GLU(dim = -1)`: `a·σ(b)` over the halves of `dim`. */
export class GLU extends Module {
  /** The dim that is halved. */
  readonly dim: number;
  /**
   * Creates a GLU layer splitting its input in two halves along `dim`, as `nn.GLU(dim=-1)`.
   *
   * @param dim - Default −1 (also `{ dim }`).
   */
  constructor(dim?: number | { dim?: number }) {
    super();
    this.dim = readDim('GLU', dim, -1) ?? -1;
  }
  /**
   * Splits `input` in two halves `a`, `b` along `dim` and returns `a · σ(b)`. Prefer `call(input)`.
   *
   * @param input - Tensor with an even size along `dim`.
   * @returns `glu(input, dim)`.
   */
  forward(input: Tensor): Tensor {
    return A.glu(input, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/**
 * PyTorch's implicit softmax dim (deprecated there): 0 for 0-, 1- and 3-d inputs, else 1.
 */
function implicitDim(ndim: number): number {
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

/** `Softmax(dim)`: rows along `dim` sum to 1. */
export class Softmax extends Module {
  /** The normalised dim (null: PyTorch's deprecated implicit choice). */
  readonly dim: number | null;
  /**
   * Creates a Softmax layer over `dim`, as `nn.Softmax(dim)`.
   *
   * @param dim - The dim (also `{ dim }`).
   */
  constructor(dim?: number | null | { dim?: number | null }) {
    super();
    this.dim = readDim('Softmax', dim, null);
  }
  /**
   * Applies softmax along `dim` (rows sum to 1). Prefer `call(input)`.
   *
   * @param input - Any tensor.
   * @returns `softmax(input, dim)`.
   */
  forward(input: Tensor): Tensor {
    return softmax(input, this.dim ?? implicitDim(input.dim()));
  }
  override extraRepr(): string {
    return `dim=${this.dim ?? 'None'}`;
  }
}

/** `LogSoftmax(dim)`: log-probabilities along `dim`. */
export class LogSoftmax extends Module {
  /** The normalised dim (null: PyTorch's deprecated implicit choice). */
  readonly dim: number | null;
  /**
   * Creates a LogSoftmax layer over `dim`, as `nn.LogSoftmax(dim)`.
   *
   * @param dim - The dim (also `{ dim }`).
   */
  constructor(dim?: number | null | { dim?: number | null }) {
    super();
    this.dim = readDim('LogSoftmax', dim, null);
  }
  /**
   * Applies log-softmax along `dim`. Prefer `call(input)`.
   *
   * @param input - Any tensor.
   * @returns `logSoftmax(input, dim)`.
   */
  forward(input: Tensor): Tensor {
    return logSoftmax(input, this.dim ?? implicitDim(input.dim()));
  }
  override extraRepr(): string {
    return `dim=${this.dim ?? 'None'}`;
  }
}
