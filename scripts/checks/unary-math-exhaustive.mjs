// Compares a unary-math kernel (src/tensor/kernels/unary-math.ts) with the JavaScript loop it
// replaces over every float32 input. A few minutes per function on one core; run after
// `npm run build`:   node scripts/checks/unary-math-exhaustive.mjs [exp|sigmoid|tanh|log]
import { unaryMathSimd } from '../../dist/esm/tensor/kernels/unary-math.js';
import { allocLongLived } from '../../dist/esm/tensor/kernels/arena.js';

const FUNCTIONS = {
  exp: [0, Math.exp],
  sigmoid: [1, (v) => 1 / (1 + Math.exp(-v))],
  tanh: [2, Math.tanh],
  log: [3, Math.log],
};

const CHUNK = 1 << 20;
const x = allocLongLived(CHUNK, false);
const out = allocLongLived(CHUNK, false);
const xBits = new Int32Array(x.buffer, x.byteOffset, CHUNK);
const outBits = new Int32Array(out.buffer, out.byteOffset, CHUNK);
const want = new Float32Array(CHUNK);
const wantBits = new Int32Array(want.buffer);
let failed = false;
for (const name of process.argv[2] ? [process.argv[2]] : Object.keys(FUNCTIONS)) {
  const [fn, f] = FUNCTIONS[name];
  let differences = 0;
  for (let chunk = 0; chunk < 2 ** 32 / CHUNK; chunk++) {
    for (let i = 0; i < CHUNK; i++) xBits[i] = (chunk * CHUNK + i) | 0;
    unaryMathSimd(fn, x, out);
    for (let i = 0; i < CHUNK; i++) want[i] = f(x[i]);
    for (let i = 0; i < CHUNK; i++) {
      if (outBits[i] !== wantBits[i] && differences++ < 20) {
        console.log(
          `${name}: x bits ${xBits[i].toString(16)}: kernel ${outBits[i].toString(16)}, loop ${wantBits[i].toString(16)}`,
        );
      }
    }
  }
  console.log(`${name}: ${differences} differences over every float32 input`);
  failed ||= differences > 0;
}
process.exit(failed ? 1 : 0);
