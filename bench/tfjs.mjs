// TensorFlow.js peers: the cpu backend and the wasm backend, on the shared workloads. tfjs tensors
// are immutable, so clipping returns new gradients (and the old ones are disposed).
import { cpus } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { prepareOps } from './ops-tfjs.mjs';
import {
  BIG_LINEAR,
  M,
  MLP,
  MLP784,
  MLP784_STEP,
  clipShapes,
  fill,
  matmulSize,
  numel,
} from './workloads.mjs';

/** PyTorch's clip_grad_norm_ in tfjs ops: returns the total and the scaled gradients. */
function clipByTotalNorm(grads, maxNorm, p) {
  return tf.tidy(() => {
    const norms = grads.map((g) => (p === Infinity ? tf.max(tf.abs(g)) : tf.norm(g)));
    const total = p === Infinity ? tf.max(tf.stack(norms)) : tf.norm(tf.stack(norms));
    const coef = tf.minimum(tf.div(tf.scalar(maxNorm), tf.add(total, 1e-6)), 1);
    return { total, clipped: grads.map((g) => tf.mul(g, coef)) };
  });
}

function trainingStep(forward, x, y, opt, maxNorm) {
  return () => {
    const { value, grads } = tf.variableGrads(() => tf.losses.meanSquaredError(y, forward(x)));
    const names = Object.keys(grads);
    const { total, clipped } = clipByTotalNorm(
      names.map((n) => grads[n]),
      maxNorm,
      2,
    );
    const map = {};
    names.forEach((n, i) => (map[n] = clipped[i]));
    opt.applyGradients(map);
    value.dataSync();
    tf.dispose([value, total, clipped, Object.values(grads)]);
  };
}

/** A training step of the MLP `spec` ({ layers, batch, maxNorm }), activation between layers. */
function mlpStep(spec, activation, opt, [xSeed, ySeed], weightSeed, track) {
  const sizes = spec.layers;
  const weights = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const shape = [sizes[i], sizes[i + 1]];
    weights.push(track(tf.variable(tf.tensor2d(fill(shape[0] * shape[1], weightSeed + i), shape))));
    weights.push(track(tf.variable(tf.zeros([sizes[i + 1]]))));
  }
  const forward = (x) => {
    let h = x;
    for (let i = 0; i < weights.length; i += 2) {
      h = tf.add(tf.matMul(h, weights[i]), weights[i + 1]);
      if (i + 2 < weights.length) h = activation(h);
    }
    return h;
  };
  const [inF, outF] = [sizes[0], sizes[sizes.length - 1]];
  const x = track(tf.tensor2d(fill(spec.batch * inF, xSeed), [spec.batch, inF]));
  const y = track(tf.tensor2d(fill(spec.batch * outF, ySeed), [spec.batch, outF]));
  return trainingStep(forward, x, y, opt, spec.maxNorm);
}

