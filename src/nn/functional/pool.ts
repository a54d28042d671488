/** Pooling: `maxPool1d maxPool2d avgPool1d avgPool2d adaptiveAvgPool2d`, windows exactly as PyTorch's. */
import { record } from '../../autograd/node.js';
import { Tensor, assertTensor, describe } from '../../tensor/tensor.js';
import { checkOptions } from '../../tensor/options.js';
import { formatShape } from '../../tensor/shape.js';
import { squeeze, unsqueeze } from '../../ops/views.js';
import { expandSize, type SizeArg } from './conv.js';
import { buildPlaneMap, planeMapOp } from './plane-map.js';
import { allocForWrite, allocZeroed } from '../../tensor/kernels/arena.js';

/** Options of `maxPool1d`/`maxPool2d`. */
export interface MaxPoolOptions {
  /** Step between windows (default: the kernel size). */
  stride?: SizeArg | null;
  /** Implicit −∞ padding on both sides (default 0, at most half the kernel). */
  padding?: SizeArg;
  /** Spacing between window elements (default 1). */
  dilation?: SizeArg;
  /** Round the output size up instead of down (default false). */
  ceilMode?: boolean;
  /** Also return the flat per-plane index of each maximum (default false). */
  returnIndices?: boolean;
}

/** Options of `avgPool1d`/`avgPool2d`. */
export interface AvgPoolOptions {
  /** Step between windows (default: the kernel size). */
  stride?: SizeArg | null;
  /** Implicit zero padding on both sides (default 0, at most half the kernel). */
  padding?: SizeArg;
  /** Round the output size up instead of down (default false). */
  ceilMode?: boolean;
  /** Count padded zeros in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide by this instead of the window size (2-D only). */
  divisorOverride?: number | null;
}

const SIZE = 'integer|number[]';
const MAX_SPEC = {
  stride: `${SIZE}|null`,
  padding: SIZE,
  dilation: SIZE,
  ceilMode: 'boolean',
  returnIndices: 'boolean',
};
const AVG_SPEC = {
  stride: `${SIZE}|null`,
  padding: SIZE,
  ceilMode: 'boolean',
  countIncludePad: 'boolean',
  divisorOverride: 'integer|null',
};

/** PyTorch's pooling_output_shape: the last window must start inside the input or left padding. */
export function poolOutputSize(
  size: number,
  k: number,
  pad: number,
  stride: number,
  dilation: number,
  ceil: boolean,
): number {
  const num = size + 2 * pad - dilation * (k - 1) - 1 + (ceil ? stride - 1 : 0);
  let out = Math.floor(num / stride) + 1;
  if (ceil && (out - 1) * stride >= size + pad) out--;
  return out;
}

interface PoolGeometry {
  k: number[];
  s: number[];
  p: number[];
  d: number[];
  out: number[];
}

function poolGeometry(
  fn: string,
  x: Tensor,
  spatial: 1 | 2,
  kernelSize: SizeArg,
  stride: SizeArg | null | undefined,
  padding: SizeArg,
  dilation: SizeArg,
  ceil: boolean,
): PoolGeometry {
  const k = expandSize(fn, 'kernel_size', kernelSize, spatial);
  const s =
    stride === null || stride === undefined || (Array.isArray(stride) && stride.length === 0)
      ? k
      : expandSize(fn, 'stride', stride, spatial);
  const p = expandSize(fn, 'padding', padding, spatial);
  const d = expandSize(fn, 'dilation', dilation, spatial);
  if (k.some((v) => v <= 0))
    throw new RangeError(`${fn}: kernel_size must be greater than zero, but got [${k.join(', ')}]`);
  if (s.some((v) => v <= 0))
    throw new RangeError(`${fn}: stride must be greater than zero, but got [${s.join(', ')}]`);
  if (d.some((v) => v <= 0))
    throw new RangeError(`${fn}: dilation must be greater than zero, but got [${d.join(', ')}]`);
  if (p.some((v, i) => v < 0 || v > Math.floor(k[i] / 2))) {
    throw new RangeError(
      `${fn}: pad should be at most half of effective kernel size, but got pad=${p.join(', ')}, kernel_size=${k.join(', ')} and dilation=${d.join(', ')}`,
    );
  }
  const rank = spatial + 2;
  const nonEmpty = x.shape.slice(1).every((v) => v > 0);
  if ((x.dim() !== rank && x.dim() !== rank - 1) || !nonEmpty) {
    throw new RangeError(
      `${fn}: Expected ${rank - 1}D or ${rank}D (batch mode) tensor with optional 0 dim batch size for input, but got: ${formatShape(x.shape)}`,
    );
  }
  const sizes = x.shape.slice(x.dim() - spatial);
  const out = sizes.map((v, i) => poolOutputSize(v, k[i], p[i], s[i], d[i], ceil));
  if (out.some((v) => v <= 0)) {
    throw new RangeError(
      `${fn}: Given input size: (${x.shape.slice(x.dim() - spatial - 1).join('x')}). Calculated output size: (${[x.shape[x.dim() - spatial - 1], ...out].join('x')}). Output size is too small`,
    );
  }
  return { k, s, p, d, out };
}

