// torchlet (2 threads): the 'torchlet (dispose)' peer's matrix-product workloads with
// setNumThreads(2), which splits each large product's rows between the calling thread and one
// worker (bit-identical results). Its rows give back outputs with dispose() as that peer's do, so
// the two columns differ only by the threads. Rows without a large matrix product are null here
// (—): threads change nothing there.
import * as torch from '../dist/esm/index.js';
import { prepare as prepareTorchlet } from './torchlet.mjs';

export const name = 'torchlet (2 threads)';
export const threads = 2;
export const threadsNote =
  "matrix products on 2 threads (setNumThreads(2)), everything else on 1; dispose() as 'torchlet (dispose)'";

/** Workloads whose time is mostly large matrix products. */
const THREADED = /^matmul (128|256|512|1024)²|MLP 784|Linear\(1024|LSTM|conv2d/;

export function activate() {
  if (torch.getNumThreads() === 2) return;
  torch.setNumThreads(2);
  // Give the worker time to start (~50 ms), so that the warm-up runs already use it.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
}

export function release() {
  torch.setNumThreads(1);
}

export const prepare = (workload) =>
  THREADED.test(workload)
    ? (prepareTorchlet(workload, { dispose: true }) ?? prepareTorchlet(workload))
    : null;
