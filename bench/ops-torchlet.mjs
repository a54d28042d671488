// torchlet on the operator workloads (conv2d, maxPool2d, softmax, indexing, the LSTM LM step).
import * as torch from '../dist/esm/index.js';
import { CONV, LSTM_LM, M, fill, indices, numel } from './workloads.mjs';

const F = torch.nn.functional;
const data = (shape, seed, requiresGrad = false) =>
  torch.tensor(fill(numel(shape), seed), { shape, requiresGrad });

/**
 * f(inputs) then backward with a fixed upstream gradient, the leaves' grads cleared first. With
 * { dispose: true } the previous grads are disposed before clearing and the output after backward.
 */
export function forwardBackward(inputs, f, g, { dispose = false } = {}) {
  return () => {
    for (const x of inputs) {
      if (dispose) x.grad?.dispose();
      x.grad = null;
    }
    const y = f(...inputs);
    y.backward(g);
    if (dispose) y.dispose();
  };
}

class LanguageModel extends torch.nn.Module {
  constructor() {
    super();
    this.embedding = new torch.nn.Embedding(LSTM_LM.vocab, LSTM_LM.embed);
    this.lstm = new torch.nn.LSTM(LSTM_LM.embed, LSTM_LM.hidden, { numLayers: LSTM_LM.layers });
    this.decoder = new torch.nn.Linear(LSTM_LM.hidden, LSTM_LM.vocab);
  }

  forward(tokens) {
    const [out] = this.lstm.call(this.embedding.call(tokens));
    return this.decoder.call(out.reshape([-1, LSTM_LM.hidden]));
  }
}

/** One training step of the 2-layer LSTM language model (bench/workloads.mjs LSTM_LM). */
export function makeLstmStep() {
  torch.manualSeed(0);
  const model = new LanguageModel();
  const opt = new torch.optim.SGD(model.parameters(), { lr: LSTM_LM.lr });
  const { seq, batch, vocab } = LSTM_LM;
  const tokens = torch.tensor(indices(seq * batch, vocab, 21), { shape: [seq, batch] });
  const targets = torch.tensor(indices(seq * batch, vocab, 22));
  return () => {
    opt.zeroGrad();
    const loss = F.crossEntropy(model.call(tokens), targets);
    loss.backward();
    torch.nn.utils.clipGradNorm_(model.parameters(), LSTM_LM.maxNorm);
    opt.step();
    return loss;
  };
}

/**
 * The operator workload as { fn }, or null. With { dispose: true } fn disposes what the call drops
 * (see prepare in bench/torchlet.mjs); the LSTM step, which keeps its tensors, is null then.
 */
export function prepareOps(workload, options = {}) {
  const { dispose = false } = options;
  if (dispose && workload === 'LSTM language-model training step') return null;
  /** f as the timed call, its output disposed when asked. */
  const dropped = (f) => (dispose ? () => f().dispose() : f);
  const square = [1024, 1024];
  switch (workload) {
    case 'softmax [1024,1024] forward': {
      const x = data(square, 1);
      return { fn: dropped(() => x.softmax(1)) };
    }
    case 'logSoftmax [1024,1024] forward': {
      const x = data(square, 1);
      return { fn: dropped(() => x.logSoftmax(1)) };
    }
    case 'softmax [1024,1024] over dim 0 forward': {
      const x = data(square, 1);
      return { fn: dropped(() => x.softmax(0)) };
    }
    case 'softmax [1024,1024] forward+backward':
      return {
        fn: forwardBackward(
          [data(square, 1, true)],
          (x) => x.softmax(1),
          data(square, 99),
          options,
        ),
      };
    case 'logSoftmax [1024,1024] forward+backward':
      return {
        fn: forwardBackward(
          [data(square, 1, true)],
          (x) => x.logSoftmax(1),
          data(square, 99),
          options,
        ),
      };
    case 'conv2d [32,16,32,32] 3×3×32 forward': {
      const [x, w, b] = [data(CONV.input, 11), data(CONV.weight, 12), data([CONV.weight[0]], 13)];
      return { fn: dropped(() => F.conv2d(x, w, b, { padding: CONV.padding })) };
    }
    case 'conv2d [32,16,32,32] 3×3×32 forward+backward': {
      const leaves = [
        data(CONV.input, 11, true),
        data(CONV.weight, 12, true),
        data([CONV.weight[0]], 13, true),
      ];
      const g = data(CONV.output, 14);
      return {
        fn: forwardBackward(
          leaves,
          (x, w, b) => F.conv2d(x, w, b, { padding: CONV.padding }),
          g,
          options,
        ),
      };
    }
    case 'maxPool2d [32,16,32,32] 2×2 forward': {
      const x = data(CONV.input, 11);
      return { fn: dropped(() => F.maxPool2d(x, 2)) };
    }
    case 'maxPool2d [32,16,32,32] 2×2 forward+backward':
      return {
        fn: forwardBackward(
          [data(CONV.input, 11, true)],
          (x) => F.maxPool2d(x, 2),
          data(CONV.pooled, 15),
          options,
        ),
      };
    case 'gather [1024,1024] along dim 1': {
      const x = data(square, 1);
      const idx = torch.tensor(indices(M, 1024, 5), { shape: square });
      return { fn: dropped(() => x.gather(1, idx)) };
    }
    case 'scatterAdd [1024,1024] along dim 1': {
      const idx = torch.tensor(indices(M, 1024, 5), { shape: square });
      const src = data(square, 2);
      return { fn: dropped(() => torch.zeros(square).scatterAdd_(1, idx, src)) };
    }
    case 'indexSelect 512 rows of [1024,1024]': {
      const x = data(square, 1);
      const rows = torch.tensor(indices(512, 1024, 6));
      return { fn: dropped(() => x.indexSelect(0, rows)) };
    }
    case 'x[rows] 512 of [1024,1024] forward+backward': {
      const rows = torch.tensor(indices(512, 1024, 6));
      return {
        fn: forwardBackward(
          [data(square, 1, true)],
          (x) => x.index(rows),
          data([512, 1024], 99),
          options,
        ),
      };
    }
    case 'LSTM language-model training step':
      return { fn: makeLstmStep() };
    default:
      return null;
  }
}
