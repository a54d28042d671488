// Generates the WebAssembly SIMD kernels into src/tensor/kernels/generated/, each as its WAT text
// (the source to read and review) beside a TypeScript module holding the assembled bytes:
//   gemm.wat / gemm-wasm.ts      a matrix-multiply micro-kernel with its own memory;
//   gemm-shared.wat / gemm-shared-wasm.ts  the same kernel over an imported shared memory, for
//                                matrix products split over threads (kernels/thread-pool.ts);
//   stream.wat / stream-wasm.ts  one-pass kernels (clamp, scale, Σx, Σx², Σ|x|, max|x|) and the
//                                arena's kernels (elementwise ops, relu and its masks, column
//                                sums, maxima over a dim from scripts/wasm/reductions.mjs) that
//                                import the memory they work on;
//   update.wat / update-wasm.ts  the optimizers' updates over the arena (a module of their own,
//                                so that apps without an optimizer do not carry it);
//   unary-math.wat / unary-math-wasm.ts  exp, sigmoid, tanh and log over the arena, with the bits
//                                of Math.exp/Math.tanh/Math.log (WAT from scripts/wasm/unary-math.mjs);
//   activations.wat / activations-wasm.ts  gelu and silu (forward and backward) over the arena, with
//                                the bits of nn/functional's loops (WAT from scripts/wasm/activations.mjs);
//   softmax.wat / softmax-wasm.ts  softmax/logSoftmax forward and backward over rows or columns
//                                (vectorised exp) in a scratch memory of their own.
// The WAT is generated here (the GEMM's 4×8 register tile is repetitive) and assembled with wabt,
// so building torchlet needs no assembler. Run after changing this file: npm run wasm
// (src/tensor/kernels/generated.test.ts regenerates in memory and fails if the files drifted).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import wabtInit from 'wabt';
import { MAP_TABLES_ADDRESS, MAP_TABLES_BYTES, unaryMathWat } from './wasm/unary-math.mjs';
import { reductionKernels } from './wasm/reductions.mjs';
import { ACTIVATION_KERNELS, activationsWat } from './wasm/activations.mjs';

const ROWS = 4; // rows of A per tile (one f32 splat each)
const VECS = 2; // f32x4 vectors of B per row of the tile: 8 columns

const acc = (r, c) => `$c${r}${c}`;
const lines = [];
const emit = (s) => lines.push(s);

emit('(module');
emit('  (memory (export "memory") 1)');
emit(
  '  ;; C[mp x np] (row-major, row stride $ldc floats) = A · B, or C += A · B when $acc is set, from',
);
emit(
  '  ;; packed panels: A: [mp/4][k][4] floats (4 rows interleaved per k), B: [np/8][k][8] floats.',
);
emit('  ;; ($ldc > np when threads compute column ranges of one C: kernels/thread-pool.ts.)');
emit(
  '  (func (export "gemm") (param $a i32) (param $b i32) (param $c i32) (param $mp i32) (param $k i32) (param $np i32) (param $acc i32) (param $ldc i32)',
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
  '        (local.set $cp (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $ldc)) (local.get $j)) (i32.const 2))))',
);
emit('        (if (local.get $acc)');
emit('          (then');
for (let r = 0; r < ROWS; r++) {
  const row = `(i32.add (local.get $cp) (i32.shl (i32.mul (local.get $ldc) (i32.const ${r})) (i32.const 2)))`;
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
  emit(`          (local.set $s (v128.load32_splat offset=${4 * r} (local.get $ap)))`);
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
  '        (local.set $cp (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $ldc)) (local.get $j)) (i32.const 2))))',
);
for (let r = 0; r < ROWS; r++) {
  for (let v = 0; v < VECS; v++)
    emit(`        (v128.store offset=${16 * v} (local.get $cp) (local.get ${acc(r, v)}))`);
  if (r + 1 < ROWS)
    emit(
      '        (local.set $cp (i32.add (local.get $cp) (i32.shl (local.get $ldc) (i32.const 2))))',
    );
}
emit(`        (local.set $i (i32.add (local.get $i) (i32.const ${ROWS})))`);
emit('        (br $iloop)))');
emit(`      (local.set $j (i32.add (local.get $j) (i32.const ${4 * VECS})))`);
emit('      (br $jloop)))');
emit('  )');
// Panel packing (gemm-simd.ts packPanels, same layout): `rows` rows of `k` values, value (r, p) at
// $src + r·$rs + p·$ps (strides in bytes), written as panels of $width (4 or 8) rows interleaved
// per p, rows past `rows` zero. Whole panels whose rows are contiguous along the panel ($rs = 4)
// are block copies; whole panels whose rows run along p ($ps = 4) are 4x4 transposes; the rest is
// element by element. Pure data movement: the same floats as the JavaScript packing.
const T4 = (a, b, lanes) =>
  `(i8x16.shuffle ${lanes.flatMap((l) => [0, 1, 2, 3].map((k) => 4 * l + k)).join(' ')} ${a} ${b})`;
/** Stores the 4x4 transpose of the rows in $q0..$q3 at $o + offsets[j] (column j of the block). */
const transpose4 = (offsets) => [
  `(local.set $t0 ${T4('(local.get $q0)', '(local.get $q1)', [0, 4, 1, 5])})`,
  `(local.set $t1 ${T4('(local.get $q0)', '(local.get $q1)', [2, 6, 3, 7])})`,
  `(local.set $t2 ${T4('(local.get $q2)', '(local.get $q3)', [0, 4, 1, 5])})`,
  `(local.set $t3 ${T4('(local.get $q2)', '(local.get $q3)', [2, 6, 3, 7])})`,
  `(v128.store offset=${offsets[0]} (local.get $o) ${T4('(local.get $t0)', '(local.get $t2)', [0, 1, 4, 5])})`,
  `(v128.store offset=${offsets[1]} (local.get $o) ${T4('(local.get $t0)', '(local.get $t2)', [2, 3, 6, 7])})`,
  `(v128.store offset=${offsets[2]} (local.get $o) ${T4('(local.get $t1)', '(local.get $t3)', [0, 1, 4, 5])})`,
  `(v128.store offset=${offsets[3]} (local.get $o) ${T4('(local.get $t1)', '(local.get $t3)', [2, 3, 6, 7])})`,
];
/** Loads rows $at + (g + 0..3)·$rs (4 floats each) into $q0..$q3. */
const rows4 = (g) =>
  [0, 1, 2, 3].map(
    (r) =>
      `(local.set $q${r} (v128.load (i32.add (local.get $at) (i32.mul (local.get $rs) (i32.const ${g + r})))))`,
  );
emit(
  '  (func (export "pack") (param $dst i32) (param $src i32) (param $rs i32) (param $ps i32) (param $rows i32) (param $k i32) (param $width i32)',
);
emit(
  '    (local $r i32) (local $full i32) (local $p i32) (local $w i32) (local $o i32) (local $at i32) (local $base i32)',
);
emit(
  '    (local $q0 v128) (local $q1 v128) (local $q2 v128) (local $q3 v128) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)',
);
emit('    (local.set $o (local.get $dst))');
emit('    (block $pdone (loop $panel');
emit('      (br_if $pdone (i32.ge_u (local.get $r) (local.get $rows)))');
emit(
  '      (local.set $full (select (local.get $width) (i32.sub (local.get $rows) (local.get $r)) (i32.le_u (i32.add (local.get $r) (local.get $width)) (local.get $rows))))',
);
emit('      (local.set $base (i32.add (local.get $src) (i32.mul (local.get $r) (local.get $rs))))');
emit('      (local.set $at (local.get $base))');
emit('      (local.set $p (i32.const 0))');
emit('      (block $done (if (i32.eq (local.get $full) (local.get $width)) (then');
// Rows contiguous along the panel: each p is `width` consecutive floats.
emit('        (if (i32.eq (local.get $rs) (i32.const 4)) (then');
emit('          (block $cd (loop $c');
emit('            (br_if $cd (i32.ge_u (local.get $p) (local.get $k)))');
emit('            (v128.store (local.get $o) (v128.load (local.get $at)))');
emit(
  '            (if (i32.eq (local.get $width) (i32.const 8)) (then (v128.store offset=16 (local.get $o) (v128.load offset=16 (local.get $at)))))',
);
emit(
  '            (local.set $o (i32.add (local.get $o) (i32.shl (local.get $width) (i32.const 2))))',
);
emit('            (local.set $at (i32.add (local.get $at) (local.get $ps)))');
emit('            (local.set $p (i32.add (local.get $p) (i32.const 1)))');
emit('            (br $c)))');
emit('          (br $done)))');
// Rows running along p: 4x4 transposes, four p at a time; the last k % 4 fall to the loop below.
emit('        (if (i32.eq (local.get $ps) (i32.const 4)) (then');
emit('          (block $td (loop $t');
emit('            (br_if $td (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $k)))');
emit('            (if (i32.eq (local.get $width) (i32.const 4)) (then');
for (const l of [...rows4(0), ...transpose4([0, 16, 32, 48])]) emit(`              ${l}`);
emit('            ) (else');
for (const l of [
  ...rows4(0),
  ...transpose4([0, 32, 64, 96]),
  ...rows4(4),
  ...transpose4([16, 48, 80, 112]),
])
  emit(`              ${l}`);
