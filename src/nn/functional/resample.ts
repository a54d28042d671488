/** `pad` and `interpolate`: fixed per-plane index maps, differentiable through their adjoints. */
import { Tensor, assertTensor, describe } from '../../tensor/tensor.js';
import { checkOptions } from '../../tensor/options.js';
import { formatShape } from '../../tensor/shape.js';
import { add } from '../../ops/elementwise.js';
import { buildPlaneMap, planeMapOp } from './plane-map.js';

/** Options of `pad`. */
export interface PadOptions {
  /** How to fill the border (default `'constant'`). */
  mode?: 'constant' | 'reflect' | 'replicate' | 'circular';
  /** Fill value of `'constant'` mode (default 0). */
  value?: number;
}

const PAD_SPEC = { mode: "'constant'|'reflect'|'replicate'|'circular'", value: 'number' };

/** Row-major index of `coords` in `shape`. */
function flatIndex(coords: readonly number[], shape: readonly number[]): number {
  let idx = 0;
  for (let i = 0; i < shape.length; i++) idx = idx * shape[i] + coords[i];
  return idx;
}

/**
 * Pads (or, with negative amounts in constant mode, crops) the trailing dims:
 * `torch.nn.functional.pad`. `pad` lists `[left, right]` for the last dim first, then the one
 * before, and so on.
 *
 * @param input - The tensor to pad.
 * @param pad - An even-length list of amounts, last dim first.
 * @param options - `mode` (`'constant'`), `value` (0, constant mode only).
 * @returns The padded tensor.
 * @throws RangeError when `pad` is malformed, reflect padding is not smaller than the dim, or the
 *   input rank does not suit a non-constant mode.
 * @example
 * pad(x, [1, 1, 2, 2], { mode: 'reflect' }); // W +2, H +4
 */
export function pad(input: Tensor, pad: readonly number[], options?: PadOptions): Tensor {
  const fn = 'pad';
  assertTensor(input, fn, 'input to be a Tensor');
  const opts = checkOptions<PadOptions>(fn, options, PAD_SPEC);
  const mode = opts.mode ?? 'constant';
  if (!Array.isArray(pad) || !pad.every((v) => Number.isInteger(v)))
    throw new TypeError(`${fn}: pad must be a list of integers, got ${describe(pad)}`);
  if (pad.length % 2 !== 0) throw new RangeError(`${fn}: Padding length must be divisible by 2`);
  const k = pad.length / 2;
  if (k > input.dim())
    throw new RangeError(
      `${fn}: Padding length should be less than or equal to two times the input dimension but got padding length ${pad.length} and input of dimension ${input.dim()}`,
    );
  const value = opts.value ?? 0;
  if (mode !== 'constant') {
    if (opts.value !== undefined && opts.value !== 0)
      throw new RangeError(`${fn}: Padding mode "${mode}" doesn't take in value argument`);
    if (k > 3 || (input.dim() !== k + 1 && input.dim() !== k + 2)) {
      throw new RangeError(
        `${fn}: ${mode} padding of ${k} dims expects a ${k + 1}D or ${k + 2}D input, got input of size ${formatShape(input.shape)}`,
      );
    }
  }
  const inPlane = input.shape.slice(input.dim() - k);
  const before: number[] = [];
  const after: number[] = [];
  for (let d = 0; d < k; d++) {
    before.unshift(pad[2 * d]);
    after.unshift(pad[2 * d + 1]);
  }
  const outPlane = inPlane.map((s, d) => s + before[d] + after[d]);
  if (outPlane.some((s) => s < 0)) {
    throw new RangeError(
      `${fn}: The input size ${inPlane.join(', ')}, plus negative padding ${before.join(', ')} and ${after.join(', ')} resulted in a negative output size`,
    );
  }
  for (let d = 0; d < k; d++) {
    const size = inPlane[d];
    const dimIndex = input.dim() - k + d;
    if (mode === 'reflect' && (before[d] >= size || after[d] >= size)) {
      throw new RangeError(
        `${fn}: Padding size should be less than the corresponding input dimension, but got: padding (${before[d]}, ${after[d]}) at dimension ${dimIndex} of input ${formatShape(input.shape)}`,
      );
    }
    if (mode === 'circular' && (before[d] > size || after[d] > size))
      throw new RangeError(`${fn}: Padding value causes wrapping around more than once.`);
    if (mode !== 'constant' && (before[d] < 0 || after[d] < 0))
      throw new RangeError(`${fn}: negative padding is only supported in constant mode`);
    if ((mode === 'replicate' || mode === 'reflect' || mode === 'circular') && size === 0)
      throw new RangeError(
        `${fn}: ${mode} padding of an empty dim ${dimIndex} of input ${formatShape(input.shape)}`,
      );
  }
  const source = (o: number, d: number): number => {
    const size = inPlane[d];
    const i = o - before[d];
    if (i >= 0 && i < size) return i;
    switch (mode) {
      case 'reflect':
        return i < 0 ? -i : 2 * (size - 1) - i;
      case 'replicate':
        return i < 0 ? 0 : size - 1;
      case 'circular':
        return ((i % size) + size) % size;
      default:
        return -1;
    }
  };
  const inSize = inPlane.reduce((a, b) => a * b, 1);
  const outSize = outPlane.reduce((a, b) => a * b, 1);
  const coords = new Array<number>(k).fill(0);
  const src = new Array<number>(k).fill(0);
  const outside = mode === 'constant' && value !== 0 ? new Float32Array(outSize) : null;
  const map = buildPlaneMap(inSize, outSize, (r, push) => {
    let rest = r;
    for (let d = k - 1; d >= 0; d--) {
      coords[d] = rest % outPlane[d];
      rest = Math.floor(rest / outPlane[d]);
    }
    for (let d = 0; d < k; d++) {
      src[d] = source(coords[d], d);
      if (src[d] < 0) {
        if (outside) outside[r] = value;
        return;
      }
    }
    push(flatIndex(src, inPlane), 1);
  });
  const names = {
    constant: 'ConstantPadNdBackward0',
    reflect: 'ReflectionPad',
    replicate: 'ReplicationPad',
    circular: 'CircularPad',
  };
  const name = mode === 'constant' ? names.constant : `${names[mode]}${k}DBackward0`;
  const out = planeMapOp(input, map, inPlane, outPlane, name);
  return outside ? add(out, Tensor._fromData(outside, outPlane)) : out;
}

