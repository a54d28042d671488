/**
 * PyTorch's word-level language model example, ported: Embedding → 2-layer LSTM → Linear (weights
 * optionally tied), truncated backpropagation through time with the hidden state detached between
 * batches, `clipGradNorm_(…, 0.25)`, SGD whose learning rate is divided by 4 whenever the
 * validation loss stops improving, and the perplexity of every epoch. The corpus is The Devil's
 * Dictionary (public domain; examples/data/devils-dictionary).
 *
 *   npx tsx examples/word-language-model.ts [--epochs 6] [--dropout 0.2] [--tied] [--max-batches N]
 *
 * Its PyTorch twin, examples/word-language-model.py, prints the same losses for the same seed
 * (with --dropout 0; timings differ).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as torch from '../src/index.js';
import { nn, type Tensor } from '../src/index.js';

const defaults = {
  data: join(dirname(fileURLToPath(import.meta.url)), 'data', 'devils-dictionary'),
  emsize: 200,
  nhid: 200,
  nlayers: 2,
  lr: 20,
  clip: 0.25,
  epochs: 6,
  batchSize: 20,
  bptt: 35,
  dropout: 0.2,
  tied: false,
  seed: 1111,
  logInterval: 20,
  maxBatches: 0,
};
type Args = typeof defaults;

/** `--batch-size 10` style arguments, as the Python twin's argparse reads them. */
export function parseArgs(argv: readonly string[]): Args {
  const args: Args = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (!(key in args)) throw new Error(`unknown argument ${argv[i]}`);
    const k = key as keyof Args;
    if (typeof args[k] === 'boolean') (args as Record<string, unknown>)[k] = true;
    else if (typeof args[k] === 'number') (args as Record<string, unknown>)[k] = Number(argv[++i]);
    else (args as Record<string, unknown>)[k] = argv[++i];
  }
  return args;
}

/** Python's `'{:5.2f}'.format(x)`. */
const f = (x: number, width: number, digits = 2): string => x.toFixed(digits).padStart(width);
const d = (x: number, width: number): string => String(x).padStart(width);

class Corpus {
  readonly word2idx = new Map<string, number>();
  readonly train: number[];
  readonly valid: number[];
  readonly test: number[];
  constructor(dir: string) {
    [this.train, this.valid, this.test] = ['train.txt', 'valid.txt', 'test.txt'].map((name) =>
      this.tokenize(join(dir, name)),
    );
  }
  private tokenize(path: string): number[] {
    const ids: number[] = [];
    for (const line of readFileSync(path, 'utf8').split('\n').slice(0, -1)) {
      for (const w of [...line.split(/\s+/).filter(Boolean), '<eos>']) {
        if (!this.word2idx.has(w)) this.word2idx.set(w, this.word2idx.size);
        ids.push(this.word2idx.get(w) as number);
      }
    }
    return ids;
  }
}

/** Columns of `bsz` independent streams: [nbatch, bsz]. */
function batchify(ids: readonly number[], bsz: number): Tensor {
  const nbatch = Math.floor(ids.length / bsz);
  return torch
    .tensor(ids.slice(0, nbatch * bsz))
    .view(bsz, -1)
    .t()
    .contiguous();
}

class RNNModel extends nn.Module {
  drop: nn.Dropout;
  encoder: nn.Embedding;
  rnn: nn.LSTM;
  decoder: nn.Linear;
  constructor(
    readonly ntoken: number,
    ninp: number,
    readonly nhid: number,
    readonly nlayers: number,
    dropout: number,
    tieWeights: boolean,
  ) {
    super();
    this.drop = new nn.Dropout(dropout);
    this.encoder = new nn.Embedding(ntoken, ninp);
    this.rnn = new nn.LSTM(ninp, nhid, { numLayers: nlayers, dropout });
    this.decoder = new nn.Linear(nhid, ntoken);
    if (tieWeights) {
      if (nhid !== ninp) throw new Error('When using the tied flag, nhid must be equal to emsize');
      this.decoder.weight = this.encoder.weight;
    }
    nn.init.uniform_(this.encoder.weight, -0.1, 0.1);
    nn.init.zeros_(this.decoder.bias as nn.Parameter);
    nn.init.uniform_(this.decoder.weight, -0.1, 0.1);
  }

  forward(input: Tensor, hidden: [Tensor, Tensor]): [Tensor, [Tensor, Tensor]] {
    const emb = this.drop.call(this.encoder.call(input));
    const [output, next] = this.rnn.call(emb, hidden);
    const decoded = this.decoder.call(this.drop.call(output)).view(-1, this.ntoken);
    return [nn.functional.logSoftmax(decoded, 1), next];
  }