/** Lifts a 1-D pooling input `[.., L]` to 2-D `[.., 1, L]` and its geometry with it. */
function lift(g: PoolGeometry): PoolGeometry {
  return {
    k: [1, g.k[0]],
    s: [1, g.s[0]],
    p: [0, g.p[0]],
    d: [1, g.d[0]],
    out: [1, g.out[0]],
  };
}

// ---- Max pooling -----------------------------------------------------------------------------

/** Per-plane gather: out[p, r] = x[p, idx[p, r]]. Its derivative is `planeScatterAdd`. */
function planeGather(x: Tensor, idx: Tensor): Tensor {
  const xs = x._contiguousData();
  const is = idx._contiguousData();
  const inSize = x.shape.at(-1)! * x.shape.at(-2)!;
  const outSize = idx.shape.at(-1)! * idx.shape.at(-2)!;
  const out = allocForWrite(is.length);
  for (let i = 0, base = 0; i < is.length; base += inSize) {
    for (let end = i + outSize; i < end; i++) out[i] = xs[base + is[i]];
  }
  return record(
    Tensor._fromData(out, idx.shape),
    'GatherBackward0',
    [x],
    (g, [si]) => [planeScatterAdd(g, si!, x.shape)],
    [idx],
  );
}

/** Per-plane scatter-add of `g` at `idx` into zeros of `shape`: max pooling's input gradient. */
function planeScatterAdd(g: Tensor, idx: Tensor, shape: readonly number[]): Tensor {
  const gs = g._contiguousData();
  const is = idx._contiguousData();
  const inSize = shape.at(-1)! * shape.at(-2)!;
  const outSize = idx.shape.at(-1)! * idx.shape.at(-2)!;
  const out = allocZeroed(shape.reduce((a, b) => a * b, 1));
  for (let i = 0, base = 0; i < is.length; base += inSize) {
    for (let end = i + outSize; i < end; i++) out[base + is[i]] += gs[i];
  }
  return record(
    Tensor._fromData(out, shape),
    'MaxPool2DWithIndicesBackwardBackward0',
    [g],
    (u, [si]) => [planeGather(u, si!)],
    [idx],
  );
}