/** Options of `interpolate`: exactly one of `size` and `scaleFactor`. */
export interface InterpolateOptions {
  /** Output spatial size (one number for every dim, or one per dim). */
  size?: number | readonly number[] | null;
  /** Multiplier of the spatial size (output = floor(input · scale)). */
  scaleFactor?: number | readonly number[] | null;
  /** `'nearest'` (default) or `'bilinear'` (4-D input). */
  mode?: 'nearest' | 'bilinear';
  /** Bilinear only: align the corner pixels' centres (default false). */
  alignCorners?: boolean | null;
  /** Compute the sampling scale from the output size instead of `scaleFactor` (default false). */
  recomputeScaleFactor?: boolean | null;
}

const INTERP_SPEC = {
  size: 'integer|number[]|null',
  scaleFactor: 'number|number[]|null',
  mode: "'nearest'|'bilinear'",
  alignCorners: 'boolean|null',
  recomputeScaleFactor: 'boolean|null',
};

/**
 * Resizes the spatial dims (all dims after batch and channel): `torch.nn.functional.interpolate`
 * in `'nearest'` and `'bilinear'` modes, with PyTorch's source-index rules.
 *
 * @param input - `[N, C, L]` or `[N, C, H, W]` (`'bilinear'` needs 4-D).
 * @param options - `size` or `scaleFactor`, `mode` (`'nearest'`), `alignCorners` (false for bilinear),
 *   `recomputeScaleFactor` (false).
 * @returns The resized tensor.
 * @throws RangeError when both or neither of size and scaleFactor are given, or on a bad rank.
 * @example
 * interpolate(x, { scaleFactor: 2, mode: 'bilinear', alignCorners: false });
 */
