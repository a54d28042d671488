import { afterAll, describe, expect, it } from 'vitest';
import {
  backend,
  bmm,
  getNumThreads,
  manualSeed,
  nn,
  randn,
  setNumThreads,
  tensor,
} from '../index.js';

const { linear } = nn.functional;
import type { Tensor } from './tensor.js';
import { poolState } from './kernels/thread-pool.js';

/** Node 20.16+ reaches worker_threads without an import; older platforms keep one thread. */
const canThread =
  typeof (globalThis as { process?: { getBuiltinModule?: unknown } }).process?.getBuiltinModule ===
  'function';

/** Waits (blocking, as a training loop would) until `workers` workers are ready. */
function waitForWorkers(workers: number): void {
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 400 && poolState().ready < workers; i++) Atomics.wait(sleeper, 0, 0, 10);
  expect(poolState().ready).toBe(workers);
}

const bits = (t: Tensor): Uint32Array => new Uint32Array(t.toFloat32Array().buffer);

/** The first [product, element] whose bits differ between two runs, or null. */
function firstDifference(x: Uint32Array[], y: Uint32Array[]): [number, number] | null {
  expect(x.map((b) => b.length)).toEqual(y.map((b) => b.length));
  for (let p = 0; p < x.length; p++)
    for (let i = 0; i < x[p].length; i++) if (x[p][i] !== y[p][i]) return [p, i];
  return null;
}

afterAll(() => setNumThreads(1));

describe('setNumThreads / getNumThreads', () => {
  it('defaults to one thread', () => {
    expect(getNumThreads()).toBe(1);
  });

  it('rejects a thread count that is not an integer in [1, 256], changing nothing', () => {
    expect(() => setNumThreads(0)).toThrow(
      new RangeError('setNumThreads: threads must be in [1, 256], got 0'),
    );
    expect(() => setNumThreads(257)).toThrow(RangeError);
    expect(() => setNumThreads(-2)).toThrow(RangeError);
    expect(() => setNumThreads(1.5)).toThrow(
      new TypeError('setNumThreads: threads must be an integer, got the number 1.5'),
    );
    expect(() => setNumThreads(NaN)).toThrow(TypeError);
    expect(() => setNumThreads('2' as unknown as number)).toThrow(
      new TypeError("setNumThreads: threads must be an integer, got the string '2'"),
    );
    expect(getNumThreads()).toBe(1);
  });

  it.runIf(canThread)('gives matrix products the same bits on 1, 2 and 3 threads', () => {
    manualSeed(0);
    // Shapes around the tile (4 x 8) and k-block (256) edges, one over several row blocks,
    // operands that are transposed views (packed from their strides), and products split by rows
    // and by columns.
    const cases: [Tensor, Tensor][] = [
      [randn([512, 512]), randn([512, 512])],
      [randn([128, 784]), randn([784, 256])],
      [randn([131, 300]), randn([300, 257])],
      [randn([6, 1030]), randn([1030, 999])],
      [randn([300, 700]).t(), randn([200, 300]).t()],
      [randn([2000, 40]), randn([40, 1200])],
    ];
    const products = (): Uint32Array[] => [
      ...cases.map(([a, b]) => bits(a.matmul(b))),
      bits(bmm(randnSeeded([3, 100, 200], 1), randnSeeded([3, 200, 300], 2))),
      bits(linear(randnSeeded([256, 512], 3), randnSeeded([384, 512], 4), randnSeeded([384], 5))),
      // Far more column panels than row panels: split by columns.
      bits(randnSeeded([64, 300], 6).matmul(randnSeeded([300, 2000], 7))),
      bits(nn.functional.conv2d(randnSeeded([4, 16, 32, 32], 8), randnSeeded([32, 16, 3, 3], 9))),
    ];
    setNumThreads(1);
    const single = products();
    for (const threads of [2, 3]) {
      setNumThreads(threads);
      expect(getNumThreads()).toBe(threads);
      waitForWorkers(threads - 1);
      expect(backend().threads).toBe(threads);
      const before = poolState();
      expect(firstDifference(products(), single)).toBeNull();
      const after = poolState();
      expect(after.columnSplits).toBeGreaterThan(before.columnSplits);
      expect(after.splitCalls - after.columnSplits).toBeGreaterThan(
        before.splitCalls - before.columnSplits,
      );
    }
    setNumThreads(1);
    expect(getNumThreads()).toBe(1);
    expect(firstDifference(products(), single)).toBeNull();
  });

  it.runIf(canThread)('keeps its workers when asked for the same number again', () => {
    setNumThreads(2);
    waitForWorkers(1);
    setNumThreads(2);
    expect(poolState().ready).toBe(1); // the same pool: a new one would start with none ready
    expect(getNumThreads()).toBe(2);
    setNumThreads(1);
    expect(poolState().ready).toBe(0);
  });

  it.runIf(canThread)('gives gradients of a training step the same bits on 2 threads', () => {
    const step = (): Uint32Array[] => {
      manualSeed(1);
      const w1 = randn([256, 784], { requiresGrad: true });
      const w2 = randn([10, 256], { requiresGrad: true });
      const x = randn([128, 784]);
      const loss = linear(linear(x, w1).relu(), w2).square().mean();
      loss.backward();
      return [bits(loss), bits(w1.grad!), bits(w2.grad!)];
    };
    setNumThreads(1);
    const single = step();
    setNumThreads(2);
    waitForWorkers(1);
    expect(firstDifference(step(), single)).toBeNull();
    setNumThreads(1);
  });

  it('keeps small products on the calling thread', () => {
    if (canThread) {
      setNumThreads(2);
      waitForWorkers(1);
    }
    const before = poolState().splitCalls;
    expect(
      tensor([
        [1, 2],
        [3, 4],
      ])
        .matmul(tensor([[5], [6]]))
        .tolist(),
    ).toEqual([[17], [39]]);
    randn([64, 64]).matmul(randn([64, 64]));
    expect(poolState().splitCalls).toBe(before);
    setNumThreads(1);
  });
});

function randnSeeded(shape: number[], seed: number): Tensor {
  manualSeed(seed);
  return randn(shape);
}
