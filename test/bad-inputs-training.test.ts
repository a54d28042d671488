/**
 * Bad inputs over the training families — nn modules and functional, optimizers, schedulers,
 * clipping, data and checkpoints. Each row throws an error naming the function, the argument and
 * the value, and afterwards no parameter, gradient or optimizer state has changed.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { nn, optim, clipping, Tensor } from '../src/index.js';

const F = nn.functional;

/** A small model with gradients and one optimizer step taken, rebuilt for every row. */
function world() {
  torch.manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
  const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
  const x = torch.randn(5, 3);
  model.call(x).sum().backward();
  opt.step();
  model.call(x).pow(2).sum().backward();
  return { model, opt, x };
}
type World = ReturnType<typeof world>;

function snapshot(w: World): string {
  const params = w.model
    .parameters()
    .map((p) => [
      Array.from(p.toFloat32Array()),
      p.grad ? Array.from(p.grad.toFloat32Array()) : null,
    ]);
  const state = JSON.stringify(w.opt.stateDict(), (_, v: unknown) =>
    v instanceof Tensor ? Array.from(v.toFloat32Array()) : v,
  );
  return JSON.stringify(params) + state + JSON.stringify(w.model.training);
}

const rows: Array<{ name: string; run: (w: World) => unknown; error: RegExp }> = [
  // nn modules
  {
    name: 'Linear with a fractional size',
    run: () => new nn.Linear(2.5, 3),
    error: /Linear: .*2\.5/,
  },
  {
    name: 'Linear forward with the wrong features',
    run: (w) => w.model.call(torch.randn(2, 4)),
    error: /linear: .*\[2, 4\]/,
  },
  {
    name: 'Conv2d with a misspelt option',
    run: () => new nn.Conv2d(3, 8, 3, { padding_mode: 'zeros' } as never),
    error: /Conv2d: unknown option 'padding_mode' \(did you mean 'paddingMode'\?\)/,
  },
  {
    name: 'Conv2d on a 2-D input',
    run: () => new nn.Conv2d(3, 8, 3).call(torch.randn(3, 5)),
    error: /conv2d: .*(3D|4D|3-D|4-D|2-D|2D)/,
  },
  {
    name: 'conv2d with groups not dividing channels',
    run: () => F.conv2d(torch.randn(1, 3, 5, 5), torch.randn(4, 1, 3, 3), null, { groups: 2 }),
    error: /conv2d: .*groups/,
  },
  {
    name: 'maxPool2d with a zero kernel',
    run: () => F.maxPool2d(torch.randn(1, 1, 4, 4), 0),
    error: /maxPool2d: .*kernel/i,
  },
  {
    name: 'BatchNorm1d with the wrong channels',
    run: () => new nn.BatchNorm1d(3).call(torch.randn(4, 5)),
    error: /batchNorm|BatchNorm1d|running_mean/i,
  },
  {
    name: 'LayerNorm with a mismatched shape',
    run: () => new nn.LayerNorm(4).call(torch.randn(2, 3)),
    error: /layerNorm|LayerNorm/,
  },
  {
    name: 'Embedding with an out-of-range index',
    run: () => new nn.Embedding(5, 2).call(torch.tensor([1, 7])),
    error: /embedding: .*7/i,
  },
  { name: 'Dropout with p = 2', run: () => new nn.Dropout(2), error: /Dropout: .*2/ },
  {
    name: 'LSTM with a misspelt option',
    run: () => new nn.LSTM(3, 4, { batch_first: true } as never),
    error: /LSTM: unknown option 'batch_first' \(did you mean 'batchFirst'\?\)/,
  },
  {
    name: 'crossEntropy with a class index out of range',
    run: () => F.crossEntropy(torch.randn(2, 3), torch.tensor([0, 3])),
    error: /crossEntropy: .*3/,
  },
  {
    name: 'crossEntropy with a fractional class index',
    run: () => F.crossEntropy(torch.randn(2, 3), torch.tensor([0, 1.5])),
    error: /crossEntropy: target must hold integer class indices, got the number 1\.5/,
  },
  {
    name: 'mseLoss with a bad reduction',
    run: () => F.mseLoss(torch.zeros(2), torch.zeros(2), { reduction: 'avg' } as never),
    error: /reduction|avg/,
  },
  {
    name: 'softmax over a missing dim',
    run: () => F.softmax(torch.randn(2, 3), 2),
    error: /softmax: .*2/,
  },
  {
    name: 'loadStateDict with a wrong shape',
    run: (w) => w.model.loadStateDict({ ...w.model.stateDict(), '0.weight': torch.zeros(2, 2) }),
    error: /0\.weight.*\[2, 2\]|size mismatch/,
  },
  {
    name: 'loadStateDict with an unknown key (strict)',
    run: (w) => w.model.loadStateDict({ ...w.model.stateDict(), extra: torch.zeros(1) }),
    error: /extra/,
  },
  // optimizers and schedulers
  {
    name: 'SGD with a snake_case option',
    run: (w) => new optim.SGD(w.model.parameters(), { weight_decay: 0.1 } as never),
    error: /SGD: unknown option 'weight_decay' \(did you mean 'weightDecay'\?\)/,
  },
  {
    name: 'SGD with a negative lr',
    run: (w) => new optim.SGD(w.model.parameters(), { lr: -1 }),
    error: /SGD: Invalid learning rate: -1/,
  },
  {
    name: 'Adam with betas out of range',
    run: (w) => new optim.Adam(w.model.parameters(), { betas: [1.5, 0.9] }),
    error: /beta.*1\.5/,
  },
  {
    name: 'Adam with a string lr',
    run: (w) => new optim.Adam(w.model.parameters(), { lr: '0.1' } as never),
    error: /Adam: option 'lr' must be .*number/,
  },
  {
    name: 'RMSprop with a negative alpha',
    run: (w) => new optim.RMSprop(w.model.parameters(), { alpha: -0.1 }),
    error: /alpha.*-0\.1/,
  },
  {
    name: 'Adagrad with a negative lrDecay',
    run: (w) => new optim.Adagrad(w.model.parameters(), { lrDecay: -1 }),
    error: /lr_decay|lrDecay/,
  },
  {
    name: 'optimizer loadStateDict of another layout',
    run: (w) => w.opt.loadStateDict({ state: {}, param_groups: [] } as never),
    error: /param(eter)? groups|param_groups/,
  },
  {
    name: 'optimizer addParamGroup with a parameter already present',
    run: (w) => w.opt.addParamGroup({ params: w.model.parameters() }),
    error: /some parameters appear in more than one parameter group/,
  },
  {
    name: 'zeroGrad with a misspelt option',
    run: (w) => w.opt.zeroGrad({ set_to_none: true } as never),
    error: /unknown option 'set_to_none' \(did you mean 'setToNone'\?\)/,
  },
  {
    name: 'StepLR without stepSize',
    run: (w) => new optim.lrScheduler.StepLR(w.opt, {} as never),
    error: /StepLR: .*stepSize/,
  },
  {
    name: 'CosineAnnealingLR with a misspelt option',
    run: (w) => new optim.lrScheduler.CosineAnnealingLR(w.opt, { T_max: 10 } as never),
    error: /unknown option 'T_max' \(did you mean 'TMax'\?\)/,
  },
  // clipping
  {
    name: 'clipGradNorm_ with a snake_case option',
    run: (w) => torch.clipGradNorm_(w.model.parameters(), 1, { norm_type: 2 } as never),
    error: /clipGradNorm_: unknown option 'norm_type' \(did you mean 'normType'\?\)/,
  },
  {
    name: 'clipGradNorm_ with a string maxNorm',
    run: (w) => torch.clipGradNorm_(w.model.parameters(), '1' as never),
    error: /clipGradNorm_: .*maxNorm/,
  },
  {
    name: 'clipGradNorm_ with errorIfNonfinite on a NaN gradient',
    run: (w) => {
      const p = w.model.parameters()[0];
      const g = (p.grad as Tensor).clone();
      g.fill_(NaN);
      const q = torch.zeros(g.shape).requiresGrad_();
      q.grad = g;
      return torch.clipGradNorm_([...w.model.parameters(), q], 1, { errorIfNonfinite: true });
    },
    error: /non-finite/,
  },
  {
    name: 'clipGradValue_ with a string value',
    run: (w) => torch.clipGradValue_(w.model.parameters(), 'x' as never),
    error: /clipGradValue_: .*clipValue/,
  },
  {
    name: 'adaptiveClipGrad_ with a negative clipFactor',
    run: (w) => clipping.adaptiveClipGrad_(w.model.parameters(), -1),
    error: /adaptiveClipGrad_: .*clipFactor.*-1/,
  },
  {
    name: 'ZClip with a misspelt option',
    run: () => new clipping.ZClip({ z_thresh: 2 } as never),
    error: /ZClip: unknown option 'z_thresh' \(did you mean 'zThresh'\?\)/,
  },
  {
    name: 'AutoClip with percentile 150',
    run: () => new clipping.AutoClip({ percentile: 150 }),
    error: /AutoClip: .*percentile.*150/,
  },
  {
    name: 'gradNorms with a non-module',
    run: () => clipping.gradNorms(42 as never),
    error: /gradNorms: .*42/,
  },
  {
    name: 'setPitfallWarnings with an unknown mode',
    run: () => clipping.setPitfallWarnings('loud' as never),
    error: /setPitfallWarnings: .*loud/,
  },
  // data and checkpoints
  {
    name: 'DataLoader with a snake_case option',
    run: (w) =>
      new torch.utils.data.DataLoader(new torch.utils.data.TensorDataset(w.x), {
        drop_last: true,
      } as never),
    error: /DataLoader: unknown option 'drop_last' \(did you mean 'dropLast'\?\)/,
  },
  {
    name: 'TensorDataset with mismatched sizes',
    run: () => new torch.utils.data.TensorDataset(torch.zeros(3), torch.zeros(4)),
    error: /TensorDataset: Size mismatch/,
  },
  {
    name: 'load of a non-checkpoint',
    run: () => torch.load(new Uint8Array([1, 2, 3, 4, 5])),
    error: /load: not a PyTorch checkpoint/,
  },
  {
    name: 'save of a function',
    run: () => torch.save({ f: () => 1 } as never),
    error: /save: cannot save function at the root\.f/,
  },
  {
    name: 'safetensors.load of a truncated file',
    run: () => torch.safetensors.load(new Uint8Array(4)),
    error: /safetensors\.load: the file has 4 bytes/,
  },
];

describe('bad inputs (training families) give clear errors and change nothing', () => {
  for (const row of rows) {
    it(row.name, () => {
      const w = world();
      const before = snapshot(w);
      expect(() => row.run(w)).toThrow(row.error);
      expect(snapshot(w)).toBe(before);
    });
  }
});