export function interpolate(input: Tensor, options?: InterpolateOptions): Tensor {
  const fn = 'interpolate';
  assertTensor(input, fn, 'input to be a Tensor');
  const opts = checkOptions<InterpolateOptions>(fn, options, INTERP_SPEC);
  const mode = opts.mode ?? 'nearest';
  const spatial = input.dim() - 2;
  if (spatial < 1 || spatial > 2)
    throw new RangeError(
      `${fn}: expected a 3-D or 4-D input, got input of size ${formatShape(input.shape)}`,
    );
  if (mode === 'bilinear' && spatial !== 2)
    throw new RangeError(`${fn}: Got ${input.dim()}D input, but bilinear mode needs 4D input`);
  if (mode === 'nearest' && opts.alignCorners !== undefined && opts.alignCorners !== null)
    throw new RangeError(
      `${fn}: align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear`,
    );
  const size = opts.size ?? null;
  const scale = opts.scaleFactor ?? null;
  if ((size === null) === (scale === null))
    throw new RangeError(
      `${fn}: ${size === null ? 'either size or scale_factor should be defined' : 'only one of size or scale_factor should be defined'}`,
    );
  const inSizes = input.shape.slice(2);
  let outSizes: number[];
  let scales: (number | null)[];
  if (size !== null) {
    outSizes = typeof size === 'number' ? new Array<number>(spatial).fill(size) : [...size];
    if (outSizes.length !== spatial)
      throw new RangeError(
        `${fn}: Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of [${inSizes.join(', ')}] and output size of [${outSizes.join(', ')}]. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.`,
      );
    scales = new Array<null>(spatial).fill(null);
  } else {
    const list = typeof scale === 'number' ? new Array<number>(spatial).fill(scale) : [...scale!];
    if (list.length !== spatial)
      throw new RangeError(
        `${fn}: Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of [${inSizes.join(', ')}] and scale_factor of shape [${list.join(', ')}].`,
      );
    outSizes = inSizes.map((s, i) => Math.floor(s * list[i]));
    scales = opts.recomputeScaleFactor === true ? list.map(() => null) : list;
  }
  if (outSizes.some((s) => !(s > 0)))
    throw new RangeError(
      `${fn}: Input and output sizes should be greater than 0, but got input (${inSizes.join(', ')}) and output (${outSizes.join(', ')})`,
    );
  const align = opts.alignCorners ?? false;
  const f = Math.fround;
  // Per spatial dim: for each output index, [i0, i1, w0, w1] (nearest: w1 = 0).
  const taps = outSizes.map((outN, d) => {
    const inN = inSizes[d];
    const given = scales[d];
    const list: Array<[number, number, number, number]> = [];
    if (mode === 'nearest') {
      const s = f(given !== null ? 1 / given : inN / outN);
      for (let o = 0; o < outN; o++) list.push([Math.min(Math.floor(f(o * s)), inN - 1), 0, 1, 0]);
      return list;
    }
    const s = align
      ? outN > 1
        ? f((inN - 1) / (outN - 1))
        : 0
      : f(given !== null ? 1 / given : inN / outN);
    for (let o = 0; o < outN; o++) {
      let src = align ? f(s * o) : f(f(s * f(o + 0.5)) - 0.5);
      if (src < 0) src = 0;
      const i0 = Math.floor(src);
      const i1 = i0 + (i0 < inN - 1 ? 1 : 0);
      const l1 = f(src - i0);
      list.push([i0, i1, f(1 - l1), l1]);
    }
    return list;
  });
  const inPlane = inSizes;
  const outPlane = outSizes;
  const inSize = inPlane.reduce((a, b) => a * b, 1);
  const outSize = outPlane.reduce((a, b) => a * b, 1);
  const map = buildPlaneMap(inSize, outSize, (r, push) => {
    if (spatial === 1) {
      const [i0, , w0] = taps[0][r];
      push(i0, w0);
      return;
    }
    const [h0, h1, hw0, hw1] = taps[0][Math.floor(r / outPlane[1])];
    const [w0i, w1i, ww0, ww1] = taps[1][r % outPlane[1]];
    const W = inPlane[1];
    push(h0 * W + w0i, f(hw0 * ww0));
    if (mode === 'bilinear') {
      push(h0 * W + w1i, f(hw0 * ww1));
      push(h1 * W + w0i, f(hw1 * ww0));
      push(h1 * W + w1i, f(hw1 * ww1));
    }
  });
  const name =
    mode === 'nearest' ? `UpsampleNearest${spatial}DBackward0` : 'UpsampleBilinear2DBackward0';
  return planeMapOp(input, map, inPlane, outPlane, name);
}
