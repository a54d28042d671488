/** `Conv1d`, `Conv2d`, `ConvTranspose2d`: PyTorch's layers, parameters and initialisation. */
import { noGrad } from '../../autograd/grad-mode.js';
import { Tensor, describe } from '../../tensor/tensor.js';
import { empty } from '../../tensor/creation.js';
import { checkOptions } from '../../tensor/options.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { calculateFanInAndFanOut, calculateGain, uniform_ } from '../init.js';
import { conv1d, conv2d, convTranspose2d, expandSize, type SizeArg } from '../functional/conv.js';
import { pad } from '../functional/resample.js';

/** Options of `Conv1d` and `Conv2d`. */
export interface ConvModuleOptions {
  /** Step of the kernel: one number or one per spatial dimension (default 1). */
  stride?: SizeArg;
  /**
   * Implicit padding on both sides: one number or one per spatial dimension (default 0);
   * `'valid'` is 0, `'same'` keeps the input length (stride 1 only).
   */
  padding?: SizeArg | 'same' | 'valid';
  /** Spacing between kernel elements (default 1). */
  dilation?: SizeArg;
  /**
   * Blocked connections: input and output channels are split into this many groups, each convolved
   * separately (default 1; both channel counts must be divisible by it).
   */
  groups?: number;
  /** Add a learnable bias (default `true`). */
  bias?: boolean;
  /** How padding is filled (default `'zeros'`). */
  paddingMode?: 'zeros' | 'reflect' | 'replicate' | 'circular';
}

/** Options of `ConvTranspose2d`. */
export interface ConvTransposeModuleOptions {
  /** Step of the kernel: one number or one per spatial dimension (default 1). */
  stride?: SizeArg;
  /**
   * `dilation · (kernelSize - 1) - padding` zero rows/columns are added to each side of the input
   * (default 0).
   */
  padding?: SizeArg;
  /**
   * Extra size added to one side of each output dimension, to pick among the output sizes a strided
   * transposed convolution could produce (default 0; must be smaller than stride or dilation).
   */
  outputPadding?: SizeArg;
  /** Spacing between kernel elements (default 1). */
  dilation?: SizeArg;
  /** Blocked connections from input to output channels (default 1). */
  groups?: number;
  /** Add a learnable bias (default `true`). */
  bias?: boolean;
}

const SIZE = 'integer|number[]';

function checkChannels(cls: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)
    throw new TypeError(`${cls}: ${name} must be a positive integer, got ${describe(value)}`);
  return value;
}

/** Shared parameters and init of the convolution layers. */
abstract class ConvBase extends Module {
  /**
   * The learnable kernel: `[outChannels, inChannels / groups, ...kernelSize]` (transposed:
   * `[inChannels, outChannels / groups, ...kernelSize]`), initially U(-1/√fanIn, 1/√fanIn).
   */
  weight: Parameter;
  /**
   * The learnable bias `[outChannels]`, initially U(-1/√fanIn, 1/√fanIn); `null` with
   * `{ bias: false }`.
   */
  bias: Parameter | null;
  /** Number of channels of the input. */
  readonly inChannels: number;
  /** Number of channels the layer produces. */
  readonly outChannels: number;
  /** Size of the kernel, one entry per spatial dimension. */
  readonly kernelSize: number[];
  /** Step of the kernel, one entry per spatial dimension. */
  readonly stride: number[];
  /** Spacing between kernel elements, one entry per spatial dimension. */
  readonly dilation: number[];
  /** Number of blocked connections from input to output channels. */
  readonly groups: number;

  constructor(
    cls: string,
    inChannels: number,
    outChannels: number,
    kernelSize: number[],
    stride: number[],
    dilation: number[],
    groups: number,
    bias: boolean,
    transposed: boolean,
  ) {
    super();
    this.inChannels = checkChannels(cls, 'in_channels', inChannels);
    this.outChannels = checkChannels(cls, 'out_channels', outChannels);
    if (!Number.isInteger(groups) || groups <= 0)
      throw new RangeError(`${cls}: groups must be a positive integer, got ${describe(groups)}`);
    if (inChannels % groups !== 0)
      throw new RangeError(`${cls}: in_channels must be divisible by groups`);
    if (outChannels % groups !== 0)
      throw new RangeError(`${cls}: out_channels must be divisible by groups`);
    this.kernelSize = kernelSize;
    this.stride = stride;
    this.dilation = dilation;
    this.groups = groups;
    const shape = transposed
      ? [inChannels, outChannels / groups, ...kernelSize]
      : [outChannels, inChannels / groups, ...kernelSize];
    this.weight = new Parameter(empty(shape));
    this.bias = bias ? new Parameter(empty(outChannels)) : null;
    this.resetParameters();
  }

  /** kaiming_uniform_(a = √5) on the weight, then U(±1/√fan_in) on the bias, as PyTorch. */
  resetParameters(): void {
    noGrad(() => {
      const [fanIn] = calculateFanInAndFanOut(this.weight);
      // kaiming_uniform_(a = √5): bound = √3 · gain / √fan_in, in double as PyTorch.
      if (this.weight.numel() > 0) {
        const bound = Math.sqrt(3) * (calculateGain('leaky_relu', Math.sqrt(5)) / Math.sqrt(fanIn));
        uniform_(this.weight, -bound, bound);
      }
      if (this.bias !== null) {
        if (fanIn !== 0) {
          const bound = 1 / Math.sqrt(fanIn);
          uniform_(this.bias, -bound, bound);
        }
      }
    });
  }

