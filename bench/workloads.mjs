// Workload definitions shared by every peer: shapes only, so each peer builds its own data.

/** The ~10.5 M-element model-shaped parameter set: 8×1024², 8×1024, 8×512², 10×1000 (34 tensors). */
export const CLIP_SHAPES = [
  ...Array(8).fill([1024, 1024]),
  ...Array(8).fill([1024]),
  ...Array(8).fill([512, 512]),
  ...Array(10).fill([1000]),
];

/** The clipping rows of the performance issue: one big gradient, and many small ones. */
export const CLIP_ONE_BIG = 'clipGradNorm_ over one 1e5 gradient';
export const CLIP_MANY_SMALL = 'clipGradNorm_ over 2 000 gradients of 1 000';

/**
 * The gradient shapes a clipping workload runs over (max norm 1.0; gradient i filled with
 * fill(numel, i + 1) once at prepare): the model-shaped set for the three original rows, one
 * parameter of 100 000 elements, or 2 000 parameters of 1 000 elements. Null for other workloads.
 */
export function clipShapes(workload) {
  if (workload === CLIP_ONE_BIG) return [[100000]];
  if (workload === CLIP_MANY_SMALL) return Array(2000).fill([1000]);
  return workload.startsWith('clipGrad') ? CLIP_SHAPES : null;
}

export const MATMUL_SIZES = [64, 128, 256, 512, 1024];

/** MLP 16→64→64→50 (tanh), batch 32, MSE, SGD; and one Linear(1024, 1024), batch 64. */
export const MLP = { layers: [16, 64, 64, 50], batch: 32, lr: 0.01, maxNorm: 1.0 };
export const BIG_LINEAR = { inF: 1024, outF: 1024, batch: 64, lr: 0.01, maxNorm: 1.0 };

/** MLP 784→256→10 (ReLU), batch 128, MSE, clipGradNorm_ 1.0, SGD lr 0.01 momentum 0.9. */
export const MLP784 = { layers: [784, 256, 10], batch: 128, lr: 0.01, momentum: 0.9, maxNorm: 1.0 };
export const MLP784_STEP = 'MLP 784→256→10 training step';

/** Deterministic pseudo-random float32 data (xorshift), the same for every peer. */
export function fill(n, seed) {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = (s / 4294967296 - 0.5) * 0.2;
  }
  return out;
}

export const numel = (shape) => shape.reduce((a, b) => a * b, 1);

/**
 * Median of `runs` timed calls after `warmup` untimed ones, in milliseconds. Calls of seconds
 * (plain JS and tfjs-cpu on the big matmuls and clipping) stop early to keep the whole run within
 * minutes: warm-up after WARMUP_BUDGET_MS (at least one call), timing after TIMING_BUDGET_MS once
 * MIN_RUNS samples are in. Every call under ~0.5 s still gets all its runs.
 */
export function time(fn, { warmup = 3, runs = 15 } = {}) {
  const warmupStart = performance.now();
  for (let i = 0; i < warmup; i++) {
    fn();
    if (performance.now() - warmupStart > WARMUP_BUDGET_MS) break;
  }
  const samples = [];
  const start = performance.now();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
    if (samples.length >= MIN_RUNS && performance.now() - start > TIMING_BUDGET_MS) break;
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}
export const WARMUP_BUDGET_MS = 2000;
export const TIMING_BUDGET_MS = 8000;
export const MIN_RUNS = 3;

/**
 * Elementwise work, reductions over a dim and the optimizer update (1M = 2^20 elements; data from
 * fill, so random signs). "+backward" runs backward with a fixed upstream gradient into leaves
 * whose .grad was cleared (as zeroGrad does), so the engine stores each first gradient.
 */
export const M = 1 << 20;
export const ELEMENTWISE = [
  'add 1M forward',
  'mul 1M forward',
  'add 1M forward+backward',
  'relu 1M forward+backward',
  'broadcast add [1024,1024]+[1024] forward+backward',
  'exp 1M',
  'tanh 1M',
  'sum over dim 0 of [1024,1024]',
  'mean over dim 0 of [1024,1024]',
  'amax over dim 1 of [1024,1024]',
  'mul [1024,1024] by a [1024,1] column',
  'cat two [1024,1024] along dim 1',
  'transposed copy of [1024,1024]',
  'SGD momentum step, 1e6 parameters',
  'add 10M forward',
];

