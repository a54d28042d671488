// The loop the exhaustive checks share: every float32 input, in chunks of 2^20 in arena memory,
// through a kernel and through the JavaScript loop it replaces, compared bit for bit.
import { allocLongLived } from '../../dist/esm/tensor/kernels/arena.js';

/** Elements per chunk (a block of the arena). */
export const CHUNK = 1 << 20;

/**
 * Runs each case over every float32 x: `kernel(x, out)` writes its results into out, `loop(v)` is
 * the JavaScript function for one element. Prints the first differences and a count per case.
 *
 * @param {string} name - What is compared, for the messages.
 * @param {Array<{ label: string, kernel: (x: Float32Array, out: Float32Array) => void, loop: (v: number) => number }>} cases
 * @returns {boolean} Whether every case matched everywhere.
 */
export function compareOverEveryFloat32(name, cases) {
  const x = allocLongLived(CHUNK, false);
  const out = allocLongLived(CHUNK, false);
  const xBits = new Int32Array(x.buffer, x.byteOffset, CHUNK);
  const outBits = new Int32Array(out.buffer, out.byteOffset, CHUNK);
  const want = new Float32Array(CHUNK);
  const wantBits = new Int32Array(want.buffer);
  const differences = cases.map(() => 0);
  for (let chunk = 0; chunk < 2 ** 32 / CHUNK; chunk++) {
    for (let i = 0; i < CHUNK; i++) xBits[i] = (chunk * CHUNK + i) | 0;
    cases.forEach(({ label, kernel, loop }, c) => {
      kernel(x, out);
      for (let i = 0; i < CHUNK; i++) want[i] = loop(x[i]);
      for (let i = 0; i < CHUNK; i++) {
        if (outBits[i] !== wantBits[i] && differences[c]++ < 20) {
          console.log(
            `${name} ${label}: x bits ${xBits[i].toString(16)}: kernel ${outBits[i].toString(16)}, loop ${wantBits[i].toString(16)}`,
          );
        }
      }
    });
  }
  cases.forEach(({ label }, c) =>
    console.log(`${name} ${label}: ${differences[c]} differences over every float32 input`),
  );
  return differences.every((d) => d === 0);
}
