/* global URL, setTimeout, clearTimeout */
// The browser lane (npm run test:browser; CI runs it after the build): bundles test/browser/page.mjs
// with esbuild from the built package (resolved by name through package.json "exports", as an app
// would), serves it on 127.0.0.1 and opens it in Debian's headless Chromium twice:
//   simd.html  CSP `script-src 'self' 'wasm-unsafe-eval'`: the WebAssembly SIMD kernels run;
//   csp.html   CSP `script-src 'self'` (no 'wasm-unsafe-eval'): WebAssembly cannot compile, the
//              JavaScript kernels run, backend() says so, and the numbers are the same;
//   threads.html  cross-origin isolated (COOP/COEP) with workers from blob: URLs allowed: the
//              simd page's checks, then setNumThreads(2) starts a worker, backend() reports two
//              threads, and a matrix product gives the bits it gave on one.
// Each page posts what it computed to /report; the assertions are PyTorch 1.13.1's numbers.
import { build } from 'esbuild';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const PAGE_TIMEOUT_MS = 90_000;

/** PyTorch 1.13.1's numbers for the seed example (README, examples/linear-clip.ts). */
const PYTORCH = {
  loss: 0.9271299839019775,
  totalNorm: 7.481153964996338,
  printed: 'tensor(7.4812)',
  weight: [[0.049113962799310684, 0.45925095677375793]],
  bias: [-0.5564606189727783],
};

const PAGES = {
  simd: {
    csp: "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'",
    expectBackend: { simd: true, wasm: true, threads: 1 },
  },
  csp: {
    csp: "default-src 'none'; script-src 'self'; connect-src 'self'",
    expectBackend: { simd: false, wasm: false, threads: 1 },
  },
  threads: {
    csp: "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src blob:; connect-src 'self'",
    isolated: true,
    expectBackend: { simd: true, wasm: true, threads: 1 },
  },
};

