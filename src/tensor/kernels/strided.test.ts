/** gather copies any strided view, broadcast (stride 0) rows included, bit for bit. */
import { describe, expect, it } from 'vitest';
import { gather } from './strided.js';

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
});
