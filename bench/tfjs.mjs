// TensorFlow.js peers: the cpu backend and the wasm backend, on the shared workloads. tfjs tensors
// are immutable, so clipping returns new gradients (and the old ones are disposed).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { prepareOps } from './ops-tfjs.mjs';
import { BIG_LINEAR, CLIP_SHAPES, M, MLP, fill, matmulSize, numel } from './workloads.mjs';

/** PyTorch's clip_grad_norm_ in tfjs ops: returns the total and the scaled gradients. */
function clipByTotalNorm(grads, maxNorm, p) {
  return tf.tidy(() => {
    const norms = grads.map((g) => (p === Infinity ? tf.max(tf.abs(g)) : tf.norm(g)));
    const total = p === Infinity ? tf.max(tf.stack(norms)) : tf.norm(tf.stack(norms));
    const coef = tf.minimum(tf.div(tf.scalar(maxNorm), tf.add(total, 1e-6)), 1);
    return { total, clipped: grads.map((g) => tf.mul(g, coef)) };
  });
}

function trainingStep(weights, forward, x, y, lr, maxNorm) {
  const opt = tf.train.sgd(lr);
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

export function makePeer(backend) {
  let live = [];
  const track = (...ts) => {
    live.push(...ts);
    return ts[0];
  };
  return {
    name: `tfjs-${backend}`,
    async activate() {
      await tf.setBackend(backend);
      await tf.ready();
    },
    /** Frees the tensors made for the last workload. */
    release() {
      tf.dispose(live);
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
        let grads = CLIP_SHAPES.map((s, i) => tf.tensor(fill(numel(s), i + 1), s));
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
        const sizes = MLP.layers;
        const weights = [];
        for (let i = 0; i + 1 < sizes.length; i++) {
          weights.push(
            track(
              tf.variable(
                tf.tensor2d(fill(sizes[i] * sizes[i + 1], 20 + i), [sizes[i], sizes[i + 1]]),
              ),
            ),
          );
          weights.push(track(tf.variable(tf.zeros([sizes[i + 1]]))));
        }
        const forward = (x) => {
          let h = x;
          for (let i = 0; i < weights.length; i += 2) {
            h = tf.add(tf.matMul(h, weights[i]), weights[i + 1]);
            if (i + 2 < weights.length) h = tf.tanh(h);
          }
          return h;
        };
        const x = track(tf.tensor2d(fill(MLP.batch * sizes[0], 7), [MLP.batch, sizes[0]]));
        const y = track(tf.tensor2d(fill(MLP.batch * sizes[3], 8), [MLP.batch, sizes[3]]));
        return { fn: trainingStep(weights, forward, x, y, MLP.lr, MLP.maxNorm) };
      }
      if (workload === 'Linear(1024, 1024) training step') {
        const { inF, outF, batch } = BIG_LINEAR;
        const w = track(tf.variable(tf.tensor2d(fill(inF * outF, 30), [inF, outF])));
        const b = track(tf.variable(tf.zeros([outF])));
        const forward = (x) => tf.add(tf.matMul(x, w), b);
        const x = track(tf.tensor2d(fill(batch * inF, 9), [batch, inF]));
        const y = track(tf.tensor2d(fill(batch * outF, 10), [batch, outF]));
        return { fn: trainingStep([w, b], forward, x, y, BIG_LINEAR.lr, BIG_LINEAR.maxNorm) };
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
    default:
      return null;
  }
}
