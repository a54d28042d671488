// torchlet (dispose): the torchlet peer's workloads, with the call giving back what it drops
// through Tensor.dispose() (outputs; for "+backward" rows also the cleared gradients), so the
// shared WebAssembly arena reuses that memory at once instead of after the garbage collector
// reports it. The tfjs peers dispose their outputs each call too. Rows where dispose changes
// nothing (clipping, the training steps, the SGD step, the small sum) are null here (—).
import { prepare as prepareTorchlet } from './torchlet.mjs';

export const name = 'torchlet (dispose)';
export const threads = 1;
export const threadsNote =
  'single-threaded; outputs and cleared gradients given back with dispose()';

export const prepare = (workload) => prepareTorchlet(workload, { dispose: true });