export function makePeer(backend) {
  let live = [];
  const track = (...ts) => {
    live.push(...ts);
    return ts[0];
  };
  return {
    name: `tfjs-${backend}`,
    // tfjs-cpu is plain JavaScript; tfjs-wasm uses its threaded build only where it detects
    // multithreading support, which tfjs 4.22 turns off in Node (checked in activate).
    threads: 1,
    threadsNote: backend === 'wasm' ? 'SIMD, no threads in Node' : 'JavaScript',
    async activate() {
      await tf.setBackend(backend);
      await tf.ready();
      if (backend === 'wasm' && (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'))) {
        this.threads = cpus().length;
        this.threadsNote = 'threaded SIMD build';
      }
    },
    /** Frees the tensors, optimizers and gradient sets made for the last workload. */
    release() {
      for (const item of live) item.dispose();
      live = [];
    },
    prepare(workload) {
      const n = matmulSize(workload);
      if (n !== null) {
        const a = track(tf.tensor2d(fill(n * n, 3), [n, n]));
        const b = track(tf.tensor2d(fill(n * n, 4), [n, n]));
        return {
          fn: () => {
            const c = tf.matMul(a, b);
            c.dataSync();
            c.dispose();
          },
        };
      }
      if (workload.startsWith('clipGrad')) {
        let grads = clipShapes(workload).map((s, i) => tf.tensor(fill(numel(s), i + 1), s));
        live.push({ dispose: () => tf.dispose(grads) });
        if (workload === 'clipGradValue_') {
          return {
            fn: () => {
              const next = grads.map((g) => tf.clipByValue(g, -0.01, 0.01));
              next[next.length - 1].dataSync();
              tf.dispose(grads);
              grads = next;
            },
          };
        }
        const p = workload.includes('inf') ? Infinity : 2;
        return {
          fn: () => {
            const { total, clipped } = clipByTotalNorm(grads, 1.0, p);
            total.dataSync();
            total.dispose();
            tf.dispose(grads);
            grads = clipped;
          },
        };
      }
      if (workload === 'MLP training step') {
        const opt = track(tf.train.sgd(MLP.lr));
        return { fn: mlpStep(MLP, tf.tanh, opt, [7, 8], 20, track) };
      }
      if (workload === MLP784_STEP) {
        // tf.train.momentum keeps PyTorch's buffer (b = 0.9·b + g, first b = g; p -= lr·b).
        const opt = track(tf.train.momentum(MLP784.lr, MLP784.momentum));
        return { fn: mlpStep(MLP784, tf.relu, opt, [40, 41], 50, track) };
      }
      if (workload === 'Linear(1024, 1024) training step') {
        const { inF, outF, batch } = BIG_LINEAR;
        const w = track(tf.variable(tf.tensor2d(fill(inF * outF, 30), [inF, outF])));
        const b = track(tf.variable(tf.zeros([outF])));
        const forward = (x) => tf.add(tf.matMul(x, w), b);
        const x = track(tf.tensor2d(fill(batch * inF, 9), [batch, inF]));
        const y = track(tf.tensor2d(fill(batch * outF, 10), [batch, outF]));
        const opt = track(tf.train.sgd(BIG_LINEAR.lr));
        return { fn: trainingStep(forward, x, y, opt, BIG_LINEAR.maxNorm) };
      }
      // The operator workloads run on the wasm backend only (tfjs-cpu takes seconds per conv).
      return (
        prepareElementwise(workload, track) ??
        (backend === 'wasm' ? prepareOps(workload, track) : null)
      );
    },
  };
}

/** Forward-only elementwise workloads (tfjs ops run synchronously on both backends). */
function prepareElementwise(workload, track) {
  const run = (f) => ({ fn: () => tf.dispose(f()) });
  const vec = (n, seed) => track(tf.tensor1d(fill(n, seed)));
  switch (workload) {
    case 'add 1M forward': {
      const [a, b] = [vec(M, 1), vec(M, 2)];
      return run(() => tf.add(a, b));
    }
    case 'mul 1M forward': {
      const [a, b] = [vec(M, 1), vec(M, 2)];
      return run(() => tf.mul(a, b));
    }
    case 'add 10M forward': {
      const [a, b] = [vec(10 * M, 1), vec(10 * M, 2)];
      return run(() => tf.add(a, b));
    }
    case 'exp 1M': {
      const a = vec(M, 1);
      return run(() => tf.exp(a));
    }
    case 'tanh 1M': {
      const a = vec(M, 1);
      return run(() => tf.tanh(a));
    }
    case 'sum over dim 0 of [1024,1024]': {
      const a = track(tf.tensor2d(fill(M, 1), [1024, 1024]));
      return run(() => tf.sum(a, 0));
    }
    case 'mean over dim 0 of [1024,1024]': {
      const a = track(tf.tensor2d(fill(M, 1), [1024, 1024]));
      return run(() => tf.mean(a, 0));
    }
    case 'amax over dim 1 of [1024,1024]': {
      const a = track(tf.tensor2d(fill(M, 1), [1024, 1024]));
      return run(() => tf.max(a, 1));
    }
    case 'mul [1024,1024] by a [1024,1] column': {
      const a = track(tf.tensor2d(fill(M, 1), [1024, 1024]));
      const c = track(tf.tensor2d(fill(1024, 2), [1024, 1]));
      return run(() => tf.mul(a, c));
    }
    case 'cat two [1024,1024] along dim 1': {
      const a = track(tf.tensor2d(fill(M, 1), [1024, 1024]));
      const b = track(tf.tensor2d(fill(M, 2), [1024, 1024]));
      return run(() => tf.concat([a, b], 1));
    }
    case 'transposed copy of [1024,1024]': {
      const a = track(tf.tensor2d(fill(M, 1), [1024, 1024]));
      return run(() => tf.transpose(a));
    }
    default:
      return null;
  }
}
