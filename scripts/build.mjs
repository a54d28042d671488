// Builds the published package into dist/ (npm run build; prepack runs it too):
//   dist/esm/   one ES module per source module, with its .d.ts: what bundlers and browsers load,
//               so that an app carries only the modules it imports (package.json "sideEffects": false);
//   dist/cjs/   one CommonJS module per source module, with its .d.cts: what require() loads;
//   dist/node/  one small ES module per entry point that re-exports the CommonJS entry: what Node's
//               import loads, so that a process that both imports and requires torchlet has a single
//               copy of its state (one Tensor class, one default random generator). The export lists
//               are read from the built CommonJS entries, so they cannot fall out of step.
// Declarations come from tsc (stripInternal hides members marked @internal); no source maps are
// emitted, since the sources are not published (see docs/browser.md).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENTRY_POINTS, exportsOf } from './entry-points.mjs';
import { deepStrictEqual } from 'node:assert';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');
const target = 'es2022';

/** Every module of the library: src/**\/*.ts without tests and declaration files. */
function sourceModules(dir = src) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceModules(path);
    const isModule = /\.ts$/.test(entry.name) && !/\.(test|d)\.ts$/.test(entry.name);
    return isModule ? [path] : [];
  });
}

/** Files under `dir` whose names end with `suffix`. */
function filesEndingWith(dir, suffix) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(suffix))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Relative module specifiers (`./x.js`, `../y/z.js`) in `from '…'`, `import('…')` and `require('…')`. */
const RELATIVE_JS = /((?:from\s+|import\(\s*|require\(\s*)['"])(\.{1,2}\/[^'"]*?)\.js(['"])/g;
const toCjsSpecifiers = (text) => text.replace(RELATIVE_JS, '$1$2.cjs$3');

/** esbuild plugin: keep every relative import external, pointing at the sibling `.cjs` module. */
const relativeImportsToCjs = {
  name: 'relative-imports-to-cjs',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.{1,2}\// }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      return { path: args.path.replace(/\.js$/, '.cjs'), external: true };
    });
  },
};

// package.json "exports" must list exactly the entry points, each with its conditions in order.
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const expectedExports = Object.fromEntries(ENTRY_POINTS.map((e) => [e.subpath, exportsOf(e.path)]));
expectedExports['./package.json'] = './package.json';
deepStrictEqual(
  JSON.stringify(pkg.exports, null, 1),
  JSON.stringify(expectedExports, null, 1),
  'build: package.json "exports" differs from scripts/entry-points.mjs',
);

// "typesVersions" gives TypeScript's old node10 resolution (no "exports") the subpaths' types.
const expectedTypesVersions = {
  '*': Object.fromEntries(
    ENTRY_POINTS.filter((e) => e.subpath !== '.').map((e) => [
      e.subpath.slice(2),
      [`./dist/cjs/${e.path}.d.cts`],
    ]),
  ),
};
deepStrictEqual(
  pkg.typesVersions,
  expectedTypesVersions,
  'build: package.json "typesVersions" differs from scripts/entry-points.mjs',
);

rmSync(dist, { recursive: true, force: true });
const modules = sourceModules();

// ES modules, one per source file (no bundling: the import specifiers already end in .js).
await build({
  entryPoints: modules,
  outbase: src,
  outdir: join(dist, 'esm'),
  format: 'esm',
  platform: 'neutral',
  target,
  bundle: false,
  logLevel: 'warning',
});

// CommonJS modules, one per source file, requiring each other as .cjs.
await build({
  entryPoints: modules,
  outbase: src,
  outdir: join(dist, 'cjs'),
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  platform: 'node',
  target,
  bundle: true,
  plugins: [relativeImportsToCjs],
  logLevel: 'warning',
});

// Declarations beside the ES modules, then the same declarations as .d.cts beside the CommonJS ones.
execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
for (const file of filesEndingWith(join(dist, 'esm'), '.d.ts')) {
  const out = join(dist, 'cjs', relative(join(dist, 'esm'), file)).replace(/\.d\.ts$/, '.d.cts');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, toCjsSpecifiers(readFileSync(file, 'utf8')));
}

// Members named like internals (`_x`) but not marked @internal would be published: say so.
const INTERNAL_LOOKING = /^\s+(?:readonly |static |get |set )*(_[A-Za-z]\w*)\??[(:]/gm;
// Public on purpose: GradSampleModule._module is Opacus's name for the wrapped model.
const PUBLIC_UNDERSCORED = new Set(['_module']);
for (const file of filesEndingWith(join(dist, 'esm'), '.d.ts')) {
  for (const [, name] of readFileSync(file, 'utf8').matchAll(INTERNAL_LOOKING)) {
    if (PUBLIC_UNDERSCORED.has(name)) continue;
    console.warn(`build: warning: ${relative(root, file)} publishes ${name}; mark it @internal`);
  }
}

// Node's ES module entries: re-export the CommonJS entry under the names it really has.
const require = createRequire(import.meta.url);
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
for (const { path } of ENTRY_POINTS) {
  const cjsEntry = join(dist, 'cjs', `${path}.cjs`);
  const names = Object.keys(require(cjsEntry)).filter((name) => name !== '__esModule');
  const bad = names.filter((name) => !IDENTIFIER.test(name) || name === 'default');
  if (bad.length > 0) throw new Error(`build: entry ${path} exports unusable names: ${bad}`);
  const out = join(dist, 'node', `${path}.mjs`);
  mkdirSync(dirname(out), { recursive: true });
  const from = relative(dirname(out), cjsEntry).replaceAll('\\', '/');
  const lines = [
    '// Generated by scripts/build.mjs: Node loads the CommonJS build for both import and require,',
    '// so that one process holds one copy of torchlet.',
    `import cjs from '${from.startsWith('.') ? from : `./${from}`}';`,
    '',
    // Local names get a `$` so that exports such as `var` (torch.var) need no special case.
    ...names.map((name) => `const ${name}$ = cjs.${name};`),
    '',
    'export {',
    ...names.map((name) => `  ${name}$ as ${name},`),
    '};',
    '',
  ];
  writeFileSync(out, lines.join('\n'));
}

const count = (dir, suffix) => filesEndingWith(join(dist, dir), suffix).length;
console.log(
  `build: ${count('esm', '.js')} ES modules, ${count('cjs', '.cjs')} CommonJS modules, ` +
    `${count('esm', '.d.ts')} declarations, ${ENTRY_POINTS.length} entry points`,
);
