/**
 * Recurrent layers (`RNN`, `LSTM`, `GRU`) and their cells, with PyTorch's parameter names
 * (`weight_ih_l0`, `bias_hh_l1_reverse`, …), gate order (LSTM: i, f, g, o; GRU: r, z, n), shapes
 * and initialisation (every parameter U(−1/√hidden, 1/√hidden), drawn in registration order).
 * As PyTorch does on the CPU, a layer projects the whole input sequence at once and then runs
 * one small matmul per time step.
 */
import { noGrad } from '../../autograd/grad-mode.js';
import { Tensor, describe } from '../../tensor/tensor.js';
import { empty, zeros } from '../../tensor/creation.js';
import { formatShape, sameShape } from '../../tensor/shape.js';
import { checkOptions } from '../../tensor/options.js';
import { add, mul, relu, sigmoid, sub, tanh } from '../../ops/elementwise.js';
import { cat, stack } from '../../ops/join.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { uniform_ } from '../init.js';
import { linear } from '../functional.js';
import { dropout } from '../functional/dropout.js';
import { lstmPointwise } from './lstm-pointwise.js';

/** The kind of recurrence: how many gate blocks its weights stack. */
type CellKind = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

const GATES: Readonly<Record<CellKind, number>> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

/** Options of {@link RNN}, {@link LSTM} and {@link GRU} (PyTorch's keyword arguments). */
export interface RNNOptions {
  /** Stacked recurrent layers (default 1). */
  numLayers?: number;
  /** `'tanh'` (default) or `'relu'`; RNN only. */
  nonlinearity?: 'tanh' | 'relu';
  /** Whether the layers have `bias_ih`/`bias_hh` (default true). */
  bias?: boolean;
  /** Input and output as `[batch, seq, feature]` instead of `[seq, batch, feature]` (default false). */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last, in training mode (default 0). */
  dropout?: number;
  /** Run each layer forwards and backwards and concatenate the two (default false). */
  bidirectional?: boolean;
}

const RNN_SPEC = {
  numLayers: 'integer',
  nonlinearity: "'tanh'|'relu'",
  bias: 'boolean',
  batchFirst: 'boolean',
  dropout: 'number',
  bidirectional: 'boolean',
} as const;

function checkSize(value: unknown, name: string, op: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
    throw new TypeError(`${op}: ${name} must be an integer ≥ ${min}, got ${describe(value)}`);
  return value;
}

/** The weights of one direction of one layer. */
interface LayerWeights {
  wIh: Parameter;
  wHh: Parameter;
  bIh: Parameter | null;
  bHh: Parameter | null;
}

/** One step of a cell: the new hidden state (and cell state for an LSTM). */
function cellStep(
  kind: CellKind,
  projectedInput: Tensor,
  h: Tensor,
  c: Tensor | null,
  w: LayerWeights,
): [Tensor, Tensor | null] {
  const hw = linear(h, w.wHh, w.bHh);
  const H = h.shape[h.dim() - 1];
  const last = hw.dim() - 1;
  switch (kind) {
    case 'RNN_TANH':
      return [tanh(add(projectedInput, hw)), null];
    case 'RNN_RELU':
      return [relu(add(projectedInput, hw)), null];
    case 'LSTM': {
      // One fused node for the gates' activations and the state update (lstm-pointwise.ts).
      const both = lstmPointwise(add(hw, projectedInput), c as Tensor);
      return [both.narrow(last, 0, H), both.narrow(last, H, H)];
    }
    case 'GRU': {
      const r = sigmoid(add(projectedInput.narrow(last, 0, H), hw.narrow(last, 0, H)));
      const z = sigmoid(add(projectedInput.narrow(last, H, H), hw.narrow(last, H, H)));
      const n = tanh(add(projectedInput.narrow(last, 2 * H, H), mul(r, hw.narrow(last, 2 * H, H))));
      // h' = (1 − z) ⊙ n + z ⊙ h, computed as PyTorch's cell does: n + z ⊙ (h − n).
      return [add(n, mul(z, sub(h, n))), null];
    }
  }
}

