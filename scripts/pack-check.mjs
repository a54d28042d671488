// Release check (npm run pack-check; CI runs it): packs torchlet as `npm publish` would (prepack
// builds dist/), reviews the tarball's file list, lints it with publint and attw, then installs the
// tarball into a fresh app in a temporary folder and runs the seed example there through import,
// through require, and through both in one process (one Tensor class, one random generator).
// --no-build: pack without running prepack (dist/ must already be built).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const noBuild = process.argv.includes('--no-build');
const run = (cmd, args, cwd = root) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

/** What the tarball may hold: the built modules, their declarations, and the package's own files. */
const ALLOWED = [
  /^package\.json$/,
  /^README\.md$/,
  /^LICENSE$/,
  /^CHANGELOG\.md$/,
  /^dist\/esm\/.+\.(js|d\.ts)$/,
  /^dist\/cjs\/.+\.(cjs|d\.cts)$/,
  /^dist\/node\/.+\.mjs$/,
];

/** Every file that package.json "exports", "main", "module" and "types" point at. */
function exportTargets(pkg) {
  const targets = new Set([pkg.main, pkg.module, pkg.types]);
  const walk = (value) => {
    if (typeof value === 'string') targets.add(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(pkg.exports);
  return [...targets].filter(Boolean).map((p) => p.replace(/^\.\//, ''));
}

const work = mkdtempSync(join(tmpdir(), 'torchlet-pack-'));
let failures = 0;
const check = (ok, message) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${message}`);
  if (!ok) failures++;
};

try {
  // 1. Pack, as `npm publish` would.
  const packArgs = ['pack', '--json', '--pack-destination', work];
  if (noBuild) packArgs.push('--ignore-scripts');
  // prepack's own output (the build's summary) comes first on stdout; npm's JSON report follows.
  const packOutput = run('npm', packArgs);
  const [packed] = JSON.parse(packOutput.slice(packOutput.search(/^\[/m)));
  const tarball = join(work, packed.filename);
  const files = packed.files.map((f) => f.path);
  console.log(
    `packed ${packed.filename}: ${files.length} files, ${(packed.size / 1024).toFixed(0)} KB ` +
      `(${(packed.unpackedSize / 1024).toFixed(0)} KB unpacked)`,
  );

  // 2. Review the file list.
  const unexpected = files.filter((f) => !ALLOWED.some((re) => re.test(f)));
  check(
    unexpected.length === 0,
    `only built modules and package files${unexpected.length ? ` (unexpected: ${unexpected.join(', ')})` : ''}`,
  );
  check(!files.some((f) => f.endsWith('.map')), 'no source maps');
  check(
    !files.some((f) => /(^|\/)(src|test|fixtures|scripts|examples|bench)\//.test(f)),
    'no sources, tests or fixtures',
  );
  check(!files.some((f) => /\.test\./.test(f)), 'no test modules');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const missing = exportTargets(pkg).filter((t) => !files.includes(t));
  check(
    missing.length === 0,
    `every entry point is in the tarball${missing.length ? ` (missing: ${missing.join(', ')})` : ''}`,
  );
  for (const f of ['README.md', 'LICENSE', 'CHANGELOG.md']) check(files.includes(f), `ships ${f}`);

  // 3. Lint the tarball.
  console.log(run(bin('publint'), ['--strict', tarball]).trim());
  console.log(run(bin('attw'), [tarball, '--format', 'ascii', '--no-color']).trim());

  // 4. Install it into a fresh app and run the seed example through import and require.
  const app = join(work, 'app');
  run('mkdir', ['-p', app]);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'pack-check-app', private: true, version: '1.0.0' }, null, 2),
  );
  run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', tarball],
    app,
  );
  const seed = (torch, nn, optim, clip) => `
torch.manualSeed(0);
const model = new ${nn}.Linear(2, 1);
const optimizer = new ${optim}.SGD(model.parameters(), { lr: 0.1 });
const loss = new ${nn}.MSELoss().forward(
  model.forward(${torch}.tensor([[1, 2], [3, 4]])),
  ${torch}.tensor([[1], [2]]),
);
loss.backward();
const total = ${clip}(model.parameters(), 1.0).item();
optimizer.step();
const close = (a, b) => Math.abs(a - b) < 1e-6;
const w = model.weight.tolist()[0];
const b = model.bias.tolist()[0];
// PyTorch 1.13.1's numbers for the same program (README).
if (!close(total, 7.481153964996338)) throw new Error('total norm ' + total);
if (!close(w[0], 0.049113962799310684) || !close(w[1], 0.45925095677375793)) throw new Error('weight ' + w);
if (!close(b, -0.5564606189727783)) throw new Error('bias ' + b);
`;
  writeFileSync(
    join(app, 'esm.mjs'),
    `import * as torch from 'torchlet';\nimport { Linear, MSELoss } from 'torchlet/nn';\n` +
      `import { SGD } from 'torchlet/optim';\nimport { clipGradNorm_ } from 'torchlet/clipping';\n` +
      `const nn = { Linear, MSELoss };\nconst optim = { SGD };\n` +
      seed('torch', 'nn', 'optim', 'clipGradNorm_') +
      `console.log('ESM app: total norm', total.toFixed(4), 'weight', w.map((x) => x.toFixed(4)));\n`,
  );
  writeFileSync(
    join(app, 'cjs.cjs'),
    `const torch = require('torchlet');\nconst optim = require('torchlet/optim');\n` +
      `const { clipGradNorm_ } = require('torchlet/clipping');\n` +
      seed('torch', 'torch.nn', 'optim', 'clipGradNorm_') +
      `console.log('CJS app: total norm', total.toFixed(4), 'weight', w.map((x) => x.toFixed(4)));\n`,
  );
  writeFileSync(
    join(app, 'both.mjs'),
    `import { createRequire } from 'node:module';\nimport * as imported from 'torchlet';\n` +
      `const required = createRequire(import.meta.url)('torchlet');\n` +
      `if (!(required.tensor(1) instanceof imported.Tensor)) throw new Error('two Tensor classes');\n` +
      `imported.manualSeed(3); const a = required.rand(4).tolist();\n` +
      `required.manualSeed(3); const b = imported.rand(4).tolist();\n` +
      `if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error('two random generators');\n` +
      `console.log('import + require in one app: one copy');\n`,
  );
  for (const script of ['esm.mjs', 'cjs.cjs', 'both.mjs']) {
    try {
      console.log(run('node', [script], app).trim());
      check(true, `installed package runs ${script}`);
    } catch (error) {
      check(false, `installed package runs ${script}: ${error.message}`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

if (failures > 0) {
  console.error(`pack-check: ${failures} check(s) failed`);
  process.exit(1);
}
console.log('pack-check: the tarball is clean and installs and runs in ESM and CJS');