/** Max over each window of a `[P, H, W]`-shaped tensor; NaN wins, as in PyTorch. */
function maxPoolKernel(x: Tensor, g: PoolGeometry): { values: Tensor; indices: Tensor } {
  const H = x.shape.at(-2)!;
  const W = x.shape.at(-1)!;
  const lead = x.shape.slice(0, -2);
  const planes = lead.reduce((a, b) => a * b, 1);
  const [OH, OW] = g.out;
  const xs = x._contiguousData();
  const values = allocForWrite(planes * OH * OW);
  const indices = allocForWrite(planes * OH * OW);
  // Geometry in locals: the inner loops read nothing but typed arrays and small integers.
  const [sh, sw] = g.s;
  const [ph, pw] = g.p;
  const [dh, dw] = g.d;
  const spanH = (g.k[0] - 1) * dh + 1;
  const spanW = (g.k[1] - 1) * dw + 1;
  let o = 0;
  if (g.k[0] === 2 && g.k[1] === 2 && sh === 2 && sw === 2 && ph + pw === 0 && dh * dw === 1) {
    // The common 2×2 pool, unrolled: the same comparisons in the same order as the loops below
    // (the first element cannot lose to -inf, and keeps its place when it is -inf).
    for (let pl = 0; pl < planes; pl++) {
      const base = pl * H * W;
      for (let i = 0; i < OH; i++) {
        for (let j = 0, at = 2 * i * W + 2 * j; j < OW; j++, o++, at += 2) {
          const p = base + at;
          let best = xs[p]!;
          let arg = at;
          const b = xs[p + 1]!;
          if (b > best || b !== b) [best, arg] = [b, at + 1];
          const c = xs[p + W]!;
          if (c > best || c !== c) [best, arg] = [c, at + W];
          const d = xs[p + W + 1]!;
          if (d > best || d !== d) [best, arg] = [d, at + W + 1];
          values[o] = best;
          indices[o] = arg;
        }
      }
    }
    const shape = [...lead, OH, OW];
    return { values: Tensor._fromData(values, shape), indices: Tensor._fromData(indices, shape) };
  }
  for (let pl = 0; pl < planes; pl++) {
    const base = pl * H * W;
    for (let i = 0; i < OH; i++) {
      let hs = i * sh - ph;
      const he = Math.min(hs + spanH, H);
      while (hs < 0) hs += dh;
      for (let j = 0; j < OW; j++, o++) {
        let ws = j * sw - pw;
        const we = Math.min(ws + spanW, W);
        while (ws < 0) ws += dw;
        let best = -Infinity;
        let at = hs * W + ws;
        for (let y = hs; y < he; y += dh) {
          const row = y * W;
          for (let xx = ws; xx < we; xx += dw) {
            const v = xs[base + row + xx];
            // A NaN always takes over (a later NaN too), as PyTorch's kernel does.
            if (v > best || v !== v) {
              best = v;
              at = row + xx;
            }
          }
        }
        values[o] = best;
        indices[o] = at;
      }
    }
  }
  const shape = [...lead, OH, OW];
  return { values: Tensor._fromData(values, shape), indices: Tensor._fromData(indices, shape) };
}

function maxPool(
  fn: string,
  spatial: 1 | 2,
  input: Tensor,
  kernelSize: SizeArg,
  options: MaxPoolOptions | undefined,
): Tensor | [Tensor, Tensor] {
  assertTensor(input, fn, 'input to be a Tensor');
  const opts = checkOptions<MaxPoolOptions>(fn, options, MAX_SPEC);
  let g = poolGeometry(
    fn,
    input,
    spatial,
    kernelSize,
    opts.stride,
    opts.padding ?? 0,
    opts.dilation ?? 1,
    opts.ceilMode ?? false,
  );
  let x = input;
  if (spatial === 1) {
    x = unsqueeze(x, -2);
    g = lift(g);
  }
  const { values, indices } = maxPoolKernel(x, g);
  const shape = x.shape;
  let out = record(
    values,
    spatial === 1 ? 'MaxPool1DWithIndicesBackward0' : 'MaxPool2DWithIndicesBackward0',
    [x],
    (grad, [si]) => [planeScatterAdd(grad, si!, shape)],
    [indices],
  );
  let idx = indices;
  if (spatial === 1) {
    out = squeeze(out, -2);
    idx = squeeze(idx, -2);
  }
  return opts.returnIndices === true ? [out, idx] : out;
}

/**
 * 1-D max pooling over `[N, C, L]` or `[C, L]`: `torch.nn.functional.max_pool1d`.
 *
 * @param input - The input.
 * @param kernelSize - Window length.
 * @param options - `stride` (kernelSize), `padding` (0), `dilation` (1), `ceilMode` (false), `returnIndices` (false).
 * @returns The pooled tensor, or `[output, indices]` with `returnIndices`.
 * @throws RangeError on invalid sizes, as PyTorch.
 */
