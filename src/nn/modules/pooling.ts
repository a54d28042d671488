/** `MaxPool2d`, `AvgPool2d`, `AdaptiveAvgPool2d`: the pooling functions as layers. */
import type { Tensor } from '../../tensor/tensor.js';
import { checkOptions } from '../../tensor/options.js';
import { Module } from '../module.js';
import type { SizeArg } from '../functional/conv.js';
import {
  adaptiveAvgPool2d,
  avgPool2d,
  maxPool2d,
  type AvgPoolOptions,
  type MaxPoolOptions,
} from '../functional/pool.js';

const SIZE = 'integer|number[]';

/**
 * 2-D max pooling layer: `torch.nn.MaxPool2d`. With `returnIndices: true`, `forward` returns
 * `[output, indices]`.
 *
 * @example
 * const pool = new MaxPool2d(2);
 * const y = pool.call(x);
 */
export class MaxPool2d extends Module {
  /** Size of the pooling window: one number or `[kH, kW]`. */
  readonly kernelSize: SizeArg;
  /** The checked options (`stride`, `padding`, `dilation`, `ceilMode`, `returnIndices`). */
  readonly options: MaxPoolOptions;

  /**
   * Creates the layer, as `nn.MaxPool2d(kernel_size, ...)`.
   *
   * @param kernelSize - Window size.
   * @param options - `stride` (kernelSize), `padding` (0), `dilation` (1), `ceilMode` (false),
   *   `returnIndices` (false).
   * @throws TypeError on an unknown option.
   */
  constructor(kernelSize: SizeArg, options?: MaxPoolOptions) {
    super();
    this.kernelSize = kernelSize;
    this.options = {
      ...checkOptions<MaxPoolOptions>('MaxPool2d', options, {
        stride: `${SIZE}|null`,
        padding: SIZE,
        dilation: SIZE,
        ceilMode: 'boolean',
        returnIndices: 'boolean',
      }),
    };
  }

  /**
   * Max-pools a batch. Prefer `call(input)`, which also runs hooks.
   *
   * @param input - `[N, C, H, W]` or unbatched `[C, H, W]`.
   * @returns The pooled tensor, or `[output, indices]` with `returnIndices: true`.
   * @throws RangeError if the input or the window does not fit.
   */
  forward(input: Tensor): Tensor | [Tensor, Tensor] {
    return maxPool2d(input, this.kernelSize, this.options);
  }

  override extraRepr(): string {
    const o = this.options;
    return `kernel_size=${String(this.kernelSize)}, stride=${String(o.stride ?? this.kernelSize)}, padding=${String(o.padding ?? 0)}, dilation=${String(o.dilation ?? 1)}, ceil_mode=${o.ceilMode ? 'True' : 'False'}`;
  }
}

/**
 * 2-D average pooling layer: `torch.nn.AvgPool2d`.
 *
 * @example
 * const pool = new AvgPool2d(3, { stride: 2, padding: 1 });
 */
export class AvgPool2d extends Module {
  /** Size of the pooling window: one number or `[kH, kW]`. */
  readonly kernelSize: SizeArg;
  /**
   * The checked options (`stride`, `padding`, `ceilMode`, `countIncludePad`, `divisorOverride`).
   */
  readonly options: AvgPoolOptions;

  /**
   * Creates the layer, as `nn.AvgPool2d(kernel_size, ...)`.
   *
   * @param kernelSize - Window size.
   * @param options - `stride` (kernelSize), `padding` (0), `ceilMode` (false), `countIncludePad`
   *   (true), `divisorOverride` (null).
   * @throws TypeError on an unknown option.
   */
  constructor(kernelSize: SizeArg, options?: AvgPoolOptions) {
    super();
    this.kernelSize = kernelSize;
    this.options = {
      ...checkOptions<AvgPoolOptions>('AvgPool2d', options, {
        stride: `${SIZE}|null`,
        padding: SIZE,
        ceilMode: 'boolean',
        countIncludePad: 'boolean',
        divisorOverride: 'integer|null',
      }),
    };
  }

  /**
   * Average-pools a batch. Prefer `call(input)`, which also runs hooks.
   *
   * @param input - `[N, C, H, W]` or unbatched `[C, H, W]`.
   * @returns The pooled tensor.
   * @throws RangeError if the input or the window does not fit.
   */
  forward(input: Tensor): Tensor {
    return avgPool2d(input, this.kernelSize, this.options);
  }

  override extraRepr(): string {
    return `kernel_size=${String(this.kernelSize)}, stride=${String(this.options.stride ?? this.kernelSize)}, padding=${String(this.options.padding ?? 0)}`;
  }
}

/**
 * Adaptive 2-D average pooling layer: `torch.nn.AdaptiveAvgPool2d`.
 *
 * @example
 * const gap = new AdaptiveAvgPool2d(1);
 */
export class AdaptiveAvgPool2d extends Module {
  /** The target output size: `OH` (square) or `[OH, OW]`, `null` keeping that input size. */
  readonly outputSize: number | readonly (number | null)[];

  /**
   * Pools every input to a fixed output size, whatever the input size.
   *
   * @param outputSize - `OH` or `[OH, OW]` (`null` keeps that input size).
   */
  constructor(outputSize: number | readonly (number | null)[]) {
    super();
    this.outputSize = outputSize;
  }

  /**
   * Average-pools a batch to `outputSize`. Prefer `call(input)`, which also runs hooks.
   *
   * @param input - `[N, C, H, W]` or unbatched `[C, H, W]`.
   * @returns `[N, C, OH, OW]` (or unbatched).
   */
  forward(input: Tensor): Tensor {
    return adaptiveAvgPool2d(input, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${String(this.outputSize)}`;
  }
}
