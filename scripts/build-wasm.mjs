// Generates the WebAssembly SIMD kernels as TypeScript modules holding their bytes:
//   src/tensor/kernels/gemm-wasm.ts    a matrix-multiply micro-kernel with its own memory;
//   src/tensor/kernels/stream-wasm.ts  one-pass kernels (clamp, scale, Σx, Σx², Σ|x|, max|x|) that
//                                      import the memory of the tensor storage they work on.
// The WAT is generated here (the GEMM's 4×8 register tile is repetitive), assembled with wabt, so
// building torchlet needs no assembler.
// Run after changing this file: node scripts/build-wasm.mjs
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import wabtInit from 'wabt';

const ROWS = 4; // rows of A per tile (one f32 splat each)
const VECS = 2; // f32x4 vectors of B per row of the tile: 8 columns

const acc = (r, c) => `$c${r}${c}`;
const lines = [];
const emit = (s) => lines.push(s);

emit('(module');
emit('  (memory (export "memory") 1)');
emit(
  '  ;; C[mp x np] (row-major, stride np) = A · B, or C += A · B when $acc is set, from packed panels:',
);
emit('  ;;   A: [mp/4][k][4] floats (4 rows interleaved per k), B: [np/8][k][8] floats.');
emit(
  '  (func (export "gemm") (param $a i32) (param $b i32) (param $c i32) (param $mp i32) (param $k i32) (param $np i32) (param $acc i32)',
);
emit(
  '    (local $i i32) (local $j i32) (local $p i32) (local $ap i32) (local $bp i32) (local $cp i32) (local $s v128)',
);
for (let v = 0; v < VECS; v++) emit(`    (local $b${v} v128)`);
for (let r = 0; r < ROWS; r++) for (let v = 0; v < VECS; v++) emit(`    (local ${acc(r, v)} v128)`);
emit('    (local.set $j (i32.const 0))');
emit('    (block $jdone (loop $jloop');
emit('      (br_if $jdone (i32.ge_u (local.get $j) (local.get $np)))');
emit('      (local.set $i (i32.const 0))');
emit('      (block $idone (loop $iloop');
emit('        (br_if $idone (i32.ge_u (local.get $i) (local.get $mp)))');
// The C tile starts from zero, or from C itself when $acc is set (later k-blocks add on).
emit(
  '        (local.set $cp (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $np)) (local.get $j)) (i32.const 2))))',
);
emit('        (if (local.get $acc)');
emit('          (then');
for (let r = 0; r < ROWS; r++) {
  const row = `(i32.add (local.get $cp) (i32.shl (i32.mul (local.get $np) (i32.const ${r})) (i32.const 2)))`;
  for (let v = 0; v < VECS; v++)
    emit(`            (local.set ${acc(r, v)} (v128.load offset=${16 * v} ${row}))`);
}
emit('          )');
emit('          (else');
for (let r = 0; r < ROWS; r++)
  for (let v = 0; v < VECS; v++)
    emit(`            (local.set ${acc(r, v)} (v128.const i32x4 0 0 0 0))`);
emit('          )');
emit('        )');
emit(
  '        (local.set $ap (i32.add (local.get $a) (i32.shl (i32.mul (local.get $i) (local.get $k)) (i32.const 2))))',
);
emit(
  '        (local.set $bp (i32.add (local.get $b) (i32.shl (i32.mul (local.get $j) (local.get $k)) (i32.const 2))))',
);
emit('        (local.set $p (local.get $k))');
emit('        (block $pdone (loop $ploop');
emit('          (br_if $pdone (i32.eqz (local.get $p)))');
for (let v = 0; v < VECS; v++)
  emit(`          (local.set $b${v} (v128.load offset=${16 * v} (local.get $bp)))`);
for (let r = 0; r < ROWS; r++) {
  emit(`          (local.set $s (f32x4.splat (f32.load offset=${4 * r} (local.get $ap))))`);
  for (let v = 0; v < VECS; v++) {
    emit(
      `          (local.set ${acc(r, v)} (f32x4.add (local.get ${acc(r, v)}) (f32x4.mul (local.get $s) (local.get $b${v}))))`,
    );
  }
}
emit(`          (local.set $ap (i32.add (local.get $ap) (i32.const ${4 * ROWS})))`);
emit(`          (local.set $bp (i32.add (local.get $bp) (i32.const ${16 * VECS})))`);
emit('          (local.set $p (i32.sub (local.get $p) (i32.const 1)))');
emit('          (br $ploop)))');
emit(
  '        (local.set $cp (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $np)) (local.get $j)) (i32.const 2))))',
);
for (let r = 0; r < ROWS; r++) {
  for (let v = 0; v < VECS; v++)
    emit(`        (v128.store offset=${16 * v} (local.get $cp) (local.get ${acc(r, v)}))`);
  if (r + 1 < ROWS)
    emit(
      '        (local.set $cp (i32.add (local.get $cp) (i32.shl (local.get $np) (i32.const 2))))',
    );
}
emit(`        (local.set $i (i32.add (local.get $i) (i32.const ${ROWS})))`);
emit('        (br $iloop)))');
emit(`      (local.set $j (i32.add (local.get $j) (i32.const ${4 * VECS})))`);
emit('      (br $jloop)))');
emit('  )');
emit(')');

const gemmWat = lines.join('\n');