export function maxPool1d(
  input: Tensor,
  kernelSize: SizeArg,
  options: MaxPoolOptions & { returnIndices: true },
): [Tensor, Tensor];
export function maxPool1d(input: Tensor, kernelSize: SizeArg, options?: MaxPoolOptions): Tensor;
export function maxPool1d(
  input: Tensor,
  kernelSize: SizeArg,
  options?: MaxPoolOptions,
): Tensor | [Tensor, Tensor] {
  return maxPool('maxPool1d', 1, input, kernelSize, options);
}

/**
 * 2-D max pooling over `[N, C, H, W]` or `[C, H, W]`: `torch.nn.functional.max_pool2d`. Indices
 * are flat positions within each `H × W` plane, as PyTorch's.
 *
 * @param input - The input.
 * @param kernelSize - Window size (one number or `[kH, kW]`).
 * @param options - `stride` (kernelSize), `padding` (0), `dilation` (1), `ceilMode` (false), `returnIndices` (false).
 * @returns The pooled tensor, or `[output, indices]` with `returnIndices`.
 * @throws RangeError on invalid sizes, as PyTorch.
 * @example
 * const [y, idx] = maxPool2d(x, 2, { returnIndices: true });
 */
export function maxPool2d(
  input: Tensor,
  kernelSize: SizeArg,
  options: MaxPoolOptions & { returnIndices: true },
): [Tensor, Tensor];
export function maxPool2d(input: Tensor, kernelSize: SizeArg, options?: MaxPoolOptions): Tensor;
export function maxPool2d(
  input: Tensor,
  kernelSize: SizeArg,
  options?: MaxPoolOptions,
): Tensor | [Tensor, Tensor] {
  return maxPool('maxPool2d', 2, input, kernelSize, options);
}

// ---- Average pooling -------------------------------------------------------------------------

function avgPool(
  fn: string,
  spatial: 1 | 2,
  input: Tensor,
  kernelSize: SizeArg,
  options: AvgPoolOptions | undefined,
): Tensor {
  assertTensor(input, fn, 'input to be a Tensor');
  const opts = checkOptions<AvgPoolOptions>(fn, options, AVG_SPEC);
  const divisorOverride = opts.divisorOverride ?? null;
  if (divisorOverride !== null && (spatial === 1 || divisorOverride === 0)) {
    throw new RangeError(
      spatial === 1
        ? `${fn}: divisorOverride is only supported by avg_pool2d`
        : `${fn}: divisor must be not zero`,
    );
  }
  let g = poolGeometry(
    fn,
    input,
    spatial,
    kernelSize,
    opts.stride,
    opts.padding ?? 0,
    1,
    opts.ceilMode ?? false,
  );
  const includePad = opts.countIncludePad ?? true;
  const x = spatial === 1 ? unsqueeze(input, -2) : input;
  if (spatial === 1) g = lift(g);
  const H = x.shape.at(-2)!;
  const W = x.shape.at(-1)!;
  const [OH, OW] = g.out;
  const divisor = new Float32Array(OH * OW);
  const map = buildPlaneMap(
    H * W,
    OH * OW,
    (r, push) => {
      const i = Math.floor(r / OW);
      const j = r % OW;
      let hs = i * g.s[0] - g.p[0];
      let ws = j * g.s[1] - g.p[1];
      let he = Math.min(hs + g.k[0], H + g.p[0]);
      let we = Math.min(ws + g.k[1], W + g.p[1]);
      const poolSize = (he - hs) * (we - ws);
      hs = Math.max(hs, 0);
      ws = Math.max(ws, 0);
      he = Math.min(he, H);
      we = Math.min(we, W);
      divisor[r] = divisorOverride ?? (includePad ? poolSize : (he - hs) * (we - ws));
      for (let y = hs; y < he; y++) for (let xx = ws; xx < we; xx++) push(y * W + xx, 1);
    },
    divisor,
  );
  const out = planeMapOp(
    x,
    map,
    [H, W],
    [OH, OW],
    spatial === 1 ? 'AvgPool2DBackward0' : 'AvgPool2DBackward0',
  );
  return spatial === 1 ? squeeze(out, -2) : out;
}

