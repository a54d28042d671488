/**
 * Per-sample gradients of the recurrent layers (`nn.RNN`, `nn.LSTM`, `nn.GRU`). A recurrent
 * layer reuses its weights at every time step, so an example's gradient is the sum over steps of
 * per-step outer products: W_ih's from each step's input and the gradient of its input projection,
 * W_hh's from the previous hidden state and the gradient of the hidden projection — what Opacus's
 * DPRNN/DPLSTM/DPGRU obtain by building the layer from linear maps. Here the layer itself is kept
 * (same parameters, names and state dict): while it is private, its `forward` is replaced on the
 * instance by an equivalent one that exposes those projections to gradient hooks. Outside grad
 * mode the layer's own forward runs.
 */
import { Tensor, describe } from '../../../../tensor/tensor.js';
import { zeros } from '../../../../tensor/creation.js';
import { formatShape, sameShape } from '../../../../tensor/shape.js';
import { isGradEnabled } from '../../../../autograd/grad-mode.js';
import { add, mul, relu, sigmoid, sub, tanh } from '../../../../ops/elementwise.js';
import { cat, stack } from '../../../../ops/join.js';
import { linear } from '../../../../nn/functional.js';
import { dropout } from '../../../../nn/functional/dropout.js';
import { RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell } from '../../../../nn/modules/rnn.js';
import { linearGradSample } from './kernels.js';
import { accumulateGradSample } from './store.js';

/** The recurrent layers with a per-sample gradient rule. */
export type RecurrentLayer = RNN | LSTM | GRU;

/** The recurrent cells with a per-sample gradient rule. */
export type RecurrentCell = RNNCell | LSTMCell | GRUCell;

/** Whether `m` is a recurrent layer or cell this file instruments. */
export function isRecurrent(m: unknown): m is RecurrentLayer | RecurrentCell {
  return (
    m instanceof RNN ||
    m instanceof LSTM ||
    m instanceof GRU ||
    m instanceof RNNCell ||
    m instanceof LSTMCell ||
    m instanceof GRUCell
  );
}

type Weights = RecurrentLayer['_layers'][number][number];

/** One step from the input projection and the hidden projection `hw` (the layer's own formulas). */
function cellStep(
  kind: RecurrentLayer['_kind'],
  projectedInput: Tensor,
  hw: Tensor,
  h: Tensor,
  c: Tensor | null,
): [Tensor, Tensor | null] {
  const H = h.shape[h.dim() - 1];
  const last = hw.dim() - 1;
  switch (kind) {
    case 'RNN_TANH':
      return [tanh(add(projectedInput, hw)), null];
    case 'RNN_RELU':
      return [relu(add(projectedInput, hw)), null];
    case 'LSTM': {
      const gates = add(hw, projectedInput);
      const i = sigmoid(gates.narrow(last, 0, H));
      const f = sigmoid(gates.narrow(last, H, H));
      const g = tanh(gates.narrow(last, 2 * H, H));
      const o = sigmoid(gates.narrow(last, 3 * H, H));
      const cy = add(mul(f, c as Tensor), mul(i, g));
      return [mul(o, tanh(cy)), cy];
    }
    case 'GRU': {
      const r = sigmoid(add(projectedInput.narrow(last, 0, H), hw.narrow(last, 0, H)));
      const z = sigmoid(add(projectedInput.narrow(last, H, H), hw.narrow(last, H, H)));
      const n = tanh(add(projectedInput.narrow(last, 2 * H, H), mul(r, hw.narrow(last, 2 * H, H))));
      return [add(n, mul(z, sub(h, n))), null];
    }
  }
}

/** Adds Σₜ gₜ ⊗ xₜ per example to the weight's (and Σₜ gₜ to the bias's) gradSample. */
function addLinearSample(
  weight: Tensor,
  bias: Tensor | null,
  x: Float32Array,
  g: Float32Array,
  N: number,
  T: number,
  scale: number,
): void {
  const I = weight.shape[1];
  const O = weight.shape[0];
  const withBias = bias !== null && bias.requiresGrad;
  const out = linearGradSample(x, g, N, T, I, O, withBias);
  if (scale !== 1) {
    for (let i = 0; i < out.weight.length; i++) out.weight[i] *= scale;
    if (out.bias) for (let i = 0; i < out.bias.length; i++) out.bias[i] *= scale;
  }
  if (weight.requiresGrad) accumulateGradSample(weight, out.weight, N);
  if (withBias && out.bias) accumulateGradSample(bias, out.bias, N);
}