/*
 * One-pass kernels over n float32 elements starting at byte address $p of the imported memory. n
 * is a multiple of 4: callers handle the n mod 4 leading elements in JavaScript, exactly as the
 * JavaScript kernels do, so both give bit-identical results:
 *   - the sums keep four float64 accumulators (lanes of two f64x2) that see elements 0,1,2,3 mod 4,
 *     and combine them as a0 + a1 + (a2 + a3), like kernels/reduce.ts; the squares and absolute
 *     values of float32 numbers are exact in float64;
 *   - scale multiplies in float64 and rounds once to float32, as `d[i] *= c` does;
 *   - clamp is pmax then pmin (NaN passes through; with lo > hi every element becomes hi), which
 *     equals the float64 comparisons of kernels/inplace.ts for float32 data.
 */
const halves = (p) => [
  `(f64x2.promote_low_f32x4 (v128.load64_zero ${p}))`,
  `(f64x2.promote_low_f32x4 (v128.load64_zero offset=8 ${p}))`,
];
const loop = (body) => [
  '    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))',
  '    (block $done (loop $next',
  '      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))',
  ...body.map((l) => `      ${l}`),
  '      (local.set $p (i32.add (local.get $p) (i32.const 16)))',
  '      (br $next)))',
];
const sumKernel = (name, term) => {
  const [lo, hi] = halves('(local.get $p)');
  return [
    `  (func (export "${name}") (param $p i32) (param $n i32) (param $a0 f64) (result f64)`,
    '    (local $end i32) (local $lo v128) (local $hi v128)',
    '    (local.set $lo (f64x2.replace_lane 0 (v128.const i64x2 0 0) (local.get $a0)))',
    ...loop([
      `(local.set $lo (f64x2.add (local.get $lo) ${term(lo)}))`,
      `(local.set $hi (f64x2.add (local.get $hi) ${term(hi)}))`,
    ]),
    '    (f64.add',
    '      (f64.add (f64x2.extract_lane 0 (local.get $lo)) (f64x2.extract_lane 1 (local.get $lo)))',
    '      (f64.add (f64x2.extract_lane 0 (local.get $hi)) (f64x2.extract_lane 1 (local.get $hi)))))',
  ];
};
const streamWat = [
  '(module',
  '  (import "env" "memory" (memory 1))',
  ...sumKernel('sum', (x) => x),
  ...sumKernel('sumSquares', (x) => `(f64x2.mul ${x} ${x})`),
  ...sumKernel('sumAbs', (x) => `(f64x2.abs ${x})`),
  // max |x|, NaN if any element is NaN: pmax (one instruction; it skips a NaN operand) plus a
  // separate NaN mask, cheaper than f32x4.max's NaN-propagating sequence.
  '  (func (export "maxAbs") (param $p i32) (param $n i32) (result f32)',
  '    (local $end i32) (local $m v128) (local $x v128) (local $nan v128)',
  ...loop([
    '(local.set $x (f32x4.abs (v128.load (local.get $p))))',
    '(local.set $m (f32x4.pmax (local.get $m) (local.get $x)))',
    '(local.set $nan (v128.or (local.get $nan) (f32x4.ne (local.get $x) (local.get $x))))',
  ]),
  '    (if (v128.any_true (local.get $nan)) (then (return (f32.const nan))))',
  '    (f32.max',
  '      (f32.max (f32x4.extract_lane 0 (local.get $m)) (f32x4.extract_lane 1 (local.get $m)))',
  '      (f32.max (f32x4.extract_lane 2 (local.get $m)) (f32x4.extract_lane 3 (local.get $m)))))',
  '  (func (export "scale") (param $p i32) (param $n i32) (param $c f64)',
  '    (local $end i32) (local $s v128)',
  '    (local.set $s (f64x2.splat (local.get $c)))',
  ...loop(
    halves('(local.get $p)').map(
      (x, k) =>
        `(v128.store64_lane offset=${8 * k} 0 (local.get $p) (f32x4.demote_f64x2_zero (f64x2.mul ${x} (local.get $s))))`,
    ),
  ),
  '  )',
  '  (func (export "clamp") (param $p i32) (param $n i32) (param $lo f32) (param $hi f32)',
  '    (local $end i32) (local $l v128) (local $h v128)',
  '    (local.set $l (f32x4.splat (local.get $lo)))',
  '    (local.set $h (f32x4.splat (local.get $hi)))',
  ...loop([
    '(v128.store (local.get $p) (f32x4.pmin (f32x4.pmax (v128.load (local.get $p)) (local.get $l)) (local.get $h)))',
  ]),
  '  )',
  ')',
].join('\n');

const wabt = await wabtInit();
const kernelsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'tensor', 'kernels');

function assemble(file, wat, header) {
  const parsed = wabt.parseWat(file, wat, { simd: true });
  parsed.validate();
  const { buffer } = parsed.toBinary({});
  const out = join(kernelsDir, file);
  writeFileSync(
    out,
    `// Generated by scripts/build-wasm.mjs: do not edit. ${header(buffer.length)}\n` +
      `export const ${file.replace('-wasm.ts', '').toUpperCase()}_WASM_BASE64 =\n  '${Buffer.from(buffer).toString('base64')}';\n`,
  );
  console.log(`wrote ${out} (${buffer.length} bytes)`);
}

assemble(
  'gemm-wasm.ts',
  gemmWat,
  (bytes) =>
    `A WebAssembly SIMD GEMM micro-kernel\n` +
    `// (${ROWS}x${4 * VECS} register tile of f32x4 accumulators over packed panels), ${bytes} bytes.\n` +
    `export const GEMM_TILE_ROWS = ${ROWS};\nexport const GEMM_TILE_COLS = ${4 * VECS};`,
);
assemble(
  'stream-wasm.ts',
  streamWat,
  (bytes) =>
    `WebAssembly SIMD one-pass kernels over a tensor\n` +
    `// storage's own memory (see kernels/wasm-storage.ts), ${bytes} bytes.`,
);
