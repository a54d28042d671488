// The hand-written plain-JS baseline: straightforward loops over Float32Arrays, as a developer
// would write them without a library. Only the clipping and matmul workloads.
import {
  CLIP_MANY_SMALL,
  CLIP_ONE_BIG,
  CLIP_SHAPES,
  clipShapes,
  fill,
  matmulSize,
  numel,
} from './workloads.mjs';

export const name = 'plain JS';
export const threads = 1;
export const threadsNote = 'single-threaded';

let grads = null;
const clipGrads = () => (grads ??= CLIP_SHAPES.map((s, i) => fill(numel(s), i + 1)));

export function prepare(workload) {
  const n = matmulSize(workload);
  if (n !== null) {
    const a = fill(n * n, 3);
    const b = fill(n * n, 4);
    const c = new Float32Array(n * n);
    // i-k-j order: the cache-friendly loop most people write.
    return {
      fn: () => {
        c.fill(0);
        for (let i = 0; i < n; i++) {
          const co = i * n;
          for (let k = 0; k < n; k++) {
            const av = a[co + k];
            const bo = k * n;
            for (let j = 0; j < n; j++) c[co + j] += av * b[bo + j];
          }
        }
      },
    };
  }
  if (!workload.startsWith('clipGrad')) return null;
  // The two single-purpose clipping rows get gradients of their own; the original three share one set.
  const own = workload === CLIP_ONE_BIG || workload === CLIP_MANY_SMALL;
  const gs = own ? clipShapes(workload).map((s, i) => fill(numel(s), i + 1)) : clipGrads();
  if (workload === 'clipGradNorm_ (norm 2)' || own) {
    return {
      fn: () => {
        let sq = 0;
        for (const g of gs) for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
        const coef = Math.min(1, 1.0 / (Math.sqrt(sq) + 1e-6));
        for (const g of gs) for (let i = 0; i < g.length; i++) g[i] *= coef;
      },
    };
  }
  if (workload === 'clipGradNorm_ (norm inf)') {
    return {
      fn: () => {
        let m = 0;
        for (const g of gs) for (let i = 0; i < g.length; i++) m = Math.max(m, Math.abs(g[i]));
        const coef = Math.min(1, 1.0 / (m + 1e-6));
        for (const g of gs) for (let i = 0; i < g.length; i++) g[i] *= coef;
      },
    };
  }
  if (workload === 'clipGradValue_') {
    return {
      fn: () => {
        for (const g of gs)
          for (let i = 0; i < g.length; i++) g[i] = Math.min(0.01, Math.max(-0.01, g[i]));
      },
    };
  }
  return null;
}