const html = (name) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>torchlet browser lane: ${name}</title></head>
<body><pre id="result">running</pre><script type="module" src="/page.js"></script></body></html>
`;

if (!existsSync(join(root, 'dist', 'esm', 'index.js'))) {
  console.error('test:browser: dist/ is missing; run `npm run build` first');
  process.exit(1);
}
if (!existsSync(CHROMIUM)) {
  console.error(`test:browser: no Chromium at ${CHROMIUM} (apt-get install chromium)`);
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'torchlet-browser-'));
const modulesDir = join(work, 'node_modules');
mkdirSync(modulesDir);
symlinkSync(root, join(modulesDir, 'torchlet'), 'dir');

const bundled = await build({
  entryPoints: [join(here, 'page.mjs')],
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  nodePaths: [modulesDir],
  write: false,
  logLevel: 'error',
});
const pageJs = bundled.outputFiles[0].contents;

const waiting = new Map(); // page name -> resolve(report)
const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const name = url.pathname.slice(1).replace(/\.html$/, '');
  if (req.method === 'GET' && url.pathname === '/page.js') {
    res.writeHead(200, { 'content-type': 'text/javascript' });
    res.end(pageJs);
  } else if (req.method === 'GET' && name in PAGES) {
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': PAGES[name].csp,
      // Cross-origin isolation: what a page needs for SharedArrayBuffer and shared memories.
      ...(PAGES[name].isolated
        ? {
            'cross-origin-opener-policy': 'same-origin',
            'cross-origin-embedder-policy': 'require-corp',
          }
        : {}),
    });
    res.end(html(name));
  } else if (req.method === 'POST' && url.pathname === '/report') {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      res.writeHead(204);
      res.end();
      waiting.get(url.searchParams.get('page'))?.(JSON.parse(body));
    });
  } else {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const { port } = server.address();

/** Opens `name` in a fresh headless Chromium and resolves with what the page reported. */
function runPage(name) {
  const profile = mkdtempSync(join(work, `profile-${name}-`));
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
    `--user-data-dir=${profile}`,
    `http://127.0.0.1:${port}/${name}.html?page=${name}`,
  ];
  // Its own process group, so that the renderer and GPU processes end with it.
  const browser = spawn(CHROMIUM, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  const exited = new Promise((ok) => browser.once('exit', ok));
  let settled = false;
  let stderr = '';
  browser.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolveReport, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${name}: no report within ${PAGE_TIMEOUT_MS} ms\n${stderr.slice(-2000)}`));
    }, PAGE_TIMEOUT_MS);
    browser.once('exit', (code) => {
      if (settled) return;
      clearTimeout(timer);
      reject(
        new Error(
          `${name}: Chromium exited (${code}) before the page reported\n${stderr.slice(-2000)}`,
        ),
      );
    });
    waiting.set(name, (report) => {
      clearTimeout(timer);
      resolveReport(report);
    });
  }).finally(async () => {
    settled = true;
    if (browser.exitCode === null && browser.signalCode === null) {
      try {
        process.kill(-browser.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      await exited;
    }
  });
}

const close = (actual, expected, what) =>
  assert.ok(Math.abs(actual - expected) <= 1e-6, `${what}: ${actual}, PyTorch ${expected}`);

let failed = 0;
const reports = {};
try {
  for (const [name, page] of Object.entries(PAGES)) {
    try {
      const report = await runPage(name);
      reports[name] = report;
      assert.equal(report.error, undefined, `${name}: the page threw: ${report.error}`);
      const { seed, simd } = report;
      close(seed.loss, PYTORCH.loss, `${name}: loss`);
      close(seed.totalNorm, PYTORCH.totalNorm, `${name}: total norm`);
      assert.equal(seed.printed, PYTORCH.printed, `${name}: printed total norm`);
      close(seed.weight[0][0], PYTORCH.weight[0][0], `${name}: weight[0][0]`);
      close(seed.weight[0][1], PYTORCH.weight[0][1], `${name}: weight[0][1]`);
      close(seed.bias[0], PYTORCH.bias[0], `${name}: bias`);
      assert.equal(
        simd.product,
        simd.reference,
        `${name}: 64x64 matmul against the plain reference`,
      );
      assert.equal(simd.clipTotal, 1536, `${name}: total norm of a 2^18-element gradient of 3s`);
      close(simd.clippedGrad, 3 / (1536 + 1e-6), `${name}: clipped gradient`);
      assert.deepEqual(report.backend, page.expectBackend, `${name}: backend()`);
      if (name === 'simd') assert.equal(report.engineSimd, true, 'simd: Chromium validates SIMD');
      if (page.isolated) {
        const t = report.threads;
        assert.equal(t.crossOriginIsolated, true, `${name}: crossOriginIsolated`);
        assert.equal(t.requested, 2, `${name}: getNumThreads() after setNumThreads(2)`);
        assert.equal(t.running, 2, `${name}: backend().threads once the worker started`);
        assert.equal(t.sameBits, true, `${name}: a product on 2 threads has the bits of 1`);
      }
      console.log(
        `ok   ${name}.html: total norm ${seed.printed}, weight ${JSON.stringify(seed.weight)}, ` +
          `backend() ${JSON.stringify(report.backend)}`,
      );
    } catch (error) {
      failed++;
      console.log(`FAIL ${name}.html: ${error.message}`);
    }
  }
  // Both pages computed the same numbers: the JavaScript fallback matches the SIMD kernels here.
  if (reports.simd?.seed && reports.csp?.seed) {
    try {
      assert.deepEqual(reports.csp.seed, reports.simd.seed, 'seed example: SIMD page vs CSP page');
      assert.deepEqual(reports.csp.simd, reports.simd.simd, 'SIMD work: SIMD page vs CSP page');
      console.log('ok   the CSP page (JavaScript kernels) computed exactly what the SIMD page did');
    } catch (error) {
      failed++;
      console.log(`FAIL ${error.message}`);
    }
  }
  if (reports.simd?.userAgent) console.log(`     (${reports.simd.userAgent})`);
} finally {
  server.close();
  rmSync(work, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
}

const total = Object.keys(PAGES).length + 1;
console.log(`browser: ${total - failed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