/** Base of RNN, LSTM and GRU: parameters, checks and the layer/direction loop. */
abstract class RNNBase extends Module {
  /** Number of features of each input step. */
  readonly inputSize: number;
  /** Number of features of the hidden state. */
  readonly hiddenSize: number;
  /** Number of stacked recurrent layers. */
  readonly numLayers: number;
  /** Whether the layers have `bias_ih_l*` and `bias_hh_l*`. */
  readonly bias: boolean;
  /** Whether input and output are `[batch, seq, feature]` rather than `[seq, batch, feature]`. */
  readonly batchFirst: boolean;
  /** Dropout probability on the outputs of each layer but the last (training mode only). */
  readonly dropout: number;
  /** Whether each layer also runs backwards over the sequence (outputs concatenated). */
  readonly bidirectional: boolean;
  /** @internal */ readonly _kind: CellKind;
  /** @internal */ readonly _layers: LayerWeights[][] = [];

  protected constructor(
    op: string,
    kind: CellKind,
    inputSize: number,
    hiddenSize: number,
    options: RNNOptions | undefined,
  ) {
    super();
    const o = checkOptions<RNNOptions>(op, options, RNN_SPEC);
    this.inputSize = checkSize(inputSize, 'inputSize', op, 0);
    this.hiddenSize = checkSize(hiddenSize, 'hiddenSize', op, 1);
    this.numLayers = checkSize(o.numLayers ?? 1, 'numLayers', op, 1);
    this.bias = o.bias ?? true;
    this.batchFirst = o.batchFirst ?? false;
    this.bidirectional = o.bidirectional ?? false;
    const p = o.dropout ?? 0;
    if (!(p >= 0 && p <= 1))
      throw new RangeError(
        `${op}: dropout should be a number in range [0, 1] representing the probability of an element being zeroed, got ${p}`,
      );
    this.dropout = p;
    if (o.nonlinearity !== undefined && op !== 'RNN')
      throw new TypeError(`${op}: unknown option 'nonlinearity' (RNN only)`);
    this._kind = kind;
    const G = GATES[kind] * hiddenSize;
    const dirs = this.bidirectional ? 2 : 1;
    for (let layer = 0; layer < this.numLayers; layer++) {
      const inSize = layer === 0 ? inputSize : hiddenSize * dirs;
      const row: LayerWeights[] = [];
      for (let d = 0; d < dirs; d++) {
        const suffix = `_l${layer}${d === 1 ? '_reverse' : ''}`;
        const w: LayerWeights = {
          wIh: new Parameter(empty(G, inSize)),
          wHh: new Parameter(empty(G, hiddenSize)),
          bIh: this.bias ? new Parameter(empty(G)) : null,
          bHh: this.bias ? new Parameter(empty(G)) : null,
        };
        this.registerParameter(`weight_ih${suffix}`, w.wIh);
        this.registerParameter(`weight_hh${suffix}`, w.wHh);
        if (w.bIh && w.bHh) {
          this.registerParameter(`bias_ih${suffix}`, w.bIh);
          this.registerParameter(`bias_hh${suffix}`, w.bHh);
        }
        row.push(w);
      }
      this._layers.push(row);
    }
    this.resetParameters();
  }

  /** Draws every parameter from U(−1/√hiddenSize, 1/√hiddenSize), in registration order. */
  resetParameters(): void {
    const stdv = 1 / Math.sqrt(this.hiddenSize);
    noGrad(() => {
      for (const p of this.parameters()) uniform_(p, -stdv, stdv);
    });
  }

