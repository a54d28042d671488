// Compares gelu's SIMD kernel (nn/functional/gelu-simd.ts) with the JavaScript loops it replaces
// over every float32 input: the forward, and the backward with g = 1 and g = 0.75. About eight
// minutes on one core; run after `npm run build`: node scripts/checks/gelu-exhaustive.mjs
import { geluSimd } from '../../dist/esm/nn/functional/gelu-simd.js';
import { erfFloat32 } from '../../dist/esm/nn/functional/erf.js';
import { allocLongLived } from '../../dist/esm/tensor/kernels/arena.js';

// activation.ts's formulas, as its loops compute them.
const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const f = (x) => x * 0.5 * (1 + erfFloat32(x * SQRT1_2));
const df = (g, x) =>
  g *
  (0.5 * (1 + erfFloat32(x * SQRT1_2)) + x * INV_SQRT_2PI * Math.fround(Math.exp(-0.5 * x * x)));

const run = geluSimd(f, df);
const CHUNK = 1 << 20;
const x = allocLongLived(CHUNK, false);
const g = allocLongLived(CHUNK, false);
const out = allocLongLived(CHUNK, false);
const xBits = new Int32Array(x.buffer, x.byteOffset, CHUNK);
const outBits = new Int32Array(out.buffer, out.byteOffset, CHUNK);
const want = new Float32Array(CHUNK);
const wantBits = new Int32Array(want.buffer);
let differences = 0;
for (let chunk = 0; chunk < 2 ** 32 / CHUNK; chunk++) {
  for (let i = 0; i < CHUNK; i++) xBits[i] = (chunk * CHUNK + i) | 0;
  for (const gv of [null, 1, 0.75]) {
    if (gv !== null) g.fill(gv);
    run(x, gv === null ? null : g, out);
    for (let i = 0; i < CHUNK; i++) want[i] = gv === null ? f(x[i]) : df(gv, x[i]);
    for (let i = 0; i < CHUNK; i++) {
      if (outBits[i] !== wantBits[i] && differences++ < 20) {
        console.log(
          `x bits ${xBits[i].toString(16)}, g ${gv}: kernel ${outBits[i].toString(16)}, loop ${wantBits[i].toString(16)}`,
        );
      }
    }
  }
}
console.log(
  `${differences} differences over every float32 input (forward, backward with g = 1 and 0.75)`,
);
process.exit(differences === 0 ? 0 : 1);