/**
 * 1-D average pooling: `torch.nn.functional.avg_pool1d`.
 *
 * @param input - `[N, C, L]` or `[C, L]`.
 * @param kernelSize - Window length.
 * @param options - `stride` (kernelSize), `padding` (0), `ceilMode` (false), `countIncludePad` (true).
 * @returns The pooled tensor.
 * @throws RangeError on invalid sizes, as PyTorch.
 */
export function avgPool1d(input: Tensor, kernelSize: SizeArg, options?: AvgPoolOptions): Tensor {
  return avgPool('avgPool1d', 1, input, kernelSize, options);
}

/**
 * 2-D average pooling: `torch.nn.functional.avg_pool2d`.
 *
 * @param input - `[N, C, H, W]` or `[C, H, W]`.
 * @param kernelSize - Window size.
 * @param options - `stride` (kernelSize), `padding` (0), `ceilMode` (false), `countIncludePad`
 *   (true), `divisorOverride` (null).
 * @returns The pooled tensor.
 * @throws RangeError on invalid sizes, as PyTorch.
 * @example
 * const y = avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true });
 */
export function avgPool2d(input: Tensor, kernelSize: SizeArg, options?: AvgPoolOptions): Tensor {
  return avgPool('avgPool2d', 2, input, kernelSize, options);
}

/**
 * Adaptive 2-D average pooling to a fixed output size: `torch.nn.functional.adaptive_avg_pool2d`.
 * Window `i` spans `[floor(i·H/OH), ceil((i+1)·H/OH))`.
 *
 * @param input - `[N, C, H, W]` or `[C, H, W]`.
 * @param outputSize - `OH` for a square output, or `[OH, OW]` where null keeps the input size.
 * @returns `[.., OH, OW]`.
 * @throws RangeError on a bad rank or output size.
 * @example
 * const pooled = adaptiveAvgPool2d(features, 1); // global average pooling
 */
export function adaptiveAvgPool2d(
  input: Tensor,
  outputSize: number | readonly (number | null)[],
): Tensor {
  const fn = 'adaptiveAvgPool2d';
  assertTensor(input, fn, 'input to be a Tensor');
  if ((input.dim() !== 3 && input.dim() !== 4) || input.shape.slice(-2).some((v) => v === 0)) {
    throw new RangeError(
      `${fn}: Expected 3D or 4D tensor, with non-zero sizes in the spatial dims, but input has sizes ${formatShape(input.shape)}`,
    );
  }
  const H = input.shape.at(-2)!;
  const W = input.shape.at(-1)!;
  const list = typeof outputSize === 'number' ? [outputSize, outputSize] : [...outputSize];
  if (list.length !== 2)
    throw new RangeError(`${fn}: output_size must be 2, got ${describe(outputSize)}`);
  const OH = list[0] ?? H;
  const OW = list[1] ?? W;
  if (!Number.isInteger(OH) || !Number.isInteger(OW) || OH < 0 || OW < 0)
    throw new RangeError(
      `${fn}: output_size must be non-negative integers, got [${list.join(', ')}]`,
    );
  const divisor = new Float32Array(OH * OW);
  const map = buildPlaneMap(
    H * W,
    OH * OW,
    (r, push) => {
      const i = Math.floor(r / OW);
      const j = r % OW;
      const hs = Math.floor((i * H) / OH);
      const he = Math.ceil(((i + 1) * H) / OH);
      const ws = Math.floor((j * W) / OW);
      const we = Math.ceil(((j + 1) * W) / OW);
      divisor[r] = (he - hs) * (we - ws);
      for (let y = hs; y < he; y++) for (let xx = ws; xx < we; xx++) push(y * W + xx, 1);
    },
    divisor,
  );
  return planeMapOp(input, map, [H, W], [OH, OW], 'AdaptiveAvgPool2DBackward0');
}