emit('            ))');
emit(
  '            (local.set $o (i32.add (local.get $o) (i32.shl (local.get $width) (i32.const 4))))',
);
emit('            (local.set $at (i32.add (local.get $at) (i32.const 16)))');
emit('            (local.set $p (i32.add (local.get $p) (i32.const 4)))');
emit('            (br $t)))))');
emit('      )))');
// Element by element: what is left of this panel (partial panels, other strides, the k % 4 tail).
emit('      (block $ed (loop $e');
emit('        (br_if $ed (i32.ge_u (local.get $p) (local.get $k)))');
emit('        (local.set $w (i32.const 0))');
emit('        (block $wd (loop $wl');
emit('          (br_if $wd (i32.ge_u (local.get $w) (local.get $width)))');
emit(
  '          (f32.store (local.get $o) (select (f32.load (i32.add (i32.add (local.get $base) (i32.mul (local.get $w) (local.get $rs))) (i32.mul (local.get $p) (local.get $ps)))) (f32.const 0) (i32.lt_u (local.get $w) (local.get $full))))',
);
emit('          (local.set $o (i32.add (local.get $o) (i32.const 4)))');
emit('          (local.set $w (i32.add (local.get $w) (i32.const 1)))');
emit('          (br $wl)))');
emit('        (local.set $p (i32.add (local.get $p) (i32.const 1)))');
emit('        (br $e)))');
emit('      (local.set $r (i32.add (local.get $r) (local.get $width)))');
emit('      (br $panel)))');
emit('  )');
emit(')');

const gemmWat = lines.join('\n');

