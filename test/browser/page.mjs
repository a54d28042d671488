/* global document, fetch, location, navigator, setTimeout, WebAssembly */
// The browser lane's page (bundled by test/browser/run.mjs with esbuild, as an app would bundle it):
// runs the seed example and a SIMD check, then posts what it saw back to the test server.
import {
  arange,
  backend,
  getNumThreads,
  manualSeed,
  ones,
  randn,
  setNumThreads,
  tensor,
} from 'torchlet';
import { Linear, MSELoss } from 'torchlet/nn';
import { SGD } from 'torchlet/optim';
import { clipGradNorm_ } from 'torchlet/clipping';

/** The program of examples/linear-clip.ts (and of the README). */
function seedExample() {
  manualSeed(0);
  const model = new Linear(2, 1);
  const optimizer = new SGD(model.parameters(), { lr: 0.1 });
  const inputs = tensor([
    [1.0, 2.0],
    [3.0, 4.0],
  ]);
  const targets = tensor([[1.0], [2.0]]);
  const loss = new MSELoss().forward(model.forward(inputs), targets);
  loss.backward();
  const total = clipGradNorm_(model.parameters(), 1.0);
  optimizer.step();
  return {
    loss: loss.item(),
    totalNorm: total.item(),
    printed: total.toString(),
    weight: model.weight.tolist(),
    bias: model.bias.tolist(),
  };
}

/**
 * Work large enough for the WebAssembly SIMD kernels (when they run): a 64x64 matrix product of
 * small integers (exact in float32 whatever the accumulation order, so both kernels must agree with
 * a plain reference) and clipping a 2^18-element gradient held in WebAssembly memory.
 */
function simdWork() {
  const n = 64;
  const a = arange(n * n)
    .remainder(7)
    .reshape(n, n);
  const product = a.matmul(a).sum().item();
  const values = Array.from({ length: n * n }, (_, i) => i % 7);
  let reference = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      for (let k = 0; k < n; k++) reference += values[i * n + k] * values[k * n + j];

  const p = ones(1 << 18, { requiresGrad: true });
  p.grad = ones(1 << 18).mul(3);
  const total = clipGradNorm_([p], 1.0).item();
  return { product, reference, clipTotal: total, clippedGrad: p.grad.max().item() };
}

/** Whether this engine validates a module using a SIMD instruction (independent of torchlet). */
function engineHasSimd() {
  // (module (func (result v128) (v128.const i32x4 0 0 0 0)))
  const bytes = new Uint8Array([
    0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11,
  ]);
  return typeof WebAssembly === 'object' && WebAssembly.validate(bytes);
}

/**
 * Matrix products on two threads (threads.html, a cross-origin-isolated page): waits for the
 * worker to start, then checks that products give the bits they give on one thread.
 */
async function threadedWork() {
  manualSeed(0);
  const a = randn([300, 500]);
  const b = randn([500, 260]);
  const single = Array.from(a.matmul(b).toFloat32Array());
  setNumThreads(2);
  for (let i = 0; i < 100 && backend().threads < 2; i++)
    await new Promise((ok) => setTimeout(ok, 50));
  const running = backend().threads;
  const threaded = Array.from(a.matmul(b).toFloat32Array());
  const requested = getNumThreads();
  setNumThreads(1);
  return {
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    requested,
    running,
    sameBits: threaded.every((v, i) => Object.is(v, single[i])),
  };
}

async function report(body) {
  document.getElementById('result').textContent = JSON.stringify(body, null, 2);
  await fetch(`/report${location.search}`, { method: 'POST', body: JSON.stringify(body) });
}

try {
  await report({
    userAgent: navigator.userAgent,
    engineSimd: engineHasSimd(),
    backend: backend(),
    seed: seedExample(),
    simd: simdWork(),
    ...(location.pathname === '/threads.html' ? { threads: await threadedWork() } : {}),
  });
} catch (error) {
  await report({ error: String(error && error.stack ? error.stack : error) });
}
