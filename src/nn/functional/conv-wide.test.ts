/**
 * conv2d with stride 1 runs as products over "wide rows" (conv-kernels.ts convForwardWide) when the
 * input's rows are contiguous; otherwise im2col. Both must give the same bits: the same dot
 * products over the same k in the same order.
 */
import { describe, expect, it } from 'vitest';
import { manualSeed, randn } from '../../index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { conv1d, conv2d } from '../functional.js';

const bits = (t: Tensor): number[] => Array.from(new Uint32Array(t.toFloat32Array().buffer));

/** The same values with the last two dims' strides swapped: rows not contiguous, so im2col runs. */
const columnMajor = (x: Tensor): Tensor => x.transpose(-1, -2).contiguous().transpose(-1, -2);

describe('conv2d over wide rows', () => {
  const cases: [number[], number[], Parameters<typeof conv2d>[3]][] = [
    [[2, 3, 9, 11], [4, 3, 3, 3], {}],
    [[2, 3, 9, 11], [4, 3, 3, 3], { padding: 1 }],
    [[1, 2, 8, 8], [3, 2, 2, 2], { padding: 'same' }],
    [[1, 2, 7, 6], [3, 2, 4, 3], { padding: 'same' }],
    [[2, 4, 10, 10], [6, 2, 3, 3], { groups: 2, padding: [2, 1] }],
    [[1, 1, 5, 40], [2, 1, 1, 5], {}],
    [[3, 16, 32, 32], [32, 16, 3, 3], {}],
    [[2, 8, 6, 6], [5, 8, 6, 6], {}],
  ];
  for (const [xs, ws, options] of cases)
    it(`gives im2col's bits: x ${JSON.stringify(xs)}, w ${JSON.stringify(ws)}, ${JSON.stringify(options)}`, () => {
      manualSeed(xs.length + ws[0]);
      const x = randn(xs);
      const w = randn(ws);
      const b = randn([ws[0]]);
      const wide = conv2d(x, w, b, options);
      const im2col = conv2d(columnMajor(x), w, b, options);
      expect(wide.shape).toEqual(im2col.shape);
      expect(bits(wide)).toEqual(bits(im2col));
    });

  it("weight gradients take the same bits from im2col's plane copies as from its row copies", () => {
    // Output rows as long as the input's (the shifted-plane block copy) against an input whose
    // rows are not contiguous (the copy row by row): paddings, dilations and taps that shift the
    // plane both ways, rows that fall wholly in the padding.
    const geometries: [number[], number[], Parameters<typeof conv2d>[3]][] = [
      [[2, 3, 9, 11], [4, 3, 3, 3], { padding: 1 }],
      [[1, 2, 7, 6], [3, 2, 5, 5], { padding: 2 }],
      [[1, 2, 9, 9], [2, 2, 3, 3], { padding: 2, dilation: 2 }],
      [[2, 2, 4, 6], [3, 2, 7, 3], { padding: [3, 1] }],
      [[1, 3, 5, 5], [2, 3, 3, 3], { padding: 'same', dilation: [3, 1] }],
    ];
    for (const [xs, ws, options] of geometries) {
      manualSeed(xs[2]! + ws[2]!);
      const x = randn(xs);
      const w = randn(ws, { requiresGrad: true });
      conv2d(x, w, null, options).square().sum().backward();
      const flat = bits(w.grad!);
      const wc = w.detach().clone().requiresGrad_();
      conv2d(columnMajor(x), wc, null, options).square().sum().backward();
      expect(bits(wc.grad!), JSON.stringify(options)).toEqual(flat);
    }
  });

  it('keeps gradients and conv1d as they were', () => {
    manualSeed(3);
    const x = randn([2, 3, 12, 12], { requiresGrad: true });
    const w = randn([4, 3, 3, 3], { requiresGrad: true });
    conv2d(x, w, null, { padding: 1 }).square().sum().backward();
    const gx = bits(x.grad!);
    const gw = bits(w.grad!);
    const xc = columnMajor(x.detach()).requiresGrad_();
    const wc = w.detach().clone().requiresGrad_();
    conv2d(xc, wc, null, { padding: 1 }).square().sum().backward();
    expect(bits(xc.grad!)).toEqual(gx);
    expect(bits(wc.grad!)).toEqual(gw);
    const s = randn([2, 3, 20]);
    const k = randn([4, 3, 5]);
    expect(bits(conv1d(s, k))).toEqual(
      bits(conv1d(s.transpose(1, 2).contiguous().transpose(1, 2), k)),
    );
  });
});
