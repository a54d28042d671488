// Compares a unary-math kernel (src/tensor/kernels/unary-math.ts) with the JavaScript loop it
// replaces over every float32 input. A few minutes per function on one core; run after
// `npm run build`:   node scripts/checks/unary-math-exhaustive.mjs [exp|sigmoid|tanh|log]
import { unaryMathSimd } from '../../dist/esm/tensor/kernels/unary-math.js';
import { compareOverEveryFloat32 } from './every-float32.mjs';

const FUNCTIONS = {
  exp: [0, Math.exp],
  sigmoid: [1, (v) => 1 / (1 + Math.exp(-v))],
  tanh: [2, Math.tanh],
  log: [3, Math.log],
};

let matched = true;
for (const name of process.argv[2] ? [process.argv[2]] : Object.keys(FUNCTIONS)) {
  const [fn, loop] = FUNCTIONS[name];
  const kernel = (x, out) => unaryMathSimd(fn, x, out);
  matched = compareOverEveryFloat32(name, [{ label: 'forward', kernel, loop }]) && matched;
}
process.exit(matched ? 0 : 1);