/** conv2d input [32,16,32,32] with 32 filters of 3×3 (padding 1), and its 2×2 max pool. */
export const CONV = {
  input: [32, 16, 32, 32],
  weight: [32, 16, 3, 3],
  padding: 1,
  output: [32, 32, 32, 32],
  pooled: [32, 16, 16, 16],
};

/** The 2-layer LSTM language model: Embedding 1000×128, LSTM 128→256 ×2, Linear 256→1000. */
export const LSTM_LM = {
  vocab: 1000,
  embed: 128,
  hidden: 256,
  layers: 2,
  seq: 35,
  batch: 20,
  lr: 1.0,
  maxNorm: 0.25,
};

/** Deterministic integers in [0, high) (as float32 index data), the same for every JS peer. */
export function indices(n, high, seed) {
  const u = fill(n, seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.min(high - 1, Math.floor((u[i] / 0.2 + 0.5) * high));
  return out;
}

/** Operator workloads: softmax over [1024,1024], conv2d, max pooling, indexing, an LSTM step. */
export const OPS = [
  'softmax [1024,1024] forward',
  'logSoftmax [1024,1024] forward',
  'softmax [1024,1024] forward+backward',
  'logSoftmax [1024,1024] forward+backward',
  'softmax [1024,1024] over dim 0 forward',
  'conv2d [32,16,32,32] 3×3×32 forward',
  'conv2d [32,16,32,32] 3×3×32 forward+backward',
  'maxPool2d [32,16,32,32] 2×2 forward',
  'maxPool2d [32,16,32,32] 2×2 forward+backward',
  'gather [1024,1024] along dim 1',
  'scatterAdd [1024,1024] along dim 1',
  'indexSelect 512 rows of [1024,1024]',
  'x[rows] 512 of [1024,1024] forward+backward',
  'LSTM language-model training step',
];

/** Workload names, in table order; each peer's prepare(name) returns { fn, dispose? } or null. */
export const WORKLOADS = [
  'clipGradNorm_ (norm 2)',
  'clipGradNorm_ (norm inf)',
  'clipGradValue_',
  CLIP_ONE_BIG,
  CLIP_MANY_SMALL,
  ...MATMUL_SIZES.map((n) => `matmul ${n}²`),
  'MLP training step',
  MLP784_STEP,
  'Linear(1024, 1024) training step',
  ...ELEMENTWISE,
  ...OPS,
];

/**
 * The training loops the memory probe (bench/memory.mjs) runs for 20 000 steps, key -> workload;
 * the other training workloads take too long per step for 20 000 of them in one benchmark run.
 */
export const MEMORY_LOOPS = { mlp: 'MLP training step', mlp784: MLP784_STEP };
export const MEMORY_STEPS = [100, 10000, 20000];
export const TRAINING_LOOPS = [
  'MLP training step',
  MLP784_STEP,
  'Linear(1024, 1024) training step',
  'LSTM language-model training step',
];

export const matmulSize = (name) => (name.startsWith('matmul ') ? Number(name.slice(7, -1)) : null);

/** Timing options per workload: big matmuls run fewer times. */
export function timing(name) {
  if (name === 'matmul 1024²') return { warmup: 1, runs: 5 };
  if (name === 'MLP training step') return { warmup: 20, runs: 200 };
  if (name === MLP784_STEP) return { warmup: 5, runs: 30 };
  if (name.startsWith('Linear(')) return { warmup: 3, runs: 15 };
  if (name.startsWith('LSTM')) return { warmup: 3, runs: 10 };
  // Operator workloads allocate MB-sized outputs: warm up until the allocator reuses memory.
  if (OPS.includes(name)) return { warmup: 10, runs: 20 };
  return { warmup: 3, runs: 15 };
}
