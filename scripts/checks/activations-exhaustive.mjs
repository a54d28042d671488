// Compares the gelu and silu SIMD kernels (nn/functional/activation-simd.ts) with the JavaScript
// loops they replace over every float32 input: the forward, and the backward with g = 1 and
// g = 0.75. About eight minutes per activation on one core; run after `npm run build`:
//   node scripts/checks/activations-exhaustive.mjs [gelu|silu]
import { activationSimd } from '../../dist/esm/nn/functional/activation-simd.js';
import { erfFloat32 } from '../../dist/esm/nn/functional/erf.js';
import { allocLongLived } from '../../dist/esm/tensor/kernels/arena.js';
import { CHUNK, compareOverEveryFloat32 } from './every-float32.mjs';

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

const g = allocLongLived(CHUNK, false);
let matched = true;
for (const name of process.argv[2] ? [process.argv[2]] : Object.keys(FORMULAS)) {
  const [f, df] = FORMULAS[name];
  const run = activationSimd(name, f, df);
  const backward = (gv) => ({
    label: `backward, g = ${gv}`,
    kernel: (x, out) => run(x, g.fill(gv), out),
    loop: (v) => df(gv, v),
  });
  const cases = [{ label: 'forward', kernel: (x, out) => run(x, null, out), loop: f }];
  matched = compareOverEveryFloat32(name, [...cases, backward(1), backward(0.75)]) && matched;
}
process.exit(matched ? 0 : 1);
