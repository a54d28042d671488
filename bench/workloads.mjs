// Workload definitions shared by every peer: shapes only, so each peer builds its own data.

/** The ~10.5 M-element model-shaped parameter set: 8×1024², 8×1024, 8×512², 10×1000 (34 tensors). */
export const CLIP_SHAPES = [
  ...Array(8).fill([1024, 1024]),
  ...Array(8).fill([1024]),
  ...Array(8).fill([512, 512]),
  ...Array(10).fill([1000]),
];

export const MATMUL_SIZES = [64, 128, 256, 512, 1024];

/** MLP 16→64→64→50 (tanh), batch 32, MSE, SGD; and one Linear(1024, 1024), batch 64. */
export const MLP = { layers: [16, 64, 64, 50], batch: 32, lr: 0.01, maxNorm: 1.0 };
export const BIG_LINEAR = { inF: 1024, outF: 1024, batch: 64, lr: 0.01, maxNorm: 1.0 };

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

/** Median of `runs` timed calls after `warmup` untimed ones, in milliseconds. */
export function time(fn, { warmup = 3, runs = 15 } = {}) {
  for (let i = 0; i < warmup; i++) fn();
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

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
  'SGD momentum step, 1e6 parameters',
  'add 10M forward',
];

/** Workload names, in table order; each peer's prepare(name) returns { fn, dispose? } or null. */
export const WORKLOADS = [
  'clipGradNorm_ (norm 2)',
  'clipGradNorm_ (norm inf)',
  'clipGradValue_',
  ...MATMUL_SIZES.map((n) => `matmul ${n}²`),
  'MLP training step',
  'Linear(1024, 1024) training step',
  ...ELEMENTWISE,
];

export const matmulSize = (name) => (name.startsWith('matmul ') ? Number(name.slice(7, -1)) : null);

/** Timing options per workload: big matmuls run fewer times. */
export function timing(name) {
  if (name === 'matmul 1024²') return { warmup: 1, runs: 5 };
  if (name === 'MLP training step') return { warmup: 20, runs: 200 };
  if (name.startsWith('Linear(')) return { warmup: 3, runs: 15 };
  return { warmup: 3, runs: 15 };
}