  /** @internal Runs the stack; `states` holds h (and c) per layer×direction, shaped [N, H]. */
  protected _run(
    op: string,
    input: Tensor,
    hx: Tensor | null,
    cx: Tensor | null,
  ): { output: Tensor; h: Tensor; c: Tensor | null } {
    if (!(input instanceof Tensor))
      throw new TypeError(`${op}: input must be a Tensor, got ${describe(input)}`);
    if (input.dim() !== 2 && input.dim() !== 3)
      throw new RangeError(`${op}: Expected input to be 2D or 3D, got ${input.dim()}D instead`);
    const batched = input.dim() === 3;
    let x = batched ? (this.batchFirst ? input.transpose(0, 1) : input) : input.unsqueeze(1);
    if (x.shape[2] !== this.inputSize)
      throw new RangeError(
        `${op}: input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${x.shape[2]}`,
      );
    const [L, N] = x.shape;
    const dirs = this.bidirectional ? 2 : 1;
    const stateShape = [this.numLayers * dirs, N, this.hiddenSize];
    const prepare = (s: Tensor | null, name: string): Tensor => {
      if (s === null) return zeros(stateShape);
      if (!(s instanceof Tensor))
        throw new TypeError(`${op}: ${name} must be a Tensor, got ${describe(s)}`);
      if (!batched && s.dim() !== 2)
        throw new RangeError(
          `${op}: For unbatched 2-D input, ${name} should also be 2-D but got ${s.dim()}-D tensor`,
        );
      if (batched && s.dim() !== 3)
        throw new RangeError(
          `${op}: For batched 3-D input, ${name} should also be 3-D but got ${s.dim()}-D tensor`,
        );
      const t = batched ? s : s.unsqueeze(1);
      if (!sameShape(t.shape, stateShape))
        throw new RangeError(
          `${op}: Expected hidden size ${formatShape(stateShape)}, got ${formatShape(t.shape)}`,
        );
      return t;
    };
    const h0 = prepare(hx, this._kind === 'LSTM' ? 'hx[0]' : 'hx');
    const c0 = this._kind === 'LSTM' ? prepare(cx, 'hx[1]') : null;
    const hN: Tensor[] = [];
    const cN: Tensor[] = [];
    // Each layer's input, one tensor per time step. The input projection runs per step: slicing
    // one projection of the whole sequence instead would give every step's SelectBackward a
    // gradient the size of that whole projection, summed T times (quadratic in the sequence).
    let stepInputs: Tensor[] = x.unbind(0);
    for (let layer = 0; layer < this.numLayers; layer++) {
      const dirOutputs: Tensor[][] = [];
      for (let d = 0; d < dirs; d++) {
        const w = this._layers[layer][d];
        const k = layer * dirs + d;
        let h = h0.select(0, k);
        let c = c0 === null ? null : c0.select(0, k);
        const outputs: Tensor[] = new Array<Tensor>(L);
        for (let s = 0; s < L; s++) {
          const t = d === 0 ? s : L - 1 - s;
          const projected = linear(stepInputs[t], w.wIh, w.bIh);
          [h, c] = cellStep(this._kind, projected, h, c, w);
          outputs[t] = h;
        }
        hN.push(h);
        if (c !== null) cN.push(c);
        dirOutputs.push(outputs);
      }
      const steps =
        dirs === 1 ? dirOutputs[0] : dirOutputs[0].map((fwd, t) => cat([fwd, dirOutputs[1][t]], 1));
      const last = layer === this.numLayers - 1;
      const dropping = this.dropout > 0 && this.training && !last;
      stepInputs = steps;
      if (last || dropping) x = L === 0 ? zeros(0, N, this.hiddenSize * dirs) : stack(steps, 0);
      if (dropping) {
        x = dropout(x, this.dropout, true);
        stepInputs = x.unbind(0);
      }
    }
    let output = x;
    let h = stack(hN, 0);
    let c = c0 === null ? null : stack(cN, 0);
    if (!batched) {
      output = output.squeeze(1);
      h = h.squeeze(1);
      c = c === null ? null : c.squeeze(1);
    } else if (this.batchFirst) output = output.transpose(0, 1);
    return { output, h, c };
  }