  /**
   * The common part of `extraRepr` (channels, kernel, stride, …) in PyTorch's format.
   *
   * @param extra - Text inserted after the stride (padding).
   * @returns The repr text.
   */
  protected reprSizes(extra: string): string {
    const t = (v: number[]) => `(${v.join(', ')}${v.length === 1 ? ',' : ''})`;
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${t(this.kernelSize)}, stride=${t(this.stride)}${extra}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${t(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    return s;
  }
}

abstract class ConvNd extends ConvBase {
  /** Implicit padding per spatial dimension, or `'same'` / `'valid'`. */
  readonly padding: number[] | 'same' | 'valid';
  /** How padding is filled: `'zeros'`, `'reflect'`, `'replicate'` or `'circular'`. */
  readonly paddingMode: 'zeros' | 'reflect' | 'replicate' | 'circular';

  constructor(
    cls: string,
    spatial: 1 | 2,
    inChannels: number,
    outChannels: number,
    kernelSize: SizeArg,
    options: ConvModuleOptions | undefined,
  ) {
    const opts = checkOptions<ConvModuleOptions>(cls, options, {
      stride: SIZE,
      padding: `${SIZE}|'same'|'valid'`,
      dilation: SIZE,
      groups: 'integer',
      bias: 'boolean',
      paddingMode: "'zeros'|'reflect'|'replicate'|'circular'",
    });
    const stride = expandSize(cls, 'stride', opts.stride ?? 1, spatial);
    if (opts.padding === 'same' && stride.some((s) => s !== 1))
      throw new RangeError(`${cls}: padding='same' is not supported for strided convolutions`);
    super(
      cls,
      inChannels,
      outChannels,
      expandSize(cls, 'kernel_size', kernelSize, spatial),
      stride,
      expandSize(cls, 'dilation', opts.dilation ?? 1, spatial),
      opts.groups ?? 1,
      opts.bias ?? true,
      false,
    );
    const p = opts.padding ?? 0;
    this.padding = typeof p === 'string' ? p : expandSize(cls, 'padding', p, spatial);
    this.paddingMode = opts.paddingMode ?? 'zeros';
  }

  /**
   * Runs the convolution `fn` with this layer's parameters, padding explicitly first for a
   * non-zero `paddingMode` (as PyTorch's `_conv_forward`).
   *
   * @param input - The input batch.
   * @param fn - `conv1d` or `conv2d`.
   * @returns The output batch.
   */
  protected run(input: Tensor, fn: typeof conv1d): Tensor {
    const options = { stride: this.stride, dilation: this.dilation, groups: this.groups };
    if (this.paddingMode === 'zeros')
      return fn(input, this.weight, this.bias, { ...options, padding: this.padding });
    // Non-zero padding modes pad explicitly first, as PyTorch's _conv_forward does.
    const amounts = this.paddingAmounts();
    return fn(pad(input, amounts, { mode: this.paddingMode }), this.weight, this.bias, {
      ...options,
      padding: 0,
    });
  }

  /** The explicit padding list (last dim first) for a non-zero padding mode. */
  private paddingAmounts(): number[] {
    const out: number[] = [];
    for (let d = this.kernelSize.length - 1; d >= 0; d--) {
      if (this.padding === 'valid') out.push(0, 0);
      else if (this.padding === 'same') {
        const total = this.dilation[d] * (this.kernelSize[d] - 1);
        const left = Math.floor(total / 2);
        out.push(left, total - left);
      } else out.push(this.padding[d], this.padding[d]);
    }
    return out;
  }

  override extraRepr(): string {
    const p = this.padding;
    const shown =
      typeof p === 'string'
        ? `, padding=${p}`
        : p.some((v) => v !== 0)
          ? `, padding=(${p.join(', ')}${p.length === 1 ? ',' : ''})`
          : '';
    const mode = this.paddingMode !== 'zeros' ? `, padding_mode=${this.paddingMode}` : '';
    return this.reprSizes(shown) + mode;
  }
}

/**
 * 1-D convolution layer: `torch.nn.Conv1d`. Weight `[out, in / groups, k]`, bias `[out]`.
 *
 * @example
 * const conv = new Conv1d(4, 8, 3, { padding: 1 });
 * const y = conv.call(x); // [N, 8, L]
 */
export class Conv1d extends ConvNd {
  /**
   * Creates the layer, as `nn.Conv1d(in_channels, out_channels, kernel_size, ...)`, initialised as
   * PyTorch.
   *
   * @param inChannels - Input channels.
   * @param outChannels - Output channels.
   * @param kernelSize - Kernel length.
   * @param options - `stride` (1), `padding` (0 | 'same' | 'valid'), `dilation` (1), `groups` (1),
   *   `bias` (true), `paddingMode` ('zeros').
   * @throws TypeError/RangeError on invalid sizes.
   */
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: SizeArg,
    options?: ConvModuleOptions,
  ) {
    super('Conv1d', 1, inChannels, outChannels, kernelSize, options);
  }

  /**
   * Convolves a batch. Prefer `call(input)`, which also runs hooks.
   *
   * @param input - `[N, inChannels, L]` or unbatched `[inChannels, L]`.
   * @returns `[N, outChannels, L_out]` (or unbatched).
   * @throws RangeError if the input's shape does not fit the layer.
   */
  forward(input: Tensor): Tensor {
    return this.run(input, conv1d);
  }
}

/**
 * 2-D convolution layer: `torch.nn.Conv2d`. Weight `[out, in / groups, kH, kW]`, bias `[out]`.
 *
 * @example
 * const conv = new Conv2d(3, 16, 3, { stride: 2, padding: 1 });
 * const y = conv.call(images);
 */
export class Conv2d extends ConvNd {
  /**
   * Creates the layer, as `nn.Conv2d(in_channels, out_channels, kernel_size, ...)`, initialised as
   * PyTorch.
   *
   * @param inChannels - Input channels.
   * @param outChannels - Output channels.
   * @param kernelSize - Kernel size (one number or `[kH, kW]`).
   * @param options - `stride` (1), `padding` (0 | 'same' | 'valid'), `dilation` (1), `groups` (1),
   *   `bias` (true), `paddingMode` ('zeros').
   * @throws TypeError/RangeError on invalid sizes.
   */
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: SizeArg,
    options?: ConvModuleOptions,
  ) {
    super('Conv2d', 2, inChannels, outChannels, kernelSize, options);
  }

