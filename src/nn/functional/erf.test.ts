import { describe, expect, it } from 'vitest';
import { erf } from '../../ops/special-functions.js';
import { erfFloat32 } from './erf.js';

/** The float32 values with bit patterns from..to (exclusive) in steps of `step`, and their negatives. */
function floats(from: number, to: number, step: number): number[] {
  const bits = new Uint32Array(1);
  const value = new Float32Array(bits.buffer);
  const out: number[] = [];
  for (let b = from; b < to; b += step) {
    bits[0] = b;
    out.push(value[0], -value[0]);
  }
  return out;
}

describe('erfFloat32 (the fitted erf behind gelu)', () => {
  it("gives Math.fround of erf's series for float32 inputs and gelu's x/√2 of them", () => {
    // A stride prime to the float32 significand walks every exponent; the piece edges 1, 2, 3, 4.5
    // and their neighbours are added. (Every float32 input was compared once, with no difference.)
    const edges = [1, 2, 3, 4.5].flatMap((e) => [e, e * (1 - 2 ** -52), e * (1 + 2 ** -52)]);
    const inputs = [...floats(0, 0x41100000, 4099), ...edges, ...edges.map((e) => -e)];
    let checked = 0;
    for (const x of inputs)
      for (const v of [x, x * Math.SQRT1_2]) {
        const expected = Math.fround(erf(v));
        const got = erfFloat32(v);
        if (got !== expected) expect({ v, got }).toEqual({ v, got: expected });
        checked++;
      }
    expect(checked).toBeGreaterThan(500_000);
  });

  it('saturates at ±1, keeps NaN and the sign of zero', () => {
    expect(erfFloat32(4.5)).toBe(1);
    expect(erfFloat32(-100)).toBe(-1);
    expect(erfFloat32(Infinity)).toBe(1);
    expect(erfFloat32(-Infinity)).toBe(-1);
    expect(erfFloat32(NaN)).toBeNaN();
    expect(Object.is(erfFloat32(0), 0)).toBe(true);
    expect(Object.is(erfFloat32(-0), -0)).toBe(true);
    expect(erfFloat32(1)).toBe(Math.fround(0.8427007929497149));
  });
});