  override extraRepr(): string {
    const parts = [`${this.inputSize}`, `${this.hiddenSize}`];
    if (this.numLayers !== 1) parts.push(`num_layers=${this.numLayers}`);
    if (this._kind === 'RNN_RELU') parts.push("nonlinearity='relu'");
    if (!this.bias) parts.push('bias=False');
    if (this.batchFirst) parts.push('batch_first=True');
    if (this.dropout !== 0) parts.push(`dropout=${this.dropout}`);
    if (this.bidirectional) parts.push('bidirectional=True');
    return parts.join(', ');
  }
}

/**
 * An Elman RNN: hₜ = tanh(xₜ W_ihᵀ + b_ih + hₜ₋₁ W_hhᵀ + b_hh) (or relu), stacked and optionally
 * bidirectional (`torch.nn.RNN`).
 *
 * @example
 * ```ts
 * const rnn = new nn.RNN(10, 20, { numLayers: 2 });
 * const [output, hN] = rnn.call(torch.randn(5, 3, 10)); // [5, 3, 20], [2, 3, 20]
 * ```
 */
export class RNN extends RNNBase {
  /**
   * Creates an Elman RNN layer stack, as `nn.RNN(input_size, hidden_size, ...)`, initialised as
   * PyTorch (U(-1/√hiddenSize, 1/√hiddenSize) for every weight and bias).
   *
   * @param inputSize - Features of each input step.
   * @param hiddenSize - Features of the hidden state.
   * @param options - See {@link RNNOptions}; `nonlinearity` defaults to `'tanh'`.
   * @throws TypeError for a bad size or option; RangeError for a dropout outside [0, 1].
   */
  constructor(inputSize: number, hiddenSize: number, options?: RNNOptions) {
    const o = checkOptions<RNNOptions>('RNN', options, RNN_SPEC);
    super(
      'RNN',
      o.nonlinearity === 'relu' ? 'RNN_RELU' : 'RNN_TANH',
      inputSize,
      hiddenSize,
      options,
    );
  }

  /**
   * Runs the sequence.
   *
   * @param input - `[L, N, inputSize]` (`[N, L, inputSize]` with batchFirst), or unbatched `[L, inputSize]`.
   * @param hx - The initial hidden state `[numLayers·D, N, hiddenSize]` (default zeros).
   * @returns `[output, hN]`: every step's top-layer state `[L, N, D·hiddenSize]` and the last state of every layer.
   * @throws RangeError for inputs or states of the wrong shape.
   */
  forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor] {
    const { output, h } = this._run('RNN', input, hx ?? null, null);
    return [output, h];
  }
}

/**
 * Long short-term memory (`torch.nn.LSTM`): gates i, f, g, o from one stacked matmul per step,
 * cₜ = f ⊙ cₜ₋₁ + i ⊙ g, hₜ = o ⊙ tanh(cₜ).
 *
 * @example
 * ```ts
 * const lstm = new nn.LSTM(128, 256, { numLayers: 2 });
 * const [output, [hN, cN]] = lstm.call(x, [h0, c0]);
 * ```
 */
export class LSTM extends RNNBase {
  /**
   * Creates an LSTM layer stack, as `nn.LSTM(input_size, hidden_size, ...)`, initialised as
   * PyTorch.
   *
   * @param inputSize - Features of each input step.
   * @param hiddenSize - Features of the hidden and cell states.
   * @param options - See {@link RNNOptions} (no `nonlinearity`).
   * @throws TypeError for a bad size or option; RangeError for a dropout outside [0, 1].
   */
  constructor(inputSize: number, hiddenSize: number, options?: Omit<RNNOptions, 'nonlinearity'>) {
    super('LSTM', 'LSTM', inputSize, hiddenSize, options);
  }

