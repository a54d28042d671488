/**
 * Per-sample gradient rules of the layers with parameters: from the input a layer saw and the
 * gradient that reached its output (both with the batch first), each trainable parameter's
 * gradient for every example. Rules exist for Linear, Conv1d, Conv2d, Embedding and LayerNorm;
 * the recurrent layers are handled in `recurrent.ts`.
 */
import { Tensor } from '../../../../tensor/tensor.js';
import { noGrad } from '../../../../autograd/grad-mode.js';
import type { Module } from '../../../../nn/module.js';
import { Linear } from '../../../../nn/layers.js';
import { Conv1d, Conv2d } from '../../../../nn/modules/conv.js';
import { Embedding } from '../../../../nn/modules/embedding.js';
import { LayerNorm } from '../../../../nn/modules/normalization.js';
import { layerNorm } from '../../../../nn/functional/normalization.js';
import { pad } from '../../../../nn/functional/resample.js';
import type { ConvGeometry } from '../../../../nn/functional/conv-kernels.js';
import { formatShape } from '../../../../tensor/shape.js';
import { convGradSample, embeddingGradSample, linearGradSample, sumRows } from './kernels.js';
import { accumulateGradSample } from './store.js';

/** Computes and stores (adds to `gradSample`) the per-sample gradients of one layer call. */
export type GradSampleRule = (module: Module, input: Tensor, gradOutput: Tensor) => void;

function store(p: Tensor | null, data: Float32Array, batch: number): void {
  if (p !== null && p.requiresGrad) accumulateGradSample(p, data, batch);
}

function needsBatch(layer: string, input: Tensor, minDims: number): void {
  if (input.dim() < minDims)
    throw new RangeError(
      `${layer}: per-sample gradients need a batched input (batch first), got shape ${formatShape(input.shape)}`,
    );
}

function linearRule(module: Module, input: Tensor, gradOutput: Tensor): void {
  const m = module as Linear;
  needsBatch('Linear', input, 2);
  const N = input.shape[0];
  const I = m.inFeatures;
  const O = m.outFeatures;
  const T = N === 0 ? 0 : input.numel() / (N * I);
  const { weight, bias } = linearGradSample(
    input._contiguousData(),
    gradOutput._contiguousData(),
    N,
    T,
    I,
    O,
    m.bias !== null && m.bias.requiresGrad,
  );
  store(m.weight, weight, N);
  if (bias !== null) store(m.bias, bias, N);
}

function convRule(module: Module, input: Tensor, gradOutput: Tensor): void {
  const m = module as Conv1d | Conv2d;
  const oneD = m instanceof Conv1d;
  const name = oneD ? 'Conv1d' : 'Conv2d';
  needsBatch(name, input, oneD ? 3 : 4);
  const k = m.kernelSize.length;
  // The padding before each spatial dim; zeros after it are implicit (the kernel bounds-checks).
  const before: number[] = [];
  const amounts: number[] = [];
  for (let d = k - 1; d >= 0; d--) {
    let lo = 0;
    let hi = 0;
    if (m.padding === 'same') {
      const total = m.dilation[d] * (m.kernelSize[d] - 1);
      lo = Math.floor(total / 2);
      hi = total - lo;
    } else if (m.padding !== 'valid') {
      lo = m.padding[d];
      hi = lo;
    }
    amounts.push(lo, hi);
    before.unshift(lo);
  }
  let x = input;
  let padding = before;
  if (m.paddingMode !== 'zeros') {
    // Other padding modes pad explicitly and convolve without padding, as the layer does.
    const mode = m.paddingMode;
    x = noGrad(() => pad(input, amounts, { mode }));
    padding = before.map(() => 0);
  }
  const x4 = oneD ? x.unsqueeze(2) : x;
  const g4 = oneD ? gradOutput.unsqueeze(2) : gradOutput;
  const [n, c, h, w] = x4.shape;
  const [, o, oh, ow] = g4.shape;
  const geometry: ConvGeometry = {
    n,
    c,
    h,
    w,
    o,
    kh: oneD ? 1 : m.kernelSize[0],
    kw: m.kernelSize[k - 1],
    sh: oneD ? 1 : m.stride[0],
    sw: m.stride[k - 1],
    ph: oneD ? 0 : padding[0],
    pw: padding[k - 1],
    dh: oneD ? 1 : m.dilation[0],
    dw: m.dilation[k - 1],
    groups: m.groups,
    oh,
    ow,
  };
  if (m.weight.requiresGrad) {
    const data = convGradSample(
      geometry,
      { buffer: x4.buffer, offset: x4.offset, strides: x4.strides },
      g4._contiguousData(),
    );
    store(m.weight, data, n);
  }
  if (m.bias !== null && m.bias.requiresGrad) store(m.bias, biasOfConv(g4, n, o, oh * ow), n);
}

/** bias[n, o] = Σ_positions gy[n, o, ·]. */
function biasOfConv(g4: Tensor, n: number, o: number, positions: number): Float32Array {
  const gy = g4._contiguousData();
  const out = new Float32Array(n * o);
  for (let r = 0; r < n * o; r++) {
    let s = 0;
    const base = r * positions;
    for (let j = 0; j < positions; j++) s += gy[base + j];
    out[r] = s;
  }
  return out;
}

function embeddingRule(module: Module, input: Tensor, gradOutput: Tensor): void {
  const m = module as Embedding;
  needsBatch('Embedding', input, 1);
  const N = input.shape[0];
  const T = N === 0 ? 0 : input.numel() / N;
  const data = embeddingGradSample(
    input._contiguousData(),
    gradOutput._contiguousData(),
    N,
    T,
    m.numEmbeddings,
    m.embeddingDim,
    m.paddingIdx,
  );
  store(m.weight, data, N);
}

function layerNormRule(module: Module, input: Tensor, gradOutput: Tensor): void {
  const m = module as LayerNorm;
  needsBatch('LayerNorm', input, m.normalizedShape.length + 1);
  const N = input.shape[0];
  const J = m.normalizedShape.reduce((a, b) => a * b, 1);
  const R = N === 0 || J === 0 ? 0 : input.numel() / (N * J);
  const g = gradOutput._contiguousData();
  if (m.weight !== null && m.weight.requiresGrad) {
    const normalized = noGrad(() => layerNorm(input, m.normalizedShape, null, null, m.eps));
    const xhat = normalized._contiguousData();
    const prod = new Float32Array(g.length);
    for (let i = 0; i < prod.length; i++) prod[i] = g[i] * xhat[i];
    store(m.weight, sumRows(prod, N, R, J), N);
  }
  if (m.bias !== null && m.bias.requiresGrad) store(m.bias, sumRows(g, N, R, J), N);
}

/** The rule of a layer, or null when the layer has none. */
export function ruleFor(module: Module): GradSampleRule | null {
  if (module instanceof Linear) return linearRule;
  if (module instanceof Conv1d || module instanceof Conv2d) return convRule;
  if (module instanceof Embedding) return embeddingRule;
  if (module instanceof LayerNorm) return layerNormRule;
  return null;
}
