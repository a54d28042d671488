/** gather copies any strided view, broadcast (stride 0) rows included, bit for bit. */
import { describe, expect, it } from 'vitest';
import { forEachRow, gather } from './strided.js';

const bits = (f: Float32Array) => Array.from(new Int32Array(f.buffer, f.byteOffset, f.length));

describe('gather', () => {
  it('fills broadcast rows with the exact bits of their one element (NaN, -0 included)', () => {
    const buffer = new Float32Array(new Int32Array([0x7fc00001, 0x80000000, 0x3f800000]).buffer);
    for (const at of [0, 1, 2]) {
      const out = gather({ buffer, shape: [5], strides: [0], offset: at }, new Float32Array(5));
      expect(bits(out)).toEqual(Array(5).fill(bits(buffer.subarray(at, at + 1))[0]));
    }
    const mixed = gather(
      { buffer, shape: [2, 3], strides: [1, 0], offset: 1 },
      new Float32Array(6),
    );
    expect(bits(mixed)).toEqual([...Array(3).fill(0x80000000 | 0), ...Array(3).fill(0x3f800000)]);
  });

  it('copies contiguous, strided and broadcast dims together in row-major order', () => {
    const buffer = Float32Array.from({ length: 24 }, (_, i) => i);
    const out = gather(
      { buffer, shape: [2, 2, 3], strides: [12, 0, 2], offset: 1 },
      new Float32Array(12),
    );
    expect(Array.from(out)).toEqual([1, 3, 5, 1, 3, 5, 13, 15, 17, 13, 15, 17]);
  });

  it('walks trailing dims that step as one as one longer row, the same elements in the same order', () => {
    const buffer = Float32Array.from({ length: 4096 }, (_, i) => i);
    const views: Array<[number[], number[], number]> = [
      [[16, 2, 8, 8], [64, 1024, 8, 1], 3], // a permuted batch: the last two dims merge
      [[4, 4, 4], [16, 4, 1], 0], // contiguous: one row
      [[3, 5, 7], [1, 105, 15], 2], // nothing merges
      [[2, 3, 4], [0, 0, 1], 5], // broadcast dims merge with each other
      [[5, 1, 6], [40, 6, 1], 1],
    ];
    for (const [shape, strides, offset] of views) {
      const want: number[] = [];
      const at = shape.map(() => 0);
      for (let i = 0, n = shape.reduce((a, b) => a * b, 1); i < n; i++) {
        want.push(buffer[offset + at.reduce((s, v, d) => s + v * strides[d]!, 0)]!);
        for (let d = shape.length - 1; d >= 0 && ++at[d]! === shape[d]; d--) at[d] = 0;
      }
      const got: number[] = [];
      let calls = 0;
      forEachRow(shape, strides, offset, (off, start, len, stride) => {
        calls++;
        expect(start).toBe(got.length);
        for (let j = 0; j < len; j++) got.push(buffer[off + j * stride]!);
      });
      expect(got, JSON.stringify(shape)).toEqual(want);
      if (shape[0] === 16) expect(calls).toBe(32);
    }
  });
});