  /**
   * Runs the sequence.
   *
   * @param input - `[L, N, inputSize]` (`[N, L, inputSize]` with batchFirst), or unbatched `[L, inputSize]`.
   * @param hx - `[h0, c0]`, each `[numLayers·D, N, hiddenSize]` (default zeros).
   * @returns `[output, [hN, cN]]`.
   * @throws RangeError for inputs or states of the wrong shape.
   */
  forward(input: Tensor, hx?: readonly [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]] {
    if (hx != null && (!Array.isArray(hx) || hx.length !== 2))
      throw new TypeError(`LSTM: hx must be [h0, c0], got ${describe(hx)}`);
    const { output, h, c } = this._run('LSTM', input, hx?.[0] ?? null, hx?.[1] ?? null);
    return [output, [h, c as Tensor]];
  }
}

/**
 * Gated recurrent unit (`torch.nn.GRU`): r, z, n gates, hₜ = (1 − z) ⊙ n + z ⊙ hₜ₋₁ with
 * n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)).
 *
 * @example
 * ```ts
 * const gru = new nn.GRU(10, 20, { batchFirst: true });
 * const [output, hN] = gru.call(torch.randn(3, 5, 10));
 * ```
 */
export class GRU extends RNNBase {
  /**
   * Creates a GRU layer stack, as `nn.GRU(input_size, hidden_size, ...)`, initialised as PyTorch.
   *
   * @param inputSize - Features of each input step.
   * @param hiddenSize - Features of the hidden state.
   * @param options - See {@link RNNOptions} (no `nonlinearity`).
   * @throws TypeError for a bad size or option; RangeError for a dropout outside [0, 1].
   */
  constructor(inputSize: number, hiddenSize: number, options?: Omit<RNNOptions, 'nonlinearity'>) {
    super('GRU', 'GRU', inputSize, hiddenSize, options);
  }

  /**
   * Runs the sequence.
   *
   * @param input - `[L, N, inputSize]` (`[N, L, inputSize]` with batchFirst), or unbatched `[L, inputSize]`.
   * @param hx - The initial hidden state `[numLayers·D, N, hiddenSize]` (default zeros).
   * @returns `[output, hN]`.
   * @throws RangeError for inputs or states of the wrong shape.
   */
  forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor] {
    const { output, h } = this._run('GRU', input, hx ?? null, null);
    return [output, h];
  }
}

/** Options of the cells. */
export interface RNNCellOptions {
  /** Whether the cell has `bias_ih`/`bias_hh` (default true). */
  bias?: boolean;
  /** `'tanh'` (default) or `'relu'`; RNNCell only. */
  nonlinearity?: 'tanh' | 'relu';
}

abstract class CellBase extends Module {
  /** Number of features of the input. */
  readonly inputSize: number;
  /** Number of features of the hidden state. */
  readonly hiddenSize: number;
  /** Whether the cell has `bias_ih` and `bias_hh`. */
  readonly bias: boolean;
  /**
   * Input-to-hidden weights `[gates · hiddenSize, inputSize]` (gates: 1 for RNN, 4 for LSTM in the
   * order i, f, g, o, 3 for GRU in the order r, z, n), initially U(-1/√hiddenSize, 1/√hiddenSize).
   */
  weight_ih: Parameter;
  /** Hidden-to-hidden weights `[gates · hiddenSize, hiddenSize]`, initialised like `weight_ih`. */
  weight_hh: Parameter;
  /** Input-to-hidden bias `[gates · hiddenSize]`, or `null` with `{ bias: false }`. */
  bias_ih: Parameter | null;
  /** Hidden-to-hidden bias `[gates · hiddenSize]`, or `null` with `{ bias: false }`. */
  bias_hh: Parameter | null;
  /** @internal */ readonly _kind: CellKind;

