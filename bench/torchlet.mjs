// torchlet on the shared workloads, from the built package (dist/).
import * as torch from '../dist/esm/index.js';
import { forwardBackward, prepareOps } from './ops-torchlet.mjs';
import {
  BIG_LINEAR,
  CLIP_MANY_SMALL,
  CLIP_ONE_BIG,
  CLIP_SHAPES,
  M,
  MLP,
  MLP784,
  MLP784_STEP,
  TRAINING_LOOPS,
  clipShapes,
  fill,
  matmulSize,
  numel,
} from './workloads.mjs';

export const name = 'torchlet';
export const threads = 1;
export const threadsNote = 'single-threaded';

function trainingStep(model, opt, x, y, maxNorm) {
  return () => {
    opt.zeroGrad();
    const loss = torch.nn.functional.mseLoss(model.forward(x), y);
    loss.backward();
    torch.nn.utils.clipGradNorm_(model.parameters(), maxNorm);
    opt.step();
    return loss;
  };
}

/** One MLP training step (forward, backward, clipGradNorm_, SGD.step) as a function. */
export function makeMlpStep() {
  torch.manualSeed(0);
  const [a, b, c, d] = MLP.layers;
  const model = new torch.nn.Sequential(
    new torch.nn.Linear(a, b),
    new torch.nn.Tanh(),
    new torch.nn.Linear(b, c),
    new torch.nn.Tanh(),
    new torch.nn.Linear(c, d),
  );
  const opt = new torch.optim.SGD(model.parameters(), { lr: MLP.lr });
  const x = torch.tensor(fill(MLP.batch * a, 7), { shape: [MLP.batch, a] });
  const y = torch.tensor(fill(MLP.batch * d, 8), { shape: [MLP.batch, d] });
  return trainingStep(model, opt, x, y, MLP.maxNorm);
}

/** One MLP 784→256→10 training step (ReLU, MSE, clipGradNorm_, SGD with momentum). */
export function makeMlp784Step() {
  torch.manualSeed(0);
  const [a, b, c] = MLP784.layers;
  const model = new torch.nn.Sequential(
    new torch.nn.Linear(a, b),
    new torch.nn.ReLU(),
    new torch.nn.Linear(b, c),
  );
  const opt = new torch.optim.SGD(model.parameters(), {
    lr: MLP784.lr,
    momentum: MLP784.momentum,
  });
  const x = torch.tensor(fill(MLP784.batch * a, 40), { shape: [MLP784.batch, a] });
  const y = torch.tensor(fill(MLP784.batch * c, 41), { shape: [MLP784.batch, c] });
  return trainingStep(model, opt, x, y, MLP784.maxNorm);
}

/** Parameters of the given shapes whose gradients are filled once (gradient i: seed i + 1). */
const withGradients = (shapes) =>
  shapes.map((s, i) => {
    const p = torch.zeros(s);
    p.grad = torch.tensor(fill(numel(s), i + 1), { shape: s });
    return p;
  });

/** The model-shaped set, shared by the three original clipping rows. */
let params = null;
const clipParams = () => (params ??= withGradients(CLIP_SHAPES));

/**
 * Rows where dispose() changes nothing: clipping and the optimizer step work in place, the training
 * steps keep their tensors, and the reductions' [1024] outputs are too small for the shared arena.
 */
const UNCHANGED_BY_DISPOSE = new Set([
  ...TRAINING_LOOPS,
  'SGD momentum step, 1e6 parameters',
  'sum over dim 0 of [1024,1024]',
  'mean over dim 0 of [1024,1024]',
  'amax over dim 1 of [1024,1024]',
]);

/**
 * The workload as { fn }, or null. With { dispose: true } (the 'torchlet (dispose)' peer), fn gives
 * back with dispose() what the call drops: the output of a forward-only row; for a "+backward" row
 * the forward output after backward and each leaf's previous .grad before clearing it. Rows where
 * that changes nothing (see UNCHANGED_BY_DISPOSE, and every clipping row) are null then.
 */
