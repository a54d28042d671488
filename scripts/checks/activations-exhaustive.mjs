// Compares the gelu and silu SIMD kernels (nn/functional/activation-simd.ts) with the JavaScript
// loops they replace over every float32 input: the forward, and the backward with g = 1 and
// g = 0.75. About eight minutes per activation on one core; run after `npm run build`:
//   node scripts/checks/activations-exhaustive.mjs [gelu|silu]
import { activationSimd } from '../../dist/esm/nn/functional/activation-simd.js';
import { erfFloat32 } from '../../dist/esm/nn/functional/erf.js';
import { allocLongLived } from '../../dist/esm/tensor/kernels/arena.js';

// activation.ts's formulas, as its loops compute them.
const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const exp32 = (v) => Math.fround(Math.exp(v));
const FORMULAS = {
  gelu: [
    (x) => x * 0.5 * (1 + erfFloat32(x * SQRT1_2)),
    (g, x) => g * (0.5 * (1 + erfFloat32(x * SQRT1_2)) + x * INV_SQRT_2PI * exp32(-0.5 * x * x)),
  ],
  silu: [
    (x) => x / (1 + exp32(-x)),
    (g, x) => {
      const s = 1 / (1 + exp32(-x));
      return g * s * (1 + x * (1 - s));
    },
  ],
};

const CHUNK = 1 << 20;
const x = allocLongLived(CHUNK, false);
const g = allocLongLived(CHUNK, false);
const out = allocLongLived(CHUNK, false);
const xBits = new Int32Array(x.buffer, x.byteOffset, CHUNK);
const outBits = new Int32Array(out.buffer, out.byteOffset, CHUNK);
const want = new Float32Array(CHUNK);
const wantBits = new Int32Array(want.buffer);
let failed = false;
for (const name of process.argv[2] ? [process.argv[2]] : Object.keys(FORMULAS)) {
  const [f, df] = FORMULAS[name];
  const run = activationSimd(name, f, df);
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
            `${name}: x bits ${xBits[i].toString(16)}, g ${gv}: kernel ${outBits[i].toString(16)}, loop ${wantBits[i].toString(16)}`,
          );
        }
      }
    }
  }
  console.log(
    `${name}: ${differences} differences over every float32 input (forward, backward with g = 1 and 0.75)`,
  );
  failed ||= differences > 0;
}
process.exit(failed ? 1 : 0);
