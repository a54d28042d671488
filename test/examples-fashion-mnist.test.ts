/**
 * examples/fashion-mnist.ts on the committed subset: the IDX reader on the real files, the loader's
 * shapes, and a few training batches whose losses are the PyTorch twin's and decrease.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FashionCNN,
  SUBSET_DIR,
  loadSplit,
  main,
  parseArgs,
  readIdxGz,
} from '../examples/fashion-mnist.js';
import * as torch from '../src/index.js';

/** Label counts per class, as numpy's bincount gives them for the subset's files. */
const TRAIN_COUNTS = [107, 104, 86, 92, 95, 100, 100, 115, 102, 99];
const TEST_COUNTS = [20, 27, 27, 17, 21, 16, 16, 20, 18, 18];

const bincount = (labels: number[]): number[] => {
  const out = new Array<number>(10).fill(0);
  for (const l of labels) out[l]++;
  return out;
};

describe('examples/fashion-mnist.ts', () => {
  it('reads the committed IDX files (checked against numpy)', () => {
    const images = readIdxGz(join(SUBSET_DIR, 'train-images-idx3-ubyte.gz'));
    const labels = readIdxGz(join(SUBSET_DIR, 'train-labels-idx1-ubyte.gz'));
    expect(images.shape).toEqual([1000, 28, 28]);
    expect(labels.shape).toEqual([1000]);
    // Per-image sums are exact in float32; their total is summed here in double precision.
    const total = (t: torch.Tensor): number =>
      (t.sum([1, 2]).tolist() as number[]).reduce((a, b) => a + b, 0);
    expect(total(images)).toBe(56558003);
    expect(images.select(0, 0).sum().item()).toBe(76247);
    expect(images.min().item()).toBe(0);
    expect(images.max().item()).toBe(255);
    const l = labels.tolist() as number[];
    expect(l.slice(0, 10)).toEqual([9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
    expect(bincount(l)).toEqual(TRAIN_COUNTS);

    const testImages = readIdxGz(join(SUBSET_DIR, 't10k-images-idx3-ubyte.gz'));
    const testLabels = readIdxGz(join(SUBSET_DIR, 't10k-labels-idx1-ubyte.gz'));
    expect(testImages.shape).toEqual([200, 28, 28]);
    expect(total(testImages)).toBe(11795585);
    const tl = testLabels.tolist() as number[];
    expect(tl.slice(0, 10)).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
    expect(bincount(tl)).toEqual(TEST_COUNTS);
  });

  it('loads normalised [n, 1, 28, 28] images and the network maps them to [n, 10] logits', () => {
    const [x, y] = loadSplit(SUBSET_DIR, 't10k');
    expect(x.shape).toEqual([200, 1, 28, 28]);
    expect(y.shape).toEqual([200]);
    // (pixel / 255 − 0.286) / 0.353 spans about [−0.81, 2.02].
    expect(x.min().item()).toBeCloseTo(-0.286 / 0.353, 5);
    expect(x.max().item()).toBeCloseTo((1 - 0.286) / 0.353, 5);
    torch.manualSeed(0);
    const model = new FashionCNN();
    const logits = model.call(x.narrow(0, 0, 5)) as torch.Tensor;
    expect(logits.shape).toEqual([5, 10]);
    expect(model.parameters().reduce((s, p) => s + p.numel(), 0)).toBe(52186);
  });

  it('defaults to the subset, --full to the Debian set', () => {
    expect(parseArgs([]).data).toBe(SUBSET_DIR);
    expect(parseArgs([]).epochs).toBe(8);
    expect(parseArgs(['--full']).data).toBe('/usr/share/datasets/fashion-mnist');
    expect(parseArgs(['--full']).epochs).toBe(2);
    expect(() => parseArgs(['--batch_size', '3'])).toThrow(/unknown argument/);
  });

  it('trains on real batches: with dropout 0 the losses are the PyTorch twin’s, and they decrease', () => {
    const lines: string[] = [];
    const [epoch] = main(['--dropout', '0', '--max-batches', '4', '--epochs', '1'], (l) =>
      lines.push(l),
    );
    // python3 examples/fashion-mnist.py --dropout 0 --max-batches 4 --epochs 1 --print-batch-losses
    // (PyTorch 1.13.1): the same initial weights, batch order, Adam, OneCycleLR and clipping.
    const pytorch = [2.312324, 2.216554, 2.573777, 1.854473];
    expect(epoch.batchLosses).toHaveLength(4);
    epoch.batchLosses.forEach((l, i) => expect(l).toBeCloseTo(pytorch[i], 4));
    expect(epoch.batchLosses[3]).toBeLessThan(epoch.batchLosses[0]);
    expect(epoch.testAccuracy).toBeGreaterThan(0.2); // chance is 0.1
    expect(lines.some((l) => /^epoch {2}1 {2}train loss 2\.2393 /.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith('  1/4 batches'))).toBe(true); // plain progress lines
  }, 180_000);

  it('with dropout on, the loss still falls over an epoch', () => {
    const results = main(['--max-batches', '4', '--epochs', '2'], () => {});
    expect(results).toHaveLength(2);
    expect(results[1].trainLoss).toBeLessThan(results[0].trainLoss);
  }, 180_000);
});
