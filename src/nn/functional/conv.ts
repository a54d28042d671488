/** `conv1d`, `conv2d` and `convTranspose2d`: im2col + GEMM, with derivatives of any order. */
import { Tensor, assertTensor, describe } from '../../tensor/tensor.js';
import { checkOptions } from '../../tensor/options.js';
import { formatShape } from '../../tensor/shape.js';
import { add } from '../../ops/elementwise.js';
import { squeeze, unsqueeze, view } from '../../ops/views.js';
import type { ConvGeometry } from './conv-kernels.js';
import { convInputOp, convOp } from './conv-ops.js';

/** A size given once for every spatial dim, or once per dim. */
export type SizeArg = number | readonly number[];

/** Options of `conv1d` and `conv2d`. */
export interface ConvOptions {
  /** Step between windows (default 1). */
  stride?: SizeArg;
  /** Zero padding on both sides of each spatial dim, or `'same'`/`'valid'` (default 0). */
  padding?: SizeArg | 'same' | 'valid';
  /** Spacing between kernel taps (default 1). */
  dilation?: SizeArg;
  /** Number of blocked connections from input to output channels (default 1). */
  groups?: number;
}

/** Options of `convTranspose2d`. */
export interface ConvTransposeOptions {
  /** Step between windows (default 1). */
  stride?: SizeArg;
  /**
   * `dilation · (kernel - 1) - padding` zeros are added to both sides of each spatial dim (default
   * 0).
   */
  padding?: SizeArg;
  /** Extra size added to one side of each output dim (default 0). */
  outputPadding?: SizeArg;
  /** Spacing between kernel taps (default 1). */
  dilation?: SizeArg;
  /** Number of blocked connections from input to output channels (default 1). */
  groups?: number;
}

const SIZE = 'integer|number[]';
const CONV_SPEC = {
  stride: SIZE,
  padding: "integer|number[]|'same'|'valid'",
  dilation: SIZE,
  groups: 'integer',
};
const CONV_T_SPEC = {
  stride: SIZE,
  padding: SIZE,
  outputPadding: SIZE,
  dilation: SIZE,
  groups: 'integer',
};

/** Expands a size argument to `k` integers, checking its length and integrality. */
export function expandSize(fn: string, name: string, value: SizeArg, k: number): number[] {
  const list = typeof value === 'number' ? new Array<number>(k).fill(value) : [...value];
  if (list.length === 1 && k > 1) return new Array<number>(k).fill(list[0]);
  if (list.length !== k || !list.every((v) => Number.isInteger(v))) {
    throw new RangeError(
      `${fn}: ${name} must be an integer or a list of ${k} integers, got ${describe(value)}${Array.isArray(value) ? ` [${value.join(', ')}]` : ''}`,
    );
  }
  return list;
}

interface ConvArgs {
  stride: number[];
  dilation: number[];
  groups: number;
}

function checkCommon(fn: string, stride: number[], dilation: number[], groups: number): void {
  if (stride.some((s) => s <= 0))
    throw new RangeError(
      `${fn}: non-positive stride is not supported, got stride=[${stride.join(', ')}]`,
    );
  if (dilation.some((d) => d <= 0))
    throw new RangeError(
      `${fn}: dilation should be greater than zero, got dilation=[${dilation.join(', ')}]`,
    );
  if (!(groups > 0))
    throw new RangeError(`${fn}: non-positive groups is not supported, got groups=${groups}`);
}

/** Checks the ranks of input and weight; returns whether the input lacks the batch dim. */
function checkRanks(fn: string, input: Tensor, weight: Tensor, spatial: number): boolean {
  const rank = spatial + 2;
  if (input.dim() !== rank && input.dim() !== rank - 1) {
    throw new RangeError(
      `${fn}: Expected ${rank - 1}D (unbatched) or ${rank}D (batched) input to ${fn}, but got input of size: ${formatShape(input.shape)}`,
    );
  }
  if (weight.dim() !== rank) {
    throw new RangeError(
      `${fn}: expected ${rank}-D weight, but got weight of size ${formatShape(weight.shape)}`,
    );
  }
  return input.dim() === rank - 1;
}

function checkBias(fn: string, bias: Tensor | null, weight: Tensor, channels: number): void {
  if (bias === null) return;
  assertTensor(bias, fn, 'bias to be a Tensor or null');
  if (bias.dim() !== 1 || bias.shape[0] !== channels) {
    throw new RangeError(
      `${fn}: Given weight of size ${formatShape(weight.shape)}, expected bias to be 1-dimensional with ${channels} elements, but got bias of size ${formatShape(bias.shape)} instead`,
    );
  }
}

function addBias(y: Tensor, bias: Tensor | null): Tensor {
  return bias === null ? y : add(y, view(bias, [[1, bias.shape[0], 1, 1]]));
}