function runRecurrent(
  m: RecurrentLayer,
  op: string,
  input: Tensor,
  hx: Tensor | null,
  cx: Tensor | null,
  lossReduction: 'mean' | 'sum',
): { output: Tensor; h: Tensor; c: Tensor | null } {
  if (!(input instanceof Tensor))
    throw new TypeError(`${op}: input must be a Tensor, got ${describe(input)}`);
  if (input.dim() !== 3)
    throw new RangeError(
      `${op}: per-sample gradients need a batched 3-D input, got shape ${formatShape(input.shape)}`,
    );
  let x = m.batchFirst ? input.transpose(0, 1) : input;
  if (x.shape[2] !== m.inputSize)
    throw new RangeError(
      `${op}: input.size(-1) must be equal to input_size. Expected ${m.inputSize}, got ${x.shape[2]}`,
    );
  const [L, N] = x.shape;
  const dirs = m.bidirectional ? 2 : 1;
  const H = m.hiddenSize;
  const stateShape = [m.numLayers * dirs, N, H];
  const prepare = (s: Tensor | null, name: string): Tensor => {
    if (s === null || s === undefined) return zeros(stateShape);
    if (!(s instanceof Tensor))
      throw new TypeError(`${op}: ${name} must be a Tensor, got ${describe(s)}`);
    if (!sameShape(s.shape, stateShape))
      throw new RangeError(
        `${op}: Expected hidden size ${formatShape(stateShape)}, got ${formatShape(s.shape)}`,
      );
    return s;
  };
  const isLstm = m._kind === 'LSTM';
  const h0 = prepare(hx, isLstm ? 'hx[0]' : 'hx');
  const c0 = isLstm ? prepare(cx, 'hx[1]') : null;
  const scale = lossReduction === 'mean' ? N : 1;
  const hN: Tensor[] = [];
  const cN: Tensor[] = [];
  for (let layer = 0; layer < m.numLayers; layer++) {
    const dirOutputs: Tensor[][] = [];
    for (let d = 0; d < dirs; d++) {
      const w: Weights = m._layers[layer][d];
      const k = layer * dirs + d;
      const inSize = x.shape[2];
      const projected = linear(x.reshape(L * N, inSize), w.wIh, w.bIh).reshape(L, N, -1);
      if (projected.requiresGrad) {
        const xs = x.detach();
        projected.registerHook((g) => {
          // Batch first for the kernel: [N, L, ·].
          addLinearSample(
            w.wIh,
            w.bIh,
            xs.transpose(0, 1)._contiguousData(),
            g.transpose(0, 1)._contiguousData(),
            N,
            L,
            scale,
          );
          return undefined;
        });
      }
      let h = h0.select(0, k);
      let c = c0 === null ? null : c0.select(0, k);
      const outputs: Tensor[] = new Array<Tensor>(L);
      for (let s = 0; s < L; s++) {
        const t = d === 0 ? s : L - 1 - s;
        const hw = linear(h, w.wHh, w.bHh);
        if (hw.requiresGrad) {
          const hPrev = h.detach();
          hw.registerHook((g) => {
            addLinearSample(
              w.wHh,
              w.bHh,
              hPrev._contiguousData(),
              g._contiguousData(),
              N,
              1,
              scale,
            );
            return undefined;
          });
        }
        [h, c] = cellStep(m._kind, projected.select(0, t), hw, h, c);
        outputs[t] = h;
      }
      hN.push(h);
      if (c !== null) cN.push(c);
      dirOutputs.push(outputs);
    }
    const steps =
      dirs === 1 ? dirOutputs[0] : dirOutputs[0].map((fwd, t) => cat([fwd, dirOutputs[1][t]], 1));
    x = L === 0 ? zeros(0, N, H * dirs) : stack(steps, 0);
    if (m.dropout > 0 && m.training && layer < m.numLayers - 1) x = dropout(x, m.dropout, true);
  }
  let output = x;
  if (m.batchFirst) output = output.transpose(0, 1);
  return { output, h: stack(hN, 0), c: c0 === null ? null : stack(cN, 0) };
}

