// Which modules of the package a size case carries, and what each costs (run `npm run build` first):
//   node scripts/size-modules.mjs [case-id] [count]
// case-id is an id from scripts/size.mjs (default tensor-op), count how many rows to print
// (default all). Per module: its bytes in the minified bundle (esbuild's metafile), and its
// marginal gzip cost: how much smaller the gzipped bundle gets without it. gzip shares repeated
// text across modules, so a module that repeats others' code costs far less than its own size;
// that column is what a change saves. It is estimated on the module's text minified on its own
// (identifiers keep their names), so it is close to, not exactly, the real bundle's.
import { transform } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { CASES, bundle, withApp } from './size.mjs';

const id = process.argv[2] ?? 'tensor-op';
const count = Number(process.argv[3] ?? Infinity);
const sizeCase = CASES.find((c) => c.id === id);
if (sizeCase === undefined) {
  console.error(`size-modules: no case '${id}'; cases: ${CASES.map((c) => c.id).join(', ')}`);
  process.exit(1);
}

const gzip = (text) => gzipSync(Buffer.from(text), { level: 9 }).length;

const rows = await withApp(async (appDir) => {
  const minified = await bundle(appDir, id, sizeCase.code);
  const [output] = Object.values(minified.metafile.outputs);
  // The readable bundle marks where each module's code starts (`// node_modules/torchlet/…`).
  const readable = await bundle(appDir, `${id}-readable`, sizeCase.code, false);
  const pieces = readable.outputFiles[0].text.split(/\n(?=\/\/ \S)/);
  const modules = [];
  for (const piece of pieces) {
    const path = /^\/\/ (\S+)/.exec(piece)?.[1] ?? '(runtime)';
    const { code } = await transform(piece, { minify: true, format: 'esm', target: 'es2022' });
    modules.push({ path, code });
  }
  const whole = gzip(modules.map((m) => m.code).join('\n'));
  return modules.map((m, i) => {
    const without = modules.filter((_, j) => j !== i).map((o) => o.code);
    const key = Object.keys(output.inputs).find((p) => p.endsWith(m.path));
    return {
      path: m.path.replace(/^.*\/dist\/esm\//, ''),
      min: key === undefined ? 0 : output.inputs[key].bytesInOutput,
      gzip: whole - gzip(without.join('\n')),
    };
  });
});

rows.sort((a, b) => b.gzip - a.gzip);
console.log(`${sizeCase.name}\n  min B  gzip B  module (gzip B: marginal cost, see the header)`);
for (const r of rows.slice(0, count)) {
  console.log(`${String(r.min).padStart(7)}  ${String(r.gzip).padStart(6)}  ${r.path}`);
}
