// npm run bench: torchlet side by side with its peers in one run. Prints a table of median times
// with each cell's ratio to the fastest peer of its row, checks the performance targets, and
// writes bench/results.json. Peers: a plain-JS baseline, TensorFlow.js (cpu and wasm backends,
// installed into bench/ on first use) and, when a python3 on the PATH can import torch, PyTorch.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WORKLOADS, matmulSize, time, timing } from './workloads.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const log = (...a) => console.error(...a);

function ensurePeersInstalled() {
  if (existsSync(join(here, 'node_modules', '@tensorflow', 'tfjs-backend-wasm'))) return true;
  log('Installing benchmark peers into bench/ (TensorFlow.js 4.22) ...');
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund'], {
    cwd: here,
    stdio: 'inherit',
  });
  return r.status === 0;
}

/** Every python3 on the PATH, in order; the first that can import torch runs the PyTorch peer. */
function findTorchPython() {
  const seen = new Set();
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const exe = join(dir, 'python3');
    if (!dir || seen.has(exe) || !existsSync(exe)) continue;
    seen.add(exe);
    const r = spawnSync(exe, ['-c', 'import torch'], { stdio: 'ignore' });
    if (r.status === 0) return exe;
  }
  return null;
}

function runPyTorch(only) {
  const python = findTorchPython();
  if (!python) {
    log('PyTorch: no python3 on the PATH can import torch; skipped.');
    return null;
  }
  log(`PyTorch: running with ${python} ...`);
  try {
    const args = [join(here, 'pytorch_bench.py'), ...(only ? [`--only=${only}`] : [])];
    const out = execFileSync(python, args, {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    return JSON.parse(out);
  } catch (e) {
    log(`PyTorch: failed (${e.message.split('\n')[0]}); skipped.`);
    return null;
  }
}

function runMemory() {
  log('Memory: 10 000 MLP training steps in a child process ...');
  const r = spawnSync(process.execPath, ['--expose-gc', join(here, 'memory.mjs')], {
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    log(`Memory: failed: ${r.stderr}`);
    return null;
  }
  return JSON.parse(r.stdout);
}

async function loadPeers() {
  const peers = [];
  peers.push(await import('./torchlet.mjs'));
  peers.push(await import('./plain.mjs'));
  if (ensurePeersInstalled()) {
    try {
      const { makePeer } = await import('./tfjs.mjs');
      for (const backend of ['wasm', 'cpu']) {
        const peer = makePeer(backend);
        try {
          await peer.activate();
          peers.push(peer);
        } catch (e) {
          log(`tfjs-${backend}: cannot start (${e.message}); skipped.`);
        }
      }
    } catch (e) {
      log(`TensorFlow.js: cannot load (${e.message}); skipped.`);
    }
  }
  return peers;
}

const fmt = (ms) =>
  ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3);

async function main() {
  const quick = process.argv.includes('--quick');
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
  // --rounds=N (with --only) alternates PyTorch and the JS peers N times and reports each cell's
  // median over the rounds, and the median of the per-round ratios torchlet ÷ peer: on a shared
  // machine whose speed drifts between minutes, ratios from one round are the comparable numbers.
  const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 1);
  const peers = await loadPeers();
  let pytorch = null;
  const perRound = [];
  for (let round = 0; round < rounds; round++) {
    pytorch = quick ? null : runPyTorch(only);
    const res = {};
    for (const workload of WORKLOADS) {
      if (only && !workload.includes(only)) continue;
      res[workload] = {};
      for (const peer of peers) {
        await peer.activate?.();
        const prepared = peer.prepare(workload);
        if (!prepared) continue;
        const opts = timing(workload);
        res[workload][peer.name] = time(
          prepared.fn,
          quick ? { warmup: 1, runs: Math.min(5, opts.runs) } : opts,
        );
        peer.release?.();
        log(`${workload.padEnd(34)} ${peer.name.padEnd(10)} ${fmt(res[workload][peer.name])} ms`);
      }
      if (pytorch && pytorch[workload] !== undefined) res[workload].PyTorch = pytorch[workload];
    }
    perRound.push(res);
  }
  const names = [...peers.map((p) => p.name), ...(pytorch ? ['PyTorch'] : [])];
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const results = {};
  const ratios = {};
  for (const workload of Object.keys(perRound[0])) {
    results[workload] = {};
    ratios[workload] = {};
    for (const name of names) {
      const xs = perRound.map((r) => r[workload][name]).filter((v) => v !== undefined);
      if (xs.length) results[workload][name] = median(xs);
      const rs = perRound
        .map((r) => r[workload].torchlet / r[workload][name])
        .filter((v) => Number.isFinite(v));
      if (name !== 'torchlet' && rs.length) ratios[workload][name] = median(rs);
    }
  }
  if (rounds > 1) {
    console.log(`\ntorchlet ÷ peer, median of ${rounds} alternating rounds:`);
    for (const [w, r] of Object.entries(ratios))
      console.log(
        `  ${w.padEnd(46)} ${Object.entries(r)
          .map(([p, v]) => `${p} ${v.toFixed(2)}×`)
          .join(', ')}`,
      );
  }
  const memory = quick || only ? null : runMemory();

  // Table: median ms, and each cell's ratio to the fastest peer of its row.
  const header = ['workload', ...names];
  const rows = Object.entries(results).map(([w, r]) => {
    const fastest = Math.min(...Object.values(r));
    return [
      w,
      ...names.map((n) =>
        r[n] === undefined ? '—' : `${fmt(r[n])} ms (${(r[n] / fastest).toFixed(2)}×)`,
      ),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(
    '\nMedian time per call; in parentheses, the ratio to the fastest peer of the row (1.00× = fastest).\n',
  );
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  rows.forEach((r) => console.log(line(r)));

  const gflops = {};
  for (const [w, r] of Object.entries(results)) {
    const n = matmulSize(w);
    if (n === null) continue;
    gflops[w] = Object.fromEntries(
      Object.entries(r).map(([p, ms]) => [p, (2 * n ** 3) / (ms * 1e6)]),
    );
  }
  if (Object.keys(gflops).length) {
    console.log('\nmatmul GFLOP/s:');
    for (const [w, g] of Object.entries(gflops)) {
      console.log(
        `  ${w.padEnd(14)} ${Object.entries(g)
          .map(([p, v]) => `${p} ${v.toFixed(2)}`)
          .join(', ')}`,
      );
    }
  }
  if (memory) {
    const r = [memory.after100, memory.after10000, memory.after20000];
    const row = (key) => r.map((x) => x[key].toFixed(1)).join(' / ');
    console.log(
      `\nMemory after 100 / 10 000 / 20 000 MLP steps (MB): heap used ${row('heapUsedMB')}, ` +
        `array buffers ${row('arrayBuffersMB')}, heap reserved ${row('heapTotalMB')}, RSS ${row('rssMB')}`,
    );
  }

  const targets = evaluateTargets(results, memory);
  console.log('\nTargets:');
  for (const t of targets)
    console.log(`  ${t.met === null ? 'n/a ' : t.met ? 'met ' : 'MISS'} ${t.name}: ${t.detail}`);

  const out = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
    pytorch: pytorch ? { version: pytorch._version, threads: pytorch._threads } : null,
    unit: 'ms (median)',
    results,
    gflops,
    memory,
    targets,
  };
  if (!quick && !only)
    writeFileSync(join(here, 'results.json'), JSON.stringify(out, null, 2) + '\n');
}

function evaluateTargets(results, memory) {
  const get = (w, p) => results[w]?.[p];
  const check = (name, needs, ok, detail) => ({
    name,
    met: needs.every((v) => v !== undefined) ? ok() : null,
    detail: needs.every((v) => v !== undefined) ? detail() : 'a peer is missing in this run',
  });
  const targets = [];
  for (const w of ['clipGradNorm_ (norm 2)', 'clipGradValue_']) {
    const t = get(w, 'torchlet');
    const wasm = get(w, 'tfjs-wasm');
    const pt = get(w, 'PyTorch');
    targets.push(
      check(
        `${w} faster than tfjs-wasm`,
        [t, wasm],
        () => t < wasm,
        () => `${fmt(t)} vs ${fmt(wasm)} ms`,
      ),
      check(
        `${w} within 3× of PyTorch`,
        [t, pt],
        () => t <= 3 * pt,
        () => `${(t / pt).toFixed(2)}× PyTorch`,
      ),
    );
  }
  const m = 'matmul 256²';
  targets.push(
    check(
      `${m} faster than plain JS`,
      [get(m, 'torchlet'), get(m, 'plain JS')],
      () => get(m, 'torchlet') < get(m, 'plain JS'),
      () => `${fmt(get(m, 'torchlet'))} vs ${fmt(get(m, 'plain JS'))} ms`,
    ),
    check(
      `${m} ≥ 4× faster than tfjs-cpu`,
      [get(m, 'torchlet'), get(m, 'tfjs-cpu')],
      () => get(m, 'tfjs-cpu') / get(m, 'torchlet') >= 4,
      () => `${(get(m, 'tfjs-cpu') / get(m, 'torchlet')).toFixed(1)}×`,
    ),
  );
  const s = 'MLP training step';
  targets.push(
    check(
      `${s} faster than tfjs-cpu`,
      [get(s, 'torchlet'), get(s, 'tfjs-cpu')],
      () => get(s, 'torchlet') < get(s, 'tfjs-cpu'),
      () => `${fmt(get(s, 'torchlet'))} vs ${fmt(get(s, 'tfjs-cpu'))} ms`,
    ),
  );
  // Operator workloads (issue targets): softmax/logSoftmax within 3× of PyTorch, conv2d within
  // 1.5× of tfjs-wasm, the LSTM language-model step no slower than PyTorch.
  const ratioTarget = (w, peer, limit) => {
    const t = get(w, 'torchlet');
    const p = get(w, peer);
    targets.push(
      check(
        `${w} within ${limit}× of ${peer}`,
        [t, p],
        () => t <= limit * p,
        () => `${(t / p).toFixed(2)}× ${peer} (${fmt(t)} vs ${fmt(p)} ms)`,
      ),
    );
  };
  for (const w of [
    'softmax [1024,1024] forward',
    'logSoftmax [1024,1024] forward',
    'softmax [1024,1024] forward+backward',
    'logSoftmax [1024,1024] forward+backward',
  ])
    ratioTarget(w, 'PyTorch', 3);
  ratioTarget('conv2d [32,16,32,32] 3×3×32 forward', 'tfjs-wasm', 1.5);
  ratioTarget('LSTM language-model training step', 'PyTorch', 1);
  // Flat memory means nothing is retained: live JS heap and typed-array memory must not grow.
  // RSS is printed too; it also follows V8's young-generation sizing (see docs/performance.md).
  targets.push(
    check(
      'memory flat over 10 000 MLP steps (heap used +< 2 MB, array buffers < 32 MB)',
      [memory ?? undefined],
      () =>
        memory.after10000.heapUsedMB - memory.after100.heapUsedMB < 2 &&
        memory.after10000.arrayBuffersMB < 32,
      () =>
        `heap used ${memory.after100.heapUsedMB.toFixed(1)} -> ${memory.after10000.heapUsedMB.toFixed(1)} MB, ` +
        `array buffers ${memory.after10000.arrayBuffersMB.toFixed(1)} MB; RSS ${memory.after100.rssMB.toFixed(0)} -> ` +
        `${memory.after10000.rssMB.toFixed(0)} -> ${memory.after20000.rssMB.toFixed(0)} MB as V8's heap reserve grows ` +
        `${memory.after100.heapTotalMB.toFixed(0)} -> ${memory.after20000.heapTotalMB.toFixed(0)} MB`,
    ),
  );
  return targets;
}

// Guard against a stale build: the benchmark measures dist/, which npm run bench rebuilds first.
const dist = join(here, '..', 'dist', 'esm', 'index.js');
if (!existsSync(dist)) {
  log('dist/ is missing: run `npm run build` (npm run bench does it for you).');
  process.exit(1);
}

await main();
