/**
 * Per-sample gradient kernels: one gradient per example from a layer's input activations and the
 * gradient reaching its output, without a backward pass per example. Plain Float32Array loops and
 * the convolution's own weight-adjoint kernel; nothing here is recorded by autograd.
 */
import {
  convWeightAdjointKernel,
  type ConvGeometry,
} from '../../../../nn/functional/conv-kernels.js';

/**
 * out[n, o, i] = Σₜ g[n, t, o] · x[n, t, i] (and bias[n, o] = Σₜ g[n, t, o]): the per-sample
 * gradient of a linear map applied to `T` positions of each example.
 *
 * @param x - Contiguous `[N, T, I]` activations.
 * @param g - Contiguous `[N, T, O]` output gradients.
 * @returns `{ weight: [N, O, I], bias: [N, O] }` as flat arrays.
 */
export function linearGradSample(
  x: Float32Array,
  g: Float32Array,
  N: number,
  T: number,
  I: number,
  O: number,
  withBias: boolean,
): { weight: Float32Array; bias: Float32Array | null } {
  const weight = new Float32Array(N * O * I);
  const bias = withBias ? new Float32Array(N * O) : null;
  for (let n = 0; n < N; n++) {
    const wBase = n * O * I;
    for (let t = 0; t < T; t++) {
      const xBase = (n * T + t) * I;
      const gBase = (n * T + t) * O;
      for (let o = 0; o < O; o++) {
        const go = g[gBase + o];
        if (bias !== null) bias[n * O + o] += go;
        if (go === 0) continue;
        const row = wBase + o * I;
        for (let i = 0; i < I; i++) weight[row + i] += go * x[xBase + i];
      }
    }
  }
  return { weight, bias };
}

/**
 * The per-sample weight gradient of a 2-D convolution: the convolution's weight adjoint run on
 * each example alone.
 *
 * @param g - The geometry of the whole batch (`g.n` examples).
 * @param x - The (padded as the layer saw it) input `[n, c, h, w]`, any strides.
 * @param gy - Contiguous output gradients `[n, o, oh, ow]`.
 * @returns `[n, o, c/groups, kh, kw]` flat.
 */
export function convGradSample(
  g: ConvGeometry,
  x: { buffer: Float32Array; offset: number; strides: readonly number[] },
  gy: Float32Array,
): Float32Array {
  const per = g.o * (g.c / g.groups) * g.kh * g.kw;
  const out = new Float32Array(g.n * per);
  const single: ConvGeometry = { ...g, n: 1 };
  const L = g.o * g.oh * g.ow;
  for (let s = 0; s < g.n; s++) {
    const one = convWeightAdjointKernel(
      single,
      { buffer: x.buffer, offset: x.offset + s * x.strides[0], strides: x.strides },
      gy.subarray(s * L, (s + 1) * L),
    );
    out.set(one, s * per);
  }
  return out;
}

/**
 * Per-sample embedding gradient: row `idx[n, t]` of example n's gradient gets `g[n, t, :]`.
 *
 * @param idx - Contiguous `[N, T]` indices (float32 integers).
 * @param g - Contiguous `[N, T, D]` output gradients.
 * @param paddingIdx - A row that never receives gradient, or null.
 * @returns `[N, V, D]` flat.
 */
export function embeddingGradSample(
  idx: Float32Array,
  g: Float32Array,
  N: number,
  T: number,
  V: number,
  D: number,
  paddingIdx: number | null,
): Float32Array {
  const out = new Float32Array(N * V * D);
  for (let n = 0; n < N; n++) {
    for (let t = 0; t < T; t++) {
      const row = idx[n * T + t];
      if (row === paddingIdx) continue;
      const dst = (n * V + row) * D;
      const src = (n * T + t) * D;
      for (let d = 0; d < D; d++) out[dst + d] += g[src + d];
    }
  }
  return out;
}

/**
 * out[n, j] = Σ_r a[n, r, j]: sums each example's rows (the positions a parameter is shared over).
 *
 * @param a - Contiguous `[N, R, J]`.
 * @returns `[N, J]` flat.
 */
export function sumRows(a: Float32Array, N: number, R: number, J: number): Float32Array {
  const out = new Float32Array(N * J);
  for (let n = 0; n < N; n++) {
    const dst = n * J;
    for (let r = 0; r < R; r++) {
      const src = (n * R + r) * J;
      for (let j = 0; j < J; j++) out[dst + j] += a[src + j];
    }
  }
  return out;
}