// The same kernel over a shared memory it imports, for matrix products split over threads
// (kernels/thread-pool.ts): every thread instantiates it on one memory. A shared memory needs a
// maximum: the GEMM's scratch never exceeds 4 x GEMM_SCRATCH_MAX_BYTES (32 MiB, see simd.ts).
const GEMM_SHARED_MAX_PAGES = (4 * (32 << 20)) / 65536;
const gemmSharedWat = gemmWat.replace(
  '(memory (export "memory") 1)',
  `(import "env" "memory" (memory 1 ${GEMM_SHARED_MAX_PAGES} shared))`,
);

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
// The loop counts the elements down instead of comparing $p with an end address: a run that ends
// at the last element of a 4 GiB memory has the end address 2^32, which wraps to 0 in i32, and a
// comparison with it would skip the whole run. Addresses are unsigned and at most 2^32 - 16.
const loop = (body) => [
  '    (block $done (loop $next',
  '      (br_if $done (i32.lt_u (local.get $n) (i32.const 4)))',
  ...body.map((l) => `      ${l}`),
  '      (local.set $p (i32.add (local.get $p) (i32.const 16)))',
  '      (local.set $n (i32.sub (local.get $n) (i32.const 4)))',
  '      (br $next)))',
];
const sumKernel = (name, term) => {
  const [lo, hi] = halves('(local.get $p)');
  return [
    `  (func (export "${name}") (param $p i32) (param $n i32) (param $a0 f64) (result f64)`,
    '    (local $lo v128) (local $hi v128)',
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
/**
 * A loop over $n floats (a multiple of 4) that moves each named address on by `step` bytes per
 * pass and $n down by step / 4 (counting down, as `loop` above does).
 */
const loopOver = (addresses, step, body) => [
  '    (block $done (loop $next',
  `      (br_if $done (i32.lt_u (local.get $n) (i32.const ${step / 4})))`,
  ...body.map((l) => `      ${l}`),
  ...addresses.map((a) => `      (local.set ${a} (i32.add (local.get ${a}) (i32.const ${step})))`),
  `      (local.set $n (i32.sub (local.get $n) (i32.const ${step / 4})))`,
  '      (br $next)))',
];
// Two-operand kernels over arena memory: out = a op b, where an operand with step 0 is one vector
// read again and again (a scalar splatted into the scratch, for a op s and s op a). Every f32x4
// operation rounds once to float32, as JavaScript's double result rounded on store does for +, -,
// * and / of float32 operands (53 >= 2·24 + 2 bits: no double-rounding error).
const binaryKernel = (name, op) => [
  `  (func (export "${name}") (param $a i32) (param $sa i32) (param $b i32) (param $sb i32) (param $o i32) (param $n i32)`,
  '    (local $p v128) (local $q v128)',
  '    (block $done (loop $next',
  '      (br_if $done (i32.lt_u (local.get $n) (i32.const 4)))',
  '      (local.set $p (v128.load (local.get $a)))',
  '      (local.set $q (v128.load (local.get $b)))',
  `      (v128.store (local.get $o) ${typeof op === 'string' ? `(${op} (local.get $p) (local.get $q))` : op('(local.get $p)', '(local.get $q)')})`,
  '      (local.set $a (i32.add (local.get $a) (local.get $sa)))',
  '      (local.set $b (i32.add (local.get $b) (local.get $sb)))',
  '      (local.set $o (i32.add (local.get $o) (i32.const 16)))',
  '      (local.set $n (i32.sub (local.get $n) (i32.const 4)))',
  '      (br $next)))',
  '  )',
];
const ZERO4 = '(v128.const f32x4 0 0 0 0)';
const ONE4 = '(v128.const f32x4 1 1 1 1)';
// Two floats at $x as f64x2; a f64x2 value rounded to float32 and widened back (what
// Math.fround does to a double); a f64x2 value stored as two floats at $x.
const load2 = (x) => `(f64x2.promote_low_f32x4 (v128.load64_zero (local.get ${x})))`;
// dst[c·ds + r] = src[r·ss + c] for r < rows, c < cols (multiples of 4; strides in floats): the
// transpose of a matrix by 4x4 blocks (strided.ts gather, for a transposed view made contiguous).
const at4 = (base, stride, k) =>
  k === 0
    ? `(local.get ${base})`
    : `(i32.add (local.get ${base}) (i32.mul (local.get ${stride}) (i32.const ${k})))`;
const transposeKernel = [
  '  (func (export "transpose") (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32) (param $ss i32) (param $ds i32)',
  '    (local $r i32) (local $c i32) (local $at i32) (local $o i32)',
  '    (local $q0 v128) (local $q1 v128) (local $q2 v128) (local $q3 v128) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)',
  '    (local.set $ss (i32.shl (local.get $ss) (i32.const 2)))',
  '    (local.set $ds (i32.shl (local.get $ds) (i32.const 2)))',
  // Down the source's columns, so that each of the four destination rows is written in order.
  '    (block $cd (loop $cl',
  '      (br_if $cd (i32.ge_u (local.get $c) (local.get $cols)))',
  '      (local.set $r (i32.const 0))',
  '      (block $rd (loop $rl',
  '        (br_if $rd (i32.ge_u (local.get $r) (local.get $rows)))',
  '        (local.set $at (i32.add (local.get $src) (i32.add (i32.mul (local.get $r) (local.get $ss)) (i32.shl (local.get $c) (i32.const 2)))))',
  '        (local.set $o (i32.add (local.get $dst) (i32.add (i32.mul (local.get $c) (local.get $ds)) (i32.shl (local.get $r) (i32.const 2)))))',
  ...[0, 1, 2, 3].map((k) => `        (local.set $q${k} (v128.load ${at4('$at', '$ss', k)}))`),
  `        (local.set $t0 ${T4('(local.get $q0)', '(local.get $q1)', [0, 4, 1, 5])})`,
  `        (local.set $t1 ${T4('(local.get $q0)', '(local.get $q1)', [2, 6, 3, 7])})`,
  `        (local.set $t2 ${T4('(local.get $q2)', '(local.get $q3)', [0, 4, 1, 5])})`,
  `        (local.set $t3 ${T4('(local.get $q2)', '(local.get $q3)', [2, 6, 3, 7])})`,
  `        (v128.store ${at4('$o', '$ds', 0)} ${T4('(local.get $t0)', '(local.get $t2)', [0, 1, 4, 5])})`,
  `        (v128.store ${at4('$o', '$ds', 1)} ${T4('(local.get $t0)', '(local.get $t2)', [2, 3, 6, 7])})`,
  `        (v128.store ${at4('$o', '$ds', 2)} ${T4('(local.get $t1)', '(local.get $t3)', [0, 1, 4, 5])})`,
  `        (v128.store ${at4('$o', '$ds', 3)} ${T4('(local.get $t1)', '(local.get $t3)', [2, 3, 6, 7])})`,
  '        (local.set $r (i32.add (local.get $r) (i32.const 4)))',
  '        (br $rl)))',
  '      (local.set $c (i32.add (local.get $c) (i32.const 4)))',
  '      (br $cl)))',
  '  )',
];
const arenaKernels = [
  ...transposeKernel,
  ...binaryKernel('add', 'f32x4.add'),
  ...binaryKernel('sub', 'f32x4.sub'),
  ...binaryKernel('mul', 'f32x4.mul'),
  ...binaryKernel('div', 'f32x4.div'),
  // Comparisons as float32 masks: 1 where true, +0 where false (kernels/elementwise.ts).
  ...['eq', 'ne', 'lt', 'le', 'gt', 'ge'].flatMap((c) =>
    binaryKernel(c, (p, q) => `(v128.and (f32x4.${c} ${p} ${q}) ${ONE4})`),
  ),
  // maximum/minimum as their JavaScript loops: the canonical NaN if either is NaN, else p where p
  // wins strictly, q otherwise (so maximum(+0, -0) is -0, as the loop gives).
  ...[
    ['maximum', 'gt'],
    ['minimum', 'lt'],
  ].flatMap(([name, c]) =>
    binaryKernel(
      name,
      (p, q) =>
        `(v128.bitselect (v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000) (v128.bitselect ${p} ${q} (f32x4.${c} ${p} ${q})) (v128.or (f32x4.ne ${p} ${p}) (f32x4.ne ${q} ${q})))`,
    ),
  ),
  // relu: x where x > 0, the quiet NaN where x is NaN, +0 elsewhere (kernels/masks.ts reluInto).
  '  (func (export "relu") (param $a i32) (param $o i32) (param $n i32)',
  '    (local $x v128)',
  ...loopOver(['$a', '$o'], 16, [
    '(local.set $x (v128.load (local.get $a)))',
    `(v128.store (local.get $o) (v128.or (v128.and (local.get $x) (f32x4.gt (local.get $x) ${ZERO4})) (v128.and (f32x4.ne (local.get $x) (local.get $x)) (v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000))))`,
  ]),
  '  )',
  // One-operand float32 ops (kernels/unary-math.ts UNARY_OPS, in this order), one br_table jump per
  // vector. Each rounds as the JavaScript loop does: a single float32 operation (sqrt, 1/x, x·x)
  // gives the bits of the double result rounded on store (53 >= 2·24 + 2), rsqrt runs in double as
  // `1 / Math.sqrt(x)` does, and neg/abs quiet a signalling NaN as a float64 round trip does.
  '  (func (export "unary") (param $a i32) (param $o i32) (param $n i32) (param $op i32)',
  '    (local $x v128)',
  // One br_table jump per call into the op's own loop (a jump per vector halved add's speed).
  ...(() => {
    // The quiet bit where x is NaN, for the bitwise neg and abs.
    const quiet =
      '(v128.and (f32x4.ne (local.get $x) (local.get $x)) (v128.const i32x4 0x400000 0x400000 0x400000 0x400000))';
    const ops = [
      `(v128.or (f32x4.neg (local.get $x)) ${quiet})`, // neg
      `(v128.or (f32x4.abs (local.get $x)) ${quiet})`, // abs
      '(f32x4.sqrt (local.get $x))', // sqrt
      `(f32x4.div ${ONE4} (local.get $x))`, // reciprocal, pow -1
      '(f32x4.mul (local.get $x) (local.get $x))', // square, pow 2
      '(f32x4.mul (f32x4.mul (local.get $x) (local.get $x)) (local.get $x))', // pow 3
      `(f32x4.div ${ONE4} (f32x4.sqrt (local.get $x)))`, // pow -0.5
      `(f32x4.div ${ONE4} (f32x4.mul (local.get $x) (local.get $x)))`, // pow -2
      // rsqrt: 1 / sqrt(x) in double, rounded once to float32.
      `(i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 ${[
        '(local.get $x)',
        '(i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x))',
      ]
        .map(
          (h) =>
            `(f32x4.demote_f64x2_zero (f64x2.div (v128.const f64x2 1 1) (f64x2.sqrt (f64x2.promote_low_f32x4 ${h}))))`,
        )
        .join(' ')})`,
    ];
    const labels = ops.map((_, i) => `$op${i}`);
    const lines = ['    (block $end', ...labels.map((l) => `    (block ${l}`).reverse()];
    lines[lines.length - 1] += ` (br_table ${labels.join(' ')} $end (local.get $op))`;
    ops.forEach((op, i) => {
      lines.push('    )');
      lines.push(
        ...loopOver(['$a', '$o'], 16, [
          '(local.set $x (v128.load (local.get $a)))',
          `(v128.store (local.get $o) ${op})`,
        ]),
      );
      if (i < ops.length - 1) lines.push('    (br $end)');
    });
    return [...lines, '    )'];
  })(),
  '  )',
  // clamp(x, lo, hi) as its JavaScript loop: x where x is NaN (quieted, as a float64 round trip
  // does), else Math.min(Math.max(x, lo), hi). lo and hi are float32 here; the caller passes them
  // only when neither is NaN, and a bound rounded to float32 selects the same float32 results as
  // the double bound does (no float32 lies strictly between the two). pmax/pmin (one instruction
  // each, where max/min handle NaN and signed zeros in several) return their first operand on a
  // tie, which only ±0 can make differ: Math.max prefers +0 and Math.min -0, so the bound goes
  // first unless it is the zero they would not pick. $zeros: bit 1, lo is -0; bit 2, hi is +0.
  '  (func (export "clampRange") (param $a i32) (param $o i32) (param $n i32) (param $lo f32) (param $hi f32) (param $zeros i32)',
  '    (local $x v128) (local $l v128) (local $h v128)',
  '    (local.set $l (f32x4.splat (local.get $lo)))',
  '    (local.set $h (f32x4.splat (local.get $hi)))',
  ...[0, 1, 2, 3].flatMap((zeros) => {
    const x = '(local.get $x)';
    const up = zeros & 1 ? `(f32x4.pmax ${x} (local.get $l))` : `(f32x4.pmax (local.get $l) ${x})`;
    const clamped =
      zeros & 2 ? `(f32x4.pmin ${up} (local.get $h))` : `(f32x4.pmin (local.get $h) ${up})`;
    return [
      `    (if (i32.eq (local.get $zeros) (i32.const ${zeros})) (then`,
      ...loopOver(['$a', '$o'], 16, [
        '(local.set $x (v128.load (local.get $a)))',
        `(v128.store (local.get $o) (v128.bitselect (v128.or ${x} (v128.const i32x4 0x400000 0x400000 0x400000 0x400000)) ${clamped} (f32x4.ne ${x} ${x})))`,
      ]).map((l) => `  ${l}`),
      '      (return)))',
    ];
  }),
  '  )',
  // leakyRelu and its backward (nn/functional/activation.ts): v where v > 0, else v·slope in double
  // rounded to float32, as `v > 0 ? v : v * slope` stores it (slope is a double); the backward
  // passes g where x > 0, else g·slope the same way.
  '  (func (export "leakyRelu") (param $a i32) (param $g i32) (param $o i32) (param $n i32) (param $slope f64) (param $backward i32)',
  '    (local $x v128) (local $v v128) (local $s v128)',
  '    (local.set $s (f64x2.splat (local.get $slope)))',
  ...loopOver(['$a', '$g', '$o'], 16, [
    '(local.set $x (v128.load (local.get $a)))',
    '(local.set $v (local.get $x))',
    '(if (local.get $backward) (then (local.set $v (v128.load (local.get $g)))))',
    `(v128.store (local.get $o) (v128.bitselect (local.get $v) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 ${[
      '(local.get $v)',
      '(i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))',
    ]
      .map(
        (h) =>
          `(f32x4.demote_f64x2_zero (f64x2.mul (f64x2.promote_low_f32x4 ${h}) (local.get $s)))`,
      )
      .join(' ')}) (f32x4.gt (local.get $x) ${ZERO4})))`,
  ]),
  '  )',
  // out = g where y > 0, +0 elsewhere (kernels/masks.ts selectPositive).
  '  (func (export "selectPositive") (param $y i32) (param $g i32) (param $o i32) (param $n i32)',
  ...loopOver(['$y', '$g', '$o'], 16, [
    `(v128.store (local.get $o) (v128.and (v128.load (local.get $g)) (f32x4.gt (v128.load (local.get $y)) ${ZERO4})))`,
  ]),
  '  )',
  // out = g where y <= 0 is false (y > 0 or NaN), +0 elsewhere (kernels/masks.ts reluBackwardInto).
  '  (func (export "reluBackward") (param $y i32) (param $g i32) (param $o i32) (param $n i32)',
  ...loopOver(['$y', '$g', '$o'], 16, [
    `(v128.store (local.get $o) (v128.andnot (v128.load (local.get $g)) (f32x4.le (v128.load (local.get $y)) ${ZERO4})))`,
  ]),
  '  )',
  // Sums of the first $cols columns (an even number) of $rows rows $stride floats apart, into
  // double accumulators at $acc, in the order of kernels/reduce.ts sumLeading: the first rows % 4
  // rows one at a time, then acc + r0 + r1 + r2 + r3 for each group of four rows.
  '  (func (export "sumRows") (param $src i32) (param $rows i32) (param $stride i32) (param $cols i32) (param $acc i32)',
  '    (local $n i32) (local $q i32) (local $c i32) (local $row i32) (local $head i32)',
  '    (local.set $row (i32.shl (local.get $stride) (i32.const 2)))',
  '    (local.set $head (i32.and (local.get $rows) (i32.const 3)))',
  '    (local.set $rows (i32.sub (local.get $rows) (local.get $head)))',
  '    (block $hd (loop $hl',
  '      (br_if $hd (i32.eqz (local.get $head)))',
  '      (local.set $q (local.get $src)) (local.set $c (local.get $acc)) (local.set $n (local.get $cols))',
  '      (block $cd (loop $cl',
  '        (br_if $cd (i32.eqz (local.get $n)))',
  `        (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) ${load2('$q')}))`,
  '        (local.set $q (i32.add (local.get $q) (i32.const 8)))',
  '        (local.set $c (i32.add (local.get $c) (i32.const 16)))',
  '        (local.set $n (i32.sub (local.get $n) (i32.const 2)))',
  '        (br $cl)))',
  '      (local.set $src (i32.add (local.get $src) (local.get $row)))',
  '      (local.set $head (i32.sub (local.get $head) (i32.const 1)))',
  '      (br $hl)))',
  '    (block $gd (loop $gl',
  '      (br_if $gd (i32.eqz (local.get $rows)))',
  '      (local.set $q (local.get $src)) (local.set $c (local.get $acc)) (local.set $n (local.get $cols))',
  '      (block $cd (loop $cl',
  '        (br_if $cd (i32.eqz (local.get $n)))',
  '        (v128.store (local.get $c) (f64x2.add (f64x2.add (f64x2.add (f64x2.add (v128.load (local.get $c))',
  `          ${load2('$q')})`,
  '          (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $q) (local.get $row)))))',
  '          (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $q) (i32.shl (local.get $row) (i32.const 1))))))',
  '          (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $q) (i32.mul (local.get $row) (i32.const 3)))))))',
  '        (local.set $q (i32.add (local.get $q) (i32.const 8)))',
  '        (local.set $c (i32.add (local.get $c) (i32.const 16)))',
  '        (local.set $n (i32.sub (local.get $n) (i32.const 2)))',
  '        (br $cl)))',
  '      (local.set $src (i32.add (local.get $src) (i32.shl (local.get $row) (i32.const 2))))',
  '      (local.set $rows (i32.sub (local.get $rows) (i32.const 4)))',
  '      (br $gl)))',
  '  )',
];
/**
 * A float32 vector computed as two double halves: `f(h)` builds the double expression for one half
 * from `h(v)`, which widens that half of the f32x4 `v`; the halves are rounded to float32 and
 * joined back into one vector.
 */
const joinHalves = (f) => {
  const lo = (v) => `(f64x2.promote_low_f32x4 ${v})`;
  const hi = (v) =>
    `(f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 ${v} ${v}))`;
  return `(i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (f32x4.demote_f64x2_zero ${f(lo)}) (f32x4.demote_f64x2_zero ${f(hi)}))`;
};
/** Optimizer updates over arena memory (optim/update-kernels.ts): only the optimizers load them. */
const updateWat = [
  '(module',
  '  (import "env" "memory" (memory 1))',
  // Adam's update (optim/adam-update.ts), four elements per pass: float32 steps as f32x4, the two
  // fused multiply-adds of the moments in double on two halves, as the JavaScript loop rounds.
  // $ams: keep the running maximum of v at $vm (torch.maximum: NaN propagates).
  '  (func (export "adam") (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $vm i32) (param $n i32) (param $b1 f64) (param $c1 f64) (param $b2 f64) (param $c2 f64) (param $bc2 f64) (param $eps f64) (param $step f64) (param $ams i32)',
  '    (local $gv v128) (local $mi v128) (local $vi v128) (local $t v128)',
  ...loopOver(['$p', '$g', '$m', '$v', '$vm'], 16, [
    '(local.set $gv (v128.load (local.get $g)))',
    // m = f(f(m·β1) + (1−β1)·g)
    '(local.set $t (f32x4.mul (v128.load (local.get $m)) (f32x4.splat (f32.demote_f64 (local.get $b1)))))',
    `(local.set $mi ${joinHalves(
      (h) =>
        `(f64x2.add ${h('(local.get $t)')} (f64x2.mul (f64x2.splat (local.get $c1)) ${h('(local.get $gv)')}))`,
    )})`,
    '(v128.store (local.get $m) (local.get $mi))',
    // v = f(f(v·β2) + f((1−β2)·g)·g)
    '(local.set $t (f32x4.mul (f32x4.splat (f32.demote_f64 (local.get $c2))) (local.get $gv)))',
    `(local.set $vi ${joinHalves(
      (h) =>
        `(f64x2.add ${h('(f32x4.mul (v128.load (local.get $v)) (f32x4.splat (f32.demote_f64 (local.get $b2))))')} (f64x2.mul ${h('(local.get $t)')} ${h('(local.get $gv)')}))`,
    )})`,
    '(v128.store (local.get $v) (local.get $vi))',
    '(if (local.get $ams) (then',
    '  (local.set $vi (f32x4.max (v128.load (local.get $vm)) (local.get $vi)))',
    '  (v128.store (local.get $vm) (local.get $vi))))',
    // p = f(p + f(f(−step·m) / f(f(√v / √bc2) + eps)))
    '(v128.store (local.get $p) (f32x4.add (v128.load (local.get $p)) (f32x4.div (f32x4.mul (f32x4.splat (f32.demote_f64 (local.get $step))) (local.get $mi)) (f32x4.add (f32x4.div (f32x4.sqrt (local.get $vi)) (f32x4.splat (f32.demote_f64 (local.get $bc2)))) (f32x4.splat (f32.demote_f64 (local.get $eps)))))))',
  ]),
  '  )',
  // The square-average updates of Adagrad (decay 1, rest 1) and RMSprop (optim/rmsprop.ts: decay
  // α, rest 1 − α), four elements per pass, with the bits of the optimizers' loops. What a loop
  // computes in double and rounds once (a product of two float32 values is exact in double) runs
  // as f64x2 on two halves; every other step is one float32 operation, which f32x4 rounds exactly
  // as the loop's double-then-Math.fround does (53 >= 2·24 + 2 bits):
  //   s = f32(f32(s·decay) + f32(rest·g)·g)   (for Adagrad the two products by 1 are exact)
  //   $mode bit 1, centered (the gradient average at $ga): ḡ = f32(f32(ḡ·decay) + rest·g),
  //     a = sqrt(f32(s − ḡ·ḡ)) + eps;  else a = sqrt(s) + eps
  //   $mode bit 2, momentum (the buffer at $b): b = b·mom + g / a, p = f32(negLr·b + p);
  //     else p = p + negLr·g / a
  // One loop per mode, chosen before the loop; an address its mode does not use is never read.
  '  (func (export "squareAverage") (param $p i32) (param $g i32) (param $s i32) (param $ga i32) (param $b i32) (param $n i32) (param $negLr f32) (param $eps f32) (param $decay f32) (param $rest f32) (param $mom f32) (param $mode i32)',
  '    (local $gv v128) (local $cg v128) (local $t v128) (local $sv v128) (local $gav v128) (local $av v128) (local $bv v128)',
  '    (local $a v128) (local $c v128) (local $L v128) (local $E v128) (local $M v128) (local $c2 v128) (local $L2 v128)',
  '    (local.set $a (f32x4.splat (local.get $decay)))',
  '    (local.set $c (f32x4.splat (local.get $rest)))',
  '    (local.set $L (f32x4.splat (local.get $negLr)))',
  '    (local.set $E (f32x4.splat (local.get $eps)))',
  '    (local.set $M (f32x4.splat (local.get $mom)))',
  '    (local.set $c2 (f64x2.splat (f64.promote_f32 (local.get $rest))))',
  '    (local.set $L2 (f64x2.splat (f64.promote_f32 (local.get $negLr))))',
  ...[0, 1, 2, 3].flatMap((mode) => {
    const centered = (mode & 1) !== 0;
    const momentum = (mode & 2) !== 0;
    const get = (x) => `(local.get ${x})`;
    const body = [
      '(local.set $gv (v128.load (local.get $g)))',
      '(local.set $cg (f32x4.mul (local.get $c) (local.get $gv)))',
      '(local.set $t (f32x4.mul (v128.load (local.get $s)) (local.get $a)))',
      `(local.set $sv ${joinHalves((h) => `(f64x2.add ${h(get('$t'))} (f64x2.mul ${h(get('$cg'))} ${h(get('$gv'))}))`)})`,
      '(v128.store (local.get $s) (local.get $sv))',
      ...(centered
        ? [
            '(local.set $t (f32x4.mul (v128.load (local.get $ga)) (local.get $a)))',
            `(local.set $gav ${joinHalves((h) => `(f64x2.add ${h(get('$t'))} (f64x2.mul (local.get $c2) ${h(get('$gv'))}))`)})`,
            '(v128.store (local.get $ga) (local.get $gav))',
            `(local.set $av ${joinHalves((h) => `(f64x2.sub ${h(get('$sv'))} (f64x2.mul ${h(get('$gav'))} ${h(get('$gav'))}))`)})`,
            '(local.set $av (f32x4.add (f32x4.sqrt (local.get $av)) (local.get $E)))',
          ]
        : ['(local.set $av (f32x4.add (f32x4.sqrt (local.get $sv)) (local.get $E)))']),
      ...(momentum
        ? [
            '(local.set $bv (f32x4.add (f32x4.mul (v128.load (local.get $b)) (local.get $M)) (f32x4.div (local.get $gv) (local.get $av))))',
            '(v128.store (local.get $b) (local.get $bv))',
            '(local.set $t (v128.load (local.get $p)))',
            `(v128.store (local.get $p) ${joinHalves((h) => `(f64x2.add (f64x2.mul (local.get $L2) ${h(get('$bv'))}) ${h(get('$t'))})`)})`,
          ]
        : [
            '(v128.store (local.get $p) (f32x4.add (v128.load (local.get $p)) (f32x4.div (f32x4.mul (local.get $L) (local.get $gv)) (local.get $av))))',
          ]),
    ];
    const addresses = ['$p', '$g', '$s', ...(centered ? ['$ga'] : []), ...(momentum ? ['$b'] : [])];
    return [
      `    (if (i32.eq (local.get $mode) (i32.const ${mode})) (then`,
      ...loopOver(addresses, 16, body).map((l) => `  ${l}`),
      '      (return)))',
    ];
  }),
  '  )',
  // The update direction with weight decay (optim/optimizer.ts direction): d = wd·p + g in double
  // rounded to float32, with wd a float32 value (its product with p is exact) and g negated first
  // under maximize (a sign flip, NaN included, as JavaScript's -g is). Eight elements per pass.
  '  (func (export "direction") (param $p i32) (param $g i32) (param $d i32) (param $n i32) (param $wd f64) (param $negate i32)',
  '    (local $w v128) (local $s v128) (local $gv v128)',
  '    (local.set $w (f64x2.splat (local.get $wd)))',
  '    (if (local.get $negate) (then (local.set $s (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))))',
  ...loopOver(
    ['$p', '$g', '$d'],
    32,
    [0, 16].flatMap((o) => [
      `(local.set $gv (v128.xor (v128.load offset=${o} (local.get $g)) (local.get $s)))`,
      `(v128.store offset=${o} (local.get $d) ${joinHalves((h) => `(f64x2.add (f64x2.mul (local.get $w) ${h(`(v128.load offset=${o} (local.get $p))`)}) ${h('(local.get $gv)')})`)})`,
    ]),
  ),
  '  )',
  // p = float32(alpha·g + p), the product and sum in double as JavaScript computes them (SGD).
  // Eight elements per pass: the second vector's loads overlap the first's arithmetic.
  '  (func (export "axpy") (param $p i32) (param $g i32) (param $n i32) (param $alpha f64)',
  '    (local $k v128)',
  '    (local.set $k (f64x2.splat (local.get $alpha)))',
  ...loopOver(
    ['$p', '$g'],
    32,
    [0, 16].map(
      (o) =>
        `(v128.store offset=${o} (local.get $p) ${joinHalves((h) => `(f64x2.add (f64x2.mul (local.get $k) ${h(`(v128.load offset=${o} (local.get $g))`)}) ${h(`(v128.load offset=${o} (local.get $p))`)})`)})`,
    ),
  ),
  '  )',
  // SGD with momentum (optim/sgd.ts), in double with float32 rounding where the JavaScript update
  // rounds. $mode bits: 1 first step (buf = g), 2 dampening, 4 Nesterov; one loop per combination,
  // chosen before the loop. $n must be a multiple of 8 (optim/sgd.ts finishes the rest).
  '  (func (export "momentum") (param $p i32) (param $g i32) (param $b i32) (param $n i32) (param $lr f64) (param $mom f64) (param $damp f64) (param $mode i32)',
  '    (local $d v128) (local $v v128) (local $u v128) (local $L v128) (local $M v128) (local $D v128) (local $M4 v128)',
  '    (local.set $L (f64x2.splat (local.get $lr)))',
  '    (local.set $M4 (f32x4.splat (f32.demote_f64 (local.get $mom))))',
  '    (local.set $M (f64x2.splat (local.get $mom)))',
  '    (local.set $D (f64x2.splat (local.get $damp)))',
  ...[0, 1, 2, 3, 4, 5, 6, 7].flatMap((mode) => {
    // Two vectors (8 elements) per pass: the loads of the second overlap the first's arithmetic.
    // A step the loop rounds once from a float32 product and sum (b·mom + d without dampening)
    // is f32x4, which rounds exactly as Math.fround does; the others run in double on halves.
    const at = (x, o) => `(v128.load offset=${o} (local.get ${x}))`;
    const body = [0, 16].flatMap((o) => {
      const v =
        mode & 1
          ? '(local.get $d)'
          : mode & 2
            ? joinHalves(
                (h) =>
                  `(f64x2.add (f64x2.mul (local.get $D) ${h('(local.get $d)')}) ${h(`(f32x4.mul ${at('$b', o)} (local.get $M4))`)})`,
              )
            : `(f32x4.add (f32x4.mul ${at('$b', o)} (local.get $M4)) (local.get $d))`;
      const u =
        mode & 4
          ? joinHalves(
              (h) =>
                `(f64x2.add (f64x2.mul (local.get $M) ${h('(local.get $v)')}) ${h('(local.get $d)')})`,
            )
          : '(local.get $v)';
      return [
        `(local.set $d ${at('$g', o)})`,
        `(local.set $v ${v})`,
        `(v128.store offset=${o} (local.get $b) (local.get $v))`,
        `(local.set $u ${u})`,
        `(v128.store offset=${o} (local.get $p) ${joinHalves((h) => `(f64x2.add (f64x2.mul (local.get $L) ${h('(local.get $u)')}) ${h(at('$p', o))})`)})`,
      ];
    });
    return [
      `    (if (i32.eq (local.get $mode) (i32.const ${mode})) (then`,
      ...loopOver(['$p', '$g', '$b'], 32, body).map((l) => `  ${l}`),
      '      (return)))',
    ];
  }),
  '  )',
  ')',
].join('\n');

const streamWat = [
  '(module',
  '  (import "env" "memory" (memory 1))',
  ...sumKernel('sum', (x) => x),
  ...sumKernel('sumSquares', (x) => `(f64x2.mul ${x} ${x})`),
  ...sumKernel('sumAbs', (x) => `(f64x2.abs ${x})`),
  // max |x|, NaN if any element is NaN: pmax (one instruction; it skips a NaN operand) plus a
  // separate NaN mask, cheaper than f32x4.max's NaN-propagating sequence.
  '  (func (export "maxAbs") (param $p i32) (param $n i32) (result f32)',
  '    (local $m v128) (local $x v128) (local $nan v128)',
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
  '    (local $s v128)',
  '    (local.set $s (f64x2.splat (local.get $c)))',
  ...loop(
    halves('(local.get $p)').map(
      (x, k) =>
        `(v128.store64_lane offset=${8 * k} 0 (local.get $p) (f32x4.demote_f64x2_zero (f64x2.mul ${x} (local.get $s))))`,
    ),
  ),
  '  )',
  '  (func (export "clamp") (param $p i32) (param $n i32) (param $lo f32) (param $hi f32)',
  '    (local $l v128) (local $h v128)',
  '    (local.set $l (f32x4.splat (local.get $lo)))',
  '    (local.set $h (f32x4.splat (local.get $hi)))',
  ...loop([
    '(v128.store (local.get $p) (f32x4.pmin (f32x4.pmax (v128.load (local.get $p)) (local.get $l)) (local.get $h)))',
  ]),
  '  )',
  ...arenaKernels,
  ...reductionKernels,
  ')',
].join('\n');

/*
 * Softmax kernels over rows in the module's own scratch memory (see kernels/softmax-simd.ts). Rows
 * are padded to a multiple of 4 floats by the caller (with -inf in the forward pass, 0 in the
 * backward pass), so every loop is whole f32x4 vectors.
 *
 * exp(v) for v <= 0 (or NaN) is Cody-Waite range reduction plus a degree-6 polynomial, ~1 ulp:
 *   k = nearest(v / ln 2), r = v - k*ln 2 (ln 2 split into an exact high part and a low part),
 *   exp(r) ~ 1 + r + r^2 * P(r), then scaled by 2^k as two factors 2^(k>>1) * 2^(k - (k>>1)) so
 *   results in the subnormal range are rounded once and anything below 2^-149 is exactly 0.
 *   v is first clamped to [-110, 100] (exp(-110) < 2^-149, exp(100) overflows to +inf either way);
 *   NaN passes through the clamp and comes out NaN.
 */
const f4 = (x) => `(v128.const f32x4 ${x} ${x} ${x} ${x})`;
const EXP_POLY = [
  '1.9875691500e-4',
  '1.3981999507e-3',
  '8.3334519073e-3',
  '4.1665795894e-2',
  '1.6666665459e-1',
  '5.0000001201e-1',
];
const EXP_LOCALS =
  '(local $ek v128) (local $er v128) (local $ep v128) (local $ei v128) (local $eh v128) (local $et v128)';
/** Lines that set local `out` to exp(local `v`) elementwise (v <= 0 or NaN). */
function expLines(v, out) {
  const L = [];
  // pmax/pmin (one instruction each) keep a NaN first operand: NaN < c and c < NaN are false.
  L.push(`(local.set $er (f32x4.pmin (f32x4.pmax (local.get ${v}) ${f4('-110')}) ${f4('100')}))`);
  // k = nearest(r·log2 e) by adding and subtracting 1.5·2^23 (ties to even, as f32x4.nearest; |r·log2 e|
  // < 2^22 after the clamp), which also leaves k's integer in the low bits of the sum ($et): cheaper
  // than nearest plus a float-to-int conversion, and the same k.
  L.push(
    `(local.set $et (f32x4.add (f32x4.mul (local.get $er) ${f4('1.44269504089')}) ${f4('12582912')}))`,
  );
  L.push(`(local.set $ek (f32x4.sub (local.get $et) ${f4('12582912')}))`);
  L.push(
    `(local.set $er (f32x4.sub (local.get $er) (f32x4.mul (local.get $ek) ${f4('0.693359375')})))`,
  );
  L.push(
    `(local.set $er (f32x4.add (local.get $er) (f32x4.mul (local.get $ek) ${f4('2.12194440e-4')})))`,
  );
  L.push(`(local.set $ep ${f4(EXP_POLY[0])})`);
  for (const c of EXP_POLY.slice(1))
    L.push(`(local.set $ep (f32x4.add (f32x4.mul (local.get $ep) (local.get $er)) ${f4(c)}))`);
  // 1 + r + r^2 * P(r)
  L.push(
    `(local.set $ep (f32x4.add (f32x4.add (f32x4.mul (f32x4.mul (local.get $ep) (local.get $er)) (local.get $er)) (local.get $er)) ${f4('1')}))`,
  );
  L.push(
    '(local.set $ei (i32x4.sub (local.get $et) (v128.const i32x4 0x4b400000 0x4b400000 0x4b400000 0x4b400000)))',
  );
  L.push('(local.set $eh (i32x4.shr_s (local.get $ei) (i32.const 1)))');
  L.push('(local.set $ei (i32x4.sub (local.get $ei) (local.get $eh)))');
  const pow2 = (k) =>
    `(i32x4.shl (i32x4.add (local.get ${k}) (v128.const i32x4 127 127 127 127)) (i32.const 23))`;
  L.push(
    `(local.set ${out} (f32x4.mul (f32x4.mul (local.get $ep) ${pow2('$eh')}) ${pow2('$ei')}))`,
  );
  return L;
}
/** Lines of `a` and `b` alternated (two independent computations, written as one stream). */
const interleave = (a, b) => a.flatMap((line, i) => [line, b[i]]);
/** A loop over $n floats from address $q, 4 at a time (counts down, as the stream kernels do). */
const vecLoop = (label, body) => [
  `(block $${label}done (loop $${label}`,
  `  (br_if $${label}done (i32.eqz (local.get $n)))`,
  ...body.map((l) => `  ${l}`),
  '  (local.set $q (i32.add (local.get $q) (i32.const 16)))',
  '  (local.set $n (i32.sub (local.get $n) (i32.const 4)))',
  `  (br $${label})))`,
];
const lanes = (op, v) =>
  `(${op} (${op} (f32x4.extract_lane 0 ${v}) (f32x4.extract_lane 1 ${v})) (${op} (f32x4.extract_lane 2 ${v}) (f32x4.extract_lane 3 ${v})))`;
const indent = (ls, d) => ls.map((l) => ' '.repeat(d) + l);
/** A loop over $rows rows of $stride floats from $p; `body` sees the row at $p, then $p moves on. */
const rowLoop = (body, after = []) => [
  '    (block $rowsdone (loop $row',
  '      (br_if $rowsdone (i32.eqz (local.get $rows)))',
  ...indent(body, 6),
  ...indent(after, 6),
  '      (local.set $p (i32.add (local.get $p) (i32.shl (local.get $stride) (i32.const 2))))',
  '      (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))',
  '      (br $row)))',
];
const from = (start) => [`(local.set $q ${start})`, '(local.set $n (local.get $stride))'];
const ROW_PARAMS = '(param $p i32) (param $rows i32) (param $stride i32)';
/*
 * Column kernels: a block of $size rows of $width floats (width a multiple of 4), normalised down
 * each column (softmax over a dim that is not the last one). $stats holds width floats of column
 * maxima then width floats of column sums (replaced by 1 / s or log s before colsApply).
 */
const gridLoop = (label, body) => [
  `    (local.set $q (local.get $p)) (local.set $k (local.get $size))`,
  `    (block $${label}rows (loop $${label}row`,
  `      (br_if $${label}rows (i32.eqz (local.get $k)))`,
  '      (local.set $s (local.get $stats)) (local.set $n (local.get $width))',
  `      (block $${label}done (loop $${label}`,
  `        (br_if $${label}done (i32.eqz (local.get $n)))`,
  ...indent(body, 8),
  '        (local.set $q (i32.add (local.get $q) (i32.const 16)))',
  '        (local.set $s (i32.add (local.get $s) (i32.const 16)))',
  '        (local.set $n (i32.sub (local.get $n) (i32.const 4)))',
  `        (br $${label})))`,
  '      (local.set $k (i32.sub (local.get $k) (i32.const 1)))',
  `      (br $${label}row)))`,
];
const COL_PARAMS = '(param $p i32) (param $size i32) (param $width i32) (param $stats i32)';
const COL_LOCALS = `(local $q i32) (local $n i32) (local $k i32) (local $s i32) (local $w4 i32) (local $v v128) (local $e v128)`;
const colsKernels = () => [
  `  (func (export "colsExpSum") ${COL_PARAMS} (param $store i32)`,
  `    ${COL_LOCALS}`,
  '    (local.set $w4 (i32.shl (local.get $width) (i32.const 2)))',
  '    (local.set $s (local.get $stats)) (local.set $n (local.get $width))',
  '    (block $initdone (loop $init',
  '      (br_if $initdone (i32.eqz (local.get $n)))',
  `      (v128.store (local.get $s) ${f4('-inf')})`,
  '      (v128.store (i32.add (local.get $s) (local.get $w4)) (v128.const i32x4 0 0 0 0))',
  '      (local.set $s (i32.add (local.get $s) (i32.const 16)))',
  '      (local.set $n (i32.sub (local.get $n) (i32.const 4)))',
  '      (br $init)))',
  ...gridLoop('max', [
    '(v128.store (local.get $s) (f32x4.max (v128.load (local.get $s)) (v128.load (local.get $q))))',
  ]),
  ...gridLoop('exp', [
    '(local.set $v (f32x4.sub (v128.load (local.get $q)) (v128.load (local.get $s))))',
    '(local.set $e (call $exp4 (local.get $v)))',
    '(if (local.get $store) (then (v128.store (local.get $q) (local.get $e))))',
    '(v128.store (i32.add (local.get $s) (local.get $w4)) (f32x4.add (v128.load (i32.add (local.get $s) (local.get $w4))) (local.get $e)))',
  ]),
  '  )',
  // Down each column, from its maximum m and f at $stats (the sum's place): x = (x - m) - f
  // ($shift = 1: logSoftmax, f = log s) or x = x * f ($shift = 0: softmax, f = 1 / s).
  `  (func (export "colsApply") ${COL_PARAMS} (param $shift i32)`,
  `    ${COL_LOCALS}`,
  '    (local.set $w4 (i32.shl (local.get $width) (i32.const 2)))',
  '    (if (local.get $shift)',
  '      (then',
  ...indent(
    gridLoop('sub', [
      '(v128.store (local.get $q) (f32x4.sub (f32x4.sub (v128.load (local.get $q)) (v128.load (local.get $s))) (v128.load (i32.add (local.get $s) (local.get $w4)))))',
    ]),
    4,
  ),
  '      )',
  '      (else',
  ...indent(
    gridLoop('mul', [
      '(v128.store (local.get $q) (f32x4.mul (v128.load (local.get $q)) (v128.load (i32.add (local.get $s) (local.get $w4)))))',
    ]),
    4,
  ),
  '      ))',
  '  )',
  // Backward down columns, written over g (block at $p; y's block at $y): $stats gets the width
  // column sums Σ g*y (softmax) or Σ g (logSoftmax) first.
  `  (func (export "colsBackward") ${COL_PARAMS} (param $y i32) (param $log i32)`,
  `    ${COL_LOCALS} (local $d i32)`,
  '    (local.set $d (i32.sub (local.get $y) (local.get $p)))',
  '    (local.set $s (local.get $stats)) (local.set $n (local.get $width))',
  '    (block $initdone (loop $init',
  '      (br_if $initdone (i32.eqz (local.get $n)))',
  '      (v128.store (local.get $s) (v128.const i32x4 0 0 0 0))',
  '      (local.set $s (i32.add (local.get $s) (i32.const 16)))',
  '      (local.set $n (i32.sub (local.get $n) (i32.const 4)))',
  '      (br $init)))',
  '    (if (local.get $log)',
  '      (then',
  ...indent(
    gridLoop('sumg', [
      '(v128.store (local.get $s) (f32x4.add (v128.load (local.get $s)) (v128.load (local.get $q))))',
    ]),
    4,
  ),
  ...indent(
    gridLoop('lg', [
      '(local.set $v (v128.load (i32.add (local.get $q) (local.get $d))))',
      '(local.set $e (call $exp4 (local.get $v)))',
      '(v128.store (local.get $q) (f32x4.sub (v128.load (local.get $q)) (f32x4.mul (local.get $e) (v128.load (local.get $s)))))',
    ]),
    4,
  ),
  '      )',
  '      (else',
  ...indent(
    gridLoop('dot', [
      '(v128.store (local.get $s) (f32x4.add (v128.load (local.get $s)) (f32x4.mul (v128.load (local.get $q)) (v128.load (i32.add (local.get $q) (local.get $d))))))',
    ]),
    4,
  ),
  ...indent(
    gridLoop('sg', [
      '(v128.store (local.get $q) (f32x4.mul (v128.load (i32.add (local.get $q) (local.get $d))) (f32x4.sub (v128.load (local.get $q)) (v128.load (local.get $s)))))',
    ]),
    4,
  ),
  '      ))',
  '  )',
];
const softmaxWat = [
  '(module',
  '  (memory (export "memory") 1)',
  // exp is one shared function rather than inlined into each kernel: the module stays small
  // (it is embedded in every bundle that uses a tensor), and the results are the same bits.
  '  (func $exp4 (param $v v128) (result v128)',
  `    ${EXP_LOCALS} (local $e v128)`,
  ...expLines('$v', '$e').map((line) => `    ${line}`),
  '    (local.get $e))',
  // Two vectors at once, their steps interleaved, so that the two dependency chains overlap.
  '  (func $exp8 (param $v v128) (param $w v128) (result v128 v128)',
  `    ${EXP_LOCALS} (local $e v128) ${EXP_LOCALS.replaceAll(' v128)', '2 v128)')} (local $e2 v128)`,
  ...interleave(
    expLines('$v', '$e'),
    expLines('$w', '$e2').map((l) => l.replace(/\$(ek|er|ep|ei|eh|et)\b/g, '$$$12')),
  ).map((line) => `    ${line}`),
  '    (local.get $e) (local.get $e2))',
  // Per row: m = max, s = Σ exp(x - m) (f32x4 lanes summed as (s0 + s1) + (s2 + s3)); the row is
  // overwritten with exp(x - m) when $store is set; (m, s) go to $stats (8 bytes per row).
  `  (func (export "rowsExpSum") ${ROW_PARAMS} (param $stats i32) (param $store i32)`,
  `    (local $q i32) (local $n i32) (local $m v128) (local $s v128) (local $v v128) (local $e v128) (local $nan v128) (local $mx f32) (local $s2 v128) (local $v2 v128) (local $e2 v128)`,
  ...rowLoop(
    [
      // The max is pmax (one instruction) plus a NaN mask, cheaper than NaN-propagating max.
      `(local.set $m ${f4('-inf')})`,
      '(local.set $nan (v128.const i32x4 0 0 0 0))',
      ...from('(local.get $p)'),
      ...vecLoop('max', [
        '(local.set $v (v128.load (local.get $q)))',
        '(local.set $m (f32x4.pmax (local.get $m) (local.get $v)))',
        '(local.set $nan (v128.or (local.get $nan) (f32x4.ne (local.get $v) (local.get $v))))',
      ]),
      `(local.set $mx ${lanes('f32.max', '(local.get $m)')})`,
      `(if (v128.any_true (local.get $nan)) (then (local.set $mx (f32.const nan))))`,
      '(local.set $m (f32x4.splat (local.get $mx)))',
      '(local.set $s (v128.const i32x4 0 0 0 0))',
      '(local.set $s2 (v128.const i32x4 0 0 0 0))',
      ...from('(local.get $p)'),
      // Two vectors per pass, summed into two accumulators: the two exps overlap in the CPU.
      '(block $pairdone (loop $pair',
      '  (br_if $pairdone (i32.lt_u (local.get $n) (i32.const 8)))',
      '  (local.set $v (f32x4.sub (v128.load (local.get $q)) (local.get $m)))',
      '  (local.set $v2 (f32x4.sub (v128.load offset=16 (local.get $q)) (local.get $m)))',
      '  (call $exp8 (local.get $v) (local.get $v2))',
      '  (local.set $e2)',
      '  (local.set $e)',
      '  (if (local.get $store) (then (v128.store (local.get $q) (local.get $e)) (v128.store offset=16 (local.get $q) (local.get $e2))))',
      '  (local.set $s (f32x4.add (local.get $s) (local.get $e)))',
      '  (local.set $s2 (f32x4.add (local.get $s2) (local.get $e2)))',
      '  (local.set $q (i32.add (local.get $q) (i32.const 32)))',
      '  (local.set $n (i32.sub (local.get $n) (i32.const 8)))',
      '  (br $pair)))',
      ...vecLoop('exp', [
        '(local.set $v (f32x4.sub (v128.load (local.get $q)) (local.get $m)))',
        '(local.set $e (call $exp4 (local.get $v)))',
        '(if (local.get $store) (then (v128.store (local.get $q) (local.get $e))))',
        '(local.set $s (f32x4.add (local.get $s) (local.get $e)))',
      ]),
      '(local.set $s (f32x4.add (local.get $s) (local.get $s2)))',
      '(f32.store (local.get $stats) (local.get $mx))',
      `(f32.store offset=4 (local.get $stats) ${lanes('f32.add', '(local.get $s)')})`,
    ],
    ['(local.set $stats (i32.add (local.get $stats) (i32.const 8)))'],
  ),
  '  )',
  // Per row, from its (m, f) pair at $stats: x = (x - m) - f ($shift = 1: logSoftmax, f = log s)
  // or x = x * f ($shift = 0: softmax, f = 1 / s).
  `  (func (export "rowsApply") ${ROW_PARAMS} (param $stats i32) (param $shift i32)`,
  '    (local $q i32) (local $n i32) (local $m v128) (local $f v128)',
  ...rowLoop(
    [
      '(local.set $m (v128.load32_splat (local.get $stats)))',
      '(local.set $f (v128.load32_splat offset=4 (local.get $stats)))',
      ...from('(local.get $p)'),
      '(if (local.get $shift)',
      '  (then',
      ...indent(
        vecLoop('sub', [
          '(v128.store (local.get $q) (f32x4.sub (f32x4.sub (v128.load (local.get $q)) (local.get $m)) (local.get $f)))',
        ]),
        4,
      ),
      '  )',
      '  (else',
      ...indent(
        vecLoop('mul', [
          '(v128.store (local.get $q) (f32x4.mul (v128.load (local.get $q)) (local.get $f)))',
        ]),
        4,
      ),
      '  ))',
    ],
    ['(local.set $stats (i32.add (local.get $stats) (i32.const 8)))'],
  ),
  '  )',
  // Backward per row, written over g (rows of g at $p, rows of y at $y, same stride):
  //   softmax ($log = 0): g' = y * (g - Σ g*y);  logSoftmax ($log = 1): g' = g - exp(y) * Σ g.
  `  (func (export "rowsBackward") ${ROW_PARAMS} (param $y i32) (param $log i32)`,
  `    (local $q i32) (local $n i32) (local $d i32) (local $s v128) (local $v v128) (local $e v128) (local $e2 v128)`,
  ...rowLoop(
    [
      '(local.set $s (v128.const i32x4 0 0 0 0))',
      '(local.set $d (i32.sub (local.get $y) (local.get $p)))',
      ...from('(local.get $p)'),
      '(if (local.get $log)',
      '  (then',
      ...indent(
        vecLoop('sumg', ['(local.set $s (f32x4.add (local.get $s) (v128.load (local.get $q))))']),
        4,
      ),
      `    (local.set $s (f32x4.splat ${lanes('f32.add', '(local.get $s)')}))`,
      ...indent(from('(local.get $p)'), 4),
      // Two vectors per pass through exp8 (the two exps overlap), then the rest one at a time.
      '    (block $lgpdone (loop $lgp',
      '      (br_if $lgpdone (i32.lt_u (local.get $n) (i32.const 8)))',
      '      (call $exp8 (v128.load (i32.add (local.get $q) (local.get $d))) (v128.load offset=16 (i32.add (local.get $q) (local.get $d))))',
      '      (local.set $e2)',
      '      (local.set $e)',
      '      (v128.store (local.get $q) (f32x4.sub (v128.load (local.get $q)) (f32x4.mul (local.get $e) (local.get $s))))',
      '      (v128.store offset=16 (local.get $q) (f32x4.sub (v128.load offset=16 (local.get $q)) (f32x4.mul (local.get $e2) (local.get $s))))',
      '      (local.set $q (i32.add (local.get $q) (i32.const 32)))',
      '      (local.set $n (i32.sub (local.get $n) (i32.const 8)))',
      '      (br $lgp)))',
      ...indent(
        vecLoop('lg', [
          '(local.set $v (v128.load (i32.add (local.get $q) (local.get $d))))',
          '(local.set $e (call $exp4 (local.get $v)))',
          '(v128.store (local.get $q) (f32x4.sub (v128.load (local.get $q)) (f32x4.mul (local.get $e) (local.get $s))))',
        ]),
        4,
      ),
      '  )',
      '  (else',
      ...indent(
        vecLoop('dot', [
          '(local.set $s (f32x4.add (local.get $s) (f32x4.mul (v128.load (local.get $q)) (v128.load (i32.add (local.get $q) (local.get $d))))))',
        ]),
        4,
      ),
      `    (local.set $s (f32x4.splat ${lanes('f32.add', '(local.get $s)')}))`,
      ...indent(from('(local.get $p)'), 4),
      ...indent(
        vecLoop('sg', [
          '(v128.store (local.get $q) (f32x4.mul (v128.load (i32.add (local.get $q) (local.get $d))) (f32x4.sub (v128.load (local.get $q)) (local.get $s))))',
        ]),
        4,
      ),
      '  ))',
    ],
    ['(local.set $y (i32.add (local.get $y) (i32.shl (local.get $stride) (i32.const 2))))'],
  ),
  '  )',
  ...colsKernels(),
  ')',
].join('\n');

const HEADER = '// Generated by scripts/build-wasm.mjs (npm run wasm): do not edit.';

function module(name, wat, wabt, describe, extra = '') {
  const parsed = wabt.parseWat(`${name}.wat`, wat, { simd: true, threads: true });
  parsed.validate({ simd: true, threads: true });
  const { buffer } = parsed.toBinary({});
  parsed.destroy();
  const constName = `${name.toUpperCase().replace(/-/g, '_')}_WASM_HEX`;
  return {
    [`${name}.wat`]: `;; ${HEADER.slice(3)}\n;; ${describe}\n${wat}\n`,
    [`${name}-wasm.ts`]:
      `${HEADER}\n${extra}/** ${describe}: ${buffer.length} bytes assembled from ${name}.wat, as hex. */\n` +
      `export const ${constName} =\n  '${Buffer.from(buffer).toString('hex')}';\n`,
  };
}

/** The generated files, by file name inside src/tensor/kernels/generated/. */
export async function generate() {
  const wabt = await wabtInit();
  return {
    ...module(
      'gemm',
      gemmWat,
      wabt,
      `A WebAssembly SIMD GEMM micro-kernel (${ROWS}x${4 * VECS} register tile of f32x4 accumulators over packed panels)`,
      `/** Rows of A per register tile of the micro-kernel (the height of a packed A panel). */\nexport const GEMM_TILE_ROWS = ${ROWS};\n/** Columns of B per register tile (the width of a packed B panel). */\nexport const GEMM_TILE_COLS = ${4 * VECS};\n`,
    ),
    ...module(
      'gemm-shared',
      gemmSharedWat,
      wabt,
      'The GEMM micro-kernel of gemm.wat over an imported shared memory, for threaded matrix products (see kernels/thread-pool.ts)',
      `/** Pages (64 KiB) of the shared memory the threaded GEMM imports, at most. */\nexport const GEMM_SHARED_MAX_PAGES = ${GEMM_SHARED_MAX_PAGES};\n`,
    ),
    ...module(
      'stream',
      streamWat,
      wabt,
      "WebAssembly SIMD one-pass kernels over a tensor storage's memory (see kernels/wasm-storage.ts)",
    ),
    ...module(
      'update',
      updateWat,
      wabt,
      'WebAssembly SIMD optimizer updates over the arena (see optim/update-kernels.ts)',
    ),
    ...module(
      'unary-math',
      unaryMathWat,
      wabt,
      'WebAssembly SIMD exp, sigmoid, tanh and log over the arena, with the bits of Math.exp, Math.tanh and Math.log (see kernels/unary-math.ts)',
      `/** Where the module writes its constants and table of 2^(j/2048) in the arena when bound to it. */\nexport const UNARY_MATH_TABLES_ADDRESS = ${MAP_TABLES_ADDRESS};\n/** How many bytes they take there. */\nexport const UNARY_MATH_TABLES_BYTES = ${MAP_TABLES_BYTES};\n`,
    ),
    ...module(
      'activations',
      activationsWat(),
      wabt,
      "WebAssembly SIMD gelu, silu and their derivatives over the arena, with the bits of nn/functional's loops (see nn/functional/activation-simd.ts)",
      `/** The module's kernels, in the numbering of its fallback's third argument (2·index + backward). */\nexport const ACTIVATION_KERNELS = ${JSON.stringify(ACTIVATION_KERNELS).replace(/"/g, "'").replace(/,/g, ', ')} as const;\n`,
    ),
    ...module(
      'softmax',
      softmaxWat,
      wabt,
      'WebAssembly SIMD softmax kernels (vectorised exp) over rows and columns in their own memory (see kernels/softmax-simd.ts)',
    ),
  };
}

export const generatedDir = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'src',
  'tensor',
  'kernels',
  'generated',
);

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [file, text] of Object.entries(await generate())) {
    writeFileSync(join(generatedDir, file), text);
    console.log(`wrote ${join(generatedDir, file)}`);
  }
}