/** The 2-D convolution behind conv1d/conv2d, on a batched 4-D input. */
function conv2dBatched(
  fn: string,
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  padding: SizeArg | 'same' | 'valid',
  args: ConvArgs,
  shownShape: readonly number[],
): Tensor {
  const { stride, dilation, groups } = args;
  const [n, c, h, w] = x.shape;
  const [o, cg, kh, kw] = weight.shape;
  if (o % groups !== 0) {
    throw new RangeError(
      `${fn}: Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${formatShape(weight.shape)} instead`,
    );
  }
  if (cg * groups !== c) {
    throw new RangeError(
      `${fn}: Given groups=${groups}, weight of size ${formatShape(weight.shape)}, expected input${formatShape(shownShape)} to have ${cg * groups} channels, but got ${c} channels instead`,
    );
  }
  checkBias(fn, bias, weight, o);
  let before: number[];
  let after: number[];
  if (padding === 'valid') {
    before = [0, 0];
    after = [0, 0];
  } else if (padding === 'same') {
    if (stride.some((s) => s !== 1))
      throw new RangeError(`${fn}: padding='same' is not supported for strided convolutions`);
    const total = [dilation[0] * (kh - 1), dilation[1] * (kw - 1)];
    before = total.map((t) => Math.floor(t / 2));
    after = total.map((t, i) => t - before[i]);
  } else {
    const p = expandSize(fn, 'padding', padding, 2);
    if (p.some((v) => v < 0))
      throw new RangeError(
        `${fn}: negative padding is not supported, got padding=[${p.join(', ')}]`,
      );
    before = p;
    after = p;
  }
  const paddedH = h + before[0] + after[0];
  const paddedW = w + before[1] + after[1];
  const effH = dilation[0] * (kh - 1) + 1;
  const effW = dilation[1] * (kw - 1) + 1;
  if (paddedH < effH || paddedW < effW) {
    throw new RangeError(
      `${fn}: Calculated padded input size per channel: (${paddedH} x ${paddedW}). Kernel size: (${effH} x ${effW}). Kernel size can't be greater than actual input size`,
    );
  }
  const g: ConvGeometry = {
    n,
    c,
    h,
    w,
    o,
    kh,
    kw,
    sh: stride[0],
    sw: stride[1],
    ph: before[0],
    pw: before[1],
    dh: dilation[0],
    dw: dilation[1],
    groups,
    oh: Math.floor((paddedH - effH) / stride[0]) + 1,
    ow: Math.floor((paddedW - effW) / stride[1]) + 1,
  };
  return convOp(x, weight, g, 'ConvolutionBackward0', bias);
}

function convNd(
  fn: string,
  spatial: 1 | 2,
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null,
  options: ConvOptions | undefined,
): Tensor {
  assertTensor(input, fn, 'input to be a Tensor');
  assertTensor(weight, fn, 'weight to be a Tensor');
  const opts = checkOptions<ConvOptions>(fn, options, CONV_SPEC);
  const stride = expandSize(fn, 'stride', opts.stride ?? 1, spatial);
  const dilation = expandSize(fn, 'dilation', opts.dilation ?? 1, spatial);
  const groups = opts.groups ?? 1;
  checkCommon(fn, stride, dilation, groups);
  const unbatched = checkRanks(fn, input, weight, spatial);
  let x = unbatched ? unsqueeze(input, 0) : input;
  let w = weight;
  let padding = opts.padding ?? 0;
  if (spatial === 1) {
    x = unsqueeze(x, 2);
    w = unsqueeze(w, 2);
    if (typeof padding !== 'string') padding = [0, ...expandSize(fn, 'padding', padding, 1)];
  }
  const args: ConvArgs =
    spatial === 1
      ? { stride: [1, stride[0]], dilation: [1, dilation[0]], groups }
      : { stride, dilation, groups };
  let y = conv2dBatched(fn, x, w, bias, padding, args, input.shape);
  if (spatial === 1) y = squeeze(y, 2);
  return unbatched ? squeeze(y, 0) : y;
}

/**
 * 1-D convolution over `[N, C, L]` (or unbatched `[C, L]`) input: `torch.nn.functional.conv1d`.
 *
 * @param input - `[N, Cin, L]` or `[Cin, L]`.
 * @param weight - `[Cout, Cin / groups, k]`.
 * @param bias - `[Cout]` or null (default null).
 * @param options - `stride` (1), `padding` (0, `'same'` or `'valid'`), `dilation` (1), `groups` (1).
 * @returns `[N, Cout, Lout]` (or `[Cout, Lout]`).
 * @throws RangeError on mismatched shapes or invalid sizes, as PyTorch.
 * @example
 * const y = conv1d(x, w, b, { padding: 'same' });
 */
export function conv1d(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  options?: ConvOptions,
): Tensor {
  return convNd('conv1d', 1, input, weight, bias, options);
}