/** One cell step with hooked projections; a cell called at every time step accumulates. */
function runCell(
  m: RecurrentCell,
  op: string,
  input: Tensor,
  hx: Tensor | null,
  cx: Tensor | null,
  lossReduction: 'mean' | 'sum',
): [Tensor, Tensor | null] {
  if (!(input instanceof Tensor))
    throw new TypeError(`${op}: input must be a Tensor, got ${describe(input)}`);
  if (input.dim() !== 2)
    throw new RangeError(
      `${op}: per-sample gradients need a batched 2-D input, got shape ${formatShape(input.shape)}`,
    );
  if (input.shape[1] !== m.inputSize)
    throw new RangeError(
      `${op}: input has inconsistent input_size: got ${input.shape[1]} expected ${m.inputSize}`,
    );
  const N = input.shape[0];
  const shape = [N, m.hiddenSize];
  const prepare = (s: Tensor | null, name: string): Tensor => {
    if (s === null || s === undefined) return zeros(shape);
    if (!(s instanceof Tensor) || !sameShape(s.shape, shape))
      throw new RangeError(`${op}: Expected ${name} of shape ${formatShape(shape)}`);
    return s;
  };
  const isLstm = m._kind === 'LSTM';
  const h = prepare(hx, isLstm ? 'hx[0]' : 'hx');
  const c = isLstm ? prepare(cx, 'hx[1]') : null;
  const scale = lossReduction === 'mean' ? N : 1;
  const projected = linear(input, m.weight_ih, m.bias_ih);
  if (projected.requiresGrad) {
    const xs = input.detach();
    projected.registerHook((g) => {
      addLinearSample(
        m.weight_ih,
        m.bias_ih,
        xs._contiguousData(),
        g._contiguousData(),
        N,
        1,
        scale,
      );
      return undefined;
    });
  }
  const hw = linear(h, m.weight_hh, m.bias_hh);
  if (hw.requiresGrad) {
    const hs = h.detach();
    hw.registerHook((g) => {
      addLinearSample(
        m.weight_hh,
        m.bias_hh,
        hs._contiguousData(),
        g._contiguousData(),
        N,
        1,
        scale,
      );
      return undefined;
    });
  }
  return cellStep(m._kind, projected, hw, h, c);
}

/**
 * Makes a recurrent cell record per-sample gradients: replaces its `forward` on the instance.
 *
 * @param m - An `nn.RNNCell`, `nn.LSTMCell` or `nn.GRUCell`.
 * @param lossReduction - How the loss reduces over the batch.
 * @returns A function restoring the cell's own forward.
 */
export function instrumentCell(m: RecurrentCell, lossReduction: 'mean' | 'sum'): () => void {
  const own = Object.getPrototypeOf(m) as { forward: (...a: unknown[]) => unknown };
  const op = m instanceof LSTMCell ? 'LSTMCell' : m instanceof GRUCell ? 'GRUCell' : 'RNNCell';
  const forward = (input: Tensor, state?: unknown): unknown => {
    if (!isGradEnabled()) return own.forward.call(m, input, state);
    if (m instanceof LSTMCell) {
      const pair = (state ?? null) as readonly [Tensor, Tensor] | null;
      const [h, c] = runCell(
        m,
        op,
        input,
        pair ? pair[0] : null,
        pair ? pair[1] : null,
        lossReduction,
      );
      return [h, c as Tensor];
    }
    return runCell(m, op, input, (state ?? null) as Tensor | null, null, lossReduction)[0];
  };
  Object.defineProperty(m, 'forward', { value: forward, configurable: true, writable: true });
  return () => {
    Reflect.deleteProperty(m, 'forward');
  };
}

/**
 * Makes a recurrent layer record per-sample gradients: replaces its `forward` on the instance.
 *
 * @param m - An `nn.RNN`, `nn.LSTM` or `nn.GRU`.
 * @param lossReduction - How the loss reduces over the batch (`'mean'` scales by the batch size).
 * @returns A function restoring the layer's own forward.
 */
export function instrumentRecurrent(m: RecurrentLayer, lossReduction: 'mean' | 'sum'): () => void {
  const own = Object.getPrototypeOf(m) as { forward: (...a: unknown[]) => unknown };
  const op = m instanceof LSTM ? 'LSTM' : m instanceof GRU ? 'GRU' : 'RNN';
  const forward = (input: Tensor, state?: unknown): unknown => {
    if (!isGradEnabled()) return own.forward.call(m, input, state);
    if (m instanceof LSTM) {
      const pair = (state ?? null) as readonly [Tensor, Tensor] | null;
      const r = runRecurrent(
        m,
        op,
        input,
        pair ? pair[0] : null,
        pair ? pair[1] : null,
        lossReduction,
      );
      return [r.output, [r.h, r.c as Tensor]];
    }
    const r = runRecurrent(m, op, input, (state ?? null) as Tensor | null, null, lossReduction);
    return [r.output, r.h];
  };
  Object.defineProperty(m, 'forward', { value: forward, configurable: true, writable: true });
  return () => {
    Reflect.deleteProperty(m, 'forward');
  };
}
