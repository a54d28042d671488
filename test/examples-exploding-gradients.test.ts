/**
 * examples/exploding-gradients.ts in a tiny configuration (few, short steps), its adding-problem
 * data, and the SVG chart helper it writes its plots with.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BASELINE_LOSS,
  METHODS,
  addingProblem,
  main,
  markdownTable,
  movingAverage,
} from '../examples/exploding-gradients.js';
import { lineChart } from '../examples/lib/svg-plot.js';

const out = mkdtempSync(join(tmpdir(), 'exploding-gradients-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('examples/exploding-gradients.ts', () => {
  it('makes adding-problem batches: one marker in each half, the target is the marked sum', () => {
    const [[x, y], second] = addingProblem(2, 10, 4, 7);
    expect(x.shape).toEqual([10, 4, 2]);
    expect(y.shape).toEqual([4, 1]);
    const xs = x.tolist() as number[][][];
    const ys = (y.tolist() as number[][]).map((r) => r[0]);
    for (let b = 0; b < 4; b++) {
      const marked = xs.map((step, t) => [t, step[b][1]]).filter(([, m]) => m === 1);
      expect(marked).toHaveLength(2);
      expect(marked[0][0]).toBeLessThan(5);
      expect(marked[1][0]).toBeGreaterThanOrEqual(5);
      const sum = xs[marked[0][0]][b][0] + xs[marked[1][0]][b][0];
      expect(ys[b]).toBeCloseTo(sum, 6);
    }
    // The same seed gives the same data (every method of a seed trains on the same batches).
    const again = addingProblem(2, 10, 4, 7);
    expect(again[1][0].tolist()).toEqual(second[0].tolist());
    expect(addingProblem(1, 10, 4, 8)[0][0].tolist()).not.toEqual(x.tolist());
  });

  it('runs every method on both models and writes the charts and the table', () => {
    const lines: string[] = [];
    const results = main(
      [
        ...['--steps', '4', '--seeds', '1', '--lstm-seeds', '1', '--seq-len', '12'],
        ...['--hidden', '4', '--batch-size', '3', '--out', out, '--quiet'],
      ],
      (l) => lines.push(l),
    );
    const onLstm = METHODS.filter((m) => m.lstm).length;
    expect(results).toHaveLength(METHODS.length + onLstm);
    for (const r of results) {
      expect(r.losses.length).toBeGreaterThan(0);
      expect(r.gradNorms.length).toBeGreaterThan(0);
      expect(r.seconds).toBeGreaterThanOrEqual(0);
    }
    expect(readdirSync(out).sort()).toEqual([
      'exploding-gradients-lstm-grad-norm.svg',
      'exploding-gradients-lstm-loss.svg',
      'exploding-gradients-rnn-grad-norm.svg',
      'exploding-gradients-rnn-loss.svg',
    ]);
    const svg = readFileSync(join(out, 'exploding-gradients-rnn-loss.svg'), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('AutoClip p10');
    expect(svg).toContain('clipGradNorm_ 0.1');
    const table = lines.flatMap((l) => l.split('\n')).filter((l) => l.startsWith('|'));
    expect(table).toHaveLength(2 + results.length);
    expect(table[0]).toContain('final loss');
    expect(lines.some((l) => /^\d+ runs of 4 steps in/.test(l))).toBe(true);
  }, 300_000);

  it('detects divergence: a huge learning rate blows up without clipping, not with clipGradNorm_', () => {
    const results = main(
      [
        ...['--models', 'rnn', '--methods', 'none,clipGradNorm_', '--lr', '1', '--steps', '6'],
        ...['--seeds', '1', '--seq-len', '30', '--hidden', '8', '--out', '', '--quiet'],
      ],
      () => {},
    );
    const none = results.find((r) => r.method.name === 'none')!;
    expect(none.divergedAt).not.toBeNull();
    expect(Number.isNaN(none.losses[none.losses.length - 1])).toBe(true);
    expect(Number.isNaN(none.finalLoss)).toBe(true);
    const clipped = results.find((r) => r.method.setting === 'maxNorm 0.1')!;
    expect(clipped.divergedAt).toBeNull();
    expect(clipped.losses).toHaveLength(6);
    expect(markdownTable(results)).toMatch(/\| RNN \| none \| — \| — \| 1\/1 \(step \d+\) \|/);
  }, 300_000);
});

describe('examples/lib/svg-plot.ts', () => {
  it('draws lines, breaks them at NaN and marks a series that ends diverged', () => {
    const svg = lineChart(
      [
        { label: 'steady', y: [1, 0.5, 0.25, 0.2] },
        { label: 'blows <up>', y: [1, 10, 100, NaN], dashed: true },
      ],
      {
        title: 'test',
        xLabel: 'step',
        yLabel: 'loss',
        logY: true,
        hLines: [{ y: BASELINE_LOSS, label: 'baseline' }],
      },
    );
    expect(svg).toContain('blows &lt;up&gt;');
    expect(svg).toContain('× = diverged (NaN/inf)');
    expect(svg).toContain('stroke-dasharray="6 3"');
    expect(svg).toContain('(log scale)');
    expect((svg.match(/<path d="M/g) ?? []).length).toBe(3); // two lines and one cross
    expect(svg).not.toMatch(/="[^"]*(NaN|Infinity)/); // no broken coordinates
  });

  it('handles empty and constant data', () => {
    expect(lineChart([], { title: 't', xLabel: 'x', yLabel: 'y' })).toContain('</svg>');
    const flat = lineChart([{ label: 'c', y: [2, 2, 2] }], {
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
    });
    expect(flat).not.toMatch(/="[^"]*(NaN|Infinity)/);
  });

  it('moving average skips nothing and keeps NaN', () => {
    expect(movingAverage([1, 3, 5, 7], 2)).toEqual([1, 2, 4, 6]);
    expect(movingAverage([1, NaN], 3).map(Number.isNaN)).toEqual([false, true]);
  });
});