/**
 * 2-D convolution over `[N, C, H, W]` (or unbatched `[C, H, W]`) input: `torch.nn.functional.conv2d`.
 *
 * @param input - `[N, Cin, H, W]` or `[Cin, H, W]`.
 * @param weight - `[Cout, Cin / groups, kH, kW]`.
 * @param bias - `[Cout]` or null (default null).
 * @param options - `stride` (1), `padding` (0, `'same'` or `'valid'`), `dilation` (1), `groups` (1).
 * @returns `[N, Cout, Hout, Wout]` (or without the batch dim).
 * @throws RangeError on mismatched shapes or invalid sizes, as PyTorch.
 * @example
 * const y = conv2d(x, w, b, { stride: 2, padding: 1 });
 */
export function conv2d(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  options?: ConvOptions,
): Tensor {
  return convNd('conv2d', 2, input, weight, bias, options);
}

/**
 * 2-D transposed convolution ("deconvolution"): `torch.nn.functional.conv_transpose2d`, the
 * gradient of `conv2d` with respect to its input.
 *
 * @param input - `[N, Cin, H, W]` or `[Cin, H, W]`.
 * @param weight - `[Cin, Cout / groups, kH, kW]`.
 * @param bias - `[Cout]` or null (default null).
 * @param options - `stride` (1), `padding` (0), `outputPadding` (0), `dilation` (1), `groups` (1).
 * @returns `[N, Cout, Hout, Wout]` with `Hout = (H − 1)·stride − 2·padding + dilation·(kH − 1) + outputPadding + 1`.
 * @throws RangeError on mismatched shapes or invalid sizes, as PyTorch.
 * @example
 * const up = convTranspose2d(x, w, null, { stride: 2, padding: 1, outputPadding: 1 });
 */
export function convTranspose2d(
  input: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  options?: ConvTransposeOptions,
): Tensor {
  const fn = 'convTranspose2d';
  assertTensor(input, fn, 'input to be a Tensor');
  assertTensor(weight, fn, 'weight to be a Tensor');
  const opts = checkOptions<ConvTransposeOptions>(fn, options, CONV_T_SPEC);
  const stride = expandSize(fn, 'stride', opts.stride ?? 1, 2);
  const dilation = expandSize(fn, 'dilation', opts.dilation ?? 1, 2);
  const padding = expandSize(fn, 'padding', opts.padding ?? 0, 2);
  const outPad = expandSize(fn, 'outputPadding', opts.outputPadding ?? 0, 2);
  const groups = opts.groups ?? 1;
  checkCommon(fn, stride, dilation, groups);
  if (padding.some((v) => v < 0))
    throw new RangeError(
      `${fn}: negative padding is not supported, got padding=[${padding.join(', ')}]`,
    );
  if (outPad.some((v, i) => v < 0 || (v >= stride[i] && v >= dilation[i]))) {
    throw new RangeError(
      `${fn}: output padding must be smaller than either stride or dilation, but got output_padding_height: ${outPad[0]} output_padding_width: ${outPad[1]} stride_height: ${stride[0]} stride_width: ${stride[1]} dilation_height: ${dilation[0]} dilation_width: ${dilation[1]}`,
    );
  }
  const unbatched = checkRanks(fn, input, weight, 2);
  const x = unbatched ? unsqueeze(input, 0) : input;
  const [n, cin, h, w] = x.shape;
  const [wIn, coutG, kh, kw] = weight.shape;
  if (wIn !== cin) {
    throw new RangeError(
      `${fn}: Given transposed=1, weight of size ${formatShape(weight.shape)}, expected input${formatShape(input.shape)} to have ${wIn} channels, but got ${cin} channels instead`,
    );
  }
  if (cin % groups !== 0) {
    throw new RangeError(
      `${fn}: Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${formatShape(weight.shape)} instead`,
    );
  }
  const cout = coutG * groups;
  checkBias(fn, bias, weight, cout);
  const oh = (h - 1) * stride[0] - 2 * padding[0] + dilation[0] * (kh - 1) + outPad[0] + 1;
  const ow = (w - 1) * stride[1] - 2 * padding[1] + dilation[1] * (kw - 1) + outPad[1] + 1;
  if (oh <= 0 || ow <= 0) {
    throw new RangeError(
      `${fn}: Given input size per channel: (${h} x ${w}). Calculated output size per channel: (${oh} x ${ow}). Output size is too small`,
    );
  }
  // The transposed convolution is the input-side adjoint of the convolution from the output grid.
  const g: ConvGeometry = {
    n,
    c: cout,
    h: oh,
    w: ow,
    o: cin,
    kh,
    kw,
    sh: stride[0],
    sw: stride[1],
    ph: padding[0],
    pw: padding[1],
    dh: dilation[0],
    dw: dilation[1],
    groups,
    oh: h,
    ow: w,
  };
  const y = addBias(convInputOp(x, weight, g, 'ConvolutionBackward0'), bias);
  return unbatched ? squeeze(y, 0) : y;
}
