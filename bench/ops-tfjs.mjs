// TensorFlow.js on the operator workloads it has (NHWC layouts, its native ones); scatterAdd and
// the LSTM step have no direct tfjs counterpart and are left out.
import * as tf from '@tensorflow/tfjs';
import { CONV, M, fill, indices, numel } from './workloads.mjs';

const nhwc = ([n, c, h, w]) => [n, h, w, c];

/** f's value and its gradients for a fixed upstream gradient, read back and freed. */
function gradsOf(f, xs, dy) {
  const g = tf.grads(f);
  return () => {
    const out = g(xs, dy);
    out[0].dataSync();
    tf.dispose(out);
  };
}

/** The workload if it runs once here (tfjs-wasm lacks some gradient kernels, e.g. Conv2DBackpropFilter). */
function ifSupported(prepared) {
  if (prepared === null) return null;
  try {
    prepared.fn();
    return prepared;
  } catch {
    return null;
  }
}

export function prepareOps(workload, track) {
  return ifSupported(prepareOp(workload, track));
}

function prepareOp(workload, track) {
  const run = (f) => ({
    fn: () => {
      const y = f();
      y.dataSync();
      y.dispose();
    },
  });
  const t = (shape, seed) => track(tf.tensor(fill(numel(shape), seed), shape));
  const square = [1024, 1024];
  const int = (n, high, seed, shape) =>
    track(tf.tensor(Int32Array.from(indices(n, high, seed)), shape, 'int32'));
  switch (workload) {
    case 'softmax [1024,1024] forward': {
      const x = t(square, 1);
      return run(() => tf.softmax(x));
    }
    case 'logSoftmax [1024,1024] forward': {
      const x = t(square, 1);
      return run(() => tf.logSoftmax(x));
    }
    case 'softmax [1024,1024] forward+backward':
      return { fn: gradsOf((x) => tf.softmax(x), [t(square, 1)], t(square, 99)) };
    case 'logSoftmax [1024,1024] forward+backward':
      return { fn: gradsOf((x) => tf.logSoftmax(x), [t(square, 1)], t(square, 99)) };
    case 'conv2d [32,16,32,32] 3×3×32 forward': {
      const x = t(nhwc(CONV.input), 11);
      const [o, c, kh, kw] = CONV.weight;
      const w = t([kh, kw, c, o], 12);
      const b = t([o], 13);
      return run(() => tf.add(tf.conv2d(x, w, 1, 'same'), b));
    }
    case 'conv2d [32,16,32,32] 3×3×32 forward+backward': {
      const x = t(nhwc(CONV.input), 11);
      const [o, c, kh, kw] = CONV.weight;
      const w = t([kh, kw, c, o], 12);
      const b = t([o], 13);
      const dy = t(nhwc(CONV.output), 14);
      return { fn: gradsOf((x, w, b) => tf.add(tf.conv2d(x, w, 1, 'same'), b), [x, w, b], dy) };
    }
    case 'maxPool2d [32,16,32,32] 2×2 forward': {
      const x = t(nhwc(CONV.input), 11);
      return run(() => tf.maxPool(x, 2, 2, 'valid'));
    }
    case 'maxPool2d [32,16,32,32] 2×2 forward+backward':
      return {
        fn: gradsOf(
          (x) => tf.maxPool(x, 2, 2, 'valid'),
          [t(nhwc(CONV.input), 11)],
          t(nhwc(CONV.pooled), 15),
        ),
      };
    case 'gather [1024,1024] along dim 1': {
      const x = t(square, 1);
      const idx = int(M, 1024, 5, square);
      return run(() => tf.gather(x, idx, 1, 1));
    }
    case 'indexSelect 512 rows of [1024,1024]': {
      const x = t(square, 1);
      const rows = int(512, 1024, 6, [512]);
      return run(() => tf.gather(x, rows, 0));
    }
    case 'x[rows] 512 of [1024,1024] forward+backward': {
      const rows = int(512, 1024, 6, [512]);
      return { fn: gradsOf((x) => tf.gather(x, rows, 0), [t(square, 1)], t([512, 1024], 99)) };
    }
    default:
      return null;
  }
}