  initHidden(bsz: number): [Tensor, Tensor] {
    return [torch.zeros(this.nlayers, bsz, this.nhid), torch.zeros(this.nlayers, bsz, this.nhid)];
  }
}

/** Trains and evaluates; returns the printed lines (also written to `log`). */
export function main(argv: readonly string[], log: (line: string) => void = console.log): void {
  const args = parseArgs(argv);
  torch.manualSeed(args.seed);
  const corpus = new Corpus(args.data);
  const evalBatchSize = 10;
  const trainData = batchify(corpus.train, args.batchSize);
  const valData = batchify(corpus.valid, evalBatchSize);
  const testData = batchify(corpus.test, evalBatchSize);
  const ntokens = corpus.word2idx.size;
  const model = new RNNModel(
    ntokens,
    args.emsize,
    args.nhid,
    args.nlayers,
    args.dropout,
    args.tied,
  );
  const criterion = new nn.NLLLoss();
  const optimizer = new torch.optim.SGD(model.parameters(), { lr: args.lr });

  const getBatch = (source: Tensor, i: number): [Tensor, Tensor] => {
    const seqLen = Math.min(args.bptt, source.shape[0] - 1 - i);
    return [source.narrow(0, i, seqLen), source.narrow(0, i + 1, seqLen).reshape(-1)];
  };

  const evaluate = (source: Tensor): number => {
    model.eval();
    let total = 0;
    let hidden = model.initHidden(evalBatchSize);
    torch.noGrad(() => {
      for (let i = 0; i < source.shape[0] - 1; i += args.bptt) {
        const [data, targets] = getBatch(source, i);
        const [output, next] = model.call(data, hidden);
        hidden = next;
        total += data.shape[0] * criterion.call(output, targets).item();
      }
    });
    return total / (source.shape[0] - 1);
  };

  const train = (epoch: number, lr: number): void => {
    model.train();
    let totalLoss = 0;
    let start = performance.now();
    let hidden = model.initHidden(args.batchSize);
    const nbatches = Math.floor(trainData.shape[0] / args.bptt);
    for (let batch = 0, i = 0; i < trainData.shape[0] - 1; batch++, i += args.bptt) {
      if (args.maxBatches && batch >= args.maxBatches) break;
      const [data, targets] = getBatch(trainData, i);
      hidden = [hidden[0].detach(), hidden[1].detach()]; // truncated BPTT
      optimizer.zeroGrad();
      const [output, next] = model.call(data, hidden);
      hidden = next;
      const loss = criterion.call(output, targets);
      loss.backward();
      torch.nn.utils.clipGradNorm_(model.parameters(), args.clip);
      optimizer.step();
      totalLoss += loss.item();
      if (batch % args.logInterval === 0 && batch > 0) {
        const cur = totalLoss / args.logInterval;
        const ms = (performance.now() - start) / args.logInterval;
        log(
          `| epoch ${d(epoch, 3)} | ${d(batch, 5)}/${d(nbatches, 5)} batches | lr ${f(lr, 2)} | ` +
            `ms/batch ${f(ms, 5)} | loss ${f(cur, 5)} | ppl ${f(Math.exp(cur), 8)}`,
        );
        totalLoss = 0;
        start = performance.now();
      }
    }
  };

  let lr = args.lr;
  let bestVal: number | null = null;
  for (let epoch = 1; epoch <= args.epochs; epoch++) {
    const epochStart = performance.now();
    train(epoch, lr);
    const valLoss = evaluate(valData);
    log('-'.repeat(89));
    log(
      `| end of epoch ${d(epoch, 3)} | time: ${f((performance.now() - epochStart) / 1000, 5)}s | ` +
        `valid loss ${f(valLoss, 5)} | valid ppl ${f(Math.exp(valLoss), 8)}`,
    );
    log('-'.repeat(89));
    if (bestVal === null || valLoss < bestVal) bestVal = valLoss;
    else {
      lr /= 4; // anneal on plateau
      for (const g of optimizer.paramGroups) g.lr = lr;
    }
  }
  const testLoss = evaluate(testData);
  log('='.repeat(89));
  log(`| End of training | test loss ${f(testLoss, 5)} | test ppl ${f(Math.exp(testLoss), 8)}`);
  log('='.repeat(89));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  main(process.argv.slice(2));