export function prepare(workload, options = {}) {
  const { dispose = false } = options;
  if (dispose && (clipShapes(workload) !== null || UNCHANGED_BY_DISPOSE.has(workload))) return null;
  /** f as the timed call, its output disposed when asked. */
  const dropped = (f) => (dispose ? () => f().dispose() : f);
  const n = matmulSize(workload);
  if (n !== null) {
    const a = torch.tensor(fill(n * n, 3), { shape: [n, n] });
    const b = torch.tensor(fill(n * n, 4), { shape: [n, n] });
    return { fn: dropped(() => a.matmul(b)) };
  }
  switch (workload) {
    case 'clipGradNorm_ (norm 2)':
      return { fn: () => torch.nn.utils.clipGradNorm_(clipParams(), 1.0) };
    case 'clipGradNorm_ (norm inf)':
      return { fn: () => torch.nn.utils.clipGradNorm_(clipParams(), 1.0, Infinity) };
    case 'clipGradValue_':
      return { fn: () => torch.nn.utils.clipGradValue_(clipParams(), 0.01) };
    case CLIP_ONE_BIG:
    case CLIP_MANY_SMALL: {
      const own = withGradients(clipShapes(workload));
      return { fn: () => torch.nn.utils.clipGradNorm_(own, 1.0) };
    }
    case 'MLP training step':
      return { fn: makeMlpStep() };
    case MLP784_STEP:
      return { fn: makeMlp784Step() };
    case 'Linear(1024, 1024) training step': {
      torch.manualSeed(0);
      const lin = new torch.nn.Linear(BIG_LINEAR.inF, BIG_LINEAR.outF);
      const opt = new torch.optim.SGD(lin.parameters(), { lr: BIG_LINEAR.lr });
      const x = torch.tensor(fill(BIG_LINEAR.batch * BIG_LINEAR.inF, 9), {
        shape: [BIG_LINEAR.batch, BIG_LINEAR.inF],
      });
      const y = torch.tensor(fill(BIG_LINEAR.batch * BIG_LINEAR.outF, 10), {
        shape: [BIG_LINEAR.batch, BIG_LINEAR.outF],
      });
      return { fn: trainingStep(lin, opt, x, y, BIG_LINEAR.maxNorm) };
    }
    default:
      return prepareElementwise(workload, dropped, options) ?? prepareOps(workload, options);
  }
}

const leaf = (n, seed, shape = [n]) => torch.tensor(fill(n, seed), { shape, requiresGrad: true });

/** The fixed upstream gradient of a "+backward" row. */
const upstream = (shape) => torch.tensor(fill(numel(shape), 99), { shape });

function prepareElementwise(workload, dropped, options) {
  const a = () => torch.tensor(fill(M, 1));
  const b = () => torch.tensor(fill(M, 2));
  switch (workload) {
    case 'add 1M forward': {
      const [x, y] = [a(), b()];
      return { fn: dropped(() => x.add(y)) };
    }
    case 'mul 1M forward': {
      const [x, y] = [a(), b()];
      return { fn: dropped(() => x.mul(y)) };
    }
    case 'add 10M forward': {
      const x = torch.tensor(fill(10 * M, 1));
      const y = torch.tensor(fill(10 * M, 2));
      return { fn: dropped(() => x.add(y)) };
    }
    case 'add 1M forward+backward':
      return {
        fn: forwardBackward([leaf(M, 1), leaf(M, 2)], (x, y) => x.add(y), upstream([M]), options),
      };
    case 'relu 1M forward+backward':
      return { fn: forwardBackward([leaf(M, 1)], (x) => x.relu(), upstream([M]), options) };
    case 'broadcast add [1024,1024]+[1024] forward+backward':
      return {
        fn: forwardBackward(
          [leaf(M, 1, [1024, 1024]), leaf(1024, 2)],
          (x, y) => x.add(y),
          upstream([1024, 1024]),
          options,
        ),
      };
    case 'exp 1M': {
      const x = a();
      return { fn: dropped(() => x.exp()) };
    }
    case 'tanh 1M': {
      const x = a();
      return { fn: dropped(() => x.tanh()) };
    }
    case 'sum over dim 0 of [1024,1024]': {
      const x = torch.tensor(fill(M, 1), { shape: [1024, 1024] });
      return { fn: () => x.sum(0) };
    }
    case 'mean over dim 0 of [1024,1024]': {
      const x = torch.tensor(fill(M, 1), { shape: [1024, 1024] });
      return { fn: () => x.mean(0) };
    }
    case 'amax over dim 1 of [1024,1024]': {
      const x = torch.tensor(fill(M, 1), { shape: [1024, 1024] });
      return { fn: () => x.amax(1) };
    }
    case 'mul [1024,1024] by a [1024,1] column': {
      const x = torch.tensor(fill(M, 1), { shape: [1024, 1024] });
      const c = torch.tensor(fill(1024, 2), { shape: [1024, 1] });
      return { fn: dropped(() => x.mul(c)) };
    }
    case 'cat two [1024,1024] along dim 1': {
      const x = torch.tensor(fill(M, 1), { shape: [1024, 1024] });
      const y = torch.tensor(fill(M, 2), { shape: [1024, 1024] });
      return { fn: dropped(() => torch.cat([x, y], 1)) };
    }
    case 'transposed copy of [1024,1024]': {
      const x = torch.tensor(fill(M, 1), { shape: [1024, 1024] });
      return { fn: dropped(() => x.t().contiguous()) };
    }
    case 'SGD momentum step, 1e6 parameters': {
      const p = torch.tensor(fill(1e6, 1), { requiresGrad: true });
      p.grad = torch.tensor(fill(1e6, 2));
      const opt = new torch.optim.SGD([p], { lr: 0.01, momentum: 0.9 });
      return { fn: () => opt.step() };
    }
    default:
      return null;
  }
}
