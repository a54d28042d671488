// The package's entry points: subpath (as in package.json "exports") and module under src/ (no
// extension). scripts/build.mjs builds one Node entry per line and checks that package.json
// "exports" lists exactly these, each with the conditions below.
export const ENTRY_POINTS = [
  { subpath: '.', path: 'index' },
  { subpath: './nn', path: 'nn/index' },
  { subpath: './nn/functional', path: 'nn/functional' },
  { subpath: './optim', path: 'optim/index' },
  { subpath: './clipping', path: 'utils/clip/index' },
  { subpath: './data', path: 'utils/data/index' },
  { subpath: './serialization', path: 'serialization/index' },
  { subpath: './utils', path: 'utils/index' },
];

/**
 * The "exports" value of one entry point:
 *   module   bundlers (webpack, esbuild, Rollup, Vite): the ES modules for import and require alike,
 *            so one bundle holds one copy;
 *   import   Node: the ES module over the CommonJS build (one copy per process); others: ES modules;
 *   require  the CommonJS build.
 */
export function exportsOf(path) {
  return {
    module: { types: `./dist/esm/${path}.d.ts`, default: `./dist/esm/${path}.js` },
    import: {
      types: `./dist/esm/${path}.d.ts`,
      node: `./dist/node/${path}.mjs`,
      default: `./dist/esm/${path}.js`,
    },
    require: { types: `./dist/cjs/${path}.d.cts`, default: `./dist/cjs/${path}.cjs` },
  };
}
