/** The DP-SGD Fashion-MNIST example, on the committed subset for one epoch. */
import { describe, expect, it } from 'vitest';
import { run, tradeoffSvg, loadSplit, SUBSET_DIR } from '../examples/dp-fashion-mnist.js';

describe('examples/dp-fashion-mnist.ts', () => {
  it('reads the subset', () => {
    const [x, y] = loadSplit(SUBSET_DIR, 't10k');
    expect([...x.shape]).toEqual([200, 1, 28, 28]);
    expect([...y.shape]).toEqual([200]);
  });

  it('trains one private and one non-private epoch, reporting accuracy and ε', () => {
    const r = run({ epochs: 1, verbose: false });
    expect(r.private).toHaveLength(1);
    expect(r.baseline).toHaveLength(1);
    const [p] = r.private;
    expect(p.epsilon).toBeGreaterThan(0);
    expect(Number.isFinite(p.epsilon)).toBe(true);
    expect(p.testAccuracy).toBeGreaterThan(0.15); // better than chance (10%) after one epoch
    expect(r.baseline[0].epsilon).toBe(0);
    expect(r.baseline[0].testAccuracy).toBeGreaterThan(0.15);
  }, 120_000);

  it('draws the trade-off plot as SVG', () => {
    const svg = tradeoffSvg(
      [
        {
          label: 'σ = 1',
          points: [
            [1, 0.5],
            [2, 0.6],
          ],
        },
      ],
      0.8,
    );
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('polyline');
  });
});
