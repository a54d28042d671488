// The built package's threaded matrix products, through Node's entry (the CommonJS build under an
// ES module) and the ES build a bundler or browser loads: the worker runs the source text of a
// built function, so the build must keep it self-contained. Two threads give one thread's bits.
import assert from 'node:assert';
import * as fromNode from 'torchlet';
import * as fromEsm from '../../dist/esm/index.js';

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

for (const [name, torch] of [
  ['Node entry', fromNode],
  ['ES build', fromEsm],
]) {
  torch.manualSeed(0);
  const a = torch.randn([300, 500]);
  const b = torch.randn([500, 400]);
  const one = a.matmul(b).toFloat32Array();
  torch.setNumThreads(2);
  if (typeof process.getBuiltinModule !== 'function') {
    assert.strictEqual(torch.getNumThreads(), 1); // Node before 20.16: one thread
    continue;
  }
  for (let i = 0; i < 100 && torch.backend().threads < 2; i++) sleep(20);
  assert.strictEqual(torch.backend().threads, 2, `${name}: the worker started`);
  const two = a.matmul(b).toFloat32Array();
  assert.ok(
    one.every((v, i) => Object.is(v, two[i])),
    `${name}: 2 threads give 1 thread's bits`,
  );
  torch.setNumThreads(1);
  console.log(`dist threads (${name}): ok`);
}