  protected constructor(
    op: string,
    kind: CellKind,
    inputSize: number,
    hiddenSize: number,
    bias: boolean,
  ) {
    super();
    this.inputSize = checkSize(inputSize, 'inputSize', op, 0);
    this.hiddenSize = checkSize(hiddenSize, 'hiddenSize', op, 1);
    this.bias = bias;
    this._kind = kind;
    const G = GATES[kind] * hiddenSize;
    this.weight_ih = new Parameter(empty(G, inputSize));
    this.weight_hh = new Parameter(empty(G, hiddenSize));
    this.bias_ih = bias ? new Parameter(empty(G)) : null;
    this.bias_hh = bias ? new Parameter(empty(G)) : null;
    this.resetParameters();
  }

  /** Draws every parameter from U(−1/√hiddenSize, 1/√hiddenSize), in registration order. */
  resetParameters(): void {
    const stdv = 1 / Math.sqrt(this.hiddenSize);
    noGrad(() => {
      for (const p of this.parameters()) uniform_(p, -stdv, stdv);
    });
  }

  /** @internal One checked step; returns h (and c). */
  protected _step(
    op: string,
    input: Tensor,
    h: Tensor | null,
    c: Tensor | null,
  ): [Tensor, Tensor | null] {
    if (!(input instanceof Tensor))
      throw new TypeError(`${op}: input must be a Tensor, got ${describe(input)}`);
    if (input.dim() !== 1 && input.dim() !== 2)
      throw new RangeError(`${op}: Expected input to be 1D or 2D, got ${input.dim()}D instead`);
    const batched = input.dim() === 2;
    const x = batched ? input : input.unsqueeze(0);
    if (x.shape[1] !== this.inputSize)
      throw new RangeError(
        `${op}: input has inconsistent input_size: got ${x.shape[1]} expected ${this.inputSize}`,
      );
    const shape = [x.shape[0], this.hiddenSize];
    const prepare = (s: Tensor | null, name: string): Tensor => {
      if (s === null) return zeros(shape);
      if (!(s instanceof Tensor))
        throw new TypeError(`${op}: ${name} must be a Tensor, got ${describe(s)}`);
      const t = batched ? s : s.unsqueeze(0);
      if (!sameShape(t.shape, shape))
        throw new RangeError(
          `${op}: Expected ${name} of shape ${formatShape(shape)}, got ${formatShape(t.shape)}`,
        );
      return t;
    };
    const w: LayerWeights = {
      wIh: this.weight_ih,
      wHh: this.weight_hh,
      bIh: this.bias_ih,
      bHh: this.bias_hh,
    };
    const hx = prepare(h, this._kind === 'LSTM' ? 'hx[0]' : 'hx');
    const cx = this._kind === 'LSTM' ? prepare(c, 'hx[1]') : null;
    const [hy, cy] = cellStep(this._kind, linear(x, this.weight_ih, this.bias_ih), hx, cx, w);
    return batched ? [hy, cy] : [hy.squeeze(0), cy === null ? null : cy.squeeze(0)];
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias ? '' : ', bias=False'}${this._kind === 'RNN_RELU' ? ", nonlinearity='relu'" : ''}`;
  }
}

/**
 * One step of an Elman RNN (`torch.nn.RNNCell`).
 *
 * @example
 * ```ts
 * const cell = new nn.RNNCell(10, 20);
 * let h = torch.zeros(3, 20);
 * for (const x of inputs) h = cell.call(x, h);
 * ```
 */
export class RNNCell extends CellBase {
  /**
   * Creates one Elman RNN cell, as `nn.RNNCell(input_size, hidden_size, ...)`.
   *
   * @param inputSize - Input features.
   * @param hiddenSize - Hidden features.
   * @param options - `bias` (default true), `nonlinearity` (default `'tanh'`).
   * @throws TypeError for a bad size or option.
   */
  constructor(inputSize: number, hiddenSize: number, options?: RNNCellOptions) {
    const o = checkOptions<RNNCellOptions>('RNNCell', options, {
      bias: 'boolean',
      nonlinearity: "'tanh'|'relu'",
    });
    super(
      'RNNCell',
      o.nonlinearity === 'relu' ? 'RNN_RELU' : 'RNN_TANH',
      inputSize,
      hiddenSize,
      o.bias ?? true,
    );
  }

  /**
   * Runs one time step: `h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)` (or relu). Prefer
   * `call(input, hx)`.
   *
   * @param input - `[N, inputSize]` or `[inputSize]`.
   * @param hx - `[N, hiddenSize]` (default zeros).
   * @returns The next hidden state.
   * @throws RangeError for wrong shapes.
   */
  forward(input: Tensor, hx?: Tensor | null): Tensor {
    return this._step('RNNCell', input, hx ?? null, null)[0];
  }
}

/**
 * One LSTM step (`torch.nn.LSTMCell`).
 *
 * @example
 * ```ts
 * const cell = new nn.LSTMCell(10, 20);
 * let [h, c] = cell.call(x); // zero initial state
 * [h, c] = cell.call(x2, [h, c]);
 * ```
 */
export class LSTMCell extends CellBase {
  /**
   * Creates one LSTM cell, as `nn.LSTMCell(input_size, hidden_size, ...)`.
   *
   * @param inputSize - Input features.
   * @param hiddenSize - Hidden features.
   * @param options - `bias` (default true).
   * @throws TypeError for a bad size or option.
   */
  constructor(
    inputSize: number,
    hiddenSize: number,
    options?: Omit<RNNCellOptions, 'nonlinearity'>,
  ) {
    const o = checkOptions<RNNCellOptions>('LSTMCell', options, { bias: 'boolean' });
    super('LSTMCell', 'LSTM', inputSize, hiddenSize, o.bias ?? true);
  }

  /**
   * Runs one time step of the LSTM cell (gates i, f, g, o). Prefer `call(input, hx)`.
   *
   * @param input - `[N, inputSize]` or `[inputSize]`.
   * @param hx - `[h, c]`, each `[N, hiddenSize]` (default zeros).
   * @returns `[h, c]` after the step.
   * @throws RangeError for wrong shapes.
   */
  forward(input: Tensor, hx?: readonly [Tensor, Tensor] | null): [Tensor, Tensor] {
    if (hx != null && (!Array.isArray(hx) || hx.length !== 2))
      throw new TypeError(`LSTMCell: hx must be [h, c], got ${describe(hx)}`);
    const [h, c] = this._step('LSTMCell', input, hx?.[0] ?? null, hx?.[1] ?? null);
    return [h, c as Tensor];
  }
}

/**
 * One GRU step (`torch.nn.GRUCell`).
 *
 * @example
 * ```ts
 * const cell = new nn.GRUCell(10, 20);
 * const h = cell.call(x, h0);
 * ```
 */
export class GRUCell extends CellBase {
  /**
   * Creates one GRU cell, as `nn.GRUCell(input_size, hidden_size, ...)`.
   *
   * @param inputSize - Input features.
   * @param hiddenSize - Hidden features.
   * @param options - `bias` (default true).
   * @throws TypeError for a bad size or option.
   */
  constructor(
    inputSize: number,
    hiddenSize: number,
    options?: Omit<RNNCellOptions, 'nonlinearity'>,
  ) {
    const o = checkOptions<RNNCellOptions>('GRUCell', options, { bias: 'boolean' });
    super('GRUCell', 'GRU', inputSize, hiddenSize, o.bias ?? true);
  }

  /**
   * Runs one time step of the GRU cell (gates r, z, n). Prefer `call(input, hx)`.
   *
   * @param input - `[N, inputSize]` or `[inputSize]`.
   * @param hx - `[N, hiddenSize]` (default zeros).
   * @returns The next hidden state.
   * @throws RangeError for wrong shapes.
   */
  forward(input: Tensor, hx?: Tensor | null): Tensor {
    return this._step('GRUCell', input, hx ?? null, null)[0];
  }
}