  /**
   * Convolves a batch. Prefer `call(input)`, which also runs hooks.
   *
   * @param input - `[N, inChannels, H, W]` or unbatched `[inChannels, H, W]`.
   * @returns `[N, outChannels, H_out, W_out]` (or unbatched).
   * @throws RangeError if the input's shape does not fit the layer.
   */
  forward(input: Tensor): Tensor {
    return this.run(input, conv2d);
  }
}

/**
 * 2-D transposed convolution layer: `torch.nn.ConvTranspose2d`. Weight `[in, out / groups, kH, kW]`.
 *
 * @example
 * const up = new ConvTranspose2d(16, 8, 4, { stride: 2, padding: 1 });
 */
export class ConvTranspose2d extends ConvBase {
  /**
   * Implicit padding per spatial dimension (the input is padded by `dilation · (k - 1) - padding`).
   */
  readonly padding: number[];
  /** Extra size added to one side of each output dimension. */
  readonly outputPadding: number[];

  /**
   * Creates the layer, as `nn.ConvTranspose2d(in_channels, out_channels, kernel_size, ...)`,
   * initialised as PyTorch.
   *
   * @param inChannels - Input channels.
   * @param outChannels - Output channels.
   * @param kernelSize - Kernel size.
   * @param options - `stride` (1), `padding` (0), `outputPadding` (0), `dilation` (1), `groups`
   *   (1), `bias` (true).
   * @throws TypeError/RangeError on invalid sizes.
   */
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: SizeArg,
    options?: ConvTransposeModuleOptions,
  ) {
    const cls = 'ConvTranspose2d';
    const opts = checkOptions<ConvTransposeModuleOptions>(cls, options, {
      stride: SIZE,
      padding: SIZE,
      outputPadding: SIZE,
      dilation: SIZE,
      groups: 'integer',
      bias: 'boolean',
    });
    super(
      cls,
      inChannels,
      outChannels,
      expandSize(cls, 'kernel_size', kernelSize, 2),
      expandSize(cls, 'stride', opts.stride ?? 1, 2),
      expandSize(cls, 'dilation', opts.dilation ?? 1, 2),
      opts.groups ?? 1,
      opts.bias ?? true,
      true,
    );
    this.padding = expandSize(cls, 'padding', opts.padding ?? 0, 2);
    this.outputPadding = expandSize(cls, 'output_padding', opts.outputPadding ?? 0, 2);
  }

  /**
   * Applies the transposed convolution. Prefer `call(input)`, which also runs hooks.
   *
   * @param input - `[N, inChannels, H, W]` or unbatched `[inChannels, H, W]`.
   * @returns `[N, outChannels, H_out, W_out]` with
   *   `H_out = (H - 1)·stride - 2·padding + dilation·(k - 1) + outputPadding + 1`.
   * @throws RangeError if the input's shape does not fit the layer.
   */
  forward(input: Tensor): Tensor {
    return convTranspose2d(input, this.weight, this.bias, {
      stride: this.stride,
      padding: this.padding,
      outputPadding: this.outputPadding,
      dilation: this.dilation,
      groups: this.groups,
    });
  }

  override extraRepr(): string {
    const p = this.padding.some((v) => v !== 0) ? `, padding=(${this.padding.join(', ')})` : '';
    const op = this.outputPadding.some((v) => v !== 0)
      ? `, output_padding=(${this.outputPadding.join(', ')})`
      : '';
    return this.reprSizes(p + op);
  }
}
