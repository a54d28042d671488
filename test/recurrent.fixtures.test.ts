/** RNN, LSTM, GRU and their cells against PyTorch 1.13: init from the seed, outputs, gradients. */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { nn, type Tensor } from '../src/index.js';
import { expectClose, fromJson, loadFixture, type JsonTensor } from './helpers.js';

interface LayerCase {
  module: 'RNN' | 'LSTM' | 'GRU';
  inputSize: number;
  hiddenSize: number;
  options: Record<string, unknown>;
  seed: number;
  init: Record<string, JsonTensor>;
  input: JsonTensor;
  h0: JsonTensor | null;
  c0: JsonTensor | null;
  output: JsonTensor;
  hN: JsonTensor[];
  gradOutput: JsonTensor;
  gradState: JsonTensor[];
  gradInput: JsonTensor;
  gradH0: JsonTensor | null;
  gradC0: JsonTensor | null;
  gradParams: Record<string, JsonTensor>;
}

interface CellCase {
  module: 'RNNCell' | 'LSTMCell' | 'GRUCell';
  inputSize: number;
  hiddenSize: number;
  options: Record<string, unknown>;
  seed: number;
  init: Record<string, JsonTensor>;
  input: JsonTensor;
  state: JsonTensor[];
  outputs: JsonTensor[];
  gradOutputs: JsonTensor[];
  gradInput: JsonTensor;
  gradState: JsonTensor[];
  gradParams: Record<string, JsonTensor>;
}

const fx = loadFixture<{
  layers: LayerCase[];
  cells: CellCase[];
  errors: Array<{
    module: 'LSTM' | 'GRU';
    inputSize: number;
    hiddenSize: number;
    shape: number[];
    message: string;
  }>;
}>('recurrent.json');

const tol = { rtol: 1e-4, atol: 1e-5 };

function loss(outputs: Tensor[], grads: JsonTensor[]): Tensor {
  return outputs.map((o, i) => o.mul(fromJson(grads[i])).sum()).reduce((a, b) => a.add(b));
}

describe('recurrent layers match PyTorch', () => {
  fx.layers.forEach((c, i) => {
    it(`${i}: ${c.module}(${c.inputSize}, ${c.hiddenSize}, ${JSON.stringify(c.options)})`, () => {
      torch.manualSeed(c.seed);
      const Ctor = nn[c.module] as unknown as new (a: number, b: number, o: object) => nn.Module;
      const m = Ctor === undefined ? null : new Ctor(c.inputSize, c.hiddenSize, c.options);
      expect(m).not.toBeNull();
      const layer = m as nn.Module;
      const state = layer.stateDict();
      expect(Object.keys(state)).toEqual(Object.keys(c.init));
      for (const [k, v] of Object.entries(c.init))
        expectClose(state[k], v, { rtol: 0, atol: 0 }, `init ${k}`);
      const x = fromJson(c.input, true);
      const h0 = c.h0 ? fromJson(c.h0, true) : null;
      const c0 = c.c0 ? fromJson(c.c0, true) : null;
      let outs: Tensor[];
      if (c.module === 'LSTM') {
        const [out, [h, cc]] = (layer as nn.LSTM).call(x, h0 && c0 ? [h0, c0] : undefined);
        outs = [out, h, cc];
      } else {
        const [out, h] = (layer as nn.RNN).call(x, h0 ?? undefined);
        outs = [out, h];
      }
      expectClose(outs[0], c.output, tol, 'output');
      c.hN.forEach((h, k) => expectClose(outs[k + 1], h, tol, `state ${k}`));
      loss(outs, [c.gradOutput, ...c.gradState]).backward();
      expectClose(x.grad, c.gradInput, tol, 'input grad');
      if (h0) expectClose(h0.grad, c.gradH0, tol, 'h0 grad');
      if (c0) expectClose(c0.grad, c.gradC0, tol, 'c0 grad');
      const params = Object.fromEntries(layer.namedParameters());
      for (const [k, g] of Object.entries(c.gradParams))
        expectClose(params[k].grad, g, tol, `${k} grad`);
    });
  });

  fx.cells.forEach((c, i) => {
    it(`${i}: ${c.module}(${c.inputSize}, ${c.hiddenSize}, ${JSON.stringify(c.options)})`, () => {
      torch.manualSeed(c.seed);
      const Ctor = nn[c.module] as unknown as new (a: number, b: number, o: object) => nn.Module;
      const cell = new Ctor(c.inputSize, c.hiddenSize, c.options);
      const state = cell.stateDict();
      expect(Object.keys(state)).toEqual(Object.keys(c.init));
      for (const [k, v] of Object.entries(c.init))
        expectClose(state[k], v, { rtol: 0, atol: 0 }, `init ${k}`);
      const x = fromJson(c.input, true);
      const s = c.state.map((t) => fromJson(t, true));
      const outs =
        c.module === 'LSTMCell'
          ? (cell as nn.LSTMCell).call(x, [s[0], s[1]])
          : [(cell as nn.GRUCell).call(x, s[0])];
      outs.forEach((o, k) => expectClose(o, c.outputs[k], tol, `output ${k}`));
      loss(outs, c.gradOutputs).backward();
      expectClose(x.grad, c.gradInput, tol, 'input grad');
      s.forEach((t, k) => expectClose(t.grad, c.gradState[k], tol, `state ${k} grad`));
      const params = Object.fromEntries(cell.namedParameters());
      for (const [k, g] of Object.entries(c.gradParams))
        expectClose(params[k].grad, g, tol, `${k} grad`);
    });
  });

  it('refuses bad shapes and options as PyTorch does, with clear messages', () => {
    expect(() => new nn.LSTM(3, 4).call(torch.randn(5, 3, 2))).toThrow(
      /LSTM: input\.size\(-1\) must be equal to input_size\. Expected 3, got 2/,
    );
    expect(() => new nn.GRU(3, 4).call(torch.randn(2, 5, 3, 3))).toThrow(
      /GRU: Expected input to be 2D or 3D, got 4D/,
    );
    expect(() =>
      new nn.LSTM(3, 4).call(torch.randn(5, 2, 3), [torch.zeros(1, 3, 4), torch.zeros(1, 2, 4)]),
    ).toThrow(/LSTM: Expected hidden size \[1, 2, 4\], got \[1, 3, 4\]/);
    expect(() => new nn.RNN(3, 4, { num_layers: 2 } as never)).toThrow(
      /RNN: unknown option 'num_layers' \(did you mean 'numLayers'\?\)/,
    );
    expect(() => new nn.LSTM(3, 4, { dropout: 1.5 })).toThrow(
      /dropout should be a number in range \[0, 1\]/,
    );
    expect(() => new nn.LSTM(3, 0)).toThrow(/hiddenSize must be an integer ≥ 1/);
    expect(() => new nn.LSTM(3, 4, { nonlinearity: 'relu' } as never)).toThrow(
      /unknown option 'nonlinearity'/,
    );
    expect(() => new nn.LSTMCell(3, 4).call(torch.randn(2, 5))).toThrow(
      /LSTMCell: input has inconsistent input_size: got 5 expected 3/,
    );
  });

  it('dropout between layers only in training mode, never after the last layer', () => {
    torch.manualSeed(0);
    const lstm = new nn.LSTM(3, 4, { numLayers: 2, dropout: 0.5 });
    const x = torch.randn(6, 2, 3);
    lstm.eval();
    const [a] = lstm.call(x);
    const [b] = lstm.call(x);
    expect(a.equal(b)).toBe(true);
    lstm.train();
    const [c] = lstm.call(x);
    expect(c.equal(a)).toBe(false);
  });
});
